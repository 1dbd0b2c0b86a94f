import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * One row per background job: the lease that lets exactly one server process run a job's slot
 * (a slot is the scheduled minute), and the outcome of its last run for /hq/system.
 */
export const jobLeases = sqliteTable("job_leases", {
  name: text("name").primaryKey(),
  /** The process holding the lease (host:pid:random) while a run is in progress. */
  owner: text("owner"),
  leaseUntil: integer("lease_until").notNull().default(0),
  /** The scheduled minute (ms) of the last run started: a slot runs once across processes. */
  lastSlot: integer("last_slot"),
  lastStartedAt: integer("last_started_at"),
  lastFinishedAt: integer("last_finished_at"),
  lastStatus: text("last_status", { enum: ["running", "ok", "error"] }),
  lastError: text("last_error"),
  lastDurationMs: integer("last_duration_ms"),
  lastResult: text("last_result"),
  runs: integer("runs").notNull().default(0),
});

/**
 * One counter per change topic (db/change-topics.ts): every application table has triggers that
 * bump its topic's counter in the writing transaction. Caches of public pages and listings keep
 * an entry while the counters of the topics it read are unchanged (topicStamp in db/client.ts).
 */
export const changeTopics = sqliteTable("change_topics", {
  topic: text("topic").primaryKey(),
  n: integer("n").notNull().default(0),
});
