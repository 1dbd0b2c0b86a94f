/**
 * 学习档案: what /me shows — upcoming classes, waitlists, past classes with attendance, hours
 * learned, completed runs with a printable certificate (结业证书), the no-show restriction explained,
 * teachers' volunteer hours (志愿服务时长) — and the personal calendar feed behind a secret URL.
 */
import { createHash, randomBytes } from "node:crypto";
import { and, asc, eq, gt, sql } from "drizzle-orm";
import { inJson, prepared, type Conn, type DB } from "@db/client";
import {
  academies,
  attendance,
  calendarFeeds,
  classRuns,
  classSessions,
  courseVersions,
  enrollments,
  evaluations,
  familyMembers,
  rooms,
  runTeachers,
  teachers,
} from "@db/schema";
import type { Actor } from "~/modules/auth/permissions";
import { notFound } from "~/utils/http";
import { buildCalendar, type FeedEvent } from "./calendar-feed";
import { noShowRestriction } from "./attendance.server";
import { progressOf, type LearnerSession, type Progress } from "./rules";
import { learnersOfUser, listLearners, type Learner } from "./staff.server";
import { learningPolicy } from "~/utils/config.server";

type RunInfo = {
  runId: number;
  title: string;
  academyName: string;
  academySlug: string;
  runStatus: string;
};

function runInfos(conn: Conn, runIds: number[]) {
  if (runIds.length === 0) return new Map<number, RunInfo>();
  return new Map(
    recordQueries(conn)
      .runInfos.all({ ids: JSON.stringify(runIds) })
      .map((r) => [r.runId, r]),
  );
}

// The queries of /me, built once per connection (see prepared in db/client.ts).
const recordQueries = prepared((conn: Conn) => ({
  runInfos: conn
    .select({
      runId: classRuns.id,
      title: courseVersions.title,
      academyName: academies.name,
      academySlug: academies.slug,
      runStatus: classRuns.status,
    })
    .from(classRuns)
    .innerJoin(courseVersions, eq(courseVersions.id, classRuns.courseVersionId))
    .innerJoin(academies, eq(academies.id, classRuns.academyId))
    .where(inJson(classRuns.id, "ids"))
    .prepare(),
  sessionsOfRuns: conn
    .select({
      id: classSessions.id,
      runId: classSessions.runId,
      startsAt: classSessions.startsAt,
      endsAt: classSessions.endsAt,
      status: classSessions.status,
    })
    .from(classSessions)
    .where(inJson(classSessions.runId, "ids"))
    .orderBy(asc(classSessions.startsAt))
    .prepare(),
  // A resident's own online leave is not a roll call.
  recorded: conn
    .selectDistinct({ id: attendance.sessionId })
    .from(attendance)
    .where(and(inJson(attendance.sessionId, "ids"), sql`${attendance.method} <> 'leave'`))
    .prepare(),
  marks: conn
    .select({
      s: attendance.sessionId,
      e: attendance.enrollmentId,
      present: attendance.present,
      excused: attendance.excused,
    })
    .from(attendance)
    .where(
      and(
        inJson(attendance.enrollmentId, "ids"),
        sql`(${attendance.present} = 1 OR ${attendance.excused} = 1)`,
      ),
    )
    .prepare(),
  upcoming: conn
    .select({
      sessionId: classSessions.id,
      runId: classSessions.runId,
      startsAt: classSessions.startsAt,
      endsAt: classSessions.endsAt,
      status: classSessions.status,
      roomName: rooms.name,
      enrollmentId: enrollments.id,
      // 请假 asked (or marked) for this session.
      onLeave: sql<number>`EXISTS (SELECT 1 FROM ${attendance} lv WHERE lv.session_id = ${classSessions.id} AND lv.enrollment_id = ${enrollments.id} AND lv.excused = 1)`,
    })
    .from(classSessions)
    .innerJoin(enrollments, eq(enrollments.runId, classSessions.runId))
    .innerJoin(rooms, eq(rooms.id, classSessions.roomId))
    .where(and(inJson(enrollments.id, "ids"), gt(classSessions.endsAt, sql.placeholder("now"))))
    .orderBy(asc(classSessions.startsAt))
    .limit(12)
    .prepare(),
  rated: conn
    .select({ e: evaluations.enrollmentId })
    .from(evaluations)
    .where(inJson(evaluations.enrollmentId, "ids"))
    .prepare(),
  feed: conn
    .select({ createdAt: calendarFeeds.createdAt, lastFetchedAt: calendarFeeds.lastFetchedAt })
    .from(calendarFeeds)
    .where(eq(calendarFeeds.userId, sql.placeholder("user")))
    .prepare(),
}));

