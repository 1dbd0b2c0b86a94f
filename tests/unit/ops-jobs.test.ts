import { openDatabase, type DB } from "@db/client";
import { eq } from "drizzle-orm";
import { classRuns, jobLeases, rateLimits, sessions } from "@db/schema";
import { enroll } from "~/modules/enrollment/enroll.server";
import { registerAllJobs } from "~/modules/ops/job-list.server";
import { MINUTE, registeredJobs, runJobSlot, type JobDefinition } from "~/modules/ops/jobs.server";
import { createTestDb, type TestDb } from "@tests/factories/db";
import { createOpenRun, createResidents, runStatus, snapshot } from "@tests/factories/enrollment";
import { schedulingWorld } from "@tests/factories/scheduling";
import { createSession, generateSessionToken } from "~/modules/auth/session.server";

const DAY = 86_400_000;
let db: TestDb;
/** A second runner: another connection to the same file, as a second server process would have. */
let other: DB;

beforeEach(() => {
  db = createTestDb();
  other = openDatabase(db.file);
});
afterEach(() => {
  other.$client.close();
  db.cleanup();
});

function job(name: string, run: JobDefinition["run"]): JobDefinition {
  return { name, description: name, schedule: "* * * * *", run };
}

describe("job runner", () => {
  it("runs a slot once across two runners; the next slot runs again", async () => {
    let runs = 0;
    const j = job("test.count", () => ++runs);
    const t = Date.parse("2026-12-03T01:00:10Z");
    const a = await runJobSlot(db, j, "A", t);
    const b = await runJobSlot(other, j, "B", t + 5_000); // same minute
    expect(a).toMatchObject({ ran: true, status: "ok", result: 1 });
    expect(b).toEqual({ ran: false, reason: "leased" });
    expect(runs).toBe(1);
    const c = await runJobSlot(other, j, "B", t + MINUTE);
    expect(c).toMatchObject({ ran: true, result: 2 });
    const row = db.select().from(jobLeases).get()!;
    expect(row).toMatchObject({
      name: "test.count",
      runs: 2,
      lastStatus: "ok",
      owner: null,
      leaseUntil: 0,
    });
  });

  it("a run in progress holds the lease against the other runner, even for a later slot", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let runs = 0;
    const j = job("test.slow", async () => {
      runs++;
      await gate;
    });
    const t = Date.parse("2026-12-03T01:00:00Z");
    const first = runJobSlot(db, j, "A", t);
    expect(await runJobSlot(other, j, "B", t + 2 * MINUTE)).toEqual({
      ran: false,
      reason: "leased",
    });
    release();
    await first;
    expect(await runJobSlot(other, j, "B", t + 2 * MINUTE)).toMatchObject({ ran: true });
    expect(runs).toBe(2);
  });

  it("a runner that died mid-run frees the lease when it expires; an error is recorded, not thrown", async () => {
    const t = Date.parse("2026-12-03T01:00:00Z");
    db.insert(jobLeases)
      .values({
        name: "test.fail",
        owner: "dead",
        leaseUntil: t + 5 * MINUTE,
        lastSlot: t,
        lastStatus: "running",
      })
      .run();
    const j = job("test.fail", () => {
      throw new Error("坏了：13912345678");
    });
    expect(await runJobSlot(other, j, "B", t + MINUTE)).toEqual({ ran: false, reason: "leased" });
    const r = await runJobSlot(other, j, "B", t + 6 * MINUTE);
    expect(r).toMatchObject({ ran: true, status: "error" });
    const row = db.select().from(jobLeases).get()!;
    expect(row.lastStatus).toBe("error");
    expect(row.lastError).toContain("139****5678");
    expect(row.lastError).not.toContain("13912345678");
  });

  it("the real jobs are idempotent: two runners, repeated slots, the second pass changes nothing", async () => {
    registerAllJobs();
    const jobs = registeredJobs().filter((j) => j.name !== "ops.backup");
    expect(jobs.map((j) => j.name).sort()).toEqual([
      "auth.limits-cleanup",
      "auth.session-cleanup",
      "community.close-proposals",
      "demo.live-class",
      "enrollment.draw-lotteries",
      "enrollment.rebalance",
      "enrollment.reminders",
      "ops.optimize",
    ]);
    const now = Date.now();
    const w = await schedulingWorld(db);
    const lottery = createOpenRun(
      db,
      w,
      { capacity: 2, enrollMode: "lottery", enrollOpensAt: now - DAY, enrollClosesAt: now + DAY },
      now,
    );
    const people = await createResidents(db, 5);
    for (const p of people) await enroll(db, p, { runId: lottery.id }, now);
    const full = createOpenRun(db, w, { capacity: 1 }, now);
    const [x, y] = await createResidents(db, 2);
    await enroll(db, x!, { runId: full.id }, now);
    await enroll(db, y!, { runId: full.id }, now);
    db.update(classRuns).set({ capacity: 2 }).where(eq(classRuns.id, full.id)).run(); // a seat freed
    createSession(db, generateSessionToken(), x!.id, now - 40 * DAY);

    const later = now + 2 * DAY;
    expect(db.select().from(rateLimits).all().length).toBeGreaterThan(0); // the enrol attempts
    const before = snapshot(db);
    // Both runners fire the same slot: one runs each job.
    const outcomes = await Promise.all(
      jobs.flatMap((j) => [runJobSlot(db, j, "A", later), runJobSlot(other, j, "B", later)]),
    );
    expect(outcomes.filter((o) => o.ran)).toHaveLength(jobs.length);
    const afterFirst = snapshot(db);
    expect(afterFirst).not.toBe(before);
    expect(runStatus(db, full.id)).toBe("full");
    expect(db.select().from(sessions).all()).toHaveLength(0);
    expect(db.select().from(rateLimits).all()).toHaveLength(0);
    // The next slots, on either runner: nothing left to do.
    for (const [i, j] of jobs.entries()) {
      const r1 = await runJobSlot(i % 2 ? db : other, j, "B", later + MINUTE);
      const r2 = await runJobSlot(i % 2 ? other : db, j, "A", later + 2 * MINUTE);
      expect([r1.ran, r2.ran]).toEqual([true, true]);
    }
    expect(snapshot(db)).toBe(afterFirst);
  });

  it("ops.optimize gives the query planner statistics of the tables that have rows", async () => {
    registerAllJobs();
    const job = registeredJobs().find((j) => j.name === "ops.optimize")!;
    const w = await schedulingWorld(db);
    const run = createOpenRun(db, w, { capacity: 2 });
    for (const p of await createResidents(db, 3)) await enroll(db, p, { runId: run.id });
    const stats = () =>
      db.$client
        .prepare(
          "SELECT tbl FROM sqlite_schema s, sqlite_stat1 t WHERE s.name = 'sqlite_stat1' AND t.tbl = 'enrollments'",
        )
        .all();
    const hasStatTable = () =>
      db.$client.prepare("SELECT 1 FROM sqlite_schema WHERE name = 'sqlite_stat1'").get() != null;
    expect(hasStatTable()).toBe(false);
    expect(await runJobSlot(db, job, "A", Date.now())).toMatchObject({ ran: true });
    expect(hasStatTable()).toBe(true);
    expect(stats().length).toBeGreaterThan(0);
  });
});
