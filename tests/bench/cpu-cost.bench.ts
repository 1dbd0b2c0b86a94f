/**
 * CPU milliseconds the server spends per request, read from /proc/<pid>/stat (user + system time)
 * around a fixed number of requests (autocannon, 10 connections, no compression). Unlike req/s,
 * this hardly moves when other work shares the machine, so before/after and × bare Remix stay
 * comparable on a busy 2-core box: "× bare" = bare Remix's CPU per request ÷ the page's.
 *
 *   BENCH_REUSE_DB=/tmp/city.sqlite BENCH_BEFORE_ROOT=/path/to/older/checkout npx tsx tests/bench/cpu-cost.bench.ts
 */
import { pathToFileURL } from "node:url";
import autocannon from "autocannon";
import { ensureBuild, startBuiltServer } from "../factories/built-server";
import { prepareBenchDb } from "./data";
import { cpuMs } from "./lib";
import { startBare, startBefore } from "./servers";

async function cost(pid: number, url: string, headers: Record<string, string>, amount: number) {
  await new Promise((r, j) =>
    autocannon({ url, connections: 10, amount: 50, headers }, (e, res) => (e ? j(e) : r(res))),
  );
  const before = cpuMs(pid);
  const res = await new Promise<autocannon.Result>((r, j) =>
    autocannon({ url, connections: 10, amount, headers }, (e, out) => (e ? j(e) : r(out))),
  );
  const used = cpuMs(pid) - before;
  if (res.non2xx) throw new Error(`${url}: ${res.non2xx} non-2xx answers`);
  return used / res.requests.total;
}

export async function run() {
  ensureBuild();
  const d = await prepareBenchDb();
  const bare = await startBare();
  const ours = await startBuiltServer({ dbFile: d.file, env: { LOGIN_LIMIT_PER_IP: "100000" } });
  const before = process.env.BENCH_BEFORE_ROOT
    ? await startBefore(process.env.BENCH_BEFORE_ROOT, d.file)
    : null;
  const amount = Number(process.env.BENCH_REQUESTS ?? 400);
  try {
    const targets: [string, string, keyof typeof d.cookies | null][] = [
      ["/help", "/help", null],
      ["/help (resident)", "/help", "resident"],
      ["/me (resident)", "/me", "resident"],
      ["/classes/:id (resident)", `/classes/${d.residentRunId}`, "resident"],
      [`/manage/${d.slug} (manager)`, `/manage/${d.slug}`, "manager"],
      ["/hq (HQ admin)", "/hq", "hq"],
      ["/hq/stats?p=year (HQ admin)", "/hq/stats?p=year", "hq"],
      [`/manage/${d.slug}/stats?p=year (manager)`, `/manage/${d.slug}/stats?p=year`, "manager"],
    ];
    const bareMs = await cost(bare.pid, bare.url + "/", {}, amount);
    console.log(
      `| target | CPU ms / request | × bare Remix |${before ? " before ms | before × bare | after ÷ before |" : ""}`,
    );
    console.log(`|---|--:|--:|${before ? "--:|--:|--:|" : ""}`);
    console.log(`| bare Remix page | ${bareMs.toFixed(2)} | 1.00 |${before ? " | | |" : ""}`);
    for (const [label, p, who] of targets) {
      const headers: Record<string, string> = who ? { cookie: d.cookies[who] } : {};
      const a = await cost(ours.child.pid!, ours.url + p, headers, amount);
      const b = before ? await cost(before.pid, before.url + p, headers, amount) : null;
      console.log(
        `| ${label} | ${a.toFixed(2)} | ${(bareMs / a).toFixed(2)} |${b != null ? ` ${b.toFixed(2)} | ${(bareMs / b).toFixed(2)} | ${(a / b).toFixed(2)} |` : ""}`,
      );
    }
    console.log(
      `\n${amount} requests per target after 50 unmeasured, 10 connections, no compression; CPU from /proc/<pid>/stat (10 ms ticks).`,
    );
  } finally {
    await before?.stop();
    await ours.stop();
    await bare.stop();
    d.cleanup();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await run();
