/** 学习档案 on /me: upcoming classes, waitlists, past classes with attendance, hours, certificates,
 * the no-show notice, volunteer hours and the calendar subscription. */
import { Form, Link, useNavigation } from "@remix-run/react";
import { formatDate, formatDateTime } from "~/utils/dates";
import type { volunteerService } from "~/modules/community/volunteers.server";
import type { PastClass } from "~/modules/learning/record.server";
import { sessionWhen } from "./learning";

export type RecordData = {
  upcoming: {
    sessionId: number;
    runId: number;
    startsAt: number;
    endsAt: number;
    status: string;
    roomName: string;
    title: string;
    academyName: string;
    learner: string | null;
    runCancelled: boolean;
    enrollmentId: number;
    onLeave: boolean;
    started: boolean;
  }[];
  waiting: {
    enrollmentId: number;
    runId: number;
    title: string;
    status: string;
    learner: string | null;
  }[];
  past: PastClass[];
  pastTotal: number;
  totals: { minutes: number; sessions: number; completed: number };
  family: { name: string; minutes: number; completed: number }[];
  restrictions: { who: string | null; until: number; message: string }[];
  volunteer: ReturnType<typeof volunteerService>;
  feed: { createdAt: number; lastFetchedAt: number | null } | null;
  policy: { completionRate: number };
};

function hours(minutes: number) {
  const h = Math.round((minutes / 60) * 10) / 10;
  return Number.isInteger(h) ? String(h) : h.toFixed(1);
}

