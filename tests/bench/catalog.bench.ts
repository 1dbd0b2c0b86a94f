/**
 * Course library under load: the full starter library from content/ plus 4,300 generated
 * published courses (the city's "近 4,300 门课程"), served by the built app (remix-serve) on its own
 * port and database. 20 connections for BENCH_SECONDS (default 10) each against:
 *   / (home), /courses, /courses?q=环保 (2-character search), /courses?q=太极拳 (trigram search),
 *   /courses/:code (a course page).
 * Prints requests/s and p95 for each, as ratios to the two trivial routes (/help, a page with no
 * loader of its own, and /healthz, a text route) measured in rotating windows of the same run
 * (the machine is shared: alternating puts other load on all alike).
 *
 *   npm run bench                               (builds, then runs every tests/bench/*.bench.ts)
 *   npx tsx tests/bench/catalog.bench.ts        (this one alone; builds if build/ is stale)
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { sql } from "drizzle-orm";
import { migrateDatabase, openDatabase, type DB } from "@db/client";
import { categories, courses, courseVersions } from "@db/schema";
import { AUDIENCES } from "~/modules/catalog/courses";
import { publishVersion } from "~/modules/catalog/courses.server";
import { importCatalogContent } from "~/modules/catalog/import.server";
import { docToText, markdownToDoc, renderDocHtml } from "~/modules/catalog/richtext.server";
import { demoRandom } from "~/modules/org/demo.server";
import { ensureBuild, startBuiltServer } from "../factories/built-server";
import { measureAgainstTrivial, printLegend, type PageResult } from "./lib";

export const GENERATED_COURSES = Number(process.env.BENCH_COURSES ?? 4300);

const TOPICS = [
  ["垃圾分类", "环保"], ["节水节电", "环保"], ["海洋保护", "环保"], ["低碳出行", "环保"], ["阳台种菜", "环保"], ["湿地观鸟", "生态"],
  ["太极拳", "健身"], ["八段锦", "健身"], ["广场舞", "健身"], ["中医养生", "健康"], ["慢病管理", "健康"], ["心理调适", "健康"],
  ["党史学习", "党史"], ["红色家书", "党史"], ["英雄故事", "红色"], ["特区发展", "改革开放"], ["志愿服务", "雷锋"],
  ["闽南语", "方言"], ["南音", "非遗"], ["歌仔戏", "非遗"], ["剪纸", "非遗"], ["漆线雕", "非遗"], ["功夫茶", "茶艺"], ["鼓浪屿历史", "文化"],
  ["防诈骗", "安全"], ["消防安全", "安全"], ["民法典", "法治"], ["交通安全", "安全"], ["急救技能", "安全"],
  ["家风家训", "品德"], ["亲子阅读", "家庭"], ["文明礼仪", "品德"], ["邻里和睦", "社区"], ["智能手机", "数字生活"], ["摄影入门", "兴趣"],
];
const SUFFIX = ["入门", "实践课", "工作坊", "系列讲座", "进阶班", "体验营", "读书会", "小课堂"];
const PLACES = ["思明", "湖里", "集美", "海沧", "同安", "翔安", "鼓浪屿", "筼筜湖", "五缘湾", "环岛路"];
const FILLER = [
  "结合社区实际开展学习与讨论",
  "由志愿讲师带领居民动手实践",
  "通过案例分析帮助大家掌握要点",
  "课后布置家庭小任务并在下一讲分享",
  "邀请社区居民现身说法，交流心得体会",
  "适合零基础的居民参加，欢迎带家人一起来",
  "讲授与互动相结合，每讲留出提问时间",
];

function pick<T>(r: () => number, list: readonly T[]) {
  return list[Math.floor(r() * list.length)]!;
}

/** Adds `n` generated published courses, spread over the categories, through the real publish path. */
export function generateCourses(db: DB, n: number, seed = 2015) {
  const r = demoRandom(seed);
  const cats = db.select().from(categories).all();
  const letters = "ABCDEFGHJK";
  const t0 = Date.now();
  db.transaction(
    (tx) => {
      for (let i = 0; i < n; i++) {
        const cat = cats[i % cats.length]!;
        const [topic, tag] = pick(r, TOPICS);
        const place = pick(r, PLACES);
        const title = `${place}${topic}${pick(r, SUFFIX)}（${Math.floor(i / cats.length) + 1}）`;
        const sessions = 2 + Math.floor(r() * 8);
        const lines = Array.from({ length: sessions }, (_, k) => `- 第${k + 1}讲：${pick(r, TOPICS)[0]}——${pick(r, FILLER)}`);
        const md = `## 课程简介\n\n本课程围绕${topic}展开，${pick(r, FILLER)}，${pick(r, FILLER)}。\n\n## 课次安排\n\n${lines.join("\n")}\n\n## 教学方式\n\n${pick(r, FILLER)}。`;
        const doc = markdownToDoc(md);
        const audience = [...new Set([pick(r, AUDIENCES), pick(r, AUDIENCES)])];
        const code = `G${letters[i % cats.length]}-${String(Math.floor(i / cats.length) + 1).padStart(4, "0")}`;
        const c = tx
          .insert(courses)
          .values({ code, categoryId: cat.id, sourceLevel: r() < 0.8 ? "city" : "district", ownerType: "city", ownerId: 0, createdAt: t0, updatedAt: t0 })
          .returning()
          .get();
        const v = tx
          .insert(courseVersions)
          .values({
            courseId: c.id,
            versionNo: 1,
            status: "review",
            title,
            summary: `在${place}的社区书院学习${topic}：${pick(r, FILLER)}。`,
            audience,
            sessions,
            minutesPerSession: pick(r, [60, 90, 120]),
            objectives: [`了解${topic}的基本知识`, `能在生活中运用${topic}的方法`],
            tags: [topic, tag],
            body: doc,
            bodyHtml: renderDocHtml(doc),
            bodyText: docToText(doc),
            createdAt: t0,
            updatedAt: t0,
          })
          .returning()
          .get();
        publishVersion(tx, c, v, null, null, "import");
      }
    },
    { behavior: "immediate" },
  );
}

