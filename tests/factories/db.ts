import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { migrateDatabase, openDatabase, type DB } from "@db/client";

/** A fresh SQLite file with the real migrations and pragmas. Removed by `cleanup()`. */
export function createTestDb(): DB & { cleanup: () => void; file: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "academy-test-"));
  const file = path.join(dir, "test.sqlite");
  const db = openDatabase(file);
  migrateDatabase(db);
  return Object.assign(db, {
    file,
    cleanup() {
      db.$client.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  });
}

export type TestDb = ReturnType<typeof createTestDb>;

/**
 * Runs `EXPLAIN <prefix> sqlText` on `conn` with a null for every parameter, positional (`?`) or
 * named (`:id`, `@id`, `$id`): a plan or a program does not depend on the values.
 */
export function explainWithNulls<T>(
  conn: import("better-sqlite3").Database,
  prefix: "EXPLAIN" | "EXPLAIN QUERY PLAN",
  sqlText: string,
): T[] {
  const stmt = conn.prepare(`${prefix} ${sqlText}`);
  const named = Object.fromEntries(
    Array.from(sqlText.matchAll(/[:@$]([A-Za-z_]\w*)/g), (m) => [m[1]!, null]),
  );
  const positional = Array.from(sqlText.matchAll(/\?/g), () => null);
  return stmt.all(...positional, ...(Object.keys(named).length ? [named] : [])) as T[];
}
