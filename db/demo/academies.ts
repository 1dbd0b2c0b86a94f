import { and, asc, eq, isNull, sql } from "drizzle-orm";
import type { DB } from "@db/client";
import { academies, branches, districts, subdistricts } from "@db/schema";
import { formatWeeklyHours, weekly, type WeeklyHours } from "~/modules/org/opening-hours";

/** How many demo academies each district gets: 201 in all, as in the city's network. */
export const DEMO_ACADEMIES_PER_DISTRICT: Record<string, number> = {
  siming: 50,
  huli: 40,
  jimei: 33,
  haicang: 24,
  tongan: 30,
  xiangan: 24,
};

// Plausible community names (社区) per district, not a register of real ones: this is demo data.
const STEMS: Record<string, string> = {
  siming:
    "中华 鹭江 开元 厦港 梧村 筼筜 莲前 嘉莲 滨海 鼓浪屿 双十 公园 新华 百家村 营平 镇海 沙坡尾 南华 大学 蜂巢山 " +
    "湖滨 松柏 育秀 湖光 天湖 龙山 内厝澳 龙头 鼓新 莲花 东坪 前埔 文兴 瑞景 东芳 西林 洪文 观音山 曾厝垵 黄厝 " +
    "何厝 岭兜 金榜 西郭 福山 东浦 将军祠 槟榔 华侨新村 文灶",
  huli:
    "金山 湖边 枋湖 园山 安兜 兴隆 后坑 塘边 寨上 高林 钟宅 殿前 马垅 乌石浦 五通 禾山 嘉园 江头 吕岭 长乐 " +
    "蔡塘 林边 县后 湖里 渔港 徐厝 东渡 围里 海天 泗水 航空城 南湖 北湖 都市 万寿 虎园 金鸡亭 屿后 湖明 凤屿",
  jimei:
    "集美 浔江 乐海 岑东 大社 孙厝 侨英 叶厝 兑山 杏林 杏东 杏西 杏滨 锦园 马銮 灌口 深青 井城 后溪 城内 " +
    "天马 英埭 新林 城南 碧溪 古庄 坂美 岩内 宁宝 田头 凤林 三社 李林",
  haicang: "海沧 海虹 新阳 祥露 霞阳 嵩屿 鳌冠 东屿 未来海岸 东孚 天竺 鼎美 芸美 新垵 石塘 海新 沧江 温厝 困瑶 贞岱 过坂 西园 芦澳 兴旺",
  tongan:
    "大同 城东 祥平 祥桥 阳翟 西柯 丙洲 新民 乌涂 洪塘 龙西 五显 汀溪 美峰 后亭 碧岳 三秀 东山 凤山 双溪 " +
    "西湖 桐城 城西 潘涂 造水 溪声 军营 白交祠 上陵 莲花村",
  xiangan: "新店 刘五店 马巷 后村 内厝 新圩 大嶝 小嶝 琼头 澳头 金海 彭厝 凤翔 洪钟 浦园 东园 山亭 窗东 窑头 霞浦 郑坂 上塘 古宅 后垵",
};

/** The demo's opening hours, per weekday (the label is derived from them). */
const TUE_TO_SUN = [2, 3, 4, 5, 6, 7];
const OPENING: WeeklyHours[] = [
  weekly([[9 * 60, 21 * 60]], TUE_TO_SUN),
  weekly([[8 * 60 + 30, 20 * 60 + 30]]),
  weekly([[9 * 60, 17 * 60 + 30]], [1, 2, 3, 4, 5, 6]),
  weekly([[8 * 60 + 30, 12 * 60], [14 * 60 + 30, 21 * 60]], TUE_TO_SUN),
];
/** The demo manager's academy (湖里's first) is open every day from 8:00 to 21:30, so its "class
 * happening now" is happening for most of the day. */
