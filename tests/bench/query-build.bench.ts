/**
 * What building one drizzle select costs (µs, in this process, no database work): the query the
 * learning record runs for upcoming classes, built 5,000 times, 3 rounds. app/patches'
 * drizzle-orm patch (the entity check answered once per pair of classes) took it from about
 * 165 µs to about 58 µs here; signed-in pages build 5–15 such queries per request.
 *
 *   npx tsx tests/bench/query-build.bench.ts
 */
import { pathToFileURL } from "node:url";
import { and, asc, eq, gt, inArray } from "drizzle-orm";
import { classSessions, enrollments, rooms } from "@db/schema";
import { createTestDb } from "../factories/db";

export async function run() {
  const db = createTestDb();
  try {
    const q = () =>
      db
        .select({
          sessionId: classSessions.id,
          runId: classSessions.runId,
          startsAt: classSessions.startsAt,
          roomName: rooms.name,
          enrollmentId: enrollments.id,
        })
        .from(classSessions)
        .innerJoin(enrollments, eq(enrollments.runId, classSessions.runId))
        .innerJoin(rooms, eq(rooms.id, classSessions.roomId))
        .where(and(inArray(enrollments.id, [1, 2, 3]), gt(classSessions.endsAt, 5)))
        .orderBy(asc(classSessions.startsAt))
        .limit(12)
        .toSQL();
    const out: number[] = [];
    for (let r = 0; r < 3; r++) {
      const t = performance.now();
      for (let i = 0; i < 5000; i++) q();
      out.push(((performance.now() - t) / 5000) * 1000);
    }
    console.log(
      `building one select: ${out.map((n) => n.toFixed(1)).join(" / ")} µs (3 rounds of 5,000; the first includes warm-up)`,
    );
    return out;
  } finally {
    db.cleanup();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  await run();
}
