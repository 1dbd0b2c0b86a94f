import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { getDb } from "@db/client";
import { DashboardBody } from "~/components/stats";
import { requireActor } from "~/modules/auth/request.server";
import { loadStatsPage } from "~/modules/stats/pages.server";
import { periodSearch } from "~/modules/stats/period";
import statsCss from "~/styles/stats.css";
import type { CacheHandle } from "~/utils/html-cache.server";

export const meta: MetaFunction = () => [{ title: "本区统计 · 区指导中心" }];
export const links: LinksFunction = () => [{ rel: "stylesheet", href: statsCss }];

/** The viewer's own page is kept for them until any write (html-cache.server.ts). */
export const handle = { cacheSignedIn: true } satisfies CacheHandle;

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = requireActor(request);
  return loadStatsPage(getDb(), actor, "district", new URL(request.url));
}

/** Header → sort key of the academies table (the table is sorted on the server, so it works without JavaScript). */
const SORTS: Record<string, string> = {
  书院: "name",
  参与率名次: "rate",
  满意度名次: "satisfaction",
  常住人口: "population",
  开课门次: "runs",
  课次: "sessions",
  活动场次: "activities",
  参与人次: "participations",
  参与人数: "participants",
  "参与率（%）": "rate",
  满意度: "satisfaction",
  "爽约率（%）": "noshow",
};

export default function DistrictStats() {
  const { dashboard: d, districts } = useLoaderData<typeof loader>();
  const base = `?${periodSearch(d.period)}&district=${d.scopeCode}`;
  const sortable = Object.fromEntries(
    Object.entries(SORTS).map(([h, k]) => [h, `${base}&sort=${k}`]),
  );
  return (
    <div className="container">
      <h1>{d.scopeLabel} · 书院统计</h1>
      <nav className="filter-bar tabs" aria-label="区指导中心">
        <Link to="/district">本区书院</Link>
        <Link to="/district/runs">开课</Link>
        <Link to="/district/evaluations">评价</Link>
        <Link to={`/district/stats?district=${d.scopeCode}`} aria-current="page">
          统计
        </Link>
      </nav>
      {districts.length > 1 ? (
        <p className="filter-bar">
          {districts.map((x) => (
            <Link
              key={x.code}
              to={`?${periodSearch(d.period)}&district=${x.code}`}
              aria-current={x.code === d.scopeCode ? "page" : undefined}
            >
              {x.name}
            </Link>
          ))}
        </p>
      ) : null}
      <p className="lead">本区各书院并排比较，按参与率和满意度排名；点表头可换一列排序。</p>
      <DashboardBody
        dashboard={d}
        scope={{ district: d.scopeCode }}
        keep={{ district: d.scopeCode }}
        sortable={{ academies: sortable }}
      />
    </div>
  );
}
