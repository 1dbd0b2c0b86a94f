/**
 * The statistics rollups' SQL in one place: the triggers that keep `stats_run_month` and
 * `stats_person_month` current in the same transaction as every write to sessions, attendance,
 * enrolments, evaluations and run teachers (whatever module or script makes it), and the
 * from-scratch recount that `rebuildRollups()` and `npm run stats:check` use. The migration
 * "stats_triggers" holds exactly `TRIGGERS_SQL` (a unit test compares them).
 *
 * Deletions: SQLite fires a parent's BEFORE DELETE trigger first, then deletes the row, then its
 * ON DELETE CASCADE children (firing their triggers with the parent already gone). So a parent's
 * BEFORE DELETE trigger takes its whole subtree out of the rollups, and every child trigger joins
 * through its parents, finding nothing (and changing nothing) when they are already gone.
 */

import { ATTENDANCE_GUARDS_SQL } from "~/modules/learning/leave";

/** Months are Asia/Shanghai calendar months (UTC+8, no daylight saving since 1991). */
export const monthOfMs = (ms: string) => `strftime('%Y-%m', ${ms} / 1000 + 28800, 'unixepoch')`;

/** A person's key: the account holder, −family member, or 100000000000 + walk-in phone. */
export const personKey = (e: string) =>
  `(CASE WHEN ${e}.family_member_id IS NOT NULL THEN -${e}.family_member_id WHEN ${e}.user_id IS NOT NULL THEN ${e}.user_id ELSE 100000000000 + CAST(${e}.walkin_phone AS INTEGER) END)`;

const ACTIVE = `NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended')`;

/** Make sure the (run, month) row exists, taking the run's attributes. */
const ensureRunMonth = (from: string, run: string, month: string) => `
  INSERT INTO stats_run_month (run_id, month, academy_id, district_id, course_id, category_id, run_cancelled)
  SELECT r.id, ${month}, r.academy_id, a.district_id, r.course_id, c.category_id, r.status = 'cancelled'
  FROM ${from} JOIN academies a ON a.id = r.academy_id JOIN courses c ON c.id = r.course_id
  WHERE r.id = ${run}
  ON CONFLICT (run_id, month) DO NOTHING;`;

const sessionMonth = (x: string) => `substr(${x}.local_date, 1, 7)`;
const teachersOf = (run: string) =>
  `(SELECT max(1, count(*)) FROM run_teachers WHERE run_id = ${run})`;

/** A session's own figures (not its attendance), added (+1) or taken out (−1). */
const sessionFigures = (x: string, sign: 1 | -1) => `
  ${sign > 0 ? ensureRunMonth("class_runs r", `${x}.run_id`, sessionMonth(x)) : ""}
  UPDATE stats_run_month SET
    sessions = sessions + ${sign} * (${x}.status = 'scheduled'),
    session_minutes = session_minutes + ${sign} * (${x}.status = 'scheduled') * ((${x}.ends_at - ${x}.starts_at) / 60000),
    teacher_minutes = teacher_minutes + ${sign} * (${x}.status = 'scheduled') * ((${x}.ends_at - ${x}.starts_at) / 60000) * ${teachersOf(`${x}.run_id`)}
  WHERE run_id = ${x}.run_id AND month = ${sessionMonth(x)} AND EXISTS (SELECT 1 FROM class_runs WHERE id = ${x}.run_id);`;

/**
 * 缺席 (absent without leave). Before 请假 existed (the released trigger migrations) every
 * present = 0 row was an absence; `leave` builds the current definition, where 请假 (excused = 1)
 * rows are counted apart in `excused` (migration *_stats_leave_triggers replaces the triggers).
 */
const absent = (t: string, leave: boolean) =>
  leave ? `${t}.present = 0 AND ${t}.excused = 0` : `${t}.present = 0`;

/** All attendance marks of one session, added or taken out (a session moved across months, or deleted). */
const sessionAttendance = (x: string, sign: 1 | -1, leave = false) => `
  ${sign > 0 ? ensureRunMonth("class_runs r", `${x}.run_id`, sessionMonth(x)) : ""}
  UPDATE stats_run_month SET
    attendances = attendances + ${sign} * (SELECT count(*) FROM attendance t WHERE t.session_id = ${x}.id AND t.present = 1),
    absences = absences + ${sign} * (SELECT count(*) FROM attendance t WHERE t.session_id = ${x}.id AND ${absent("t", leave)})${
      leave
        ? `,
    excused = excused + ${sign} * (SELECT count(*) FROM attendance t WHERE t.session_id = ${x}.id AND t.excused = 1)`
        : ""
    }
  WHERE run_id = ${x}.run_id AND month = ${sessionMonth(x)};
  ${
    sign > 0
      ? `INSERT INTO stats_person_month (academy_id, month, person_key, district_id, refs)
  SELECT r.academy_id, ${sessionMonth(x)}, ${personKey("e")}, a.district_id, count(*)
  FROM attendance t JOIN enrollments e ON e.id = t.enrollment_id JOIN class_runs r ON r.id = ${x}.run_id JOIN academies a ON a.id = r.academy_id
  WHERE t.session_id = ${x}.id AND t.present = 1
  GROUP BY 1, 2, 3, 4
  ON CONFLICT (academy_id, month, person_key) DO UPDATE SET refs = refs + excluded.refs;`
      : `UPDATE stats_person_month SET refs = refs - (
    SELECT count(*) FROM attendance t JOIN enrollments e ON e.id = t.enrollment_id
    WHERE t.session_id = ${x}.id AND t.present = 1 AND ${personKey("e")} = stats_person_month.person_key)
  WHERE academy_id = (SELECT academy_id FROM class_runs WHERE id = ${x}.run_id) AND month = ${sessionMonth(x)};
  DELETE FROM stats_person_month WHERE refs <= 0 AND academy_id = (SELECT academy_id FROM class_runs WHERE id = ${x}.run_id) AND month = ${sessionMonth(x)};`
  }`;

/** One attendance mark, through its session, run and enrolment (nothing when any is gone). */
const markSource = (x: string) =>
  `class_sessions s2 JOIN class_runs r ON r.id = s2.run_id JOIN enrollments e ON e.id = ${x}.enrollment_id AND e.run_id = s2.run_id`;
