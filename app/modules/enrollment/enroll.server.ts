/**
 * 报名 and 取消: a resident enrols themself or a family member, joins the waitlist when the run is
 * full (or applies for the lottery), and cancels until the deadline — the first waitlisted person
 * is promoted in the same immediate transaction and told in 消息.
 */
import { config } from "~/utils/config.server";
import { and, eq, sql, type SQL } from "drizzle-orm";
import { RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import { inGroupCommit, prepared, type Conn, type DB } from "@db/client";
import { ACTIVE_ENROLLMENT_STATUSES, enrollments, familyMembers, users } from "@db/schema";
import type { Actor } from "~/modules/auth/permissions";
import { sharedLimiter } from "~/modules/auth/rate-limit.server";
import { formatDateTime } from "~/utils/dates";
import { UserError } from "~/utils/errors";
import { notFound } from "~/utils/http";
import { waitlistOnlyRestriction } from "./policy.server";
import {
  ageRefusal,
  effectiveCancelDeadline,
  lateEnrollWarning,
  ENROLLMENT_STATUS_LABELS,
  priorityWindowEnd,
  REFUSAL_MESSAGES,
  windowRefusal,
  type RefusalCode,
} from "./rules";
import {
  applyForLottery,
  lotteryDrawOf,
  promoteWaitlisted,
  runContext,
  seatOrWaitlistIn,
  syncRunStatus,
  waitlistPosition,
  type Enrollment,
  type NewEnrollment,
  type RunContext,
} from "./seats.server";

/** A refused enrolment or cancellation: a Chinese sentence plus a stable code for redirects. */
export class EnrollRefusal extends UserError {
  constructor(
    public code: RefusalCode,
    message: string = REFUSAL_MESSAGES[code],
    field?: string,
  ) {
    super(message, field);
    this.name = "EnrollRefusal";
  }
}

export function isEnrollRefusal(e: unknown): e is EnrollRefusal {
  return e instanceof EnrollRefusal;
}

const limiters = new WeakMap<DB, RateLimiterAbstract>();
/** Enrol attempts per account per minute (ARCHITECTURE.md's baseline: rate limits on enrol),
 * counted in the database every server process shares. */
export function enrollLimiter(db: DB) {
  let limiter = limiters.get(db);
  if (!limiter)
    limiters.set(
      db,
      (limiter = sharedLimiter(db, {
        keyPrefix: "enrol-user",
        points: config().ENROL_LIMIT_PER_USER,
        duration: 60,
      })),
    );
  return limiter;
}

async function consumeEnrollAttempt(db: DB, userId: number) {
  try {
    await enrollLimiter(db).consume(String(userId));
  } catch (e) {
    if (e instanceof RateLimiterRes) throw new EnrollRefusal("rate_limited");
    throw e;
  }
}

export type Person = {
  userId: number;
  familyMemberId: number | null;
  name: string;
  /** How sentences refer to the person: 您 / 母亲王秀英. */
  who: string;
  birthYear: number | null;
  homeAcademyId: number | null;
};

/** The actor themself, or a family member of their own household (refused otherwise). */
export function resolvePerson(conn: Conn, actor: Actor, memberId?: number | null): Person {
  const me = userById(conn).get({ id: actor.id });
  if (!me) throw new EnrollRefusal("not_your_member", "没有找到您的账号，请重新登录。");
  if (memberId == null) {
    return {
      userId: me.id,
      familyMemberId: null,
      name: me.name,
      who: "您",
      birthYear: me.birthYear,
      homeAcademyId: me.homeAcademyId,
    };
  }
  const m = conn.select().from(familyMembers).where(eq(familyMembers.id, memberId)).get();
  if (!m || m.ownerUserId !== me.id)
    throw new EnrollRefusal("not_your_member", REFUSAL_MESSAGES.not_your_member, "memberId");
  if (m.removedAt != null)
    throw new EnrollRefusal("member_removed", REFUSAL_MESSAGES.member_removed, "memberId");
  return {
    userId: me.id,
    familyMemberId: m.id,
    name: m.name,
    who: `${m.relation}${m.name}`,
    birthYear: m.birthYear,
    homeAcademyId: me.homeAcademyId,
  };
}

/** The person's active (confirmed, waitlisted or lottery) enrolment in the run. */
export function activeEnrollmentOf(
  conn: Conn,
  runId: number,
  person: Pick<Person, "userId" | "familyMemberId">,
) {
  const row =
    person.familyMemberId == null
      ? activeSelfQuery(conn).get({ run: runId, user: person.userId })
      : activeMemberQuery(conn).get({ run: runId, member: person.familyMemberId });
  return row ?? null;
}
/**
 * The person's active enrolment in a run: each the exact lookup of its partial UNIQUE index
 * (enrollments_self_active_unique, enrollments_member_active_unique), which the query can use only
 * with the index's own conditions, the statuses as literals included. One query with
 * `family_member_id IS :member` let SQLite, without ANALYZE statistics, pick the index on
 * family_member_id and walk every self-enrolment in the database (47 µs per check at 1,000 in one
 * run, more as the city's records grow; tests/unit/enrollment-query-plans.test.ts). A family
 * member's enrolments carry the account holder's user id too.
 */
const activeQuery = (who: SQL) =>
  prepared((conn: Conn) =>
    conn
      .select()
      .from(enrollments)
      .where(
        and(
          eq(enrollments.runId, sql.placeholder("run")),
          who,
          sql.raw(`status IN (${ACTIVE_ENROLLMENT_STATUSES.map((s) => `'${s}'`).join(", ")})`),
        ),
      )
      .prepare(),
  );
const activeSelfQuery = activeQuery(
  sql`${enrollments.userId} = ${sql.placeholder("user")} AND ${enrollments.familyMemberId} IS NULL AND ${enrollments.userId} IS NOT NULL`,
);
const activeMemberQuery = activeQuery(
  sql`${enrollments.familyMemberId} = ${sql.placeholder("member")} AND ${enrollments.familyMemberId} IS NOT NULL`,
);
const userById = prepared((conn: Conn) =>
  conn
    .select()
    .from(users)
    .where(eq(users.id, sql.placeholder("id")))
    .prepare(),
);

function describeActive(conn: Conn, e: Enrollment) {
  if (e.status === "waitlisted") return `候补第 ${waitlistPosition(conn, e)} 位`;
  return ENROLLMENT_STATUS_LABELS[e.status];
}

export type EnrollOutcome = {
  enrollmentId: number;
  runId: number;
  status: "confirmed" | "waitlisted" | "lottery_pending";
  position: number | null;
  who: string;
  title: string;
  /** Why the person was put on the waitlist although seats were free (no-show policy). */
  restricted: string | null;
};

export function isUniqueViolation(e: unknown) {
  return (
    !!e &&
    typeof e === "object" &&
    "code" in e &&
    String((e as { code: unknown }).code).startsWith("SQLITE_CONSTRAINT_UNIQUE")
  );
}

export function isBusy(e: unknown) {
  return (
    !!e &&
    typeof e === "object" &&
    "code" in e &&
    String((e as { code: unknown }).code).startsWith("SQLITE_BUSY")
  );
}

/**
 * Places a person in the run: a seat if one is free (guarded write), else the end of the waitlist;
 * in a lottery run, a ticket for the draw. Shared by self-service and the manager's 现场报名.
 */
export function placeInRun(
  tx: Conn,
  ctx: RunContext,
  p: NewEnrollment,
  opts: { waitlistOnly: boolean; now: number },
) {
  const { run } = ctx;
  if (run.enrollMode === "lottery" && !lotteryDrawOf(tx, run.id)) {
    const id = applyForLottery(tx, p, opts.now);
    return { id, status: "lottery_pending" as const, position: null };
  }
  // Seats freed earlier (a raised capacity) go to the waitlist first, never to a newcomer.
  promoteWaitlisted(tx, ctx, opts.now);
  return seatOrWaitlistIn(tx, { kind: "run", id: run.id }, p, opts.now, opts.waitlistOnly);
}

/**
 * 报名: self or a family member. Throws EnrolRefusal (database unchanged) when a rule says no.
 * Past the cancel deadline a seat cannot be given back, so the person must have said they know
 * (`confirmLate`, the panel's checkbox), else `late_unconfirmed`.
 */
export async function enroll(
  db: DB,
  actor: Actor,
  input: { runId: number; memberId?: number | null; confirmLate?: boolean },
  now = Date.now(),
): Promise<EnrollOutcome> {
  await consumeEnrollAttempt(db, actor.id);
  try {
    // Group commit: enrolments arriving together share one disk wait (see inGroupCommit).
    return await inGroupCommit(db, (tx) => {
      const ctx = runContext(tx, input.runId);
      if (!ctx || ctx.run.status === "draft") notFound("没有找到这个班。");
      const { run } = ctx;
      const closed = windowRefusal(run, ctx.firstSessionAt, now);
      if (closed) throw new EnrollRefusal(closed.code, closed.message);
      if (!input.confirmLate && lateEnrollWarning(run, ctx.firstSessionAt, now))
        throw new EnrollRefusal("late_unconfirmed");
      if (run.enrollMode === "lottery" && lotteryDrawOf(tx, run.id))
        throw new EnrollRefusal("lottery_drawn");
      const person = resolvePerson(tx, actor, input.memberId);
      const existing = activeEnrollmentOf(tx, run.id, person);
      if (existing) {
        throw new EnrollRefusal(
          "already_enrolled",
          `${person.who === "您" ? "您" : person.who}已经报过这个班了（${describeActive(
            tx,
            existing,
          )}），同一个人在同一个班只能报名一次。`,
        );
      }
      const age = ageRefusal(run, person.birthYear, person.who, now);
      if (age)
        throw new EnrollRefusal(
          age.code,
          age.message,
          input.memberId != null ? "memberId" : undefined,
        );
      const resident = person.homeAcademyId != null && person.homeAcademyId === run.academyId;
      const priorityEnd = priorityWindowEnd(run);
      if (priorityEnd != null && now < priorityEnd && !resident) {
        throw new EnrollRefusal(
          "residents_only",
          `这个班优先本社区居民报名：${formatDateTime(
            priorityEnd,
          )} 之前只接受本书院居民报名，之后向所有居民开放。`,
        );
      }
      const restricted = waitlistOnlyRestriction(
        tx,
        { userId: person.userId, familyMemberId: person.familyMemberId },
        now,
      );
      const placed = placeInRun(
        tx,
        ctx,
        {
          runId: run.id,
          userId: person.userId,
          familyMemberId: person.familyMemberId,
          priority: run.residentsFirst && resident,
          addedBy: null,
        },
        { waitlistOnly: !!restricted, now },
      );
      syncRunStatus(tx, run.id, now);
      return {
        enrollmentId: placed.id,
        runId: run.id,
        status: placed.status,
        position: placed.position,
        who: person.who === "您" ? person.name : person.who,
        title: ctx.title,
        restricted: restricted && placed.status === "waitlisted" ? restricted.reason : null,
      };
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw new EnrollRefusal("already_enrolled");
    if (isBusy(e)) throw new EnrollRefusal("busy");
    throw e;
  }
}

export type CancelOutcome = {
  enrollmentId: number;
  wasStatus: string;
  promoted: number;
  who: string;
  title: string;
};

/** 取消报名 (or leave the waitlist / withdraw from the lottery). A confirmed seat can be given back
 * until the cancellation deadline; it goes to the head of the waitlist in the same transaction. */
export function cancelEnrollment(
  db: DB,
  actor: Actor,
  input: { runId: number; memberId?: number | null },
  now = Date.now(),
): CancelOutcome {
  return withBusyRefusal(() =>
    db.transaction((tx) => cancelIn(tx, actor, input, now), { behavior: "immediate" }),
  );
}

/** cancelEnrollment for a request: cancellations arriving together share one disk wait (inGroupCommit). */
export async function cancelEnrollmentGrouped(
  db: DB,
  actor: Actor,
  input: { runId: number; memberId?: number | null },
  now = Date.now(),
): Promise<CancelOutcome> {
  try {
    return await inGroupCommit(db, (tx) => cancelIn(tx, actor, input, now));
  } catch (e) {
    if (isBusy(e)) throw new EnrollRefusal("busy");
    throw e;
  }
}

function withBusyRefusal<T>(run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (isBusy(e)) throw new EnrollRefusal("busy");
    throw e;
  }
}

function cancelIn(
  tx: Conn,
  actor: Actor,
  input: { runId: number; memberId?: number | null },
  now: number,
): CancelOutcome {
  const ctx = runContext(tx, input.runId);
  if (!ctx) notFound("没有找到这个班。");
  const person = resolvePerson(tx, actor, input.memberId);
  const e = activeEnrollmentOf(tx, ctx.run.id, person);
  if (!e)
    throw new EnrollRefusal(
      "not_enrolled",
      `${person.who === "您" ? "您" : person.who}没有报名这个班，无需取消。`,
    );
  if (ctx.run.status === "finished")
    throw new EnrollRefusal("run_finished", "这个班已经结课，不能再取消报名。");
  if (e.status === "confirmed") {
    const deadline = effectiveCancelDeadline(ctx.run, ctx.firstSessionAt);
    if (deadline != null && now > deadline && ctx.run.status !== "cancelled") {
      throw new EnrollRefusal(
        "cancel_deadline_passed",
        `取消报名的截止时间是 ${formatDateTime(
          deadline,
        )}，现在已经过了。某一次课不能来，可以在“我的课程”里在课前在线请假。`,
      );
    }
  }
  if (e.status === "lottery_pending" && lotteryDrawOf(tx, ctx.run.id))
    throw new EnrollRefusal("lottery_drawn");
  tx.update(enrollments)
    .set({ status: "cancelled", cancelledAt: now, endedBy: actor.id, updatedAt: now })
    .where(eq(enrollments.id, e.id))
    .run();
  const promoted = e.status === "confirmed" ? promoteWaitlisted(tx, ctx, now) : [];
  syncRunStatus(tx, ctx.run.id, now);
  return {
    enrollmentId: e.id,
    wasStatus: e.status,
    promoted: promoted.length,
    who: person.who === "您" ? person.name : person.who,
    title: ctx.title,
  };
}
