/**
 * Both cores: /courses from one server process against the same server with one process per core
 * (`WEB_CONCURRENCY`, read by the server entry), both started side by side on copies of one
 * database and measured in alternating windows, the load generator on the same machine.
 * Target (issue 17): all cores ≥ 1.5× the single process on this 2-core machine.
 *
 *   npx tsx tests/bench/cores.bench.ts
 */
import fs from "node:fs";
import os from "node:os";
import { pathToFileURL } from "node:url";
import { ensureBuild, startBuiltServer } from "../factories/built-server";
import { prepareBenchDb } from "./data";
import { compareAll, table, treeRssMiB } from "./lib";

export async function run() {
  ensureBuild();
  const d = await prepareBenchDb();
  const copy = d.file.replace(/\.sqlite$/, "-cores.sqlite");
  fs.copyFileSync(d.file, copy);
  const cores = os.availableParallelism();
  const single = await startBuiltServer({ dbFile: d.file, env: { WEB_CONCURRENCY: "1" } });
  const multi = await startBuiltServer({ dbFile: copy, env: { WEB_CONCURRENCY: String(cores) } });
  try {
    const [one, all] = await compareAll([
      { label: "/courses, 1 process", url: single.url + "/courses" },
      { label: `/courses, ${cores} processes`, url: multi.url + "/courses" },
    ]);
    console.log(`\n单进程与多进程 (one process vs one per core, ${cores} cores):\n`);
    console.log(table([one!, all!], { "1 process": one }));
    console.log(
      `\nall cores ÷ one process: ${(all!.rps / one!.rps).toFixed(2)}× (target ≥ 1.5×: ${all!.rps / one!.rps >= 1.5 ? "met" : "NOT met"}); ` +
        `tree RSS ${treeRssMiB(single.child.pid!).toFixed(0)} MiB vs ${treeRssMiB(multi.child.pid!).toFixed(0)} MiB`,
    );
    return { one, all };
  } finally {
    await single.stop();
    await multi.stop();
    d.cleanup();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  await run();
}