const mark = (x: string, sign: 1 | -1, leave = false) => `
  ${
    sign > 0
      ? `INSERT INTO stats_run_month (run_id, month, academy_id, district_id, course_id, category_id, run_cancelled)
  SELECT r.id, substr(s2.local_date, 1, 7), r.academy_id, a.district_id, r.course_id, c.category_id, r.status = 'cancelled'
  FROM ${markSource(x)} JOIN academies a ON a.id = r.academy_id JOIN courses c ON c.id = r.course_id
  WHERE s2.id = ${x}.session_id
  ON CONFLICT (run_id, month) DO NOTHING;`
      : ""
  }
  UPDATE stats_run_month SET attendances = attendances + ${sign} * (${x}.present = 1), absences = absences + ${sign} * (${absent(x, leave)})${
    leave ? `, excused = excused + ${sign} * (${x}.excused = 1)` : ""
  }
  WHERE (run_id, month) = (SELECT r.id, substr(s2.local_date, 1, 7) FROM ${markSource(x)} WHERE s2.id = ${x}.session_id);
  ${
    sign > 0
      ? `INSERT INTO stats_person_month (academy_id, month, person_key, district_id, refs)
  SELECT r.academy_id, substr(s2.local_date, 1, 7), ${personKey("e")}, a.district_id, 1
  FROM ${markSource(x)} JOIN academies a ON a.id = r.academy_id
  WHERE s2.id = ${x}.session_id AND ${x}.present = 1
  ON CONFLICT (academy_id, month, person_key) DO UPDATE SET refs = refs + 1;`
      : `UPDATE stats_person_month SET refs = refs - 1
  WHERE ${x}.present = 1 AND (academy_id, month, person_key) = (SELECT r.academy_id, substr(s2.local_date, 1, 7), ${personKey("e")} FROM ${markSource(x)} WHERE s2.id = ${x}.session_id);
  DELETE FROM stats_person_month WHERE refs <= 0
    AND (academy_id, month, person_key) = (SELECT r.academy_id, substr(s2.local_date, 1, 7), ${personKey("e")} FROM ${markSource(x)} WHERE s2.id = ${x}.session_id);`
  }`;

/** An enrolment's waitlist figures at the month it was made. */
const waitlist = (x: string, sign: 1 | -1) => `
  ${sign > 0 ? ensureRunMonth("class_runs r", `${x}.run_id`, monthOfMs(`${x}.created_at`)) : ""}
  UPDATE stats_run_month SET
    waitlisted = waitlisted + ${sign} * (${x}.queue_key IS NOT NULL OR ${x}.promoted_at IS NOT NULL),
    promoted = promoted + ${sign} * (${x}.promoted_at IS NOT NULL)
  WHERE run_id = ${x}.run_id AND month = ${monthOfMs(`${x}.created_at`)};`;

/** One evaluation's rating at the month it was written, through its enrolment. */
const rating = (x: string, sign: 1 | -1) => `
  ${sign > 0 ? ensureRunMonth("enrollments e JOIN class_runs r ON r.id = e.run_id", `(SELECT run_id FROM enrollments WHERE id = ${x}.enrollment_id)`, monthOfMs(`${x}.created_at`)) : ""}
  UPDATE stats_run_month SET ratings_sum = ratings_sum + ${sign} * ${x}.rating, ratings_n = ratings_n + ${sign}
  WHERE run_id = (SELECT run_id FROM enrollments WHERE id = ${x}.enrollment_id) AND month = ${monthOfMs(`${x}.created_at`)};`;

const trigger = (name: string, when: string, body: string) =>
  `CREATE TRIGGER ${name} ${when} FOR EACH ROW WHEN ${ACTIVE} BEGIN${body}
END;`;

/** The class triggers; `leave` = the current definitions (three attendance states). */
const classTriggers = (leave: boolean): string[] => [
  trigger("stats_session_insert", "AFTER INSERT ON class_sessions", sessionFigures("NEW", 1)),
  trigger(
    "stats_session_update",
    "AFTER UPDATE OF status, starts_at, ends_at, local_date, run_id ON class_sessions",
    sessionFigures("OLD", -1) + sessionFigures("NEW", 1),
  ),
  // Attendance belongs to its session's month: move it along when a session is re-dated across months.
  `CREATE TRIGGER stats_session_move_month AFTER UPDATE OF local_date, run_id ON class_sessions FOR EACH ROW
WHEN ${ACTIVE} AND (substr(OLD.local_date, 1, 7) <> substr(NEW.local_date, 1, 7) OR OLD.run_id <> NEW.run_id) BEGIN${sessionAttendance("OLD", -1, leave)}${sessionAttendance("NEW", 1, leave)}
END;`,
  trigger(
    "stats_session_delete",
    "BEFORE DELETE ON class_sessions",
    sessionFigures("OLD", -1) + sessionAttendance("OLD", -1, leave),
  ),
  trigger("stats_attendance_insert", "AFTER INSERT ON attendance", mark("NEW", 1, leave)),
  trigger(
    "stats_attendance_update",
    `AFTER UPDATE OF present, ${leave ? "excused, " : ""}session_id, enrollment_id ON attendance`,
    mark("OLD", -1, leave) + mark("NEW", 1, leave),
  ),
  trigger("stats_attendance_delete", "AFTER DELETE ON attendance", mark("OLD", -1, leave)),
  trigger("stats_enrollment_insert", "AFTER INSERT ON enrollments", waitlist("NEW", 1)),
  trigger(
    "stats_enrollment_update",
    "AFTER UPDATE OF queue_key, promoted_at, created_at ON enrollments",
    waitlist("OLD", -1) + waitlist("NEW", 1),
  ),
  trigger(
    "stats_enrollment_delete",
    "BEFORE DELETE ON enrollments",
    `${waitlist("OLD", -1)}
  UPDATE stats_run_month SET
    ratings_sum = ratings_sum - (SELECT ev.rating FROM evaluations ev WHERE ev.enrollment_id = OLD.id),
    ratings_n = ratings_n - 1
  WHERE run_id = OLD.run_id AND month = (SELECT ${monthOfMs("ev.created_at")} FROM evaluations ev WHERE ev.enrollment_id = OLD.id);
  UPDATE stats_run_month SET
    attendances = attendances - (SELECT count(*) FROM attendance t JOIN class_sessions s2 ON s2.id = t.session_id
      WHERE t.enrollment_id = OLD.id AND t.present = 1 AND substr(s2.local_date, 1, 7) = stats_run_month.month),
    absences = absences - (SELECT count(*) FROM attendance t JOIN class_sessions s2 ON s2.id = t.session_id
      WHERE t.enrollment_id = OLD.id AND ${absent("t", leave)} AND substr(s2.local_date, 1, 7) = stats_run_month.month)${
        leave
          ? `,
    excused = excused - (SELECT count(*) FROM attendance t JOIN class_sessions s2 ON s2.id = t.session_id
      WHERE t.enrollment_id = OLD.id AND t.excused = 1 AND substr(s2.local_date, 1, 7) = stats_run_month.month)`
          : ""
      }
  WHERE run_id = OLD.run_id;
  UPDATE stats_person_month SET refs = refs - (SELECT count(*) FROM attendance t JOIN class_sessions s2 ON s2.id = t.session_id
      WHERE t.enrollment_id = OLD.id AND t.present = 1 AND substr(s2.local_date, 1, 7) = stats_person_month.month)
  WHERE academy_id = (SELECT academy_id FROM class_runs WHERE id = OLD.run_id) AND person_key = ${personKey("OLD")};
  DELETE FROM stats_person_month WHERE refs <= 0 AND academy_id = (SELECT academy_id FROM class_runs WHERE id = OLD.run_id) AND person_key = ${personKey("OLD")};`,
  ),
  trigger("stats_evaluation_insert", "AFTER INSERT ON evaluations", rating("NEW", 1)),
  trigger(
    "stats_evaluation_update",
    "AFTER UPDATE OF rating, created_at, enrollment_id ON evaluations",
    rating("OLD", -1) + rating("NEW", 1),
  ),
  trigger("stats_evaluation_delete", "AFTER DELETE ON evaluations", rating("OLD", -1)),
  trigger(
    "stats_run_teacher_insert",
    "AFTER INSERT ON run_teachers",
    `\n  UPDATE stats_run_month SET teacher_minutes = session_minutes * ${teachersOf("NEW.run_id")} WHERE run_id = NEW.run_id;`,
  ),
  trigger(
    "stats_run_teacher_delete",
    "AFTER DELETE ON run_teachers",
    `\n  UPDATE stats_run_month SET teacher_minutes = session_minutes * ${teachersOf("OLD.run_id")} WHERE run_id = OLD.run_id;`,
  ),
  trigger(
    "stats_run_update",
    "AFTER UPDATE OF status, course_id ON class_runs",
    `
  UPDATE stats_run_month SET run_cancelled = (NEW.status = 'cancelled'), course_id = NEW.course_id,
    category_id = (SELECT category_id FROM courses WHERE id = NEW.course_id)
  WHERE run_id = NEW.id;`,
  ),
  trigger(
    "stats_run_delete",
    "BEFORE DELETE ON class_runs",
    `
  UPDATE stats_person_month SET refs = refs - (SELECT count(*) FROM attendance t JOIN class_sessions s2 ON s2.id = t.session_id JOIN enrollments e ON e.id = t.enrollment_id
      WHERE s2.run_id = OLD.id AND t.present = 1 AND substr(s2.local_date, 1, 7) = stats_person_month.month AND ${personKey("e")} = stats_person_month.person_key)
  WHERE academy_id = OLD.academy_id AND month IN (SELECT month FROM stats_run_month WHERE run_id = OLD.id);
  DELETE FROM stats_person_month WHERE refs <= 0 AND academy_id = OLD.academy_id;
  DELETE FROM stats_run_month WHERE run_id = OLD.id;`,
  ),
  trigger(
    "stats_course_category",
    "AFTER UPDATE OF category_id ON courses",
    `\n  UPDATE stats_run_month SET category_id = NEW.category_id WHERE course_id = NEW.id;`,
  ),
  trigger(
    "stats_academy_district",
    "AFTER UPDATE OF district_id ON academies",
    `
  UPDATE stats_run_month SET district_id = NEW.district_id WHERE academy_id = NEW.id;
  UPDATE stats_person_month SET district_id = NEW.district_id WHERE academy_id = NEW.id;`,
  ),
];

