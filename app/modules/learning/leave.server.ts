/**
 * 请假 online: a resident asks for leave for one upcoming session of a class they (or a family
 * member they enrolled) hold a confirmed seat in, before it starts, with an optional short reason,
 * and can withdraw it until the start. The leave is an `attendance` row (present 0, excused 1,
 * method `leave`), so the roll call shows it at once and an excused absence never becomes a
 * no-show. A leave row alone does not make the session "recorded" (attendance taken).
 * Each request and withdrawal is one immediate transaction with its audit row and a 消息 to the
 * person as confirmation.
 */
import { and, asc, eq, gt, inArray } from "drizzle-orm";
import type { Conn, DB } from "@db/client";
import { attendance, classRuns, classSessions, enrollments, rooms } from "@db/schema";
import { writeAudit } from "~/modules/auth/audit.server";
import type { Actor } from "~/modules/auth/permissions";
import { listLearners, loadRun } from "./staff.server";
import { notify } from "~/modules/auth/notifications.server";
import { formatDateTime } from "~/utils/dates";
import { UserError } from "~/utils/errors";
import { forbidden, notFound } from "~/utils/http";
import { stateOf, type AttendanceState } from "./leave";

export const LEAVE_NOT_YOURS = "这不是您（或您为家人）的报名，不能为它请假。";
export const LEAVE_TOO_LATE =
  "这次课已经开始，不能再在线请假。如有特殊情况，请联系书院或授课老师。";

/** The enrolment, if it is the actor's own or one they made for a family member; 403 otherwise
 * (404 when there is none). Routes call it before reading a form. */
export function requireOwnEnrollment(db: DB, actor: Actor, enrollmentId: number) {
  ownEnrollment(db, actor, enrollmentId);
}

function ownEnrollment(conn: Conn, actor: Actor, enrollmentId: number) {
  const [l] = listLearners(conn, eq(enrollments.id, enrollmentId));
  if (!l) notFound("没有找到这条报名记录。");
  if (l.userId !== actor.id) forbidden(LEAVE_NOT_YOURS);
  return l;
}

export type LeaveSession = {
  sessionId: number;
  startsAt: number;
  endsAt: number;
  roomName: string;
  state: AttendanceState | null;
  /** method of the mark: `leave` = asked online (withdrawable before the start). */
  method: string | null;
  note: string;
};

/** Sessions of the run not yet started (and not cancelled), with the learner's mark on each. */
function upcomingSessions(
  conn: Conn,
  runId: number,
  enrollmentId: number,
  now: number,
): LeaveSession[] {
  const sessions = conn
    .select({
      sessionId: classSessions.id,
      startsAt: classSessions.startsAt,
      endsAt: classSessions.endsAt,
      roomName: rooms.name,
    })
    .from(classSessions)
    .innerJoin(rooms, eq(rooms.id, classSessions.roomId))
    .where(
      and(
        eq(classSessions.runId, runId),
        eq(classSessions.status, "scheduled"),
        gt(classSessions.startsAt, now),
      ),
    )
    .orderBy(asc(classSessions.startsAt))
    .all();
  const ids = sessions.map((s) => s.sessionId);
  const marks = new Map(
    (ids.length
      ? conn
          .select()
          .from(attendance)
          .where(and(eq(attendance.enrollmentId, enrollmentId), inArray(attendance.sessionId, ids)))
          .all()
      : []
    ).map((m) => [m.sessionId, m]),
  );
  return sessions.map((s) => {
    const m = marks.get(s.sessionId);
    return { ...s, state: stateOf(m), method: m?.method ?? null, note: m?.note ?? "" };
  });
}

/** What /me/leave/:enrollmentId shows: the class, the learner and the sessions one may take leave for. */
export function leavePage(db: DB, actor: Actor, enrollmentId: number, now = Date.now()) {
  const l = ownEnrollment(db, actor, enrollmentId);
  const run = loadRun(db, l.runId)!;
  const blocked =
    l.status !== "confirmed"
      ? "只有已确认名额的课程可以请假（候补和待抽签的不需要请假）。"
      : run.runStatus === "cancelled"
        ? "这个班已经取消，不需要请假。"
        : null;
  return {
    enrollmentId: l.enrollmentId,
    runId: l.runId,
    title: run.title,
    academyName: run.academyName,
    learner: l.familyMemberId ? `${l.relation ?? ""} ${l.name}`.trim() : null,
    blocked,
    sessions: blocked ? [] : upcomingSessions(db, l.runId, l.enrollmentId, now),
  };
}

