/**
 * The built app under test: build it when build/ was not made from the current sources in
 * production mode (db/start.mjs's fingerprint), start our server (`node <SERVER_NODE_FLAGS> build/server/index.js`)
 * on a free port against a given SQLite file in its own process group, and stop it with SIGTERM
 * (SIGKILL after 5 s). Also: a fresh database with one open run and N users with sessions made directly.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { migrateDatabase, openDatabase } from "@db/client";
import * as startScript from "@db/start.mjs";
import { users } from "@db/schema";
import { createSession, generateSessionToken } from "~/modules/auth/session.server";
import { createOpenRun } from "./enrollment";
import { schedulingWorld } from "./scheduling";

const root = path.resolve(import.meta.dirname, "../..");
const serverBuild = "build/server/index.js";

/** Builds the app (production mode) unless build/ is fresh; a lock keeps parallel builds from colliding. */
export function ensureBuild() {
  return startScript.ensureBuild(root, "production", { quiet: true });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

export type BuiltServer = {
  url: string;
  port: number;
  child: ChildProcess;
  stop: () => Promise<void>;
  output: () => string;
};

/** Starts our server on a free port; resolves once /healthz answers (and every worker listens). */
export async function startBuiltServer(opts: {
  dbFile: string;
  env?: Record<string, string>;
  /** Node's own flags; default: the heap limits production runs with (db/start.mjs). */
  nodeFlags?: string[];
  /** Another checkout whose build/ to run (a bench's "before" side); default: BENCH_SERVER_ROOT
   * (any bench against an older commit's build), else this one. */
  root?: string;
  /** Start it as `npm start` does (`node <flags> db/start.mjs`, whose build check then passes)
   * rather than running the build's entry directly: with WEB_CONCURRENCY > 1 its primary does not
   * load the app (db/cluster.mjs). */
  viaStartScript?: boolean;
}): Promise<BuiltServer> {
  const cwd = opts.root ?? process.env.BENCH_SERVER_ROOT ?? root;
  const port = await freePort();
  const flags = [...(opts.nodeFlags ?? startScript.SERVER_NODE_FLAGS)];
  // SERVER_CPU_PROF=dir: any bench's server writes a CPU profile there when it stops.
  if (process.env.SERVER_CPU_PROF)
    flags.push("--cpu-prof", `--cpu-prof-dir=${process.env.SERVER_CPU_PROF}`);
  // The server writes its log straight into a file: read through a pipe, a benchmark's request log
  // cost the load generator's own process CPU (it runs in this one) for every request served.
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), "academy-server-log-"));
  const logFile = path.join(logDir, "server.log");
  const logFd = fs.openSync(logFile, "a");
  const entry = path.join(cwd, opts.viaStartScript ? "db/start.mjs" : serverBuild);
  const child = spawn(process.execPath, [...flags, entry], {
    cwd,
    detached: true,
    stdio: ["ignore", logFd, logFd],
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(port),
      HOST: "127.0.0.1",
      DATABASE_PATH: opts.dbFile,
      BACKUP_DIR: path.join(path.dirname(opts.dbFile), "backups"),
      LOG_LEVEL: "info",
      ...opts.env,
    },
  });
  fs.closeSync(logFd);
  // The last 50,000 bytes of the log (kept in memory once the server stopped and the file is gone).
  let kept: string | null = null;
  const tail = () => {
    if (kept != null) return kept;
    const fd = fs.openSync(logFile, "r");
    try {
      const size = fs.fstatSync(fd).size;
      const start = Math.max(0, size - 50_000);
      const buf = Buffer.alloc(size - start);
      fs.readSync(fd, buf, 0, buf.length, start);
      return buf.toString("utf8");
    } finally {
      fs.closeSync(fd);
    }
  };
  const url = `http://127.0.0.1:${port}`;
  const removeLog = () => {
    if (kept != null) return;
    kept = tail();
    fs.rmSync(logDir, { recursive: true, force: true });
  };
  // However it ends (stopped, killed by a crash test), its log is kept in memory and the file goes.
  child.once("exit", removeLog);
  const stop = async () => {
    if (child.exitCode != null || child.signalCode != null) return removeLog();
    const exited = new Promise<void>((r) => child.once("exit", () => r()));
    try {
      process.kill(-child.pid!, "SIGTERM");
    } catch {
      /* already gone */
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        /* already gone */
      }
    }, 5000);
    await exited;
    clearTimeout(timer);
    removeLog();
  };
  const deadline = Date.now() + 60_000;
  // With WEB_CONCURRENCY > 1 the later workers start once the first listens: wait for all of them.
  const workers = Number(opts.env?.WEB_CONCURRENCY ?? 1);
  const allListening = () => (tail().match(/"msg":"listening"/g) ?? []).length >= workers;
  for (;;) {
    if (child.exitCode != null) {
      removeLog();
      throw new Error(`the server exited early:\n${tail()}`);
    }
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.status < 500 && (workers <= 1 || allListening())) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the server did not start within 60 s:\n${tail()}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, port, child, stop, output: tail };
}

