/**
 * One process per core as production starts it: `node <SERVER_NODE_FLAGS> db/start.mjs` with
 * WEB_CONCURRENCY=2 on the built app (db/cluster.mjs). The primary supervises without loading the
 * app (issue 17: two workers and their primary within 400 MB); the first worker prepares the
 * database and the second is forked once it listens; a crashed worker is replaced; SIGTERM stops
 * every worker gracefully and the primary exits 0; a refused start stops the whole server once,
 * with its message, instead of restarting it in a loop.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import { openDatabase } from "@db/client";
import { SERVER_NODE_FLAGS } from "@db/start.mjs";
import { ensureBuild, freePort, prepareEnrollDb } from "@tests/factories/built-server";
import { ppidOf, rssKiB } from "@tests/factories/proc";

const root = path.resolve(import.meta.dirname, "../..");

type LogLine = { pid: number; msg: string; time: string; [k: string]: unknown };

async function startCluster(dbFile: string, env: Record<string, string> = {}) {
  let out = "";
  const port = String(await freePort());
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, path.join(root, "db/start.mjs")], {
    cwd: root,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      PATH: process.env.PATH,
      NODE_ENV: "production",
      HOST: "127.0.0.1",
      PORT: port,
      DATABASE_PATH: dbFile,
      BACKUP_DIR: path.join(path.dirname(dbFile), "backups"),
      WEB_CONCURRENCY: "2",
      JOBS: "1",
      LOG_LEVEL: "info",
      ...env,
    },
  });
  child.stdout!.on("data", (d) => (out += String(d)));
  child.stderr!.on("data", (d) => (out += String(d)));
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  const logs = () =>
    out
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as LogLine);
  return { child, port, exited, output: () => out, logs };
}
type Cluster = Awaited<ReturnType<typeof startCluster>>;

async function until<T>(what: string, c: Cluster, get: () => T | undefined | false) {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const v = get();
    if (v) return v;
    if (c.child.exitCode != null)
      throw new Error(`exited while waiting for ${what}:\n${c.output()}`);
    if (Date.now() > deadline) throw new Error(`no ${what} within 120 s:\n${c.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const listening = (c: Cluster) => c.logs().filter((l) => l.msg === "listening");
const rssMiB = (pid: number) => rssKiB(pid) / 1024;
const openFiles = (pid: number) =>
  fs.readdirSync(`/proc/${pid}/fd`).map((fd) => {
    try {
      return fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      return "";
    }
  });

const prepared: Awaited<ReturnType<typeof prepareEnrollDb>>[] = [];
const started: Cluster[] = [];
afterAll(async () => {
  for (const c of started) {
    if (c.child.exitCode != null || c.child.signalCode != null) continue;
    try {
      process.kill(-c.child.pid!, "SIGKILL");
    } catch {
      /* gone */
    }
    await Promise.race([c.exited, new Promise((r) => setTimeout(r, 5000))]);
  }
  for (const p of prepared) p.cleanup();
}, 30_000);

