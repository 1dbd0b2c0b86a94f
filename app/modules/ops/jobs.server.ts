/**
 * Time-driven work runs here, inside the server process, never in a page view.
 *
 *   registerJob({ name: "groups.close-publicity", schedule: "* * * * *", run: (db, now) => … });
 *
 * Modules register their jobs in ./job-list.server.ts (one line each). A job's `run` must be
 * idempotent (running it twice for the same moment changes nothing the second time) and write in
 * immediate transactions of its own. Schedules are cron patterns (croner) in Asia/Shanghai time.
 *
 * Several server processes may share one database: each run first takes the job's lease row in
 * `job_leases` in an immediate transaction. A slot (the scheduled minute) runs once across all
 * processes; a process that dies mid-run frees the lease after `leaseMs`.
 */
import os from "node:os";
import crypto from "node:crypto";
import { Cron } from "croner";
import { eq, sql } from "drizzle-orm";
import type { DB } from "@db/client";
import { jobLeases } from "@db/schema";
import { logger, scrub } from "~/utils/log.server";

export type JobDefinition = {
  /** Dotted and unique, domain first: "enrollment.draw-lotteries". */
  name: string;
  /** A cron pattern (Asia/Shanghai), or a function returning one when the pattern is configurable. */
  schedule: string | (() => string);
  /** What the job does; its return value is kept (as JSON, shortened) for /hq/system. */
  run: (db: DB, now: number) => unknown | Promise<unknown>;
  /** How long a run may hold the lease before another process may take over (default 10 min). */
  leaseMs?: number;
  /** One line for /hq/system. */
  description: string;
};

const registry = new Map<string, JobDefinition>();

export function registerJob(job: JobDefinition) {
  if (registry.has(job.name) && registry.get(job.name) !== job)
    throw new Error(`job ${job.name} registered twice`);
  registry.set(job.name, job);
}

export function registeredJobs(): JobDefinition[] {
  return [...registry.values()];
}

export function scheduleOf(job: JobDefinition) {
  return typeof job.schedule === "function" ? job.schedule() : job.schedule;
}

export const MINUTE = 60_000;

/** An id for this process's lease rows. */
export function processOwner() {
  return `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString("hex")}`;
}

export type RunOutcome =
  | { ran: false; reason: "leased" }
  | { ran: true; status: "ok"; result: unknown }
  | { ran: true; status: "error"; error: string };

/**
 * Takes the lease of `job` for the slot of `now` (its minute) and runs it, unless another process
 * holds the lease or already ran this slot.
 */
export async function runJobSlot(
  db: DB,
  job: JobDefinition,
  owner: string,
  now = Date.now(),
): Promise<RunOutcome> {
  const slot = Math.floor(now / MINUTE) * MINUTE;
  const leaseUntil = now + (job.leaseMs ?? 10 * MINUTE);
  const acquired = db.transaction(
    (tx) =>
      tx.run(sql`
        INSERT INTO job_leases (name, owner, lease_until, last_slot, last_started_at, last_status, runs)
        VALUES (${job.name}, ${owner}, ${leaseUntil}, ${slot}, ${now}, 'running', 1)
        ON CONFLICT (name) DO UPDATE SET
          owner = excluded.owner, lease_until = excluded.lease_until, last_slot = excluded.last_slot,
          last_started_at = excluded.last_started_at, last_status = 'running', runs = job_leases.runs + 1
        WHERE job_leases.lease_until <= ${now}
          AND (job_leases.last_slot IS NULL OR job_leases.last_slot < ${slot})`).changes === 1,
    { behavior: "immediate" },
  );
  if (!acquired) return { ran: false, reason: "leased" };
  const started = performance.now();
  let outcome: RunOutcome;
  try {
    const result = await job.run(db, now);
    outcome = { ran: true, status: "ok", result };
  } catch (err) {
    const message = scrub(err instanceof Error ? err.message : String(err));
    logger().error({ job: job.name, err }, "job failed");
    outcome = { ran: true, status: "error", error: message };
  }
  const durationMs = Math.round(performance.now() - started);
  db.update(jobLeases)
    .set({
      owner: null,
      leaseUntil: 0,
      lastFinishedAt: Date.now(),
      lastStatus: outcome.status,
      lastError: outcome.status === "error" ? outcome.error.slice(0, 500) : null,
      lastDurationMs: durationMs,
      lastResult:
        outcome.status === "ok" && outcome.result !== undefined
          ? JSON.stringify(outcome.result).slice(0, 500)
          : null,
    })
    .where(sql`${jobLeases.name} = ${job.name} AND ${jobLeases.owner} = ${owner}`)
    .run();
  if (outcome.status === "ok")
    logger().info({ job: job.name, ms: durationMs, result: outcome.result }, "job done");
  return outcome;
}

export type JobRunner = {
  owner: string;
  nextRuns: () => Record<string, number | null>;
  /** Stops scheduling and waits for runs in progress. */
  stop: () => Promise<void>;
};

/** Schedules every registered job in this process. */
export function startJobs(db: DB, owner = processOwner()): JobRunner {
  const running = new Set<Promise<unknown>>();
  const crons = registeredJobs().map(
    (job) =>
      [
        job.name,
        new Cron(
          scheduleOf(job),
          { timezone: "Asia/Shanghai", protect: true, name: `job:${job.name}:${owner}` },
          () => {
            const p: Promise<void> = runJobSlot(db, job, owner).then(
              () => undefined,
              (err) => logger().error({ job: job.name, err }, "job runner failed"),
            );
            running.add(p);
            return p.finally(() => running.delete(p));
          },
        ),
      ] as const,
  );
  logger().info({ jobs: crons.map(([n]) => n), owner }, "jobs scheduled");
  current = {
    owner,
    nextRuns: () => Object.fromEntries(crons.map(([n, c]) => [n, c.nextRun()?.getTime() ?? null])),
    stop: async () => {
      for (const [, c] of crons) c.stop();
      await Promise.all(running);
    },
  };
  return current;
}

let current: JobRunner | null = null;

/** The runner of this process, if it runs jobs (for /hq/system). */
export function currentRunner() {
  return current;
}

/** The lease rows: the last run of each job across processes. */
export function jobStates(db: DB) {
  return db.select().from(jobLeases).all();
}

export function jobState(db: DB, name: string) {
  return db.select().from(jobLeases).where(eq(jobLeases.name, name)).get() ?? null;
}
