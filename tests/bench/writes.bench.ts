/**
 * Reads under writes (抢课): WRITERS signed-in residents (default 50) loop enrol → cancel on one
 * open run as fast as the server answers, while 10 connections read /classes and /courses in turn.
 * Prints the reads alone, the reads during the loop (throughput kept, p50, p99, the slowest read
 * of the first second) in WRITES_ROUNDS alternating rounds (default 3) and over all, the writes'
 * rate and p99, and the server tree's RSS before and after.
 * Target (issue 17): reads keep ≥ half their throughput with p99 < 300 ms.
 *
 *   npx tsx tests/bench/writes.bench.ts
 */
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import Database from "better-sqlite3";
import { ensureBuild, startBuiltServer } from "../factories/built-server";
import { prepareBenchDb } from "./data";
import { benchSeconds, load, percentile, sampleRss, treeRssMiB } from "./lib";

/**
 * Each writer: enrol, cancel, enrol, … for `seconds`; every post's latency and the failures. Runs
 * in a worker thread of its own: the writers are other residents' phones, and on the bench's own
 * thread their client work (about 1,000 requests a second) would starve the read generator and be
 * counted against the server.
 */
const WRITE_LOOP = `
const http = require("node:http");
const { parentPort, workerData } = require("node:worker_threads");
const { url, cookies, seconds } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: 1000 });
const u = new URL(url);
function post(cookie, body) {
  return new Promise((resolve, reject) => {
    const req = http.request(u, {
      method: "POST",
      agent,
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        "content-length": String(Buffer.byteLength(body)),
        cookie,
        origin: u.origin,
      },
    }, (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode || 0, location: String(res.headers.location || "") }));
    });
    req.on("error", reject);
    req.end(body);
  });
}
const until = performance.now() + seconds * 1000;
const lat = [];
let failed = 0;
Promise.all(cookies.map(async (cookie) => {
  let intent = "enroll";
  while (performance.now() < until) {
    const t = performance.now();
    try {
      const r = await post(cookie, "intent=" + intent);
      lat.push(performance.now() - t);
      if (r.status !== 302 && r.status !== 303) failed++;
      else if (/result=refused/.test(r.location)) failed++;
    } catch {
      failed++;
    }
    intent = intent === "enroll" ? "cancel" : "enroll";
  }
  // Leave every writer signed out of the class, ready for the next round (not timed).
  if (intent === "cancel") await post(cookie, "intent=cancel").catch(() => {});
})).then(() => { agent.destroy(); parentPort.postMessage({ lat, failed }); });
`;

function writeLoop(url: string, cookies: string[], seconds: number) {
  return new Promise<{ lat: number[]; failed: number }>((resolve, reject) => {
    const w = new Worker(WRITE_LOOP, { eval: true, workerData: { url, cookies, seconds } });
    w.once("message", (m: { lat: number[]; failed: number }) => {
      resolve({ lat: m.lat.sort((a, b) => a - b), failed: m.failed });
      void w.terminate();
    });
    w.once("error", reject);
  });
}

