/**
 * `npm run bench` (after `npm run build`): runs every tests/bench/*.bench.ts in name order. Each
 * benchmark file exports `run(): Promise<unknown>` and prints its own figures (as ratios against a
 * trivial route); nothing here passes or fails on time. Run one alone with
 * `npx tsx tests/bench/<name>.bench.ts`, or pass name fragments: `npx tsx tests/bench/run.ts enrol`.
 */
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const dir = import.meta.dirname;
const only = process.argv.slice(2);
const files = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith(".bench.ts"))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

let failed = 0;
for (const file of files) {
  console.log(`\n=== ${file} ===`);
  const mod = (await import(pathToFileURL(path.join(dir, file)).href)) as {
    run?: () => Promise<unknown>;
  };
  if (typeof mod.run !== "function") {
    console.log(`(skipped: ${file} exports no run())`);
    continue;
  }
  try {
    await mod.run();
  } catch (e) {
    failed++;
    console.error(`${file} failed:`, e);
  }
}
process.exit(failed ? 1 : 0);