/** As released in migration *_stats_triggers (never edited): before 请假. */
const TRIGGERS: string[] = classTriggers(false);

/* ---- Activities: one stats_activity row each; identified people also go to stats_person_month ---- */

/** The person of an activity attendance row: its registration's person, else the row's own. */
const activityPersonKey = (t: string, g: string) =>
  `(CASE WHEN ${t}.registration_id IS NOT NULL THEN ${personKey(g)} WHEN ${t}.family_member_id IS NOT NULL THEN -${t}.family_member_id ELSE ${t}.user_id END)`;

/** An activity attendance row through its activity (and registration, when it has one). */
const activityMarkSource = (x: string) =>
  `activities av JOIN academies ac ON ac.id = av.academy_id LEFT JOIN activity_registrations g ON g.id = ${x}.registration_id`;
const activityMarkWhere = (x: string) =>
  `av.id = ${x}.activity_id AND (${x}.registration_id IS NULL OR g.id IS NOT NULL)`;

const activityMark = (x: string, sign: 1 | -1) => `
  UPDATE stats_activity SET identified = identified + ${sign} * (${x}.present = 1)
  WHERE activity_id = (SELECT av.id FROM ${activityMarkSource(x)} WHERE ${activityMarkWhere(x)});
  ${
    sign > 0
      ? `INSERT INTO stats_person_month (academy_id, month, person_key, district_id, refs)
  SELECT av.academy_id, substr(av.local_date, 1, 7), ${activityPersonKey(x, "g")}, ac.district_id, 1
  FROM ${activityMarkSource(x)} WHERE ${activityMarkWhere(x)} AND ${x}.present = 1 AND ${activityPersonKey(x, "g")} IS NOT NULL
  ON CONFLICT (academy_id, month, person_key) DO UPDATE SET refs = refs + 1;`
      : `UPDATE stats_person_month SET refs = refs - 1
  WHERE ${x}.present = 1 AND (academy_id, month, person_key) = (SELECT av.academy_id, substr(av.local_date, 1, 7), ${activityPersonKey(x, "g")} FROM ${activityMarkSource(x)} WHERE ${activityMarkWhere(x)});
  DELETE FROM stats_person_month WHERE refs <= 0
    AND (academy_id, month, person_key) = (SELECT av.academy_id, substr(av.local_date, 1, 7), ${activityPersonKey(x, "g")} FROM ${activityMarkSource(x)} WHERE ${activityMarkWhere(x)});`
  }`;

/** All identified people of one activity, added or taken out of stats_person_month. */
const activityPeople = (x: string, sign: 1 | -1) =>
  sign > 0
    ? `
  INSERT INTO stats_person_month (academy_id, month, person_key, district_id, refs)
  SELECT ${x}.academy_id, substr(${x}.local_date, 1, 7), ${activityPersonKey("t", "g")}, ac.district_id, count(*)
  FROM activity_attendance t JOIN academies ac ON ac.id = ${x}.academy_id LEFT JOIN activity_registrations g ON g.id = t.registration_id
  WHERE t.activity_id = ${x}.id AND t.present = 1 AND (t.registration_id IS NULL OR g.id IS NOT NULL) AND ${activityPersonKey("t", "g")} IS NOT NULL
  GROUP BY 1, 2, 3, 4
  ON CONFLICT (academy_id, month, person_key) DO UPDATE SET refs = refs + excluded.refs;`
    : `
  UPDATE stats_person_month SET refs = refs - (
    SELECT count(*) FROM activity_attendance t LEFT JOIN activity_registrations g ON g.id = t.registration_id
    WHERE t.activity_id = ${x}.id AND t.present = 1 AND (t.registration_id IS NULL OR g.id IS NOT NULL) AND ${activityPersonKey("t", "g")} = stats_person_month.person_key)
  WHERE academy_id = ${x}.academy_id AND month = substr(${x}.local_date, 1, 7);
  DELETE FROM stats_person_month WHERE refs <= 0 AND academy_id = ${x}.academy_id AND month = substr(${x}.local_date, 1, 7);`;

