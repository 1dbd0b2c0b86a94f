import { eq, sql } from "drizzle-orm";
import { enrollments, familyMembers, users } from "@db/schema";
import { seed } from "@db/seed";
import { seedDemoEnrollments } from "@db/demo/enrollments";
import { listMyClasses } from "~/modules/enrollment/views.server";
import { loadActor } from "~/modules/auth/users.server";
import { createTestDb } from "@tests/factories/db";

let db: ReturnType<typeof createTestDb>;
beforeEach(() => {
  db = createTestDb();
});
afterEach(() => db.cleanup());

describe("demo enrolments", () => {
  it("fill the seeded runs without overselling, with full, half-full and open runs, and are idempotent", async () => {
    await seed(db, { demo: "if-empty" });
    const perRun = db.all<{
      id: number;
      capacity: number;
      status: string;
      mode: string;
      confirmed: number;
      waitlisted: number;
      pending: number;
    }>(sql`
      SELECT r.id, r.capacity, r.status, r.enrol_mode AS mode,
        (SELECT count(*) FROM enrollments e WHERE e.run_id = r.id AND e.status = 'confirmed') AS confirmed,
        (SELECT count(*) FROM enrollments e WHERE e.run_id = r.id AND e.status = 'waitlisted') AS waitlisted,
        (SELECT count(*) FROM enrollments e WHERE e.run_id = r.id AND e.status = 'lottery_pending') AS pending
      FROM class_runs r`);
    expect(perRun.length).toBeGreaterThan(0);
    expect(perRun.filter((r) => r.confirmed > r.capacity)).toEqual([]);
    const firstCome = perRun.filter(
      (r) => r.mode === "first_come" && (r.status === "open" || r.status === "full"),
    );
    expect(
      firstCome.filter((r) => r.confirmed === r.capacity && r.waitlisted > 0).length,
    ).toBeGreaterThan(5);
    expect(
      firstCome.filter((r) => r.confirmed === Math.floor(r.capacity / 2)).length,
    ).toBeGreaterThan(5);
    expect(firstCome.filter((r) => r.confirmed < r.capacity / 2).length).toBeGreaterThan(5);
    // Status follows the seats.
    expect(firstCome.filter((r) => r.confirmed >= r.capacity !== (r.status === "full"))).toEqual(
      [],
    );
    expect(perRun.filter((r) => r.mode === "lottery" && r.pending > 0).length).toBeGreaterThan(0);
    const residents = db
      .select({ n: sql<number>`count(*)` })
      .from(users)
      .where(sql`${users.phone} LIKE '1360000%'`)
      .get()!.n;
    expect(residents).toBe(500);
    // One password hash for all of them.
    expect(
      db.all(sql`SELECT DISTINCT password_hash FROM users WHERE phone LIKE '1360000%'`),
    ).toHaveLength(1);

    const demo = db.select().from(users).where(eq(users.phone, "13900000006")).get()!;
    const mother = db
      .select()
      .from(familyMembers)
      .where(eq(familyMembers.ownerUserId, demo.id))
      .all();
    expect(mother).toMatchObject([{ relation: "母亲" }]);
    const mine = listMyClasses(db, loadActor(db, demo));
    expect(mine.confirmed.length).toBeGreaterThanOrEqual(2);
    expect(mine.waitlisted.length).toBeGreaterThanOrEqual(1);

    const before = db
      .select({ n: sql<number>`count(*)` })
      .from(enrollments)
      .get()!.n;
    expect((await seedDemoEnrollments(db)).skipped).toBe("已有报名");
    expect(
      db
        .select({ n: sql<number>`count(*)` })
        .from(enrollments)
        .get()!.n,
    ).toBe(before);
  }, 120_000);

  it("skips gracefully when there are no runs", async () => {
    expect(await seedDemoEnrollments(db)).toMatchObject({
      skipped: "还没有开课",
      enrollmentCount: 0,
    });
  });
});