describe("one process per core (WEB_CONCURRENCY=2, node db/start.mjs)", () => {
  it("the primary only supervises; the first worker prepares and runs the jobs; a crashed worker is replaced; SIGTERM stops all, exit 0", async () => {
    ensureBuild();
    const db = await prepareEnrollDb({ capacity: 1, userCount: 1 });
    prepared.push(db);
    const c = await startCluster(db.file);
    started.push(c);
    const [first, second] = await until("two workers listening", c, () => {
      const l = listening(c);
      return l.length >= 2 && l;
    });
    const primary = c.child.pid!;
    expect(ppidOf(first!.pid)).toBe(primary);
    expect(ppidOf(second!.pid)).toBe(primary);
    expect(fs.readFileSync(`/proc/${primary}/cmdline`, "utf8")).toContain("db/start.mjs");

    // The primary never loaded the app: no database open, and far from the 120+ MiB that
    // importing build/server/index.js alone costs.
    expect(openFiles(primary).filter((f) => f.includes(path.basename(db.file)))).toEqual([]);
    expect(openFiles(first!.pid).some((f) => f.endsWith(path.basename(db.file)))).toBe(true);
    expect(rssMiB(primary)).toBeLessThan(90);
    expect(rssMiB(first!.pid)).toBeGreaterThan(rssMiB(primary) + 30);

    // Preparation (the content import's log lines) and the jobs happen in the first worker only,
    // and the second started after the first listened.
    const logs = c.logs();
    const imported = logs.filter((l) => l.msg.startsWith("课程库："));
    expect(imported.map((l) => l.pid)).toEqual([first!.pid]);
    const jobs = logs.filter((l) => Array.isArray(l.jobs));
    expect(jobs.map((l) => l.pid)).toEqual([first!.pid]);
    const secondsFirst = logs.find((l) => l.pid === second!.pid)!;
    expect(Date.parse(secondsFirst.time)).toBeGreaterThanOrEqual(Date.parse(first!.time));

    // Both answer; a crashed worker is replaced under its index (no preparation, no jobs).
    expect((await fetch(`http://127.0.0.1:${c.port}/healthz`)).status).toBe(200);
    process.kill(second!.pid, "SIGKILL");
    const third = await until("a replacement worker", c, () =>
      listening(c).find((l) => l.pid !== first!.pid && l.pid !== second!.pid),
    );
    expect(ppidOf(third.pid)).toBe(primary);
    expect(
      c
        .logs()
        .filter((l) => l.msg.startsWith("课程库："))
        .map((l) => l.pid),
    ).toEqual([first!.pid]);
    for (let i = 0; i < 6; i++)
      expect((await fetch(`http://127.0.0.1:${c.port}/healthz`)).status).toBe(200);

    // SIGTERM to the whole process group, as a service manager sends it: every worker gets it from
    // there and again from the primary, and still shuts down gracefully; a second signal to the
    // primary while they do (an impatient Ctrl-C) changes nothing.
    process.kill(-primary, "SIGTERM");
    await new Promise((r) => setTimeout(r, 10));
    process.kill(primary, "SIGTERM");
    expect(await c.exited).toBe(0);
    const stopped = c.logs().filter((l) => l.msg === "stopped");
    expect(stopped.map((l) => l.pid).sort()).toEqual([first!.pid, third.pid].sort());
    for (const pid of [first!.pid, third.pid]) expect(fs.existsSync(`/proc/${pid}`)).toBe(false);
  }, 240_000);

  it("a refused start (DEMO=0 on demo accounts) stops the server once with its message, exit 1", async () => {
    ensureBuild();
    const db = await prepareEnrollDb({ capacity: 1, userCount: 1 });
    prepared.push(db);
    const d = openDatabase(db.file);
    d.run(sql`UPDATE users SET is_demo = 1`);
    d.$client.close();
    const c = await startCluster(db.file, { DEMO: "0" });
    started.push(c);
    const code = await Promise.race([
      c.exited,
      new Promise((r) => setTimeout(() => r("still running"), 60_000)),
    ]);
    expect(code).toBe(1);
    expect(c.output().match(/DEMO=0，但数据库里有 \d+ 个演示账号/g)).toHaveLength(1);
    expect(listening(c)).toEqual([]);
  }, 120_000);

  it("an invalid WEB_CONCURRENCY is refused by name, as in one process", async () => {
    ensureBuild();
    const db = await prepareEnrollDb({ capacity: 1, userCount: 1 });
    prepared.push(db);
    const c = await startCluster(db.file, { WEB_CONCURRENCY: "two" });
    started.push(c);
    expect(await c.exited).toBe(1);
    expect(c.output()).toContain("WEB_CONCURRENCY");
    expect(listening(c)).toEqual([]);
  }, 120_000);
});
