/**
 * The server's entry, compiled with the app into build/server/index.js (remix.config.js `server`).
 * `node build/server/index.js` serves; imported by anything else (remix-serve, tests, benches) it
 * is a plain Remix server build and starts nothing.
 *
 * WEB_CONCURRENCY=N (N > 1) serves with N processes (node:cluster): the primary checks the
 * configuration and prepares the database once, then forks N workers that share the port; only
 * the first worker runs the jobs. The rate limits count in the database (auth/rate-limit.server.ts),
 * so every worker sees the same counts.
 */
import cluster from "node:cluster";
import { pathToFileURL } from "node:url";
import * as build from "@remix-run/dev/server-build";
import { getDb } from "@db/client";
import { main, prepare, serve, WORKER_NODE_FLAGS } from "~/modules/ops/main.server";
import { config } from "~/utils/config.server";
import { servingMiddleware } from "~/utils/serving.server";

export * from "@remix-run/dev/server-build";

const workers = config().WEB_CONCURRENCY;

async function run() {
  const opts = servingMiddleware(build);
  if (workers === 1) return main(build, opts);
  if (cluster.isPrimary) {
    await prepare(getDb());
    getDb().$client.close();
    // One process per core leaves no core for V8's helper threads (concurrent garbage collection,
    // background compilation): they would only take turns with the other workers. Without them two
    // workers rendered 1.2–1.4× more pages than with them (tests/bench/cores.bench.ts).
    cluster.setupPrimary({ execArgv: [...process.execArgv, ...WORKER_NODE_FLAGS] });
    const fork = (i: number) =>
      cluster.fork({ WORKER_INDEX: String(i), JOBS: i === 0 && config().JOBS ? "1" : "0" });
    const forked = Array.from({ length: workers }, (_, i) => fork(i));
    let stopping = false;
    for (const sig of ["SIGTERM", "SIGINT"] as const)
      process.once(sig, () => {
        stopping = true;
        for (const w of forked) w.process.kill(sig);
      });
    cluster.on("exit", (w) => {
      if (stopping) {
        if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
        return;
      }
      // A crashed worker is replaced (same index, so the jobs stay with one process).
      const i = forked.indexOf(w);
      if (i >= 0) forked[i] = fork(i);
    });
    return;
  }
  return serve(build, getDb(), opts);
}

/** Called by db/start.mjs after its build check, in the same process. */
export function start() {
  return run();
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await run();
}
