/**
 * The session roll-call page (点名) served at /teach/sessions/:id/attendance and
 * /manage/:academy/sessions/:id/attendance: each route does its own access check, then calls these.
 */
import type { Params } from "@remix-run/react";
import type { DB } from "@db/client";
import type { Actor } from "~/modules/auth/permissions";
import { formatDateTimeRange } from "~/utils/dates";
import { saveSessionAttendance, sessionAttendance } from "./attendance.server";
import { ATTENDANCE_STATES, type AttendanceState } from "./leave";
import { isUserError } from "~/utils/errors";
import { parseIdParam } from "~/utils/http";
import { z } from "~/utils/zod";

const presentSchema = z.object({
  present: z.array(z.coerce.number().int().positive()).default([]),
});
const stateSchema = z.enum(ATTENDANCE_STATES);

/** The roll call's fields: `state-<enrolmentId>` = present | excused | absent (one radio group per
 * learner); the older `present=<id>` checkboxes are still read (everyone else 缺席 or 请假). */
function readMarks(form: FormData): number[] | Map<number, AttendanceState> | null {
  const states = new Map<number, AttendanceState>();
  for (const [key, value] of form) {
    const m = /^state-(\d{1,12})$/.exec(key);
    if (!m) continue;
    const s = stateSchema.safeParse(value);
    if (!s.success) return null;
    states.set(Number(m[1]), s.data);
  }
  if (states.size > 0) return states;
  const parsed = presentSchema.safeParse({ present: form.getAll("present") });
  return parsed.success ? parsed.data.present : null;
}

const sessionIdOf = (params: Params) => parseIdParam(params.id, "没有找到这次课。");

/** Loader data of the roll-call page; `academyId` limits a manager to their academy's sessions. */
export function attendancePageData(db: DB, actor: Actor, params: Params, academyId?: number) {
  const r = sessionAttendance(db, actor, sessionIdOf(params), Date.now(), academyId);
  return {
    sessionId: r.session.sessionId,
    runId: r.session.runId,
    title: r.session.title,
    when: `${formatDateTimeRange(r.session.startsAt, r.session.endsAt)} · ${r.session.academyName} ${
      r.session.roomName
    }`,
    rows: r.rows,
    problem: r.problem,
    open: !r.problem && Date.now() <= r.session.endsAt,
  };
}

/**
 * Saves the roll call (`form` from the route's own `readForm`). The route redirects to the page
 * with `?saved=<present>-<total>-<excused>` on success, or shows `error` (400) next to the list.
 */
export function saveAttendanceForm(
  db: DB,
  actor: Actor,
  params: Params,
  form: FormData,
  ip: string | null,
  academyId?: number,
): { ok: true; sessionId: number; saved: string } | { ok: false; error: string } {
  const marks = readMarks(form);
  if (!marks) return { ok: false, error: "提交的名单有误，请刷新后重试。" };
  const id = sessionIdOf(params);
  try {
    const r = saveSessionAttendance(db, actor, id, marks, ip, Date.now(), academyId);
    return { ok: true, sessionId: id, saved: `${r.present}-${r.total}-${r.excused}` };
  } catch (e) {
    if (!isUserError(e)) throw e;
    return { ok: false, error: e.message };
  }
}
