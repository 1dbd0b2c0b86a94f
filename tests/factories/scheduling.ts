import type { DB } from "@db/client";
import { rooms, teacherCategories, teacherCourses, teacherDistricts, teachers } from "@db/schema";
import type { Actor } from "~/modules/auth/permissions";
import { acceptOrder, createOrder } from "~/modules/scheduling/orders.server";
import { createRun } from "~/modules/scheduling/runs.server";
import type { CreateRunInput } from "~/modules/scheduling/runs";
import { createCourse } from "./catalog";
import { createAcademy, seedDistricts } from "./org";
import { createActor, createUser } from "./users";

let seq = 0;

export function createRoom(
  db: DB,
  academyId: number,
  overrides: Partial<typeof rooms.$inferInsert> = {},
) {
  seq++;
  return db
    .insert(rooms)
    .values({ academyId, name: `教室${seq}`, capacity: 30, createdAt: Date.now(), ...overrides })
    .returning()
    .get();
}

/** A pool teacher (with a user account) who can teach the given courses/categories in the given districts. */
export async function createTeacher(
  db: DB,
  opts: {
    name?: string;
    courseIds?: number[];
    categoryIds?: number[];
    districtIds: number[];
    active?: boolean;
  },
) {
  seq++;
  const user = await createUser(db, { name: opts.name ?? `测试教师${seq}` });
  const t = db
    .insert(teachers)
    .values({
      userId: user.id,
      displayName: opts.name ?? `测试教师${seq}`,
      active: opts.active ?? true,
      createdAt: Date.now(),
    })
    .returning()
    .get();
  for (const courseId of opts.courseIds ?? [])
    db.insert(teacherCourses).values({ teacherId: t.id, courseId }).run();
  for (const categoryId of opts.categoryIds ?? [])
    db.insert(teacherCategories).values({ teacherId: t.id, categoryId }).run();
  for (const districtId of opts.districtIds)
    db.insert(teacherDistricts).values({ teacherId: t.id, districtId }).run();
  return { ...t, user };
}

/**
 * Two academies in different districts with a room each and their managers, HQ, a district
 * staff member of 湖里, a published library course and a pool teacher who teaches it in both.
 */
export async function schedulingWorld(db: DB) {
  const d = seedDistricts(db);
  const a = createAcademy(db, d.huli!.id, { name: "湖边社区书院" });
  const b = createAcademy(db, d.siming!.id, { name: "莲花社区书院" });
  const roomA = createRoom(db, a.id, { name: "多功能厅", capacity: 40 });
  const roomB = createRoom(db, b.id, { name: "研学教室", capacity: 30 });
  const { course, version } = createCourse(db, {
    title: "百年党史在厦门",
    category: "red-heritage",
    minutesPerSession: 90,
  });
  const other = createCourse(db, { title: "垃圾分类我先行", category: "green-eco" });
  const teacher = await createTeacher(db, {
    name: "陈美玲",
    courseIds: [course.id, other.course.id],
    districtIds: [d.huli!.id, d.siming!.id],
  });
  const managerA = await createActor(db, [{ role: "academy_manager", academy: a.id }]);
  const managerB = await createActor(db, [{ role: "academy_manager", academy: b.id }]);
  const hq = await createActor(db, [{ role: "hq_editor" }]);
  const huliStaff = await createActor(db, [{ role: "district_staff", district: d.huli!.id }]);
  const simingStaff = await createActor(db, [{ role: "district_staff", district: d.siming!.id }]);
  const resident = await createActor(db, []);
  return {
    d,
    a,
    b,
    roomA,
    roomB,
    course,
    version,
    other,
    teacher,
    managerA,
    managerB,
    hq,
    huliStaff,
    simingStaff,
    resident,
  };
}

/** A date N days after today's Asia/Shanghai date, as YYYY-MM-DD. */
export function daysFromToday(n: number, now = Date.now()) {
  const today = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(
    new Date(now),
  );
  const t = new Date(`${today}T00:00:00Z`);
  t.setUTCDate(t.getUTCDate() + n);
  return t.toISOString().slice(0, 10);
}

export const runDefaults = {
  capacity: 20,
  overflowConfirmed: false,
  teacherIds: [] as number[],
  guestTeacher: "",
  residentsFirst: false,
  enrollMode: "first_come" as const,
  localNotes: "",
  localResources: [],
  publish: true,
};

/** Creates a run through the module (all rules apply). */
export function scheduleRun(
  db: DB,
  actor: Actor,
  academyId: number,
  input: Partial<Omit<CreateRunInput, "intent">> &
    Pick<
      CreateRunInput,
      "courseId" | "roomId" | "startDate" | "weekdays" | "startTime" | "endTime"
    >,
) {
  return createRun(db, actor, academyId, {
    ...runDefaults,
    weeks: input.until ? undefined : 1,
    ...input,
  });
}

/** An order placed by the academy's manager and accepted by HQ with the teacher. */
export function acceptedOrder(
  db: DB,
  manager: Actor,
  hq: Actor,
  academyId: number,
  courseId: number,
  teacherId: number,
) {
  const order = createOrder(db, manager, academyId, {
    courseId,
    term: "2027 年春季",
    weekdays: [2, 4],
    dayparts: ["evening"],
    note: "",
  });
  acceptOrder(db, hq, order.id, { teacherId });
  return order;
}
