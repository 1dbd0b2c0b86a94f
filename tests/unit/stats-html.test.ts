/**
 * The dashboards' rows and cards are HTML strings (app/modules/stats/html.ts), rendered once per
 * figures instead of by React per request. They must be the markup React made before — escaped the
 * same way (titles and names are people's text) — so here React renders the old components and
 * the strings are compared with its output.
 */
import { createElement as h, Fragment } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import {
  cardsHtml,
  tableBodyFromJson,
  tableBodyHtml,
  tableJson,
  type CardData,
  type TableRows,
} from "~/modules/stats/html";
import type { Cell } from "~/utils/export";

const NUMBER = new Intl.NumberFormat("zh-CN", { maximumFractionDigits: 2 });
const text = (v: Cell | undefined) =>
  v == null || v === "" ? "—" : typeof v === "number" ? NUMBER.format(v) : String(v);

/** The rows as the React component rendered them before (app/components/stats.tsx, StatTable). */
function reactRows(t: TableRows) {
  const rows =
    t.rows.length === 0
      ? h("tr", null, h("td", { colSpan: t.headers.length }, "本期没有数据。"))
      : t.rows.map((r, i) =>
          h(
            "tr",
            { key: i },
            r.map((v, j) =>
              j === 0
                ? h(
                    "th",
                    { key: j, scope: "row", className: t.id === "summary" ? undefined : "wrap" },
                    t.links?.[i] ? h("a", { href: t.links[i]! }, text(v)) : text(v),
                  )
                : h(
                    "td",
                    {
                      key: j,
                      "data-label": t.headers[j],
                      className: typeof v === "string" && v.length > 12 ? "wrap" : undefined,
                    },
                    text(v),
                  ),
            ),
          ),
        );
  return renderToStaticMarkup(h("tbody", null, rows));
}

const HOSTILE = `<script>alert("x")</script> & 'quotes' <img src=x onerror=alert(1)>`;
const table: TableRows = {
  id: "runs",
  headers: ["课程", "状态", "名额", "参与率（%）", `说明 "引号" & <b>`],
  rows: [
    [HOSTILE, "报名中", 30, 12.345, null],
    ["太极拳入门", "", 1234567, 0, "一段超过十二个字的很长很长的说明文字"],
    [12.5, "已结课", -3, null, "短"],
  ],
  links: ['/manage/huli-001/runs/1?a=1&b="2"', null, "/manage/huli-001/runs/3"],
};

describe("dashboard rows as HTML", () => {
  it("are the markup React renders, escaped the same way", () => {
    expect(`<tbody>${tableBodyHtml(table)}</tbody>`).toBe(reactRows(table));
    const summary = { ...table, id: "summary", links: undefined };
    expect(`<tbody>${tableBodyHtml(summary)}</tbody>`).toBe(reactRows(summary));
    const empty = { ...table, rows: [], links: [] };
    expect(`<tbody>${tableBodyHtml(empty)}</tbody>`).toBe(reactRows(empty));
  });

  it("are the same when they travel as the loader's JSON string", () => {
    for (const t of [table, { ...table, id: "summary", links: undefined }])
      expect(`<tbody>${tableBodyFromJson(tableJson(t))}</tbody>`).toBe(reactRows(t));
  });

  it("never lets a name through as markup", () => {
    const html = tableBodyHtml(table);
    expect(html).not.toContain("<script");
    expect(html).not.toContain("<img");
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    expect(html).toContain('href="/manage/huli-001/runs/1?a=1&amp;b=&quot;2&quot;"');
    expect(html).toContain(">1,234,567<");
    expect(html).toContain(">12.35<");
    expect(html).toContain('<td data-label="说明 &quot;引号&quot; &amp; &lt;b&gt;">—</td>');
  });
});

describe("figure cards as HTML", () => {
  it("show what the React cards showed, with the ⓘ line, escaped", () => {
    const cards: CardData[] = [
      { key: "participations", label: "参与人次", explain: HOSTILE, value: "1,234", change: "+5%" },
      { key: "satisfaction", label: "满意度", explain: "平均分", value: "—", change: "—" },
    ];
    const prev = "2025年1–6月 <上期>";
    const react = renderToStaticMarkup(
      h(
        Fragment,
        null,
        cards.map((c) =>
          h(
            "li",
            { key: c.key, className: "stat-card", "data-figure": c.key },
            h("p", { className: "stat-label" }, c.label),
            h("p", { className: "stat-value" }, c.value),
            h("p", { className: "stat-change" }, "较上期（", prev, "）：", c.change),
            h(
              "p",
              { className: "stat-explain" },
              h("span", { "aria-hidden": "true" }, "ⓘ "),
              h("span", { className: "visually-hidden" }, "口径："),
              c.explain,
            ),
          ),
        ),
      ),
    );
    // React separates adjacent text with empty comments; the text itself is the same.
    expect(cardsHtml(cards, prev)).toBe(react.replaceAll("<!-- -->", ""));
    expect(cardsHtml(cards, prev)).not.toContain("<script");
  });
});
