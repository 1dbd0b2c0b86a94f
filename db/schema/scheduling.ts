import { sql } from "drizzle-orm";
import { check, index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { users } from "./auth";
import { courses, courseVersions, teachers } from "./catalog";
import { academies, districts, rooms } from "./org";

/** 想学: a resident wants to learn a library course at an academy near them (one row per person and course). */
export const courseWants = sqliteTable(
  "course_wants",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    courseId: integer("course_id")
      .notNull()
      .references(() => courses.id, { onDelete: "cascade" }),
    academyId: integer("academy_id")
      .notNull()
      .references(() => academies.id, { onDelete: "cascade" }),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("course_wants_user_course_unique").on(t.userId, t.courseId),
    index("course_wants_academy_idx").on(t.academyId, t.courseId),
    index("course_wants_course_idx").on(t.courseId),
  ],
);

export const ORDER_STATES = [
  "submitted",
  "accepted",
  "declined",
  "withdrawn",
  "scheduled",
] as const;
export type OrderState = (typeof ORDER_STATES)[number];

/** 点单: an academy orders a library course (its version pinned) for a term; HQ or the district centre decides. */
export const courseOrders = sqliteTable(
  "course_orders",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    academyId: integer("academy_id")
      .notNull()
      .references(() => academies.id, { onDelete: "cascade" }),
    courseId: integer("course_id")
      .notNull()
      .references(() => courses.id),
    courseVersionId: integer("course_version_id")
      .notNull()
      .references(() => courseVersions.id),
    term: text("term").notNull(),
    /** ISO weekdays 1 (Monday) … 7 (Sunday). */
    preferredWeekdays: text("preferred_weekdays", { mode: "json" })
      .$type<number[]>()
      .notNull()
      .default(sql`'[]'`),
    /** morning / afternoon / evening. */
    preferredDayparts: text("preferred_dayparts", { mode: "json" })
      .$type<string[]>()
      .notNull()
      .default(sql`'[]'`),
    note: text("note").notNull().default(""),
    /** Who decides: HQ, or the district centre for 区级流动课程 (then `handlerDistrictId`). */
    handler: text("handler", { enum: ["hq", "district"] })
      .notNull()
      .default("hq"),
    handlerDistrictId: integer("handler_district_id").references(() => districts.id),
    state: text("state", { enum: ORDER_STATES }).notNull().default("submitted"),
    teacherId: integer("teacher_id").references(() => teachers.id),
    /** The reason for a decline, or a note with the acceptance. */
    decisionNote: text("decision_note").notNull().default(""),
    decidedBy: integer("decided_by").references(() => users.id, { onDelete: "set null" }),
    decidedAt: integer("decided_at"),
    createdBy: integer("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    index("course_orders_academy_idx").on(t.academyId, t.createdAt),
    index("course_orders_state_idx").on(t.state, t.createdAt),
    check(
      "course_orders_declined_reason_check",
      sql`${t.state} <> 'declined' OR length(trim(${t.decisionNote})) > 0`,
    ),
    check(
      "course_orders_teacher_check",
      sql`${t.state} NOT IN ('accepted', 'scheduled') OR ${t.teacherId} IS NOT NULL`,
    ),
    check(
      "course_orders_handler_check",
      sql`(${t.handler} = 'hq' AND ${t.handlerDistrictId} IS NULL) OR (${t.handler} = 'district' AND ${t.handlerDistrictId} IS NOT NULL)`,
    ),
  ],
);

export const RUN_STATUSES = ["draft", "open", "full", "closed", "finished", "cancelled"] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const ENROLL_MODES = ["first_come", "lottery"] as const;
export type EnrollMode = (typeof ENROLL_MODES)[number];

export type LocalResource = { title: string; url: string };

