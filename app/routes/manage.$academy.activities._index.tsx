import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useLocation, useSearchParams } from "@remix-run/react";
import { getDb } from "@db/client";
import { ActivityCard } from "~/components/activities";
import { Pager } from "~/components/layout";
import { requireActor } from "~/modules/auth/request.server";
import { listManagedActivities } from "~/modules/community/activities-read.server";
import { requireManagedAcademy } from "~/modules/scheduling/access.server";
import { parsePage } from "~/utils/http";

export const meta: MetaFunction = () => [{ title: "活动 · 书院管理" }];

const WHEN = { upcoming: "即将举办", past: "已举办", cancelled: "已取消" } as const;
type When = keyof typeof WHEN;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = requireActor(request);
  const db = getDb();
  const academy = requireManagedAcademy(db, actor, params.academy ?? "");
  const p = new URL(request.url).searchParams;
  const when: When =
    p.get("when") === "past" ? "past" : p.get("when") === "cancelled" ? "cancelled" : "upcoming";
  const page = parsePage(p);
  return {
    slug: academy.slug,
    when,
    list: listManagedActivities(db, actor, academy.id, { when, page }),
  };
}

export default function ManageActivities() {
  const { slug, when, list } = useLoaderData<typeof loader>();
  const location = useLocation();
  const [params] = useSearchParams();
  const base = `/manage/${slug}/activities`;
  return (
    <>
      <div className="page-header">
        <h1>活动</h1>
        <p className="lead">
          本书院的群众性活动：新建、修改、取消，活动后登记现场人数、点名和写活动报道。
        </p>
        <p className="actions">
          <Link className="button" to={`${base}/new`}>
            新建活动
          </Link>
        </p>
      </div>
      {params.get("done") === "cancelled" ? (
        <p className="notice" role="status">
          活动已取消，报名的居民已收到消息。
        </p>
      ) : null}
      <nav className="filter-bar" aria-label="活动列表">
        {(Object.keys(WHEN) as When[]).map((w) => (
          <Link key={w} to={`${base}?when=${w}`} aria-current={w === when ? "true" : undefined}>
            {WHEN[w]}
          </Link>
        ))}
      </nav>
      <p className="muted">共 {list.total} 个。</p>
      <ul className="card-grid" data-testid="manage-activity-list">
        {list.rows.map((r) => (
          <ActivityCard
            key={r.id}
            row={{ ...r, participations: when === "past" ? r.participations : undefined }}
            showAcademy={false}
            href={`${base}/${r.id}`}
          />
        ))}
      </ul>
      <Pager page={list.page} pages={list.pages} search={location.search} />
    </>
  );
}