export function LearningRecord({
  record,
  feedUrl,
  showAllPast,
}: {
  record: RecordData;
  feedUrl: string | null;
  showAllPast: boolean;
}) {
  const busy = useNavigation().state === "submitting";
  const r = record;
  return (
    <>
      {r.restrictions.map((x, i) => (
        <div key={i} className="notice warn" role="status" data-testid="noshow-notice">
          <strong>缺课提醒{x.who ? `（${x.who}）` : ""}</strong>
          <p>{x.message}</p>
        </div>
      ))}

      <h2>学习档案</h2>
      <ul className="record-stats">
        <li>
          <strong data-testid="record-hours">{hours(r.totals.minutes)}</strong>
          <span>学习小时</span>
        </li>
        <li>
          <strong>{r.totals.sessions}</strong>
          <span>上课次数</span>
        </li>
        <li>
          <strong>{r.totals.completed}</strong>
          <span>结业课程</span>
        </li>
        {r.volunteer ? (
          <li>
            <strong data-testid="volunteer-hours">{hours(r.volunteer.minutes)}</strong>
            <span>志愿服务时长（小时）</span>
          </li>
        ) : null}
      </ul>
      {r.volunteer ? (
        <p className="hint" data-testid="volunteer-breakdown">
          志愿服务时长：
          {r.volunteer.kind
            ? `授课 ${r.volunteer.sessions} 次（${r.volunteer.runs} 个班）${hours(r.volunteer.teachingMinutes)} 小时`
            : ""}
          {r.volunteer.kind && r.volunteer.services ? "；" : ""}
          {r.volunteer.services
            ? `社区志愿服务 ${r.volunteer.services} 次 ${hours(r.volunteer.communityMinutes)} 小时`
            : ""}
          。<Link to="/me/certificates/volunteer">志愿服务证明 →</Link>
          {r.volunteer.kind ? <Link to="/teach/checkin"> 签到与点名 →</Link> : null}
        </p>
      ) : null}
      {r.family.length ? (
        <p className="hint">
          家人的学习：
          {r.family
            .map(
              (f) =>
                `${f.name} ${hours(f.minutes)} 小时${f.completed ? `、结业 ${f.completed} 门` : ""}`,
            )
            .join("；")}
        </p>
      ) : null}

      <h3>接下来的课</h3>
      {r.upcoming.length === 0 ? (
        <p className="muted">
          没有即将上的课。去 <Link to="/classes">找课程</Link> 看看吧。
        </p>
      ) : (
        <ul className="record-list" data-testid="record-upcoming">
          {r.upcoming.slice(0, 6).map((u) => (
            <li key={`${u.sessionId}-${u.learner ?? ""}`}>
              <Link to={`/classes/${u.runId}`}>{u.title}</Link>
              {u.learner ? <span className="muted">（{u.learner}）</span> : null}
              {u.status === "cancelled" || u.runCancelled ? (
                <span className="badge">已取消</span>
              ) : u.onLeave ? (
                <span className="badge warn" data-testid="record-on-leave">
                  已请假
                </span>
              ) : null}
              <br />
              <span className="muted">
                {sessionWhen(u.startsAt, u.endsAt)} · {u.academyName} {u.roomName}
              </span>
              {u.status !== "cancelled" && !u.runCancelled && !u.started ? (
                <>
                  {" "}
                  <Link className="record-leave-link" to={`/me/leave/${u.enrollmentId}`}>
                    {u.onLeave ? "查看或撤销请假" : "请假"}
                  </Link>
                </>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      {r.upcoming.length > 6 ? (
        <p className="hint">
          还有更多课次，<Link to="/me/classes">在“我的课程”里查看</Link>，或订阅下面的日历。
        </p>
      ) : null}
      {r.waiting.length ? (
        <p>
          候补 / 待抽签 {r.waiting.length} 个班：
          {r.waiting.map((w) => w.title + (w.learner ? `（${w.learner}）` : "")).join("、")}。
          <Link to="/me/classes"> 查看候补位次 →</Link>
        </p>
      ) : null}
      <p className="actions">
        <Link className="button secondary" to="/me/classes">
          我的课程（报名与取消）
        </Link>
        <Link className="button secondary" to="/me/activities" data-testid="me-activities-link">
          我报名的活动
        </Link>
        <Link
          className="button secondary"
          to="/me/organisations"
          data-testid="me-organisations-link"
        >
          我的居民组织
        </Link>
        <Link className="button secondary" to="/me/family">
          我的家庭
        </Link>
      </p>

      <h3>上过的课</h3>
      {r.past.length === 0 ? <p className="muted">还没有上过课。</p> : null}
      <ul className="card-grid" data-testid="record-past">
        {r.past.map((c) => (
          <li key={c.enrollmentId} className="card record-past" data-testid="record-past-item">
            <h4>
              <Link to={`/classes/${c.runId}`}>{c.title}</Link>
              {c.learner ? <span className="muted small-text">（{c.learner}）</span> : null}
            </h4>
            <p className="muted small-text">
              {c.academyName}
              {c.firstAt
                ? ` · ${formatDate(c.firstAt)}${
                    c.lastAt && c.lastAt !== c.firstAt ? ` 至 ${formatDate(c.lastAt)}` : ""
                  }`
                : ""}
            </p>
            <p>
              {c.progress.recorded
                ? `已上 ${c.progress.recorded} 次课：出席 ${c.progress.attendedRecorded} 次、请假 ${
                    c.progress.excusedRecorded
                  } 次、缺席 ${c.progress.absentRecorded} 次（出勤率 ${Math.round(
                    c.progress.rate * 100,
                  )}%）`
                : `出席 ${c.progress.attended} 次`}{" "}
              · 学习 {hours(c.progress.attendedMinutes)} 小时
              {c.progress.completed ? (
                <span className="badge ok"> 已结业</span>
              ) : c.progress.over ? null : (
                <span className="badge"> 进行中</span>
              )}
            </p>
            <p className="actions">
              {c.progress.completed ? (
                <Link className="button secondary small" to={`/me/certificates/${c.enrollmentId}`}>
                  结业证书
                </Link>
              ) : null}
              {c.rated ? (
                <span className="muted">已评价</span>
              ) : (
                <Link className="button secondary small" to={`/me/evaluate/${c.enrollmentId}`}>
                  评价
                </Link>
              )}
            </p>
          </li>
        ))}
      </ul>
      {!showAllPast && r.pastTotal > r.past.length ? (
        <p>
          <Link to="/me?past=all">查看全部 {r.pastTotal} 门课</Link>
        </p>
      ) : null}
      <p className="hint">
        出勤达到已点名课次的 {Math.round(r.policy.completionRate * 100)}%
        并且全部课次结束后即可结业，打印结业证书。请假不算缺课，不会影响报名；但请假的课次不算出勤。
      </p>

      <h3>日历订阅</h3>
      <p>把已报名课程的上课时间同步到手机日历（iPhone、安卓、电脑日历都可以订阅）。</p>
      {feedUrl ? (
        <div className="notice" role="status">
          <p>
            请复制下面的订阅地址，在手机日历里选择“添加订阅日历”粘贴。这个地址只显示这一次，请勿转发给他人。
          </p>
          <p className="break-all" data-testid="calendar-url">
            <a href={feedUrl.replace(/^https?:/, "webcal:")}>{feedUrl}</a>
          </p>
        </div>
      ) : r.feed ? (
        <p className="muted">
          已于 {formatDateTime(r.feed.createdAt)} 生成订阅地址
          {r.feed.lastFetchedAt
            ? `，日历最近一次同步在 ${formatDateTime(r.feed.lastFetchedAt)}`
            : "，还没有日历来同步过"}
          。忘记地址可以重新生成（旧地址随即失效）。
        </p>
      ) : null}
      <Form method="post" className="actions record-cal-actions">
        <button
          type="submit"
          name="intent"
          value="calendar-reset"
          className="secondary"
          disabled={busy}
        >
          {r.feed || feedUrl ? "重新生成订阅地址" : "获取订阅地址"}
        </button>
        {r.feed || feedUrl ? (
          <button
            type="submit"
            name="intent"
            value="calendar-off"
            className="secondary"
            disabled={busy}
          >
            关闭订阅
          </button>
        ) : null}
      </Form>
    </>
  );
}
