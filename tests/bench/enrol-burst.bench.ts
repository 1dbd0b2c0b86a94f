/**
 * Enrolment burst: 1,000 concurrent no-JavaScript enrol posts from 1,000 signed-in people into one
 * 30-seat run on the built server (fresh database). Prints confirmed (must be 30), waitlisted,
 * errors and p50/p99 latency, each latency also as a ratio against the same burst of GET /healthz
 * (a trivial route) sent just before it. Five rounds (ENROL_BURST_ROUNDS), each into a run of its
 * own, and the median ratio: a single /healthz burst's p99 varied from 720 to 1,110 ms between
 * runs on this machine, which alone moved the ratio from 1.2× to 1.9×.
 *
 * Beside latency, the server's own CPU per burst (all threads, and its main thread alone, from
 * /proc): a burst is bound by the main thread, so p99 ≈ its busy time + the time it waited.
 *
 * ENROL_BURST_COMPARE='{"WRITE_CONCURRENCY":"16"}' starts a second server with those variables
 * beside the first (same build, a database of its own) and alternates the rounds between the two:
 * on this shared 2-core VM the CPU one request costs moves by a third from minute to minute, and
 * only rounds taken side by side tell two settings apart. ENROL_BURST_BEFORE_ROOT=/path/to/checkout
 * does the same with the build of another checkout (an older commit, built there first with
 * `node db/start.mjs --build --force`): two versions of the code, side by side.
 *
 *   npm run bench                                  (builds, then runs every tests/bench/*.bench.ts)
 *   npx tsx tests/bench/enrol-burst.bench.ts       (this one alone; builds if build/ is stale)
 */
import http from "node:http";
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
import { cpuMs, mainThreadCpuMs, percentile, sampleRss, treeRssMiB } from "./lib";

const REQUESTS = Number(process.env.ENROL_BURST_REQUESTS ?? 1000);
const CAPACITY = 30;
/** Rounds, each a /healthz burst and then an enrolment burst into a run of its own. */
const ROUNDS = Number(process.env.ENROL_BURST_ROUNDS ?? 5);

/** One burst of 1,000 requests at once; each one's latency, and the wall time of all. */
async function burst<T extends { ms: number }>(send: (i: number) => Promise<T>) {
  const start = performance.now();
  const results = await Promise.all(Array.from({ length: REQUESTS }, (_, i) => send(i)));
  return { results, wall: performance.now() - start };
}

type Round = {
  confirmed: number;
  dbConfirmed: number;
  waitlisted: number;
  errors: number;
  busy: number;
  p50: number;
  p99: number;
  b50: number;
  b99: number;
  wall: number;
  bWall: number;
  cpu: number;
  bCpu: number;
  main: number;
  bMain: number;
};

/** A server with its own database, warmed up as one that has been up a while. */
async function startSide(label: string, env: Record<string, string>, root?: string) {
  const prepared = await prepareEnrollDb({
    capacity: CAPACITY,
    userCount: REQUESTS,
    runs: ROUNDS + 1,
  });
  const server = await startBuiltServer({
    dbFile: prepared.file,
    env: { ENROL_LIMIT_PER_USER: "1000", ...env },
    root,
  });
  const idle = treeRssMiB(server.child.pid!);
  const rss = sampleRss(server.child.pid!, 100);
  // Warm up both routes, the enrolment post too (into a run of its own): neither burst then pays
  // for module loading or unoptimised code.
  const [warmRun, ...runIds] = prepared.runIds;
  await fetch(`${server.url}/classes/${warmRun}`).then((r) => r.text());
  for (let i = 0; i < 200; i += 20)
    await Promise.all(
      Array.from({ length: 20 }, (_, j) =>
        Promise.all([
          httpRequest("GET", `${server.url}/healthz`),
          postEnroll(server.url, warmRun!, prepared.tokens[i + j]!),
        ]),
      ),
    );
  return { label, prepared, server, runIds, idle, rss, rounds: [] as Round[] };
}
type Side = Awaited<ReturnType<typeof startSide>>;

