/**
 * Seats and the waitlist, inside a caller's immediate transaction. Every seat is taken by a guarded
 * write — `INSERT … SELECT … WHERE (confirmed seats) < capacity`, `UPDATE … WHERE … < capacity` —
 * so the count of confirmed seats can never pass the capacity whatever runs concurrently, and the
 * partial UNIQUE indexes keep one active enrolment per person per run.
 *
 * A seat target is a class run (`enrollments`, capacity in `class_runs`) or an activity
 * (`activity_registrations`, capacity in `activities`): both tables have the same columns, and the
 * guarded SQL below is written once for both (`SeatTarget`). Activities reach seats only here.
 */
import { and, asc, eq, inArray, min, sql } from "drizzle-orm";
import type Database from "better-sqlite3";
import { clientOf, getDb, prepared, type Conn, type DB } from "@db/client";
import { noteCheck, sameEntries } from "@db/read-checks";
import {
  ENROLLMENT_STATUSES,
  classRuns,
  classSessions,
  enrollments,
  familyMembers,
  lotteryDraws,
  users,
} from "@db/schema";
import { pinnedTitle } from "~/modules/catalog/read.server";
import { notify } from "~/modules/auth/notifications.server";
import { waitlistOnlyRestriction } from "./policy.server";

/** What a seat belongs to: a class run or an activity (群众性活动 with registration). */
export type SeatTarget = { kind: "run" | "activity"; id: number };

/** A seat row as the generic functions read it (the columns `enrollments` and `activity_registrations` share). */
export type SeatRow = {
  id: number;
  userId: number | null;
  familyMemberId: number | null;
  walkinName: string | null;
  status: string;
  queueKey: number | null;
};

export type NewSeat = {
  userId: number | null;
  familyMemberId: number | null;
  walkinName?: string | null;
  walkinPhone?: string | null;
  priority: boolean;
  addedBy: number | null;
};

/**
 * The guarded SQL of one kind of target, written once for both and compiled once per connection
 * (these run for every enrolment, cancellation and registration; building them with drizzle cost
 * more than running them). `rows` holds the seats, `key` names the target, `owner` its capacity.
 */
