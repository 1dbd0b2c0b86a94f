import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { getDb } from "@db/client";
import { DashboardBody } from "~/components/stats";
import { isHq } from "~/modules/auth/permissions";
import { requireActorWith } from "~/modules/auth/request.server";
import { loadStatsPage } from "~/modules/stats/pages.server";
import statsCss from "~/styles/stats.css";
import type { CacheHandle } from "~/utils/html-cache.server";

export const meta: MetaFunction = () => [{ title: "全市统计 · 总部" }];
export const links: LinksFunction = () => [{ rel: "stylesheet", href: statsCss }];

/** The viewer's own page is kept for them until any write (html-cache.server.ts). */
export const handle = { cacheSignedIn: true } satisfies CacheHandle;

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = requireActorWith(request, isHq);
  return loadStatsPage(getDb(), actor, "hq", new URL(request.url));
}

export default function HqStats() {
  const { dashboard } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>全市统计</h1>
      <p className="lead">
        全市社区书院的开课、活动和居民参与情况，口径统一（每项指标旁的 ⓘ 为统计口径）。
        <Link to={`/hq/stats/report?year=${dashboard.period.to.slice(0, 4)}`}>打印年度报告</Link>
      </p>
      <DashboardBody dashboard={dashboard} scope={{}} />
    </>
  );
}
