/**
 * The real server for the ops tests: the production build (tests/factories/built-server.ts makes it
 * once and reuses it while its fingerprint matches), started as its own process on a free port with
 * its own directory (database, uploads, SMS outbox) and a clean environment, every byte of its
 * output kept, its exit code observable (SIGTERM, refusals). Real HTTP only.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ensureBuild, freePort } from "@tests/factories/built-server";

export const ROOT = path.resolve(import.meta.dirname, "../..");
export const DEMO_PASSWORD = "xiamen-2015";

/** Builds for production when build/ is missing or stale (never the vitest mode). */
export const ensureProductionBuild = ensureBuild;

export type RunningServer = {
  url: string;
  dir: string;
  dbFile: string;
  proc: ChildProcess;
  /** Everything the server wrote to stdout and stderr so far. */
  output: () => string;
  /** Sends the signal and resolves with the exit code. */
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
};

function spawnServer(dir: string, port: number, env: Record<string, string>) {
  let out = "";
  const proc = spawn(process.execPath, [path.join(ROOT, "build/server/index.js")], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: "production",
      PORT: String(port),
      HOST: "127.0.0.1",
      DATABASE_PATH: path.join(dir, "app.sqlite"),
      BACKUP_DIR: path.join(dir, "backups"),
      UPLOAD_DIR: path.join(dir, "uploads"),
      SMS_DEV_FILE: path.join(dir, "sms.jsonl"),
      LOGIN_LIMIT_PER_IP: "10000",
      REGISTER_LIMIT_PER_IP: "10000",
      SMS_LIMIT_PER_IP: "10000",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  proc.stdout!.on("data", (d) => (out += String(d)));
  proc.stderr!.on("data", (d) => (out += String(d)));
  return { proc, output: () => out };
}

/** Starts the server on `dir` (a fresh temporary directory unless given) and waits until /healthz is 200. */
export async function startServer(
  env: Record<string, string> = {},
  dir?: string,
): Promise<RunningServer> {
  ensureProductionBuild();
  dir ??= fs.mkdtempSync(path.join(os.tmpdir(), "srv-"));
  const dbFile = path.join(dir, "app.sqlite");
  const port = await freePort();
  const { proc, output } = spawnServer(dir, port, env);
  const exited = new Promise<number | null>((r) => proc.once("exit", (code) => r(code)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`server exited ${proc.exitCode}:\n${output()}`);
    try {
      const r = await fetch(`${url}/healthz`);
      if (r.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`server did not become healthy:\n${output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    dir,
    dbFile,
    proc,
    output,
    stop: async (signal = "SIGTERM") => {
      if (proc.exitCode === null) proc.kill(signal);
      const code = await exited;
      return code;
    },
  };
}

/** Starts the server on `dir` expecting it to refuse: resolves with its exit code and output. */
export async function startRefused(
  env: Record<string, string>,
  dir: string,
): Promise<{ code: number | null; output: string }> {
  ensureProductionBuild();
  const { proc, output } = spawnServer(dir, await freePort(), env);
  const timer = setTimeout(() => proc.kill("SIGKILL"), 60_000);
  const code = await new Promise<number | null>((r) => proc.once("exit", (c) => r(c)));
  clearTimeout(timer);
  return { code, output: output() };
}

export function removeServerFiles(s: RunningServer) {
  fs.rmSync(s.dir, { recursive: true, force: true });
}

/** Logs in over HTTP like the login form does; returns the Cookie header to send. */
export async function loginCookie(
  url: string,
  phone: string,
  password = DEMO_PASSWORD,
): Promise<string> {
  const body = new URLSearchParams({ phone, password, redirectTo: "" });
  const r = await fetch(`${url}/login`, {
    method: "POST",
    body,
    redirect: "manual",
    headers: { origin: url, "content-type": "application/x-www-form-urlencoded" },
  });
  if (r.status !== 302 && r.status !== 303) throw new Error(`login ${phone} gave ${r.status}`);
  const cookies = r.headers.getSetCookie().map((c) => c.split(";")[0]!);
  if (!cookies.length) throw new Error(`login ${phone} set no cookie`);
  return cookies.join("; ");
}
