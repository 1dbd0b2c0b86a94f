/**
 * What the statistics routes call: parse errors and scope refusals become Chinese responses
 * (400/403, never 500), dashboards come with their charts rendered, exports are audited.
 */
import { PUBLIC_TOPICS } from "@db/change-topics";
import type { DB } from "@db/client";
import { memoUntilChange } from "@db/client";
import type { Actor } from "~/modules/auth/permissions";
import { staffDistrictIds } from "~/modules/auth/permissions";
import { writeAudit } from "~/modules/auth/audit.server";
import { exportDownload, type Sheet } from "~/utils/export";
import { z } from "~/utils/zod";
import { createHash } from "node:crypto";
import { renderChartSvg, type ChartSpec } from "./charts.server";
import { chartHref } from "./links";
import { tableJson } from "./html";
import {
  academyDashboard,
  districtDashboard,
  DISTRICT_SORTS,
  hqDashboard,
  type Card,
  type Dashboard,
  type StatsTable,
} from "./dashboards.server";
import { PeriodError, periodQueryShape, resolvePeriod, type Period } from "./period";
import { assertReadScope, scopeFromCodes, StatsAccessError, type StatsScope } from "./stats.server";

const code = z.string().regex(/^[a-z0-9-]{1,40}$/, "代码只能包含小写字母、数字和连字符。");

export const statsPageQuerySchema = z.object({
  ...periodQueryShape,
  district: code.optional(),
  academy: code.optional(),
  sort: z.enum(DISTRICT_SORTS).optional().catch(undefined),
});
export const statsExportQuerySchema = statsPageQuerySchema.extend({
  format: z.enum(["csv", "xlsx"], { message: "格式应为 csv 或 xlsx。" }),
  table: z
    .string()
    .regex(/^[a-z-]{1,30}$/)
    .optional(),
});

/** Turns a bad period, an unknown code or an out-of-scope request into a Chinese response. */
export function statsError(e: unknown): never {
  if (e instanceof PeriodError) throw new Response(e.message, { status: 400 });
  if (e instanceof StatsAccessError)
    throw new Response(e.message, { status: e.status === 404 ? 400 : e.status });
  throw e;
}

function parse<T extends z.ZodType>(schema: T, url: URL): z.infer<T> {
  const r = schema.safeParse(Object.fromEntries(url.searchParams));
  if (!r.success)
    throw new Response(r.error.issues[0]?.message ?? "查询条件有误。", { status: 400 });
  return r.data;
}

/** One page of a long table: which page, of how many, out of how many rows (exports keep every row). */
export type TablePage = { page: number; pages: number; total: number; param: string };
/** A dashboard table as its page sends it: one page of its rows, as one JSON string (html.ts). */
export type TableView = {
  id: string;
  title: string;
  headers: string[];
  /** `tableJson` of the rows shown: the page renders them with `tableBodyFromJson`. */
  rows: string;
  paging?: TablePage;
};
/**
 * A dashboard as its page shows it: each chart an image URL (/stats/chart), not its SVG; each
 * table's rows as one string (one page of a long table at a time, `?runs-page=2`), so React renders
 * a few dozen elements per request and the hydration data stays small.
 */
export type DashboardView = Omit<Dashboard, "charts" | "tables" | "cards"> & {
  cards: Omit<Card, "previous">[];
  tables: TableView[];
  charts: { id: string; title: string; src: string; tableId: string }[];
};

/** Rows per page of a dashboard table; the district's ranking of its academies pages later. */
export const TABLE_PAGE_ROWS: Record<string, number> = { academies: 50 };
const DEFAULT_PAGE_ROWS = 20;

/** The page of each long table the URL asks for (a page that exists), in the tables' order. */
function pagesAsked(d: Dashboard, search: URLSearchParams) {
  return d.tables.map((t) => {
    const size = TABLE_PAGE_ROWS[t.id] ?? DEFAULT_PAGE_ROWS;
    if (t.rows.length <= size) return 0;
    const pages = Math.ceil(t.rows.length / size);
    const asked = Number(search.get(`${t.id}-page`) ?? 1);
    return Number.isInteger(asked) && asked >= 1 ? Math.min(asked, pages) : 1;
  });
}

