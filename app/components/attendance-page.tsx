import { Link, useSearchParams } from "@remix-run/react";
import { AttendanceMarker } from "~/components/learning";

type MarkRow = Parameters<typeof AttendanceMarker>[0]["rows"][number];

/** The roll-call page body shared by /teach/sessions/:id/attendance and /manage/:academy/sessions/:id/attendance. */
export function AttendancePage({
  page,
  error,
  backHref,
  checkinHref,
}: {
  page: { title: string; when: string; rows: MarkRow[]; problem: string | null; open: boolean };
  error: string | null;
  backHref: string;
  /** The QR check-in screen of this session; offered only while the session is still open. */
  checkinHref: string;
}) {
  const [params] = useSearchParams();
  const saved = /^(\d+)-(\d+)(?:-(\d+))?$/.exec(params.get("saved") ?? "");
  return (
    <>
      <p className="breadcrumb">
        <Link to={backHref}>← 花名册与出勤</Link>
      </p>
      <AttendanceMarker
        title={page.title}
        when={page.when}
        rows={page.rows}
        problem={page.problem}
        saved={
          saved ? `点名已保存：出席 ${saved[1]}、请假 ${saved[3] ?? 0} / 共 ${saved[2]} 人。` : null
        }
        error={error}
        checkinHref={page.open ? checkinHref : null}
      />
    </>
  );
}
