/**
 * The markup of a dashboard table's rows and of the figure cards, as HTML strings: React would
 * otherwise build a few thousand elements per request for them. A dashboard's loader sends each
 * table's rows as one JSON string (`tableJson`: one value for the hydration data to carry, not
 * every cell), and the page turns it into rows once (`tableBodyFromJson` keeps the last ones, and
 * the server hands out the same string while the figures stay). Pure and shared by server and
 * browser. Escaped exactly as React escapes text and attributes; tests/unit/stats-html.test.ts
 * compares the markup with React's own rendering.
 */
import type { Cell } from "~/utils/export";

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#x27;",
};
export function escapeHtml(s: string) {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

// One formatter: toLocaleString builds a new Intl.NumberFormat on every call (a fifth of a table's render time).
const NUMBER = new Intl.NumberFormat("zh-CN", { maximumFractionDigits: 2 });

/** A cell as shown: numbers grouped (12,345), empty as —. */
export function cellText(v: Cell | undefined) {
  if (v == null || v === "") return "—";
  if (typeof v === "number") return NUMBER.format(v);
  return String(v);
}

export type TableRows = {
  id: string;
  headers: string[];
  rows: Cell[][];
  links?: (string | null)[];
};

/**
 * The rows of a table (what goes inside its <tbody>): the first cell a row header (a link when the
 * row has one), the others labelled with their column's header for the phone's card layout.
 */
export function tableBodyHtml(t: TableRows): string {
  if (t.rows.length === 0) return `<tr><td colSpan="${t.headers.length}">本期没有数据。</td></tr>`;
  const labels = t.headers.map((h) => ` data-label="${escapeHtml(h)}"`);
  const rowHeadClass = t.id === "summary" ? "" : ` class="wrap"`;
  let out = "";
  for (let i = 0; i < t.rows.length; i++) {
    const r = t.rows[i]!;
    const link = t.links?.[i];
    const head = escapeHtml(cellText(r[0]));
    out += `<tr><th scope="row"${rowHeadClass}>${link ? `<a href="${escapeHtml(link)}">${head}</a>` : head}</th>`;
    for (let j = 1; j < r.length; j++) {
      const v = r[j];
      const wrap = typeof v === "string" && v.length > 12 ? ` class="wrap"` : "";
      out += `<td${labels[j] ?? ""}${wrap}>${escapeHtml(cellText(v))}</td>`;
    }
    out += "</tr>";
  }
  return out;
}

/** A table's rows (one page of them) as the string a dashboard's loader sends. */
export function tableJson(t: TableRows): string {
  return JSON.stringify({ id: t.id, headers: t.headers, rows: t.rows, links: t.links });
}

const bodies = new Map<string, string>();
/** The rows' HTML of a `tableJson` string; the 100 most recent are kept. */
export function tableBodyFromJson(json: string): string {
  let html = bodies.get(json);
  if (html === undefined) {
    html = tableBodyHtml(JSON.parse(json) as TableRows);
    bodies.set(json, html);
    if (bodies.size > 100) bodies.delete(bodies.keys().next().value!);
  }
  return html;
}

export type CardData = {
  key: string;
  label: string;
  explain: string;
  value: string;
  change: string;
};

/** The figure cards (what goes inside <ul class="stat-cards">), each with its change and its ⓘ line. */
export function cardsHtml(cards: CardData[], previousLabel: string): string {
  const prev = escapeHtml(previousLabel);
  let out = "";
  for (const c of cards)
    out +=
      `<li class="stat-card" data-figure="${escapeHtml(c.key)}">` +
      `<p class="stat-label">${escapeHtml(c.label)}</p>` +
      `<p class="stat-value">${escapeHtml(c.value)}</p>` +
      `<p class="stat-change">较上期（${prev}）：${escapeHtml(c.change)}</p>` +
      `<p class="stat-explain"><span aria-hidden="true">ⓘ </span><span class="visually-hidden">口径：</span>${escapeHtml(c.explain)}</p>` +
      `</li>`;
  return out;
}
