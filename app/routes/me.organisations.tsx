import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { getDb } from "@db/client";
import { requireActor } from "~/modules/auth/request.server";
import { myTopics } from "~/modules/community/deliberation.server";
import { ORG_STAGE_LABELS, TOPIC_STATUS_LABELS } from "~/modules/community/groups-labels";
import { myOrganisations } from "~/modules/community/organisations.server";

export const meta: MetaFunction = () => [{ title: "我的居民组织 · 厦门社区书院" }];

/** 我的居民组织: the organisations the person belongs to or applied to, and the topics they raised. */
export async function loader({ request }: LoaderFunctionArgs) {
  const actor = requireActor(request);
  const db = getDb();
  return { organisations: myOrganisations(db, actor), topics: myTopics(db, actor) };
}

export default function MyOrganisations() {
  const { organisations, topics } = useLoaderData<typeof loader>();
  return (
    <div className="container">
      <p className="breadcrumb">
        <Link to="/me">我的</Link>
      </p>
      <h1>我的居民组织</h1>
      <p className="lead">
        您参加或申请加入的合唱团、志愿队、兴趣社团。想加入新的组织？在您书院的页面上找“居民组织”。
      </p>
      {organisations.length === 0 ? <p className="muted">还没有参加居民组织。</p> : null}
      <ul className="card-grid" data-testid="my-organisations">
        {organisations.map((o) => (
          <li key={o.id} className="card">
            <h2 className="card-title">
              <Link to={`/organisations/${o.id}`}>{o.name}</Link>
            </h2>
            <p className="muted">
              {o.academyName} · {ORG_STAGE_LABELS[o.stage]}
            </p>
            <p>
              {o.isLeader ? (
                <span className="badge ok">负责人</span>
              ) : o.status === "active" ? (
                <span className="badge ok">成员</span>
              ) : (
                <span className="badge">申请待审核</span>
              )}
            </p>
          </li>
        ))}
      </ul>
      <h2>我提出的议题</h2>
      {topics.length === 0 ? <p className="muted">还没有提出过议题。</p> : null}
      <ul className="stack" data-testid="my-topics">
        {topics.map((t) => (
          <li key={t.id}>
            {t.visibility === "internal" ? t.title : <Link to={`/topics/${t.id}`}>{t.title}</Link>}{" "}
            <span className="muted">
              · {t.academyName} · {TOPIC_STATUS_LABELS[t.status]}
              {t.visibility === "internal" ? "（书院内部处理）" : ""}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}
