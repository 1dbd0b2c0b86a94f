/**
 * A real race: the BUILT app served by remix-serve — two server processes on the same SQLite file,
 * so the immediate transactions really contend — and 250 parallel no-JavaScript form posts
 * (`intent=enroll`, with an Origin header) from 250 signed-in people into one 30-seat run.
 * Exactly 30 confirmed, the other 220 waitlisted with distinct positions, no 5xx, no SQLITE_BUSY.
 */
import { and, eq } from "drizzle-orm";
import { openDatabase } from "@db/client";
import { classRuns, enrollments } from "@db/schema";
import {
  ensureBuild,
  outcomeOf,
  postEnroll,
  prepareEnrollDb,
  startBuiltServer,
  type BuiltServer,
} from "@tests/factories/built-server";

const CAPACITY = 30;
const PEOPLE = 250;

let servers: BuiltServer[] = [];
let prepared: Awaited<ReturnType<typeof prepareEnrollDb>> | undefined;

beforeAll(async () => {
  ensureBuild();
  prepared = await prepareEnrollDb({ capacity: CAPACITY, userCount: PEOPLE });
  servers = await Promise.all([
    startBuiltServer({ dbFile: prepared.file }),
    startBuiltServer({ dbFile: prepared.file }),
  ]);
}, 360_000);

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  prepared?.cleanup();
}, 30_000);

describe("enrolment under a burst of parallel requests", () => {
  it("never oversells: exactly the capacity confirmed, everyone else waitlisted in distinct places", async () => {
    const p = prepared!;
    const results = await Promise.all(
      p.tokens.map((token, i) => postEnroll(servers[i % servers.length]!.url, p.runId, token)),
    );

    const serverErrors = results.filter((r) => r.status >= 500);
    expect(serverErrors, serverErrors.map((r) => r.body.slice(0, 200)).join("\n")).toHaveLength(0);
    expect(results.some((r) => /SQLITE_BUSY|database is locked/i.test(r.body + r.location))).toBe(
      false,
    );
    for (const r of results) expect([302, 303]).toContain(r.status);

    const outcomes = results.map((r) => outcomeOf(r.location));
    const confirmed = outcomes.filter((o) => o.result === "confirmed");
    const waitlisted = outcomes.filter((o) => o.result === "waitlisted");
    expect(outcomes.filter((o) => o.result === "refused")).toEqual([]);
    expect(confirmed).toHaveLength(CAPACITY);
    expect(waitlisted).toHaveLength(PEOPLE - CAPACITY);
    // Every waitlisted person was told a place; the places are 1 … 220, each once.
    expect(waitlisted.map((o) => o.position).sort((a, b) => a! - b!)).toEqual(
      Array.from({ length: PEOPLE - CAPACITY }, (_, i) => i + 1),
    );

    const db = openDatabase(p.file);
    try {
      const rows = db.select().from(enrollments).where(eq(enrollments.runId, p.runId)).all();
      expect(rows.filter((r) => r.status === "confirmed")).toHaveLength(CAPACITY);
      expect(rows.filter((r) => r.status === "waitlisted")).toHaveLength(PEOPLE - CAPACITY);
      expect(new Set(rows.map((r) => r.userId)).size).toBe(PEOPLE);
      const keys = rows.filter((r) => r.status === "waitlisted").map((r) => r.queueKey);
      expect(new Set(keys).size).toBe(keys.length);
      expect(db.select().from(classRuns).where(eq(classRuns.id, p.runId)).get()!.status).toBe(
        "full",
      );
    } finally {
      db.$client.close();
    }
  }, 120_000);

  it("a second burst from the same people is refused as a duplicate, database unchanged", async () => {
    const p = prepared!;
    const db = openDatabase(p.file);
    const count = () =>
      db
        .select()
        .from(enrollments)
        .where(and(eq(enrollments.runId, p.runId)))
        .all().length;
    try {
      const before = count();
      const again = await Promise.all(
        p.tokens
          .slice(0, 60)
          .map((token, i) => postEnroll(servers[i % servers.length]!.url, p.runId, token)),
      );
      expect(again.filter((r) => r.status >= 500)).toHaveLength(0);
      expect(again.map((r) => outcomeOf(r.location).reason)).toEqual(
        Array(60).fill("already_enrolled"),
      );
      expect(count()).toBe(before);
    } finally {
      db.$client.close();
    }
  }, 120_000);
});