function tableView(t: StatsTable, page: number): TableView {
  const base = { id: t.id, title: t.title, headers: t.headers };
  if (page === 0) return { ...base, rows: tableJson(t) };
  const size = TABLE_PAGE_ROWS[t.id] ?? DEFAULT_PAGE_ROWS;
  const from = (page - 1) * size;
  return {
    ...base,
    rows: tableJson({
      ...t,
      rows: t.rows.slice(from, from + size),
      links: t.links?.slice(from, from + size),
    }),
    paging: {
      page,
      pages: Math.ceil(t.rows.length / size),
      total: t.rows.length,
      param: `${t.id}-page`,
    },
  };
}
/** The printed annual report keeps its charts inline (one document to print). */
export type InlineDashboardView = Omit<Dashboard, "charts"> & {
  charts: { id: string; title: string; svg: string; tableId: string }[];
};

/**
 * Rendered charts, keyed by the chart's own data (the same data draws the same SVG, whatever else
 * was written meanwhile): drawing costs far more than the figures. The 200 most recent are kept.
 */
const svgCache = new Map<string, string>();
/** Drawn vs served from the cache, for the test that fails when the cache stops hitting. */
export const chartCacheStats = { renders: 0, hits: 0 };
function chartSvg(c: Dashboard["charts"][number]) {
  const key = JSON.stringify(c);
  let svg = svgCache.get(key);
  if (svg === undefined) {
    chartCacheStats.renders++;
    svg = renderChartSvg(c);
  } else {
    chartCacheStats.hits++;
    svgCache.delete(key); // re-inserted below: the Map's order is the least-recently-used order
  }
  svgCache.set(key, svg);
  if (svgCache.size > 200) svgCache.delete(svgCache.keys().next().value!);
  return svg;
}
function inlineView(d: Dashboard): InlineDashboardView {
  return {
    ...d,
    charts: d.charts.map((c) => ({
      id: c.id,
      title: c.title,
      tableId: c.tableId,
      svg: chartSvg(c),
    })),
  };
}

/** A chart's version: a hash of its own data, so its URL changes exactly when its picture does. */
export function chartVersion(c: ChartSpec) {
  return createHash("sha256").update(JSON.stringify(c)).digest("base64url").slice(0, 16);
}

/**
 * Charts as images: the page carries a URL per chart instead of 10–20 KB of SVG twice (in the
 * HTML and again in the hydration data); the browser fetches them in parallel and keeps them,
 * since the URL carries the chart's version.
 */
function view(
  d: Dashboard,
  scope: { district?: string; academy?: string },
  pages: number[],
  sort?: string,
): DashboardView {
  const { cards, tables, charts, ...rest } = d;
  return {
    ...rest,
    cards: cards.map(({ previous: _, ...c }) => c),
    tables: tables.map((t, i) => tableView(t, pages[i]!)),
    charts: charts.map((c) => ({
      id: c.id,
      title: c.title,
      tableId: c.tableId,
      src: chartHref(scope, d.period, c.id, chartVersion(c), sort),
    })),
  };
}

/** Views of a dashboard by the pages asked (the few most recent), dropped with the dashboard. */
const views = new WeakMap<Dashboard, Map<string, DashboardView>>();
function viewOf(
  d: Dashboard,
  scope: { district?: string; academy?: string },
  search: URLSearchParams,
  sort?: string,
): DashboardView {
  const pages = pagesAsked(d, search);
  const key = `${sort ?? ""}|${pages.join(",")}`;
  let byPages = views.get(d);
  if (!byPages) views.set(d, (byPages = new Map()));
  let v = byPages.get(key);
  if (!v) {
    v = view(d, scope, pages, sort);
    byPages.set(key, v);
    if (byPages.size > 20) byPages.delete(byPages.keys().next().value!);
  }
  return v;
}

function resolve(url: URL, now: number) {
  const q = parse(statsPageQuerySchema, url);
  try {
    return { q, period: resolvePeriod(q, now) };
  } catch (e) {
    statsError(e);
  }
}

