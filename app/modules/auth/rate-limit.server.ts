import { and, eq, gte, lt, sql } from "drizzle-orm";
import { RateLimiterRes, RateLimiterSQLite, type RateLimiterAbstract } from "rate-limiter-flexible";
import type Database from "better-sqlite3";
import { prepared, withoutFlush, type DB } from "@db/client";
import { rateLimitDelays, rateLimits } from "@db/schema";
import { config } from "~/utils/config.server";
import { UserError } from "~/utils/errors";

/**
 * Where every limit counts: the tables `rate_limits` and `rate_limit_delays` of the app's own
 * database, so all server processes (WEB_CONCURRENCY > 1) share one count per key. Counted on the
 * app's own connection, each write without a flush (withoutFlush): a counter lost to a power cut
 * costs nothing, and a flush per attempt (~1.7 ms on this disk) would. They went through a second
 * connection once, and every count it wrote made the app's connection drop its whole page cache at
 * its next read (SQLite does that when another connection has written): the session lookup after
 * it read every page again from the file.
 */
const stores = new WeakMap<
  DB,
  { prepare: Database.Database["prepare"]; transaction: Database.Database["transaction"] }
>();
/** The app's connection as rate-limiter-flexible's better-sqlite3 store: its transactions (one
 * upsert each) commit without a flush. */
function limiterClient(db: DB) {
  let client = stores.get(db);
  if (!client) {
    const sqlite = db.$client;
    client = {
      prepare: (source: string) => sqlite.prepare(source),
      transaction: ((fn: (...args: unknown[]) => unknown) => {
        const run = sqlite.transaction(fn);
        return (...args: unknown[]) => withoutFlush(db, () => run(...args));
      }) as Database.Database["transaction"],
    };
    stores.set(db, client);
  }
  return client;
}

/** A fixed-window limit in `rate_limits` (the table comes from our migrations, never created here). */
export function sharedLimiter(
  db: DB,
  opts: { keyPrefix: string; points: number; duration: number },
) {
  return new RateLimiterSQLite({
    ...opts,
    storeClient: limiterClient(db),
    storeType: "better-sqlite3",
    tableName: "rate_limits",
    tableCreated: true,
    // The hourly job `auth.limits-cleanup` deletes expired rows (once, under its lease).
    clearExpiredByTimeout: false,
  });
}

/** Limits per IP and per phone, counted in the database every server process shares. */
export function createAuthLimiters(db: DB) {
  const c = config();
  const window = c.AUTH_LIMIT_WINDOW_SECONDS;
  return {
    // OWASP: the (IP, phone) pair is throttled strictly; the phone alone only gets growing delays
    // (PhoneThrottle below), so strangers' wrong guesses never lock the owner out.
    loginPair: sharedLimiter(db, {
      keyPrefix: "login-pair",
      points: c.LOGIN_LIMIT_PER_PAIR,
      duration: window,
    }),
    loginIp: sharedLimiter(db, {
      keyPrefix: "login-ip",
      points: c.LOGIN_LIMIT_PER_IP,
      duration: window,
    }),
    loginPhone: new PhoneThrottle(db, "login-phone", c.LOGIN_LIMIT_PER_PHONE, window * 1000),
    registerIp: sharedLimiter(db, {
      keyPrefix: "register-ip",
      points: c.REGISTER_LIMIT_PER_IP,
      duration: 60 * 60,
    }),
    registerPhone: sharedLimiter(db, {
      keyPrefix: "register-phone",
      points: c.REGISTER_LIMIT_PER_PHONE,
      duration: 60 * 60,
    }),
  };
}

const delayOf = prepared((db) =>
  db
    .select({ failures: rateLimitDelays.failures, lastAt: rateLimitDelays.lastAt })
    .from(rateLimitDelays)
    .where(
      and(
        eq(rateLimitDelays.key, sql.placeholder("key")),
        gte(rateLimitDelays.expire, sql.placeholder("now")),
      ),
    )
    .prepare(),
);

/**
 * Growing delays per phone number, whatever the IP: the first `free` failures cost nothing; after
 * that each attempt from an untrusted device must wait 1 s, 2 s, 4 s … (at most 60 s) after the
 * previous failure. A device that signed in to this account before skips it (`trusted`), and the
 * count fades `windowMs` after the last failure. It slows a distributed guesser to about one guess
 * a minute without ever blocking the owner for long.
 *
 * The state is one row of `rate_limit_delays` per key, in the database all server processes
 * share; a failure is counted by one upsert, so two processes counting at once never lose one.
 */
