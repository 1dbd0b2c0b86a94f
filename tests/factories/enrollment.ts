/**
 * Enrolment builders: an open run at the scheduling world's academy (inserted directly, one or more
 * sessions ahead), residents, family members, and a snapshot of the enrolment tables so a test can
 * assert "database unchanged" after a refusal.
 */
import { eq } from "drizzle-orm";
import type { DB } from "@db/client";
import {
  auditLog,
  classRuns,
  classSessions,
  enrollments,
  familyMembers,
  lotteryDraws,
  notifications,
  users,
} from "@db/schema";
import type { Actor } from "~/modules/auth/permissions";
import { sessionLocalColumns } from "~/modules/scheduling/runs.server";
import { createTestDb } from "./db";
import { createActor } from "./users";

const DAY = 86_400_000;

/** A fresh test DB (its own enrolment limits: they are counted in the database), for a `beforeEach`. */
export function freshEnrollmentDb() {
  return createTestDb();
}

export type RunOverrides = Partial<typeof classRuns.$inferInsert> & {
  /** Start of the first session, ms (default: 10 days from `now`). */
  firstSessionAt?: number;
  sessions?: number;
};

/** An open first-come run with `capacity` seats whose window is open now. */
export function createOpenRun(
  db: DB,
  w: { a: { id: number }; roomA: { id: number }; course: { id: number }; version: { id: number } },
  overrides: RunOverrides = {},
  now = Date.now(),
) {
  const { firstSessionAt = now + 10 * DAY, sessions = 2, ...rest } = overrides;
  const run = db
    .insert(classRuns)
    .values({
      academyId: w.a.id,
      courseId: w.course.id,
      courseVersionId: w.version.id,
      roomId: w.roomA.id,
      capacity: 2,
      enrollOpensAt: now - DAY,
      enrollClosesAt: now + 7 * DAY,
      status: "open",
      guestTeacher: "王老师",
      createdAt: now,
      updatedAt: now,
      ...rest,
    })
    .returning()
    .get();
  for (let i = 0; i < sessions; i++) {
    const startsAt = firstSessionAt + i * 7 * DAY;
    db.insert(classSessions)
      .values({
        runId: run.id,
        roomId: w.roomA.id,
        startsAt,
        endsAt: startsAt + 90 * 60_000,
        ...sessionLocalColumns(startsAt),
        createdAt: now,
        updatedAt: now,
      })
      .run();
  }
  return run;
}

/** A resident (optionally living near the academy) with a birth year. */
export async function createResident(
  db: DB,
  opts: { homeAcademyId?: number; birthYear?: number | null } = {},
): Promise<Actor> {
  const actor = await createActor(db, []);
  db.update(users)
    .set({
      homeAcademyId: opts.homeAcademyId ?? null,
      birthYear: opts.birthYear === undefined ? 1960 : opts.birthYear,
    })
    .where(eq(users.id, actor.id))
    .run();
  return { ...actor, homeAcademyId: opts.homeAcademyId ?? null };
}

export async function createResidents(db: DB, n: number, opts: { homeAcademyId?: number } = {}) {
  const list: Actor[] = [];
  for (let i = 0; i < n; i++) list.push(await createResident(db, opts));
  return list;
}

export function addMember(
  db: DB,
  owner: Actor,
  overrides: Partial<typeof familyMembers.$inferInsert> = {},
) {
  return db
    .insert(familyMembers)
    .values({
      ownerUserId: owner.id,
      name: "王秀英",
      relation: "母亲",
      birthYear: 1948,
      createdAt: Date.now(),
      updatedAt: Date.now(),
      ...overrides,
    })
    .returning()
    .get();
}

/** Everything enrolment may write, for "database unchanged" assertions. */
export function snapshot(db: DB) {
  return JSON.stringify({
    enrollments: db.select().from(enrollments).all(),
    members: db.select().from(familyMembers).all(),
    draws: db.select().from(lotteryDraws).all(),
    runs: db.select().from(classRuns).all(),
    notifications: db.select().from(notifications).all(),
    audit: db.select().from(auditLog).all(),
  });
}

export function runStatus(db: DB, runId: number) {
  return db.select({ s: classRuns.status }).from(classRuns).where(eq(classRuns.id, runId)).get()!.s;
}

export function enrollmentRows(db: DB, runId: number) {
  return db.select().from(enrollments).where(eq(enrollments.runId, runId)).all();
}
