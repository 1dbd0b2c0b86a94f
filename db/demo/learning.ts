/**
 * Demo learning data: attendance for every session that has already taken place (about nine in
 * ten present), evaluations with comments, and — for the demo teacher (13900000005) and the demo
 * resident (13900000006) in the demo manager's academy — a class in progress whose session is
 * happening right now (so its QR check-in can be tried at once) and a finished class the resident
 * completed (certificate). Idempotent: nothing happens once any attendance exists.
 */
import { and, asc, eq, gt, inArray, isNull, lt, lte, sql } from "drizzle-orm";
import type { Conn, DB, Tx } from "@db/client";
import {
  attendance,
  classRuns,
  classSessions,
  courses,
  courseVersions,
  enrollments,
  evaluations,
  rooms,
  runTeachers,
  teachers,
  users,
} from "@db/schema";
import { demoAcademy } from "./accounts";
import { demoRandom } from "./academies";
import { closedDatesMap } from "~/modules/scheduling/calendar.server";
import { sessionLocalColumns } from "~/modules/scheduling/runs.server";
import { findClash } from "~/modules/scheduling/conflicts.server";
import { addDays, timeOfMinutes, wallToUtc } from "~/utils/time";
import { asWeeklyHours, liveSlot, nextSlotFrom, placeInHours, type WeeklyHours } from "~/modules/org/opening-hours";
import { academyWeeklyHours, auditOutsideHours, checkOpeningHours } from "~/modules/org/opening-hours.server";

const DAY = 86_400_000;
const MIN = 60_000;
const DEMO_TEACHER_PHONE = "13900000005";
const DEMO_RESIDENT_PHONE = "13900000006";

const LEAVE_REASONS = ["去医院复查", "接送孙子", "家里有事", "出门探亲", "身体不适", ""];

const COMMENTS = [
  "老师讲得很细，家门口就能学到这么好的课，太方便了。",
  "内容实用，回家就用上了。希望多开几期。",
  "教室有点小，人多的时候后排听不太清楚，建议配个话筒。",
  "老师很有耐心，我们老年人跟得上。",
  "孩子很喜欢，下次还来。",
  "课程时间安排在晚上正好，下班就能来。",
  "讲义可以再大一点字，方便我们看。",
  "和邻居一起上课，认识了好多新朋友。",
  "",
  "",
];

function freeRoom(tx: Tx, academyId: number, startsAt: number, endsAt: number) {
  const list = tx
    .select({ id: rooms.id })
    .from(rooms)
    .where(and(eq(rooms.academyId, academyId), isNull(rooms.archivedAt)))
    .orderBy(asc(rooms.id))
    .all();
  for (const r of list) {
    const busy = tx
      .select({ id: classSessions.id })
      .from(classSessions)
      .where(
        and(
          eq(classSessions.roomId, r.id),
          eq(classSessions.status, "scheduled"),
          lt(classSessions.startsAt, endsAt),
          gt(classSessions.endsAt, startsAt)
        )
      )
      .get();
    if (!busy) return r.id;
  }
  return tx
    .insert(rooms)
    .values({
      academyId,
      name: "签到体验教室",
      capacity: 30,
      floor: "一层",
      stepFree: true,
      equipment: ["投影仪"],
      createdAt: Date.now(),
    })
    .returning({ id: rooms.id })
    .get().id;
}

/** What the audit row of the demo's night-time override says. */
const LIVE_WHAT = "演示数据“正在上课”的班（为了随时能体验扫码签到，书院闭馆时也放在当前时间）";