async function burstRound(side: Side, runId: number): Promise<Round> {
  const { server, prepared } = side;
  // The server's own CPU for each burst: unlike latency, hardly moved by the load generator.
  const pid = server.child.pid!;
  const cpu0 = cpuMs(pid);
  const main0 = mainThreadCpuMs(pid);
  const baseline = await burst(async () => {
    const t = performance.now();
    const res = await httpRequest("GET", `${server.url}/healthz`);
    return { ok: res.status === 200, ms: performance.now() - t };
  });
  const cpu1 = cpuMs(pid);
  const main1 = mainThreadCpuMs(pid);
  const posts = await burst((i) =>
    postEnroll(server.url, runId, prepared.tokens[i]!).catch((e: unknown) => ({
      status: 0,
      location: "",
      body: String(e),
      ms: NaN,
    })),
  );
  const cpu2 = cpuMs(pid);
  const main2 = mainThreadCpuMs(pid);
  const outcomes = posts.results.map((r) => outcomeOf(r.location || "/"));
  const errors = posts.results.filter((r) => r.status === 0 || r.status >= 500);
  const db = openDatabase(prepared.file);
  const dbConfirmed = db
    .select({ status: enrollments.status })
    .from(enrollments)
    .where(eq(enrollments.runId, runId))
    .all()
    .filter((r) => r.status === "confirmed").length;
  db.$client.close();
  const lat = posts.results
    .map((r) => r.ms)
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  const base = baseline.results.map((r) => r.ms).sort((a, b) => a - b);
  return {
    confirmed: outcomes.filter((o) => o.result === "confirmed").length,
    dbConfirmed,
    waitlisted: outcomes.filter((o) => o.result === "waitlisted").length,
    errors: errors.length,
    busy: errors.filter((r) => /SQLITE_BUSY|database is locked/i.test(r.body)).length,
    p50: percentile(lat, 50),
    p99: percentile(lat, 99),
    b50: percentile(base, 50),
    b99: percentile(base, 99),
    wall: posts.wall,
    bWall: baseline.wall,
    cpu: cpu2 - cpu1,
    bCpu: cpu1 - cpu0,
    main: main2 - main1,
    bMain: main1 - main0,
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function summarise(side: Side) {
  const { rounds } = side;
  const ratio = median(rounds.map((r) => r.p99 / r.b99));
  const exact = rounds.every((r) => r.confirmed === CAPACITY && r.dbConfirmed === CAPACITY);
  const busyShare = (main: number, wall: number) => `${((100 * main) / wall).toFixed(0)} %`;
  console.log(
    `\n${side.label}: p99 ÷ the /healthz burst's p99, median of ${rounds.length} rounds: ${ratio.toFixed(2)}× (target ≤ 1.5×: ${ratio <= 1.5 ? "met" : "NOT met"}); ` +
      `exactly ${CAPACITY} confirmed in every round: ${exact ? "met" : "NOT met"}; errors: ${rounds.reduce((n, r) => n + r.errors, 0)}`,
  );
  console.log(
    `  server CPU per enrolment post, median: ${(median(rounds.map((r) => r.cpu)) / REQUESTS).toFixed(2)} ms, ` +
      `its main thread ${(median(rounds.map((r) => r.main)) / REQUESTS).toFixed(2)} ms ` +
      `(a /healthz request: ${(median(rounds.map((r) => r.bCpu)) / REQUESTS).toFixed(2)} ms, ${(median(rounds.map((r) => r.bMain)) / REQUESTS).toFixed(2)} ms)`,
  );
  console.log(
    `  main thread busy, median: ${busyShare(median(rounds.map((r) => r.main)), median(rounds.map((r) => r.wall)))} of an enrolment burst's wall time, ` +
      `${busyShare(median(rounds.map((r) => r.bMain)), median(rounds.map((r) => r.bWall)))} of a /healthz burst's`,
  );
  console.log(
    `  server tree RSS: idle ${side.idle.toFixed(0)} MiB, peak ${side.rss.stop().toFixed(0)} MiB during the bursts`,
  );
  return { rounds, ratio, exact };
}

export async function run() {
  ensureBuild();
  // Every request on a connection of its own, as from 1,000 phones: no pool of sockets left over
  // from the previous burst (node:http's global agent keeps them alive since Node 19).
  http.globalAgent = new http.Agent({ keepAlive: false });
  const compare = process.env.ENROL_BURST_COMPARE
    ? (JSON.parse(process.env.ENROL_BURST_COMPARE) as Record<string, string>)
    : null;
  const beforeRoot = process.env.ENROL_BURST_BEFORE_ROOT;
  const sides = [await startSide("as configured", {})];
  if (compare) sides.push(await startSide(`with ${JSON.stringify(compare)}`, compare));
  else if (beforeRoot) sides.push(await startSide(`before (${beforeRoot})`, {}, beforeRoot));
  const paired = sides.length > 1;
  try {
    console.log(
      `\n报名并发 (enrol burst): ${REQUESTS} concurrent POST /classes/:id intent=enroll into a ${CAPACITY}-seat run, ` +
        `${ROUNDS} rounds, each right after the same burst of GET /healthz (its baseline)` +
        (paired ? `; two servers side by side, rounds alternating between them` : "") +
        "\n",
    );
    console.log(
      `| round${paired ? " | server" : ""} | confirmed (database) | waitlisted | errors | p50 ms (× /healthz) | p99 ms (× /healthz) | wall ms (× /healthz) | server CPU ms (× /healthz) | main thread ms (× /healthz) |`,
    );
    console.log(`|---${paired ? "|---" : ""}|---|--:|--:|--:|--:|--:|--:|--:|`);
    const x = (a: number, b: number) => `${a.toFixed(0)} (${(a / b).toFixed(2)})`;
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate which server goes first, so neither always follows the other's burst.
      for (const side of round % 2 ? [...sides].reverse() : sides) {
        const r = await burstRound(side, side.runIds[round]!);
        side.rounds.push(r);
        console.log(
          `| ${round + 1}${paired ? ` | ${side.label}` : ""} | ${r.confirmed} (${r.dbConfirmed}) | ${r.waitlisted} | ${r.errors}${r.busy ? ` (${r.busy} SQLITE_BUSY)` : ""} | ${x(r.p50, r.b50)} | ${x(r.p99, r.b99)} | ${x(r.wall, r.bWall)} | ${x(r.cpu, r.bCpu)} | ${x(r.main, r.bMain)} |`,
        );
      }
    }
    const results = sides.map(summarise);
    return { ...results[0]!, compared: results[1] ?? null };
  } finally {
    for (const side of sides) {
      await side.server.stop();
      side.prepared.cleanup();
    }
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const r = await run();
  process.exit(r.exact && (r.compared?.exact ?? true) ? 0 : 1);
}
