/**
 * The three statistics dashboards (HQ city, district centre, academy) as data: figure cards with
 * the change against the previous period, tables (the same tables the CSV/XLSX exports write)
 * and charts drawn from those tables. Every figure comes from computeFigures / figuresBy.
 */
import type { DB } from "@db/client";
import type { Actor } from "~/modules/auth/permissions";
import type { Cell } from "~/utils/export";
import {
  DEFINITIONS,
  emptyFigures,
  FIGURE_KEYS,
  formatChange,
  formatFigure,
  type FigureKey,
  type Figures,
} from "./definitions";
import {
  addMonths,
  makePeriod,
  monthLabel,
  monthsBetween,
  previousPeriod,
  type Period,
} from "./period";
import { assertReadScope, computeFigures, figuresBy, type StatsScope } from "./stats.server";
import type { ChartSpec } from "./charts.server";

export type StatsTable = {
  id: string;
  title: string;
  headers: string[];
  rows: Cell[][];
  links?: (string | null)[];
};
export type Card = {
  key: FigureKey;
  label: string;
  explain: string;
  value: string;
  previous: string;
  change: string;
};
export type Dashboard = {
  scopeLabel: string;
  /** For file names: city | siming | huli-001. */
  scopeCode: string;
  period: Period;
  previous: Period;
  cards: Card[];
  tables: StatsTable[];
  charts: ChartSpec[];
};

const pct = (v: number | null) => (v == null ? null : Math.round(v * 1000) / 10);
const two = (v: number | null) => (v == null ? null : Math.round(v * 100) / 100);

function cards(now: Figures, before: Figures): Card[] {
  return FIGURE_KEYS.map((key) => ({
    key,
    label: DEFINITIONS[key].label,
    explain: DEFINITIONS[key].explain,
    value: formatFigure(key, now),
    previous: formatFigure(key, before),
    change: formatChange(key, now, before),
  }));
}

function summaryTable(now: Figures, before: Figures, period: Period, prev: Period): StatsTable {
  return {
    id: "summary",
    title: "主要指标",
    headers: ["指标", `本期（${period.label}）`, `上期（${prev.label}）`, "变化", "口径说明"],
    rows: FIGURE_KEYS.map((k) => [
      DEFINITIONS[k].label,
      formatFigure(k, now),
      formatFigure(k, before),
      formatChange(k, now, before),
      DEFINITIONS[k].explain,
    ]),
  };
}

/** Months of the trend: the period's own months when it has 3 or more, else the 12 months up to its end. */
function trendPeriod(period: Period): Period {
  return period.months >= 3 ? period : makePeriod("custom", addMonths(period.to, -11), period.to);
}

function trendTable(
  db: DB,
  scope: StatsScope,
  period: Period,
  now: number,
): { table: StatsTable; chart: ChartSpec } {
  const tp = trendPeriod(period);
  const by = figuresBy(db, scope, tp, "month", now);
  const months = monthsBetween(tp.from, tp.to);
  const rows = months.map((m) => {
    const f = by.get(m)!;
    return [
      monthLabel(m),
      f.sessionsHeld,
      f.activitiesHeld,
      f.participations,
      f.participants ?? 0,
    ] as Cell[];
  });
  return {
    table: {
      id: "trend",
      title: `月度趋势（${tp.label}）`,
      headers: ["月份", "课次", "活动场次", "参与人次", "参与人数"],
      rows,
    },
    chart: {
      id: "trend-chart",
      title: `月度参与人次趋势（${tp.label}）`,
      kind: "line",
      categories: months.map((m) => `${Number(m.slice(5))}月`),
      series: [
        { name: "参与人次", data: months.map((m) => by.get(m)!.participations) },
        { name: "参与人数", data: months.map((m) => by.get(m)!.participants ?? 0) },
      ],
      tableId: "trend",
    },
  };
}

function names(db: DB, sql: string, ...args: unknown[]) {
  return new Map(
    (db.$client.prepare(sql).all(...args) as { id: number; name: string }[]).map((r) => [
      String(r.id),
      r.name,
    ]),
  );
}