/** The district a /district/stats request means: `?district=code`, else the person's own (first) district. */
function districtFor(
  db: DB,
  actor: Actor,
  code: string | undefined,
): StatsScope & { type: "district" } {
  if (code) {
    const s = scopeFromCodes(db, { district: code });
    return s as StatsScope & { type: "district" };
  }
  const own = staffDistrictIds(actor)[0];
  if (!own)
    throw new StatsAccessError("只有区指导中心的工作人员可以查看区统计。", 403, "forbidden_scope");
  return { type: "district", districtId: own };
}

/**
 * Dashboards, kept until a public table changes (db/change-topics.ts: names, statuses and
 * enrolment counts sit beside the figures; sessions, audit rows and job leases do not count) and
 * per minute (the current month moves with the clock); the figures themselves are cached against
 * the statistics stamp alone (stats.server.ts). Only ever read after the viewer's scope check:
 * the same numbers serve every viewer of a scope.
 */
const dashboards = memoUntilChange<Dashboard>(100, PUBLIC_TOPICS);
/** Dashboards built vs served from the memo, for the test that fails when the memo stops hitting. */
export const dashboardCacheStats = { builds: 0, hits: 0 };

function dashboardFor(
  db: DB,
  actor: Actor,
  scope: StatsScope,
  period: Period,
  sort: z.infer<typeof statsPageQuerySchema>["sort"],
  now: number,
): Dashboard {
  assertReadScope(actor, scope);
  const where =
    scope.type === "city"
      ? "city"
      : scope.type === "district"
        ? `d${scope.districtId}:${sort ?? "rate"}`
        : `a${scope.academyId}`;
  const key = `${where}|${period.kind}|${period.from}|${period.to}|${Math.floor(now / 60_000)}`;
  let built = false;
  const d = dashboards(db, key, () => {
    built = true;
    if (scope.type === "city") return hqDashboard(db, actor, period, now);
    if (scope.type === "district")
      return districtDashboard(db, actor, scope.districtId, period, sort ?? "rate", now);
    return academyDashboard(db, actor, scope.academyId, period, now);
  });
  if (built) dashboardCacheStats.builds++;
  else dashboardCacheStats.hits++;
  return d;
}

export function loadStatsPage(
  db: DB,
  actor: Actor,
  page: "hq" | "district" | "academy",
  url: URL,
  opts: { academyId?: number; districtId?: number } = {},
  now = Date.now(),
) {
  const { q, period } = resolve(url, now);
  try {
    let scope: StatsScope;
    if (page === "hq") scope = { type: "city" };
    else if (page === "district") scope = districtFor(db, actor, q.district);
    else scope = { type: "academy", academyId: opts.academyId!, districtId: opts.districtId! };
    const d = dashboardFor(db, actor, scope, period, q.sort, now);
    const districts =
      page === "district"
        ? (db.$client
            .prepare(
              `SELECT code, name FROM districts WHERE id IN (SELECT value FROM json_each(?)) OR ? ORDER BY sort_order`,
            )
            .all(
              JSON.stringify(staffDistrictIds(actor)),
              scope.type === "district" && !staffDistrictIds(actor).includes(scope.districtId)
                ? 1
                : 0,
            ) as { code: string; name: string }[])
        : [];
    const codes =
      scope.type === "city"
        ? {}
        : scope.type === "district"
          ? { district: d.scopeCode }
          : { academy: d.scopeCode };
    return {
      dashboard: viewOf(d, codes, url.searchParams, page === "district" ? q.sort : undefined),
      sort: q.sort ?? "rate",
      districts,
    };
  } catch (e) {
    statsError(e);
  }
}