function seatStatements(db: Database.Database, rows: string, key: string, owner: string) {
  const confirmed = `(SELECT count(*) FROM ${rows} WHERE ${key} = :id AND status = 'confirmed')`;
  const capacity = `(SELECT capacity FROM ${owner} WHERE id = :id)`;
  const seatColumns = `id, user_id AS userId, family_member_id AS familyMemberId, walkin_name AS walkinName,
             status, queue_key AS queueKey`;
  const active = `status IN ('confirmed', 'waitlisted', 'lottery_pending')`;
  // The last queue key of the target, status by status: each an index seek on (key, status,
  // queue_key); max() over the target alone walked every row it has (O(n) per new waitlister).
  const lastQueueKey = ENROLLMENT_STATUSES.map(
    (st) => `SELECT max(queue_key) AS k FROM ${rows} WHERE ${key} = :id AND status = '${st}'`,
  ).join(" UNION ALL ");
  type Id = { id: number };
  type Insert = Id & {
    user: number | null;
    member: number | null;
    walkinName: string | null;
    walkinPhone: string | null;
    priority: number;
    now: number;
    addedBy: number | null;
  };
  // Each compiled on first use: a page that only counts seats never prepares the writes.
  const once = <T>(make: () => T) => {
    let v: T | undefined;
    return () => (v ??= make());
  };
  return {
    confirmed: once(() => db.prepare<Id, { n: number }>(`SELECT ${confirmed} AS n`)),
    confirmedOfMany: once(() =>
      db.prepare<{ ids: string }, { id: number; n: number }>(`
      SELECT ${key} AS id, count(*) AS n FROM ${rows}
      WHERE ${key} IN (SELECT value FROM json_each(:ids)) AND status = 'confirmed'
      GROUP BY ${key}`),
    ),
    capacity: once(() =>
      db.prepare<Id, { capacity: number | null }>(`SELECT capacity FROM ${owner} WHERE id = :id`),
    ),
    statusCounts: once(() =>
      db.prepare<Id, { status: string; n: number }>(
        `SELECT status, count(*) AS n FROM ${rows} WHERE ${key} = :id GROUP BY status`,
      ),
    ),
    waitlisted: once(() =>
      db.prepare<Id, { n: number }>(
        `SELECT count(*) AS n FROM ${rows} WHERE ${key} = :id AND status = 'waitlisted'`,
      ),
    ),
    ahead: once(() =>
      db.prepare<Id & { queueKey: number; seat: number }, { n: number }>(`
      SELECT count(*) AS n FROM ${rows}
      WHERE ${key} = :id AND status = 'waitlisted'
        AND (queue_key < :queueKey OR (queue_key = :queueKey AND id < :seat))`),
    ),
    takeSeat: once(() =>
      db.prepare<Insert>(`
      INSERT INTO ${rows} (${key}, user_id, family_member_id, walkin_name, walkin_phone, status, priority,
                           created_at, confirmed_at, added_by, updated_at)
      SELECT :id, :user, :member, :walkinName, :walkinPhone, 'confirmed', :priority, :now, :now, :addedBy, :now
      WHERE ${confirmed} < ${capacity}`),
    ),
    joinWaitlist: once(() =>
      db.prepare<Insert>(`
      INSERT INTO ${rows} (${key}, user_id, family_member_id, walkin_name, walkin_phone, status, queue_key, priority,
                           created_at, added_by, updated_at)
      SELECT :id, :user, :member, :walkinName, :walkinPhone, 'waitlisted',
             COALESCE((SELECT max(k) FROM (${lastQueueKey})), 0) + 1,
             :priority, :now, :addedBy, :now`),
    ),
    // Each the lookup of one of the partial UNIQUE indexes (one active place per person).
    activeSelf: once(() =>
      db.prepare<Id & { user: number }, SeatRow>(`
      SELECT ${seatColumns} FROM ${rows}
      WHERE ${key} = :id AND user_id = :user AND family_member_id IS NULL AND user_id IS NOT NULL AND ${active}`),
    ),
    activeMember: once(() =>
      db.prepare<Id & { member: number }, SeatRow>(`
      SELECT ${seatColumns} FROM ${rows}
      WHERE ${key} = :id AND family_member_id = :member AND family_member_id IS NOT NULL AND ${active}`),
    ),
    queueHead: once(() =>
      db.prepare<Id & { n: number }, SeatRow>(`
      SELECT ${seatColumns} FROM ${rows} WHERE ${key} = :id AND status = 'waitlisted'
      ORDER BY queue_key, id LIMIT :n`),
    ),
    promote: once(() =>
      db.prepare<Id & { seat: number; now: number }>(`
      UPDATE ${rows} SET status = 'confirmed', confirmed_at = :now, promoted_at = :now, updated_at = :now
      WHERE id = :seat AND status = 'waitlisted' AND ${confirmed} < ${capacity}`),
    ),
    activeUsers: once(() =>
      db.prepare<Id, { id: number }>(`
      SELECT DISTINCT user_id AS id FROM ${rows}
      WHERE ${key} = :id AND ${active} AND user_id IS NOT NULL`),
    ),
  };
}
const SEAT_SQL = {
  run: prepared((conn: Conn) =>
    seatStatements(clientOf(conn), "enrollments", "run_id", "class_runs"),
  ),
  activity: prepared((conn: Conn) =>
    seatStatements(clientOf(conn), "activity_registrations", "activity_id", "activities"),
  ),
};
const seatSql = (conn: Conn, target: SeatTarget) => SEAT_SQL[target.kind](conn);

export function confirmedCountOf(conn: Conn, target: SeatTarget): number {
  return seatSql(conn, target).confirmed().get({ id: target.id })!.n;
}

/**
 * Confirmed seats per target id of one kind (ids without any may be missing). A page cached with
 * `seats` checked (db/read-checks.ts) is kept while these counts stand.
 */
export function confirmedCountsOf(
  conn: Conn,
  kind: SeatTarget["kind"],
  targetIds: number[],
): Map<number, number> {
  if (targetIds.length === 0) return new Map();
  const ids = JSON.stringify([...new Set(targetIds)]);
  const read = (c: Conn) =>
    new Map(
      SEAT_SQL[kind](c)
        .confirmedOfMany()
        .all({ ids })
        .map((r) => [r.id, r.n]),
    );
  const taken = read(conn);
  noteCheck(() => sameEntries(read(getDb()), taken));
  return taken;
}

