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
