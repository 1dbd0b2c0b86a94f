/** /hq/system: what an operator checks first. HQ admins only. */
import fs from "node:fs";
import path from "node:path";
import type { DB } from "@db/client";
import { isHqAdmin, type Actor } from "~/modules/auth/permissions";
import { config } from "~/utils/config.server";
import { forbidden } from "~/utils/http";
import { listBackups } from "./backup.server";
import { healthOf } from "./health.server";
import { currentRunner, jobStates, registeredJobs, scheduleOf } from "./jobs.server";
import { registerAllJobs } from "./job-list.server";
import { recentErrors } from "~/utils/log.server";

function fileSize(f: string) {
  try {
    return fs.statSync(f).size;
  } catch {
    return 0;
  }
}

function buildInfo() {
  try {
    const fp = JSON.parse(fs.readFileSync(path.resolve("build/fingerprint.json"), "utf8")) as {
      sources?: string;
      mode?: string;
      builtAt?: string;
    };
    return {
      version: fp.sources?.slice(0, 12) ?? null,
      mode: fp.mode ?? null,
      builtAt: fp.builtAt ?? null,
    };
  } catch {
    return { version: null, mode: null, builtAt: null };
  }
}

export function systemStatus(db: DB, actor: Actor) {
  if (!isHqAdmin(actor)) forbidden("系统状态只有总部管理员可以查看。");
  registerAllJobs();
  const c = config();
  const file = db.$client.name;
  const runner = currentRunner();
  const next = runner?.nextRuns() ?? {};
  const states = new Map(jobStates(db).map((s) => [s.name, s]));
  const backups = listBackups(path.resolve(c.BACKUP_DIR));
  return {
    build: buildInfo(),
    node: process.version,
    mode: c.NODE_ENV,
    startedAt: Date.now() - Math.round(process.uptime() * 1000),
    uptimeSeconds: Math.round(process.uptime()),
    health: healthOf(db),
    database: { bytes: fileSize(file), walBytes: fileSize(`${file}-wal`) },
    lastBackup: backups[0]
      ? { name: path.basename(backups[0].file), bytes: backups[0].bytes, at: backups[0].at }
      : null,
    backupCount: backups.length,
    jobsHere: !!runner,
    jobs: registeredJobs().map((j) => {
      const s = states.get(j.name);
      return {
        name: j.name,
        description: j.description,
        schedule: scheduleOf(j),
        nextRunAt: next[j.name] ?? null,
        lastStartedAt: s?.lastStartedAt ?? null,
        lastFinishedAt: s?.lastFinishedAt ?? null,
        lastStatus: s?.lastStatus ?? null,
        lastError: s?.lastError ?? null,
        lastDurationMs: s?.lastDurationMs ?? null,
        lastResult: s?.lastResult ?? null,
        runs: s?.runs ?? 0,
      };
    }),
    errors: recentErrors().map((e) => ({ ...e })),
  };
}

/** The deliberate error behind /hq/system's 「记录一条测试错误」: proves logs and 错误编号 work end to end. */
export function testError(actor: Actor): never {
  if (!isHqAdmin(actor)) forbidden("系统状态只有总部管理员可以查看。");
  throw new Error("测试错误：由总部管理员在系统状态页触发");
}
