/**
 * What a dashboard page sends (app/modules/stats/pages.server.ts): charts as image URLs served by
 * /stats/chart (scope-checked like the page, drawn once per picture, versioned by their data) and
 * long tables one page at a time, while the export keeps every row.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  chartCacheStats,
  dashboardCacheStats,
  exportStats,
  loadChartSvg,
  loadStatsPage,
} from "~/modules/stats/pages.server";
import { writeAudit } from "~/modules/auth/audit.server";
import { tableBodyFromJson } from "~/modules/stats/html";
import {
  createWorldRun,
  addEnrollment,
  freshLearningWorld,
  markPresent,
  type LearningWorld,
} from "../factories/learning";
import type { TestDb } from "../factories/db";

const NOW = Date.UTC(2026, 5, 1, 4);
const JAN = "p=custom&from=2026-01&to=2026-01";
const at = (d: number) => Date.UTC(2026, 0, d, 1);

let db: TestDb;
let w: LearningWorld;
beforeEach(async () => {
  ({ db, w } = await freshLearningWorld());
  // 25 runs, each with one session held in January: more than one page of the 开课班级 table.
  for (let d = 1; d <= 25; d++)
    createWorldRun(db, w, { starts: [at(d)], minutes: 90, status: "finished" });
});
afterEach(() => db.cleanup());

const page = (query: string, who = () => w.manager) =>
  loadStatsPage(
    db,
    who(),
    "academy",
    new URL(`http://x/manage/${w.academy.slug}/stats?${query}`),
    { academyId: w.academy.id, districtId: w.academy.districtId },
    NOW,
  );
const runsOf = (p: ReturnType<typeof page>) => p.dashboard.tables.find((t) => t.id === "runs")!;
/** The rows a table shows (one JSON string in the page's data) and their links. */
const shown = (t: { rows: string }) =>
  JSON.parse(t.rows) as { rows: unknown[][]; links?: (string | null)[] };
const rowsOf = (t: { rows: string }) => shown(t).rows;
const linksOf = (t: { rows: string }) => shown(t).links ?? [];
const status = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    if (e instanceof Response) return e.status;
    throw e;
  }
  return 200;
};

describe("dashboard tables, a page at a time", () => {
  it("shows 20 rows, the next ones with ?runs-page=2, and exports all 25", async () => {
    const first = runsOf(page(JAN));
    expect(rowsOf(first)).toHaveLength(20);
    expect(linksOf(first)).toHaveLength(20);
    expect(first.paging).toEqual({ page: 1, pages: 2, total: 25, param: "runs-page" });
    const second = runsOf(page(`${JAN}&runs-page=2`));
    expect(rowsOf(second)).toHaveLength(5);
    expect(second.paging?.page).toBe(2);
    expect(new Set([...linksOf(first), ...linksOf(second)]).size).toBe(25);
    // Odd page numbers fall back to a page that exists.
    expect(runsOf(page(`${JAN}&runs-page=abc`)).paging?.page).toBe(1);
    expect(runsOf(page(`${JAN}&runs-page=99`)).paging?.page).toBe(2);
    // Short tables are not paged.
    expect(page(JAN).dashboard.tables.find((t) => t.id === "trend")!.paging).toBeUndefined();
    const csv = await exportStats(
      db,
      w.manager,
      new URL(`http://x/stats/export?academy=${w.academy.slug}&${JAN}&format=csv&table=runs`),
      null,
      NOW,
    );
    const text = await new Response(csv.body).text();
    expect(text.trim().split(/\r?\n/)).toHaveLength(1 + 25);
  });
});

