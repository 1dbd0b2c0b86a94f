import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useLocation } from "@remix-run/react";
import { getDb } from "@db/client";
import { FilterSelect } from "~/components/filter-select";
import { Pager } from "~/components/layout";
import { ClassCard, toClassCard } from "~/components/schedule";
import { homeDistrictCode } from "~/modules/auth/home-academy.server";
import { getActor } from "~/modules/auth/request.server";
import { AUDIENCES } from "~/modules/catalog/courses";
import { listCategories } from "~/modules/catalog/read.server";
import { academyChoices } from "~/modules/scheduling/demand.server";
import { searchClasses } from "~/modules/scheduling/finder.server";
import { DAYPART_LABELS, DAYPARTS, WEEKDAY_LABELS, type Daypart } from "~/utils/time";
import { listDistricts } from "~/modules/org/org.server";
import type { CacheHandle } from "~/utils/html-cache.server";

export const meta: MetaFunction = () => [
  { title: "找课程班 · 厦门社区书院" },
  {
    name: "description",
    content: "全市社区书院正在报名和即将开课的课程班：按区、书院、分类、星期和时段查找。",
  },
];

const int = (v: string | null) => (v && /^\d+$/.test(v) ? Number(v) : null);

export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const p = url.searchParams;
  const db = getDb();
  const districts = listDistricts(db).map((d) => ({ id: d.id, code: d.code, name: d.name }));
  const categories = listCategories(db);
  const actor = getActor(request);
  // With no district in the address, a resident sees their own district (我的书院's); choosing
  // 全部 sends district= and shows the whole city.
  const districtCode = p.has("district")
    ? p.get("district")
    : homeDistrictCode(db, actor?.homeAcademyId);
  const district = districts.find((d) => d.code === districtCode) ?? null;
  const category = categories.find((c) => c.slug === p.get("category")) ?? null;
  const daypart = (DAYPARTS as readonly string[]).includes(p.get("time") ?? "")
    ? (p.get("time") as Daypart)
    : null;
  const weekday = int(p.get("weekday"));
  const audience = (AUDIENCES as readonly string[]).includes(p.get("audience") ?? "")
    ? p.get("audience")
    : null;
  const academyParam = p.get("academy");
  const academyId = academyParam === "home" ? (actor?.homeAcademyId ?? null) : int(academyParam);
  const result = searchClasses(db, {
    q: p.get("q"),
    districtId: district?.id,
    academyId,
    categoryId: category?.id,
    weekday: weekday && weekday >= 1 && weekday <= 7 ? weekday : null,
    daypart,
    audience,
    seats: p.get("seats") === "1",
    page: int(p.get("page")) ?? 1,
  });
  // The academy list is offered once a district is chosen (or an academy is, e.g. from its page).
  const all = district || academyId ? academyChoices(db) : [];
  const listDistrict = district?.name ?? all.find((a) => a.id === academyId)?.districtName ?? null;
  return {
    result: { ...result, rows: result.rows.map(toClassCard) },
    districts,
    categories,
    academies: listDistrict ? all.filter((a) => a.districtName === listDistrict) : [],
    homeAcademyId: actor?.homeAcademyId ?? null,
    filters: {
      q: result.query,
      district: district?.code ?? "",
      academy: academyId ? String(academyId) : "",
      category: category?.slug ?? "",
      weekday: weekday ? String(weekday) : "",
      time: daypart ?? "",
      audience: audience ?? "",
      seats: p.get("seats") === "1",
    },
  };
}