function courseTitles(db: DB, ids: string[]) {
  if (ids.length === 0) return new Map<string, { title: string; code: string; category: string }>();
  const rows = db.$client
    .prepare(
      `SELECT c.id, c.code, k.name category,
         coalesce((SELECT title FROM course_versions v WHERE v.id = c.current_version_id), (SELECT title FROM course_versions v WHERE v.course_id = c.id ORDER BY version_no DESC LIMIT 1)) title
       FROM courses c JOIN categories k ON k.id = c.category_id WHERE c.id IN (SELECT value FROM json_each(?))`,
    )
    .all(JSON.stringify(ids.map(Number))) as {
    id: number;
    code: string;
    category: string;
    title: string;
  }[];
  return new Map(rows.map((r) => [String(r.id), r]));
}

function figuresNow(db: DB, scope: StatsScope, period: Period, now: number) {
  const prev = previousPeriod(period);
  return {
    prev,
    f: computeFigures(db, scope, period, now),
    b: computeFigures(db, scope, prev, now),
  };
}

/** /hq/stats: the city's totals, by district and category, the monthly trend, the top courses and academies. */
export function hqDashboard(db: DB, actor: Actor, period: Period, now = Date.now()): Dashboard {
  const scope: StatsScope = { type: "city" };
  assertReadScope(actor, scope);
  const { prev, f, b } = figuresNow(db, scope, period, now);
  const districtNames = names(db, `SELECT id, name FROM districts ORDER BY sort_order`);
  const districtCodes = names(db, `SELECT id, code AS name FROM districts`);
  const academyCount = new Map(
    (
      db.$client.prepare(`SELECT district_id id, count(*) n FROM academies GROUP BY 1`).all() as {
        id: number;
        n: number;
      }[]
    ).map((r) => [String(r.id), r.n]),
  );
  const byDistrict = figuresBy(db, scope, period, "district", now);
  const districtRows = [...districtNames.keys()].map((id) => ({
    id,
    name: districtNames.get(id)!,
    f: byDistrict.get(id),
  }));
  const districts: StatsTable = {
    id: "districts",
    title: "各区对比",
    headers: [
      "区",
      "书院数",
      "开课门次",
      "课次",
      "活动场次",
      "参与人次",
      "参与人数",
      "常住人口",
      "参与率（%）",
      "满意度",
      "评价条数",
    ],
    rows: districtRows.map(({ id, name, f: x }) => [
      name,
      academyCount.get(id) ?? 0,
      x?.runsHeld ?? 0,
      x?.sessionsHeld ?? 0,
      x?.activitiesHeld ?? 0,
      x?.participations ?? 0,
      x?.participants ?? 0,
      x?.population ?? 0,
      pct(x?.participationRate ?? null),
      two(x?.satisfaction ?? null),
      x?.ratings ?? 0,
    ]),
    links: districtRows.map(({ id }) => `/hq/stats/district/${districtCodes.get(id)}`),
  };
  const categoryNames = names(db, `SELECT id, name FROM categories ORDER BY sort_order`);
  const byCategory = figuresBy(db, scope, period, "category", now);
  const categories: StatsTable = {
    id: "categories",
    title: "各类别课程",
    headers: ["类别", "开课门次", "课次", "课程参与人次", "满意度", "评价条数"],
    rows: [...categoryNames].map(([id, name]) => {
      const x = byCategory.get(id);
      return [
        name,
        x?.runsHeld ?? 0,
        x?.sessionsHeld ?? 0,
        x?.classAttendances ?? 0,
        two(x?.satisfaction ?? null),
        x?.ratings ?? 0,
      ];
    }),
  };
  const byCourse = figuresBy(db, scope, period, "course", now);
  const top = [...byCourse]
    .sort(
      (a, b2) => b2[1].classAttendances - a[1].classAttendances || b2[1].runsHeld - a[1].runsHeld,
    )
    .slice(0, 10);
  const titles = courseTitles(
    db,
    top.map(([id]) => id),
  );
  const topCourses: StatsTable = {
    id: "top-courses",
    title: "参与人次最多的课程（前 10）",
    headers: ["名次", "课程", "编号", "类别", "开课门次", "课程参与人次", "满意度", "评价条数"],
    rows: top.map(([id, x], i) => [
      i + 1,
      titles.get(id)?.title ?? "",
      titles.get(id)?.code ?? "",
      titles.get(id)?.category ?? "",
      x.runsHeld,
      x.classAttendances,
      two(x.satisfaction),
      x.ratings,
    ]),
    links: top.map(([id]) => (titles.get(id) ? `/courses/${titles.get(id)!.code}` : null)),
  };
  const byAcademy = figuresBy(db, scope, period, "academy", now);
  const topA = [...byAcademy]
    .sort((a, b2) => b2[1].participations - a[1].participations)
    .slice(0, 10);
  const academyInfo = new Map(
    (
      db.$client
        .prepare(
          `SELECT a.id, a.name, a.slug, d.name district FROM academies a JOIN districts d ON d.id = a.district_id WHERE a.id IN (SELECT value FROM json_each(?))`,
        )
        .all(JSON.stringify(topA.map(([id]) => Number(id)))) as {
        id: number;
        name: string;
        slug: string;
        district: string;
      }[]
    ).map((r) => [String(r.id), r]),
  );
  const topAcademies: StatsTable = {
    id: "top-academies",
    title: "参与人次最多的书院（前 10）",
    headers: ["名次", "书院", "区", "参与人次", "参与人数", "参与率（%）", "满意度"],
    rows: topA.map(([id, x], i) => [
      i + 1,
      academyInfo.get(id)?.name ?? "",
      academyInfo.get(id)?.district ?? "",
      x.participations,
      x.participants ?? 0,
      pct(x.participationRate),
      two(x.satisfaction),
    ]),
    links: topA.map(([id]) =>
      academyInfo.get(id) ? `/academies/${academyInfo.get(id)!.slug}` : null,
    ),
  };
  const trend = trendTable(db, scope, period, now);
  return {
    scopeLabel: "全市",
    scopeCode: "city",
    period,
    previous: prev,
    cards: cards(f, b),
    tables: [
      summaryTable(f, b, period, prev),
      districts,
      trend.table,
      categories,
      topCourses,
      topAcademies,
    ],
    charts: [
      {
        id: "districts-chart",
        title: "各区参与人次",
        kind: "bar",
        categories: districtRows.map((d) => d.name),
        series: [{ name: "参与人次", data: districtRows.map((d) => d.f?.participations ?? 0) }],
        tableId: "districts",
      },
      trend.chart,
      {
        id: "categories-chart",
        title: "各类别课程参与人次",
        kind: "bar",
        categories: [...categoryNames.values()],
        series: [
          {
            name: "课程参与人次",
            data: [...categoryNames.keys()].map((id) => byCategory.get(id)?.classAttendances ?? 0),
          },
        ],
        tableId: "categories",
      },
    ],
  };
}