const activityRow = (x: string) => `
  INSERT INTO stats_activity (activity_id, academy_id, district_id, month, starts_at, cancelled, headcount, identified)
  SELECT ${x}.id, ${x}.academy_id, ac.district_id, substr(${x}.local_date, 1, 7), ${x}.starts_at, ${x}.status = 'cancelled', coalesce(${x}.headcount, 0),
    (SELECT count(*) FROM activity_attendance t LEFT JOIN activity_registrations g ON g.id = t.registration_id
     WHERE t.activity_id = ${x}.id AND t.present = 1 AND (t.registration_id IS NULL OR g.id IS NOT NULL))
  FROM academies ac WHERE ac.id = ${x}.academy_id
  ON CONFLICT (activity_id) DO UPDATE SET academy_id = excluded.academy_id, district_id = excluded.district_id, month = excluded.month,
    starts_at = excluded.starts_at, cancelled = excluded.cancelled, headcount = excluded.headcount, identified = excluded.identified;`;

TRIGGERS.push(
  trigger("stats_activity_insert", "AFTER INSERT ON activities", activityRow("NEW")),
  trigger(
    "stats_activity_update",
    "AFTER UPDATE OF status, headcount, starts_at, local_date, academy_id ON activities",
    activityRow("NEW"),
  ),
  `CREATE TRIGGER stats_activity_move AFTER UPDATE OF local_date, academy_id ON activities FOR EACH ROW
WHEN ${ACTIVE} AND (substr(OLD.local_date, 1, 7) <> substr(NEW.local_date, 1, 7) OR OLD.academy_id <> NEW.academy_id) BEGIN${activityPeople("OLD", -1)}${activityPeople("NEW", 1)}
END;`,
  trigger(
    "stats_activity_delete",
    "BEFORE DELETE ON activities",
    `${activityPeople("OLD", -1)}
  DELETE FROM stats_activity WHERE activity_id = OLD.id;`,
  ),
  trigger(
    "stats_activity_mark_insert",
    "AFTER INSERT ON activity_attendance",
    activityMark("NEW", 1),
  ),
  trigger(
    "stats_activity_mark_update",
    "AFTER UPDATE OF present, activity_id, registration_id, user_id, family_member_id ON activity_attendance",
    activityMark("OLD", -1) + activityMark("NEW", 1),
  ),
  trigger(
    "stats_activity_mark_delete",
    "AFTER DELETE ON activity_attendance",
    activityMark("OLD", -1),
  ),
  trigger(
    "stats_activity_registration_delete",
    "BEFORE DELETE ON activity_registrations",
    `
  UPDATE stats_activity SET identified = identified - (SELECT count(*) FROM activity_attendance t WHERE t.registration_id = OLD.id AND t.present = 1)
  WHERE activity_id = OLD.activity_id;
  UPDATE stats_person_month SET refs = refs - (SELECT count(*) FROM activity_attendance t WHERE t.registration_id = OLD.id AND t.present = 1)
  WHERE (academy_id, month) = (SELECT academy_id, substr(local_date, 1, 7) FROM activities WHERE id = OLD.activity_id) AND person_key = ${personKey("OLD")};
  DELETE FROM stats_person_month WHERE refs <= 0
    AND (academy_id, month) = (SELECT academy_id, substr(local_date, 1, 7) FROM activities WHERE id = OLD.activity_id) AND person_key = ${personKey("OLD")};`,
  ),
  trigger(
    "stats_academy_district_activity",
    "AFTER UPDATE OF district_id ON academies",
    `
  UPDATE stats_activity SET district_id = NEW.district_id WHERE academy_id = NEW.id;`,
  ),
);

export const TRIGGERS_SQL = TRIGGERS.join("\n--> statement-breakpoint\n") + "\n";

/**
 * The from-scratch recount into `runTable` / `personTable` (empty tables of the rollups' shape):
 * the same definitions as the triggers, computed from the source tables in one pass each.
 */
export function recountSql(runTable: string, personTable: string, activityTable: string): string[] {
  const runCols = `run_id, month, academy_id, district_id, course_id, category_id, run_cancelled`;
  const runAttrs = `r.academy_id, a.district_id, r.course_id, c.category_id, r.status = 'cancelled'`;
  const runJoin = `JOIN academies a ON a.id = r.academy_id JOIN courses c ON c.id = r.course_id`;
  return [
    `INSERT INTO ${runTable} (${runCols}, sessions, session_minutes, teacher_minutes)
     SELECT r.id, substr(s.local_date, 1, 7), ${runAttrs},
       sum(s.status = 'scheduled'), sum((s.status = 'scheduled') * ((s.ends_at - s.starts_at) / 60000)),
       sum((s.status = 'scheduled') * ((s.ends_at - s.starts_at) / 60000)) * coalesce((SELECT max(1, count(*)) FROM run_teachers rt WHERE rt.run_id = r.id), 1)
     FROM class_sessions s JOIN class_runs r ON r.id = s.run_id ${runJoin}
     WHERE true GROUP BY r.id, substr(s.local_date, 1, 7)`,
    `INSERT INTO ${runTable} (${runCols}, attendances, absences, excused)
     SELECT r.id, substr(s.local_date, 1, 7), ${runAttrs}, sum(t.present = 1), sum(t.present = 0 AND t.excused = 0), sum(t.excused = 1)
     FROM attendance t JOIN class_sessions s ON s.id = t.session_id JOIN class_runs r ON r.id = s.run_id
       JOIN enrollments e ON e.id = t.enrollment_id AND e.run_id = s.run_id ${runJoin}
     WHERE true GROUP BY r.id, substr(s.local_date, 1, 7)
     ON CONFLICT (run_id, month) DO UPDATE SET attendances = excluded.attendances, absences = excluded.absences, excused = excluded.excused`,
    `INSERT INTO ${runTable} (${runCols}, ratings_sum, ratings_n)
     SELECT r.id, ${monthOfMs("ev.created_at")}, ${runAttrs}, sum(ev.rating), count(*)
     FROM evaluations ev JOIN enrollments e ON e.id = ev.enrollment_id JOIN class_runs r ON r.id = e.run_id ${runJoin}
     WHERE true GROUP BY r.id, 2
     ON CONFLICT (run_id, month) DO UPDATE SET ratings_sum = excluded.ratings_sum, ratings_n = excluded.ratings_n`,
    `INSERT INTO ${runTable} (${runCols}, waitlisted, promoted)
     SELECT r.id, ${monthOfMs("e.created_at")}, ${runAttrs},
       sum(e.queue_key IS NOT NULL OR e.promoted_at IS NOT NULL), sum(e.promoted_at IS NOT NULL)
     FROM enrollments e JOIN class_runs r ON r.id = e.run_id ${runJoin}
     WHERE true GROUP BY r.id, 2
     ON CONFLICT (run_id, month) DO UPDATE SET waitlisted = excluded.waitlisted, promoted = excluded.promoted`,
    `INSERT INTO ${personTable} (academy_id, month, person_key, district_id, refs)
     SELECT r.academy_id, substr(s.local_date, 1, 7), ${personKey("e")}, a.district_id, count(*)
     FROM attendance t JOIN class_sessions s ON s.id = t.session_id JOIN class_runs r ON r.id = s.run_id
       JOIN enrollments e ON e.id = t.enrollment_id AND e.run_id = s.run_id JOIN academies a ON a.id = r.academy_id
     WHERE t.present = 1 GROUP BY 1, 2, 3, 4`,
    `INSERT INTO ${activityTable} (activity_id, academy_id, district_id, month, starts_at, cancelled, headcount, identified)
     SELECT av.id, av.academy_id, ac.district_id, substr(av.local_date, 1, 7), av.starts_at, av.status = 'cancelled', coalesce(av.headcount, 0),
       (SELECT count(*) FROM activity_attendance t LEFT JOIN activity_registrations g ON g.id = t.registration_id
        WHERE t.activity_id = av.id AND t.present = 1 AND (t.registration_id IS NULL OR g.id IS NOT NULL))
     FROM activities av JOIN academies ac ON ac.id = av.academy_id`,
    `INSERT INTO ${personTable} (academy_id, month, person_key, district_id, refs)
     SELECT av.academy_id, substr(av.local_date, 1, 7), ${activityPersonKey("t", "g")}, ac.district_id, count(*)
     FROM activity_attendance t JOIN activities av ON av.id = t.activity_id JOIN academies ac ON ac.id = av.academy_id
       LEFT JOIN activity_registrations g ON g.id = t.registration_id
     WHERE t.present = 1 AND (t.registration_id IS NULL OR g.id IS NOT NULL) AND ${activityPersonKey("t", "g")} IS NOT NULL
     GROUP BY 1, 2, 3, 4
     ON CONFLICT (academy_id, month, person_key) DO UPDATE SET refs = refs + excluded.refs`,
  ];
}