export default function Classes() {
  const { result, districts, categories, academies, homeAcademyId, filters } =
    useLoaderData<typeof loader>();
  const location = useLocation();
  // The chosen filters in words, for the folded panel's summary (what the results are filtered by).
  const chosen = [
    districts.find((d) => d.code === filters.district)?.name,
    filters.academy
      ? filters.academy === String(homeAcademyId)
        ? "我家附近的书院"
        : (academies.find((a) => String(a.id) === filters.academy)?.name ?? "所选书院")
      : null,
    categories.find((c) => c.slug === filters.category)?.name,
    filters.weekday ? WEEKDAY_LABELS[Number(filters.weekday)] : null,
    filters.time ? DAYPART_LABELS[filters.time as Daypart] : null,
    filters.audience || null,
    filters.seats ? "还能报名" : null,
  ].filter(Boolean);
  return (
    <div className="container">
      <div className="page-header">
        <h1>找课程班</h1>
        <p className="lead">全市社区书院即将开课的班级，家门口就能学。</p>
      </div>
      <Form method="get" className="stack" role="search" aria-label="查找课程班">
        <div className="search-box">
          <label htmlFor="classes-q" className="visually-hidden">
            搜索课程
          </label>
          <input
            id="classes-q"
            type="search"
            name="q"
            defaultValue={filters.q}
            placeholder="搜课程，如 太极拳、防诈骗、党史"
            maxLength={200}
          />
          <button type="submit">搜索</button>
        </div>
        {/* Folded after every search (a new key per query remounts it closed, with JavaScript too), so
            the count and the first classes come first on a phone; the summary says what is applied. */}
        <details className="filter-panel" key={location.search} data-testid="class-filters">
          <summary className="button secondary">
            筛选条件
            {chosen.length ? <span className="filter-chosen">：{chosen.join(" · ")}</span> : null}
          </summary>
          <div className="filter-form">
            <FilterSelect
              id="f-district"
              label="区"
              name="district"
              defaultValue={filters.district}
              empty="全市"
              options={districts.map((d) => ({ value: d.code, label: d.name }))}
            />
            <FilterSelect
              id="f-academy"
              label="书院"
              name="academy"
              defaultValue={filters.academy}
              empty={filters.district ? "本区全部书院" : "全部书院"}
              options={[
                ...(homeAcademyId ? [{ value: homeAcademyId, label: "我家附近的书院" }] : []),
                ...academies.map((a) => ({ value: a.id, label: a.name })),
              ]}
              describedBy={academies.length ? undefined : "f-academy-hint"}
            >
              {academies.length ? null : (
                <p className="hint" id="f-academy-hint">
                  先选区并点“筛选”，这里会列出该区的书院。
                </p>
              )}
            </FilterSelect>
            <FilterSelect
              id="f-category"
              label="分类"
              name="category"
              defaultValue={filters.category}
              empty="全部分类"
              options={categories.map((c) => ({ value: c.slug, label: c.name }))}
            />
            <FilterSelect
              id="f-weekday"
              label="星期"
              name="weekday"
              defaultValue={filters.weekday}
              empty="不限"
              options={[1, 2, 3, 4, 5, 6, 7].map((d) => ({ value: d, label: WEEKDAY_LABELS[d] }))}
            />
            <FilterSelect
              id="f-time"
              label="时段"
              name="time"
              defaultValue={filters.time}
              empty="不限"
              options={DAYPARTS.map((p) => ({ value: p, label: DAYPART_LABELS[p] }))}
            />
            <FilterSelect
              id="f-audience"
              label="适合人群"
              name="audience"
              defaultValue={filters.audience}
              empty="不限"
              options={AUDIENCES.map((a) => ({ value: a, label: a }))}
            />
            <div className="field check-field">
              <label className="check-chip" htmlFor="f-seats">
                <input
                  type="checkbox"
                  id="f-seats"
                  name="seats"
                  value="1"
                  defaultChecked={filters.seats}
                />
                只看还能报名的
              </label>
            </div>
            <div className="actions">
              <button type="submit">筛选</button>
              <Link className="button secondary" to="/classes?district=">
                清除
              </Link>
            </div>
          </div>
        </details>
      </Form>
      {result.note ? <p className="notice warn">{result.note}</p> : null}
      <p className="muted" aria-live="polite" data-testid="class-count">
        找到 {result.total} 个班
        {result.total > 0
          ? "，按开课时间排列"
          : "。换个条件试试，或者去课程库标记“想学”，让书院知道您想学什么"}
        。
      </p>
      <ul className="card-grid" data-testid="class-list">
        {result.rows.map((r) => (
          <ClassCard key={r.id} row={r} />
        ))}
      </ul>
      <Pager page={result.page} pages={result.pages} search={location.search} />
    </div>
  );
}

/** What the loader reads, for the HTML cache of signed-out pages (db/change-topics.ts); seats
 * only through seatsTakenByRun, which notes a check (db/read-checks.ts). */
export const handle = {
  cacheTopics: ["catalog", "network", "schedule", "seats"],
  cacheChecked: ["seats"],
} satisfies CacheHandle;
