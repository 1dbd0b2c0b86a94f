/**
 * What `npm start` leaves running: starts it as a person would (on a copy of the bench database),
 * waits until /healthz answers and the start settles, and prints every process of the tree with
 * its RSS and the total. Target (issue 17): ≤ 200 MB idle, no npm/npx/tsx process resident.
 *
 *   npx tsx tests/bench/start.bench.ts
 */
import fs from "node:fs";
import { pathToFileURL } from "node:url";
import { ensureBuild } from "../factories/built-server";
import { prepareBenchDb } from "./data";
import { rssKiB } from "../factories/proc";
import { treePids, treeRssMiB } from "./lib";
import { startNpmStart } from "./servers";

/** The processes under `pid`: pid, command line, RSS in MiB. */
function tree(pid: number): { pid: number; cmd: string; mib: number }[] {
  return treePids(pid).flatMap((p) => {
    try {
      const cmd = fs.readFileSync(`/proc/${p}/cmdline`, "utf8").split("\0").join(" ").trim();
      return [{ pid: p, cmd: cmd.slice(0, 90), mib: rssKiB(p) / 1024 }];
    } catch {
      return []; // gone
    }
  });
}

export async function run() {
  ensureBuild();
  const d = await prepareBenchDb();
  const server = await startNpmStart(d.file);
  try {
    // Read the tree 5 s after a few pages, and again at 30 s: V8's memory reducer gives back the
    // start-up garbage once the process has been quiet for several seconds, and idle means that.
    for (let i = 0; i < 3; i++) await fetch(server.url + "/").then((r) => r.arrayBuffer());
    await new Promise((r) => setTimeout(r, 5000));
    const early = treeRssMiB(server.pid);
    await new Promise((r) => setTimeout(r, 25_000));
    console.log(`\n\`npm start\` 常驻内存 (what npm start leaves running, idle):\n`);
    for (const p of tree(server.pid))
      console.log(`  ${String(p.pid).padStart(7)}  ${p.mib.toFixed(0).padStart(5)} MiB  ${p.cmd}`);
    const total = treeRssMiB(server.pid);
    const wrappers = tree(server.pid).filter(
      (p) => /\b(npm|npx|tsx)\b/.test(p.cmd) && !/build\/server/.test(p.cmd),
    );
    console.log(
      `  total ${total.toFixed(0)} MiB after 30 s idle (target ≤ 200: ${total <= 200 ? "met" : "NOT met"}; ` +
        `${early.toFixed(0)} MiB at 5 s); ` +
        `npm/npx/tsx wrappers resident: ${wrappers.length} (${wrappers.reduce((s, p) => s + p.mib, 0).toFixed(0)} MiB)`,
    );
    return { total, wrappers: wrappers.length };
  } finally {
    await server.stop();
    d.cleanup();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  await run();
}
