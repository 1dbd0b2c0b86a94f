// @ts-check
/**
 * `npm start` (and `npm run build`). Plain Node, no tsx: it checks that build/ was made from the
 * current sources in the current mode, rebuilds when not, and then runs the server IN THIS SAME
 * PROCESS (no wrapper process stays beside it); with WEB_CONCURRENCY > 1 this process becomes the
 * cluster's primary without loading the app (db/cluster.mjs). The server itself migrates, applies
 * the demo policy, imports content and listens (app/modules/ops/main.server.ts).
 *
 * The fingerprint: SHA-256 over every source file that goes into the build (app/, db/ without
 * data, the lockfile, package.json, remix.config.js, tsconfig.json, remix.env.d.ts) plus the
 * mode (NODE_ENV), kept in build/fingerprint.json together with the build's own version id.
 *
 *   node db/start.mjs           build if needed, then serve
 *   node db/start.mjs --build   build if needed (always with --force), then exit
 */
import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { superviseWorkers, webConcurrency } from "./cluster.mjs";

/**
 * The V8 heap limits the server runs with (issue 17: RSS bounded under load). `npm start` and
 * `npm run serve` pass exactly these (package.json); cluster workers inherit them (node:cluster
 * forks with the primary's execArgv); the tests' and benchmarks' built server uses them too
 * (tests/factories/built-server.ts). They cannot be set from inside a running process, so a
 * plain `node db/start.mjs` runs without them and says so at start.
 */
export const SERVER_NODE_FLAGS = ["--max-old-space-size=256"];

const ROOT_FILES = [
  "package.json",
  "package-lock.json",
  "remix.config.js",
  "tsconfig.json",
  "remix.env.d.ts",
];
const SOURCE_DIRS = ["app", "db"];
const SOURCE_EXT = /\.(ts|tsx|js|jsx|mjs|cjs|css|json|sql|patch)$/;
/** Data and generated files under db/ and app/ that are not build inputs. */
const SKIP_DIRS = new Set(["node_modules", "backups", "uploads", "build"]);

/** @param {string} root @param {string} dir @param {string[]} out */
function walk(root, dir, out) {
  const abs = path.join(root, dir);
  if (!fs.existsSync(abs)) return;
  for (const e of fs.readdirSync(abs, { withFileTypes: true })) {
    if (e.name.startsWith(".")) continue;
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name)) walk(root, rel, out);
    } else if (SOURCE_EXT.test(e.name)) out.push(rel);
  }
}

/**
 * The fingerprint of the sources under `root` for `mode`.
 * @param {string} root
 * @param {string} mode
 */
export function sourceFingerprint(root, mode) {
  /** @type {string[]} */
  const files = [];
  for (const d of SOURCE_DIRS) walk(root, d, files);
  for (const f of ROOT_FILES) if (fs.existsSync(path.join(root, f))) files.push(f);
  files.sort();
  const hash = crypto.createHash("sha256");
  hash.update(`mode=${mode}\n`);
  for (const f of files) {
    hash.update(`${f.split(path.sep).join("/")}\n`);
    hash.update(fs.readFileSync(path.join(root, f)));
    hash.update("\n");
  }
  return hash.digest("hex");
}

/** @param {string} root */
function buildVersion(root) {
  const f = path.join(root, "build/server/version.txt");
  return fs.existsSync(f) ? fs.readFileSync(f, "utf8").trim() : null;
}

/**
 * Why build/ cannot be served for these sources in this mode, or null when it can.
 * @param {string} root
 * @param {string} mode
 * @returns {string | null}
 */
export function staleReason(root, mode) {
  if (!fs.existsSync(path.join(root, "build/server/index.js"))) return "还没有构建";
  const file = path.join(root, "build/fingerprint.json");
  if (!fs.existsSync(file)) return "构建没有指纹（不是由 npm run build / npm start 构建的）";
  /** @type {{ sources?: string; mode?: string; version?: string }} */
  let fp;
  try {
    fp = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    return "构建指纹无法读取";
  }
  if (fp.mode !== mode) return `构建模式是 ${fp.mode}，现在要以 ${mode} 运行`;
  if (fp.version !== buildVersion(root)) return "构建在记录指纹之后被改动过";
  if (fp.sources !== sourceFingerprint(root, mode))
    return "源代码、数据库结构、依赖或配置与构建时不同";
  return null;
}

/**
 * Builds with Remix in `mode` and records the fingerprint. One build at a time per checkout
 * (a lock file under .cache/); a second caller waits, then finds the build fresh.
 * @param {string} root
 * @param {string} mode
 * @param {{ quiet?: boolean }} [opts]
 */
export function ensureBuild(root, mode, opts = {}) {
  const lockDir = path.join(root, ".cache");
  fs.mkdirSync(lockDir, { recursive: true });
  const lock = path.join(lockDir, "build.lock");
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      fs.writeFileSync(lock, String(process.pid), { flag: "wx" });
      break;
    } catch {
      const pid = Number(fs.readFileSync(lock, "utf8") || 0);
      let alive = false;
      try {
        if (pid > 0) {
          process.kill(pid, 0);
          alive = true;
        }
      } catch {
        alive = false;
      }
      if (!alive) fs.rmSync(lock, { force: true });
      else if (Date.now() > deadline) throw new Error("等待另一个构建超时");
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    const reason = staleReason(root, mode);
    if (!reason) return false;
    if (!opts.quiet) process.stdout.write(`正在构建（${reason}）……\n`);
    fs.rmSync(path.join(root, "build/fingerprint.json"), { force: true });
    const sources = sourceFingerprint(root, mode);
    const cli = path.join(root, "node_modules/@remix-run/dev/dist/cli.js");
    const r = spawnSync(process.execPath, [cli, "build"], {
      cwd: root,
      stdio: opts.quiet ? "pipe" : "inherit",
      env: /** @type {NodeJS.ProcessEnv} */ ({ ...process.env, NODE_ENV: mode }),
      timeout: 10 * 60_000,
    });
    if (r.status !== 0) {
      throw new Error(
        `构建失败（退出码 ${r.status}）${opts.quiet ? `\n${r.stdout}\n${r.stderr}` : ""}`,
      );
    }
    fs.writeFileSync(
      path.join(root, "build/fingerprint.json"),
      JSON.stringify(
        { sources, mode, version: buildVersion(root), builtAt: new Date().toISOString() },
        null,
        2,
      ),
    );
    return true;
  } finally {
    fs.rmSync(lock, { force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
  process.chdir(root);
  const mode = process.env.NODE_ENV || "production";
  process.env.NODE_ENV = mode;
  const force = process.argv.includes("--force");
  if (force) fs.rmSync(path.join(root, "build/fingerprint.json"), { force: true });
  try {
    ensureBuild(root, mode);
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  }
  if (!process.argv.includes("--build")) {
    const given = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? "").split(/\s+/)];
    const missing = SERVER_NODE_FLAGS.filter((f) => !given.includes(f));
    if (missing.length)
      process.stderr.write(
        `注意：没有设置 V8 堆上限（${missing.join(" ")}），内存不受约束。请用 npm start，或 node ${SERVER_NODE_FLAGS.join(" ")} db/start.mjs。\n`,
      );
    const entry = path.join(root, "build/server/index.js");
    const workers = webConcurrency();
    // One process per core: this process only supervises and never loads the app (db/cluster.mjs).
    // An invalid WEB_CONCURRENCY goes the one-process way, where the configuration check names it.
    if (workers != null && workers > 1) await superviseWorkers({ exec: entry, workers });
    else await (await import(pathToFileURL(entry).href)).start();
  }
}
