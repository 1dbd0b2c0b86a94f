import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useLocation } from "@remix-run/react";
import { getDb } from "@db/client";
import { ActivityCard } from "~/components/activities";
import { FilterSelect } from "~/components/filter-select";
import { Pager } from "~/components/layout";
import {
  ACTIVITY_TYPE_LABELS,
  ACTIVITY_TYPES,
  activityFinderQuerySchema,
} from "~/modules/community/activities";
import { findActivities, finderChoices } from "~/modules/community/activities-read.server";
import { listDistricts } from "~/modules/org/org.server";
import { DAYPART_LABELS, DAYPARTS, WEEKDAY_LABELS } from "~/utils/time";
import type { CacheHandle } from "~/utils/html-cache.server";

export const meta: MetaFunction = () => [
  { title: "社区活动 · 厦门社区书院" },
  {
    name: "description",
    content:
      "全市社区书院的文体活动、志愿服务、节庆活动、讲座宣讲、亲子活动和党群活动：按区、书院、类型、日期和时段查找。",
  },
];

export async function loader({ request }: LoaderFunctionArgs) {
  const db = getDb();
  const q = activityFinderQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const districts = listDistricts(db).map((d) => ({ id: d.id, code: d.code, name: d.name }));
  const district = districts.find((d) => d.code === q.district);
  const result = findActivities(db, { ...q, districtId: district?.id });
  return {
    result,
    districts,
    academies: finderChoices(db, district?.id).academies,
    filters: {
      district: district?.code ?? "",
      academy: q.academy ? String(q.academy) : "",
      type: q.type ?? "",
      date: q.date ?? "",
      weekday: q.weekday ? String(q.weekday) : "",
      daypart: q.daypart ?? "",
      open: !!q.open,
    },
  };
}

export default function Activities() {
  const { result, districts, academies, filters } = useLoaderData<typeof loader>();
  const location = useLocation();
  const anyFilter = !!(
    filters.district ||
    filters.academy ||
    filters.type ||
    filters.date ||
    filters.weekday ||
    filters.daypart ||
    filters.open
  );
  return (
    <div className="container">
      <div className="page-header">
        <h1>社区活动</h1>
        <p className="lead">
          全市社区书院的群众性活动：文体、志愿服务、节庆、讲座、亲子、党群活动。有的要报名，有的直接到场。
        </p>
      </div>
      <Form method="get" className="stack" role="search" aria-label="查找社区活动">
        <details open={anyFilter}>
          <summary className="button secondary">筛选条件{anyFilter ? "（已筛选）" : ""}</summary>
          <div className="filter-form">
            <FilterSelect
              id="a-district"
              label="区"
              name="district"
              defaultValue={filters.district}
              empty="全市"
              options={districts.map((d) => ({ value: d.code, label: d.name }))}
            />
            <FilterSelect
              id="a-academy"
              label="书院"
              name="academy"
              defaultValue={filters.academy}
              empty={filters.district ? "本区全部书院" : "全部书院"}
              options={academies.map((a) => ({ value: a.id, label: a.name }))}
              describedBy={academies.length ? undefined : "a-academy-hint"}
            >
              {academies.length ? null : (
                <p className="hint" id="a-academy-hint">
                  先选区并点“筛选”，这里会列出该区的书院。
                </p>
              )}
            </FilterSelect>
            <FilterSelect
              id="a-type"
              label="类型"
              name="type"
              defaultValue={filters.type}
              empty="全部类型"
              options={ACTIVITY_TYPES.map((t) => ({ value: t, label: ACTIVITY_TYPE_LABELS[t] }))}
            />
            <div className="field">
              <label htmlFor="a-date">日期</label>
              <input id="a-date" type="date" name="date" defaultValue={filters.date} />
            </div>
            <FilterSelect
              id="a-weekday"
              label="星期"
              name="weekday"
              defaultValue={filters.weekday}
              empty="不限"
              options={[1, 2, 3, 4, 5, 6, 7].map((d) => ({ value: d, label: WEEKDAY_LABELS[d] }))}
            />
            <FilterSelect
              id="a-daypart"
              label="时段"
              name="daypart"
              defaultValue={filters.daypart}
              empty="不限"
              options={DAYPARTS.map((p) => ({ value: p, label: DAYPART_LABELS[p] }))}
            />
            <div className="field check-field">
              <label className="check-chip" htmlFor="a-open">
                <input
                  type="checkbox"
                  id="a-open"
                  name="open"
                  value="1"
                  defaultChecked={filters.open}
                />
                只看还能报名的
              </label>
            </div>
            <div className="actions">
              <button type="submit">筛选</button>
              <Link className="button secondary" to="/activities">
                清除
              </Link>
            </div>
          </div>
        </details>
      </Form>
      <p className="muted" aria-live="polite">
        找到 {result.total} 个活动{result.total > 0 ? "，按时间先后排列" : "。换个条件试试"}。
      </p>
      <ul className="card-grid" data-testid="activity-list">
        {result.rows.map((r) => (
          <ActivityCard key={r.id} row={r} />
        ))}
      </ul>
      <Pager page={result.page} pages={result.pages} search={location.search} />
    </div>
  );
}

/** What the loader reads, for the HTML cache of signed-out pages (db/change-topics.ts). */
/** Seats only through confirmedByActivity and, with 有名额, a selection that checks itself
 * (db/read-checks.ts). */
export const handle = {
  cacheTopics: ["community", "network", "seats"],
  cacheChecked: ["seats"],
} satisfies CacheHandle;
