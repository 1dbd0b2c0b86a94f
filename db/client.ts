import Database from "better-sqlite3";
import { sql, type SQLWrapper } from "drizzle-orm";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import fs from "node:fs";
import path from "node:path";
import * as schema from "./schema/index";
import type { Topic } from "./change-topics";
import { computeNotingChecks, noteChecks, type ReadCheck } from "./read-checks";
import { config } from "~/utils/config.server";

export type DB = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

export const MIGRATIONS_FOLDER = path.resolve(process.cwd(), "db/migrations");

export function databasePath() {
  return path.resolve(process.cwd(), config().DATABASE_PATH);
}

/** Opens a SQLite file with the project's pragmas. Every pragma is set on every open:
 * better-sqlite3 reports different defaults for a new and a reopened file. */
export function openDatabase(file: string = databasePath()): DB {
  if (file !== ":memory:") fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new Database(file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = FULL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  // PRAGMA optimize (at start and hourly, ops/job-list.server.ts) samples this many rows per index.
  sqlite.pragma("analysis_limit = 1000");
  cacheStatements(sqlite);
  watchCommits(sqlite);
  return drizzle(sqlite, { schema }) as DB;
}

/**
 * Telling without SQL that nothing was committed: every commit in WAL mode, by any connection of
 * any process, rewrites the WAL-index header at the start of the -shm file (its last frame, its
 * checksums; its salts after a WAL restart: https://www.sqlite.org/walformat.html, 2.2). Reading
 * those 96 bytes costs 1–3 µs in a tight loop and about 9 µs in the server (timed under load); the
 * prepared read of the change counters that the HTML cache made on every hit cost 8 µs in a tight
 * loop and about 45 µs in the server (profiled under the enrol loop: 6.5 % of the server's CPU).
 *
 * The -shm file is read through a descriptor of our own, closed only after the connection: closing
 * any descriptor of a file drops every POSIX lock this process holds on it, SQLite's included.
 */
type CommitWatch = {
  shm: string;
  fd: number | null;
  read: Buffer;
  seen: Buffer;
  generation: number;
};
const commitWatches = new WeakMap<Database.Database, CommitWatch>();
const WAL_INDEX_HEADER = 48;

function watchCommits(sqlite: Database.Database) {
  if (sqlite.memory || sqlite.pragma("journal_mode", { simple: true }) !== "wal") return;
  const watch: CommitWatch = {
    shm: `${sqlite.name}-shm`,
    fd: null,
    read: Buffer.alloc(2 * WAL_INDEX_HEADER),
    seen: Buffer.alloc(WAL_INDEX_HEADER),
    generation: 0,
  };
  commitWatches.set(sqlite, watch);
  const close = sqlite.close.bind(sqlite);
  sqlite.close = () => {
    const out = close();
    commitWatches.delete(sqlite);
    // Once: a second close() must not close the same number again (by then another file's).
    if (watch.fd !== null) fs.closeSync(watch.fd);
    watch.fd = null;
    return out;
  };
}

/**
 * A number that stays the same while nobody commits to the database, or null when that cannot be
 * told cheaply (a transaction is open on this connection: its own writes are not in the header;
 * a memory database; a writer in the middle of rewriting the header, whose two copies then differ).
 * Read it before the values it guards: a commit after this read moves it again.
 */
export function commitGeneration(sqlite: Database.Database): number | null {
  const w = commitWatches.get(sqlite);
  if (!w || sqlite.inTransaction) return null;
  try {
    w.fd ??= fs.openSync(w.shm, "r");
    if (fs.readSync(w.fd, w.read, 0, w.read.length, 0) !== w.read.length) return null;
  } catch {
    return null;
  }
  const h = WAL_INDEX_HEADER;
  if (w.read.compare(w.read, h, 2 * h, 0, h) !== 0) return null;
  if (w.read.compare(w.seen, 0, h, 0, h) !== 0) {
    w.read.copy(w.seen, 0, 0, h);
    w.generation++;
  }
  return w.generation;
}

/** `read(db)` kept while commitGeneration stands still (else read again). */
function untilCommit<V>(read: (db: DB) => V): (db: DB) => V {
  const kept = new WeakMap<Database.Database, { generation: number; value: V }>();
  return (db) => {
    const generation = commitGeneration(db.$client);
    const hit = kept.get(db.$client);
    if (generation !== null && hit?.generation === generation) return hit.value;
    const value = read(db);
    if (generation !== null) kept.set(db.$client, { generation, value });
    return value;
  };
}

/**
 * better-sqlite3 compiles the SQL text on every `prepare()`, and drizzle prepares on every query
 * it runs: a page with a dozen queries spent a fifth of its time compiling the same SQL again.
 * This keeps the compiled statements of the last `max` distinct SQL texts on this connection.
 * A statement that is mid-iteration is never handed out twice, and a cached statement is handed
 * out with every mode as a fresh one has it: raw, pluck and expand off, safe integers off (our
 * connections never change `defaultSafeIntegers`). Drizzle switches raw on for some reads and relies
 * on it being off for the others; a mode left on by any caller would otherwise leak into the next.
 */
export function cacheStatements(sqlite: Database.Database, max = 500) {
  const prepare = sqlite.prepare.bind(sqlite);
  const cache = new Map<string, Database.Statement>();
  sqlite.prepare = ((source: string) => {
    const hit = cache.get(source);
    if (hit && !hit.busy) {
      cache.delete(source); // re-insert: the Map's order is the least-recently-used order
      cache.set(source, hit);
      resetModes(hit);
      return hit;
    }
    const stmt = prepare(source);
    if (!hit) {
      cache.set(source, stmt);
      if (cache.size > max) cache.delete(cache.keys().next().value!);
    }
    return stmt;
  }) as Database.Database["prepare"];
}

function resetModes(stmt: Database.Statement) {
  if (stmt.reader) stmt.raw(false).pluck(false).expand(false);
  stmt.safeIntegers(false);
}

/**
 * Applies the migrations with foreign keys off, as SQLite's table-rebuild recipe requires: drizzle
 * runs them in one transaction, where `PRAGMA foreign_keys` is a no-op, so a rebuilt table's
 * `DROP TABLE` would otherwise cascade into its children (volunteer_hours of volunteer_signups).
 * A violation left behind stops the start.
 */
export function migrateDatabase(db: DB, migrationsFolder = MIGRATIONS_FOLDER) {
  const sqlite = db.$client;
  sqlite.pragma("foreign_keys = OFF");
  try {
    migrate(db, { migrationsFolder });
    const bad = sqlite.pragma("foreign_key_check") as unknown[];
    if (bad.length) throw new Error(`迁移后外键检查失败：${JSON.stringify(bad.slice(0, 5))}`);
  } finally {
    sqlite.pragma("foreign_keys = ON");
  }
}

declare global {
  var __db: DB | undefined;
}

/** The process-wide connection (kept across dev rebuilds). */
export function getDb(): DB {
  if (!globalThis.__db) globalThis.__db = openDatabase();
  return globalThis.__db;
}

/** A transaction handle; module helpers that write take `Conn` so they run inside the caller's transaction. */
export type Tx = Parameters<Parameters<DB["transaction"]>[0]>[0];
export type Conn = DB | Tx;

/**
 * A query built once per connection and run with `sql.placeholder` values: drizzle spends
 * 70–140 µs building a select's SQL and 3–11 µs running one already built. For the fixed-shape
 * queries every page runs (the session, the signed-in person's roles, the academy of the URL) and
 * the hot reads and writes (the enrolment panel, enrol/cancel, /me). A list of ids travels as one
 * JSON array (`IN (SELECT value FROM json_each(:ids))`) so its query keeps one shape.
 *
 *   const bySlug = prepared((db) => db.select().from(t).where(eq(t.slug, sql.placeholder("slug"))).prepare());
 *   bySlug(db).get({ slug });
 *
 * Keyed by the connection, so a transaction handle (`Conn`) finds the query its database built:
 * a prepared query runs on the connection, inside whatever transaction is open on it.
 */
export function prepared<Q, C extends Conn = DB>(build: (db: C) => Q): (db: C) => Q {
  const perConnection = new WeakMap<object, Q>();
  return (db) => {
    const key = clientOf(db);
    let q = perConnection.get(key);
    if (!q) perConnection.set(key, (q = build(db)));
    return q;
  };
}

/** `column IN (the JSON array in placeholder :name)`: a list of ids as one value, so the query keeps one shape. */
export const inJson = (column: SQLWrapper, name: string) =>
  sql`${column} IN (SELECT value FROM json_each(${sql.placeholder(name)}))`;

/** The better-sqlite3 connection behind a database or transaction handle. */
export function clientOf(conn: Conn): Database.Database {
  // drizzle keeps it on the session, which a transaction shares with its database (not typed).
  return (conn as unknown as { session: { client: Database.Database } }).session.client;
}

/**
 * Group commit for the hot writes (enrol and cancel). Work handed in during one turn of the event
 * loop is run in ONE immediate transaction, each piece in its own savepoint, so one piece's error
 * undoes only that piece. The promises settle only once the commit is on disk, so nobody is told
 * "done" before their write would survive a power cut — but the main thread does not wait for the
 * disk: the transaction commits with `synchronous = NORMAL` (WAL: written, not flushed; SQLite's
 * checksums keep the file consistent either way), and the WAL file is then flushed on the thread
 * pool (fsync, about 0.3 ms here, which `synchronous = FULL` spent on the main thread at every
 * commit). Meanwhile the next pieces gather and commit; one flush covers every commit before it.
 * A thousand people enrolling at once then cost a few dozen transactions, and readers get the
 * event loop in between (at most GROUP_COMMIT_MAX pieces per transaction). Every other write on
 * the connection keeps `synchronous = FULL`.
 *
 * A group keeps gathering while pieces keep arriving, turn after turn (at most GROUP_GATHER_TURNS
 * more turns): it closes at the first turn that brought no new piece. Closing it at the first turn
 * let writers that had fallen out of step (each handing in its piece one turn after the other, as
 * the first posts of a burst do) commit one by one; each then waited for its own flush, finished
 * alone, let one more writer start alone, and the writes stayed out of step: in 3 of about 80
 * enrolment bursts measured, each post cost nearly twice the CPU (one such burst, instrumented,
 * made 997 transactions for 1,000 posts).
 */
export function inGroupCommit<T>(db: DB, work: (tx: Tx) => T): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let queue = groupQueues.get(db);
    if (!queue) {
      groupQueues.set(db, (queue = []));
      gatherThenFlush(db, queue);
    }
    queue.push({
      work,
      resolve: resolve as (v: unknown) => void,
      reject,
      owner: groupCommitHooks?.queued(),
    });
  });
}

