/**
 * The session roll-call page (点名) served at /teach/sessions/:id/attendance and
 * /manage/:academy/sessions/:id/attendance: each route does its own access check, then calls these.
 */
import { data, redirect } from "@remix-run/node";
import type { Params } from "@remix-run/react";
import type { DB } from "@db/client";
import type { Actor } from "~/modules/auth/permissions";
import { formatDateTimeRange } from "~/utils/dates";
import { saveSessionAttendance, sessionAttendance } from "./attendance.server";
import { isUserError } from "~/utils/errors";
import { clientIp, parseIdParam } from "~/utils/http";
import { z } from "~/utils/zod";

const presentSchema = z.object({
  present: z.array(z.coerce.number().int().positive()).default([]),
});

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
 * Saves the ticked list (`form` from the route's own `readForm`) and redirects to
 * `pagePath(sessionId)?saved=present-total`, or returns `{ error }`.
 */
export function saveAttendanceAction(
  form: FormData,
  request: Request,
  db: DB,
  actor: Actor,
  params: Params,
  pagePath: (sessionId: number) => string,
  academyId?: number
) {
  const parsed = presentSchema.safeParse({ present: form.getAll("present") });
  if (!parsed.success) return data({ error: "提交的名单有误，请刷新后重试。" }, { status: 400 });
  const id = sessionIdOf(params);
  try {
    const r = saveSessionAttendance(
      db,
      actor,
      id,
      parsed.data.present,
      clientIp(request),
      Date.now(),
      academyId
    );
    return redirect(`${pagePath(id)}?saved=${r.present}-${r.total}`);
  } catch (e) {
    if (!isUserError(e)) throw e;
    return data({ error: e.message }, { status: 400 });
  }
}
