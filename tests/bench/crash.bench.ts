/**
 * Crash safety, the full form (issue 14): 20 SIGKILLs of the built server at random moments under
 * an enrolment load; prints kills survived and acknowledged enrolments lost (must be 0).
 *
 *   npx tsx tests/bench/crash.bench.ts
 */
import { pathToFileURL } from "node:url";
import { ensureBuild } from "../factories/built-server";
import { crashTrial } from "../factories/crash";

export async function run() {
  ensureBuild();
  const report = await crashTrial({
    kills: 20,
    users: 2000,
    capacity: 300,
    log: (s) => console.log(s),
  });
  console.log(
    `crash: ${report.kills} kills survived, ${report.acknowledged} acknowledged enrolments, ${report.lost} lost, integrity ${report.integrity.length ? report.integrity.join("; ") : "ok"}${report.problems.length ? `, problems: ${report.problems.join("; ")}` : ""}`,
  );
  if (report.lost || report.integrity.length || report.problems.length)
    throw new Error("crash safety failed");
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await run();