type SessionRow = { id: number; runId: number; startsAt: number; endsAt: number; status: string };

/** Progress of each enrolment: its seat's sessions (from confirmation until cancellation, plus any
 * it attended) with presence and whether attendance was taken. */
function progressFor(
  conn: Conn,
  list: Learner[],
  runs: Map<number, RunInfo>,
  now: number,
  rate: number,
) {
  const runIds = [...new Set(list.map((l) => l.runId))];
  const ids = list.map((l) => l.enrollmentId);
  const out = new Map<
    number,
    { progress: Progress; sessions: (SessionRow & { present: boolean; excused: boolean })[] }
  >();
  if (ids.length === 0) return out;
  const q = recordQueries(conn);
  const sessions: SessionRow[] = q.sessionsOfRuns.all({ ids: JSON.stringify(runIds) });
  const sessionIds = sessions.map((s) => s.id);
  const recorded = new Set(
    sessionIds.length ? q.recorded.all({ ids: JSON.stringify(sessionIds) }).map((r) => r.id) : [],
  );
  const present = new Set<string>();
  const excused = new Set<string>();
  for (const m of q.marks.all({ ids: JSON.stringify(ids) })) {
    if (m.present) present.add(`${m.s}:${m.e}`);
    if (m.excused) excused.add(`${m.s}:${m.e}`);
  }
  for (const l of list) {
    const runCancelled = runs.get(l.runId)?.runStatus === "cancelled";
    const seatFrom = l.confirmedAt ?? l.promotedAt;
    const seatUntil = l.status === "confirmed" ? Infinity : (l.cancelledAt ?? -Infinity);
    const mine = sessions
      .filter((s) => s.runId === l.runId)
      .map((s) => ({
        ...s,
        status: runCancelled ? "cancelled" : s.status,
        present: present.has(`${s.id}:${l.enrollmentId}`),
        excused: excused.has(`${s.id}:${l.enrollmentId}`),
      }))
      .filter(
        (s) => s.present || (seatFrom != null && seatFrom <= s.startsAt && seatUntil >= s.endsAt),
      );
    const learner: LearnerSession[] = mine.map((s) => ({ ...s, recorded: recorded.has(s.id) }));
    const progress = progressOf(learner, now, rate);
    // Only a seat still held at the end completes a run.
    if (l.status !== "confirmed") progress.completed = false;
    out.set(l.enrollmentId, { progress, sessions: mine });
  }
  return out;
}

/**
 * Teaching counted as volunteer service: held sessions (not cancelled) of the runs a pool teacher
 * teaches. Null for someone who is not in the teacher pool. 志愿服务时长 adds the community
 * service a manager confirmed (community/volunteers.server.ts `volunteerHours`).
 */
export function teachingService(conn: Conn, userId: number, now = Date.now()) {
  const teacher = conn
    .select({ id: teachers.id, kind: teachers.kind })
    .from(teachers)
    .where(eq(teachers.userId, userId))
    .get();
  if (!teacher) return null;
  const r = conn
    .select({
      sessions: sql<number>`count(*)`,
      minutes: sql<number>`coalesce(sum((${classSessions.endsAt} - ${classSessions.startsAt}) / 60000), 0)`,
      runs: sql<number>`count(DISTINCT ${classSessions.runId})`,
    })
    .from(classSessions)
    .innerJoin(runTeachers, eq(runTeachers.runId, classSessions.runId))
    .innerJoin(classRuns, eq(classRuns.id, classSessions.runId))
    .where(
      and(
        eq(runTeachers.teacherId, teacher.id),
        eq(classSessions.status, "scheduled"),
        sql`${classRuns.status} <> 'cancelled'`,
        sql`${classSessions.endsAt} <= ${now}`,
      ),
    )
    .get()!;
  return { kind: teacher.kind, sessions: r.sessions, runs: r.runs, minutes: Math.round(r.minutes) };
}

