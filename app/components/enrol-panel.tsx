/**
 * 报名 on a class page: seats, window, the outcome of the last post, and for the signed-in person
 * and each family member an enrol button or their status with a cancel button (one confirmation,
 * a <details> so it works without JavaScript). Posts `intent=enroll|cancel` (+ `memberId`) to the
 * class page's own action.
 */
import { Form, Link, useNavigation, useSearchParams } from "@remix-run/react";
import type { EnrollPanelData } from "~/modules/enrollment/views.server";
import { isRefusalCode, REFUSAL_MESSAGES } from "~/modules/enrollment/rules";
import { formatDateTime } from "~/utils/dates";

type Person = EnrollPanelData["people"][number];

function Outcome({ panel }: { panel: EnrollPanelData }) {
  const [params] = useSearchParams();
  const result = params.get("result");
  if (!result) return null;
  const memberId = Number(params.get("member")) || null;
  const person = panel.people.find((p) => p.memberId === memberId);
  const who = memberId ? (person ? person.label : "家人") : "您";
  if (result === "confirmed") {
    return (
      <div
        className="notice enrol-outcome"
        role="status"
        data-testid="enrol-outcome"
        data-result="confirmed"
      >
        <strong>报名成功！</strong>
        {who}已确认报名「{panel.title}」。
        <Link to="/me/classes">在“我的课程”查看</Link>
      </div>
    );
  }
  if (result === "waitlisted") {
    const position = person?.enrollment?.position ?? (Number(params.get("position")) || null);
    return (
      <div
        className="notice warn enrol-outcome"
        role="status"
        data-testid="enrol-outcome"
        data-result="waitlisted"
      >
        <strong>{params.get("restricted") ? "已加入候补。" : "名额已满，已加入候补。"}</strong>
        {params.get("restricted") && person?.restriction ? `${person.restriction} ` : null}
        {who}排在候补第 <span data-testid="waitlist-position">{position ?? "?"}</span>{" "}
        位。有人取消时会按顺序自动递补，并在“消息”里通知您。
      </div>
    );
  }
  if (result === "lottery_pending") {
    return (
      <div
        className="notice enrol-outcome"
        role="status"
        data-testid="enrol-outcome"
        data-result="lottery_pending"
      >
        <strong>已提交抽签申请。</strong>
        {panel.closeAt
          ? `报名截止（${formatDateTime(panel.closeAt)}）后抽签，`
          : "报名截止后抽签，"}
        结果会在“消息”里通知您。
      </div>
    );
  }
  if (result === "cancelled") {
    return (
      <div
        className="notice enrol-outcome"
        role="status"
        data-testid="enrol-outcome"
        data-result="cancelled"
      >
        <strong>已取消{memberId ? `${who}的` : ""}报名。</strong>
        {params.get("promoted") ? "空出的名额已自动让给候补第一位。" : null}
      </div>
    );
  }
  if (result === "refused") {
    const reason = params.get("reason");
    return (
      <div
        className="form-error enrol-outcome"
        role="alert"
        data-testid="enrol-outcome"
        data-result="refused"
      >
        没有成功：{isRefusalCode(reason) ? REFUSAL_MESSAGES[reason] : "请检查后再试一次。"}
      </div>
    );
  }
  return null;
}

function enrollLabel(panel: EnrollPanelData, p: Person) {
  const self = p.memberId == null;
  if (panel.mode === "lottery") return self ? "申请抽签" : `为${p.label}申请抽签`;
  if (panel.seatsLeft <= 0) return self ? "加入候补" : `为${p.label}加入候补`;
  return self ? "我要报名" : `为${p.label}报名`;
}

