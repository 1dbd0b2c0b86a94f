import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { getDb } from "@db/client";
import { AttendanceMarker, sessionWhen } from "~/components/learning";
import { requireActor } from "~/modules/auth/request.server";
import { saveSessionAttendance, sessionAttendance } from "~/modules/enrollment/attendance.server";
import { readForm } from "~/utils/csrf.server";
import { isUserError } from "~/utils/errors";
import { clientIp, notFound } from "~/utils/http";
import { z } from "~/utils/zod";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `点名 · ${data?.title ?? ""}` },
];

const presentSchema = z.object({
  present: z.array(z.coerce.number().int().positive()).default([]),
});

function sessionId(params: { id?: string }) {
  const id = z.coerce.number().int().positive().safeParse(params.id);
  if (!id.success) notFound("没有找到这次课。");
  return id.data;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = requireActor(request);
  const r = sessionAttendance(getDb(), actor, sessionId(params));
  return {
    sessionId: r.session.sessionId,
    runId: r.session.runId,
    title: r.session.title,
    when: `${sessionWhen(r.session.startsAt, r.session.endsAt)} · ${r.session.academyName} ${
      r.session.roomName
    }`,
    rows: r.rows,
    problem: r.problem,
    open: !r.problem && Date.now() <= r.session.endsAt,
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const actor = requireActor(request);
  const form = await readForm(request);
  const parsed = presentSchema.safeParse({ present: form.getAll("present") });
  if (!parsed.success) return data({ error: "提交的名单有误，请刷新后重试。" }, { status: 400 });
  const id = sessionId(params);
  try {
    const r = saveSessionAttendance(getDb(), actor, id, parsed.data.present, clientIp(request));
    return redirect(`/teach/sessions/${id}/attendance?saved=${r.present}-${r.total}`);
  } catch (e) {
    if (!isUserError(e)) throw e;
    return data({ error: e.message }, { status: 400 });
  }
}

export default function TeachAttendance() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const saved = /^(\d+)-(\d+)$/.exec(params.get("saved") ?? "");
  return (
    <div className="container">
      <p className="breadcrumb">
        <Link to={`/teach/runs/${d.runId}`}>← 花名册与出勤</Link>
      </p>
      <AttendanceMarker
        title={d.title}
        when={d.when}
        rows={d.rows}
        problem={d.problem}
        saved={saved ? `点名已保存：到课 ${saved[1]} / ${saved[2]} 人。` : null}
        error={result?.error ?? null}
        checkinHref={d.open ? `/teach/sessions/${d.sessionId}/checkin` : null}
      />
    </div>
  );
}
