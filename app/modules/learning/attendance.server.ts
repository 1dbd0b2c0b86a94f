/**
 * Attendance (出勤) and no-shows. Teachers and managers tick the roster of a session; the run's
 * grid shows every learner against every session; no-shows feed the policy that enrolment applies
 * (`noShowRestriction`).
 *
 * Definitions used everywhere:
 * - a session is *held* when it is not cancelled, its run is not cancelled and it has ended;
 * - a held session is *recorded* when attendance was taken for it (any attendance row other than
 *   a resident's own online leave, method `leave`);
 * - a learner *held a seat* for a session when their enrolment was confirmed before it started
 *   and was still confirmed when it ended (cancelling in time is not a no-show);
 * - three states per learner and session: 出席 (present), 请假 (excused: asked online before the
 *   start, or marked by staff), 缺席 (absent without leave);
 * - a *no-show* is a recorded held session for which a learner held a seat and was neither
 *   present nor excused: 请假 never counts towards the no-show policy.
 */
import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import { clientOf, prepared, type Conn, type DB } from "@db/client";
import {
  academies,
  attendance,
  classRuns,
  classSessions,
  courseVersions,
  enrollments,
  rooms,
  runTeachers,
  teachers,
} from "@db/schema";
import { writeAudit } from "~/modules/auth/audit.server";
import { canManageAcademy, canViewAcademy, type Actor } from "~/modules/auth/permissions";
import { formatDate } from "~/utils/dates";
import { UserError } from "~/utils/errors";
import { forbidden } from "~/utils/http";
import { checkinOpensAt } from "./checkin-token";
import { restrictionFrom, type LearningPolicy } from "./rules";
import { learnersOfRun, requireRunReader, requireSessionStaff, type Learner } from "./staff.server";
import { ATTENDANCE_STATE_LABELS, stateOf, type AttendanceState } from "./leave";
import { learningPolicy } from "~/utils/config.server";

/** Seat start: confirmed (or promoted) time. */
const seatFrom = sql`coalesce(${enrollments.confirmedAt}, ${enrollments.promotedAt})`;

/** SQL: the enrolment held a seat for the session (confirmed before it started, not ended before it ended). */
export const heldSeatSql = sql`(${seatFrom} IS NOT NULL AND ${seatFrom} <= ${classSessions.startsAt} AND (${enrollments.status} = 'confirmed' OR (${enrollments.status} IN ('cancelled', 'removed') AND coalesce(${enrollments.cancelledAt}, ${enrollments.updatedAt}) >= ${classSessions.endsAt})))`;
const recordedSql = sql`EXISTS (SELECT 1 FROM ${attendance} a WHERE a.session_id = ${classSessions.id} AND a.method <> 'leave')`;
const presentSql = sql`EXISTS (SELECT 1 FROM ${attendance} p WHERE p.session_id = ${classSessions.id} AND p.enrollment_id = ${enrollments.id} AND p.present = 1)`;
const excusedSql = sql`EXISTS (SELECT 1 FROM ${attendance} x WHERE x.session_id = ${classSessions.id} AND x.enrollment_id = ${enrollments.id} AND x.excused = 1)`;

/**
 * Times (ends) of a person's no-shows since `since`, classes and activities together. The person
 * is the account holder themself, or one of their family members.
 */
export function noShowTimes(
  conn: Conn,
  person: { userId: number; familyMemberId?: number | null },
  since: number,
  now: number,
) {
  const params = noShowParams(person, since, now);
  return [
    ...classNoShowQuery(conn)
      .all(params)
      .map((r) => r.at),
    ...activityNoShowTimes(conn, person, since, now),
  ].sort((a, b) => a - b);
}

const noShowParams = (
  person: { userId: number; familyMemberId?: number | null },
  since: number,
  now: number,
) => ({ user: person.userId, member: person.familyMemberId ?? null, since, now });

