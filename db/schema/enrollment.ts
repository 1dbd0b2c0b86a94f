import { sql } from "drizzle-orm";
import { check, index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { users } from "./auth";
import { classRuns, classSessions } from "./scheduling";

/**
 * 家庭成员: a person a resident registers for (an elderly parent, a child). Belongs to exactly one
 * household (its owner). Removal is soft (`removedAt`) so past enrolments and records keep their name.
 */
export const familyMembers = sqliteTable(
  "family_members",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    ownerUserId: integer("owner_user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    /** 母亲, 父亲, 配偶, 子女 … (free text with suggestions). */
    relation: text("relation").notNull(),
    birthYear: integer("birth_year").notNull(),
    phone: text("phone"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    removedAt: integer("removed_at"),
  },
  (t) => [
    index("family_members_owner_idx").on(t.ownerUserId),
    check("family_members_birth_year_check", sql`${t.birthYear} BETWEEN 1900 AND 2100`),
    check("family_members_name_check", sql`length(trim(${t.name})) > 0`),
  ],
);

export const ENROLLMENT_STATUSES = [
  "confirmed",
  "waitlisted",
  "lottery_pending",
  "cancelled",
  "removed",
] as const;
export type EnrollmentStatus = (typeof ENROLLMENT_STATUSES)[number];
/** Statuses that hold a place (a seat, a waitlist place or a lottery ticket). */
export const ACTIVE_ENROLLMENT_STATUSES = ["confirmed", "waitlisted", "lottery_pending"] as const;

const ACTIVE_SQL = sql.raw(`status IN ('confirmed', 'waitlisted', 'lottery_pending')`);

/**
 * 报名: one person in one run. The person is the enrolling user themself (`familyMemberId` null),
 * a family member of theirs, or a walk-in (现场报名) added by a manager with a name and phone and
 * no account (`userId` null). At most one active enrolment per person per run (partial UNIQUE
 * indexes). `queueKey` orders the waitlist (first come, or the lottery's drawn order).
 */
export const enrollments = sqliteTable(
  "enrollments",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    runId: integer("run_id")
      .notNull()
      .references(() => classRuns.id, { onDelete: "cascade" }),
    /** The account holder who enrolled (and is notified); null only for walk-ins. */
    userId: integer("user_id").references(() => users.id, { onDelete: "cascade" }),
    familyMemberId: integer("family_member_id").references(() => familyMembers.id),
    walkinName: text("walkin_name"),
    walkinPhone: text("walkin_phone"),
    status: text("status", { enum: ENROLLMENT_STATUSES }).notNull(),
    /** Waitlist order within the run: smaller first. Set on waitlisting (and by the lottery draw). */
    queueKey: integer("queue_key"),
    /** A resident of the run's academy when the run serves residents first (priority). */
    priority: integer("priority", { mode: "boolean" }).notNull().default(false),
    createdAt: integer("created_at").notNull(),
    confirmedAt: integer("confirmed_at"),
    /** When a waitlisted enrolment was promoted to a seat. */
    promotedAt: integer("promoted_at"),
    cancelledAt: integer("cancelled_at"),
    /** A manager who added this enrolment (walk-in or on someone's behalf); null = self-service. */
    addedBy: integer("added_by").references(() => users.id, { onDelete: "set null" }),
    /** Who cancelled or removed it. */
    endedBy: integer("ended_by").references(() => users.id, { onDelete: "set null" }),
    endReason: text("end_reason").notNull().default(""),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("enrollments_self_active_unique")
      .on(t.runId, t.userId)
      .where(sql`family_member_id IS NULL AND user_id IS NOT NULL AND ${ACTIVE_SQL}`),
    uniqueIndex("enrollments_member_active_unique")
      .on(t.runId, t.familyMemberId)
      .where(sql`family_member_id IS NOT NULL AND ${ACTIVE_SQL}`),
    uniqueIndex("enrollments_walkin_active_unique")
      .on(t.runId, t.walkinPhone)
      .where(sql`user_id IS NULL AND ${ACTIVE_SQL}`),
    index("enrollments_run_status_idx").on(t.runId, t.status, t.queueKey),
    index("enrollments_user_idx").on(t.userId, t.status),
    index("enrollments_member_idx").on(t.familyMemberId),
    check(
      "enrollments_person_check",
      sql`(${t.userId} IS NOT NULL AND ${t.walkinName} IS NULL AND ${t.walkinPhone} IS NULL) OR (${t.userId} IS NULL AND ${t.familyMemberId} IS NULL AND length(trim(${t.walkinName})) > 0 AND length(trim(${t.walkinPhone})) > 0)`,
    ),
    check("enrollments_queue_check", sql`${t.status} <> 'waitlisted' OR ${t.queueKey} IS NOT NULL`),
  ],
);

/**
 * 抽签: one draw per run. `seed` is recorded so anyone can recompute the order from the applicant
 * list (`applicantIds`, sorted by enrolment id before shuffling) and compare it with `order`.
 */
export const lotteryDraws = sqliteTable(
  "lottery_draws",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    runId: integer("run_id")
      .notNull()
      .references(() => classRuns.id, { onDelete: "cascade" }),
    seed: text("seed").notNull(),
    /** Enrolment ids that took part, ascending. */
    applicantIds: text("applicant_ids", { mode: "json" }).$type<number[]>().notNull(),
    /** Enrolment ids in drawn order (priority applicants first when the run serves residents first). */
    drawnOrder: text("drawn_order", { mode: "json" }).$type<number[]>().notNull(),
    capacity: integer("capacity").notNull(),
    winners: integer("winners").notNull(),
    /** null = drawn by the system when someone opened the run after the window closed. */
    drawnBy: integer("drawn_by").references(() => users.id, { onDelete: "set null" }),
    drawnAt: integer("drawn_at").notNull(),
  },
  (t) => [uniqueIndex("lottery_draws_run_unique").on(t.runId)],
);

