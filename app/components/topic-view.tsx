/** A topic's meetings (minutes, addenda, participants) and follow-up tasks, shared by the public and manager pages. */
import type { getTopicPage } from "~/modules/community/deliberation.server";
import { MEETING_KIND_LABELS, TASK_STATUS_LABELS } from "~/modules/community/groups-labels";
import { formatDateTime } from "~/utils/dates";
import { Link } from "@remix-run/react";

type Page = ReturnType<typeof getTopicPage>;

export function TopicMeetings({ page, manageBase }: { page: Page; manageBase?: string }) {
  if (page.meetings.length === 0) return <p className="muted">还没有安排会议。</p>;
  return (
    <ul className="stack" data-testid="topic-meetings">
      {page.meetings.map((m) => (
        <li key={m.id} className="card">
          <h3>
            {MEETING_KIND_LABELS[m.kind]} · {formatDateTime(m.startsAt)} · {m.roomName ?? m.place}
            {m.status === "closed" ? <span className="tag">已结束</span> : null}
          </h3>
          <p className="muted">
            邀请 {m.invited.length} 人{m.status === "closed" ? `，出席 ${m.presentCount} 人` : ""}
            {m.invited.length
              ? `：${m.invited.map((p) => p.name + (m.status === "closed" && p.present ? "✓" : "")).join("、")}`
              : ""}
          </p>
          {m.minutesHtml ? (
            <>
              <h4>会议纪要{m.status === "closed" ? "（已定稿）" : "（草稿）"}</h4>
              <div className="rich" dangerouslySetInnerHTML={{ __html: m.minutesHtml }} />
            </>
          ) : null}
          {m.addenda.map((a) => (
            <div key={a.id} className="addendum">
              <h4>补充说明（{formatDateTime(a.createdAt)}）</h4>
              <div className="rich" dangerouslySetInnerHTML={{ __html: a.bodyHtml }} />
            </div>
          ))}
          {manageBase ? (
            <p>
              <Link to={`${manageBase}/meetings/${m.id}`}>
                {m.status === "closed" ? "查看与补充说明" : "写纪要、记出席"} →
              </Link>
            </p>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

export function TopicTasks({ page }: { page: Page }) {
  if (page.tasks.length === 0) return <p className="muted">还没有跟进事项。</p>;
  return (
    <ul className="stack" data-testid="topic-tasks">
      {page.tasks.map((t) => (
        <li key={t.id}>
          <strong>{t.title}</strong> <span className="tag">{TASK_STATUS_LABELS[t.status]}</span>
          {t.overdue ? <span className="tag warn">已逾期</span> : null}
          <p className="muted">
            负责：{t.owner} · 期限 {t.dueDate}
            {t.progress ? ` · 进展：${t.progress}` : ""}
          </p>
        </li>
      ))}
    </ul>
  );
}