const root = path.resolve(import.meta.dirname, "../..");
const GENERATOR_VERSION = 1;

/** Hash of everything the generated database depends on: migrations, content, this generator. */
function inputsHash(n: number) {
  const h = crypto.createHash("sha256").update(`${GENERATOR_VERSION}:${n}`);
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else h.update(p).update(fs.readFileSync(p));
    }
  };
  walk(path.join(root, "db/migrations"));
  walk(path.join(root, "content"));
  return h.digest("hex").slice(0, 16);
}

/**
 * A database file with the starter library and `n` generated courses, in a temp dir. Generating
 * takes a while (every body goes through markdownToDoc and renderDocHtml), so the result is kept
 * in tests/.tmp keyed by a hash of migrations + content and copied for each run.
 */
export function prepareCatalogDb(n = GENERATED_COURSES) {
  const cacheDir = path.join(root, "tests/.tmp");
  const cached = path.join(cacheDir, `bench-catalog-${inputsHash(n)}.sqlite`);
  let starter = 0;
  if (!fs.existsSync(cached)) {
    fs.mkdirSync(cacheDir, { recursive: true });
    const building = `${cached}.${process.pid}.building`;
    const db = openDatabase(building);
    migrateDatabase(db);
    starter = importCatalogContent(db).coursesCreated;
    generateCourses(db, n);
    db.run(sql`pragma optimize`);
    db.$client.pragma("wal_checkpoint(TRUNCATE)");
    db.$client.close();
    for (const ext of ["-wal", "-shm"]) fs.rmSync(building + ext, { force: true });
    fs.renameSync(building, cached);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "academy-catalog-bench-"));
  const file = path.join(dir, "bench.sqlite");
  fs.copyFileSync(cached, file);
  const db = openDatabase(file);
  const total = db.select({ n: sql<number>`count(*)` }).from(courses).get()!.n;
  starter ||= total - n;
  db.$client.close();
  return { file, starter, total, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export async function run() {
  ensureBuild();
  const t = performance.now();
  const prepared = prepareCatalogDb();
  console.log(`课程库数据：起步课程 ${prepared.starter} 门 + 生成 ${GENERATED_COURSES} 门 = ${prepared.total} 门（${((performance.now() - t) / 1000).toFixed(1)} s）`);
  const server = await startBuiltServer({ dbFile: prepared.file });
  try {
    const targets: [string, string][] = [
      ["/", "/"],
      ["/courses", "/courses"],
      ["/courses?q=环保", `/courses?q=${encodeURIComponent("环保")}`],
      ["/courses?q=太极拳", `/courses?q=${encodeURIComponent("太极拳")}`],
      ["/courses?q=…&page=3", `/courses?q=${encodeURIComponent("环保")}&category=green-eco&page=3`],
      ["/courses/LS-0001", "/courses/LS-0001"],
    ];
    const results: PageResult[] = [];
    for (const [label, p] of targets) results.push(await measureAgainstTrivial(server.url, label, p));
    printLegend(results);
    return { results };
  } finally {
    await server.stop();
    prepared.cleanup();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  await run();
}
