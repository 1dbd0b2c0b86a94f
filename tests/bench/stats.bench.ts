/**
 * Statistics at scale (issue 12): /hq/stats, /district/stats, /manage/huli-001/stats,
 * /api/v1/classes and /api/v1/stats/summary on the generator's database (BENCH_SCALE=city, or
 * province; or a copy of an existing file in BENCH_DB, migrated first), against a bare Remix page,
 * /help and /healthz in the same alternating windows, 20 connections; prints req/s, p50/p95/p99,
 * the ratios, the database size and the server's peak RSS.
 *
 * Then the same dashboards while another process writes: unrelated writes every 50 ms (an audit
 * row, as a job lease or a session slide would) must not cost a recount; a check-in every second
 * (a statistics write) costs one recount per second.
 *
 *   npx tsx tests/bench/stats.bench.ts
 *   BENCH_DB=/tmp/city.sqlite BENCH_SECONDS=6 npx tsx tests/bench/stats.bench.ts
 *   BENCH_BEFORE_ROOT=/path/to/older/checkout …   (its dashboards too, served by its own build)
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { migrateDatabase, openDatabase } from "@db/client";
import { createSession, generateSessionToken, SESSION_COOKIE } from "~/modules/auth/session.server";
import { ensureBuild, startBuiltServer } from "../factories/built-server";
import { prepareBenchDb } from "./data";
import { compareAll, sampleRss, table, treeRssMiB, type Target } from "./lib";
import { startBare, startBefore } from "./servers";

async function database() {
  if (!process.env.BENCH_DB) {
    const d = await prepareBenchDb();
    return { file: d.file, cleanup: d.cleanup };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "academy-stats-bench-"));
  const file = path.join(dir, "bench.sqlite");
  fs.copyFileSync(process.env.BENCH_DB, file);
  return { file, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export async function run() {
  ensureBuild();
  const d = await database();
  const db = openDatabase(d.file);
  migrateDatabase(db);
  const cookie = (phone: string) => {
    const u = db.$client.prepare(`SELECT id FROM users WHERE phone = ?`).get(phone) as {
      id: number;
    };
    const token = generateSessionToken();
    createSession(db, token, u.id, Date.now());
    return `${SESSION_COOKIE}=${token}`;
  };
  const hq = cookie("13900000001");
  const district = cookie("13900000003");
  const manager = cookie("13900000004");
  const size = fs.statSync(d.file).size;
  db.$client.pragma("wal_checkpoint(TRUNCATE)");
  db.$client.close();
  const server = await startBuiltServer({ dbFile: d.file });
  const bare = await startBare();
  // BENCH_BEFORE_ROOT=/path/to/older/checkout (built): its dashboards too, on a copy of the database.
  const before = process.env.BENCH_BEFORE_ROOT
    ? await startBefore(process.env.BENCH_BEFORE_ROOT, d.file)
    : null;
  try {
    const rss = sampleRss(server.child.pid!);
    const idle = treeRssMiB(server.child.pid!);
    const targets: Target[] = [
      { label: "bare Remix page", url: bare.url + "/" },
      { label: "/help", url: server.url + "/help", headers: { cookie: hq } },
      { label: "/healthz", url: server.url + "/healthz" },
      { label: "/hq/stats (HQ)", url: server.url + "/hq/stats?p=year", headers: { cookie: hq } },
      {
        label: "/district/stats (湖里)",
        url: server.url + "/district/stats?p=year",
        headers: { cookie: district },
      },
      {
        label: "/manage/huli-001/stats",
        url: server.url + "/manage/huli-001/stats?p=year",
        headers: { cookie: manager },
      },
      { label: "/api/v1/classes", url: server.url + "/api/v1/classes" },
      { label: "/api/v1/stats/summary", url: server.url + "/api/v1/stats/summary?p=year" },
      ...(before
        ? [
            {
              label: "before /hq/stats (HQ)",
              url: before.url + "/hq/stats?p=year",
              headers: { cookie: hq },
            },
            {
              label: "before /district/stats (湖里)",
              url: before.url + "/district/stats?p=year",
              headers: { cookie: district },
            },
            {
              label: "before /manage/huli-001/stats",
              url: before.url + "/manage/huli-001/stats?p=year",
              headers: { cookie: manager },
            },
          ]
        : []),
    ];
    for (const t of targets) {
      const r = await fetch(t.url, { headers: t.headers });
      if (r.status !== 200) throw new Error(`${t.label} answered ${r.status}`);
      await r.arrayBuffer();
    }
    const results = await compareAll(targets);
    console.log(
      table(
        results,
        { "bare Remix": results[0], "/help": results[1], "/healthz": results[2] },
        { p95: true },
      ),
    );
    console.log(
      `\n数据库 ${(size / 1024 / 1024).toFixed(0)} MiB；服务器内存 空闲 ${idle.toFixed(0)} MiB，压测峰值 ${rss.stop().toFixed(0)} MiB`,
    );
    if (process.env.BENCH_WRITES !== "0") {
      // Writes from another connection while the dashboards are read.
      const w = openDatabase(d.file);
      const audit = w.$client.prepare(
        `INSERT INTO audit_log (action, target_type, summary, created_at) VALUES ('bench.write', 'bench', '无关的写入', ?)`,
      );
      const marks = w.$client
        .prepare(
          `SELECT s.id sid, e.id eid FROM class_sessions s JOIN enrollments e ON e.run_id = s.run_id AND e.status = 'confirmed'
           WHERE s.status = 'scheduled' AND s.starts_at < ? AND NOT EXISTS (SELECT 1 FROM attendance t WHERE t.session_id = s.id AND t.enrollment_id = e.id)
           ORDER BY s.starts_at DESC LIMIT 2000`,
        )
        .all(Date.now()) as { sid: number; eid: number }[];
      const mark = w.$client.prepare(
        `INSERT OR IGNORE INTO attendance (session_id, enrollment_id, present, method, marked_at) VALUES (?, ?, 1, 'roster', ?)`,
      );
      const dash = targets.slice(3, 6);
      const during = async (label: string, ms: number, write: () => void) => {
        const timer = setInterval(write, ms);
        try {
          const r = await compareAll(
            dash.map((t) => ({ ...t, label: `${t.label} ${label}` })),
            { rounds: 1, warmup: 0 },
          );
          return r;
        } finally {
          clearInterval(timer);
        }
      };
      const unrelated = await during("（每 50 ms 一次无关写入）", 50, () => audit.run(Date.now()));
      let i = 0;
      const checkins = await during("（每秒一次签到）", 1000, () => {
        const m = marks[i++ % marks.length];
        if (m) mark.run(m.sid, m.eid, Date.now());
      });
      console.log(
        "\n" +
          table(
            [...unrelated, ...checkins],
            { "bare Remix": results[0], "/help": results[1] },
            { p95: true },
          ),
      );
      w.$client.close();
    }
  } finally {
    await before?.stop();
    await bare.stop();
    await server.stop();
    d.cleanup();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await run();
