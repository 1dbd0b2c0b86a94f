import { eq } from "drizzle-orm";
import type { DB } from "@db/client";
import { users } from "@db/schema";
import { createCourse } from "./catalog";
import { createAcademy, seedDistricts } from "./org";
import { createRoom } from "./scheduling";
import { createActor } from "./users";

/**
 * Two academies (湖里 A, 思明 B) with a room each, their managers, HQ, 湖里's district staff, three
 * residents and a draft 社区特色 course of each academy.
 */
export async function groupsWorld(db: DB) {
  const d = seedDistricts(db);
  const a = createAcademy(db, d.huli!.id, { name: "湖边社区书院" });
  const b = createAcademy(db, d.siming!.id, { name: "莲花社区书院" });
  const roomA = createRoom(db, a.id, { name: "议事厅", capacity: 40 });
  const roomB = createRoom(db, b.id, { name: "会议室", capacity: 30 });
  const managerA = await createActor(db, [{ role: "academy_manager", academy: a.id }]);
  const managerB = await createActor(db, [{ role: "academy_manager", academy: b.id }]);
  const hq = await createActor(db, [{ role: "hq_admin" }]);
  const huliStaff = await createActor(db, [{ role: "district_staff", district: d.huli!.id }]);
  const r1 = await createActor(db, []);
  const r2 = await createActor(db, []);
  const r3 = await createActor(db, []);
  const draftA = createCourse(db, {
    title: "社区口述史工作坊",
    sourceLevel: "community",
    ownerId: a.id,
    status: "draft",
    category: "minnan-culture",
  });
  const draftB = createCourse(db, {
    title: "阳台种菜",
    sourceLevel: "community",
    ownerId: b.id,
    status: "draft",
  });
  return { d, a, b, roomA, roomB, managerA, managerB, hq, huliStaff, r1, r2, r3, draftA, draftB };
}

export function phoneOf(db: DB, userId: number) {
  return db.select({ phone: users.phone }).from(users).where(eq(users.id, userId)).get()!.phone;
}

/** Runs fn and returns the HTTP status it threw (200 when it returned). */
export function statusOf(fn: () => unknown) {
  try {
    fn();
  } catch (e) {
    if (e instanceof Response) return e.status;
    throw e;
  }
  return 200;
}

/** The Chinese message and field of a UserError fn threw. */
export function userErrorOf(fn: () => unknown) {
  try {
    fn();
  } catch (e) {
    if (e instanceof Error && e.name === "UserError")
      return { message: e.message, field: (e as Error & { field?: string }).field };
    throw e;
  }
  throw new Error("expected a UserError");
}
