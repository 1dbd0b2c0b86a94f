/**
 * Demo schedule: rooms for every academy and, for the current and the next four weeks, runs from
 * the starter library — in the demo manager's academy (taught by the demo teacher when they are in
 * the pool) and in a spread of other academies — plus orders in every state, so a newcomer sees a
 * living network. Idempotent: rooms only for academies without rooms, runs only into an empty
 * schedule; skipped quietly when the library has no published course yet.
 */
import { and, asc, eq, isNull, sql } from "drizzle-orm";
import type { DB, Tx } from "@db/client";
import {
  academies,
  branches,
  classRuns,
  classSessions,
  courseOrders,
  courses,
  courseVersions,
  courseWants,
  rooms,
  runTeachers,
  teacherCategories,
  teacherCourses,
  teacherDistricts,
  teachers,
  users,
} from "@db/schema";
import { demoAcademy } from "./accounts";
import { demoRandom } from "./academies";
import { closedDatesMap } from "~/modules/scheduling/calendar.server";
import { sessionLocalColumns } from "~/modules/scheduling/runs.server";
import { addDays, currentIsoWeek, isoWeekday, timeOfMinutes, wallToUtc } from "~/utils/time";
import { asWeeklyHours, withinHours } from "~/modules/org/opening-hours";
import { checkOpeningHours } from "~/modules/org/opening-hours.server";

const ROOM_TEMPLATES = [
  { name: "多功能厅", capacity: 60, floor: "一层", stepFree: true, equipment: ["投影仪", "音响", "无线话筒"] },
  { name: "研学教室", capacity: 36, floor: "二层", stepFree: false, equipment: ["投影仪", "白板", "电脑"] },
  { name: "长者活动室", capacity: 30, floor: "一层", stepFree: true, equipment: ["音响", "茶具"] },
  { name: "书画室", capacity: 24, floor: "二层", stepFree: false, equipment: ["书画桌", "白板"] },
  { name: "亲子阅读角", capacity: 20, floor: "一层", stepFree: true, equipment: ["白板"] },
  { name: "议事厅", capacity: 16, floor: "三层", stepFree: false, equipment: ["投影仪", "茶具"] },
] as const;

const SLOT_STARTS = [9 * 60, 14 * 60 + 30, 19 * 60];
const GUEST_TEACHERS = ["林老师", "陈老师", "黄老师", "张老师", "吴老师", "郑老师", "王老师", "蔡老师", "许老师", "李老师"];
export const DEMO_TEACHER_PHONE = "13900000005";

/** 2–4 rooms for every academy that has none (and one in each branch). */
export function seedDemoRooms(db: DB) {
  let created = 0;
  const list = db
    .select({ id: academies.id })
    .from(academies)
    .where(sql`not exists (select 1 from ${rooms} r where r.academy_id = ${academies.id})`)
    .orderBy(asc(academies.id))
    .all();
  if (list.length === 0) return 0;
  db.transaction(
    (tx) => {
      for (const a of list) {
        const rand = demoRandom(9000 + a.id);
        const n = 2 + Math.floor(rand() * 3);
        const picks = [0, ...[1, 2, 3, 4, 5].sort(() => rand() - 0.5).slice(0, n - 1)];
        for (const i of picks) {
          const t = ROOM_TEMPLATES[i]!;
          tx.insert(rooms)
            .values({ academyId: a.id, name: t.name, capacity: t.capacity, floor: t.floor, stepFree: t.stepFree, equipment: [...t.equipment], openingHours: "", createdAt: Date.now() })
            .run();
          created++;
        }
        for (const b of tx.select().from(branches).where(eq(branches.academyId, a.id)).all()) {
          tx.insert(rooms)
            .values({ academyId: a.id, branchId: b.id, name: `${b.name}活动室`, capacity: 20, floor: "一层", stepFree: true, equipment: ["音响"], createdAt: Date.now() })
            .run();
          created++;
        }
      }
    },
    { behavior: "immediate" },
  );
  return created;
}

type LibCourse = { courseId: number; versionId: number; title: string; minutes: number; sessions: number; categoryId: number };

function publishedLibrary(db: DB): LibCourse[] {
  return db
    .select({
      courseId: courses.id,
      versionId: courseVersions.id,
      title: courseVersions.title,
      minutes: courseVersions.minutesPerSession,
      sessions: courseVersions.sessions,
      categoryId: courses.categoryId,
    })
    .from(courses)
    .innerJoin(courseVersions, eq(courseVersions.id, courses.currentVersionId))
    .where(and(eq(courseVersions.status, "published"), isNull(courses.retiredAt), eq(courses.sourceLevel, "city")))
    .orderBy(asc(courses.code))
    .all();
}

function sessionMinutes(c: LibCourse) {
  return Math.min(150, Math.max(45, c.minutes));
}