/**
 * What the server learns of a group commit: `queued` runs when a piece is handed in (its answer,
 * such as the request the piece belongs to, is kept with the piece), `committed` once the piece's
 * group has committed, before the WAL flush. The server ends the request's write turn there: a
 * write waiting only for the disk does no work, and the next writes can fill the next group
 * meanwhile instead of leaving the event loop idle for the flush.
 */
type GroupCommitHooks = { queued: () => unknown; committed: (owner: unknown) => void };
let groupCommitHooks: GroupCommitHooks | null = null;
export function setGroupCommitHooks(hooks: GroupCommitHooks | null) {
  groupCommitHooks = hooks;
}
export const GROUP_COMMIT_MAX = 16;
export const GROUP_GATHER_TURNS = 4;
function gatherThenFlush(db: DB, queue: GroupJob[]) {
  let seen = 0;
  let turns = 0;
  const gather = () => {
    if (queue.length > seen && queue.length < GROUP_COMMIT_MAX && turns < GROUP_GATHER_TURNS) {
      seen = queue.length;
      turns++;
      setImmediate(gather);
    } else flushGroup(db);
  };
  setImmediate(gather);
}
type GroupJob = {
  work: (tx: Tx) => unknown;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
  owner: unknown;
};
const groupQueues = new WeakMap<DB, GroupJob[]>();
const savepoints = prepared((db: DB) => ({
  save: db.$client.prepare("SAVEPOINT group_piece"),
  undo: db.$client.prepare("ROLLBACK TO group_piece"),
  release: db.$client.prepare("RELEASE group_piece"),
}));

