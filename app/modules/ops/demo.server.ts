import type { DB } from "@db/client";

const memo = new WeakMap<DB, { at: number; value: boolean }>();

/**
 * Whether the database holds demo data (the demo seed's accounts, whose password is public).
 * Every page then shows the 演示数据 banner. Re-read at most once a minute per connection.
 */
export function demoDataPresent(db: DB, now = Date.now()) {
  const hit = memo.get(db);
  if (hit && now - hit.at < 60_000) return hit.value;
  const value = !!db.$client.prepare("SELECT 1 FROM users WHERE is_demo = 1 LIMIT 1").get();
  memo.set(db, { at: now, value });
  return value;
}
