/**
 * Enrolment burst: 1,000 concurrent no-JavaScript enrol posts from 1,000 signed-in people into one
 * 30-seat run on the built server (remix-serve, fresh database). Prints confirmed (must be 30),
 * waitlisted, errors and p50/p99 latency, each latency also as a ratio against the same burst of
 * GET /healthz (a trivial route) on the same server.
 *
 *   npm run bench                                  (builds, then runs every tests/bench/*.bench.ts)
 *   npx tsx tests/bench/enrol-burst.bench.ts       (this one alone; builds if build/ is stale)
 */
import { eq } from "drizzle-orm";
import { pathToFileURL } from "node:url";
import { openDatabase } from "@db/client";
import { enrollments } from "@db/schema";
import {
  ensureBuild,
  httpRequest,
  outcomeOf,
  postEnroll,
  prepareEnrollDb,
  startBuiltServer,
} from "../factories/built-server";
import { percentile, sampleRss, treeRssMiB } from "./lib";

const REQUESTS = Number(process.env.ENROL_BURST_REQUESTS ?? 1000);
const CAPACITY = 30;

const fmt = (ms: number) => `${ms.toFixed(1)} ms`;

export async function run() {
  ensureBuild();
  const prepared = await prepareEnrollDb({ capacity: CAPACITY, userCount: REQUESTS });
  const server = await startBuiltServer({
    dbFile: prepared.file,
    env: { ENROL_LIMIT_PER_USER: "1000" },
  });
  try {
    const idle = treeRssMiB(server.child.pid!);
    const rss = sampleRss(server.child.pid!, 100);
    // Warm up both routes so neither pays for module loading.
    await fetch(`${server.url}/healthz`).then((r) => r.text());
    await fetch(`${server.url}/classes/${prepared.runId}`).then((r) => r.text());

    const baselineStart = performance.now();
    const baseline = await Promise.all(
      Array.from({ length: REQUESTS }, async () => {
        const t = performance.now();
        const res = await httpRequest("GET", `${server.url}/healthz`);
        return { ok: res.status === 200, ms: performance.now() - t };
      }),
    );
    const baselineWall = performance.now() - baselineStart;

    const burstStart = performance.now();
    const results = await Promise.all(
      prepared.tokens.map((token) =>
        postEnroll(server.url, prepared.runId, token).catch((e: unknown) => ({
          status: 0,
          location: "",
          body: String(e),
          ms: NaN,
        })),
      ),
    );
    const burstWall = performance.now() - burstStart;

    const outcomes = results.map((r) => outcomeOf(r.location || "/"));
    const confirmed = outcomes.filter((o) => o.result === "confirmed").length;
    const waitlisted = outcomes.filter((o) => o.result === "waitlisted").length;
    const refused = outcomes.filter((o) => o.result === "refused").length;
    const errors = results.filter((r) => r.status === 0 || r.status >= 500).length;
    const busy = results.filter((r) => /SQLITE_BUSY|database is locked/i.test(r.body)).length;
    const kinds = new Map<string, number>();
    for (const r of results.filter((x) => x.status === 0 || x.status >= 500)) {
      const k = r.status === 0 ? `network: ${r.body.slice(0, 120)}` : `HTTP ${r.status}`;
      kinds.set(k, (kinds.get(k) ?? 0) + 1);
    }

    const db = openDatabase(prepared.file);
    const rows = db
      .select({ status: enrollments.status })
      .from(enrollments)
      .where(eq(enrollments.runId, prepared.runId))
      .all();
    db.$client.close();
    const dbConfirmed = rows.filter((r) => r.status === "confirmed").length;

    const lat = results
      .map((r) => r.ms)
      .filter(Number.isFinite)
      .sort((a, b) => a - b);
    const base = baseline.map((r) => r.ms).sort((a, b) => a - b);
    const [p50, p99, b50, b99] = [
      percentile(lat, 50),
      percentile(lat, 99),
      percentile(base, 50),
      percentile(base, 99),
    ];

    console.log(
      `\n报名并发 (enrol burst): ${REQUESTS} concurrent POST /classes/:id intent=enroll into a ${CAPACITY}-seat run`,
    );
    console.log(
      `  confirmed          ${confirmed} (database: ${dbConfirmed}) ${
        confirmed === CAPACITY && dbConfirmed === CAPACITY ? "OK" : "WRONG — must be " + CAPACITY
      }`,
    );
    console.log(`  waitlisted         ${waitlisted}`);
    console.log(`  refused            ${refused}`);
    console.log(`  errors (5xx/net)   ${errors}   SQLITE_BUSY in responses: ${busy}`);
    for (const [k, n] of kinds) console.log(`    ${n} × ${k}`);
    console.log(
      `  latency p50        ${fmt(p50)}  = ${(p50 / b50).toFixed(1)}× GET /healthz p50 (${fmt(
        b50,
      )})`,
    );
    console.log(
      `  latency p99        ${fmt(p99)}  = ${(p99 / b99).toFixed(1)}× GET /healthz p99 (${fmt(
        b99,
      )})`,
    );
    console.log(
      `  wall time          ${fmt(burstWall)} (${((REQUESTS / burstWall) * 1000).toFixed(
        0,
      )} req/s) vs ${fmt(baselineWall)} for the /healthz burst = ${(
        burstWall / baselineWall
      ).toFixed(1)}×`,
    );
    console.log(
      `  target             p99 within 1.5× the /healthz burst's p99: ${p99 / b99 <= 1.5 ? "met" : "NOT met"}; exactly ${CAPACITY} confirmed: ${
        confirmed === CAPACITY && dbConfirmed === CAPACITY ? "met" : "NOT met"
      }`,
    );
    console.log(
      `  server tree RSS    idle ${idle.toFixed(0)} MiB, peak ${rss.stop().toFixed(0)} MiB during the bursts`,
    );
    return { confirmed, dbConfirmed, waitlisted, refused, errors, busy, p50, p99, b50, b99 };
  } finally {
    await server.stop();
    prepared.cleanup();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const r = await run();
  process.exit(r.confirmed === CAPACITY && r.dbConfirmed === CAPACITY ? 0 : 1);
}
