/**
 * Memory of the server under load, with and without the V8 heap limits `npm start` runs it with
 * (SERVER_NODE_FLAGS in db/start.mjs): the built server started twice side by side on copies of
 * the city database, once as `node build/server/index.js` with no flags and once with the flags
 * (add BENCH_FLAGS="--flag … | --flag …" to compare other sets). For each: resident memory idle
 * (after start-up and a few pages) and its peak (sampled every 100 ms) while autocannon loads
 * /courses, /academies, /me as a resident and the manager's week in alternating windows, the
 * V8 heap limit the process reports, req/s, and the server's CPU milliseconds per request
 * (/proc/<pid>/stat around each window: steadier than req/s on a shared machine).
 * Target (issue 17): the server stays ≤ 400 MB under these runs, without losing throughput.
 *
 *   BENCH_REUSE_DB=/path/to/bench-city.sqlite npx tsx tests/bench/memory.bench.ts
 */
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { SERVER_NODE_FLAGS } from "@db/start.mjs";
import { ensureBuild, startBuiltServer, type BuiltServer } from "../factories/built-server";
import { prepareBenchDb } from "./data";
import { benchSeconds, cpuMs, load, sampleRss, treeRssMiB } from "./lib";

/** The heap limit the server logged at start (MiB), read before request logs push it out. */
function heapLimit(s: BuiltServer) {
  const m = /"heapLimitMiB":(\d+)/.exec(s.output());
  return m ? Number(m[1]) : NaN;
}

export async function run() {
  ensureBuild();
  const d = await prepareBenchDb();
  const sets: string[][] = [
    [],
    SERVER_NODE_FLAGS,
    ...(process.env.BENCH_FLAGS ?? "")
      .split("|")
      .map((s) => s.trim())
      .filter(Boolean)
      .map((s) => s.split(/\s+/)),
  ];
  const servers: { flags: string[]; s: BuiltServer; limit: number }[] = [];
  try {
    for (const [i, flags] of sets.entries()) {
      const file = i === 0 ? d.file : d.file.replace(/\.sqlite$/, `-mem${i}.sqlite`);
      if (i > 0) fs.copyFileSync(d.file, file);
      const s = await startBuiltServer({
        dbFile: file,
        nodeFlags: flags,
        env: {
          LOGIN_LIMIT_PER_IP: "100000",
          JOBS: "0",
          BACKUP_DIR: path.join(path.dirname(file), `backups-mem${i}`),
        },
      });
      servers.push({ flags, s, limit: heapLimit(s) });
    }
    const targets: [string, string, string | undefined][] = [
      ["/courses", "/courses", undefined],
      ["/academies", "/academies", undefined],
      ["/me (resident)", "/me", d.cookies.resident],
      ["/manage (manager)", `/manage/${d.slug}`, d.cookies.manager],
    ];
    for (const { s } of servers)
      for (const [, p, cookie] of targets)
        await fetch(s.url + p, { headers: cookie ? { cookie } : {} }).then((r) => r.arrayBuffer());
    await new Promise((r) => setTimeout(r, 5000));
    const idle = servers.map(({ s }) => treeRssMiB(s.child.pid!));
    const samplers = servers.map(({ s }) => sampleRss(s.child.pid!, 100));
    const rounds = 2;
    const window = Math.max(1, Math.round(benchSeconds() / rounds));
    const stats = servers.map(() => targets.map(() => ({ requests: 0, ms: 0, cpu: 0 })));
    for (let r = 0; r < rounds; r++) {
      for (const [ti, [, p, cookie]] of targets.entries()) {
        for (let k = 0; k < servers.length; k++) {
          const si = (k + r) % servers.length;
          const { s } = servers[si]!;
          const cpu0 = cpuMs(s.child.pid!);
          const t0 = performance.now();
          const res = await load(s.url + p, {
            connections: 20,
            seconds: window,
            headers: cookie ? { cookie } : {},
          });
          if (res.non2xx) throw new Error(`${p}: ${res.non2xx} non-2xx answers`);
          const st = stats[si]![ti]!;
          st.ms += performance.now() - t0;
          st.requests += res.requests.total;
          st.cpu += cpuMs(s.child.pid!) - cpu0;
        }
      }
    }
    const peaks = samplers.map((x) => x.stop());
    console.log(`\n服务器内存与 V8 堆上限 (server memory, with and without the heap limits):\n`);
    for (const [i, { flags, limit }] of servers.entries()) {
      console.log(
        `  ${flags.join(" ") || "(no flags)"}: heap limit ${limit} MiB, RSS idle ${idle[i]!.toFixed(0)} MiB, peak ${peaks[i]!.toFixed(0)} MiB (target ≤ 400: ${peaks[i]! <= 400 ? "met" : "NOT met"})`,
      );
      for (const [ti, [label]] of targets.entries()) {
        const st = stats[i]![ti]!;
        console.log(
          `    ${label.padEnd(20)} ${(st.requests / (st.ms / 1000)).toFixed(0).padStart(6)} req/s  ${(st.cpu / st.requests).toFixed(2).padStart(6)} CPU ms/request`,
        );
      }
    }
    return { idle, peaks, stats };
  } finally {
    for (const { s } of servers) await s.stop();
    d.cleanup();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  await run();
}