export class PhoneThrottle {
  private readonly store: DB;
  constructor(
    db: DB,
    readonly keyPrefix: string,
    readonly free: number,
    readonly windowMs: number,
    readonly maxDelayMs = 60_000,
  ) {
    this.store = db;
  }
  private current(key: string, now: number) {
    return delayOf(this.store).get({ key: `${this.keyPrefix}:${key}`, now });
  }
  /** Milliseconds this key must still wait before its next attempt (0 = go ahead). */
  waitMs(key: string, now = Date.now()) {
    const s = this.current(key, now);
    if (!s || s.failures < this.free) return 0;
    const delay = Math.min(1000 * 2 ** (s.failures - this.free), this.maxDelayMs);
    return Math.max(0, s.lastAt + delay - now);
  }
  fail(key: string, now = Date.now()) {
    const expire = now + this.windowMs;
    withoutFlush(this.store, () =>
      this.store
        .insert(rateLimitDelays)
        .values({ key: `${this.keyPrefix}:${key}`, failures: 1, lastAt: now, expire })
        .onConflictDoUpdate({
          target: rateLimitDelays.key,
          set: {
            // A count that has faded starts again at 1.
            failures: sql`CASE WHEN ${rateLimitDelays.expire} < ${now} THEN 1 ELSE ${rateLimitDelays.failures} + 1 END`,
            lastAt: now,
            expire,
          },
        })
        .run(),
    );
  }
  reset(key: string) {
    withoutFlush(this.store, () =>
      this.store
        .delete(rateLimitDelays)
        .where(eq(rateLimitDelays.key, `${this.keyPrefix}:${key}`))
        .run(),
    );
  }
  failures(key: string, now = Date.now()) {
    return this.current(key, now)?.failures ?? 0;
  }
}

/** Deletes the counts whose window has ended (the hourly job; idempotent). */
export function deleteExpiredLimits(db: DB, now = Date.now()) {
  return db.transaction(
    (tx) => ({
      limits: tx.delete(rateLimits).where(lt(rateLimits.expire, now)).run().changes,
      delays: tx.delete(rateLimitDelays).where(lt(rateLimitDelays.expire, now)).run().changes,
    }),
    { behavior: "immediate" },
  );
}

/** Forgets every count under these key prefixes (tests start each case from fresh limits). */
export function resetLimits(db: DB, ...keyPrefixes: string[]) {
  for (const p of keyPrefixes) {
    const like = `${p.replace(/[\\%_]/g, "\\$&")}:%`;
    db.run(sql`DELETE FROM rate_limits WHERE key LIKE ${like} ESCAPE '\\'`);
    db.run(sql`DELETE FROM rate_limit_delays WHERE key LIKE ${like} ESCAPE '\\'`);
  }
}

export function waitMessage(ms: number) {
  return ms > 60_000
    ? retryMessage(ms)
    : `尝试次数过多，请 ${Math.max(1, Math.ceil(ms / 1000))} 秒后再试。`;
}

const limitersOf = new WeakMap<DB, ReturnType<typeof createAuthLimiters>>();
export function authLimiters(db: DB) {
  let l = limitersOf.get(db);
  if (!l) limitersOf.set(db, (l = createAuthLimiters(db)));
  return l;
}

export function retryMessage(ms: number) {
  const minutes = Math.ceil(ms / 60000);
  return minutes <= 1
    ? "尝试次数过多，请 1 分钟后再试。"
    : `尝试次数过多，请 ${minutes} 分钟后再试。`;
}

/** Throws a Chinese UserError saying when to retry if any key is over its limit. */
export async function checkLimit(limiter: RateLimiterAbstract, key: string) {
  const res = await limiter.get(key);
  if (res && res.remainingPoints <= 0) throw new UserError(retryMessage(res.msBeforeNext));
}

/** Counts one attempt; throws when that attempt is over the limit. */
export async function consume(limiter: RateLimiterAbstract, key: string) {
  try {
    await limiter.consume(key);
  } catch (e) {
    if (e instanceof RateLimiterRes) throw new UserError(retryMessage(e.msBeforeNext));
    throw e;
  }
}
