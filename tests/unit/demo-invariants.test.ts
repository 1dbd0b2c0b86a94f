/**
 * The demo must not contradict itself (issue 15, "demo data that contradicts itself"): seeded
 * through the same rules as the app, it has no session on a public holiday or an academy's closed
 * day (cancelled sessions aside), lottery windows that close before the first session, and run
 * statuses that agree with the seats taken.
 */
import { sql } from "drizzle-orm";
import { seed } from "@db/seed";
import { createTestDb } from "@tests/factories/db";

let db: ReturnType<typeof createTestDb>;
beforeAll(async () => {
  db = createTestDb();
  await seed(db, { demo: "if-empty" });
}, 120_000);
afterAll(() => db.cleanup());

describe("the demo data", () => {
  it("has sessions, and none on a public holiday or an academy's closed day", () => {
    expect(db.get<{ n: number }>(sql`SELECT count(*) AS n FROM class_sessions`)!.n).toBeGreaterThan(100);
    const onHolidays = db.all<{ id: number; date: string; name: string }>(sql`
      SELECT s.id, s.local_date AS date, h.name FROM class_sessions s JOIN holidays h ON h.date = s.local_date
      WHERE s.status <> 'cancelled'`);
    expect(onHolidays).toEqual([]);
    const onClosedDays = db.all<{ id: number; date: string }>(sql`
      SELECT s.id, s.local_date AS date FROM class_sessions s
      JOIN class_runs r ON r.id = s.run_id
      JOIN academy_closed_dates c ON c.academy_id = r.academy_id AND c.date = s.local_date
      WHERE s.status <> 'cancelled'`);
    expect(onClosedDays).toEqual([]);
  });

  it("closes every lottery window before the run's first session", () => {
    const late = db.all<{ id: number; closes: number; first: number }>(sql`
      SELECT r.id, r.enrol_closes_at AS closes, min(s.starts_at) AS first
      FROM class_runs r JOIN class_sessions s ON s.run_id = r.id
      WHERE r.enrol_mode = 'lottery'
      GROUP BY r.id
      HAVING r.enrol_closes_at IS NULL OR r.enrol_closes_at > min(s.starts_at)`);
    expect(late).toEqual([]);
    expect(db.get<{ n: number }>(sql`SELECT count(*) AS n FROM class_runs WHERE enrol_mode = 'lottery'`)!.n).toBeGreaterThan(0);
  });

  it("labels a run 已满员 only when its seats are taken, and never oversells", () => {
    const runs = db.all<{ id: number; status: string; capacity: number; confirmed: number }>(sql`
      SELECT r.id, r.status, r.capacity,
        (SELECT count(*) FROM enrollments e WHERE e.run_id = r.id AND e.status = 'confirmed') AS confirmed
      FROM class_runs r`);
    expect(runs.filter((r) => r.status === "full" && r.confirmed < r.capacity)).toEqual([]);
    expect(runs.filter((r) => r.confirmed > r.capacity)).toEqual([]);
  });
});