/** Activity no-shows (see activityNoShowQuery). */
export function activityNoShowTimes(
  conn: Conn,
  person: { userId: number; familyMemberId?: number | null },
  since: number,
  now: number,
) {
  return activityNoShowQuery(conn)
    .all(noShowParams(person, since, now))
    .map((r) => r.at);
}

/**
 * Activity no-shows (群众性活动 with registration), by the same definitions as class sessions:
 * the activity is *held* (not cancelled, over), *recorded* (any check-in or roll-call row for it),
 * the person *held a seat* (confirmed before it started, not given back before it ended) and was
 * not present. Open events (no registration) never make a no-show. `:member` null is the account
 * holder themself (`IS` matches null). Its unary `+` keeps SQLite, without ANALYZE statistics, from
 * reaching the rows through the index on family_member_id, where NULL is nearly every row; the
 * person's own index (user_id) is the one to use (tests/unit/enrollment-query-plans.test.ts).
 */
const activityNoShowQuery = prepared((conn: Conn) =>
  clientOf(conn).prepare<
    { user: number; member: number | null; since: number; now: number },
    { at: number }
  >(
    `SELECT a.ends_at AS at
       FROM activity_registrations r JOIN activities a ON a.id = r.activity_id
      WHERE r.user_id = :user AND +r.family_member_id IS :member
        AND a.status = 'scheduled' AND a.registration = 1
        AND a.ends_at <= :now AND a.ends_at >= :since
        AND coalesce(r.confirmed_at, r.promoted_at) IS NOT NULL
        AND coalesce(r.confirmed_at, r.promoted_at) <= a.starts_at
        AND (r.status = 'confirmed'
             OR (r.status IN ('cancelled', 'removed') AND coalesce(r.cancelled_at, r.updated_at) >= a.ends_at))
        AND EXISTS (SELECT 1 FROM activity_attendance x WHERE x.activity_id = a.id)
        AND NOT EXISTS (SELECT 1 FROM activity_attendance p
                        WHERE p.activity_id = a.id AND p.registration_id = r.id AND p.present = 1)`,
  ),
);

const classNoShowQuery = prepared((conn: Conn) =>
  conn
    .select({ at: classSessions.endsAt })
    .from(enrollments)
    .innerJoin(classSessions, eq(classSessions.runId, enrollments.runId))
    .innerJoin(classRuns, eq(classRuns.id, enrollments.runId))
    .where(
      and(
        eq(enrollments.userId, sql.placeholder("user")),
        sql`+${enrollments.familyMemberId} IS ${sql.placeholder("member")}`,
        sql`${classRuns.status} <> 'cancelled'`,
        eq(classSessions.status, "scheduled"),
        sql`${classSessions.endsAt} <= ${sql.placeholder("now")} AND ${classSessions.endsAt} >= ${sql.placeholder("since")}`,
        heldSeatSql,
        recordedSql,
        sql`NOT ${presentSql}`,
        sql`NOT ${excusedSql}`,
      ),
    )
    .prepare(),
);

export type NoShowRestriction = { until: number; count: number; message: string };

/**
 * The no-show policy as enrolment applies it: null, or until when the person may only join
 * waitlists, how many no-shows caused it and a Chinese explanation. Without `familyMemberId` the
 * account holder's own enrolments count; with it, that family member's.
 */
export function noShowRestriction(
  conn: Conn,
  userId: number,
  now = Date.now(),
  familyMemberId: number | null = null,
  policy: LearningPolicy = learningPolicy(),
  who?: string,
): NoShowRestriction | null {
  if (policy.noShowLimit <= 0) return null;
  const DAY = 86_400_000;
  const since = now - (policy.noShowWindowDays + policy.noShowPenaltyDays) * DAY;
  const r = restrictionFrom(noShowTimes(conn, { userId, familyMemberId }, since, now), policy, now);
  if (!r) return null;
  const subject = who ?? (familyMemberId ? "这位家人" : "您");
  return {
    until: r.until,
    count: r.count,
    message: `${subject}在 ${policy.noShowWindowDays} 天内有 ${
      r.count
    } 次报名后既没有到场、也没有提前取消（最近一次是 ${formatDate(
      r.last,
    )}）。按照书院的缺课规则，${formatDate(
      r.until,
    )} 之前${subject}报名只能进入候补名单，不能直接占座，候补递补时也会先让给其他居民。以后不能来上课或参加活动时，请提前取消报名，把名额让给其他居民。`,
  };
}

