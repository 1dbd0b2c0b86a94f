/**
 * Charts as server-rendered SVG (Apache ECharts' SSR renderer): no chart script is sent to the
 * browser, the SVG scales to the width of a phone, and every chart is printed beside the table
 * that holds the same numbers (the accessible version). Text is escaped by the renderer.
 */
import { onFirstUse } from "~/utils/lazy.server";

/**
 * ECharts is loaded by the first chart drawn: about 12 MB of heap that a server nobody opens a
 * dashboard on never needs. Nothing else imports it, so the CommonJS build it loads is the only copy.
 */
const echarts = onFirstUse<typeof import("echarts")>("echarts");

export type ChartSpec = {
  id: string;
  title: string;
  kind: "bar" | "line";
  categories: string[];
  series: { name: string; data: number[] }[];
  /** The id of the table beside it with the same numbers. */
  tableId: string;
};

const COLORS = ["#b4232a", "#1f6f8b", "#3a7d44", "#c77d1a", "#6b4c9a"];

export function renderChartSvg(spec: ChartSpec, width = 360, height = 260): string {
  const chart = echarts().init(null, null, { renderer: "svg", ssr: true, width, height });
  const many = spec.categories.length > 6;
  chart.setOption({
    animation: false,
    color: COLORS,
    textStyle: { fontSize: 13, fontFamily: "sans-serif" },
    grid: {
      left: 8,
      right: 12,
      top: spec.series.length > 1 ? 34 : 14,
      bottom: 8,
      containLabel: true,
    },
    legend: spec.series.length > 1 ? { top: 0, textStyle: { fontSize: 13 } } : undefined,
    xAxis: {
      type: "category",
      data: spec.categories,
      axisLabel: {
        fontSize: 12,
        interval: many ? "auto" : 0,
        rotate: many ? 40 : 0,
        width: 64,
        overflow: "truncate",
      },
    },
    yAxis: { type: "value", axisLabel: { fontSize: 12 } },
    series: spec.series.map((s) => ({
      name: s.name,
      type: spec.kind,
      data: s.data,
      smooth: false,
      symbolSize: 6,
      barMaxWidth: 36,
    })),
  });
  const svg = chart.renderToSVGString();
  chart.dispose();
  // Drop the fixed size: the viewBox keeps the proportions, CSS sets the width.
  return svg.replace(
    /^<svg width="\d+" height="\d+"/,
    `<svg role="img" aria-label="${escapeAttr(spec.title)}" class="chart-svg"`,
  );
}

function escapeAttr(s: string) {
  return s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
}