export const RUN_FIGURES = [
  "sessions",
  "session_minutes",
  "teacher_minutes",
  "attendances",
  "absences",
  "excused",
  "ratings_sum",
  "ratings_n",
  "waitlisted",
  "promoted",
] as const;

/* ---- Second set (migration "stats_reach_triggers"): 参与人数 by ranges, community volunteer hours,
 * activity waitlists, and the statistics change stamp. ---- */

/** Levels of stats_reach: the city (entity 0), a district, an academy. */
const REACH_LEVELS = [
  { level: 0, filter: () => "", entity: () => "0", district: () => "0" },
  {
    level: 1,
    filter: (x: string) => ` AND district_id = ${x}.district_id`,
    entity: (x: string) => `${x}.district_id`,
    district: (x: string) => `${x}.district_id`,
  },
  {
    level: 2,
    filter: (x: string) => ` AND academy_id = ${x}.academy_id`,
    entity: (x: string) => `${x}.academy_id`,
    district: (x: string) => `${x}.district_id`,
  },
] as const;

/**
 * A stats_person_month row `x` appeared (+1) or disappeared (−1; AFTER DELETE, the row is gone):
 * when that changes whether the person was active in x.month at a level, the person's entry for
 * x.month (previous month p) is added or taken out, and their next active month n (if any) now
 * follows x.month instead of p (or p instead of x.month).
 */
const reachChange = (x: string, sign: 1 | -1, l: (typeof REACH_LEVELS)[number]) => {
  const f = l.filter(x);
  const changed =
    sign > 0
      ? `(SELECT count(*) FROM stats_person_month WHERE person_key = ${x}.person_key AND month = ${x}.month${f}) = 1`
      : `NOT EXISTS (SELECT 1 FROM stats_person_month WHERE person_key = ${x}.person_key AND month = ${x}.month${f})`;
  return `
  INSERT INTO stats_reach (level, entity, month, prev, district_id, n)
  SELECT ${l.level}, ${l.entity(x)}, CASE k.k WHEN 1 THEN ${x}.month ELSE v.n END, CASE k.k WHEN 3 THEN ${x}.month ELSE v.p END, ${l.district(x)},
    CASE k.k WHEN 2 THEN ${-sign} ELSE ${sign} END
  FROM (SELECT coalesce((SELECT max(month) FROM stats_person_month WHERE person_key = ${x}.person_key AND month < ${x}.month${f}), '') p,
               (SELECT min(month) FROM stats_person_month WHERE person_key = ${x}.person_key AND month > ${x}.month${f}) n) v
    JOIN (SELECT 1 k UNION ALL SELECT 2 UNION ALL SELECT 3) k ON k.k = 1 OR v.n IS NOT NULL
  WHERE ${changed}
  ON CONFLICT (level, entity, month, prev) DO UPDATE SET n = n + excluded.n;
  DELETE FROM stats_reach WHERE level = ${l.level} AND entity = ${l.entity(x)} AND month >= ${x}.month AND n = 0;`;
};

const BUMP = `\n  UPDATE stats_state SET value = value + 1 WHERE key = 'version';`;

const ensureAcademyMonth = (academy: string, month: string) => `
  INSERT INTO stats_academy_month (academy_id, month, district_id)
  SELECT a.id, ${month}, a.district_id FROM academies a WHERE a.id = ${academy}
  ON CONFLICT (academy_id, month) DO NOTHING;`;

/** Confirmed community volunteer service, at its signup's academy and the month of its service date. */
const volunteer = (x: string, sign: 1 | -1) => {
  const academy = `(SELECT academy_id FROM volunteer_signups WHERE id = ${x}.signup_id)`;
  return `${sign > 0 ? ensureAcademyMonth(academy, `substr(${x}.service_date, 1, 7)`) : ""}
  UPDATE stats_academy_month SET volunteer_minutes = volunteer_minutes + ${sign} * ${x}.minutes
  WHERE academy_id = ${academy} AND month = substr(${x}.service_date, 1, 7);`;
};

/** An activity registration's waitlist figures at its activity's academy and the month it was made. */
const activityWaitlist = (x: string, sign: 1 | -1) => {
  const academy = `(SELECT academy_id FROM activities WHERE id = ${x}.activity_id)`;
  return `${sign > 0 ? ensureAcademyMonth(academy, monthOfMs(`${x}.created_at`)) : ""}
  UPDATE stats_academy_month SET
    activity_waitlisted = activity_waitlisted + ${sign} * (${x}.queue_key IS NOT NULL OR ${x}.promoted_at IS NOT NULL),
    activity_promoted = activity_promoted + ${sign} * (${x}.promoted_at IS NOT NULL)
  WHERE academy_id = ${academy} AND month = ${monthOfMs(`${x}.created_at`)};`;
};

