import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { getDb } from "@db/client";
import { DashboardBody } from "~/components/stats";
import { requireActor } from "~/modules/auth/request.server";
import { requireManagedAcademy } from "~/modules/scheduling/access.server";
import { loadStatsPage } from "~/modules/stats/pages.server";
import statsCss from "~/styles/stats.css";
import type { CacheHandle } from "~/utils/html-cache.server";

export const meta: MetaFunction = () => [{ title: "书院统计 · 书院管理" }];
export const links: LinksFunction = () => [{ rel: "stylesheet", href: statsCss }];

/** The viewer's own page is kept for them until any write (html-cache.server.ts). */
export const handle = { cacheSignedIn: true } satisfies CacheHandle;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = requireActor(request);
  const db = getDb();
  const academy = requireManagedAcademy(db, actor, params.academy ?? "");
  return loadStatsPage(db, actor, "academy", new URL(request.url), {
    academyId: academy.id,
    districtId: academy.districtId,
  });
}

export default function AcademyStats() {
  const { dashboard: d } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>{d.scopeLabel} · 统计</h1>
      <p className="lead">本书院的开课、活动、满员率、爽约和评价。</p>
      <DashboardBody dashboard={d} scope={{ academy: d.scopeCode }} />
    </>
  );
}
