import Database from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import fs from "node:fs";
import path from "node:path";
import * as schema from "./schema/index";
import type { Topic } from "./change-topics";
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
  cacheStatements(sqlite);
  return drizzle(sqlite, { schema }) as DB;
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
 * queries every page runs (the session, the signed-in person's roles, the academy of the URL).
 *
 *   const bySlug = prepared((db) => db.select().from(t).where(eq(t.slug, sql.placeholder("slug"))).prepare());
 *   bySlug(db).get({ slug });
 */
export function prepared<Q>(build: (db: DB) => Q): (db: DB) => Q {
  const perConnection = new WeakMap<DB, Q>();
  return (db) => {
    let q = perConnection.get(db);
    if (!q) perConnection.set(db, (q = build(db)));
    return q;
  };
}

/** A value that changes whenever the database changes: total_changes() counts this connection's
 * writes, data_version moves when another connection (a seed run, a second process) commits. */
export function changeStamp(db: DB): string {
  const { t, v } = changeStampQuery(db).get() as { t: number; v: number };
  return `${v}:${t}`;
}
const changeStampQuery = prepared((db) =>
  db.$client.prepare(
    "select total_changes() as t, (select data_version from pragma_data_version) as v",
  ),
);

/**
 * The change counters of every topic (db/change-topics.ts), as committed or as written by this
 * connection's open transaction: one prepared read of a table of a few rows, a few microseconds.
 */
export function topicCounters(db: DB): Map<string, number> {
  const rows = topicCountersQuery(db).raw(true).all() as [string, number][];
  return new Map(rows);
}
const topicCountersQuery = prepared((db) =>
  db.$client.prepare("select topic, n from change_topics"),
);

/** A value that changes whenever a table of one of `topics` is written (and only then). */
export function topicStamp(db: DB, topics: readonly Topic[]): string {
  return stampOfTopics(topicCounters(db), topics) ?? changeStamp(db);
}

/** `topics`' counters as one string, or null when one of them has no counter (a typo, an
 * unmigrated database): callers then fall back to the global changeStamp. */
export function stampOfTopics(counters: Map<string, number>, topics: readonly string[]) {
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
 */
export function memoUntilChange<V>(
  max = 500,
  stampOrTopics: ((db: DB) => string) | readonly Topic[] = changeStamp,
) {
  const stampOf =
    typeof stampOrTopics === "function" ? stampOrTopics : (db: DB) => topicStamp(db, stampOrTopics);
  const perConnection = new WeakMap<DB, Map<string, { stamp: string; value: V }>>();
  return (db: DB, key: string, compute: () => V): V => {
    let memo = perConnection.get(db);
    if (!memo) perConnection.set(db, (memo = new Map()));
    const stamp = stampOf(db);
    const hit = memo.get(key);
    if (hit && hit.stamp === stamp) {
      memo.delete(key); // re-inserted: the Map's order is the least-recently-used order
      memo.set(key, hit);
      return hit.value;
    }
    if (db.$client.inTransaction) return compute();
    memo.delete(key);
    const value = compute();
    memo.set(key, { stamp, value });
    if (memo.size > max) memo.delete(memo.keys().next().value!);
    return value;
  };
}