/** All registrations of one activity taken out of (−1) or added to (+1) an academy's months. */
const activityWaitlistAll = (x: string, academy: string, sign: 1 | -1) => `
  ${
    sign > 0
      ? `INSERT INTO stats_academy_month (academy_id, month, district_id)
  SELECT DISTINCT ${academy}, ${monthOfMs("g.created_at")}, a.district_id FROM activity_registrations g JOIN academies a ON a.id = ${academy}
  WHERE g.activity_id = ${x}.id
  ON CONFLICT (academy_id, month) DO NOTHING;`
      : ""
  }
  UPDATE stats_academy_month SET
    activity_waitlisted = activity_waitlisted + ${sign} * (SELECT count(*) FROM activity_registrations g WHERE g.activity_id = ${x}.id
      AND (g.queue_key IS NOT NULL OR g.promoted_at IS NOT NULL) AND ${monthOfMs("g.created_at")} = stats_academy_month.month),
    activity_promoted = activity_promoted + ${sign} * (SELECT count(*) FROM activity_registrations g WHERE g.activity_id = ${x}.id
      AND g.promoted_at IS NOT NULL AND ${monthOfMs("g.created_at")} = stats_academy_month.month)
  WHERE academy_id = ${academy};`;

const volunteerAll = (x: string, academy: string, sign: 1 | -1) => `
  ${
    sign > 0
      ? `INSERT INTO stats_academy_month (academy_id, month, district_id)
  SELECT DISTINCT ${academy}, substr(h.service_date, 1, 7), a.district_id FROM volunteer_hours h JOIN academies a ON a.id = ${academy}
  WHERE h.signup_id = ${x}.id
  ON CONFLICT (academy_id, month) DO NOTHING;`
      : ""
  }
  UPDATE stats_academy_month SET volunteer_minutes = volunteer_minutes + ${sign} * (SELECT coalesce(sum(h.minutes), 0) FROM volunteer_hours h
    WHERE h.signup_id = ${x}.id AND substr(h.service_date, 1, 7) = stats_academy_month.month)
  WHERE academy_id = ${academy};`;

/** A stats_run_month row's figures added to (+1) or taken from (−1) its academy's month. */
const runMonthDelta = (x: string, sign: 1 | -1, leave = false) => `
  UPDATE stats_academy_month SET
    sessions = sessions + ${sign} * ${x}.sessions * (${x}.run_cancelled = 0),
    teacher_minutes = teacher_minutes + ${sign} * ${x}.teacher_minutes * (${x}.run_cancelled = 0),
    attendances = attendances + ${sign} * ${x}.attendances, absences = absences + ${sign} * ${x}.absences,${
      leave ? ` excused = excused + ${sign} * ${x}.excused,` : ""
    }
    ratings_sum = ratings_sum + ${sign} * ${x}.ratings_sum, ratings_n = ratings_n + ${sign} * ${x}.ratings_n,
    waitlisted = waitlisted + ${sign} * ${x}.waitlisted, promoted = promoted + ${sign} * ${x}.promoted
  WHERE academy_id = ${x}.academy_id AND month = ${x}.month;`;

/** A stats_activity row added to or taken from its academy's month (not cancelled: held once started). */
const activityDelta = (x: string, sign: 1 | -1) => `
  UPDATE stats_academy_month SET
    activities = activities + ${sign} * (${x}.cancelled = 0),
    activity_participations = activity_participations + ${sign} * (${x}.cancelled = 0) * max(${x}.headcount, ${x}.identified)
  WHERE academy_id = ${x}.academy_id AND month = ${x}.month;`;

/** The academy × month triggers on stats_run_month; `leave` = the current definitions. */
const academyRunTriggers = (leave: boolean): string[] => [
  trigger(
    "stats_academy_run_insert",
    "AFTER INSERT ON stats_run_month",
    ensureAcademyMonth("NEW.academy_id", "NEW.month") + runMonthDelta("NEW", 1, leave),
  ),
  trigger(
    "stats_academy_run_update",
    "AFTER UPDATE ON stats_run_month",
    ensureAcademyMonth("NEW.academy_id", "NEW.month") +
      runMonthDelta("OLD", -1, leave) +
      runMonthDelta("NEW", 1, leave),
  ),
  trigger(
    "stats_academy_run_delete",
    "AFTER DELETE ON stats_run_month",
    runMonthDelta("OLD", -1, leave),
  ),
];