export function statusCountsOf(conn: Conn, target: SeatTarget) {
  const rows = seatSql(conn, target).statusCounts().all({ id: target.id });
  const get = (s: string) => rows.find((r) => r.status === s)?.n ?? 0;
  return {
    confirmed: get("confirmed"),
    waitlisted: get("waitlisted"),
    pending: get("lottery_pending"),
  };
}

/** 1-based place on the target's waitlist (queue key, then arrival). */
export function waitlistPositionIn(
  conn: Conn,
  target: SeatTarget,
  e: Pick<SeatRow, "id" | "queueKey">,
) {
  if (e.queueKey == null) return null;
  const ahead = seatSql(conn, target).ahead().get({
    id: target.id,
    queueKey: e.queueKey,
    seat: e.id,
  });
  return ahead!.n + 1;
}

const insertParams = (target: SeatTarget, p: NewSeat, now: number) => ({
  id: target.id,
  user: p.userId,
  member: p.familyMemberId,
  walkinName: p.walkinName ?? null,
  walkinPhone: p.walkinPhone ?? null,
  priority: p.priority ? 1 : 0,
  now,
  addedBy: p.addedBy,
});

/** Takes a seat if one is free: one guarded INSERT. Returns the new id, or null when full. */
export function takeSeatIn(tx: Conn, target: SeatTarget, p: NewSeat, now: number): number | null {
  const r = seatSql(tx, target)
    .takeSeat()
    .run(insertParams(target, p, now));
  return r.changes === 1 ? Number(r.lastInsertRowid) : null;
}

/** Puts the person at the end of the target's waitlist. */
export function joinWaitlistIn(tx: Conn, target: SeatTarget, p: NewSeat, now: number): number {
  const r = seatSql(tx, target)
    .joinWaitlist()
    .run(insertParams(target, p, now));
  return Number(r.lastInsertRowid);
}

/**
 * A seat if one is free (and not `waitlistOnly`), else the end of the waitlist: the new row's id,
 * status and, on the waitlist, its 1-based place. The newcomer is last (its queue key is the
 * target's highest), so the place is the waitlist's length: no second read of the row.
 */
export function seatOrWaitlistIn(
  tx: Conn,
  target: SeatTarget,
  p: NewSeat,
  now: number,
  waitlistOnly = false,
) {
  const seat = waitlistOnly ? null : takeSeatIn(tx, target, p, now);
  if (seat != null) return { id: seat, status: "confirmed" as const, position: null };
  const id = joinWaitlistIn(tx, target, p, now);
  const position = seatSql(tx, target).waitlisted().get({ id: target.id })!.n;
  return { id, status: "waitlisted" as const, position };
}

/** Rows of the target that hold a place (for "you already registered"), one person. */
export function activeSeatOf(
  conn: Conn,
  target: SeatTarget,
  person: { userId: number; familyMemberId: number | null },
): SeatRow | null {
  const q = seatSql(conn, target);
  const row =
    person.familyMemberId == null
      ? q.activeSelf().get({ id: target.id, user: person.userId })
      : q.activeMember().get({ id: target.id, member: person.familyMemberId });
  return row ?? null;
}

/**
 * Fills free seats of the target from the head of its waitlist (first in, first promoted), each
 * with a guarded UPDATE; people under the no-show policy are passed over. `tell` writes the
 * 消息 for each promoted account holder.
 */
export function promoteQueue(
  tx: Conn,
  target: SeatTarget,
  now: number,
  tell: (row: SeatRow) => void,
): SeatRow[] {
  const q = seatSql(tx, target);
  const promoted: SeatRow[] = [];
  const skipped = new Set<number>();
  for (;;) {
    const cap = q.capacity().get({ id: target.id })?.capacity;
    if (cap == null || confirmedCountOf(tx, target) >= cap) break;
    const queue = q.queueHead().all({ id: target.id, n: skipped.size + 1 });
    const next = queue.find((e) => !skipped.has(e.id));
    if (!next) break;
    if (
      next.userId != null &&
      waitlistOnlyRestriction(tx, { userId: next.userId, familyMemberId: next.familyMemberId }, now)
    ) {
      skipped.add(next.id);
      continue;
    }
    const r = q.promote().run({ id: target.id, seat: next.id, now });
    if (r.changes !== 1) break;
    promoted.push({ ...next, status: "confirmed" });
    if (next.userId != null) tell(next);
  }
  return promoted;
}

