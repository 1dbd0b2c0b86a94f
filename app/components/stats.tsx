import { Link, useLocation } from "@remix-run/react";
import type { StatsTable } from "~/modules/stats/dashboards.server";
import type { DashboardView, TablePage, TableView } from "~/modules/stats/pages.server";
import { cardsHtml, tableBodyFromJson, tableBodyHtml, type CardData } from "~/modules/stats/html";
import { exportHref } from "~/modules/stats/links";
import { PERIOD_KINDS, PERIOD_LABELS, type Period } from "~/modules/stats/period";

/** Period picker: preset links (本月/本季度/本年) and a month range form (自定义), plain GET. */
export function PeriodPicker({
  period,
  keep = {},
}: {
  period: Period;
  keep?: Record<string, string>;
}) {
  const extra = Object.entries(keep)
    .map(([k, v]) => `&${k}=${encodeURIComponent(v)}`)
    .join("");
  return (
    <section aria-label="统计期">
      <ul className="period-presets">
        {PERIOD_KINDS.filter((k) => k !== "custom").map((k) => (
          <li key={k}>
            <Link to={`?p=${k}${extra}`} aria-current={period.kind === k ? "true" : undefined}>
              {PERIOD_LABELS[k]}
            </Link>
          </li>
        ))}
      </ul>
      <form method="get" className="period-form">
        {Object.entries(keep).map(([k, v]) => (
          <input key={k} type="hidden" name={k} value={v} />
        ))}
        <input type="hidden" name="p" value="custom" />
        <div className="field">
          <label htmlFor="period-from">自定义：从</label>
          <input id="period-from" name="from" type="month" defaultValue={period.from} required />
        </div>
        <div className="field">
          <label htmlFor="period-to">到</label>
          <input id="period-to" name="to" type="month" defaultValue={period.to} required />
        </div>
        <button type="submit" className="secondary">
          查看
        </button>
      </form>
      <p className="muted">
        统计期：<strong>{period.label}</strong>（按月统计，当月截至此刻）
      </p>
    </section>
  );
}

/** The figure cards, each with its change against the previous period and its ⓘ line (html.ts). */
export function StatCards({ cards, previousLabel }: { cards: CardData[]; previousLabel: string }) {
  return (
    <ul
      className="stat-cards"
      aria-label="主要指标"
      dangerouslySetInnerHTML={{ __html: cardsHtml(cards, previousLabel) }}
    />
  );
}

/** Previous / next page of a long table, keeping every other parameter and the scroll position. */
function TablePager({ title, paging }: { title: string; paging: TablePage }) {
  const { search } = useLocation();
  const href = (p: number) => {
    const params = new URLSearchParams(search);
    params.set(paging.param, String(p));
    return `?${params.toString()}`;
  };
  return (
    <nav className="pager" aria-label={`${title}分页`}>
      {paging.page > 1 ? (
        <Link className="button secondary" to={href(paging.page - 1)} rel="prev" preventScrollReset>
          上一页
        </Link>
      ) : null}
      <span>
        第 {paging.page} / {paging.pages} 页（共 {paging.total} 行，下载的表格含全部）
      </span>
      {paging.page < paging.pages ? (
        <Link className="button secondary" to={href(paging.page + 1)} rel="next" preventScrollReset>
          下一页
        </Link>
      ) : null}
    </nav>
  );
}