const TRIGGERS2: string[] = [
  ...academyRunTriggers(false),
  trigger(
    "stats_academy_activity_insert",
    "AFTER INSERT ON stats_activity",
    ensureAcademyMonth("NEW.academy_id", "NEW.month") + activityDelta("NEW", 1),
  ),
  trigger(
    "stats_academy_activity_update",
    "AFTER UPDATE ON stats_activity",
    ensureAcademyMonth("NEW.academy_id", "NEW.month") +
      activityDelta("OLD", -1) +
      activityDelta("NEW", 1),
  ),
  trigger(
    "stats_academy_activity_delete",
    "AFTER DELETE ON stats_activity",
    activityDelta("OLD", -1),
  ),
  trigger(
    "stats_reach_insert",
    "AFTER INSERT ON stats_person_month",
    REACH_LEVELS.map((l) => reachChange("NEW", 1, l)).join(""),
  ),
  trigger(
    "stats_reach_delete",
    "AFTER DELETE ON stats_person_month",
    REACH_LEVELS.map((l) => reachChange("OLD", -1, l)).join(""),
  ),
  `CREATE TRIGGER stats_reach_district AFTER UPDATE OF district_id ON stats_person_month FOR EACH ROW
WHEN ${ACTIVE} AND OLD.district_id <> NEW.district_id BEGIN${reachChange("OLD", -1, REACH_LEVELS[1])}${reachChange("NEW", 1, REACH_LEVELS[1])}
  UPDATE stats_reach SET district_id = NEW.district_id WHERE level = 2 AND entity = NEW.academy_id;
END;`,
  trigger("stats_volunteer_insert", "AFTER INSERT ON volunteer_hours", volunteer("NEW", 1)),
  trigger(
    "stats_volunteer_update",
    "AFTER UPDATE OF minutes, service_date, signup_id ON volunteer_hours",
    volunteer("OLD", -1) + volunteer("NEW", 1),
  ),
  trigger("stats_volunteer_delete", "AFTER DELETE ON volunteer_hours", volunteer("OLD", -1)),
  trigger(
    "stats_volunteer_signup_delete",
    "BEFORE DELETE ON volunteer_signups",
    volunteerAll("OLD", "OLD.academy_id", -1),
  ),
  `CREATE TRIGGER stats_volunteer_signup_move AFTER UPDATE OF academy_id ON volunteer_signups FOR EACH ROW
WHEN ${ACTIVE} AND OLD.academy_id <> NEW.academy_id BEGIN${volunteerAll("OLD", "OLD.academy_id", -1)}${volunteerAll("NEW", "NEW.academy_id", 1)}
END;`,
  trigger(
    "stats_activity_waitlist_insert",
    "AFTER INSERT ON activity_registrations",
    activityWaitlist("NEW", 1),
  ),
  trigger(
    "stats_activity_waitlist_update",
    "AFTER UPDATE OF queue_key, promoted_at, created_at, activity_id ON activity_registrations",
    activityWaitlist("OLD", -1) + activityWaitlist("NEW", 1),
  ),
  trigger(
    "stats_activity_waitlist_delete",
    "AFTER DELETE ON activity_registrations",
    activityWaitlist("OLD", -1),
  ),
  trigger(
    "stats_activity_waitlist_gone",
    "BEFORE DELETE ON activities",
    activityWaitlistAll("OLD", "OLD.academy_id", -1),
  ),
  `CREATE TRIGGER stats_activity_waitlist_move AFTER UPDATE OF academy_id ON activities FOR EACH ROW
WHEN ${ACTIVE} AND OLD.academy_id <> NEW.academy_id BEGIN${activityWaitlistAll("OLD", "OLD.academy_id", -1)}${activityWaitlistAll("NEW", "NEW.academy_id", 1)}
END;`,
  trigger(
    "stats_academy_month_district",
    "AFTER UPDATE OF district_id ON academies",
    `\n  UPDATE stats_academy_month SET district_id = NEW.district_id WHERE academy_id = NEW.id;`,
  ),
  // The change stamp (statsStamp): moves with every rollup row and every population, nothing else.
  ...(
    ["stats_run_month", "stats_person_month", "stats_activity", "stats_academy_month"] as const
  ).flatMap((t) =>
    (["INSERT", "UPDATE", "DELETE"] as const).map((op) =>
      trigger(
        `stats_stamp_${t.replace("stats_", "")}_${op.toLowerCase()}`,
        `AFTER ${op} ON ${t}`,
        BUMP,
      ),
    ),
  ),
  trigger("stats_stamp_academy_insert", "AFTER INSERT ON academies", BUMP),
  trigger(
    "stats_stamp_academy_update",
    "AFTER UPDATE OF population, district_id ON academies",
    BUMP,
  ),
  trigger("stats_stamp_academy_delete", "AFTER DELETE ON academies", BUMP),
];

/** The second trigger migration: the stamp row, then the triggers. */
export const TRIGGERS2_SQL =
  [
    `INSERT INTO stats_state (key, value) VALUES ('version', '0') ON CONFLICT (key) DO NOTHING;`,
    ...TRIGGERS2,
  ].join("\n--> statement-breakpoint\n") + "\n";

/**
 * The from-scratch recount of the second set: academy × month figures (from `runTable` and
 * `activityTable`, the recounted or live run and activity rollups), then stats_reach from `personTable`.
 */
export function recountSql2(
  academyTable: string,
  reachTable: string,
  runTable: string,
  activityTable: string,
  personTable: string,
): string[] {
  const reach = (level: number, part: string, entity: string, district: string) => `
    INSERT INTO ${reachTable} (level, entity, month, prev, district_id, n)
    SELECT ${level}, entity, month, prev, district_id, count(*) FROM (
      SELECT ${entity} entity, ${district} district_id, month, coalesce(lag(month) OVER (PARTITION BY ${part} ORDER BY month), '') prev
      FROM (SELECT DISTINCT person_key, month, ${level === 2 ? "academy_id, district_id" : level === 1 ? "district_id" : "0 AS district_id"} FROM ${personTable} WHERE refs > 0))
    GROUP BY entity, month, prev, district_id`;
  return [
    `INSERT INTO ${academyTable} (academy_id, month, district_id, sessions, teacher_minutes, attendances, absences, excused, ratings_sum, ratings_n, waitlisted, promoted)
     SELECT academy_id, month, max(district_id), sum(sessions * (run_cancelled = 0)), sum(teacher_minutes * (run_cancelled = 0)), sum(attendances), sum(absences), sum(excused),
       sum(ratings_sum), sum(ratings_n), sum(waitlisted), sum(promoted)
     FROM ${runTable} WHERE true GROUP BY 1, 2`,
    `INSERT INTO ${academyTable} (academy_id, month, district_id, activities, activity_participations)
     SELECT academy_id, month, max(district_id), sum(cancelled = 0), sum((cancelled = 0) * max(headcount, identified))
     FROM ${activityTable} WHERE true GROUP BY 1, 2
     ON CONFLICT (academy_id, month) DO UPDATE SET activities = excluded.activities, activity_participations = excluded.activity_participations`,
    `INSERT INTO ${academyTable} (academy_id, month, district_id, volunteer_minutes)
     SELECT s.academy_id, substr(h.service_date, 1, 7), a.district_id, sum(h.minutes)
     FROM volunteer_hours h JOIN volunteer_signups s ON s.id = h.signup_id JOIN academies a ON a.id = s.academy_id
     WHERE true GROUP BY 1, 2, 3
     ON CONFLICT (academy_id, month) DO UPDATE SET volunteer_minutes = excluded.volunteer_minutes`,
    `INSERT INTO ${academyTable} (academy_id, month, district_id, activity_waitlisted, activity_promoted)
     SELECT av.academy_id, ${monthOfMs("g.created_at")}, a.district_id, sum(g.queue_key IS NOT NULL OR g.promoted_at IS NOT NULL), sum(g.promoted_at IS NOT NULL)
     FROM activity_registrations g JOIN activities av ON av.id = g.activity_id JOIN academies a ON a.id = av.academy_id
     WHERE true GROUP BY 1, 2, 3
     ON CONFLICT (academy_id, month) DO UPDATE SET activity_waitlisted = excluded.activity_waitlisted, activity_promoted = excluded.activity_promoted`,
    reach(0, "person_key", "0", "0"),
    reach(1, "district_id, person_key", "district_id", "district_id"),
    reach(2, "academy_id, person_key", "academy_id", "district_id"),
  ];
}

export const ACADEMY_FIGURES = [
  "sessions",
  "teacher_minutes",
  "attendances",
  "absences",
  "excused",
  "ratings_sum",
  "ratings_n",
  "waitlisted",
  "promoted",
  "activities",
  "activity_participations",
  "volunteer_minutes",
  "activity_waitlisted",
  "activity_promoted",
] as const;

/* ---- Third set (migration "stats_stamp_triggers"): two stamps instead of one. A write to the
 * current month's rollup rows (a check-in today) moves `version_current`; anything else moves
 * `version`. Figures are cached in two parts (stats.server.ts): the other months against
 * `version`, the current month against `version_current`, so a check-in recounts one month. ---- */