function addRun(
  tx: Tx,
  p: {
    academyId: number;
    courseId: number;
    versionId: number;
    roomId: number;
    teacherId: number;
    status: "open" | "closed" | "finished";
    starts: number[];
    minutes: number;
    now: number;
    /** The class happening now may be outside the hours at night: placed with 开放时间外, audited. */
    allowOutside?: boolean;
  }
) {
  const run = tx
    .insert(classRuns)
    .values({
      academyId: p.academyId,
      courseId: p.courseId,
      courseVersionId: p.versionId,
      roomId: p.roomId,
      capacity: 24,
      enrolOpensAt: p.starts[0]! - 21 * DAY,
      enrolClosesAt: p.starts[0]!,
      status: p.status,
      createdAt: p.starts[0]! - 30 * DAY,
      updatedAt: p.now,
    })
    .returning({ id: classRuns.id })
    .get();
  tx.insert(runTeachers).values({ runId: run.id, teacherId: p.teacherId, sortOrder: 0 }).run();
  const outside = checkOpeningHours(tx, {
    academyId: p.academyId,
    slots: p.starts.map((startsAt) => ({ startsAt, endsAt: startsAt + p.minutes * MIN })),
    override: !!p.allowOutside,
    noun: "上课",
    fields: { day: "weekdays", time: "startTime" },
  });
  auditOutsideHours(tx, null, null, { academyId: p.academyId, targetType: "run", targetId: run.id, what: LIVE_WHAT, outside });
  const sessions = p.starts.map((startsAt) =>
    tx
      .insert(classSessions)
      .values({
        runId: run.id,
        roomId: p.roomId,
        startsAt,
        endsAt: startsAt + p.minutes * MIN,
        ...sessionLocalColumns(startsAt),
        createdAt: p.now,
        updatedAt: p.now,
      })
      .returning({
        id: classSessions.id,
        startsAt: classSessions.startsAt,
        endsAt: classSessions.endsAt,
      })
      .get()
  );
  return { runId: run.id, sessions };
}

/** The live slot (see liveSlot), moved on past public holidays and the academy's closed days. */
function liveTarget(conn: Conn, academyId: number, hours: WeeklyHours | null, now: number, minutes: number) {
  let t = liveSlot(hours, now, minutes).startsAt;
  for (let i = 0; i < 14; i++) {
    const d = sessionLocalColumns(t).localDate;
    if (!closedDatesMap(conn, academyId, d, d).has(d)) return t;
    const from = wallToUtc(addDays(d, 1), "00:00");
    t = (hours ? nextSlotFrom(hours, from, minutes) : null) ?? wallToUtc(addDays(d, 1), "09:30");
  }
  return t;
}

/** The same time a week (or two, three …) later, on a day the academy is open. */
function weekAfter(conn: Conn, academyId: number, t: number) {
  for (let k = 1; k <= 4; k++) {
    const d = sessionLocalColumns(t + k * 7 * DAY).localDate;
    if (!closedDatesMap(conn, academyId, d, d).has(d)) return t + k * 7 * DAY;
  }
  return t + 7 * DAY;
}

