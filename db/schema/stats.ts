import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * Statistics rollups (issue 12). Written only by SQLite triggers in the same transaction as the
 * write they follow (migration "stats_triggers"), or rebuilt from scratch by
 * `rebuildRollups()` after a bulk load; `npm run stats:check` recounts and compares. Months are
 * Asia/Shanghai calendar months, "YYYY-MM". Nothing in the app writes these tables directly.
 */

/** One row per run and month: its sessions, attendance marks, ratings and waitlist movements. */
export const statsRunMonth = sqliteTable(
  "stats_run_month",
  {
    runId: integer("run_id").notNull(),
    month: text("month").notNull(),
    academyId: integer("academy_id").notNull(),
    districtId: integer("district_id").notNull(),
    courseId: integer("course_id").notNull(),
    categoryId: integer("category_id").notNull(),
    /** 1 when the run is cancelled: its sessions are not held. */
    runCancelled: integer("run_cancelled").notNull().default(0),
    /** Sessions not cancelled, dated in this month (held once they are over). */
    sessions: integer("sessions").notNull().default(0),
    sessionMinutes: integer("session_minutes").notNull().default(0),
    /** Session minutes × the run's teachers (at least one): 志愿服务时长 of teaching. */
    teacherMinutes: integer("teacher_minutes").notNull().default(0),
    /** Attendance marks of this month's sessions: 出席 / 缺席 (absent without leave) / 请假 (excused). */
    attendances: integer("attendances").notNull().default(0),
    absences: integer("absences").notNull().default(0),
    excused: integer("excused").notNull().default(0),
    /** Evaluations written this month. */
    ratingsSum: integer("ratings_sum").notNull().default(0),
    ratingsN: integer("ratings_n").notNull().default(0),
    /** Enrolments made this month that went on the waitlist, and of those, promoted to a seat. */
    waitlisted: integer("waitlisted").notNull().default(0),
    promoted: integer("promoted").notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.runId, t.month] }),
    index("stats_run_month_month_idx").on(t.month, t.districtId, t.academyId),
    index("stats_run_month_academy_idx").on(t.academyId, t.month),
  ],
);

/**
 * Who took part where and when: one row per person, academy and month with the number of
 * participations behind it (`refs`), so 参与人数 (distinct people) never reads the participations.
 * person_key: user id; −family member id; 100000000000 + walk-in phone.
 */
export const statsPersonMonth = sqliteTable(
  "stats_person_month",
  {
    academyId: integer("academy_id").notNull(),
    month: text("month").notNull(),
    personKey: integer("person_key").notNull(),
    districtId: integer("district_id").notNull(),
    refs: integer("refs").notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.academyId, t.month, t.personKey] }),
    index("stats_person_month_district_idx").on(t.districtId, t.month, t.personKey),
    index("stats_person_month_person_idx").on(t.personKey, t.month),
  ],
);

/** Switches for the triggers: a row `suspended` turns them off during a bulk load (then rebuild). */
export const statsState = sqliteTable("stats_state", {
  key: text("key").primaryKey(),
  value: text("value").notNull().default(""),
});

/**
 * One row per activity (群众性活动): when and where, whether cancelled, its headcount and the
 * people identified there (checked in or ticked present), so 活动场次 and the activities' 参与人次
 * (max(headcount, identified): the community module's rule) never read the attendance.
 */
export const statsActivity = sqliteTable(
  "stats_activity",
  {
    activityId: integer("activity_id").primaryKey(),
    academyId: integer("academy_id").notNull(),
    districtId: integer("district_id").notNull(),
    month: text("month").notNull(),
    startsAt: integer("starts_at").notNull(),
    cancelled: integer("cancelled").notNull().default(0),
    headcount: integer("headcount").notNull().default(0),
    identified: integer("identified").notNull().default(0),
  },
  (t) => [
    index("stats_activity_month_idx").on(t.month, t.districtId, t.academyId),
    index("stats_activity_academy_idx").on(t.academyId, t.month),
  ],
);

/**
 * The additive figures per academy and month, so a dashboard reads a few thousand rows: the sums
 * of stats_run_month and stats_activity (kept by triggers on those two tables), plus what they do
 * not hold: confirmed community volunteer service (志愿服务时长, by service date) and activity
 * waitlists (候补转正率, by registration date).
 */
export const statsAcademyMonth = sqliteTable(
  "stats_academy_month",
  {
    academyId: integer("academy_id").notNull(),
    month: text("month").notNull(),
    districtId: integer("district_id").notNull(),
    /** Sums of this academy's stats_run_month rows (sessions and teacher minutes of runs not cancelled). */
    sessions: integer("sessions").notNull().default(0),
    teacherMinutes: integer("teacher_minutes").notNull().default(0),
    attendances: integer("attendances").notNull().default(0),
    absences: integer("absences").notNull().default(0),
    excused: integer("excused").notNull().default(0),
    ratingsSum: integer("ratings_sum").notNull().default(0),
    ratingsN: integer("ratings_n").notNull().default(0),
    waitlisted: integer("waitlisted").notNull().default(0),
    promoted: integer("promoted").notNull().default(0),
    /** Sums of its stats_activity rows not cancelled: 活动场次 and max(headcount, identified). */
    activities: integer("activities").notNull().default(0),
    activityParticipations: integer("activity_participations").notNull().default(0),
    volunteerMinutes: integer("volunteer_minutes").notNull().default(0),
    activityWaitlisted: integer("activity_waitlisted").notNull().default(0),
    activityPromoted: integer("activity_promoted").notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.academyId, t.month] }),
    index("stats_academy_month_month_idx").on(t.month, t.districtId),
  ],
);

/**
 * 参与人数 (distinct people) over any range of months without reading the people: for each level
 * (0 city, 1 district, 2 academy) and entity, `n` people were active in `month` whose previous
 * active month there was `prev` ('' = never before). People active in [a, b] = Σ n over
 * month ∈ [a, b] with prev < a. Kept by triggers on stats_person_month (a row appearing or
 * disappearing), so a dashboard reads a few hundred rows per entity instead of every person.
 */
export const statsReach = sqliteTable(
  "stats_reach",
  {
    level: integer("level").notNull(),
    entity: integer("entity").notNull(),
    month: text("month").notNull(),
    prev: text("prev").notNull(),
    /** The district of the entity (0 for the city), so a district's academies are one range. */
    districtId: integer("district_id").notNull(),
    n: integer("n").notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.level, t.entity, t.month, t.prev] }),
    index("stats_reach_month_idx").on(t.level, t.month, t.districtId),
  ],
);