type Planned = {
  academyId: number;
  districtId: number;
  roomId: number;
  roomCapacity: number;
  course: LibCourse;
  teacherId: number | null;
  weekdays: number[];
  startMinute: number;
  firstWeek: number;
  weeks: number;
  status: "open" | "full" | "closed" | "draft";
};

/** Who in the pool can teach a course in a district (course or category listed, district listed). */
function poolIndex(db: DB) {
  const list = db.select({ id: teachers.id, userId: teachers.userId }).from(teachers).where(eq(teachers.active, true)).all();
  const courseSet = new Set(db.select().from(teacherCourses).all().map((r) => `${r.teacherId}:${r.courseId}`));
  const catSet = new Set(db.select().from(teacherCategories).all().map((r) => `${r.teacherId}:${r.categoryId}`));
  const distSet = new Set(db.select().from(teacherDistricts).all().map((r) => `${r.teacherId}:${r.districtId}`));
  return {
    list,
    can: (teacherId: number, c: LibCourse, districtId: number) =>
      distSet.has(`${teacherId}:${districtId}`) && (courseSet.has(`${teacherId}:${c.courseId}`) || catSet.has(`${teacherId}:${c.categoryId}`)),
  };
}

export function seedDemoSchedule(db: DB, now = Date.now()) {
  const rooms_ = seedDemoRooms(db);
  if (db.select({ id: classRuns.id }).from(classRuns).limit(1).get()) return { rooms: rooms_, runs: 0, sessions: 0, orders: 0, skipped: "已有排课" };
  const library = publishedLibrary(db);
  if (library.length === 0) return { rooms: rooms_, runs: 0, sessions: 0, orders: 0, skipped: "课程库还没有已发布的课程" };
  const pool = poolIndex(db);
  const demoUser = db.select({ id: users.id }).from(users).where(eq(users.phone, DEMO_TEACHER_PHONE)).get();
  const demoTeacher = demoUser ? pool.list.find((t) => t.userId === demoUser.id) ?? null : null;
  const home = demoAcademy(db);
  const allAcademies = db
    .select({ id: academies.id, districtId: academies.districtId, schedule: academies.openingSchedule })
    .from(academies)
    .where(isNull(academies.closedAt))
    .orderBy(asc(academies.id))
    .all();
  const hoursOf = new Map(allAcademies.map((a) => [a.id, asWeeklyHours(a.schedule)]));
  const roomsByAcademy = new Map<number, { id: number; capacity: number }[]>();
  for (const r of db.select({ id: rooms.id, academyId: rooms.academyId, capacity: rooms.capacity }).from(rooms).where(isNull(rooms.archivedAt)).all()) {
    roomsByAcademy.set(r.academyId, [...(roomsByAcademy.get(r.academyId) ?? []), r]);
  }
  const week = currentIsoWeek(now);
  const rand = demoRandom(4600);
  const roomBusy = new Set<string>();
  const teacherBusy = new Set<string>();
  const plans: Planned[] = [];

  const place = (academyId: number, districtId: number, course: LibCourse, teacherId: number | null, count: number, status: Planned["status"]) => {
    const roomList = roomsByAcademy.get(academyId) ?? [];
    if (roomList.length === 0) return false;
    const hours = hoursOf.get(academyId) ?? null;
    const minutes = sessionMinutes(course);
    for (let attempt = 0; attempt < 30; attempt++) {
      const room = roomList[Math.floor(rand() * roomList.length)]!;
      const startMinute = SLOT_STARTS[Math.floor(rand() * SLOT_STARTS.length)]!;
      const first = 1 + Math.floor(rand() * 7);
      const weekdays = count === 2 ? [first, ((first + 1) % 7) + 1] : [first];
      // The same rule as the app: only weekdays and times inside the academy's opening hours.
      if (hours && weekdays.some((d) => !withinHours(hours, d, startMinute, startMinute + minutes))) continue;
      const keys = weekdays.map((d) => `${d}:${startMinute}`);
      if (keys.some((k) => roomBusy.has(`${room.id}:${k}`))) continue;
      if (teacherId && keys.some((k) => teacherBusy.has(`${teacherId}:${k}`))) continue;
      keys.forEach((k) => roomBusy.add(`${room.id}:${k}`));
      if (teacherId) keys.forEach((k) => teacherBusy.add(`${teacherId}:${k}`));
      const firstWeek = Math.floor(rand() * 2);
      plans.push({
        academyId,
        districtId,
        roomId: room.id,
        roomCapacity: room.capacity,
        course,
        teacherId,
        weekdays: weekdays.sort((a, b) => a - b),
        startMinute,
        firstWeek,
        weeks: Math.min(5 - firstWeek, Math.max(2, Math.ceil(course.sessions / weekdays.length))),
        status,
      });
      return true;
    }
    return false;
  };

  const pickTeacher = (c: LibCourse, districtId: number) => {
    const able = pool.list.filter((t) => pool.can(t.id, c, districtId));
    return able.length ? able[Math.floor(rand() * able.length)]!.id : null;
  };

  // The demo manager's academy: a dozen classes, four of them by the demo teacher.
  const homeDistrict = home.districtId;
  library.slice(0, 12).forEach((c, i) => {
    const teacherId = i < 4 && demoTeacher ? demoTeacher.id : pickTeacher(c, homeDistrict);
    place(home.id, homeDistrict, c, teacherId, i % 3 === 0 ? 2 : 1, i === 5 ? "full" : i === 10 ? "draft" : i === 11 ? "closed" : "open");
  });
  // A spread across the city: one to three classes in almost every academy.
  for (const a of allAcademies) {
    if (a.id === home.id) continue;
    const n = Math.floor(rand() * 4);
    for (let i = 0; i < n; i++) {
      const c = library[Math.floor(rand() * library.length)]!;
      const r = rand();
      place(a.id, a.districtId, c, rand() < 0.5 ? pickTeacher(c, a.districtId) : null, rand() < 0.25 ? 2 : 1, r < 0.15 ? "full" : r < 0.2 ? "closed" : "open");
    }
  }

  let sessionCount = 0;
  let orderCount = 0;
  db.transaction(
    (tx) => {
      const closedCache = new Map<number, Map<string, string>>();
      for (const p of plans) {
        const firstDate = addDays(week.monday, p.firstWeek * 7);
        const lastDate = addDays(firstDate, p.weeks * 7 - 1);
        // Holidays and closed days over the whole span of the demo (past weeks included).
        const closed = closedCache.get(p.academyId) ?? closedDatesMap(tx, p.academyId, addDays(week.monday, -30 * 7), addDays(week.monday, 30 * 7));
        closedCache.set(p.academyId, closed);
        const minutes = sessionMinutes(p.course);
        const slots: { startsAt: number; endsAt: number }[] = [];
        for (let d = firstDate; d <= lastDate; d = addDays(d, 1)) {
          if (!p.weekdays.includes(isoWeekday(d)) || closed.has(d)) continue;
          const startsAt = wallToUtc(d, timeOfMinutes(p.startMinute));
          slots.push({ startsAt, endsAt: startsAt + minutes * 60_000 });
        }
        if (slots.length === 0) continue;
        // Through the app's own check: a demo slot outside the hours would stop the seed here.
        checkOpeningHours(tx, { academyId: p.academyId, slots, override: false, noun: "上课", fields: { day: "weekdays", time: "startTime" } });
        let orderId: number | null = null;
        if (p.teacherId) orderId = insertOrder(tx, p, "scheduled", now);
        if (orderId) orderCount++;
        const capacity = Math.min(p.roomCapacity, 12 + Math.floor(rand() * 4) * 6);
        // A lottery needs its draw before the first session: only runs starting at least 4 days out,
        // applications closing 2 days before; and a lottery run is never 已满员 before its draw.
        const lottery = rand() < 0.1 && slots[0]!.startsAt > now + 4 * 86_400_000;
        const run = tx
          .insert(classRuns)
          .values({
            academyId: p.academyId,
            courseId: p.course.courseId,
            courseVersionId: p.course.versionId,
            orderId,
            roomId: p.roomId,
            capacity,
            minAge: null,
            maxAge: null,
            residentsFirst: rand() < 0.3,
            enrolOpensAt: now - 14 * 86_400_000,
            enrolClosesAt: lottery ? slots[0]!.startsAt - 2 * 86_400_000 : Math.max(slots[0]!.startsAt, now + 3 * 86_400_000),
            cancelDeadlineAt: null,
            enrolMode: lottery ? "lottery" : "first_come",
            status: lottery && p.status === "full" ? "open" : p.status,
            guestTeacher: p.teacherId ? "" : GUEST_TEACHERS[Math.floor(rand() * GUEST_TEACHERS.length)]!,
            createdAt: now - 20 * 86_400_000,
            updatedAt: now - 20 * 86_400_000,
          })
          .returning({ id: classRuns.id })
          .get();
        if (p.teacherId) tx.insert(runTeachers).values({ runId: run.id, teacherId: p.teacherId, sortOrder: 0 }).run();
        for (const s of slots) {
          tx.insert(classSessions)
            .values({ runId: run.id, roomId: p.roomId, ...s, ...sessionLocalColumns(s.startsAt), createdAt: now, updatedAt: now })
            .run();
          sessionCount++;
        }
      }
      // Orders waiting for HQ and the demo academy's own history.
      const homeOrders: [LibCourse | undefined, "submitted" | "accepted" | "declined"][] = [
        [library[12], "submitted"],
        [library[13], "accepted"],
        [library[14], "declined"],
      ];
      for (const [c, state] of homeOrders) {
        if (!c) continue;
        const teacherId = state === "accepted" ? (demoTeacher?.id ?? pickTeacher(c, homeDistrict)) : null;
        if (state === "accepted" && !teacherId) continue;
        insertOrder(tx, { academyId: home.id, districtId: homeDistrict, course: c, teacherId, weekdays: [2, 4], startMinute: 19 * 60 } as Planned, state, now);
        orderCount++;
      }
      for (let i = 0; i < 24; i++) {
        const a = allAcademies[Math.floor(rand() * allAcademies.length)]!;
        const c = library[Math.floor(rand() * library.length)]!;
        const open = tx
          .select({ id: courseOrders.id })
          .from(courseOrders)
          .where(and(eq(courseOrders.academyId, a.id), eq(courseOrders.courseId, c.courseId)))
          .get();
        if (open || a.id === home.id) continue;
        insertOrder(tx, { academyId: a.id, districtId: a.districtId, course: c, teacherId: null, weekdays: [1 + (i % 7)], startMinute: SLOT_STARTS[i % 3]! } as Planned, "submitted", now - i * 3_600_000);
        orderCount++;
      }
      // A little 想学 from the demo resident so the demand page is not empty.
      const resident = tx.select({ id: users.id }).from(users).where(eq(users.phone, "13900000006")).get();
      if (resident) {
        for (const c of [library[12], library[15], library[16]]) {
          if (c) tx.insert(courseWants).values({ userId: resident.id, courseId: c.courseId, academyId: home.id, createdAt: now }).onConflictDoNothing().run();
        }
      }
    },
    { behavior: "immediate" },
  );
  return { rooms: rooms_, runs: plans.length, sessions: sessionCount, orders: orderCount, skipped: null };
}