// ---- Taking attendance for one session -------------------------------------------------------

export type MarkRow = {
  enrollmentId: number;
  name: string;
  relation: string | null;
  ownerName: string | null;
  walkin: boolean;
  status: string;
  present: boolean | null;
  /** 出席 / 请假 / 缺席, null when not marked yet. */
  state: AttendanceState | null;
  /** The reason given with a leave. */
  note: string;
  method: string | null;
  markedAt: number | null;
};

/** Learners to tick for a session: those with a seat now, plus anyone already marked. */
function markRows(conn: Conn, sessionId: number, runId: number): MarkRow[] {
  const marks = new Map(
    conn
      .select()
      .from(attendance)
      .where(eq(attendance.sessionId, sessionId))
      .all()
      .map((m) => [m.enrollmentId, m]),
  );
  return learnersOfRun(conn, runId)
    .filter((l) => l.status === "confirmed" || marks.has(l.enrollmentId))
    .map((l) => {
      const m = marks.get(l.enrollmentId);
      return {
        enrollmentId: l.enrollmentId,
        name: l.name,
        relation: l.familyMemberId ? l.relation : null,
        ownerName: l.ownerName,
        walkin: l.walkin,
        status: l.status,
        present: m ? m.present : null,
        state: stateOf(m),
        note: m?.excused ? m.note : "",
        method: m?.method ?? null,
        markedAt: m?.markedAt ?? null,
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name, "zh-CN"));
}

/** When the roster of a session may be ticked: from when check-in opens, for sessions not cancelled. */
function markingProblem(s: { startsAt: number; status: string }, now: number) {
  if (s.status === "cancelled") return "这次课已取消，不需要点名。";
  if (now < checkinOpensAt(s)) return "还没到上课时间：上课前 30 分钟起可以点名。";
  return null;
}

export function sessionAttendance(
  db: DB,
  actor: Actor,
  sessionId: number,
  now = Date.now(),
  academyId?: number,
) {
  const { session, role } = requireSessionStaff(db, actor, sessionId, academyId);
  const rows = markRows(db, session.sessionId, session.runId);
  return {
    session,
    role,
    rows,
    present: rows.filter((r) => r.present).length,
    excused: rows.filter((r) => r.state === "excused").length,
    problem: markingProblem(session, now),
  };
}

/**
 * Saves the roll call of a session. `marks` is either the state of each learner (出席 / 请假 /
 * 缺席; anyone left out keeps a leave they asked for, else is 缺席) or, as before, the list of
 * present learners (everyone else 缺席, except those on leave, who stay 请假). Every learner on
 * the list gets a row, so the session counts as recorded. Unchanged rows (a QR check-in, a
 * resident's online leave and its reason) stay as they are. Audited as one entry.
 */
export function saveSessionAttendance(
  db: DB,
  actor: Actor,
  sessionId: number,
  marks: number[] | Map<number, AttendanceState>,
  ip: string | null = null,
  now = Date.now(),
  academyId?: number,
) {
  return db.transaction(
    (tx) => {
      const { session, role } = requireSessionStaff(tx, actor, sessionId, academyId);
      const problem = markingProblem(session, now);
      if (problem) throw new UserError(problem);
      const rows = markRows(tx, session.sessionId, session.runId);
      const known = new Set(rows.map((r) => r.enrollmentId));
      const given: Map<number, AttendanceState> = Array.isArray(marks)
        ? new Map(marks.map((id) => [id, "present" as const]))
        : marks;
      for (const id of given.keys())
        if (!known.has(id)) throw new UserError("名单已经变化，请刷新页面后重新点名。");
      const method = role === "teacher" ? ("roster" as const) : ("manager" as const);
      let changed = 0;
      const final = new Map<number, AttendanceState>();
      for (const r of rows) {
        const want: AttendanceState =
          given.get(r.enrollmentId) ?? (r.state === "excused" ? "excused" : "absent");
        final.set(r.enrollmentId, want);
        if (r.state === want) continue;
        changed++;
        const set = {
          present: want === "present",
          excused: want === "excused",
          note: "",
          method,
          markedBy: actor.id,
          markedAt: now,
        };
        tx.insert(attendance)
          .values({ sessionId: session.sessionId, enrollmentId: r.enrollmentId, ...set })
          .onConflictDoUpdate({ target: [attendance.sessionId, attendance.enrollmentId], set })
          .run();
      }
      const count = (s: AttendanceState) => [...final.values()].filter((v) => v === s).length;
      const present = count("present");
      const excused = count("excused");
      if (changed > 0) {
        writeAudit(tx, actor.id, ip, {
          action: "attendance.mark",
          targetType: "class_session",
          targetId: session.sessionId,
          summary: `点名「${session.title}」${formatDate(session.startsAt)}：${
            ATTENDANCE_STATE_LABELS.present
          } ${present}、${ATTENDANCE_STATE_LABELS.excused} ${excused}、${
            ATTENDANCE_STATE_LABELS.absent
          } ${rows.length - present - excused} / ${rows.length} 人（改动 ${changed} 人）`,
          detail: {
            present: [...final].filter(([, v]) => v === "present").map(([id]) => id),
            excused: [...final].filter(([, v]) => v === "excused").map(([id]) => id),
            changed,
          },
        });
      }
      return { present, excused, total: rows.length, changed };
    },
    { behavior: "immediate" },
  );
}

// ---- A run's attendance grid ---------------------------------------------------------------

export type GridSession = {
  id: number;
  startsAt: number;
  endsAt: number;
  status: string;
  held: boolean;
  inProgress: boolean;
  recorded: boolean;
  present: number;
  /** 请假 marks (online leave or staff). */
  excused: number;
};
/** A grid cell: 出席, 请假, 缺席 at a recorded held session with a seat (noshow, 缺课未请假), or an
 * explicit 缺席 that does not count (absent: no seat at the time, or the session not held yet). */
export type GridMark = "present" | "excused" | "absent" | "noshow";
export type GridLearner = Learner & {
  marks: Record<number, GridMark | null>;
  attended: number;
  /** 请假 sessions (never no-shows). */
  excused: number;
  /** Recorded held sessions that count for this learner (they held a seat or were present). */
  counted: number;
  noShows: number;
  /** attended / recorded sessions with a seat, null when there are none. */
  rate: number | null;
  position: number | null;
};

/** Everything the run's attendance page and its exports show. */
export function runAttendance(
  db: DB,
  actor: Actor,
  runId: number,
  now = Date.now(),
  academyId?: number,
) {
  const { run, role } = requireRunReader(db, actor, runId, academyId);
  const sessions = db
    .select({
      id: classSessions.id,
      startsAt: classSessions.startsAt,
      endsAt: classSessions.endsAt,
      status: classSessions.status,
    })
    .from(classSessions)
    .where(eq(classSessions.runId, run.runId))
    .orderBy(asc(classSessions.startsAt))
    .all();
  const marks = db
    .select({
      sessionId: attendance.sessionId,
      enrollmentId: attendance.enrollmentId,
      present: attendance.present,
      excused: attendance.excused,
      method: attendance.method,
    })
    .from(attendance)
    .innerJoin(classSessions, eq(classSessions.id, attendance.sessionId))
    .where(eq(classSessions.runId, run.runId))
    .all();
  const markOf = new Map(marks.map((m) => [`${m.sessionId}:${m.enrollmentId}`, stateOf(m)]));
  const recordedSessions = new Set(
    marks.filter((m) => m.method !== "leave").map((m) => m.sessionId),
  );
  const runCancelled = run.runStatus === "cancelled";
  const grid: GridSession[] = sessions.map((s) => ({
    ...s,
    held: !runCancelled && s.status !== "cancelled" && s.endsAt <= now,
    inProgress: !runCancelled && s.status !== "cancelled" && s.startsAt <= now && now < s.endsAt,
    recorded: recordedSessions.has(s.id),
    present: marks.filter((m) => m.sessionId === s.id && m.present).length,
    excused: marks.filter((m) => m.sessionId === s.id && m.excused).length,
  }));
  const learners = learnersOfRun(db, run.runId);
  let position = 0;
  const withMarks: GridLearner[] = learners
    .slice()
    .sort((a, b) => (a.queueKey ?? 0) - (b.queueKey ?? 0) || a.enrollmentId - b.enrollmentId)
    .map((l) => {
      const seatFromAt = l.confirmedAt ?? l.promotedAt;
      const seatUntil =
        l.status === "confirmed"
          ? Infinity
          : l.status === "cancelled" || l.status === "removed"
            ? (l.cancelledAt ?? 0)
            : -Infinity;
      const cells: GridLearner["marks"] = {};
      let attended = 0;
      let noShows = 0;
      let counted = 0;
      let excused = 0;
      for (const s of grid) {
        const mark = markOf.get(`${s.id}:${l.enrollmentId}`);
        const seat = seatFromAt != null && seatFromAt <= s.startsAt && seatUntil >= s.endsAt;
        if (mark === "present") {
          cells[s.id] = "present";
          attended++;
          if (s.held && s.recorded) counted++;
        } else if (mark === "excused") {
          // 请假: shown, counted in the rate's denominator when the session was recorded, never a no-show.
          cells[s.id] = "excused";
          excused++;
          if (s.held && s.recorded && seat) counted++;
        } else if (s.held && s.recorded && seat) {
          cells[s.id] = "noshow";
          noShows++;
          counted++;
        } else if (mark === "absent") cells[s.id] = "absent";
        else cells[s.id] = null;
      }
      const attendedCounted = grid.filter(
        (s) => s.held && s.recorded && cells[s.id] === "present",
      ).length;
      if (l.status === "waitlisted") position++;
      return {
        ...l,
        marks: cells,
        attended,
        excused,
        counted,
        noShows,
        rate: counted ? attendedCounted / counted : null,
        position: l.status === "waitlisted" ? position : null,
      };
    });
  const byName = (a: GridLearner, b: GridLearner) => a.name.localeCompare(b.name, "zh-CN");
  const confirmed = withMarks.filter((l) => l.status === "confirmed").sort(byName);
  const recordedHeld = grid.filter((s) => s.held && s.recorded);
  const seatSessions = withMarks.reduce((n, l) => n + l.counted, 0);
  const totalNoShows = withMarks.reduce((n, l) => n + l.noShows, 0);
  const countedPresent = withMarks.reduce(
    (n, l) => n + recordedHeld.filter((s) => l.marks[s.id] === "present").length,
    0,
  );
  return {
    run,
    role,
    sessions: grid,
    confirmed,
    waitlisted: withMarks.filter((l) => l.status === "waitlisted"),
    pending: withMarks.filter((l) => l.status === "lottery_pending"),
    ended: withMarks.filter((l) => l.status === "cancelled" || l.status === "removed"),
    summary: {
      held: grid.filter((s) => s.held).length,
      recorded: recordedHeld.length,
      planned: grid.filter((s) => s.status !== "cancelled").length,
      noShows: totalNoShows,
      excused: withMarks.reduce((n, l) => n + l.excused, 0),
      noShowRate: seatSessions ? totalNoShows / seatSessions : null,
      /** 出席 over the counted seat-sessions (请假 included in the denominator). */
      attendanceRate: seatSessions ? countedPresent / seatSessions : null,
    },
  };
}

// ---- The academy's no-show overview --------------------------------------------------------

export const OVERVIEW_PAGE_SIZE = 20;

/** Per run of an academy (runs with at least one held session, latest first): confirmed learners,
 * held and recorded sessions, attendance and no-show rates. For managers, the district and HQ. */
export function academyAttendanceOverview(
  db: DB,
  actor: Actor,
  academy: { id: number; districtId: number },
  opts: { page?: number } = {},
  now = Date.now(),
) {
  if (!canViewAcademy(actor, academy)) forbidden("您没有权限查看这所书院的出勤统计。");
  const page = Math.max(1, opts.page ?? 1);
  const base = and(
    eq(classRuns.academyId, academy.id),
    sql`${classRuns.status} <> 'cancelled'`,
    sql`EXISTS (SELECT 1 FROM ${classSessions} hs WHERE hs.run_id = ${classRuns.id} AND hs.status = 'scheduled' AND hs.ends_at <= ${now})`,
  );
  const total = db
    .select({ n: sql<number>`count(*)` })
    .from(classRuns)
    .where(base)
    .get()!.n;
  const lastHeld = sql<number>`(SELECT max(hs.ends_at) FROM ${classSessions} hs WHERE hs.run_id = ${classRuns.id} AND hs.status = 'scheduled' AND hs.ends_at <= ${now})`;
  const runs = db
    .select({
      runId: classRuns.id,
      title: courseVersions.title,
      status: classRuns.status,
      lastHeld,
    })
    .from(classRuns)
    .innerJoin(courseVersions, eq(courseVersions.id, classRuns.courseVersionId))
    .where(base)
    .orderBy(desc(lastHeld), desc(classRuns.id))
    .limit(OVERVIEW_PAGE_SIZE)
    .offset((page - 1) * OVERVIEW_PAGE_SIZE)
    .all();
  const ids = runs.map((r) => r.runId);
  const stats = new Map<
    number,
    {
      seatSessions: number;
      present: number;
      excused: number;
      noShows: number;
      held: number;
      recorded: number;
      confirmed: number;
    }
  >();
  for (const id of ids)
    stats.set(id, {
      seatSessions: 0,
      present: 0,
      excused: 0,
      noShows: 0,
      held: 0,
      recorded: 0,
      confirmed: 0,
    });
  if (ids.length) {
    // Seat-sessions of recorded held sessions, with whether the learner was present.
    const rows = db
      .select({
        runId: enrollments.runId,
        seatSessions: sql<number>`count(*)`,
        present: sql<number>`sum(CASE WHEN ${presentSql} THEN 1 ELSE 0 END)`,
        excused: sql<number>`sum(CASE WHEN ${excusedSql} THEN 1 ELSE 0 END)`,
      })
      .from(enrollments)
      .innerJoin(classSessions, eq(classSessions.runId, enrollments.runId))
      .where(
        and(
          inArray(enrollments.runId, ids),
          eq(classSessions.status, "scheduled"),
          sql`${classSessions.endsAt} <= ${now}`,
          heldSeatSql,
          recordedSql,
        ),
      )
      .groupBy(enrollments.runId)
      .all();
    for (const r of rows)
      Object.assign(stats.get(r.runId)!, {
        seatSessions: r.seatSessions,
        present: r.present ?? 0,
        excused: r.excused ?? 0,
        noShows: r.seatSessions - (r.present ?? 0) - (r.excused ?? 0),
      });
    const sess = db
      .select({
        runId: classSessions.runId,
        held: sql<number>`count(*)`,
        recorded: sql<number>`sum(CASE WHEN ${recordedSql} THEN 1 ELSE 0 END)`,
      })
      .from(classSessions)
      .where(
        and(
          inArray(classSessions.runId, ids),
          eq(classSessions.status, "scheduled"),
          sql`${classSessions.endsAt} <= ${now}`,
        ),
      )
      .groupBy(classSessions.runId)
      .all();
    for (const r of sess)
      Object.assign(stats.get(r.runId)!, { held: r.held, recorded: r.recorded ?? 0 });
    const conf = db
      .select({ runId: enrollments.runId, n: sql<number>`count(*)` })
      .from(enrollments)
      .where(and(inArray(enrollments.runId, ids), eq(enrollments.status, "confirmed")))
      .groupBy(enrollments.runId)
      .all();
    for (const r of conf) stats.get(r.runId)!.confirmed = r.n;
  }
  return {
    rows: runs.map((r) => {
      const s = stats.get(r.runId)!;
      return {
        ...r,
        ...s,
        attendanceRate: s.seatSessions ? s.present / s.seatSessions : null,
        noShowRate: s.seatSessions ? s.noShows / s.seatSessions : null,
      };
    }),
    page,
    pages: Math.max(1, Math.ceil(total / OVERVIEW_PAGE_SIZE)),
    total,
  };
}

// ---- Sessions to check in or take attendance for -----------------------------------------

export type NearbySession = {
  sessionId: number;
  runId: number;
  title: string;
  academyName: string;
  academySlug: string;
  roomName: string;
  startsAt: number;
  endsAt: number;
  status: string;
  /** Check-in is open right now (30 minutes before the start until the end). */
  open: boolean;
  present: number;
  confirmed: number;
};

const NEARBY_BACK_MS = 7 * 86_400_000;
const NEARBY_AHEAD_MS = 7 * 86_400_000;

/** Sessions from a week back to a week ahead, for the teacher's runs or for one academy (its
 * managers): the check-in screens and rosters to tick, the open ones first. */
export function nearbySessions(
  db: DB,
  actor: Actor,
  scope: { teacher: true } | { academyId: number },
  now = Date.now(),
): NearbySession[] {
  const teacherFilter =
    "teacher" in scope
      ? sql`${classSessions.runId} IN (SELECT rt.run_id FROM ${runTeachers} rt JOIN ${teachers} t ON t.id = rt.teacher_id WHERE t.user_id = ${actor.id})`
      : eq(classRuns.academyId, scope.academyId);
  if ("academyId" in scope && !canManageAcademy(actor, scope.academyId))
    forbidden("您不是这所书院的管理员。");
  const rows = db
    .select({
      sessionId: classSessions.id,
      runId: classSessions.runId,
      title: courseVersions.title,
      academyName: academies.name,
      academySlug: academies.slug,
      roomName: rooms.name,
      startsAt: classSessions.startsAt,
      endsAt: classSessions.endsAt,
      status: classSessions.status,
      present: sql<number>`(SELECT count(*) FROM ${attendance} a WHERE a.session_id = ${classSessions.id} AND a.present = 1)`,
      confirmed: sql<number>`(SELECT count(*) FROM ${enrollments} e WHERE e.run_id = ${classSessions.runId} AND e.status = 'confirmed')`,
    })
    .from(classSessions)
    .innerJoin(classRuns, eq(classRuns.id, classSessions.runId))
    .innerJoin(courseVersions, eq(courseVersions.id, classRuns.courseVersionId))
    .innerJoin(academies, eq(academies.id, classRuns.academyId))
    .innerJoin(rooms, eq(rooms.id, classSessions.roomId))
    .where(
      and(
        teacherFilter,
        sql`${classRuns.status} NOT IN ('draft', 'cancelled')`,
        sql`${classSessions.endsAt} >= ${now - NEARBY_BACK_MS} AND ${classSessions.startsAt} <= ${
          now + NEARBY_AHEAD_MS
        }`,
      ),
    )
    .orderBy(asc(classSessions.startsAt))
    .limit(200)
    .all();
  return rows.map((r) => ({
    ...r,
    open: r.status === "scheduled" && now >= checkinOpensAt(r) && now <= r.endsAt,
  }));
}
