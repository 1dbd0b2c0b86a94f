import { periodSearch, type Period } from "./period";

/** The export link of a dashboard table (or of every table, for XLSX). */
export function exportHref(
  scope: { district?: string; academy?: string },
  period: Period,
  format: "csv" | "xlsx",
  table?: string,
) {
  const p = new URLSearchParams(periodSearch(period));
  if (scope.district) p.set("district", scope.district);
  if (scope.academy) p.set("academy", scope.academy);
  p.set("format", format);
  if (table) p.set("table", table);
  return `/stats/export?${p.toString()}`;
}

/** The image URL of a dashboard chart; `v` (the chart's version) lets the browser keep it. */
export function chartHref(
  scope: { district?: string; academy?: string },
  period: Period,
  chart: string,
  v: string,
  sort?: string,
) {
  const p = new URLSearchParams(periodSearch(period));
  if (scope.district) p.set("district", scope.district);
  if (scope.academy) p.set("academy", scope.academy);
  if (sort) p.set("sort", sort);
  p.set("chart", chart);
  p.set("v", v);
  return `/stats/chart?${p.toString()}`;
}