/* ---- Learning (issue 6, second half): attendance, evaluations, calendar feeds, secrets ---- */

export const ATTENDANCE_METHODS = ["qr", "roster", "manager", "leave"] as const;
export type AttendanceMethod = (typeof ATTENDANCE_METHODS)[number];

/**
 * 出勤: one row per session and enrolment (UNIQUE, so a second scan never counts twice). Three
 * states: 出席 `present`; 请假 `excused` (an excused absence, never a no-show); 缺席 neither (an
 * explicit "absent" on the roll call). No row means attendance was not taken for that person.
 * `method`: qr = the learner scanned the check-in code (for themself or a family member),
 * roster = marked by the run's teacher, manager = marked by an academy manager, leave = the
 * resident asked for leave online before the session (`note` holds their reason; withdrawing it
 * before the start deletes the row). A `leave` row alone does not make the session "recorded".
 * The rules "not both present and excused", "a leave row is excused" and "note ≤ 100 characters"
 * are triggers (ATTENDANCE_GUARDS_SQL in app/modules/learning/leave.ts, migration
 * *_stats_leave_triggers): a CHECK would make drizzle-kit rebuild this large table.
 */
export const attendance = sqliteTable(
  "attendance",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    sessionId: integer("session_id")
      .notNull()
      .references(() => classSessions.id, { onDelete: "cascade" }),
    enrollmentId: integer("enrollment_id")
      .notNull()
      .references(() => enrollments.id, { onDelete: "cascade" }),
    present: integer("present", { mode: "boolean" }).notNull().default(true),
    /** 请假: absent with leave (asked online by the resident, or marked by staff). */
    excused: integer("excused", { mode: "boolean" }).notNull().default(false),
    /** The reason given for leave (≤ 100 characters), "" otherwise. */
    note: text("note").notNull().default(""),
    method: text("method", { enum: ATTENDANCE_METHODS }).notNull(),
    markedBy: integer("marked_by").references(() => users.id, { onDelete: "set null" }),
    markedAt: integer("marked_at").notNull(),
  },
  (t) => [
    uniqueIndex("attendance_session_enrollment_unique").on(t.sessionId, t.enrollmentId),
    index("attendance_enrollment_idx").on(t.enrollmentId),
  ],
);

/**
 * 评价: a learner rates a run 1–5 once per enrolment (after a session — `sessionId` records which —
 * or at the end), with an optional comment of at most 1,000 characters. Managers may hide a
 * comment (audited), never edit it; the rating still counts in averages.
 */
export const evaluations = sqliteTable(
  "evaluations",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    enrollmentId: integer("enrollment_id")
      .notNull()
      .references(() => enrollments.id, { onDelete: "cascade" }),
    sessionId: integer("session_id").references(() => classSessions.id, { onDelete: "set null" }),
    /** Who wrote it (the account holder of the enrolment). */
    authorId: integer("author_id").references(() => users.id, { onDelete: "set null" }),
    rating: integer("rating").notNull(),
    comment: text("comment").notNull().default(""),
    hiddenAt: integer("hidden_at"),
    hiddenBy: integer("hidden_by").references(() => users.id, { onDelete: "set null" }),
    hiddenReason: text("hidden_reason").notNull().default(""),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("evaluations_enrollment_unique").on(t.enrollmentId),
    index("evaluations_created_idx").on(t.createdAt),
    check("evaluations_rating_check", sql`${t.rating} BETWEEN 1 AND 5`),
    check("evaluations_comment_check", sql`length(${t.comment}) <= 1000`),
  ],
);

/** A person's secret calendar-feed URL; only the SHA-256 of the token is stored. Reset = new row. */
export const calendarFeeds = sqliteTable(
  "calendar_feeds",
  {
    userId: integer("user_id")
      .primaryKey()
      .references(() => users.id, { onDelete: "cascade" }),
    tokenHash: text("token_hash").notNull(),
    createdAt: integer("created_at").notNull(),
    lastFetchedAt: integer("last_fetched_at"),
  },
  (t) => [uniqueIndex("calendar_feeds_token_unique").on(t.tokenHash)],
);

/** Server secrets generated on first use when the environment gives none (e.g. `checkin`). */
export const serverSecrets = sqliteTable("server_secrets", {
  name: text("name").primaryKey(),
  value: text("value").notNull(),
  createdAt: integer("created_at").notNull(),
});

export const REMINDER_KINDS = [
  "session_day_before",
  "activity_day_before",
  "promoted_sms",
] as const;

/**
 * What the reminder job already sent, so running it again (or in two processes) sends nothing twice:
 * one row per kind, target (a class session, an activity, or for `promoted_sms` an enrolment) and
 * account. The row is written in the same transaction as the 消息.
 */
export const remindersSent = sqliteTable(
  "reminders_sent",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    kind: text("kind", { enum: REMINDER_KINDS }).notNull(),
    targetId: integer("target_id").notNull(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [uniqueIndex("reminders_sent_unique").on(t.kind, t.targetId, t.userId)],
);