/** One dashboard table with its export links; `sortHref` turns headers into sort links. */
export function StatTable({
  table,
  exportHref,
  sortable,
}: {
  table: TableView | StatsTable;
  exportHref?: (format: "csv" | "xlsx") => string;
  sortable?: Record<string, string>;
}) {
  return (
    <div>
      {sortable && Object.keys(sortable).length ? (
        // On a phone the table becomes cards and its header row is hidden: the sort links show here.
        <p className="phone-only sort-links">
          排序：
          {Object.entries(sortable).map(([h, to]) => (
            <a key={h} href={to} className="sort-link">
              {h}
            </a>
          ))}
        </p>
      ) : null}
      <div className="table-wrap" tabIndex={0} role="region" aria-label={table.title}>
        <table className="stat-table stack-table" id={`table-${table.id}`}>
          <caption>{table.title}</caption>
          <thead>
            <tr>
              {table.headers.map((h) => (
                <th key={h} scope="col">
                  {sortable?.[h] ? (
                    <Link className="sort-link" to={sortable[h]!}>
                      {h}
                    </Link>
                  ) : (
                    h
                  )}
                </th>
              ))}
            </tr>
          </thead>
          {/* Rows as HTML built once per figures (html.ts): the same markup React would make. */}
          <tbody
            dangerouslySetInnerHTML={{
              __html:
                typeof table.rows === "string"
                  ? tableBodyFromJson(table.rows)
                  : tableBodyHtml(table as StatsTable),
            }}
          />
        </table>
      </div>
      {"paging" in table && table.paging ? (
        <TablePager title={table.title} paging={table.paging} />
      ) : null}
      {exportHref ? (
        <p className="export-links no-print">
          <a href={exportHref("csv")} download>
            下载「{table.title}」CSV
          </a>
          <a href={exportHref("xlsx")} download>
            下载「{table.title}」Excel
          </a>
        </p>
      ) : null}
    </div>
  );
}

/** A chart (a server-rendered SVG image, /stats/chart) beside the table holding the same numbers. */
export function ChartWithTable({
  title,
  src,
  table,
  exportHref,
  sortable,
}: {
  title: string;
  src: string;
  table: TableView | StatsTable;
  exportHref?: (format: "csv" | "xlsx") => string;
  sortable?: Record<string, string>;
}) {
  return (
    <section className="stat-block" aria-label={title}>
      <h2>{title}</h2>
      <div className="stat-pair">
        <figure className="chart-box" aria-describedby={`table-${table.id}`} style={{ margin: 0 }}>
          {/* Drawn on the server by ECharts from our own numbers and kept by the browser per version. */}
          <img
            className="chart-img"
            src={src}
            alt={`${title}（图表，数据见旁边的表格）`}
            width={360}
            height={260}
            decoding="async"
          />
          <figcaption className="visually-hidden">{title}：数据见旁边的表格</figcaption>
        </figure>
        <StatTable table={table} exportHref={exportHref} sortable={sortable} />
      </div>
    </section>
  );
}

/** The body every statistics dashboard shares: period picker, cards, charts beside their tables, other tables. */
export function DashboardBody({
  dashboard: d,
  scope,
  keep,
  sortable,
}: {
  dashboard: DashboardView;
  scope: { district?: string; academy?: string };
  keep?: Record<string, string>;
  sortable?: Record<string, Record<string, string>>;
}) {
  const href = (table?: string) => (format: "csv" | "xlsx") =>
    exportHref(scope, d.period, format, table);
  const charted = new Set(d.charts.map((c) => c.tableId));
  const tableById = new Map(d.tables.map((t) => [t.id, t]));
  return (
    <>
      <PeriodPicker period={d.period} keep={keep} />
      <p className="export-links no-print">
        <a href={href()("xlsx")} download>
          下载全部统计表（Excel）
        </a>
      </p>
      <StatCards cards={d.cards} previousLabel={d.previous.label} />
      {d.charts.map((c) => (
        <ChartWithTable
          key={c.id}
          title={c.title}
          src={c.src}
          table={tableById.get(c.tableId)!}
          exportHref={href(c.tableId)}
          sortable={sortable?.[c.tableId]}
        />
      ))}
      {d.tables
        .filter((t) => !charted.has(t.id))
        .map((t) => (
          <section key={t.id} className="stat-block" aria-label={t.title}>
            <StatTable table={t} exportHref={href(t.id)} sortable={sortable?.[t.id]} />
          </section>
        ))}
    </>
  );
}
