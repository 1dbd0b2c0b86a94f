/**
 * A run's roster with attendance as CSV (UTF-8 with BOM) or XLSX: every learner (confirmed,
 * waitlisted, cancelled), one column per session, attendance totals. Teachers get masked phones.
 */
import type { DB } from "@db/client";
import { writeAudit } from "~/modules/auth/audit.server";
import type { Actor } from "~/modules/auth/permissions";
import { formatDateTime } from "~/utils/dates";
import { localParts } from "~/utils/time";
import { runAttendance } from "./attendance.server";
import { exportDownload, type Sheet } from "~/utils/export";
import { LEARNER_STATUS_LABELS, percent } from "./rules";
import { maskPhone } from "./staff.server";

type Data = ReturnType<typeof runAttendance>;

/** Three states (出席 / 请假 / 缺席); 缺课 = 缺席 that counts as a no-show (a seat, attendance taken). */
const MARK_LABELS = { present: "出席", excused: "请假", absent: "缺席", noshow: "缺课" } as const;

export function sessionLabel(startsAt: number) {
  const p = localParts(startsAt);
  return `${Number(p.date.slice(5, 7))}/${Number(p.date.slice(8, 10))} ${p.time}`;
}

export function rosterSheet(data: Data): Sheet {
  // Full numbers only for the academy's managers (they call learners); teachers, district centres
  // and HQ editors read masked ones.
  const teacherView = data.role !== "manager";
  const headers = [
    "序号",
    "姓名",
    "关系 / 报名人",
    "电话",
    "状态",
    "候补位次",
    "报名时间",
    ...data.sessions.map(
      (s) => `${sessionLabel(s.startsAt)}${s.status === "cancelled" ? "（已取消）" : ""}`,
    ),
    "出席次数",
    "请假次数",
    "出勤率",
    "缺课（未请假）",
  ];
  const all = [...data.confirmed, ...data.waitlisted, ...data.pending, ...data.ended];
  const rows = all.map((l, i) => [
    i + 1,
    l.name,
    l.walkin
      ? "现场报名"
      : l.familyMemberId
        ? `${l.relation ?? ""}（${l.ownerName ?? ""} 代报）`
        : "本人",
    teacherView ? maskPhone(l.phone) : (l.phone ?? ""),
    LEARNER_STATUS_LABELS[l.status] ?? l.status,
    l.position,
    formatDateTime(l.createdAt),
    ...data.sessions.map((s) => {
      const m = l.marks[s.id];
      return m ? MARK_LABELS[m] : "";
    }),
    l.attended,
    l.excused,
    l.rate == null ? "" : percent(l.rate),
    l.noShows,
  ]);
  return { name: "花名册与出勤", headers, rows };
}

export async function exportRunRoster(
  db: DB,
  actor: Actor,
  runId: number,
  format: "csv" | "xlsx",
  now = Date.now(),
  academyId?: number,
) {
  const data = runAttendance(db, actor, runId, now, academyId);
  const sheet = rosterSheet(data);
  const base = `${data.run.title}-花名册-${data.run.runId}`;
  if (data.role === "manager") {
    // Full phone numbers leave the system: who, which class, how many people (issue 14). The one
    // write a GET may make (tests/integration/ops-server.test.ts allows `*.export` audit rows).
    writeAudit(db, actor.id, null, {
      action: "roster.export",
      targetType: "run",
      targetId: data.run.runId,
      summary: `导出花名册（含完整电话号码，${sheet.rows.length} 人，${format.toUpperCase()}）：${data.run.title}`,
      detail: { format, people: sheet.rows.length },
    });
  }
  return exportDownload([sheet], format, base, `roster-${data.run.runId}`);
}
