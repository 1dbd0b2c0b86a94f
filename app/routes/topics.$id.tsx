import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { getDb } from "@db/client";
import { TopicMeetings, TopicTasks } from "~/components/topic-view";
import { getActor } from "~/modules/auth/request.server";
import { getTopicPage } from "~/modules/community/deliberation.server";
import { TOPIC_STATUS_LABELS } from "~/modules/community/groups-labels";
import { formatDate } from "~/utils/dates";
import { parseIdParam } from "~/utils/http";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.topic.title} · 群众议事` : "群众议事" },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  return getTopicPage(getDb(), getActor(request), parseIdParam(params.id, "没有找到这个议题。"));
}

export default function TopicPage() {
  const d = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const t = d.topic;
  return (
    <div className="container">
      <p className="breadcrumb">
        <Link to={`/academies/${d.academy.slug}`}>← {d.academy.name}</Link>
      </p>
      <p>
        <span className="tag" data-testid="topic-status">
          {TOPIC_STATUS_LABELS[t.status]}
        </span>{" "}
        {t.visibility === "internal" ? <span className="tag">内部议题</span> : null}
      </p>
      <h1>{t.title}</h1>
      {params.get("done") === "raised" ? (
        <p className="notice" role="status">
          议题已提交，书院受理后会通过消息告诉您。
        </p>
      ) : null}
      <p className="muted">
        {d.raiserName} 于 {formatDate(t.createdAt)} 提出
      </p>
      {t.description ? <p className="lead">{t.description}</p> : null}
      {t.status === "decided" ? (
        <div className="notice" data-testid="topic-outcome">
          <strong>议事结果：</strong>
          {t.outcome}
        </div>
      ) : null}
      {t.status === "closed" ? (
        <div className="notice warn">
          <strong>已关闭：</strong>
          {t.closeReason}
        </div>
      ) : null}
      {t.status === "proposed" ? <p className="notice">等待书院受理。</p> : null}
      <h2>会议</h2>
      <TopicMeetings page={d} manageBase={d.canManage ? `/manage/${d.academy.slug}` : undefined} />
      <h2>跟进事项与进展</h2>
      <TopicTasks page={d} />
      {d.canManage ? (
        <p>
          <Link className="button secondary" to={`/manage/${d.academy.slug}/topics/${t.id}`}>
            管理这个议题
          </Link>
        </p>
      ) : null}
    </div>
  );
}
