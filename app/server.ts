/**
 * The server's entry, compiled with the app into build/server/index.js (remix.config.js `server`).
 * `node build/server/index.js` serves; imported by anything else (remix-serve, tests, benches) it
 * is a plain Remix server build and starts nothing.
 *
 * WEB_CONCURRENCY=N (N > 1) serves with N processes (node:cluster, db/cluster.mjs): the first
 * worker prepares the database and runs the jobs, the others are forked once it listens. Started by
 * db/start.mjs (`npm start`), the primary never loads this file; run directly, it does (and holds
 * the app's memory for nothing). The rate limits count in the database (auth/rate-limit.server.ts),
 * so every worker sees the same counts.
 */
import cluster from "node:cluster";
import { fileURLToPath, pathToFileURL } from "node:url";
import * as build from "@remix-run/dev/server-build";
import { superviseWorkers } from "@db/cluster.mjs";
import { main } from "~/modules/ops/main.server";
import { config } from "~/utils/config.server";
import { servingMiddleware } from "~/utils/serving.server";

export * from "@remix-run/dev/server-build";

const workers = config().WEB_CONCURRENCY;

async function run() {
  const opts = servingMiddleware(build);
  if (workers > 1 && cluster.isPrimary)
    return superviseWorkers({ exec: fileURLToPath(import.meta.url), workers });
  // One process, or a worker of a cluster, of which only the first one forked (id 1, before the
  // others, db/cluster.mjs) prepares the database; a replacement is forked with a new id.
  return main(build, opts, { prepare: cluster.isPrimary || cluster.worker?.id === 1 });
}

/** Called by db/start.mjs after its build check, in the same process. */
export function start() {
  return run();
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await run();
}