export async function run() {
  ensureBuild();
  const d = await prepareBenchDb();
  const server = await startBuiltServer({
    dbFile: d.file,
    env: { ENROL_LIMIT_PER_USER: "1000000" },
  });
  const seconds = benchSeconds();
  const target = `${server.url}/classes/${d.writeRunId}`;
  try {
    const idle = treeRssMiB(server.child.pid!);
    const rss = sampleRss(server.child.pid!);
    // WRITES_READ_HOT=1: the listing read is the academy's, which shows the class being rushed, so
    // every enrolment changes it (the city's first page does not show it).
    const listing = process.env.WRITES_READ_HOT
      ? `/classes?district=&academy=${academyOf(d.file, d.writeRunId)}`
      : "/classes";
    const readUrls = [`${server.url}${listing}`, `${server.url}/courses`];
    // Warm both reads; then rounds of the reads alone and the same reads during the write loop
    // (which starts first and runs a little longer), so that a drift of the machine between two
    // windows moves both sides alike. Totals over all rounds.
    for (const u of readUrls) await load(u, { connections: 10, seconds: 1 });
    const rounds: { alone: Reads; during: Reads; writes: number }[] = [];
    const lat: number[] = [];
    let failed = 0;
    for (let r = 0; r < ROUNDS; r++) {
      const alone = await readBoth(readUrls, seconds);
      const writes = writeLoop(target, d.writerCookies, seconds + 2);
      const during = await readBoth(readUrls, seconds);
      const w = await writes;
      lat.push(...w.lat);
      failed += w.failed;
      rounds.push({ alone, during, writes: w.lat.length / (seconds + 2) });
    }
    lat.sort((a, b) => a - b);
    const peak = rss.stop();
    const alone = merge(rounds.map((r) => r.alone));
    const during = merge(rounds.map((r) => r.during));
    const w = { lat, failed };
    const writeSeconds = ROUNDS * (seconds + 2);
    const kept = during.rps / alone.rps;
    console.log(
      `\n读写并发 (reads under an enrol/cancel loop): ${d.writerCookies.length} writers on /classes/${d.writeRunId}, 10 connections reading ${listing} and /courses\n`,
    );
    console.log(
      `| reads | req/s | of which ${listing} / /courses | p50 ms | p99 ms | slowest in the first second |`,
    );
    console.log(`|---|---:|---:|---:|---:|---:|`);
    for (const [name, m] of [
      ...rounds.flatMap((r, i) => [
        [`round ${i + 1}: alone`, r.alone] as const,
        [`round ${i + 1}: during ${r.writes.toFixed(0)} POST/s`, r.during] as const,
      ]),
      [`all ${ROUNDS} rounds: alone`, alone],
      [`all ${ROUNDS} rounds: during the write loop`, during],
    ] as const)
      console.log(
        `| ${name} | ${m.rps.toFixed(0)} | ${m.perUrl.map((n) => n.toFixed(0)).join(" / ")} | ${m.p50.toFixed(0)} | ${m.p99.toFixed(0)} | ${m.firstSecondMax.toFixed(0)} |`,
      );
    console.log(
      `\nwrites: ${(w.lat.length / writeSeconds).toFixed(0)} POST/s, p50 ${percentile(w.lat, 50).toFixed(0)} ms, p99 ${percentile(w.lat, 99).toFixed(0)} ms, ${w.failed} failed or refused`,
    );
    console.log(
      `reads kept ${(kept * 100).toFixed(0)} % of their throughput (rounds: ${rounds.map((r) => `${((r.during.rps / r.alone.rps) * 100).toFixed(0)} %`).join(", ")}) (target ≥ 50 %: ${kept >= 0.5 ? "met" : "NOT met"}), p99 ${during.p99.toFixed(0)} ms (target < 300 ms: ${during.p99 < 300 ? "met" : "NOT met"})`,
    );
    console.log(
      `server tree RSS: idle ${idle.toFixed(0)} MiB, peak ${peak.toFixed(0)} MiB, after ${treeRssMiB(server.child.pid!).toFixed(0)} MiB`,
    );
    return {
      alone,
      during,
      writes: { rps: w.lat.length / writeSeconds, p99: percentile(w.lat, 99), failed: w.failed },
    };
  } finally {
    await server.stop();
    d.cleanup();
  }
}

function academyOf(file: string, runId: number) {
  const db = new Database(file, { readonly: true });
  try {
    return (
      db.prepare("SELECT academy_id AS id FROM class_runs WHERE id = ?").get(runId) as {
        id: number;
      }
    ).id;
  } finally {
    db.close();
  }
}

/** Rounds of reads alone and reads during the loop (WRITES_ROUNDS). */
const ROUNDS = Number(process.env.WRITES_ROUNDS ?? 3);

type Reads = Awaited<ReturnType<typeof readBoth>>;

/** Windows of reads as one: their requests over their seconds, their latencies together. */
function merge(windows: Reads[]) {
  const lat = windows.flatMap((w) => w.lat).sort((a, b) => a - b);
  const seconds = windows.reduce((s, w) => s + w.seconds, 0);
  return {
    rps: lat.length / seconds,
    perUrl: windows[0]!.perUrl.map(
      (_, i) => windows.reduce((n, w) => n + w.perUrl[i]! * w.seconds, 0) / seconds,
    ),
    p50: percentile(lat, 50),
    p99: percentile(lat, 99),
    firstSecondMax: Math.max(...windows.map((w) => w.firstSecondMax)),
  };
}

/** 10 connections, half on each URL, for `seconds`; the latencies of both together, and each
 * URL's own rate (which of the two the writes hold back). */
async function readBoth(urls: string[], seconds: number) {
  const lat: number[] = [];
  const counts = urls.map(() => 0);
  let firstSecondMax = 0;
  let non2xx = 0;
  const start = performance.now();
  await Promise.all(
    urls.map((u, i) =>
      load(u, {
        connections: Math.ceil(10 / urls.length),
        seconds,
        onResponse: (ms, status) => {
          lat.push(ms);
          counts[i]!++;
          if (status !== 200) non2xx++;
          if (performance.now() - start < 1000 + ms) firstSecondMax = Math.max(firstSecondMax, ms);
        },
      }),
    ),
  );
  lat.sort((a, b) => a - b);
  return {
    lat,
    seconds,
    rps: lat.length / seconds,
    perUrl: counts.map((n) => n / seconds),
    p50: percentile(lat, 50),
    p99: percentile(lat, 99),
    firstSecondMax,
    non2xx,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  await run();
}