/** Account holders with an active place in the target (for notices about it). */
export function activeUserIdsOf(conn: Conn, target: SeatTarget): number[] {
  return seatSql(conn, target)
    .activeUsers()
    .all({ id: target.id })
    .map((r) => r.id);
}

export type Enrollment = typeof enrollments.$inferSelect;
export type RunRow = typeof classRuns.$inferSelect;

/** The run, its first scheduled session's start and its course title. */
export function runContext(conn: Conn, runId: number) {
  const run = runById(conn).get({ id: runId });
  if (!run) return null;
  const first = firstSessionOf(conn).get({ id: runId });
  const title = pinnedTitle(conn, run.courseVersionId) ?? `班级 #${run.id}`;
  return { run, firstSessionAt: first?.at ?? null, title };
}
const runById = prepared((conn: Conn) =>
  conn
    .select()
    .from(classRuns)
    .where(eq(classRuns.id, sql.placeholder("id")))
    .prepare(),
);
const firstSessionOf = prepared((conn: Conn) =>
  conn
    .select({ at: min(classSessions.startsAt) })
    .from(classSessions)
    .where(
      and(eq(classSessions.runId, sql.placeholder("id")), eq(classSessions.status, "scheduled")),
    )
    .prepare(),
);
export type RunContext = NonNullable<ReturnType<typeof runContext>>;

export function confirmedCount(conn: Conn, runId: number) {
  return confirmedCountOf(conn, { kind: "run", id: runId });
}

export function statusCounts(conn: Conn, runId: number) {
  return statusCountsOf(conn, { kind: "run", id: runId });
}

/** 1-based place on the waitlist (queue key, then arrival). */
export function waitlistPosition(conn: Conn, e: Pick<Enrollment, "id" | "runId" | "queueKey">) {
  return waitlistPositionIn(conn, { kind: "run", id: e.runId }, e);
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
  return lotteryDrawQuery(conn).get({ run: runId }) ?? null;
}
const lotteryDrawQuery = prepared((conn: Conn) =>
  conn
    .select()
    .from(lotteryDraws)
    .where(eq(lotteryDraws.runId, sql.placeholder("run")))
    .prepare(),
);

/** The name of the person an enrolment is for, and how to address the account holder about it. */
export function describePerson(
  conn: Conn,
  e: Pick<Enrollment, "userId" | "familyMemberId" | "walkinName">,
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
  const rows = promoteQueue(tx, { kind: "run", id: run.id }, now, (next) => {
    const who = describePerson(tx, next);
    notify(tx, next.userId!, {
      title: `候补转正：「${ctx.title}」`,
      body: `${who.forWhom}「${ctx.title}」有人取消，已从候补转为正式报名，请按时上课。如不能参加，请尽早取消，把名额让给下一位。`,
      link: `/classes/${run.id}`,
    });
  });
  if (rows.length === 0) return [];
  return tx
    .select()
    .from(enrollments)
    .where(
      inArray(
        enrollments.id,
        rows.map((r) => r.id),
      ),
    )
    .orderBy(asc(enrollments.queueKey), asc(enrollments.id))
    .all();
}

/**
 * Keeps the run's 报名中 / 已满员 status in step with its seats (lottery runs only after the draw):
 * one guarded UPDATE that writes nothing while the status is right (every enrolment runs it).
 */
export function syncRunStatus(tx: Conn, runId: number, now: number) {
  syncRunStatusSql(tx).run({ id: runId, now });
}
const syncRunStatusSql = prepared((conn: Conn) => {
  const want = `CASE WHEN (SELECT count(*) FROM enrollments WHERE run_id = :id AND status = 'confirmed')
    >= capacity THEN 'full' ELSE 'open' END`;
  return clientOf(conn).prepare<{ id: number; now: number }>(`
    UPDATE class_runs SET status = ${want}, updated_at = :now
    WHERE id = :id AND status IN ('open', 'full') AND status <> ${want}
      AND (enrol_mode <> 'lottery' OR EXISTS (SELECT 1 FROM lottery_draws WHERE run_id = :id))`);
});

/** Account holders with an active enrolment in the run (for notices about the run). */
export function activeUserIds(conn: Conn, runId: number) {
  return activeUserIdsOf(conn, { kind: "run", id: runId });
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