/** 开课: one run of a pinned course version at an academy, in a room, with its teachers and rules. */
export const classRuns = sqliteTable(
  "class_runs",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    academyId: integer("academy_id")
      .notNull()
      .references(() => academies.id, { onDelete: "cascade" }),
    courseId: integer("course_id")
      .notNull()
      .references(() => courses.id),
    /** Pinned when the run is created and never changed by editing the run. */
    courseVersionId: integer("course_version_id")
      .notNull()
      .references(() => courseVersions.id),
    orderId: integer("order_id").references(() => courseOrders.id, { onDelete: "set null" }),
    /** The usual room; each session carries its own room (a moved session may change it). */
    roomId: integer("room_id")
      .notNull()
      .references(() => rooms.id),
    capacity: integer("capacity").notNull(),
    /** The manager confirmed more seats than the room holds (overflow seating). */
    overflowConfirmed: integer("overflow_confirmed", { mode: "boolean" }).notNull().default(false),
    minAge: integer("min_age"),
    maxAge: integer("max_age"),
    /** Residents of this academy's community are served first. */
    residentsFirst: integer("residents_first", { mode: "boolean" }).notNull().default(false),
    enrollOpensAt: integer("enrol_opens_at"),
    enrollClosesAt: integer("enrol_closes_at"),
    /** Until when an enrolment may be cancelled by the learner; null = until the first session starts. */
    cancelDeadlineAt: integer("cancel_deadline_at"),
    enrollMode: text("enrol_mode", { enum: ENROLL_MODES }).notNull().default("first_come"),
    status: text("status", { enum: RUN_STATUSES }).notNull().default("draft"),
    cancelReason: text("cancel_reason").notNull().default(""),
    /** A teacher not in the city pool (the academy's own); pool teachers are in run_teachers. */
    guestTeacher: text("guest_teacher").notNull().default(""),
    /** Local notes and resources add to the library content, never edit it. */
    localNotes: text("local_notes").notNull().default(""),
    localResources: text("local_resources", { mode: "json" })
      .$type<LocalResource[]>()
      .notNull()
      .default(sql`'[]'`),
    createdBy: integer("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    index("class_runs_academy_idx").on(t.academyId, t.status),
    index("class_runs_status_idx").on(t.status),
    index("class_runs_course_idx").on(t.courseId),
    check("class_runs_capacity_check", sql`${t.capacity} >= 1 AND ${t.capacity} <= 2000`),
    check(
      "class_runs_age_check",
      sql`(${t.minAge} IS NULL OR ${t.minAge} BETWEEN 0 AND 120) AND (${t.maxAge} IS NULL OR ${t.maxAge} BETWEEN 0 AND 120) AND (${t.minAge} IS NULL OR ${t.maxAge} IS NULL OR ${t.minAge} <= ${t.maxAge})`,
    ),
    check(
      "class_runs_window_check",
      sql`${t.enrollOpensAt} IS NULL OR ${t.enrollClosesAt} IS NULL OR ${t.enrollOpensAt} < ${t.enrollClosesAt}`,
    ),
    check(
      "class_runs_cancel_reason_check",
      sql`${t.status} <> 'cancelled' OR length(trim(${t.cancelReason})) > 0`,
    ),
  ],
);

/** Pool teachers of a run (lead first). */
export const runTeachers = sqliteTable(
  "run_teachers",
  {
    runId: integer("run_id")
      .notNull()
      .references(() => classRuns.id, { onDelete: "cascade" }),
    teacherId: integer("teacher_id")
      .notNull()
      .references(() => teachers.id),
    sortOrder: integer("sort_order").notNull().default(0),
  },
  (t) => [
    uniqueIndex("run_teachers_pk").on(t.runId, t.teacherId),
    index("run_teachers_teacher_idx").on(t.teacherId),
  ],
);

export const SESSION_STATUSES = ["scheduled", "cancelled"] as const;

/**
 * 课次: one meeting of a run. `startsAt`/`endsAt` are UTC ms of Asia/Shanghai wall-clock times;
 * `localDate`, `weekday` (1 = Monday) and `startMinute` are the same instant in Asia/Shanghai,
 * written by the scheduling module so week views and filters never depend on the server's TZ.
 */
export const classSessions = sqliteTable(
  "class_sessions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    runId: integer("run_id")
      .notNull()
      .references(() => classRuns.id, { onDelete: "cascade" }),
    roomId: integer("room_id")
      .notNull()
      .references(() => rooms.id),
    startsAt: integer("starts_at").notNull(),
    endsAt: integer("ends_at").notNull(),
    localDate: text("local_date").notNull(),
    weekday: integer("weekday").notNull(),
    startMinute: integer("start_minute").notNull(),
    status: text("status", { enum: SESSION_STATUSES }).notNull().default("scheduled"),
    /** The original start when the session was moved. */
    movedFrom: integer("moved_from"),
    note: text("note").notNull().default(""),
    cancelReason: text("cancel_reason").notNull().default(""),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    index("class_sessions_room_idx").on(t.roomId, t.startsAt),
    index("class_sessions_run_idx").on(t.runId, t.startsAt),
    index("class_sessions_date_idx").on(t.localDate),
    index("class_sessions_starts_idx").on(t.startsAt),
    check("class_sessions_order_check", sql`${t.endsAt} > ${t.startsAt}`),
    check("class_sessions_weekday_check", sql`${t.weekday} BETWEEN 1 AND 7`),
    check("class_sessions_minute_check", sql`${t.startMinute} BETWEEN 0 AND 1439`),
    check(
      "class_sessions_cancel_reason_check",
      sql`${t.status} <> 'cancelled' OR length(trim(${t.cancelReason})) > 0`,
    ),
  ],
);
