/**
 * Builders for the learning side (check-in, attendance, evaluation, records): runs, sessions and
 * enrolments written straight into the real tables, so these tests do not depend on the
 * scheduling and enrolment forms.
 */
import { eq } from "drizzle-orm";
import type { DB } from "@db/client";
import {
  attendance,
  classRuns,
  classSessions,
  enrollments,
  familyMembers,
  rooms,
  runTeachers,
  teachers,
} from "@db/schema";
import type { Actor } from "~/modules/auth/permissions";
import { sessionLocalColumns } from "~/modules/scheduling/runs.server";
import { createCourse } from "./catalog";
import { createTestDb } from "./db";
import { createAcademy, seedDistricts } from "./org";
import { createActor } from "./users";

export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;

let seq = 0;

/** A teacher in the pool (with an account), returned as an Actor plus the teacher row id. */
export async function createTeacherActor(db: DB, name = "陈老师") {
  const actor = await createActor(db, [{ role: "teacher" }]);
  const t = db
    .insert(teachers)
    .values({ userId: actor.id, displayName: name, createdAt: Date.now() })
    .returning()
    .get();
  return Object.assign(actor, { teacherId: t.id });
}

/** Two academies (湖里, 思明) with a room each, a library course, a teacher, managers, residents. */
export async function learningWorld(db: DB) {
  const d = seedDistricts(db);
  const academy = createAcademy(db, d.huli!.id, { name: "湖边社区书院" });
  const other = createAcademy(db, d.siming!.id, { name: "莲花社区书院" });
  const room = db
    .insert(rooms)
    .values({ academyId: academy.id, name: "多功能厅", capacity: 40, createdAt: Date.now() })
    .returning()
    .get();
  const otherRoom = db
    .insert(rooms)
    .values({ academyId: other.id, name: "研学教室", capacity: 30, createdAt: Date.now() })
    .returning()
    .get();
  const { course, version } = createCourse(db, {
    title: "闽南语入门",
    category: "minnan-culture",
    minutesPerSession: 90,
  });
  const teacher = await createTeacherActor(db, "陈美玲");
  const otherTeacher = await createTeacherActor(db, "林志强");
  const manager = await createActor(db, [{ role: "academy_manager", academy: academy.id }]);
  const otherManager = await createActor(db, [{ role: "academy_manager", academy: other.id }]);
  const hqAdmin = await createActor(db, [{ role: "hq_admin" }]);
  const hqEditor = await createActor(db, [{ role: "hq_editor" }]);
  const resident = await createActor(db, []);
  const neighbour = await createActor(db, []);
  return {
    d,
    academy,
    other,
    room,
    otherRoom,
    course,
    version,
    teacher,
    otherTeacher,
    manager,
    otherManager,
    hqAdmin,
    hqEditor,
    resident,
    neighbour,
  };
}
export type LearningWorld = Awaited<ReturnType<typeof learningWorld>>;

/** A fresh test DB holding the learning world, for a `beforeEach`; `db.cleanup()` it afterwards. */
export async function freshLearningWorld() {
  const db = createTestDb();
  return { db, w: await learningWorld(db) };
}

/** A run with sessions at the given start times (each `minutes` long). */
export function createRunWithSessions(
  db: DB,
  w: Pick<LearningWorld, "course" | "version">,
  opts: {
    academyId: number;
    roomId: number;
    teacherId?: number | null;
    starts: number[];
    minutes?: number;
    status?: "open" | "full" | "closed" | "finished" | "cancelled";
    capacity?: number;
  },
) {
  seq++;
  const now = Date.now();
  const run = db
    .insert(classRuns)
    .values({
      academyId: opts.academyId,
      courseId: w.course.id,
      courseVersionId: w.version.id,
      roomId: opts.roomId,
      capacity: opts.capacity ?? 30,
      status: opts.status ?? "open",
      cancelReason: opts.status === "cancelled" ? "测试取消" : "",
      createdAt: now,
      updatedAt: now,
    })
    .returning()
    .get();
  if (opts.teacherId)
    db.insert(runTeachers).values({ runId: run.id, teacherId: opts.teacherId }).run();
  const minutes = opts.minutes ?? 90;
  const sessions = opts.starts.map((startsAt) =>
    db
      .insert(classSessions)
      .values({
        runId: run.id,
        roomId: opts.roomId,
        startsAt,
        endsAt: startsAt + minutes * MIN,
        ...sessionLocalColumns(startsAt),
        createdAt: now,
        updatedAt: now,
      })
      .returning()
      .get(),
  );
  return { run, sessions };
}

/** `createRunWithSessions` in the world's academy and room, taught by the world's teacher. */
export function createWorldRun(
  db: DB,
  w: LearningWorld,
  opts: Omit<Parameters<typeof createRunWithSessions>[2], "academyId" | "roomId" | "teacherId">,
) {
  return createRunWithSessions(db, w, {
    academyId: w.academy.id,
    roomId: w.room.id,
    teacherId: w.teacher.teacherId,
    ...opts,
  });
}

export function cancelSessionRow(db: DB, sessionId: number) {
  db.update(classSessions)
    .set({ status: "cancelled", cancelReason: "老师生病" })
    .where(eq(classSessions.id, sessionId))
    .run();
}

export function addFamilyMember(db: DB, owner: Actor, name = "王秀兰", relation = "母亲") {
  const now = Date.now();
  return db
    .insert(familyMembers)
    .values({
      ownerUserId: owner.id,
      name,
      relation,
      birthYear: 1950,
      createdAt: now,
      updatedAt: now,
    })
    .returning()
    .get();
}

/** An enrolment written directly: confirmed at `at` (default: long ago) unless another status is given. */
export function addEnrollment(
  db: DB,
  runId: number,
  who: { userId: number; familyMemberId?: number } | { walkinName: string; walkinPhone: string },
  opts: {
    status?: "confirmed" | "waitlisted" | "cancelled" | "removed";
    at?: number;
    cancelledAt?: number;
  } = {},
) {
  const at = opts.at ?? Date.now() - 365 * DAY;
  const status = opts.status ?? "confirmed";
  seq++;
  return db
    .insert(enrollments)
    .values({
      runId,
      ...("userId" in who
        ? { userId: who.userId, familyMemberId: who.familyMemberId ?? null }
        : { userId: null, walkinName: who.walkinName, walkinPhone: who.walkinPhone }),
      status,
      queueKey: status === "waitlisted" ? at + seq : null,
      createdAt: at,
      confirmedAt: status === "waitlisted" ? null : at,
      cancelledAt:
        status === "cancelled" || status === "removed" ? (opts.cancelledAt ?? Date.now()) : null,
      updatedAt: at,
    })
    .returning()
    .get();
}

export function markPresent(db: DB, sessionId: number, enrollmentId: number, present = true) {
  db.insert(attendance)
    .values({ sessionId, enrollmentId, present, method: "roster", markedAt: Date.now() })
    .run();
}

/** 请假 written directly: an excused absence, by staff (`roster`) or asked online (`leave`). */
export function markExcused(
  db: DB,
  sessionId: number,
  enrollmentId: number,
  opts: { method?: "roster" | "manager" | "leave"; note?: string; at?: number } = {},
) {
  db.insert(attendance)
    .values({
      sessionId,
      enrollmentId,
      present: false,
      excused: true,
      note: opts.note ?? "",
      method: opts.method ?? "roster",
      markedAt: opts.at ?? Date.now(),
    })
    .run();
}