/**
 * A fresh migrated database in a temp dir with one open first-come run of `capacity` seats and
 * `userCount` users, each with a session made directly in the database (no logins, no argon2).
 */
export async function prepareEnrollDb(opts: {
  capacity: number;
  userCount: number;
  /** Open runs of `capacity` seats (default 1; the first is `runId`). */
  runs?: number;
}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "academy-race-"));
  const file = path.join(dir, "race.sqlite");
  const db = openDatabase(file);
  migrateDatabase(db);
  const w = await schedulingWorld(db);
  const runIds = Array.from(
    { length: opts.runs ?? 1 },
    () => createOpenRun(db, w, { capacity: opts.capacity, status: "open" }).id,
  );
  const tokens: string[] = [];
  const userIds: number[] = [];
  const now = Date.now();
  db.transaction(
    (tx) => {
      for (let i = 0; i < opts.userCount; i++) {
        const u = tx
          .insert(users)
          .values({
            phone: `135${String(i).padStart(8, "0")}`,
            name: `并发用户${i + 1}`,
            passwordHash: "not-a-login",
            createdAt: now,
          })
          .returning({ id: users.id })
          .get();
        const token = generateSessionToken();
        createSession(tx, token, u.id, now);
        tokens.push(token);
        userIds.push(u.id);
      }
    },
    { behavior: "immediate" },
  );
  db.$client.close();
  return {
    file,
    runId: runIds[0]!,
    runIds,
    tokens,
    userIds,
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * A plain HTTP request with node:http (no connect timeout of its own, unlike fetch's 10 s, so a
 * burst of 1,000 connections queues in the kernel instead of failing on the client).
 */
/** A GET whose body comes back as the bytes sent (no decoding of Content-Encoding), with its headers. */
export function httpGetBytes(
  target: string,
  headers: Record<string, string> = {},
): Promise<{ headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(target, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
        res.on("error", reject);
      })
      .on("error", reject);
  });
}

export function httpRequest(
  method: "GET" | "POST",
  target: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<{ status: number; location: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      target,
      {
        method,
        headers: body ? { ...headers, "Content-Length": String(Buffer.byteLength(body)) } : headers,
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => (text += d));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            location: String(res.headers.location ?? ""),
            body: text,
          }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** One no-JavaScript form post of `intent=enroll` as a signed-in person; the redirect is not followed. */
export async function postEnroll(
  url: string,
  runId: number,
  token: string,
  extra: Record<string, string> = {},
) {
  const started = performance.now();
  const res = await httpRequest(
    "POST",
    `${url}/classes/${runId}`,
    {
      "Content-Type": "application/x-www-form-urlencoded",
      Cookie: `session=${token}`,
      Origin: url,
    },
    new URLSearchParams({ intent: "enroll", ...extra }).toString(),
  );
  return { ...res, ms: performance.now() - started };
}

/** The outcome a redirect location carries: confirmed, waitlisted (with position) or refused. */
export function outcomeOf(location: string) {
  const q = new URL(location, "http://x").searchParams;
  return {
    result: q.get("result"),
    position: q.get("position") ? Number(q.get("position")) : null,
    reason: q.get("reason"),
  };
}
