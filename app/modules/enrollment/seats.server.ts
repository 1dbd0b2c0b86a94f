/**
 * Seats and the waitlist, inside a caller's immediate transaction. Every seat is taken by a guarded
 * write — `INSERT … SELECT … WHERE (confirmed seats) < capacity`, `UPDATE … WHERE … < capacity` —
 * so the count of confirmed seats can never pass the capacity whatever runs concurrently, and the
 * partial UNIQUE indexes keep one active enrolment per person per run.
 */
import { and, asc, eq, inArray, isNotNull, min, sql } from "drizzle-orm";
import type { Conn, DB } from "@db/client";
import {
  classRuns,
  classSessions,
  enrollments,
  familyMembers,
  lotteryDraws,
  users,
} from "@db/schema";
import { getPinnedVersion } from "~/modules/scheduling/catalog-read.server";
import { notify } from "~/modules/scheduling/notifications.server";
import { waitlistOnlyRestriction } from "./policy.server";

export type Enrollment = typeof enrollments.$inferSelect;
export type RunRow = typeof classRuns.$inferSelect;

/** The run, its first scheduled session's start and its course title. */
export function runContext(conn: Conn, runId: number) {
  const run = conn.select().from(classRuns).where(eq(classRuns.id, runId)).get();
  if (!run) return null;
  const first = conn
    .select({ at: min(classSessions.startsAt) })
    .from(classSessions)
    .where(and(eq(classSessions.runId, runId), eq(classSessions.status, "scheduled")))
    .get();
  const title = getPinnedVersion(conn, run.courseVersionId)?.title ?? `班级 #${run.id}`;
  return { run, firstSessionAt: first?.at ?? null, title };
}
export type RunContext = NonNullable<ReturnType<typeof runContext>>;

export function confirmedCount(conn: Conn, runId: number) {
  return conn
    .select({ n: sql<number>`count(*)` })
    .from(enrollments)
    .where(and(eq(enrollments.runId, runId), eq(enrollments.status, "confirmed")))
    .get()!.n;
}

export function statusCounts(conn: Conn, runId: number) {
  const rows = conn
    .select({ status: enrollments.status, n: sql<number>`count(*)` })
    .from(enrollments)
    .where(eq(enrollments.runId, runId))
    .groupBy(enrollments.status)
    .all();
  const get = (s: string) => rows.find((r) => r.status === s)?.n ?? 0;
  return {
    confirmed: get("confirmed"),
    waitlisted: get("waitlisted"),
    pending: get("lottery_pending"),
  };
}

/** 1-based place on the waitlist (queue key, then arrival). */
export function waitlistPosition(conn: Conn, e: Pick<Enrollment, "id" | "runId" | "queueKey">) {
  if (e.queueKey == null) return null;
  const ahead = conn
    .select({ n: sql<number>`count(*)` })
    .from(enrollments)
    .where(
      and(
        eq(enrollments.runId, e.runId),
        eq(enrollments.status, "waitlisted"),
        sql`(${enrollments.queueKey} < ${e.queueKey} OR (${enrollments.queueKey} = ${e.queueKey} AND ${enrollments.id} < ${e.id}))`
      )
    )
    .get()!.n;
  return ahead + 1;
}

export type NewEnrollment = {
  runId: number;
  userId: number | null;
  familyMemberId: number | null;
  walkinName?: string | null;
  walkinPhone?: string | null;
  priority: boolean;
  addedBy: number | null;
};

/** Takes a seat if one is free: one guarded INSERT. Returns the new id, or null when full. */
export function takeSeat(tx: Conn, p: NewEnrollment, now: number): number | null {
  const r = tx.run(sql`
    INSERT INTO enrollments (run_id, user_id, family_member_id, walkin_name, walkin_phone, status, priority,
                             created_at, confirmed_at, added_by, updated_at)
    SELECT ${p.runId}, ${p.userId}, ${p.familyMemberId}, ${p.walkinName ?? null}, ${
    p.walkinPhone ?? null
  }, 'confirmed',
           ${p.priority ? 1 : 0}, ${now}, ${now}, ${p.addedBy}, ${now}
    WHERE (SELECT count(*) FROM enrollments WHERE run_id = ${p.runId} AND status = 'confirmed')
        < (SELECT capacity FROM class_runs WHERE id = ${p.runId})`);
  return r.changes === 1 ? Number(r.lastInsertRowid) : null;
}

