// @ts-check
/**
 * The primary of a server with one process per core (WEB_CONCURRENCY > 1, node:cluster). Plain
 * Node with nothing of the app in it: `db/start.mjs` (`npm start`, the service unit) calls it
 * before it would import the build, so the primary holds about 51 MiB instead of the 127–152 MiB of
 * a process that loaded the app (issue 17: two workers and their primary within 400 MB).
 *
 * The first worker (cluster id 1, app/server.ts) prepares the database (migrations, demo policy,
 * content import) and is the only one that runs the jobs; the others are forked once it listens,
 * so they never race it through the migrations. A worker that stops before it ever listened (a bad
 * variable, a refused start) stops the whole server with its exit code, its message already
 * printed; one that crashes later is replaced under the same index. SIGTERM and SIGINT go to every worker, and the
 * primary exits 0 once they all have.
 */
import cluster from "node:cluster";

/**
 * V8 flags of each worker, beside the primary's own (SERVER_NODE_FLAGS, inherited):
 * - `--single-threaded`: with one process per core, V8's helper threads (concurrent garbage
 *   collection, background compilation) only take turns with the other workers. Without them two
 *   workers rendered 1.2–1.4× more pages than with them (tests/bench/cores.bench.ts).
 * - `--max-semi-space-size=8` (V8's default here is 16): the young generation is held once per
 *   worker. Two workers and their primary peaked at 374–383 MiB instead of 412–420 rendering every
 *   request, and at 349–351 instead of 393–395 on cached pages, which it served 7–8 % faster;
 *   rendering every request it served 1–11 % slower (wrk, 12 s a run, 2 runs cached, 4 rendered).
 */
export const WORKER_NODE_FLAGS = ["--single-threaded", "--max-semi-space-size=8"];

/** WEB_CONCURRENCY as config.server.ts reads it (an integer 1–64), or null when it is not one. */
export function webConcurrency(value = process.env.WEB_CONCURRENCY) {
  if (value === undefined || value === "") return 1;
  if (!/^\d+$/.test(value)) return null;
  const n = Number(value);
  return n >= 1 && n <= 64 ? n : null;
}

/**
 * Forks `workers` processes running `exec` (the built server) and supervises them; resolves once
 * the first worker listens.
 * @param {{ exec: string, workers: number }} opts
 * @returns {Promise<void>}
 */
export function superviseWorkers({ exec, workers }) {
  cluster.setupPrimary({ exec, execArgv: [...process.execArgv, ...WORKER_NODE_FLAGS] });
  /** @type {(import("node:cluster").Worker | null)[]} */
  const forked = Array.from({ length: workers }, () => null);
  /** @type {Set<import("node:cluster").Worker>} */
  const listened = new Set();
  let stopping = false;
  /** @param {number} i */
  const fork = (i) => {
    const w = cluster.fork(i > 0 ? { JOBS: "0" } : {});
    forked[i] = w;
    w.once("listening", () => listened.add(w));
    return w;
  };
  // `on`, not `once`: a second signal (Ctrl-C twice) would otherwise kill the primary, and with it
  // the workers' graceful shutdown (a worker exits at once when its primary is gone).
  for (const sig of /** @type {const} */ (["SIGTERM", "SIGINT"]))
    process.on(sig, () => {
      if (stopping) return;
      stopping = true;
      for (const w of forked) if (w && !w.isDead()) w.process.kill(sig);
      if (forked.every((w) => !w || w.isDead())) process.exit();
    });
  return new Promise((resolve) => {
    cluster.on("exit", (w, code, signal) => {
      if (stopping) {
        if (forked.every((f) => !f || f.isDead())) process.exit();
        return;
      }
      if (!listened.has(w)) {
        // Never served: its start was refused (it printed why). Restarting would only repeat it.
        stopping = true;
        for (const f of forked) if (f && !f.isDead()) f.process.kill("SIGTERM");
        process.exitCode = code || (signal ? 1 : 0) || 1;
        return;
      }
      const i = forked.indexOf(w);
      if (i >= 0) fork(i);
    });
    fork(0).once("listening", () => {
      for (let i = 1; i < workers; i++) fork(i);
      resolve();
    });
  });
}