describe("charts as images", () => {
  it("puts a URL per chart in the page, never the SVG, and serves the picture to the same viewer only", () => {
    const p = page(JAN);
    expect(JSON.stringify(p)).not.toContain("<svg");
    expect(p.dashboard.charts.length).toBeGreaterThan(0);
    for (const c of p.dashboard.charts) {
      expect(c.src).toMatch(/^\/stats\/chart\?/);
      const u = new URL(`http://x${c.src}`);
      expect(u.searchParams.get("academy")).toBe(w.academy.slug);
      const got = loadChartSvg(db, w.manager, u, NOW);
      expect(got.svg).toMatch(/^<svg[^>]*role="img"/);
      expect(got.fresh).toBe(true);
      // Another academy's manager, a resident and an unknown chart are refused like the page.
      expect(status(() => loadChartSvg(db, w.otherManager, u, NOW))).toBe(403);
      expect(status(() => loadChartSvg(db, w.resident, u, NOW))).toBe(403);
    }
    const u = new URL(`http://x${p.dashboard.charts[0]!.src}`);
    u.searchParams.set("chart", "no-such-chart");
    expect(status(() => loadChartSvg(db, w.manager, u, NOW))).toBe(404);
    u.searchParams.set("chart", "../x");
    expect(status(() => loadChartSvg(db, w.manager, u, NOW))).toBe(400);
  });

  it("draws a picture once, and a new one (with a new URL) when its numbers change", () => {
    const src = page(JAN).dashboard.charts.find((c) => c.id === "trend-chart")!.src;
    const u = new URL(`http://x${src}`);
    loadChartSvg(db, w.manager, u, NOW);
    const warm = { ...chartCacheStats };
    const again = loadChartSvg(db, w.manager, u, NOW);
    expect(chartCacheStats.renders - warm.renders, "the same picture was drawn again").toBe(0);
    expect(chartCacheStats.hits - warm.hits).toBe(1);
    // One more January attendance changes the trend: a new version, the old URL is no longer fresh.
    const { run, sessions } = createWorldRun(db, w, {
      starts: [at(28)],
      minutes: 90,
      status: "finished",
    });
    markPresent(
      db,
      sessions[0]!.id,
      addEnrollment(db, run.id, { userId: w.resident.id }, { at: at(20) }).id,
    );
    const next = page(JAN).dashboard.charts.find((c) => c.id === "trend-chart")!.src;
    expect(next).not.toBe(src);
    const before = chartCacheStats.renders;
    const drawn = loadChartSvg(db, w.manager, new URL(`http://x${next}`), NOW);
    expect(drawn.fresh).toBe(true);
    expect(drawn.svg).not.toBe(again.svg);
    expect(chartCacheStats.renders - before).toBe(1);
    expect(loadChartSvg(db, w.manager, u, NOW).fresh).toBe(false);
  });
});

describe("a dashboard kept until the database changes", () => {
  it("is built once for every viewer of a scope, still checks each viewer, and is rebuilt after a public write or a minute", () => {
    const first = page(JAN);
    const warm = { ...dashboardCacheStats };
    const again = page(JAN);
    expect(dashboardCacheStats.builds - warm.builds, "built again without a write").toBe(0);
    expect(dashboardCacheStats.hits - warm.hits).toBe(1);
    expect(again.dashboard).toBe(first.dashboard);
    // HQ reads the same academy from the same memo; others are refused before it is looked at.
    expect(page(JAN, () => w.hqAdmin).dashboard).toBe(first.dashboard);
    expect(status(() => page(JAN, () => w.otherManager))).toBe(403);
    expect(status(() => page(JAN, () => w.resident))).toBe(403);
    // Another page of a table is another view of the same dashboard.
    expect(runsOf(page(`${JAN}&runs-page=2`)).paging?.page).toBe(2);
    expect(dashboardCacheStats.builds - warm.builds).toBe(0);
    // Private writes (an audit row, as a session slide or a job lease would be) keep it.
    writeAudit(db, w.manager.id, null, {
      action: "test.write",
      targetType: "test",
      summary: "无关的写入",
    });
    expect(page(JAN).dashboard).toBe(first.dashboard);
    expect(dashboardCacheStats.builds - warm.builds).toBe(0);
    // A write that moves no statistics rollup (an enrolment) still changes what the table shows.
    const enrolled = (p: ReturnType<typeof page>) =>
      (
        tableBodyFromJson(runsOf(p).rows).match(/<td data-label="已报名">(\d+)<\/td>/g) ?? []
      ).join();
    const run = Number(/\/runs\/(\d+)$/.exec(linksOf(runsOf(first))[0]!)![1]);
    addEnrollment(db, run, { userId: w.neighbour.id });
    const after = page(JAN);
    expect(dashboardCacheStats.builds - warm.builds).toBe(1);
    expect(enrolled(after)).not.toBe(enrolled(first));
    // The current month moves with the clock: the next minute builds again.
    loadStatsPage(
      db,
      w.manager,
      "academy",
      new URL(`http://x/manage/${w.academy.slug}/stats?${JAN}`),
      { academyId: w.academy.id, districtId: w.academy.districtId },
      NOW + 60_000,
    );
    expect(dashboardCacheStats.builds - warm.builds).toBe(2);
  });

  it("sends each table's rows as one string, rendered to rows once", () => {
    const p = page(JAN);
    const runs = runsOf(p);
    expect(typeof runs.rows).toBe("string");
    const html = tableBodyFromJson(runs.rows);
    expect(html).toMatch(/^<tr><th scope="row" class="wrap"><a href="\/manage\//);
    expect(html.match(/<tr>/g)).toHaveLength(20);
    // The same string again is the same HTML, not built again.
    expect(tableBodyFromJson(runs.rows)).toBe(html);
    expect(p.dashboard.cards.map((c) => c.key)).toContain("participations");
    expect(p.dashboard.cards[0]).not.toHaveProperty("previous");
  });
});
