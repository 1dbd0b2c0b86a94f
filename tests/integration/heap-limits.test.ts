/**
 * The server runs with the V8 heap limits that keep its memory bounded (issue 17): package.json's
 * `start` script, run the way npm runs it (`sh -c "<script>"`) with WEB_CONCURRENCY=2, starts
 * workers that each report (log line "listening", `heapLimitMiB`) the heap limit SERVER_NODE_FLAGS
 * give a node process, far below V8's default on this machine. Losing the flags from the script,
 * from the cluster workers or from db/start.mjs fails here.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { WORKER_NODE_FLAGS } from "@db/cluster.mjs";
import { SERVER_NODE_FLAGS } from "@db/start.mjs";
import { ensureBuild, freePort, prepareEnrollDb } from "@tests/factories/built-server";

const root = path.resolve(import.meta.dirname, "../..");
const scripts = (
  JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as {
    scripts: Record<string, string>;
  }
).scripts;

/** heap_size_limit in MiB of a node process started with `flags`. */
function heapLimitWith(flags: string[]) {
  const r = spawnSync(
    process.execPath,
    [...flags, "-p", "Math.round(require('v8').getHeapStatistics().heap_size_limit / 2 ** 20)"],
    { encoding: "utf8" },
  );
  return Number(r.stdout.trim());
}

let child: ChildProcess | undefined;
let prepared: Awaited<ReturnType<typeof prepareEnrollDb>> | undefined;
afterAll(async () => {
  if (child && child.exitCode == null && child.signalCode == null) {
    const exited = new Promise((r) => child!.once("exit", r));
    process.kill(-child.pid!, "SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      /* gone */
    }
  }
  prepared?.cleanup();
}, 30_000);

describe("the server's V8 heap limits", () => {
  it("npm start and npm run serve pass SERVER_NODE_FLAGS to node", () => {
    expect(SERVER_NODE_FLAGS.length).toBeGreaterThan(0);
    const flags = SERVER_NODE_FLAGS.join(" ");
    expect(scripts.start).toBe(`node ${flags} db/start.mjs`);
    expect(scripts.serve).toBe(`node ${flags} build/server/index.js`);
  });

  it("both cluster workers of `npm start` run with the bounded heap", async () => {
    const bounded = heapLimitWith(SERVER_NODE_FLAGS);
    // The flags bound the heap well under the 400 MB the whole server may use, and below what
    // V8 would pick on its own here (a quarter of the machine's memory, at least 2 GB).
    expect(bounded).toBeLessThanOrEqual(320);
    expect(heapLimitWith([])).toBeGreaterThan(bounded * 2);

    ensureBuild();
    prepared = await prepareEnrollDb({ capacity: 1, userCount: 1 });
    const port = await freePort();
    let out = "";
    child = spawn("sh", ["-c", scripts.start!], {
      cwd: root,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        NODE_ENV: "production",
        PORT: String(port),
        HOST: "127.0.0.1",
        DATABASE_PATH: prepared.file,
        BACKUP_DIR: path.join(path.dirname(prepared.file), "backups"),
        WEB_CONCURRENCY: "2",
        JOBS: "0",
        LOG_LEVEL: "info",
      },
    });
    child.stdout!.on("data", (d) => (out += String(d)));
    child.stderr!.on("data", (d) => (out += String(d)));
    const listening = () =>
      out
        .split("\n")
        .filter((l) => l.startsWith("{") && l.includes('"msg":"listening"'))
        .map((l) => JSON.parse(l) as { pid: number; heapLimitMiB: number });
    const deadline = Date.now() + 120_000;
    while (listening().length < 2) {
      if (child.exitCode != null) throw new Error(`npm start's command exited:\n${out}`);
      if (Date.now() > deadline) throw new Error(`no two workers listening within 120 s:\n${out}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const workers = listening();
    expect(new Set(workers.map((w) => w.pid)).size).toBe(2);
    const worker = heapLimitWith([...SERVER_NODE_FLAGS, ...WORKER_NODE_FLAGS]);
    expect(worker).toBeLessThanOrEqual(bounded);
    expect(workers.map((w) => w.heapLimitMiB)).toEqual([worker, worker]);
    expect(out).not.toContain("没有设置 V8 堆上限");
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  }, 180_000);

  it("the built server loads echarts, exceljs and happy-dom on first use, not at start", () => {
    // Idle memory (issue 17): together about 30 MB of heap that a server nobody opens a
    // dashboard, an XLSX or a rich-text save on never needs. The build's own record of what its
    // bundle imports at start (static imports) must not name them; the stats, export and rich
    // text tests prove that they still load when used.
    ensureBuild();
    const meta = JSON.parse(
      fs.readFileSync(path.join(root, "build/server/metafile.server.json"), "utf8"),
    ) as { outputs: Record<string, { imports: { path: string; kind: string }[] }> };
    const atStart = meta.outputs["build/server/index.js"]!.imports.filter(
      (i) => i.kind === "import-statement",
    ).map((i) => i.path);
    expect(atStart).toContain("react-dom/server");
    for (const lazy of ["echarts", "exceljs", "happy-dom", "@tiptap/html/server"])
      expect(atStart).not.toContain(lazy);
  });
});