export const DISTRICT_SORTS = [
  "rate",
  "satisfaction",
  "participations",
  "participants",
  "runs",
  "sessions",
  "activities",
  "population",
  "noshow",
  "name",
] as const;
export type DistrictSort = (typeof DISTRICT_SORTS)[number];

/** /district/stats: the district's academies side by side, ranked by 参与率 and 满意度, sortable. */
export function districtDashboard(
  db: DB,
  actor: Actor,
  districtId: number,
  period: Period,
  sort: DistrictSort = "rate",
  now = Date.now(),
): Dashboard {
  const scope: StatsScope = { type: "district", districtId };
  assertReadScope(actor, scope);
  const d = db.$client.prepare(`SELECT name, code FROM districts WHERE id = ?`).get(districtId) as {
    name: string;
    code: string;
  };
  const { prev, f, b } = figuresNow(db, scope, period, now);
  const list = db.$client
    .prepare(
      `SELECT a.id, a.name, a.slug, coalesce(s.name, '') sub FROM academies a LEFT JOIN subdistricts s ON s.id = a.subdistrict_id WHERE a.district_id = ? ORDER BY a.slug`,
    )
    .all(districtId) as { id: number; name: string; slug: string; sub: string }[];
  const byAcademy = figuresBy(db, scope, period, "academy", now);
  const rows = list.map((a) => ({ a, x: byAcademy.get(String(a.id)) ?? finishEmpty() }));
  const rankBy = (val: (x: Figures) => number | null) => {
    const sorted = [...rows].sort((p, q) => (val(q.x) ?? -1) - (val(p.x) ?? -1));
    const rank = new Map<number, number>();
    sorted.forEach((r, i) => rank.set(r.a.id, val(r.x) == null ? 0 : i + 1));
    return rank;
  };
  const rateRank = rankBy((x) => x.participationRate);
  const satRank = rankBy((x) => x.satisfaction);
  const key: Record<DistrictSort, (x: Figures) => number | null> = {
    rate: (x) => x.participationRate,
    satisfaction: (x) => x.satisfaction,
    participations: (x) => x.participations,
    participants: (x) => x.participants,
    runs: (x) => x.runsHeld,
    sessions: (x) => x.sessionsHeld,
    activities: (x) => x.activitiesHeld,
    population: (x) => x.population,
    noshow: (x) => x.noShowRate,
    name: () => 0,
  };
  const sorted =
    sort === "name"
      ? rows
      : [...rows].sort(
          (p, q) =>
            (key[sort](q.x) ?? -1) - (key[sort](p.x) ?? -1) ||
            (rateRank.get(p.a.id) ?? 0) - (rateRank.get(q.a.id) ?? 0),
        );
  const academies: StatsTable = {
    id: "academies",
    title: "本区书院对比",
    headers: [
      "书院",
      "街道",
      "参与率名次",
      "满意度名次",
      "常住人口",
      "开课门次",
      "课次",
      "活动场次",
      "参与人次",
      "参与人数",
      "参与率（%）",
      "满意度",
      "评价条数",
      "爽约率（%）",
    ],
    rows: sorted.map(({ a, x }) => [
      a.name,
      a.sub,
      rateRank.get(a.id) || null,
      satRank.get(a.id) || null,
      x.population ?? 0,
      x.runsHeld,
      x.sessionsHeld,
      x.activitiesHeld,
      x.participations,
      x.participants ?? 0,
      pct(x.participationRate),
      two(x.satisfaction),
      x.ratings,
      pct(x.noShowRate),
    ]),
    links: sorted.map(({ a }) => `/manage/${a.slug}/stats`),
  };
  const trend = trendTable(db, scope, period, now);
  const top = [...rows]
    .sort((p, q) => (q.x.participationRate ?? -1) - (p.x.participationRate ?? -1))
    .slice(0, 10);
  return {
    scopeLabel: d.name,
    scopeCode: d.code,
    period,
    previous: prev,
    cards: cards(f, b),
    tables: [summaryTable(f, b, period, prev), academies, trend.table],
    charts: [
      {
        id: "academies-chart",
        title: "参与率最高的 10 所书院（%）",
        kind: "bar",
        categories: top.map((r) => r.a.name.replace(/社区书院$/, "")),
        series: [{ name: "参与率（%）", data: top.map((r) => pct(r.x.participationRate) ?? 0) }],
        tableId: "academies",
      },
      trend.chart,
    ],
  };
}