function insertOrder(tx: Tx, p: Pick<Planned, "academyId" | "course" | "teacherId" | "weekdays" | "startMinute">, state: "submitted" | "accepted" | "declined" | "scheduled", now: number) {
  const decided = state !== "submitted";
  const daypart = p.startMinute < 12 * 60 ? "morning" : p.startMinute < 18 * 60 ? "afternoon" : "evening";
  return tx
    .insert(courseOrders)
    .values({
      academyId: p.academyId,
      courseId: p.course.courseId,
      courseVersionId: p.course.versionId,
      term: "2026 年冬季",
      preferredWeekdays: p.weekdays,
      preferredDayparts: [daypart],
      note: state === "submitted" ? "社区居民想学的呼声很高，希望尽快安排。" : "",
      handler: "hq",
      state,
      teacherId: state === "accepted" || state === "scheduled" ? p.teacherId : null,
      decisionNote: state === "declined" ? "本学期该课程师资已排满，请下学期再点单。" : "",
      decidedAt: decided ? now - 10 * 86_400_000 : null,
      createdAt: now - 25 * 86_400_000,
      updatedAt: now - 10 * 86_400_000,
    })
    .returning({ id: courseOrders.id })
    .get().id;
}

export function countRuns(db: DB) {
  return db.select({ n: sql<number>`count(*)` }).from(classRuns).get()!.n;
}


