/**
 * Statistics at scale: /hq/stats, /district/stats, /manage/huli-001/stats, /api/v1/classes and
 * /api/v1/stats/summary on the generator's database (BENCH_SCALE=city, or province; or an
 * existing file in BENCH_DB), against /help and /healthz in the same alternating windows,
 * 20 connections; prints req/s, p95 and the server's peak RSS.
 *
 *   npx tsx tests/bench/stats.bench.ts
 *   BENCH_DB=/tmp/city.sqlite BENCH_SECONDS=6 npx tsx tests/bench/stats.bench.ts
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { migrateDatabase, openDatabase } from "@db/client";
import { createSession, generateSessionToken, SESSION_COOKIE } from "~/modules/auth/session.server";
import { ensureBuild, startBuiltServer } from "../factories/built-server";
import { prepareBenchDb } from "./data";
import { compareAll, sampleRss, table, treeRssMiB } from "./lib";

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
    const u = db.$client.prepare(`SELECT id FROM users WHERE phone = ?`).get(phone) as { id: number };
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
  try {
    const rss = sampleRss(server.child.pid!);
    const idle = treeRssMiB(server.child.pid!);
    const targets = [
      { label: "/help", url: server.url + "/help", headers: { cookie: hq } },
      { label: "/healthz", url: server.url + "/healthz" },
      { label: "/hq/stats (HQ)", url: server.url + "/hq/stats?p=year", headers: { cookie: hq } },
      { label: "/district/stats (湖里)", url: server.url + "/district/stats?p=year", headers: { cookie: district } },
      { label: "/manage/huli-001/stats", url: server.url + "/manage/huli-001/stats?p=year", headers: { cookie: manager } },
      { label: "/api/v1/classes", url: server.url + "/api/v1/classes" },
      { label: "/api/v1/stats/summary", url: server.url + "/api/v1/stats/summary?p=year" },
    ];
    for (const t of targets) {
      const r = await fetch(t.url, { headers: t.headers });
      if (r.status !== 200) throw new Error(`${t.label} answered ${r.status}`);
      await r.arrayBuffer();
    }
    const results = await compareAll(targets);
    console.log(table(results, { "/help": results[0], "/healthz": results[1] }));
    console.log(`\n数据库 ${(size / 1024 / 1024).toFixed(0)} MiB；服务器内存 空闲 ${idle.toFixed(0)} MiB，压测峰值 ${rss.stop().toFixed(0)} MiB`);
  } finally {
    await server.stop();
    d.cleanup();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await run();
