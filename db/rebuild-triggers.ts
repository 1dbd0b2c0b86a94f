/**
 * `npx tsx db/rebuild-triggers.ts`: after (re)generating the volunteer_activity_fk migration (a table
 * rebuild of volunteer_signups), writes into it the drop and the unchanged re-creation of every
 * trigger that is on, or reads, volunteer_signups, taken from the schema of all earlier migrations.
 * Run it again whenever that migration is regenerated on top of new ones.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { MIGRATIONS_FOLDER, migrateDatabase, openDatabase } from "./client";
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "trg-"));
const folder = path.join(dir, "m");
fs.cpSync(MIGRATIONS_FOLDER, folder, { recursive: true });
const jf = path.join(folder, "meta", "_journal.json");
const j = JSON.parse(fs.readFileSync(jf, "utf8"));
j.entries = j.entries.filter((e: { tag: string }) => !e.tag.endsWith("_volunteer_activity_fk"));
fs.writeFileSync(jf, JSON.stringify(j));
const db = openDatabase(path.join(dir, "db.sqlite"));
migrateDatabase(db, folder);
const rows = db.$client
  .prepare(
    `SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' AND (tbl_name = 'volunteer_signups' OR sql LIKE '%volunteer_signups%') ORDER BY rowid`,
  )
  .all() as { name: string; sql: string }[];
const file = fs
  .readdirSync(MIGRATIONS_FOLDER)
  .find((f) => f.endsWith("_volunteer_activity_fk.sql"))!;
const p = path.join(MIGRATIONS_FOLDER, file);
const body = fs
  .readFileSync(p, "utf8")
  .replace(/^-- [^\n]*\n/gm, "")
  .replace(/^DROP TRIGGER IF EXISTS [^\n]*\n/gm, "")
  .split("--> statement-breakpoint\nCREATE TRIGGER")[0]!
  .trimEnd();
const head =
  [
    "-- Rebuilding volunteer_signups (to give activity_id its foreign key) drops the triggers on it, and",
    "-- renaming the new table re-checks the triggers that read it: every such trigger (the statistics",
    "-- triggers of app/modules/stats/rollup-sql.ts) is dropped first and recreated unchanged at the end",
    "-- (tests/unit/community-migrations.test.ts compares them with the schema before this migration).",
  ].join("\n") + "\n";
const out =
  head +
  rows.map((r) => `DROP TRIGGER IF EXISTS ${r.name};--> statement-breakpoint\n`).join("") +
  body +
  rows.map((r) => `--> statement-breakpoint\n${r.sql};`).join("\n") +
  "\n";
fs.writeFileSync(p, out);
console.log(
  file,
  rows.map((r) => r.name),
);
db.$client.close();
fs.rmSync(dir, { recursive: true, force: true });
