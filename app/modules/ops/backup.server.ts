/**
 * Online backups with `VACUUM INTO` (a consistent snapshot from one read transaction; writers go on
 * meanwhile under WAL), kept as timestamped files in BACKUP_DIR, the newest BACKUP_KEEP kept.
 * Restore checks `PRAGMA integrity_check` and the migration level before it swaps the file in,
 * and keeps the file it replaced.
 */
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { readMigrationFiles } from "drizzle-orm/migrator";
import { MIGRATIONS_FOLDER } from "@db/client";
import { UserError } from "~/utils/errors";

const BACKUP_NAME = /^academy-(\d{8}T\d{6}Z)(?:-(\d+))?\.sqlite$/;
const LOCK = ".backup.lock";

export class BackupBusyError extends UserError {
  constructor(pid: number) {
    super(`另一个备份正在进行（进程 ${pid}），请等它完成后再试。`);
    this.name = "BackupBusyError";
  }
}

function stamp(now: number) {
  return new Date(now)
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
}

function alive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Takes the backup directory's lock file, or refuses while another live process holds it. */
function takeLock(dir: string): () => void {
  const file = path.join(dir, LOCK);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = fs.openSync(file, "wx");
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      return () => fs.rmSync(file, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const pid = Number(fs.readFileSync(file, "utf8"));
      if (Number.isInteger(pid) && pid > 0 && alive(pid)) throw new BackupBusyError(pid);
      fs.rmSync(file, { force: true }); // left by a process that died
    }
  }
  throw new BackupBusyError(0);
}

export type BackupFile = { file: string; bytes: number; at: number };

/** The backups in `dir`, newest first. */
export function listBackups(dir: string): BackupFile[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((n) => BACKUP_NAME.test(n))
    .map((n) => {
      const st = fs.statSync(path.join(dir, n));
      return { file: path.join(dir, n), bytes: st.size, at: st.mtimeMs };
    })
    .sort((a, b) => path.basename(b.file).localeCompare(path.basename(a.file)));
}

/**
 * Copies the database at `source` into `dir` as academy-<UTC time>.sqlite and deletes all but the
 * newest `keep` backups. A second backup while one runs is refused with BackupBusyError.
 */
export function backupDatabase(source: string, opts: { dir: string; keep: number; now?: number }) {
  const now = opts.now ?? Date.now();
  fs.mkdirSync(opts.dir, { recursive: true });
  const release = takeLock(opts.dir);
  try {
    let name = `academy-${stamp(now)}.sqlite`;
    for (let i = 2; fs.existsSync(path.join(opts.dir, name)); i++)
      name = `academy-${stamp(now)}-${i}.sqlite`;
    const target = path.join(opts.dir, name);
    const partial = path.join(opts.dir, `.${name}.partial`);
    fs.rmSync(partial, { force: true });
    const conn = new Database(source, { readonly: true, fileMustExist: true });
    try {
      conn.pragma("busy_timeout = 5000");
      conn.prepare("VACUUM INTO ?").run(partial);
    } finally {
      conn.close();
    }
    const fd = fs.openSync(partial, "r");
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fs.renameSync(partial, target);
    const removed: string[] = [];
    for (const old of listBackups(opts.dir).slice(opts.keep)) {
      fs.rmSync(old.file, { force: true });
      removed.push(path.basename(old.file));
    }
    return { file: target, bytes: fs.statSync(target).size, removed };
  } finally {
    release();
  }
}

export class RestoreRefused extends UserError {
  constructor(message: string) {
    super(message);
    this.name = "RestoreRefused";
  }
}

/** What a database file is: integrity, and how its applied migrations compare with ours. */
export function inspectDatabase(file: string, migrationsFolder = MIGRATIONS_FOLDER) {
  if (!fs.existsSync(file)) throw new RestoreRefused(`找不到文件：${file}`);
  let conn: Database.Database;
  try {
    conn = new Database(file, { readonly: true, fileMustExist: true });
    conn.prepare("SELECT count(*) FROM sqlite_master").get();
  } catch {
    throw new RestoreRefused("这不是 SQLite 数据库文件，没有恢复。");
  }
  try {
    const integrity = (conn.pragma("integrity_check") as { integrity_check: string }[]).map(
      (r) => r.integrity_check,
    );
    if (integrity.length !== 1 || integrity[0] !== "ok")
      throw new RestoreRefused(
        `完整性检查没有通过（${integrity.slice(0, 3).join("；")}），没有恢复。`,
      );
    const hasTable = (name: string) =>
      !!conn.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name);
    if (!hasTable("__drizzle_migrations") || !hasTable("users"))
      throw new RestoreRefused("这不是本平台的数据库（没有迁移记录或用户表），没有恢复。");
    const applied = (
      conn.prepare("SELECT hash FROM __drizzle_migrations ORDER BY created_at, id").all() as {
        hash: string;
      }[]
    ).map((r) => r.hash);
    const ours = readMigrationFiles({ migrationsFolder }).map((m) => m.hash);
    if (applied.length > ours.length)
      throw new RestoreRefused(
        `备份来自更新的版本（已应用 ${applied.length} 个迁移，本程序只有 ${ours.length} 个），没有恢复。`,
      );
    for (let i = 0; i < applied.length; i++) {
      if (applied[i] !== ours[i])
        throw new RestoreRefused(`备份的第 ${i + 1} 个迁移与本程序的不一致，没有恢复。`);
    }
    return { applied: applied.length, ours: ours.length, behind: ours.length - applied.length };
  } finally {
    conn.close();
  }
}

/**
 * Replaces `target` with `backup` after the checks above. The replaced file is kept beside it as
 * <target>.replaced-<time> (its WAL checkpointed into it first). Stop the server before restoring.
 */
export function restoreDatabase(backup: string, target: string, now = Date.now()) {
  const level = inspectDatabase(backup);
  let replaced: string | null = null;
  const incoming = `${target}.restoring`;
  fs.copyFileSync(backup, incoming);
  if (fs.existsSync(target)) {
    const current = new Database(target, { fileMustExist: true });
    try {
      current.pragma("busy_timeout = 5000");
      current.pragma("wal_checkpoint(TRUNCATE)");
    } finally {
      current.close();
    }
    replaced = `${target}.replaced-${stamp(now)}`;
    fs.renameSync(target, replaced);
    for (const ext of ["-wal", "-shm"]) {
      if (fs.existsSync(target + ext)) fs.renameSync(target + ext, replaced + ext);
    }
  }
  fs.renameSync(incoming, target);
  return { ...level, replaced };
}
