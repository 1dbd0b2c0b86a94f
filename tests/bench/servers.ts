/**
 * The servers the benchmarks measure: our built app (tests/factories/built-server.ts starts it the
 * way production does) and a bare Remix 2.17 page (tests/bench/bare-remix, built here into
 * tests/.tmp/bare-remix and served with remix-serve, the template's own server), plus `npm start`
 * as a whole for the memory it leaves resident.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { SERVER_NODE_FLAGS } from "@db/start.mjs";
import { freePort } from "../factories/built-server";

const root = path.resolve(import.meta.dirname, "../..");
const bareDir = path.join(root, "tests/bench/bare-remix");
const bareBuild = path.join(root, "tests/.tmp/bare-remix/build/index.js");

function newestMtime(p: string): number {
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(0, ...fs.readdirSync(p).map((e) => newestMtime(path.join(p, e))));
}

/** Builds the bare Remix fixture unless its build is newer than its sources. */
export function ensureBareBuild() {
  if (fs.existsSync(bareBuild) && fs.statSync(bareBuild).mtimeMs > newestMtime(bareDir))
    return false;
  execFileSync(
    process.execPath,
    [path.join(root, "node_modules/@remix-run/dev/dist/cli.js"), "build", bareDir],
    {
      cwd: root,
      stdio: "pipe",
      env: { ...process.env, NODE_ENV: "production" },
      timeout: 120_000,
    },
  );
  return true;
}

export type Running = {
  url: string;
  pid: number;
  child: ChildProcess;
  stop: () => Promise<void>;
  output: () => string;
};

/** Spawns `cmd args` in its own process group and waits until `probe` answers below 500. */
export async function spawnServer(
  cmd: string,
  args: string[],
  opts: {
    cwd: string;
    env: Record<string, string>;
    probe?: string;
    port?: number;
    timeoutMs?: number;
  },
): Promise<Running> {
  const port = opts.port ?? (await freePort());
  const child = spawn(cmd, args, {
    cwd: opts.cwd,
    detached: true,
    stdio: ["ignore", "ignore", "pipe"],
    env: {
      ...process.env,
      NODE_ENV: "production",
      HOST: "127.0.0.1",
      PORT: String(port),
      ...opts.env,
    },
  });
  let err = "";
  child.stderr?.on("data", (d) => (err = (err + String(d)).slice(-20_000)));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode != null || child.signalCode != null) return;
    const exited = new Promise<void>((r) => child.once("exit", () => r()));
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      /* gone */
    }
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
  };
  const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
  for (;;) {
    if (child.exitCode != null) throw new Error(`${cmd} ${args.join(" ")} exited early:\n${err}`);
    try {
      const res = await fetch(url + (opts.probe ?? "/"));
      await res.arrayBuffer();
      if (res.status < 500) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${cmd} did not answer within the time:\n${err}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, pid: child.pid!, child, stop, output: () => err };
}

/** The bare Remix page, served by remix-serve (compression on, as the template ships). */
export async function startBare(): Promise<Running> {
  ensureBareBuild();
  return spawnServer(
    process.execPath,
    [path.join(root, "node_modules/@remix-run/serve/dist/cli.js"), bareBuild],
    {
      cwd: bareDir,
      env: {},
    },
  );
}

/** `npm start` as a person runs it, for the memory of everything it leaves running. */
export async function startNpmStart(dbFile: string): Promise<Running> {
  return spawnServer("npm", ["start"], {
    cwd: root,
    env: { DATABASE_PATH: dbFile, COOKIE_SECURE: "0" },
    probe: "/healthz",
    timeoutMs: 300_000,
  });
}

/**
 * An older checkout's build (BENCH_BEFORE_ROOT), started by its own server entry the way production
 * starts it (this checkout's SERVER_NODE_FLAGS), on a copy of `dbFile`: before/after rows in one run.
 */
export async function startBefore(root: string, dbFile: string): Promise<Running> {
  const copy = dbFile.replace(/\.sqlite$/, "") + "-before.sqlite";
  fs.copyFileSync(dbFile, copy);
  // With the same V8 flags as ours: a before row must differ by the code, not by the heap limit.
  return spawnServer(
    process.execPath,
    [...SERVER_NODE_FLAGS, path.join(root, "build/server/index.js")],
    {
      cwd: root,
      env: {
        DATABASE_PATH: copy,
        COOKIE_SECURE: "0",
        LOGIN_LIMIT_PER_IP: "100000",
        LOG_LEVEL: "info",
        BACKUP_DIR: path.join(path.dirname(copy), "backups-before"),
      },
      probe: "/healthz",
    },
  );
}