/** Puts the person at the end of the waitlist. */
export function joinWaitlist(tx: Conn, p: NewEnrollment, now: number): number {
  const r = tx.run(sql`
    INSERT INTO enrollments (run_id, user_id, family_member_id, walkin_name, walkin_phone, status, queue_key, priority,
                             created_at, added_by, updated_at)
    SELECT ${p.runId}, ${p.userId}, ${p.familyMemberId}, ${p.walkinName ?? null}, ${
    p.walkinPhone ?? null
  }, 'waitlisted',
           COALESCE((SELECT max(queue_key) FROM enrollments WHERE run_id = ${p.runId}), 0) + 1,
           ${p.priority ? 1 : 0}, ${now}, ${p.addedBy}, ${now}`);
  return Number(r.lastInsertRowid);
}

/** A lottery ticket: no seat until the draw. */
export function applyForLottery(tx: Conn, p: NewEnrollment, now: number): number {
  return tx
    .insert(enrollments)
    .values({
      runId: p.runId,
      userId: p.userId,
      familyMemberId: p.familyMemberId,
      walkinName: p.walkinName ?? null,
      walkinPhone: p.walkinPhone ?? null,
      status: "lottery_pending",
      priority: p.priority,
      createdAt: now,
      addedBy: p.addedBy,
      updatedAt: now,
    })
    .returning({ id: enrollments.id })
    .get().id;
}

export function lotteryDrawOf(conn: Conn, runId: number) {
  return conn.select().from(lotteryDraws).where(eq(lotteryDraws.runId, runId)).get() ?? null;
}

/** The name of the person an enrolment is for, and how to address the account holder about it. */
export function describePerson(
  conn: Conn,
  e: Pick<Enrollment, "userId" | "familyMemberId" | "walkinName">
) {
  if (e.familyMemberId != null) {
    const m = conn.select().from(familyMembers).where(eq(familyMembers.id, e.familyMemberId)).get();
    return {
      name: m?.name ?? "家庭成员",
      forWhom: m ? `您为${m.relation}${m.name}报名的` : "您为家人报名的",
    };
  }
  if (e.userId != null) {
    const u = conn.select({ name: users.name }).from(users).where(eq(users.id, e.userId)).get();
    return { name: u?.name ?? "学员", forWhom: "您报名的" };
  }
  return { name: e.walkinName ?? "现场报名", forWhom: "" };
}

/**
 * Fills free seats from the head of the waitlist (first in, first promoted), each with a guarded
 * UPDATE, and tells each promoted person in 消息. People under the no-show policy are passed over.
 */
