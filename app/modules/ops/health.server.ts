import { readMigrationFiles } from "drizzle-orm/migrator";
import { MIGRATIONS_FOLDER, type DB } from "@db/client";

let ourMigrations: number | null = null;

/** How many migrations this program ships (read once). */
export function shippedMigrations() {
  ourMigrations ??= readMigrationFiles({ migrationsFolder: MIGRATIONS_FOLDER }).length;
  return ourMigrations;
}

export type Health = { ok: true } | { ok: false; problem: string };

/** Readable database and every migration applied; else what is wrong (for /healthz's 503). */
export function healthOf(db: DB): Health {
  let applied: number;
  try {
    db.$client.prepare("SELECT id FROM users LIMIT 1").get();
    applied = (
      db.$client.prepare("SELECT count(*) AS n FROM __drizzle_migrations").get() as { n: number }
    ).n;
  } catch {
    return { ok: false, problem: "database unreadable" };
  }
  const shipped = shippedMigrations();
  if (applied < shipped)
    return { ok: false, problem: `migrations behind (${applied} of ${shipped})` };
  return { ok: true };
}