/** CSV (one table, UTF-8 with BOM) or XLSX (one table, or every table as a sheet), audited. */
export async function exportStats(
  db: DB,
  actor: Actor,
  url: URL,
  ip: string | null,
  now = Date.now(),
) {
  const q = parse(statsExportQuerySchema, url);
  let d: Dashboard;
  try {
    const period = resolvePeriod(q, now);
    const scope = scopeFromCodes(db, { district: q.district, academy: q.academy });
    d = dashboardFor(db, actor, scope, period, q.sort, now);
  } catch (e) {
    statsError(e);
  }
  const tables = q.table ? d.tables.filter((t) => t.id === q.table) : d.tables;
  if (tables.length === 0) throw new Response("没有这张统计表。", { status: 400 });
  if (q.format === "csv" && tables.length > 1)
    throw new Response("CSV 一次只能导出一张表，请指定 table。", { status: 400 });
  const sheets: Sheet[] = tables.map((t) => ({ name: t.title, headers: t.headers, rows: t.rows }));
  const what = tables.length === 1 ? tables[0]!.title : "统计报表";
  const periodPart =
    d.period.from === d.period.to ? d.period.from : `${d.period.from}至${d.period.to}`;
  const base = `统计-${d.scopeLabel}-${periodPart}-${what}`;
  const ascii = `stats-${d.scopeCode}-${d.period.from}_${d.period.to}-${tables.length === 1 ? tables[0]!.id : "all"}`;
  db.transaction(
    (tx) =>
      writeAudit(tx, actor.id, ip, {
        action: "stats.export",
        targetType: "stats",
        targetId: d.scopeCode,
        summary: `导出统计：${d.scopeLabel} ${d.period.label} ${what}（${q.format.toUpperCase()}）`,
        detail: {
          scope: d.scopeCode,
          from: d.period.from,
          to: d.period.to,
          tables: tables.map((t) => t.id),
          format: q.format,
        },
      }),
    { behavior: "immediate" },
  );
  return exportDownload(sheets, q.format, base, ascii);
}

export const statsChartQuerySchema = statsPageQuerySchema.extend({
  chart: z.string().regex(/^[a-z-]{1,30}$/, "没有这张图表。"),
  v: z.string().max(40).optional(),
});

/**
 * /stats/chart: one dashboard chart as SVG, for the scope and period in the URL, checked against
 * the viewer exactly like the page and the export (the figures come from the same cache). `fresh`:
 * the URL's version is the picture's, so the browser may keep it.
 */
export function loadChartSvg(db: DB, actor: Actor, url: URL, now = Date.now()) {
  const q = parse(statsChartQuerySchema, url);
  let d: Dashboard;
  try {
    const period = resolvePeriod(q, now);
    const scope = scopeFromCodes(db, { district: q.district, academy: q.academy });
    d = dashboardFor(db, actor, scope, period, q.sort, now);
  } catch (e) {
    statsError(e);
  }
  const c = d.charts.find((x) => x.id === q.chart);
  if (!c) throw new Response("没有这张图表。", { status: 404 });
  const version = chartVersion(c);
  return { svg: chartSvg(c), version, fresh: q.v === version };
}

/** /hq/stats/report?year=YYYY: the year's figures, the district comparison and the top courses (A4). */
export function loadAnnualReport(db: DB, actor: Actor, url: URL, now = Date.now()) {
  const current = new Date(now + 8 * 3600_000).getUTCFullYear();
  const r = z
    .object({
      year: z.coerce
        .number({ message: "年份应为四位数字。" })
        .int()
        .min(2015, "年份应在 2015 年以后。")
        .max(current, "还没有这一年的数据。")
        .optional(),
    })
    .safeParse(Object.fromEntries(url.searchParams));
  if (!r.success) throw new Response(r.error.issues[0]?.message ?? "年份有误。", { status: 400 });
  const year = r.data.year ?? current;
  const to = year === current ? resolvePeriod({ p: "year" }, now).to : `${year}-12`;
  try {
    const period = resolvePeriod({ p: "custom", from: `${year}-01`, to }, now);
    const d = hqDashboard(db, actor, period, now);
    const pick = (id: string) => d.tables.find((t) => t.id === id)!;
    return {
      year,
      generatedAt: now,
      dashboard: inlineView({ ...d, charts: d.charts.filter((c) => c.id !== "categories-chart") }),
      tables: {
        districts: pick("districts"),
        categories: pick("categories"),
        topCourses: pick("top-courses"),
        topAcademies: pick("top-academies"),
        trend: pick("trend"),
      },
    };
  } catch (e) {
    statsError(e);
  }
}