export function promoteWaitlisted(tx: Conn, ctx: RunContext, now: number) {
  const { run } = ctx;
  if (run.status === "cancelled" || run.status === "finished") return [];
  const promoted: Enrollment[] = [];
  const skipped = new Set<number>();
  for (;;) {
    if (confirmedCount(tx, run.id) >= run.capacity) break;
    const queue = tx
      .select()
      .from(enrollments)
      .where(and(eq(enrollments.runId, run.id), eq(enrollments.status, "waitlisted")))
      .orderBy(asc(enrollments.queueKey), asc(enrollments.id))
      .limit(skipped.size + 1)
      .all();
    const next = queue.find((e) => !skipped.has(e.id));
    if (!next) break;
    if (
      next.userId != null &&
      waitlistOnlyRestriction(tx, { userId: next.userId, familyMemberId: next.familyMemberId }, now)
    ) {
      skipped.add(next.id);
      continue;
    }
    const r = tx.run(sql`
      UPDATE enrollments SET status = 'confirmed', confirmed_at = ${now}, promoted_at = ${now}, updated_at = ${now}
      WHERE id = ${next.id} AND status = 'waitlisted'
        AND (SELECT count(*) FROM enrollments WHERE run_id = ${run.id} AND status = 'confirmed')
          < (SELECT capacity FROM class_runs WHERE id = ${run.id})`);
    if (r.changes !== 1) break;
    promoted.push({ ...next, status: "confirmed", confirmedAt: now, promotedAt: now });
    if (next.userId != null) {
      const who = describePerson(tx, next);
      notify(tx, next.userId, {
        title: `候补转正：「${ctx.title}」`,
        body: `${who.forWhom}「${ctx.title}」有人取消，已从候补转为正式报名，请按时上课。如不能参加，请尽早取消，把名额让给下一位。`,
        link: `/classes/${run.id}`,
      });
    }
  }
  return promoted;
}

/** Keeps the run's 报名中 / 已满员 status in step with its seats (lottery runs only after the draw). */
export function syncRunStatus(tx: Conn, runId: number, now: number) {
  const run = tx.select().from(classRuns).where(eq(classRuns.id, runId)).get();
  if (!run || (run.status !== "open" && run.status !== "full")) return run?.status ?? null;
  if (run.enrolMode === "lottery" && !lotteryDrawOf(tx, runId)) return run.status;
  const want = confirmedCount(tx, runId) >= run.capacity ? "full" : "open";
  if (want !== run.status)
    tx.update(classRuns).set({ status: want, updatedAt: now }).where(eq(classRuns.id, runId)).run();
  return want;
}

/** Account holders with an active enrolment in the run (for notices about the run). */
export function activeUserIds(conn: Conn, runId: number) {
  return conn
    .selectDistinct({ id: enrollments.userId })
    .from(enrollments)
    .where(
      and(
        eq(enrollments.runId, runId),
        inArray(enrollments.status, ["confirmed", "waitlisted", "lottery_pending"]),
        isNotNull(enrollments.userId)
      )
    )
    .all()
    .map((r) => r.id!);
}

/**
 * After a run's capacity changed (or anything else freed seats): promotes the waitlist into free
 * seats and puts the status in step. Cheap when nothing is due (one read). Scheduling may call it right after editing a run; the class page and the
 * roster also call it when they are opened.
 */
export function rebalanceRun(db: Conn, runId: number, now = Date.now()) {
  const due = db.get<{ due: number }>(sql`
    SELECT (r.status IN ('open', 'full', 'closed')
      AND ((SELECT count(*) FROM enrollments e WHERE e.run_id = r.id AND e.status = 'confirmed') < r.capacity
           AND EXISTS (SELECT 1 FROM enrollments e WHERE e.run_id = r.id AND e.status = 'waitlisted')
        OR (r.status = 'full' AND (SELECT count(*) FROM enrollments e WHERE e.run_id = r.id AND e.status = 'confirmed') < r.capacity
            AND (r.enrol_mode = 'first_come' OR EXISTS (SELECT 1 FROM lottery_draws d WHERE d.run_id = r.id)))
        OR (r.status = 'open' AND (SELECT count(*) FROM enrollments e WHERE e.run_id = r.id AND e.status = 'confirmed') >= r.capacity
            AND (r.enrol_mode = 'first_come' OR EXISTS (SELECT 1 FROM lottery_draws d WHERE d.run_id = r.id))))) AS due
    FROM class_runs r WHERE r.id = ${runId}`);
  if (!due?.due) return [];
  const work = (tx: Conn) => {
    const ctx = runContext(tx, runId);
    if (!ctx) return [];
    const promoted = promoteWaitlisted(tx, ctx, now);
    syncRunStatus(tx, runId, now);
    return promoted;
  };
  // Inside a caller's transaction this nests as a savepoint.
  return (db as DB).transaction(work, { behavior: "immediate" });
}