export type PastClass = {
  enrollmentId: number;
  runId: number;
  title: string;
  academyName: string;
  learner: string | null;
  status: string;
  progress: Progress;
  firstAt: number | null;
  lastAt: number | null;
  rated: boolean;
};

/** Everything /me shows about learning. */
export function learningRecord(
  db: DB,
  actor: Actor,
  now = Date.now(),
  opts: { pastLimit?: number } = {},
) {
  const policy = learningPolicy();
  const mine = learnersOfUser(db, actor.id);
  const runs = runInfos(db, [...new Set(mine.map((l) => l.runId))]);
  const who = (l: Learner) => (l.familyMemberId ? `${l.relation} ${l.name}` : null);

  // Upcoming sessions of confirmed seats (cancelled sessions shown, marked).
  const confirmed = mine.filter((l) => l.status === "confirmed");
  const upcoming = confirmed.length
    ? recordQueries(db)
        .upcoming.all({ ids: JSON.stringify(confirmed.map((l) => l.enrollmentId)), now })
        .map((s) => {
          const l = confirmed.find((c) => c.enrollmentId === s.enrollmentId)!;
          const r = runs.get(s.runId)!;
          return {
            ...s,
            onLeave: !!s.onLeave,
            started: s.startsAt <= now,
            title: r.title,
            academyName: r.academyName,
            learner: who(l),
            runCancelled: r.runStatus === "cancelled",
          };
        })
    : [];

  const waiting = mine
    .filter((l) => l.status === "waitlisted" || l.status === "lottery_pending")
    .map((l) => ({
      enrollmentId: l.enrollmentId,
      runId: l.runId,
      title: runs.get(l.runId)!.title,
      status: l.status,
      learner: who(l),
    }));

  // Past classes: enrolments that held a seat at a session that has started.
  const withSeat = mine.filter((l) => l.confirmedAt != null || l.promotedAt != null);
  const progress = progressFor(db, withSeat, runs, now, policy.completionRate);
  const rated = new Set(
    withSeat.length
      ? recordQueries(db)
          .rated.all({ ids: JSON.stringify(withSeat.map((l) => l.enrollmentId)) })
          .map((r) => r.e)
      : [],
  );
  const past: PastClass[] = withSeat
    .map((l) => {
      const p = progress.get(l.enrollmentId)!;
      const started = p.sessions.filter((s) => s.status !== "cancelled" && s.startsAt <= now);
      const r = runs.get(l.runId)!;
      return {
        enrollmentId: l.enrollmentId,
        runId: l.runId,
        title: r.title,
        academyName: r.academyName,
        learner: who(l),
        status: l.status,
        progress: p.progress,
        firstAt: started[0]?.startsAt ?? null,
        lastAt: started.at(-1)?.startsAt ?? null,
        rated: rated.has(l.enrollmentId),
        started: started.length,
      };
    })
    .filter((c) => c.started > 0 || c.progress.attended > 0)
    .sort((a, b) => (b.lastAt ?? 0) - (a.lastAt ?? 0))
    .map(({ started: _s, ...c }) => c);

  const selfPast = past.filter((c) => c.learner === null);
  const familyTotals = new Map<string, { minutes: number; completed: number }>();
  for (const c of past) {
    if (!c.learner) continue;
    const t = familyTotals.get(c.learner) ?? { minutes: 0, completed: 0 };
    t.minutes += c.progress.attendedMinutes;
    t.completed += c.progress.completed ? 1 : 0;
    familyTotals.set(c.learner, t);
  }

  // The no-show restriction for the person and each family member they enrol.
  const restrictions: { who: string | null; until: number; message: string }[] = [];
  const self = noShowRestriction(db, actor.id, now, null, policy);
  if (self) restrictions.push({ who: null, until: self.until, message: self.message });
  const members = [
    ...new Map(mine.filter((l) => l.familyMemberId).map((l) => [l.familyMemberId!, l])).values(),
  ];
  for (const m of members) {
    const r = noShowRestriction(
      db,
      actor.id,
      now,
      m.familyMemberId,
      policy,
      `${m.relation}${m.name}`,
    );
    if (r)
      restrictions.push({ who: `${m.relation} ${m.name}`, until: r.until, message: r.message });
  }

  const feed = recordQueries(db).feed.get({ user: actor.id }) ?? null;
  const limit = opts.pastLimit ?? past.length;
  return {
    upcoming,
    waiting,
    past: past.slice(0, limit),
    pastTotal: past.length,
    totals: {
      minutes: selfPast.reduce((n, c) => n + c.progress.attendedMinutes, 0),
      sessions: selfPast.reduce((n, c) => n + c.progress.attended, 0),
      completed: selfPast.filter((c) => c.progress.completed).length,
    },
    family: [...familyTotals.entries()].map(([name, t]) => ({ name, ...t })),
    restrictions,
    feed,
    policy: {
      completionRate: policy.completionRate,
      noShowLimit: policy.noShowLimit,
      noShowWindowDays: policy.noShowWindowDays,
      noShowPenaltyDays: policy.noShowPenaltyDays,
    },
  };
}