function flushGroup(db: DB) {
  const queue = groupQueues.get(db) ?? [];
  const jobs = queue.splice(0, GROUP_COMMIT_MAX);
  if (queue.length) setImmediate(() => flushGroup(db));
  else groupQueues.delete(db);
  const outcomes: { ok: boolean; value: unknown }[] = [];
  const sqlite = db.$client;
  const onDisk = !sqlite.memory;
  try {
    const sp = savepoints(db);
    withoutFlush(db, () =>
      db.transaction(
        (tx) => {
          for (const job of jobs) {
            // A savepoint of our own around each piece: drizzle's nested transaction built two
            // objects and its SQL per piece (about 15 µs of every enrolment).
            sp.save.run();
            try {
              outcomes.push({ ok: true, value: job.work(tx) });
            } catch (error) {
              sp.undo.run();
              outcomes.push({ ok: false, value: error });
            }
            sp.release.run();
          }
        },
        { behavior: "immediate" },
      ),
    );
  } catch (error) {
    // BEGIN or COMMIT failed (another process held the lock past busy_timeout): nothing was kept.
    for (const job of jobs) job.reject(error);
    return;
  }
  const settle = () =>
    jobs.forEach((job, i) => (outcomes[i]!.ok ? job.resolve : job.reject)(outcomes[i]!.value));
  if (onDisk)
    flushWal(sqlite.name).then(settle, (error: unknown) => {
      for (const job of jobs) job.reject(error);
    });
  // After the flush has begun: what the hook starts (the next writes) must not delay it.
  if (groupCommitHooks) for (const job of jobs) groupCommitHooks.committed(job.owner);
  if (!onDisk) settle();
}