function PersonRow({ panel, p, busy }: { panel: EnrollPanelData; p: Person; busy: boolean }) {
  const e = p.enrollment;
  const testId = p.memberId == null ? "enrol-self" : `enrol-member-${p.memberId}`;
  return (
    <li className="enrol-person" data-testid={testId}>
      <div className="enrol-person-head">
        <span className="enrol-person-name">{p.label}</span>
        {e ? (
          <span
            className={`badge ${e.status === "confirmed" ? "ok" : "warn"}`}
            data-testid="enrol-status"
          >
            {e.status === "waitlisted" ? `候补第 ${e.position} 位` : e.label}
          </span>
        ) : null}
      </div>
      {e ? (
        e.canCancel ? (
          <details className="enrol-cancel">
            <summary className="button secondary">
              {e.status === "confirmed"
                ? "取消报名"
                : e.status === "waitlisted"
                  ? "退出候补"
                  : "撤回抽签申请"}
            </summary>
            <Form method="post" className="confirm-box">
              <p>
                确定要
                {e.status === "confirmed" ? "取消" : e.status === "waitlisted" ? "退出" : "撤回"}
                {p.memberId == null ? "您" : p.label}的{e.status === "waitlisted" ? "候补" : "报名"}
                吗？
                {e.status === "confirmed"
                  ? "名额会立即让给候补的下一位，之后再报只能重新排队。"
                  : null}
              </p>
              <input type="hidden" name="intent" value="cancel" />
              {p.memberId != null ? (
                <input type="hidden" name="memberId" value={p.memberId} />
              ) : null}
              <button type="submit" className="danger" disabled={busy}>
                确认取消
              </button>
            </Form>
          </details>
        ) : e.cancelNote ? (
          <p className="hint">{e.cancelNote}</p>
        ) : null
      ) : null}
      {e?.leaveHref ? (
        <p className="actions">
          <Link className="button secondary" to={e.leaveHref} data-testid="leave-link">
            请假（某一次课不能来）
          </Link>
        </p>
      ) : null}
      {e ? null : panel.refusal ? null : p.ageProblem ? (
        <p className="hint">{p.ageProblem}</p>
      ) : (
        <Form method="post" className="enrol-form">
          {p.restriction ? <p className="hint">{p.restriction}</p> : null}
          <input type="hidden" name="intent" value="enroll" />
          {p.memberId != null ? <input type="hidden" name="memberId" value={p.memberId} /> : null}
          {panel.lateWarning ? (
            // Said before the tap; the browser (and the server) refuse the post until it is ticked.
            <div className="late-warning" data-testid="late-warning">
              <p className="notice warn">{panel.lateWarning}</p>
              <label className="checkbox">
                <input type="checkbox" name="confirmLate" value="1" required />
                我知道报名后不能自己取消
              </label>
            </div>
          ) : null}
          <button type="submit" disabled={busy}>
            {enrollLabel(panel, p)}
          </button>
        </Form>
      )}
    </li>
  );
}

export function EnrollPanel({ panel }: { panel: EnrollPanelData }) {
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const here = `/classes/${panel.runId}`;
  return (
    <section className="enrol-panel card" id="enrol" aria-labelledby="enrol-title">
      <h2 id="enrol-title">报名</h2>
      <Outcome panel={panel} />
      <dl className="facts enrol-facts">
        <dt>名额</dt>
        <dd data-testid="enrol-seats">
          共 {panel.capacity} 个，已报 {panel.counts.confirmed} 人
          {panel.mode === "first_come"
            ? panel.seatsLeft > 0
              ? `，还剩 ${panel.seatsLeft} 个`
              : "，已满"
            : null}
          {panel.counts.waitlisted ? `；候补 ${panel.counts.waitlisted} 人` : null}
          {panel.counts.pending ? `；${panel.counts.pending} 人申请抽签` : null}
        </dd>
        {panel.cancelDeadline ? (
          <>
            <dt>取消截止</dt>
            <dd data-testid="enrol-cancel-deadline">
              {formatDateTime(panel.cancelDeadline)}
              {panel.cancelClosed ? "（已过，报名后不能自己取消）" : null}
            </dd>
          </>
        ) : null}
        {panel.residentsFirstUntil || (panel.residentsFirst && panel.mode === "lottery") ? (
          <>
            <dt>优先</dt>
            <dd>
              {panel.residentsFirstUntil
                ? `${formatDateTime(panel.residentsFirstUntil)} 前只接受本社区居民报名`
                : "抽签时本社区居民优先"}
            </dd>
          </>
        ) : null}
      </dl>
      {panel.lottery?.drawn ? (
        <p className="lottery-result" data-testid="lottery-result">
          已于 {formatDateTime(panel.lottery.drawn.drawnAt)} 抽签：{panel.lottery.drawn.applicants}{" "}
          人申请，{panel.lottery.drawn.winners} 人中签，其余按抽签顺序候补。 抽签种子{" "}
          <code className="break-all">{panel.lottery.drawn.seed}</code>
          {panel.lottery.drawn.matches ? "（按种子复核，结果一致）" : "（复核不一致，请联系书院）"}
        </p>
      ) : null}
      {panel.refusal ? (
        <p className="notice warn" data-testid="enrol-closed">
          {panel.refusal.message}
        </p>
      ) : null}
      {!panel.signedIn ? (
        <p className="actions">
          <Link className="button" to={`/login?redirectTo=${encodeURIComponent(here)}`}>
            登录后报名
          </Link>
          <Link className="button secondary" to="/register">
            注册
          </Link>
        </p>
      ) : (
        <>
          <ul className="enrol-people">
            {panel.people.map((p) => (
              <PersonRow key={p.memberId ?? "self"} panel={panel} p={p} busy={busy} />
            ))}
          </ul>
          <p className="hint">
            替家里老人或孩子报名？先在{" "}
            <Link to={`/me/family?redirectTo=${encodeURIComponent(here)}`}>我的家庭</Link> 登记。
            已报的课都在 <Link to="/me/classes">我的课程</Link>。
          </p>
        </>
      )}
      {panel.canManage && panel.rosterHref ? (
        <p>
          <Link className="button secondary" to={panel.rosterHref}>
            管理报名名单
          </Link>
        </p>
      ) : null}
    </section>
  );
}