/** The printable 结业证书 of a completed enrolment (the person's own or a family member's). */
export function certificate(db: DB, actor: Actor, enrollmentId: number, now = Date.now()) {
  const [l] = listLearners(
    db,
    and(eq(enrollments.id, enrollmentId), eq(enrollments.userId, actor.id)),
  );
  if (!l) notFound("没有找到这份结业证书。");
  const runs = runInfos(db, [l.runId]);
  const p = progressFor(db, [l], runs, now, learningPolicy().completionRate).get(l.enrollmentId)!;
  if (!p.progress.completed)
    notFound("这门课还没有结业：全部课次结束、出勤达到要求后才能打印结业证书。");
  const run = runs.get(l.runId)!;
  const held = p.sessions.filter((s) => s.status !== "cancelled");
  const last = held.at(-1)!;
  const district = db
    .select({
      district: sql<string>`(SELECT name FROM districts d WHERE d.id = ${academies.districtId})`,
    })
    .from(classRuns)
    .innerJoin(academies, eq(academies.id, classRuns.academyId))
    .where(eq(classRuns.id, l.runId))
    .get();
  return {
    number: `XMSQ-${new Date(last.endsAt).getUTCFullYear()}-${String(l.enrollmentId).padStart(
      6,
      "0",
    )}`,
    learner: l.name,
    title: run.title,
    academyName: run.academyName,
    districtName: district?.district ?? "",
    firstAt: held[0]!.startsAt,
    lastAt: last.startsAt,
    attended: p.progress.attended,
    recorded: p.progress.recorded,
    planned: p.progress.planned,
    minutes: p.progress.attendedMinutes,
    rate: p.progress.rate,
    issuedAt: last.endsAt,
  };
}

// ---- Calendar feed ---------------------------------------------------------------------------

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

/** Creates (or replaces: the old URL stops working) the person's calendar token; returns it once. */
export function resetCalendarToken(db: DB, actor: Actor, now = Date.now()) {
  const token = randomBytes(24).toString("base64url");
  db.insert(calendarFeeds)
    .values({ userId: actor.id, tokenHash: hashToken(token), createdAt: now })
    .onConflictDoUpdate({
      target: calendarFeeds.userId,
      set: { tokenHash: hashToken(token), createdAt: now, lastFetchedAt: null },
    })
    .run();
  return token;
}

export function removeCalendarFeed(db: DB, actor: Actor) {
  db.delete(calendarFeeds).where(eq(calendarFeeds.userId, actor.id)).run();
}

const SEQUENCE_EPOCH = Date.UTC(2025, 0, 1);

/** The iCalendar text for a feed token, or null for an unknown (or reset) token. Confirmed seats of
 * the person and their family (from 60 days back), and the sessions they teach. */