/** The session, in the enrolment's run, still to come. Refusals are Chinese UserErrors. */
function leaveTarget(conn: Conn, runId: number, sessionId: number, now: number) {
  const s = conn
    .select({
      sessionId: classSessions.id,
      runId: classSessions.runId,
      startsAt: classSessions.startsAt,
      status: classSessions.status,
      runStatus: classRuns.status,
    })
    .from(classSessions)
    .innerJoin(classRuns, eq(classRuns.id, classSessions.runId))
    .where(eq(classSessions.id, sessionId))
    .get();
  if (!s || s.runId !== runId) throw new UserError("请选择这个班的一次课。", "sessionId");
  if (s.status === "cancelled" || s.runStatus === "cancelled")
    throw new UserError("这次课已经取消，不需要请假。", "sessionId");
  if (now >= s.startsAt) throw new UserError(LEAVE_TOO_LATE, "sessionId");
  return s;
}

/** Asks for leave for one session (the actor's own enrolment or a family member's). */
export function requestLeave(
  db: DB,
  actor: Actor,
  input: { enrollmentId: number; sessionId: number; reason: string },
  ip: string | null = null,
  now = Date.now(),
) {
  return db.transaction(
    (tx) => {
      const l = ownEnrollment(tx, actor, input.enrollmentId);
      if (l.status !== "confirmed")
        throw new UserError("只有已确认名额的课程可以请假。", "sessionId");
      const s = leaveTarget(tx, l.runId, input.sessionId, now);
      const existing = tx
        .select()
        .from(attendance)
        .where(
          and(eq(attendance.sessionId, s.sessionId), eq(attendance.enrollmentId, l.enrollmentId)),
        )
        .get();
      if (existing?.present) throw new UserError("这次课已经签到，不需要请假。", "sessionId");
      if (existing?.excused) throw new UserError("这次课已经请过假了。", "sessionId");
      const reason = input.reason.trim();
      const values = {
        present: false,
        excused: true,
        note: reason,
        method: "leave" as const,
        markedBy: actor.id,
        markedAt: now,
      };
      tx.insert(attendance)
        .values({ sessionId: s.sessionId, enrollmentId: l.enrollmentId, ...values })
        .onConflictDoUpdate({
          target: [attendance.sessionId, attendance.enrollmentId],
          set: values,
        })
        .run();
      const run = loadRun(tx, l.runId)!;
      const who = l.familyMemberId ? `为${l.relation ?? "家人"}${l.name}` : "";
      writeAudit(tx, actor.id, ip, {
        action: "attendance.leave",
        targetType: "class_session",
        targetId: s.sessionId,
        summary: `${who}请假「${run.title}」${formatDateTime(s.startsAt)}${reason ? `：${reason}` : ""}`,
        detail: { enrollmentId: l.enrollmentId, reason },
      });
      notify(tx, actor.id, {
        title: `已请假：${run.title}`,
        body: `${who ? `已${who}` : "您已"}请假 ${formatDateTime(s.startsAt)} 的课，授课老师和书院在点名时会看到。请假不算缺课；上课开始前可以在请假页面撤销。`,
        link: `/me/leave/${l.enrollmentId}`,
      });
      return { sessionId: s.sessionId, startsAt: s.startsAt, title: run.title };
    },
    { behavior: "immediate" },
  );
}

/** Withdraws an online leave before the session starts (the row goes: no mark, as before). */
export function withdrawLeave(
  db: DB,
  actor: Actor,
  input: { enrollmentId: number; sessionId: number },
  ip: string | null = null,
  now = Date.now(),
) {
  return db.transaction(
    (tx) => {
      const l = ownEnrollment(tx, actor, input.enrollmentId);
      const s = leaveTarget(tx, l.runId, input.sessionId, now);
      const existing = tx
        .select()
        .from(attendance)
        .where(
          and(eq(attendance.sessionId, s.sessionId), eq(attendance.enrollmentId, l.enrollmentId)),
        )
        .get();
      if (!existing?.excused) throw new UserError("这次课没有请假，无需撤销。", "sessionId");
      if (existing.method !== "leave")
        throw new UserError("这次请假是书院登记的，如需撤销请联系书院。", "sessionId");
      tx.delete(attendance).where(eq(attendance.id, existing.id)).run();
      const run = loadRun(tx, l.runId)!;
      const who = l.familyMemberId ? `为${l.relation ?? "家人"}${l.name}` : "";
      writeAudit(tx, actor.id, ip, {
        action: "attendance.leave_withdraw",
        targetType: "class_session",
        targetId: s.sessionId,
        summary: `${who}撤销请假「${run.title}」${formatDateTime(s.startsAt)}`,
        detail: { enrollmentId: l.enrollmentId },
      });
      notify(tx, actor.id, {
        title: `已撤销请假：${run.title}`,
        body: `${formatDateTime(s.startsAt)} 的课已撤销请假，请按时上课。`,
        link: `/me/leave/${l.enrollmentId}`,
      });
      return { sessionId: s.sessionId, startsAt: s.startsAt };
    },
    { behavior: "immediate" },
  );
}
