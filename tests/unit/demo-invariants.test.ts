/**
 * The demo must not contradict itself (issue 15, "demo data that contradicts itself"): seeded
 * through the same rules as the app, it has no session on a public holiday or an academy's closed
 * day (cancelled sessions aside), lottery windows that close before the first session, and run
 * statuses that agree with the seats taken; every run, session and activity inside its academy's
 * opening hours; and a "class happening now" that follows the clock instead of the seed time.
 */
import { sql } from "drizzle-orm";
import { seed } from "@db/seed";
import { refreshDemoLiveClass } from "@db/demo/learning";
import { asWeeklyHours, withinHours } from "~/modules/org/opening-hours";
import { slotWithinHours } from "~/modules/org/opening-hours.server";
import { closedDatesMap } from "~/modules/scheduling/calendar.server";
import { addDays, localParts, todayLocal, wallToUtc } from "~/utils/time";
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

describe("the demo and opening hours", () => {
  type Hours = NonNullable<ReturnType<typeof asWeeklyHours>>;
  const hoursByAcademy = () => {
    const rows = db.all<{ id: number; schedule: string | null }>(sql`SELECT id, opening_schedule AS schedule FROM academies`);
    return new Map(rows.map((r) => [r.id, asWeeklyHours(r.schedule ? JSON.parse(r.schedule) : null)]));
  };
  const outside = () => {
    const hours = hoursByAcademy();
    const sessions = db.all<{ id: number; academyId: number; startsAt: number; endsAt: number }>(sql`
      SELECT s.id, r.academy_id AS academyId, s.starts_at AS startsAt, s.ends_at AS endsAt
      FROM class_sessions s JOIN class_runs r ON r.id = s.run_id WHERE s.status <> 'cancelled'`);
    const acts = db.all<{ id: number; academyId: number; startsAt: number; endsAt: number }>(sql`
      SELECT id, academy_id AS academyId, starts_at AS startsAt, ends_at AS endsAt FROM activities WHERE status <> 'cancelled'`);
    // The app's rule: inside the hours, or placed with 开放时间外 and an audit row naming the slot.
    const overridden = new Set(
      db
        .all<{ detail: string }>(sql`SELECT detail FROM audit_log WHERE action = 'opening-hours.override'`)
        .flatMap((r) => {
          const d = JSON.parse(r.detail) as { academyId: number; slots: { startsAt: number }[] };
          return d.slots.map((x) => `${d.academyId}:${x.startsAt}`);
        }),
    );
    const bad = (list: typeof sessions) =>
      list.filter((s) => !slotWithinHours(hours.get(s.academyId)!, s) && !overridden.has(`${s.academyId}:${s.startsAt}`)).map((s) => s.id);
    return { sessions: bad(sessions), activities: bad(acts), counted: sessions.length + acts.length, overridden: overridden.size };
  };
  /** The demo teacher's class in progress: its scheduled sessions in time order. */
  const liveSessions = () =>
    db.all<{ id: number; academyId: number; startsAt: number; endsAt: number }>(sql`
      SELECT s.id, r.academy_id AS academyId, s.starts_at AS startsAt, s.ends_at AS endsAt
      FROM class_sessions s JOIN class_runs r ON r.id = s.run_id
      JOIN run_teachers rt ON rt.run_id = r.id JOIN teachers t ON t.id = rt.teacher_id JOIN users u ON u.id = t.user_id
      WHERE u.phone = '13900000005' AND r.status = 'closed' AND s.status = 'scheduled' ORDER BY s.starts_at`);
  /** A date some days ahead that is neither a public holiday nor the demo academy's closed day. */
  const openDay = (academyId: number, from: number) => {
    for (let i = from; ; i++) {
      const d = addDays(todayLocal(), i);
      if (!closedDatesMap(db, academyId, d, d).has(d)) return d;
    }
  };

  it("gives every academy its hours per weekday, and keeps every session and activity inside them (or audited 开放时间外)", () => {
    const hours = hoursByAcademy();
    expect([...hours.values()].filter((h) => h == null)).toEqual([]);
    const o = outside();
    expect(o.counted).toBeGreaterThan(1000);
    expect({ sessions: o.sessions, activities: o.activities }).toEqual({ sessions: [], activities: [] });
    // Only the demo's "happening now" items may ever be overridden (at night): at most the live run and two activities.
    expect(db.get<{ n: number }>(sql`SELECT count(*) AS n FROM audit_log WHERE action = 'opening-hours.override'`)!.n).toBeLessThanOrEqual(3);
  });

  it("has at least one academy closed on Mondays, and no class there on a Monday", () => {
    const hours = hoursByAcademy();
    const closedMonday = [...hours.entries()].filter(([, h]) => (h as Hours)[0]!.length === 0 && !withinHours(h as Hours, 1, 600, 660)).map(([id]) => id);
    expect(closedMonday.length).toBeGreaterThan(10);
    const mondays = db.all<{ id: number }>(sql`
      SELECT s.id FROM class_sessions s JOIN class_runs r ON r.id = s.run_id
      WHERE s.weekday = 1 AND s.status <> 'cancelled' AND r.academy_id IN (${sql.join(closedMonday.map((id) => sql`${id}`), sql`, `)})`);
    expect(mondays).toEqual([]);
  });

  it("moves the class happening now with the clock (inside the hours), and leaves it alone when it is current", () => {
    const before = liveSessions();
    expect(before.length).toBeGreaterThanOrEqual(2);
    const academyId = before[0]!.academyId;
    // Tomorrow-or-later at 10:17 (the demo academy is open 8:00–21:30): a session contains that instant.
    const day = openDay(academyId, 1);
    const at = wallToUtc(day, "10:17");
    expect(refreshDemoLiveClass(db, at).moved).toBeGreaterThan(0);
    const live = liveSessions().find((s) => s.startsAt <= at && at < s.endsAt);
    expect(live).toBeDefined();
    expect(localParts(live!.startsAt).time).toBe("10:00");
    expect(refreshDemoLiveClass(db, at + 10 * 60_000)).toEqual({ moved: 0, skipped: null });
    // At 23:00 the academy (open 8:00–21:30) is closed: the class is still there to try, placed
    // with the 开放时间外 override and an audit row, exactly as a manager's would be.
    const night = wallToUtc(openDay(academyId, 3), "23:00");
    const audits = () => db.get<{ n: number }>(sql`SELECT count(*) AS n FROM audit_log WHERE action = 'opening-hours.override' AND actor_id IS NULL`)!.n;
    const before2 = audits();
    expect(refreshDemoLiveClass(db, night).moved).toBeGreaterThan(0);
    const atNight = liveSessions().find((s) => s.startsAt <= night && night < s.endsAt);
    expect(localParts(atNight!.startsAt).time).toBe("22:45");
    expect(audits()).toBe(before2 + 1);
    expect(outside().sessions).toEqual([]);
  });
});