const CURRENT_MONTH = `strftime('%Y-%m', 'now', '+8 hours')`;
const bumpFor = (x: string) => `
  UPDATE stats_state SET value = value + 1 WHERE key = CASE WHEN ${x}.month = ${CURRENT_MONTH} THEN 'version_current' ELSE 'version' END;`;

const STAMPED = [
  "stats_run_month",
  "stats_person_month",
  "stats_activity",
  "stats_academy_month",
] as const;
const stampName = (t: string, op: string) =>
  `stats_stamp_${t.replace("stats_", "")}_${op.toLowerCase()}`;

const TRIGGERS3: string[] = [
  `INSERT INTO stats_state (key, value) VALUES ('version_current', '0') ON CONFLICT (key) DO NOTHING;`,
  ...STAMPED.flatMap((t) =>
    (["INSERT", "UPDATE", "DELETE"] as const).map(
      (op) => `DROP TRIGGER IF EXISTS ${stampName(t, op)};`,
    ),
  ),
  ...STAMPED.flatMap((t) => [
    trigger(stampName(t, "INSERT"), `AFTER INSERT ON ${t}`, bumpFor("NEW")),
    // An update can move a row across months (an activity re-dated): both months' stamps move.
    trigger(stampName(t, "UPDATE"), `AFTER UPDATE ON ${t}`, bumpFor("OLD") + bumpFor("NEW")),
    trigger(stampName(t, "DELETE"), `AFTER DELETE ON ${t}`, bumpFor("OLD")),
  ]),
];

export const TRIGGERS3_SQL = TRIGGERS3.join("\n--> statement-breakpoint\n") + "\n";

/* ---- Fourth set (migration "stats_leave_triggers"): 请假. Attendance has three states; the
 * rollups count 请假 (excused) apart from 缺席 (absences). Every trigger whose text changed is
 * dropped and created again (an existing database keeps its rows: before this migration no row
 * was excused, so absences were already right and excused starts at 0). Also the attendance
 * guards (ATTENDANCE_GUARDS_SQL), since a CHECK would have made drizzle-kit rebuild the table. ---- */

const triggerName = (t: string) => /^CREATE TRIGGER (\w+)/.exec(t)?.[1] ?? "";

function changedTriggers(before: string[], after: string[]) {
  const old = new Map(before.map((t) => [triggerName(t), t]));
  return after
    .filter((t) => old.get(triggerName(t)) !== t)
    .flatMap((t) => [`DROP TRIGGER IF EXISTS ${triggerName(t)};`, t]);
}

const TRIGGERS4: string[] = [
  ...changedTriggers(classTriggers(false), classTriggers(true)),
  ...changedTriggers(academyRunTriggers(false), academyRunTriggers(true)),
  ...ATTENDANCE_GUARDS_SQL,
];

export const TRIGGERS4_SQL = TRIGGERS4.join("\n--> statement-breakpoint\n") + "\n";

/* ---- Fifth set (migration "stats_trigger_deltas"): a rollup row updated in place (the same
 * academy and month, which is every update but an activity moved or re-dated) moves its academy's
 * month in one UPDATE and its stamp once, instead of taking the old row out and putting the new
 * one in: an enrolment ran 21 statements of triggers, now 12 (about 16 of 90 µs). A row that
 * changes academy or month keeps the old way, in a trigger of its own. ---- */

const triggerIf = (name: string, when: string, condition: string, body: string) =>
  `CREATE TRIGGER ${name} ${when} FOR EACH ROW WHEN ${ACTIVE} AND ${condition} BEGIN${body}
END;`;
const SAME_PLACE = `OLD.academy_id = NEW.academy_id AND OLD.month = NEW.month`;
const MOVED = `(OLD.academy_id <> NEW.academy_id OR OLD.month <> NEW.month)`;
/** `NEW.x − OLD.x` of an expression of the row. */
const change = (f: (x: string) => string) => `${f("NEW")} - ${f("OLD")}`;

const runMonthChange = () => `
  UPDATE stats_academy_month SET
    sessions = sessions + ${change((x) => `${x}.sessions * (${x}.run_cancelled = 0)`)},
    teacher_minutes = teacher_minutes + ${change((x) => `${x}.teacher_minutes * (${x}.run_cancelled = 0)`)},
    ${["attendances", "absences", "excused", "ratings_sum", "ratings_n", "waitlisted", "promoted"]
      .map((c) => `${c} = ${c} + ${change((x) => `${x}.${c}`)}`)
      .join(", ")}
  WHERE academy_id = NEW.academy_id AND month = NEW.month;`;

const activityChange = () => `
  UPDATE stats_academy_month SET
    activities = activities + ${change((x) => `(${x}.cancelled = 0)`)},
    activity_participations = activity_participations + ${change((x) => `(${x}.cancelled = 0) * max(${x}.headcount, ${x}.identified)`)}
  WHERE academy_id = NEW.academy_id AND month = NEW.month;`;

const TRIGGERS5: string[] = [
  "DROP TRIGGER IF EXISTS stats_academy_run_update;",
  triggerIf(
    "stats_academy_run_update",
    "AFTER UPDATE ON stats_run_month",
    SAME_PLACE,
    runMonthChange(),
  ),
  triggerIf(
    "stats_academy_run_move",
    "AFTER UPDATE ON stats_run_month",
    MOVED,
    ensureAcademyMonth("NEW.academy_id", "NEW.month") +
      runMonthDelta("OLD", -1, true) +
      runMonthDelta("NEW", 1, true),
  ),
  "DROP TRIGGER IF EXISTS stats_academy_activity_update;",
  triggerIf(
    "stats_academy_activity_update",
    "AFTER UPDATE ON stats_activity",
    SAME_PLACE,
    activityChange(),
  ),
  triggerIf(
    "stats_academy_activity_move",
    "AFTER UPDATE ON stats_activity",
    MOVED,
    ensureAcademyMonth("NEW.academy_id", "NEW.month") +
      activityDelta("OLD", -1) +
      activityDelta("NEW", 1),
  ),
  ...STAMPED.flatMap((t) => [
    `DROP TRIGGER IF EXISTS ${stampName(t, "UPDATE")};`,
    triggerIf(
      stampName(t, "UPDATE"),
      `AFTER UPDATE ON ${t}`,
      "OLD.month = NEW.month",
      bumpFor("NEW"),
    ),
    triggerIf(
      stampName(t, "MOVE"),
      `AFTER UPDATE ON ${t}`,
      "OLD.month <> NEW.month",
      bumpFor("OLD") + bumpFor("NEW"),
    ),
  ]),
];

export const TRIGGERS5_SQL = TRIGGERS5.join("\n--> statement-breakpoint\n") + "\n";