export function seedLearningDemo(db: DB, now = Date.now()) {
  if (db.select({ id: attendance.id }).from(attendance).limit(1).get())
    return { skipped: "已有出勤记录", sessions: 0, marks: 0, evaluations: 0 };
  const rand = demoRandom(6206);
  return db.transaction(
    (tx) => {
      let marks = 0;
      let evals = 0;
      let liveRunId: number | null = null;
      // 1. The demo teacher's class in progress and a finished class, in the demo manager's academy.
      const teacherUser = tx
        .select({ id: users.id })
        .from(users)
        .where(eq(users.phone, DEMO_TEACHER_PHONE))
        .get();
      const resident = tx
        .select({ id: users.id })
        .from(users)
        .where(eq(users.phone, DEMO_RESIDENT_PHONE))
        .get();
      const home = demoAcademy(db);
      const course = tx
        .select({
          courseId: courses.id,
          versionId: courseVersions.id,
          minutes: courseVersions.minutesPerSession,
        })
        .from(courses)
        .innerJoin(courseVersions, eq(courseVersions.id, courses.currentVersionId))
        .where(and(eq(courseVersions.status, "published"), isNull(courses.retiredAt)))
        .orderBy(asc(courses.code))
        .limit(3)
        .all();
      if (teacherUser && resident && home && course.length) {
        const teacher =
          tx
            .select({ id: teachers.id })
            .from(teachers)
            .where(eq(teachers.userId, teacherUser.id))
            .get() ??
          tx
            .insert(teachers)
            .values({
              userId: teacherUser.id,
              displayName: "演示教师",
              kind: "volunteer",
              createdAt: now,
            })
            .returning({ id: teachers.id })
            .get();
        // Happening now: started about 15 minutes ago inside the academy's opening hours (at night,
        // at the next opening), with three weekly sessions before it and one after. Not fixed at
        // seed time: refreshDemoLiveClass moves it along (at every start and every 10 minutes).
        const minutes = 90;
        const hours = asWeeklyHours(home.openingSchedule);
        const local = (t: number) => sessionLocalColumns(t).localDate;
        const nowStart = liveTarget(tx, home.id, hours, now, minutes);
        const history = [-21, -14, -7].map((d) => nowStart + d * DAY);
        const closedBefore = closedDatesMap(tx, home.id, local(history[0]!), local(history.at(-1)!));
        const starts = [...history.filter((t) => !closedBefore.has(local(t))), nowStart, weekAfter(tx, home.id, nowStart)];
        const live = addRun(tx, {
          academyId: home.id,
          courseId: course[0]!.courseId,
          versionId: course[0]!.versionId,
          roomId: freeRoom(tx, home.id, nowStart, nowStart + minutes * MIN),
          teacherId: teacher.id,
          status: "closed",
          allowOutside: true,
          starts,
          minutes,
          now,
        });
        liveRunId = live.runId;
        const second = course[1] ?? course[0]!;
        // Five weekly sessions about two months ago at 9:30 (or the nearest open time), skipping
        // public holidays and closed days (国庆).
        const today = local(now);
        const candidates = [-84, -77, -70, -63, -56, -49, -42, -35].map((d) => {
          const at = hours ? placeInHours(hours, addDays(today, d), 9 * 60 + 30, minutes, -1) : null;
          return at ? wallToUtc(at.date, timeOfMinutes(at.minute)) : wallToUtc(addDays(today, d), "09:30");
        });
        const closed = closedDatesMap(tx, home.id, local(candidates[0]!), local(candidates.at(-1)!));
        const doneStarts = candidates.filter((t) => !closed.has(local(t))).slice(-5);
        const finished = addRun(tx, {
          academyId: home.id,
          courseId: second.courseId,
          versionId: second.versionId,
          roomId: freeRoom(tx, home.id, doneStarts[0]!, doneStarts[0]! + minutes * MIN),
          teacherId: teacher.id,
          status: "finished",
          starts: doneStarts,
          minutes,
          now,
        });
        const others = tx
          .select({ id: users.id })
          .from(users)
          .where(and(eq(users.isDemo, true), sql`${users.phone} LIKE '1360000%'`))
          .orderBy(asc(users.id))
          .limit(40)
          .all()
          .map((u) => u.id);
        for (const [run, from] of [
          [live, starts[0]! - 10 * DAY],
          [finished, doneStarts[0]! - 10 * DAY],
        ] as const) {
          const people = [
            resident.id,
            ...others.slice(run === live ? 0 : 20, run === live ? 15 : 35),
          ];
          for (const userId of people) {
            tx.insert(enrollments)
              .values({
                runId: run.runId,
                userId,
                status: "confirmed",
                createdAt: from,
                confirmedAt: from,
                updatedAt: from,
              })
              .onConflictDoNothing()
              .run();
          }
        }
      }

      // 2. Attendance for every session that is over, ~90 % present; the demo resident misses one
      //    session of the class in progress (so its record shows a gap) and none of the finished one.
      const held = tx
        .select({ id: classSessions.id, runId: classSessions.runId, endsAt: classSessions.endsAt })
        .from(classSessions)
        .innerJoin(classRuns, eq(classRuns.id, classSessions.runId))
        .where(
          and(
            eq(classSessions.status, "scheduled"),
            lte(classSessions.endsAt, now),
            sql`${classRuns.status} NOT IN ('draft', 'cancelled')`
          )
        )
        .orderBy(asc(classSessions.startsAt))
        .all();
      const runIds = [...new Set(held.map((s) => s.runId))];
      const seats = runIds.length
        ? tx
            .select({
              id: enrollments.id,
              runId: enrollments.runId,
              userId: enrollments.userId,
              confirmedAt: enrollments.confirmedAt,
            })
            .from(enrollments)
            .where(and(inArray(enrollments.runId, runIds), eq(enrollments.status, "confirmed")))
            .all()
        : [];
      const residentId = tx
        .select({ id: users.id })
        .from(users)
        .where(eq(users.phone, DEMO_RESIDENT_PHONE))
        .get()?.id;
      const attendedBy = new Map<number, number>();
      const liveSessions = held.filter((s) => s.runId === liveRunId);
      for (const s of held) {
        for (const e of seats.filter(
          (x) => x.runId === s.runId && (x.confirmedAt ?? 0) <= s.endsAt
        )) {
          let present = rand() < 0.9;
          if (e.userId === residentId)
            present = !(s.runId === liveRunId && s.id === liveSessions[1]?.id);
          // About a third of the absences are 请假 asked online the day before (no random draw, so
          // the rest of the demo stays as it was).
          const leave = !present && e.userId !== residentId && (e.id + s.id) % 3 === 0;
          const method = rand() < 0.6 ? "qr" : "roster";
          tx.insert(attendance)
            .values({
              sessionId: s.id,
              enrollmentId: e.id,
              present,
              ...(leave
                ? { excused: true, method: "leave" as const, note: LEAVE_REASONS[(e.id + s.id) % LEAVE_REASONS.length]!, markedAt: s.endsAt - 2 * DAY }
                : { method, markedAt: s.endsAt - 60 * MIN }),
            })
            .onConflictDoNothing()
            .run();
          marks++;
          if (present) attendedBy.set(e.id, (attendedBy.get(e.id) ?? 0) + 1);
        }
      }

      // 3. Evaluations from about a third of those who attended (not the demo resident's class in
      //    progress: rating it is part of the demo).
      const lastHeld = new Map<number, number>();
      for (const s of held) lastHeld.set(s.runId, s.id);
      for (const e of seats) {
        if (!attendedBy.has(e.id)) continue;
        const mine = e.userId === residentId;
        if (
          mine
            ? tx
                .select({ status: classRuns.status })
                .from(classRuns)
                .where(eq(classRuns.id, e.runId))
                .get()?.status !== "finished"
            : rand() > 0.35
        )
          continue;
        const r = rand();
        const rating = r < 0.55 ? 5 : r < 0.85 ? 4 : r < 0.95 ? 3 : r < 0.98 ? 2 : 1;
        tx.insert(evaluations)
          .values({
            enrollmentId: e.id,
            sessionId: lastHeld.get(e.runId) ?? null,
            authorId: e.userId,
            rating,
            comment: COMMENTS[Math.floor(rand() * COMMENTS.length)]!,
            createdAt: now - Math.floor(rand() * 3 * DAY),
          })
          .onConflictDoNothing()
          .run();
        evals++;
      }
      return { skipped: null, sessions: held.length, marks, evaluations: evals };
    },
    { behavior: "immediate" }
  );
}