/**
 * 想学 from the demo residents (whoever the enrolment demo created, with a home academy): each
 * wants 0–3 library courses at their home academy, a few courses far more than others, so the
 * demand page ranks something. Runs once (skipped when there is already demand beyond a handful).
 */
export function seedDemoWants(db: DB, now = Date.now()) {
  if (db.select({ n: sql<number>`count(*)` }).from(courseWants).get()!.n > 10) return 0;
  const library = publishedLibrary(db);
  if (library.length === 0) return 0;
  const residents = db
    .select({ id: users.id, home: users.homeAcademyId })
    .from(users)
    .where(and(eq(users.isDemo, true), sql`${users.homeAcademyId} is not null`, sql`not exists (select 1 from user_roles r where r.user_id = ${users.id})`))
    .orderBy(asc(users.id))
    .all();
  const rand = demoRandom(2026);
  // Popular picks: the courses not yet scheduled in the demo academy come first.
  const popular = library.slice(12, 20);
  let n = 0;
  db.transaction(
    (tx) => {
      for (const r of residents) {
        const k = Math.floor(rand() * 4);
        for (let i = 0; i < k; i++) {
          const c = rand() < 0.6 && popular.length ? popular[Math.floor(rand() * rand() * popular.length)]! : library[Math.floor(rand() * library.length)]!;
          const res = tx
            .insert(courseWants)
            .values({ userId: r.id, courseId: c.courseId, academyId: r.home!, createdAt: now - Math.floor(rand() * 30) * 86_400_000 })
            .onConflictDoNothing()
            .run();
          n += res.changes;
        }
      }
    },
    { behavior: "immediate" },
  );
  return n;
}