const DEMO_HOME_HOURS = weekly([[8 * 60, 21 * 60 + 30]]);
/** The free-text labels demo databases made before hours were kept per weekday, and their hours. */
const OLD_LABELS: [string, WeeklyHours][] = [
  ["周二至周日 9:00–21:00", OPENING[0]!],
  ["每天 8:30–20:30", OPENING[1]!],
  ["周一至周六 9:00–17:30，晚间活动另行通知", OPENING[2]!],
  ["周二至周日 8:30–12:00、14:30–21:00", OPENING[3]!],
];

/**
 * Demo databases made before opening hours were kept per weekday: their academies get the hours
 * their label said, so scheduling there is checked too. Idempotent (only rows without hours).
 */
export function backfillDemoOpeningHours(db: DB) {
  let n = 0;
  db.transaction(
    (tx) => {
      for (const [label, hours] of OLD_LABELS) {
        n += tx
          .update(academies)
          .set({ openingSchedule: hours, openingHours: formatWeeklyHours(hours) })
          .where(and(eq(academies.isDemo, true), isNull(academies.openingSchedule), eq(academies.openingHours, label)))
          .run().changes;
      }
    },
    { behavior: "immediate" },
  );
  return n;
}
const ROADS = ["路", "里", "街", "大道"];

function pickHours(home: boolean, drawn: WeeklyHours) {
  return home ? DEMO_HOME_HOURS : drawn;
}

function hoursColumns(hours: WeeklyHours) {
  return { openingSchedule: hours, openingHours: formatWeeklyHours(hours) };
}

function stems(districtCode: string) {
  return (STEMS[districtCode] ?? "").split(/\s+/).filter(Boolean);
}

/** Deterministic small generator so every demo database looks the same. */
export function demoRandom(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Generates the 201 demo academies over the imported districts and sub-districts. */
export function seedDemoAcademies(db: DB) {
  const existing = db.select({ n: sql<number>`count(*)` }).from(academies).get()!.n;
  if (existing > 0) return { created: 0 };
  const rand = demoRandom(2015);
  const used = new Set<string>();
  let created = 0;
  const ds = db.select().from(districts).orderBy(asc(districts.sortOrder)).all();
  db.transaction(
    (tx) => {
      for (const d of ds) {
        const subs = tx.select().from(subdistricts).where(eq(subdistricts.districtId, d.id)).orderBy(asc(subdistricts.sortOrder)).all();
        const count = DEMO_ACADEMIES_PER_DISTRICT[d.code] ?? 0;
        const names = stems(d.code);
        for (let i = 0; i < count; i++) {
          let stem = names[i % names.length] ?? `${d.name.slice(0, 2)}${i + 1}`;
          while (used.has(stem)) stem = stem + "新村";
          used.add(stem);
          const sub = subs[i % subs.length]!;
          const community = `${stem}社区`;
          const road = `${stem}${ROADS[Math.floor(rand() * ROADS.length)]}`;
          const row = tx
            .insert(academies)
            .values({
              slug: `${d.code}-${String(i + 1).padStart(3, "0")}`,
              name: `${stem}社区书院`,
              districtId: d.id,
              subdistrictId: sub.id,
              community,
              address: `厦门市${d.name}${sub.name}${road}${1 + Math.floor(rand() * 300)}号`,
              ...hoursColumns(pickHours(d.code === "huli" && i === 0, OPENING[Math.floor(rand() * OPENING.length)]!)),
              phone: `0592-${5000000 + Math.floor(rand() * 4000000)}`,
              population: 3000 + Math.floor(rand() * 22000),
              description: `${community}的居民家门口学习点，开展学习教育、组织孵化、群众议事和文体活动。`,
              isDemo: true,
              createdAt: Date.now(),
            })
            .returning({ id: academies.id })
            .get();
          created++;
          if (i % 4 === 0) {
            tx.insert(branches).values({ academyId: row.id, name: `${stem}第一分院`, address: `${road}${10 + i}号楼一层` }).run();
          }
        }
      }
    },
    { behavior: "immediate" },
  );
  return { created };
}
