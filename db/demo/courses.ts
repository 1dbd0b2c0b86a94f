/**
 * Many published courses at once for the scale generator (db/generate.ts) and the benches:
 * generated titles and outlines over the categories, each published through the real publish
 * path (search index and FTS tables written in the same transaction).
 */
import type { DB } from "@db/client";
import { categories, courses, courseVersions } from "@db/schema";
import { AUDIENCES } from "~/modules/catalog/courses";
import { publishVersion } from "~/modules/catalog/courses.server";
import { docToText, markdownToDoc, renderDocHtml } from "~/modules/catalog/richtext.server";
import { demoRandom } from "./academies";

const TOPICS = [
  ["垃圾分类", "环保"],
  ["节水节电", "环保"],
  ["海洋保护", "环保"],
  ["低碳出行", "环保"],
  ["阳台种菜", "环保"],
  ["湿地观鸟", "生态"],
  ["太极拳", "健身"],
  ["八段锦", "健身"],
  ["广场舞", "健身"],
  ["中医养生", "健康"],
  ["慢病管理", "健康"],
  ["心理调适", "健康"],
  ["党史学习", "党史"],
  ["红色家书", "党史"],
  ["英雄故事", "红色"],
  ["特区发展", "改革开放"],
  ["志愿服务", "雷锋"],
  ["闽南语", "方言"],
  ["南音", "非遗"],
  ["歌仔戏", "非遗"],
  ["剪纸", "非遗"],
  ["漆线雕", "非遗"],
  ["功夫茶", "茶艺"],
  ["鼓浪屿历史", "文化"],
  ["防诈骗", "安全"],
  ["消防安全", "安全"],
  ["民法典", "法治"],
  ["交通安全", "安全"],
  ["急救技能", "安全"],
  ["家风家训", "品德"],
  ["亲子阅读", "家庭"],
  ["文明礼仪", "品德"],
  ["邻里和睦", "社区"],
  ["智能手机", "数字生活"],
  ["摄影入门", "兴趣"],
];
const SUFFIX = ["入门", "实践课", "工作坊", "系列讲座", "进阶班", "体验营", "读书会", "小课堂"];
const PLACES = [
  "思明",
  "湖里",
  "集美",
  "海沧",
  "同安",
  "翔安",
  "鼓浪屿",
  "筼筜湖",
  "五缘湾",
  "环岛路",
];
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
  const outlines = new Map<
    string,
    { doc: ReturnType<typeof markdownToDoc>; html: string; text: string }
  >();
  db.transaction(
    (tx) => {
      for (let i = 0; i < n; i++) {
        const cat = cats[i % cats.length]!;
        const ti = Math.floor(r() * TOPICS.length);
        const [topic, tag] = TOPICS[ti]!;
        const place = pick(r, PLACES);
        const title = `${place}${topic}${pick(r, SUFFIX)}（${Math.floor(i / cats.length) + 1}）`;
        const sessions = 2 + Math.floor(r() * 8);
        // One outline per topic and length (≤ 280 distinct), rendered once: parsing and rendering
        // every body took most of the generator's time.
        const key = `${ti}:${sessions}`;
        let body = outlines.get(key);
        if (!body) {
          const q = demoRandom(ti * 100 + sessions);
          const lines = Array.from(
            { length: sessions },
            (_, k) => `- 第${k + 1}讲：${pick(q, TOPICS)[0]}——${pick(q, FILLER)}`,
          );
          const md = `## 课程简介\n\n本课程围绕${topic}展开，${pick(q, FILLER)}，${pick(q, FILLER)}。\n\n## 课次安排\n\n${lines.join("\n")}\n\n## 教学方式\n\n${pick(q, FILLER)}。`;
          const d = markdownToDoc(md);
          outlines.set(key, (body = { doc: d, html: renderDocHtml(d), text: docToText(d) }));
        }
        const doc = body.doc;
        const audience = [...new Set([pick(r, AUDIENCES), pick(r, AUDIENCES)])];
        const code = `G${letters[i % cats.length]}-${String(Math.floor(i / cats.length) + 1).padStart(4, "0")}`;
        const c = tx
          .insert(courses)
          .values({
            code,
            categoryId: cat.id,
            sourceLevel: r() < 0.8 ? "city" : "district",
            ownerType: "city",
            ownerId: 0,
            createdAt: t0,
            updatedAt: t0,
          })
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
            bodyHtml: body.html,
            bodyText: body.text,
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
