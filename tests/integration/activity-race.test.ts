/**
 * Activity registration under a real race, modelled on enrol-race.test.ts: the BUILT app in two
 * server processes on one SQLite file, 150 parallel no-JavaScript posts (`intent=register`) from
 * 150 signed-in people into one 20-seat activity. The seat is taken by the enrolment module's
 * guarded write (seat target `activity`): exactly 20 confirmed, 130 waitlisted in distinct places.
 */
import { eq } from "drizzle-orm";
import { openDatabase } from "@db/client";
import { academies, activityRegistrations } from "@db/schema";
import { insertActivity } from "@tests/factories/activities";
import {
  ensureBuild,
  httpRequest,
  outcomeOf,
  prepareEnrollDb,
  startBuiltServer,
  type BuiltServer,
} from "@tests/factories/built-server";

const CAPACITY = 20;
const PEOPLE = 150;

let servers: BuiltServer[] = [];
let prepared: Awaited<ReturnType<typeof prepareEnrollDb>> | undefined;
let activityId = 0;

beforeAll(async () => {
  ensureBuild();
  prepared = await prepareEnrollDb({ capacity: 5, userCount: PEOPLE });
  const db = openDatabase(prepared.file);
  const academy = db.select().from(academies).get()!;
  activityId = insertActivity(db, academy.id, {
    registration: true,
    capacity: CAPACITY,
    title: "重阳敬老游园会",
  }).id;
  db.$client.close();
  servers = await Promise.all([
    startBuiltServer({ dbFile: prepared.file }),
    startBuiltServer({ dbFile: prepared.file }),
  ]);
}, 360_000);

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  prepared?.cleanup();
}, 30_000);

describe("activity registration under a burst of parallel requests", () => {
  it("never oversells: exactly the capacity confirmed, everyone else waitlisted in distinct places", async () => {
    const p = prepared!;
    const results = await Promise.all(
      p.tokens.map((token, i) => {
        const url = servers[i % servers.length]!.url;
        return httpRequest(
          "POST",
          `${url}/activities/${activityId}`,
          {
            "Content-Type": "application/x-www-form-urlencoded",
            Cookie: `session=${token}`,
            Origin: url,
          },
          new URLSearchParams({ intent: "register" }).toString(),
        );
      }),
    );
    expect(results.filter((r) => r.status >= 500).map((r) => r.body.slice(0, 200))).toEqual([]);
    for (const r of results) expect([302, 303]).toContain(r.status);
    const outcomes = results.map((r) => outcomeOf(r.location));
    expect(outcomes.filter((o) => o.result === "confirmed")).toHaveLength(CAPACITY);
    const waitlisted = outcomes.filter((o) => o.result === "waitlisted");
    expect(waitlisted).toHaveLength(PEOPLE - CAPACITY);
    expect(waitlisted.map((o) => o.position).sort((a, b) => a! - b!)).toEqual(
      Array.from({ length: PEOPLE - CAPACITY }, (_, i) => i + 1),
    );

    const db = openDatabase(p.file);
    try {
      const rows = db
        .select()
        .from(activityRegistrations)
        .where(eq(activityRegistrations.activityId, activityId))
        .all();
      expect(rows.filter((r) => r.status === "confirmed")).toHaveLength(CAPACITY);
      expect(rows.filter((r) => r.status === "waitlisted")).toHaveLength(PEOPLE - CAPACITY);
      expect(new Set(rows.map((r) => r.userId)).size).toBe(PEOPLE);
    } finally {
      db.$client.close();
    }
  }, 120_000);
});
