/**
 * Both cores: /courses from one server process against the same server with one process per core
 * (`WEB_CONCURRENCY`), both started as production starts them (`node <flags> db/start.mjs`, whose
 * cluster primary does not load the app) side by side on copies of one database and measured in
 * alternating windows, the load generator on the same machine. The whole tree's RSS is printed
 * after each comparison and at its peak (sampled while measured).
 * Target (issue 17): all cores ≥ 1.5× the single process on this 2-core machine.
 *
 * Twice: as served (a signed-out /courses is an HTML cache hit, about 0.2 ms of server CPU, so the
 * load generator's own core is the limit), and with HTML_CACHE=0 (every request renders: the
 * server's CPU is the limit, which is what more processes can add to).
 *
 * Each side's CPU while it was measured is printed too (its whole process tree, and the load
 * generator's): a single process already uses more than one core (V8's garbage collector and
 * compiler run on helper threads beside the main thread; workers run --single-threaded, server.ts),
 * and the load generator takes its share of the same two cores. At equal CPU per request, the most
 * all cores can give is (cores − generator) ÷ (single process's cores), printed as the ceiling.
 *
 * Each comparison runs with autocannon and, when it is installed (apt-get install wrk), again with
 * wrk. autocannon is JavaScript and takes about 130 µs of CPU per cached page it reads, a third to
 * a half of what the server spends making it, from the same two cores; wrk, in C, about 30 µs. With
 * autocannon the cached page's ratio is capped by the generator; wrk shows what the server can do.
 *
 *   npx tsx tests/bench/cores.bench.ts
 */
import fs from "node:fs";
import os from "node:os";
import { pathToFileURL } from "node:url";
import { ensureBuild, startBuiltServer } from "../factories/built-server";
import { prepareBenchDb } from "./data";
import {
  compareAll,
  cpuDuringWindows,
  hasWrk,
  sampleRss,
  table,
  treeRssMiB,
  type Measurement,
} from "./lib";

export async function run() {
  ensureBuild();
  const d = await prepareBenchDb();
  const cores = os.availableParallelism();
  const generators = hasWrk() ? (["autocannon", "wrk"] as const) : (["autocannon"] as const);
  if (generators.length === 1)
    console.log("wrk is not installed (apt-get install wrk): measuring with autocannon only.");
  const out: Record<string, { one: Measurement; all: Measurement }> = {};
  try {
    for (const [i, [name, env]] of (
      [
        ["as served (HTML cache on)", {}],
        ["every request rendered (HTML_CACHE=0)", { HTML_CACHE: "0" }],
      ] as const
    ).entries()) {
      const copy = (n: string) => {
        const f = d.file.replace(/\.sqlite$/, `-cores-${n}-${i}.sqlite`);
        fs.copyFileSync(d.file, f);
        return f;
      };
      const single = await startBuiltServer({
        dbFile: copy("one"),
        env: { ...env, WEB_CONCURRENCY: "1" },
        viaStartScript: true,
      });
      const multi = await startBuiltServer({
        dbFile: copy("all"),
        env: { ...env, WEB_CONCURRENCY: String(cores) },
        viaStartScript: true,
      });
      const rss = [sampleRss(single.child.pid!), sampleRss(multi.child.pid!)] as const;
      try {
        const targets = [
          { label: "/courses, 1 process", url: single.url + "/courses" },
          { label: `/courses, ${cores} processes`, url: multi.url + "/courses" },
        ];
        for (const generator of generators) {
          const cpu = cpuDuringWindows((t) =>
            t === targets[0] ? single.child.pid! : multi.child.pid!,
          );
          const [one, all] = await compareAll(targets, { ...cpu, generator });
          console.log(
            `\n单进程与多进程 (one process vs one per core, ${cores} cores), ${name}, load from ${generator}:\n`,
          );
          console.log(table([one!, all!], { "1 process": one }));
          const x = all!.rps / one!.rps;
          console.log(
            `\nall cores ÷ one process: ${x.toFixed(2)}× (target ≥ 1.5×: ${x >= 1.5 ? "met" : "NOT met"}); ` +
              `tree RSS ${treeRssMiB(single.child.pid!).toFixed(0)} MiB vs ${treeRssMiB(multi.child.pid!).toFixed(0)} MiB ` +
              `(peak so far ${rss[0].peak.toFixed(0)} vs ${rss[1].peak.toFixed(0)} MiB)`,
          );
          const [c1, cN] = targets.map((t) => cpu.used.get(t)!);
          const coresOf = (u: typeof c1, k: "server" | "main" | "generator") => u![k] / u!.ms;
          const ceiling = (cores - coresOf(cN, "generator")) / coresOf(c1, "server");
          const us = (i: number, m: Measurement, of: "server" | "generator") =>
            cpu.perRequestUs(targets[i]!, m, of).toFixed(0);
          console.log(
            `CPU while measured, in cores: 1 process ${coresOf(c1, "server").toFixed(2)} ` +
              `(main thread ${coresOf(c1, "main").toFixed(2)}), ${cores} processes ${coresOf(cN, "server").toFixed(2)}; ` +
              `load generator ${coresOf(c1, "generator").toFixed(2)} / ${coresOf(cN, "generator").toFixed(2)}; ` +
              `CPU per request: server ${us(0, one!, "server")} / ${us(1, all!, "server")} µs, ` +
              `load generator ${us(0, one!, "generator")} / ${us(1, all!, "generator")} µs; ` +
              `ceiling at equal CPU per request ${ceiling.toFixed(2)}×`,
          );
          out[`${name}, ${generator}`] = { one: one!, all: all! };
        }
      } finally {
        for (const r of rss) r.stop();
        await single.stop();
        await multi.stop();
      }
    }
    return out;
  } finally {
    d.cleanup();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  await run();
}