function finishEmpty(): Figures {
  return { ...emptyFigures(), participants: 0 };
}

const RUN_STATUS_LABELS: Record<string, string> = {
  draft: "草稿",
  open: "报名中",
  full: "已满员",
  closed: "报名截止",
  finished: "已结课",
  cancelled: "已取消",
};

/** /manage/:academy/stats: the academy's runs (fill, attendance, no-shows, ratings) and activities. */
export function academyDashboard(
  db: DB,
  actor: Actor,
  academyId: number,
  period: Period,
  now = Date.now(),
): Dashboard {
  const a = db.$client
    .prepare(`SELECT id, name, slug, district_id FROM academies WHERE id = ?`)
    .get(academyId) as { id: number; name: string; slug: string; district_id: number };
  const scope: StatsScope = { type: "academy", academyId, districtId: a.district_id };
  assertReadScope(actor, scope);
  const { prev, f, b } = figuresNow(db, scope, period, now);
  const byRun = figuresBy(db, scope, period, "run", now);
  const runIds = [...byRun.keys()].map(Number);
  const runInfo = db.$client
    .prepare(
      `SELECT r.id, r.status, r.capacity, v.title,
         (SELECT count(*) FROM enrollments e WHERE e.run_id = r.id AND e.status = 'confirmed') confirmed
       FROM class_runs r JOIN course_versions v ON v.id = r.course_version_id
       WHERE r.id IN (SELECT value FROM json_each(?)) ORDER BY r.id DESC`,
    )
    .all(JSON.stringify(runIds)) as {
    id: number;
    status: string;
    capacity: number;
    title: string;
    confirmed: number;
  }[];
  const runs: StatsTable = {
    id: "runs",
    title: "开课班级",
    headers: [
      "课程",
      "状态",
      "名额",
      "已报名",
      "满员率（%）",
      "课次",
      "出席人次",
      "请假人次",
      "缺席人次",
      "爽约率（%）",
      "满意度",
      "评价条数",
      "候补",
      "转正",
    ],
    rows: runInfo.map((r) => {
      const x = byRun.get(String(r.id))!;
      return [
        r.title,
        RUN_STATUS_LABELS[r.status] ?? r.status,
        r.capacity,
        r.confirmed,
        pct(r.confirmed / r.capacity),
        x.sessionsHeld,
        x.classAttendances,
        x.excused,
        x.absences,
        pct(x.noShowRate),
        two(x.satisfaction),
        x.ratings,
        x.waitlisted,
        x.promoted,
      ];
    }),
    links: runInfo.map((r) => `/manage/${a.slug}/runs/${r.id}`),
  };
  const acts = db.$client
    .prepare(
      `SELECT x.activity_id id, av.title, av.local_date date, x.cancelled, x.headcount, x.identified, max(x.headcount, x.identified) p
       FROM stats_activity x JOIN activities av ON av.id = x.activity_id
       WHERE x.academy_id = ? AND x.month BETWEEN ? AND ? AND x.starts_at <= ? ORDER BY x.starts_at DESC LIMIT 500`,
    )
    .all(academyId, period.from, period.to, now) as {
    id: number;
    title: string;
    date: string;
    cancelled: number;
    headcount: number;
    identified: number;
    p: number;
  }[];
  const activities: StatsTable = {
    id: "activities",
    title: "活动",
    headers: ["日期", "活动", "状态", "现场人数", "签到与登记出勤", "参与人次"],
    rows: acts.map((x) => [
      x.date,
      x.title,
      x.cancelled ? "已取消" : "已举办",
      x.headcount,
      x.identified,
      x.cancelled ? 0 : x.p,
    ]),
    links: acts.map((x) => `/activities/${x.id}`),
  };
  const trend = trendTable(db, scope, period, now);
  const fill = runInfo.filter((r) => r.status !== "cancelled").slice(0, 10);
  return {
    scopeLabel: a.name,
    scopeCode: a.slug,
    period,
    previous: prev,
    cards: cards(f, b),
    tables: [summaryTable(f, b, period, prev), runs, activities, trend.table],
    charts: [
      trend.chart,
      {
        id: "fill-chart",
        title: "班级满员率（%）",
        kind: "bar",
        categories: fill.map((r) => r.title.slice(0, 8)),
        series: [
          { name: "满员率（%）", data: fill.map((r) => pct(r.confirmed / r.capacity) ?? 0) },
        ],
        tableId: "runs",
      },
    ],
  };
}