const syncModes = prepared((db: DB) => ({
  normal: db.$client.prepare("PRAGMA synchronous = NORMAL"),
  full: db.$client.prepare("PRAGMA synchronous = FULL"),
}));
/**
 * Runs `write` (synchronous) with `synchronous = NORMAL`: its commits are not flushed to disk, the
 * next flush takes them along (a FULL commit, a group's WAL flush, a checkpoint). WAL keeps the
 * file consistent either way; a power cut may lose them. Inside a transaction it changes nothing:
 * the write commits with it.
 */
export function withoutFlush<T>(db: DB, write: () => T): T {
  const sqlite = db.$client;
  if (sqlite.memory || sqlite.inTransaction) return write();
  const modes = syncModes(db);
  modes.normal.run();
  try {
    return write();
  } finally {
    modes.full.run();
  }
}

/** Flushes a database's WAL file to disk, on the thread pool (open, fsync, close). No WAL file
 * means the last connection closed, which checkpoints it into the database file and flushes that. */
export function flushWal(file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    fs.open(`${file}-wal`, "r+", (openError, fd) => {
      if (openError) return openError.code === "ENOENT" ? resolve() : reject(openError);
      fs.fsync(fd, (syncError) => fs.close(fd, () => (syncError ? reject(syncError) : resolve())));
    });
  });
}

/** A value that changes whenever the database changes: total_changes() counts this connection's
 * writes, data_version moves when another connection (a seed run, a second process) commits. */
export const changeStamp: (db: DB) => string = untilCommit((db) => {
  const { t, v } = changeStampQuery(db).get() as { t: number; v: number };
  return `${v}:${t}`;
});
const changeStampQuery = prepared((db) =>
  db.$client.prepare(
    "select total_changes() as t, (select data_version from pragma_data_version) as v",
  ),
);

/**
 * The change counters of every topic (db/change-topics.ts), as committed or as written by this
 * connection's open transaction: one prepared read of a table of a few rows, a few microseconds.
 */
export const topicCounters: (db: DB) => ReadonlyMap<string, number> = untilCommit((db) => {
  const rows = topicCountersQuery(db).raw(true).all() as [string, number][];
  return new Map(rows);
});
const topicCountersQuery = prepared((db) =>
  db.$client.prepare("select topic, n from change_topics"),
);

/** A value that changes whenever a table of one of `topics` is written (and only then). */
export function topicStamp(db: DB, topics: readonly Topic[]): string {
  return stampOfTopics(topicCounters(db), topics) ?? changeStamp(db);
}

/** `topics`' counters as one string, or null when one of them has no counter (a typo, an
 * unmigrated database): callers then fall back to the global changeStamp. */
export function stampOfTopics(counters: ReadonlyMap<string, number>, topics: readonly string[]) {
  let out = "";
  for (const t of topics) {
    const n = counters.get(t);
    if (n === undefined) return null;
    out += `${t}=${n};`;
  }
  return out;
}

/**
 * A per-connection memo of read results that is dropped as soon as the database changes (see
 * changeStamp) — or, given topics, as soon as a table of those topics changes (topicStamp) —
 * keeping the `max` most recent keys. For listings many people load alike (the
 * library's and the class finder's first pages); whatever else a key depends on, such as the
 * current minute, goes into the key. `stampOf` narrows what counts as a change (the statistics
 * pass their own stamp, moved only by the rollups' triggers).
 *
 * Inside a transaction it computes but never fills (nor replaces) an entry: SQLite's
 * total_changes() does not move back when a transaction rolls back, so a result read after an
 * uncommitted write would otherwise be served after the rollback as if those rows existed.
 * The checks a value's reads noted (db/read-checks.ts) are noted again on every hit.
 */
export function memoUntilChange<V>(
  max = 500,
  stampOrTopics: ((db: DB) => string) | readonly Topic[] = changeStamp,
) {
  const stampOf =
    typeof stampOrTopics === "function" ? stampOrTopics : (db: DB) => topicStamp(db, stampOrTopics);
  const perConnection = new WeakMap<
    DB,
    Map<string, { stamp: string; value: V; checks: ReadCheck[] }>
  >();
  return (db: DB, key: string, compute: () => V): V => {
    let memo = perConnection.get(db);
    if (!memo) perConnection.set(db, (memo = new Map()));
    const stamp = stampOf(db);
    const hit = memo.get(key);
    if (hit && hit.stamp === stamp) {
      memo.delete(key); // re-inserted: the Map's order is the least-recently-used order
      memo.set(key, hit);
      noteChecks(hit.checks);
      return hit.value;
    }
    if (db.$client.inTransaction) return compute();
    memo.delete(key);
    const { value, checks } = computeNotingChecks(compute);
    memo.set(key, { stamp, value, checks });
    if (memo.size > max) memo.delete(memo.keys().next().value!);
    return value;
  };
}