/**
 * Keeps the demo's "class happening now" happening now (issue 15): the demo teacher's class in
 * progress at the demo manager's academy (status 已截止, taught by 13900000005) has history, a
 * live session and one a week later. When the live session is not around the current time, it
 * moves to `liveSlot` (inside the opening range now falls in; when the academy is closed, simply
 * now, with the 开放时间外 override and its audit row, as a manager would) and the next one to a
 * week after (a public holiday or closed day moves it to the next open day). A live session someone already checked in to stays as history: the following one
 * becomes live and a new one is added a week on. Checked like the app: opening hours and clashes.
 * Runs when the server starts (seed) and as a job; a page view never calls it.
 */
export function refreshDemoLiveClass(db: DB, now = Date.now()) {
  const teacherUser = db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.phone, DEMO_TEACHER_PHONE), eq(users.isDemo, true)))
    .get();
  if (!teacherUser) return { moved: 0, skipped: "没有演示数据" };
  const home = demoAcademy(db);
  if (!home) return { moved: 0, skipped: "没有演示书院" };
  const run = db
    .select({ id: classRuns.id, roomId: classRuns.roomId })
    .from(classRuns)
    .innerJoin(runTeachers, eq(runTeachers.runId, classRuns.id))
    .innerJoin(teachers, eq(teachers.id, runTeachers.teacherId))
    .where(and(eq(classRuns.academyId, home.id), eq(classRuns.status, "closed"), eq(teachers.userId, teacherUser.id)))
    .orderBy(asc(classRuns.id))
    .get();
  if (!run) return { moved: 0, skipped: "没有正在上课的演示班" };
  const list = db
    .select()
    .from(classSessions)
    .where(and(eq(classSessions.runId, run.id), eq(classSessions.status, "scheduled")))
    .orderBy(asc(classSessions.startsAt))
    .all();
  if (list.length < 2) return { moved: 0, skipped: "课次不足" };
  const live = list.at(-2)!;
  const next = list.at(-1)!;
  const minutes = Math.round((live.endsAt - live.startsAt) / MIN);
  const target = liveTarget(db, home.id, academyWeeklyHours(db, home.id), now, minutes);
  if (live.startsAt === target || (live.startsAt <= now && now < live.endsAt)) return { moved: 0, skipped: null };
  try {
    return db.transaction(
      (tx) => {
        const held = live.endsAt <= now && !!tx.select({ id: attendance.id }).from(attendance).where(eq(attendance.sessionId, live.id)).limit(1).get();
        const after = weekAfter(tx, home.id, target);
        const slots = [
          { startsAt: target, endsAt: target + minutes * MIN },
          { startsAt: after, endsAt: after + minutes * MIN },
        ];
        const outside = checkOpeningHours(tx, { academyId: home.id, slots, override: true, noun: "上课", fields: { day: "date", time: "startTime" } });
        const moving = held ? [next] : [live, next];
        const exclude = moving.map((s) => s.id);
        for (const s of slots) {
          const clash = findClash(tx, { roomId: run.roomId, teacherIds: [], ...s, excludeSessionIds: exclude });
          if (clash) throw new Error(`教室已被「${clash.title}」占用`);
        }
        const set = (id: number, slot: { startsAt: number; endsAt: number }) =>
          tx.update(classSessions).set({ ...slot, ...sessionLocalColumns(slot.startsAt), roomId: run.roomId, updatedAt: now }).where(eq(classSessions.id, id)).run();
        set(moving[0]!.id, slots[0]!);
        if (held) {
          tx.insert(classSessions)
            .values({ runId: run.id, roomId: run.roomId, ...slots[1]!, ...sessionLocalColumns(slots[1]!.startsAt), createdAt: now, updatedAt: now })
            .run();
        } else set(next.id, slots[1]!);
        auditOutsideHours(tx, null, null, { academyId: home.id, targetType: "run", targetId: run.id, what: LIVE_WHAT, outside });
        return { moved: moving.length, skipped: null };
      },
      { behavior: "immediate" },
    );
  } catch (e) {
    return { moved: 0, skipped: e instanceof Error ? e.message : String(e) };
  }
}
