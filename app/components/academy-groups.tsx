/** The academy page's 组织孵化 / 群众议事 / 课程公示 sections. */
import { Link } from "@remix-run/react";
import type { academyGroupsSummary } from "~/modules/community/academy-groups.server";
import {
  ORG_STAGE_LABELS,
  ORG_TYPE_LABELS,
  PROPOSAL_STATUS_LABELS,
  TOPIC_STATUS_LABELS,
} from "~/modules/community/groups-labels";
import { formatDateTime } from "~/utils/dates";

type Summary = ReturnType<typeof academyGroupsSummary>;

export function AcademyGroups({ slug, g }: { slug: string; g: Summary }) {
  return (
    <>
      <section aria-labelledby="orgs-h">
        <h2 id="orgs-h">居民组织</h2>
        {g.organisations.length === 0 ? <p className="muted">还没有登记的居民组织。</p> : null}
        <ul className="stack" data-testid="academy-orgs">
          {g.organisations.map((o) => (
            <li key={o.id}>
              <Link to={`/organisations/${o.id}`}>{o.name}</Link>{" "}
              <span className="tag">{ORG_STAGE_LABELS[o.stage]}</span>
              <span className="muted">
                {" "}
                {ORG_TYPE_LABELS[o.type]} · {o.members} 人
              </span>
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="topics-h">
        <h2 id="topics-h">群众议事</h2>
        {g.topics.length === 0 ? <p className="muted">暂无公开的议题。</p> : null}
        <ul className="stack" data-testid="academy-topics">
          {g.topics.map((t) => (
            <li key={t.id}>
              <Link to={`/topics/${t.id}`}>{t.title}</Link>{" "}
              <span className="tag">{TOPIC_STATUS_LABELS[t.status]}</span>
              {t.tasks.total ? (
                <span className="muted">
                  {" "}
                  跟进事项 {t.tasks.done}/{t.tasks.total} 已完成
                </span>
              ) : null}
            </li>
          ))}
        </ul>
        <p>
          <Link className="button secondary" to={`/academies/${slug}/topics/new`}>
            提出议题
          </Link>
        </p>
      </section>
      {g.proposals.length || g.surveys.length ? (
        <section aria-labelledby="proposals-h">
          <h2 id="proposals-h">社区特色课程：调查与公示</h2>
          <ul className="stack" data-testid="academy-proposals">
            {g.surveys.map((s) => (
              <li key={`s${s.id}`}>
                需求调查：<Link to={`/surveys/${s.id}`}>{s.title}</Link>
              </li>
            ))}
            {g.proposals.map((p) => (
              <li key={p.id}>
                课程公示：<Link to={`/proposals/${p.id}`}>{p.title}</Link>{" "}
                <span className="tag">{PROPOSAL_STATUS_LABELS[p.status]}</span>
                {p.status === "notice" ? (
                  <span className="muted"> 截止 {formatDateTime(p.noticeClosesAt)}</span>
                ) : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}
