import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useLocation } from "@remix-run/react";
import { getDb } from "@db/client";
import { CourseCard } from "~/components/catalog";
import { FilterSelect } from "~/components/filter-select";
import { PageHeader, Pager } from "~/components/layout";
import { getActor } from "~/modules/auth/request.server";
import {
  AUDIENCES,
  canAuthorSomeCourse,
  SOURCE_LEVEL_LABELS,
  SOURCE_LEVELS,
} from "~/modules/catalog/courses";
import { audienceList, getLibraryPage } from "~/modules/catalog/search.server";
import { z } from "~/utils/zod";
import type { CacheHandle } from "~/utils/html-cache.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data?.query ? `搜索“${data.query}” · 中央厨房课程库` : "中央厨房课程库 · 厦门社区书院" },
  {
    name: "description",
    content:
      "厦门市社区书院总部“中央厨房”课程库：红色传承、绿色环保、品德修养、闽南文化、健康生活、法治与安全。",
  },
];

/** Odd or missing parameters fall back to "no filter": the library page never errors on its URL. */
const params = z.object({
  q: z.string().optional().catch(undefined),
  category: z
    .string()
    .regex(/^[a-z][a-z0-9-]{1,30}$/)
    .optional()
    .catch(undefined),
  audience: z.enum(AUDIENCES).optional().catch(undefined),
  level: z.enum(SOURCE_LEVELS).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(10_000).catch(1),
});

export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const f = params.parse(Object.fromEntries(url.searchParams));
  const r = getLibraryPage(getDb(), f);
  return {
    /** Editors (HQ, district centres, academy managers) get a link to where they write courses. */
    canWrite: canAuthorSomeCourse(getActor(request)),
    filters: { category: f.category ?? "", audience: f.audience ?? "", level: f.level ?? "" },
    query: r.query,
    note: r.note,
    total: r.total,
    page: r.page,
    pages: r.pages,
    categories: r.categories,
    rows: r.rows.map((c) => ({
      code: c.code,
      title: c.title,
      summary: c.summary,
      audience: audienceList(c.audience),
      sessions: c.sessions,
      minutesPerSession: c.minutesPerSession,
      levelLabel: c.sourceLevel === "city" ? null : SOURCE_LEVEL_LABELS[c.sourceLevel],
      categoryName: c.categoryName,
      categoryColor: c.categoryColor,
    })),
  };
}

export default function CourseLibrary() {
  const { canWrite, filters, query, note, total, page, pages, categories, rows } =
    useLoaderData<typeof loader>();
  const location = useLocation();
  const current = new URLSearchParams(location.search);
  const withParam = (key: string, value: string) => {
    const p = new URLSearchParams(current);
    if (value) p.set(key, value);
    else p.delete(key);
    p.delete("page");
    const s = p.toString();
    return s ? `/courses?${s}` : "/courses";
  };
  const filtered = !!(query || filters.category || filters.audience || filters.level);
  return (
    <div className="container">
      <PageHeader
        title="中央厨房课程库"
        lead="市总部为全市社区书院准备的课程，按类别浏览或直接搜索。想学哪门课，可以请您所在的书院来“点单”开课。"
      >
        {canWrite ? (
          <p>
            <Link to="/hq/courses">编写与管理课程 →</Link>
          </p>
        ) : null}
      </PageHeader>
      <Form method="get" action="/courses" role="search" className="search-box library-search">
        <label htmlFor="library-q" className="visually-hidden">
          搜索课程
        </label>
        <input
          id="library-q"
          type="search"
          name="q"
          defaultValue={query}
          placeholder="如：太极拳、环保、防诈骗"
          maxLength={500}
          enterKeyHint="search"
        />
        {filters.category ? <input type="hidden" name="category" value={filters.category} /> : null}
        {filters.audience ? <input type="hidden" name="audience" value={filters.audience} /> : null}
        {filters.level ? <input type="hidden" name="level" value={filters.level} /> : null}
        <button type="submit">搜索</button>
      </Form>
      {note ? (
        <p className="form-error" role="status">
          {note}
        </p>
      ) : null}

      <nav className="filter-bar" aria-label="按类别筛选">
        <Link to={withParam("category", "")} aria-current={!filters.category ? "true" : undefined}>
          全部类别
        </Link>
        {categories.map((c) => (
          <Link
            key={c.slug}
            to={withParam("category", c.slug)}
            aria-current={filters.category === c.slug ? "true" : undefined}
          >
            <span className="swatch" style={{ background: c.color }} aria-hidden="true" />
            {c.name}
          </Link>
        ))}
      </nav>

      <Form method="get" action="/courses" className="library-filters">
        {query ? <input type="hidden" name="q" value={query} /> : null}
        {filters.category ? <input type="hidden" name="category" value={filters.category} /> : null}
        <FilterSelect
          id="f-audience"
          label="适用对象"
          name="audience"
          defaultValue={filters.audience}
          empty="不限"
          options={AUDIENCES.map((a) => ({ value: a, label: a }))}
        />
        <FilterSelect
          id="f-level"
          label="课程来源"
          name="level"
          defaultValue={filters.level}
          empty="不限"
          options={SOURCE_LEVELS.map((l) => ({ value: l, label: SOURCE_LEVEL_LABELS[l] }))}
        />
        <button type="submit" className="secondary">
          筛选
        </button>
      </Form>

      <p className="result-count" role="status" data-testid="result-count">
        {query ? `“${query}”：` : ""}共 {total} 门课程
        {filtered ? (
          <>
            {" "}
            · <Link to="/courses">清除全部条件</Link>
          </>
        ) : null}
      </p>
      {rows.length === 0 ? (
        <div className="card empty-state">
          <p>没有找到符合条件的课程。</p>
          <p className="muted">试试更短的词（如“环保”“太极”），或减少筛选条件。</p>
        </div>
      ) : (
        <ul className="card-grid" data-testid="course-results">
          {rows.map((c) => (
            <CourseCard key={c.code} c={c} />
          ))}
        </ul>
      )}
      <Pager page={page} pages={pages} search={location.search} />
    </div>
  );
}

/** What the loader reads, for the HTML cache of signed-out pages (db/change-topics.ts). */
export const handle = { cacheTopics: ["catalog"] } satisfies CacheHandle;