export function calendarFeed(db: DB, token: string, origin: string, now = Date.now()) {
  if (!/^[A-Za-z0-9_-]{20,64}$/.test(token)) return null;
  const feed = db
    .select()
    .from(calendarFeeds)
    .where(eq(calendarFeeds.tokenHash, hashToken(token)))
    .get();
  if (!feed) return null;
  if (!feed.lastFetchedAt || now - feed.lastFetchedAt > 10 * 60_000) {
    db.update(calendarFeeds)
      .set({ lastFetchedAt: now })
      .where(eq(calendarFeeds.userId, feed.userId))
      .run();
  }
  const since = now - 60 * 86_400_000;
  const sessionCols = {
    sessionId: classSessions.id,
    runId: classSessions.runId,
    startsAt: classSessions.startsAt,
    endsAt: classSessions.endsAt,
    status: classSessions.status,
    updatedAt: classSessions.updatedAt,
    roomName: rooms.name,
    title: courseVersions.title,
    academyName: academies.name,
    address: academies.address,
    runStatus: classRuns.status,
  };
  const learning = db
    .select({
      ...sessionCols,
      member: familyMembers.name,
      memberId: familyMembers.id,
      relation: familyMembers.relation,
    })
    .from(enrollments)
    .innerJoin(classSessions, eq(classSessions.runId, enrollments.runId))
    .innerJoin(classRuns, eq(classRuns.id, enrollments.runId))
    .innerJoin(courseVersions, eq(courseVersions.id, classRuns.courseVersionId))
    .innerJoin(academies, eq(academies.id, classRuns.academyId))
    .innerJoin(rooms, eq(rooms.id, classSessions.roomId))
    .leftJoin(familyMembers, eq(familyMembers.id, enrollments.familyMemberId))
    .where(
      and(
        eq(enrollments.userId, feed.userId),
        eq(enrollments.status, "confirmed"),
        sql`${classSessions.endsAt} >= ${since}`,
      ),
    )
    .orderBy(asc(classSessions.startsAt))
    .limit(500)
    .all();
  const teaching = db
    .select(sessionCols)
    .from(classSessions)
    .innerJoin(runTeachers, eq(runTeachers.runId, classSessions.runId))
    .innerJoin(teachers, eq(teachers.id, runTeachers.teacherId))
    .innerJoin(classRuns, eq(classRuns.id, classSessions.runId))
    .innerJoin(courseVersions, eq(courseVersions.id, classRuns.courseVersionId))
    .innerJoin(academies, eq(academies.id, classRuns.academyId))
    .innerJoin(rooms, eq(rooms.id, classSessions.roomId))
    .where(
      and(
        eq(teachers.userId, feed.userId),
        sql`${classRuns.status} <> 'draft'`,
        sql`${classSessions.endsAt} >= ${since}`,
      ),
    )
    .orderBy(asc(classSessions.startsAt))
    .limit(500)
    .all();
  const host = new URL(origin).host;
  const events: FeedEvent[] = [];
  const seen = new Set<string>();
  const push = (s: (typeof teaching)[number], title: string, uidKey: string, note: string) => {
    if (seen.has(uidKey)) return;
    seen.add(uidKey);
    const cancelled = s.status === "cancelled" || s.runStatus === "cancelled";
    events.push({
      uid: `${uidKey}@${host}`,
      title,
      startsAt: s.startsAt,
      endsAt: s.endsAt,
      location: `${s.academyName} ${s.roomName}（${s.address}）`,
      description: `${note}${s.academyName} · ${s.roomName}`,
      url: `${origin}/classes/${s.runId}`,
      cancelled,
      sequence: Math.max(0, Math.floor((s.updatedAt - SEQUENCE_EPOCH) / 1000)),
    });
  };
  for (const s of teaching) push(s, `授课：${s.title}`, `teach-${s.sessionId}`, "我授课的课次。");
  for (const s of learning) {
    const note = s.member ? `为${s.relation}${s.member}报名的课程。` : "我报名的课程。";
    // One event per session and learner: a session two family members attend appears twice.
    push(
      s,
      s.member ? `${s.title}（${s.relation}${s.member}）` : s.title,
      `session-${s.sessionId}${s.memberId ? `-m${s.memberId}` : ""}`,
      note,
    );
  }
  return buildCalendar(events);
}
