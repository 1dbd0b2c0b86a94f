/**
 * Backups under a running write load (a second process writing users + sessions in pairs), restore,
 * row counts compared; refusals leave the current database untouched; two backups at once.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { migrateDatabase, openDatabase } from "@db/client";
import {
  BackupBusyError,
  backupDatabase,
  listBackups,
  restoreDatabase,
} from "~/modules/ops/backup.server";

let dir: string;
let file: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "backup-"));
  file = path.join(dir, "live.sqlite");
  const db = openDatabase(file);
  migrateDatabase(db);
  db.$client.close();
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function counts(f: string) {
  const c = new Database(f, { readonly: true });
  const n = (t: string) => (c.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
  const out = { users: n("users"), sessions: n("sessions") };
  c.close();
  return out;
}

/** Writes a user and their session in one transaction, as fast as it can, until killed. */
const WRITER = `
const Database = require(${JSON.stringify(require.resolve("better-sqlite3"))});
const db = new Database(process.argv[1]);
db.pragma("journal_mode = WAL"); db.pragma("busy_timeout = 5000"); db.pragma("foreign_keys = ON");
const u = db.prepare("INSERT INTO users (phone, name, password_hash, created_at) VALUES (?, ?, 'x', ?)");
const s = db.prepare("INSERT INTO sessions (id, user_id, expires_at, created_at) VALUES (?, ?, ?, ?)");
const pair = db.transaction((i) => { const id = u.run("150" + String(i).padStart(8, "0"), "负载" + i, Date.now()).lastInsertRowid; s.run("s" + i, id, Date.now() + 1e9, Date.now()); });
let i = 0; process.stdout.write("ready\\n");
for (;;) pair(i++);
`;

describe("backup and restore", () => {
  it("backs up under a running write load; the copy is consistent and restores with the same row counts", async () => {
    const writer = spawn(process.execPath, ["-e", WRITER, file], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    await new Promise<void>((r) => writer.stdout!.once("data", () => r()));
    await new Promise((r) => setTimeout(r, 300));
    const backups = path.join(dir, "backups");
    const results = [];
    for (let i = 0; i < 3; i++) {
      results.push(backupDatabase(file, { dir: backups, keep: 2, now: Date.now() + i * 1000 }));
      await new Promise((r) => setTimeout(r, 100));
    }
    writer.kill("SIGKILL");
    await new Promise((r) => writer.once("exit", r));
    const live = counts(file);
    expect(listBackups(backups)).toHaveLength(2); // BACKUP_KEEP
    const newest = listBackups(backups)[0]!.file;
    const copy = counts(newest);
    expect(copy.users).toBeGreaterThan(0);
    expect(copy.users).toBe(copy.sessions); // one snapshot: never a user without their session
    expect(copy.users).toBeLessThan(live.users); // the load went on after the copy
    const r = restoreDatabase(newest, file);
    expect(r.replaced).toMatch(/live\.sqlite\.replaced-/);
    expect(counts(file)).toEqual(copy);
    expect(counts(r.replaced!)).toEqual(live); // the replaced file is kept, with its WAL folded in
    const reopened = openDatabase(file);
    expect(reopened.$client.pragma("integrity_check", { simple: true })).toBe("ok");
    reopened.$client.close();
  }, 60_000);

  it("refuses a file that is not a database, or not ours, or from a newer version; the current one is untouched", () => {
    const before = fs.readFileSync(file);
    const junk = path.join(dir, "junk.sqlite");
    fs.writeFileSync(junk, "this is not a database at all".repeat(100));
    expect(() => restoreDatabase(junk, file)).toThrow(/不是 SQLite 数据库/);
    const foreign = path.join(dir, "foreign.sqlite");
    const f = new Database(foreign);
    f.exec("CREATE TABLE notes (x)");
    f.close();
    expect(() => restoreDatabase(foreign, file)).toThrow(/不是本平台的数据库/);
    const newer = path.join(dir, "newer.sqlite");
    fs.copyFileSync(file, newer);
    const n = new Database(newer);
    n.prepare(
      "INSERT INTO __drizzle_migrations (hash, created_at) VALUES ('future', 99999999999999)",
    ).run();
    n.close();
    expect(() => restoreDatabase(newer, file)).toThrow(/更新的版本/);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
    expect(fs.readdirSync(dir).some((n) => n.includes("replaced"))).toBe(false);
  });

  it("a second backup while one runs is refused cleanly; a lock left by a dead process is taken over", async () => {
    const backups = path.join(dir, "backups");
    fs.mkdirSync(backups);
    const other = spawn("sleep", ["10"]);
    fs.writeFileSync(path.join(backups, ".backup.lock"), String(other.pid));
    expect(() => backupDatabase(file, { dir: backups, keep: 3 })).toThrow(BackupBusyError);
    expect(listBackups(backups)).toHaveLength(0);
    other.kill("SIGKILL");
    await new Promise((r) => other.once("exit", r));
    expect(backupDatabase(file, { dir: backups, keep: 3 }).file).toMatch(
      /academy-\d{8}T\d{6}Z\.sqlite$/,
    );
    expect(fs.existsSync(path.join(backups, ".backup.lock"))).toBe(false);
  });
});
