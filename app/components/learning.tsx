/**
 * Learning screens shared by the teacher's (/teach/…) and the manager's (/manage/:academy/…)
 * routes: the QR check-in screen, ticking a session's roster, a run's attendance grid and the
 * list of nearby sessions.
 */
import type { GridLearner, GridSession } from "~/modules/learning/attendance.server";
import type { MarkRow } from "~/modules/learning/attendance.server";
import { Form, Link, useNavigation, useRevalidator } from "@remix-run/react";
import { useEffect, useState } from "react";
import { formatDate, formatDateTime, formatDateTimeRange, formatTime } from "~/utils/dates";

/** 11月28日 周六 — month, day and weekday in Asia/Shanghai. */
export function dayLabel(ms: number) {
  return formatDate(ms);
}

export function sessionWhen(startsAt: number, endsAt: number) {
  return formatDateTimeRange(startsAt, endsAt);
}

export function shortTime(ms: number) {
  return formatTime(ms);
}

type Screen = {
  session: {
    sessionId: number;
    runId: number;
    title: string;
    academyName: string;
    roomName: string;
    startsAt: number;
    endsAt: number;
    status: string;
  };
  problem: string | null;
  opensAt: number;
  code: { token: string; url: string; svg: string; rotatesAt: number } | null;
  present: number;
  /** null when nobody registers (an open activity): only the count is shown. */
  expected: number | null;
  recent: { name: string; markedAt: number; method: string }[];
  now: number;
};

/** Revalidates when the code rotates (JavaScript); without JavaScript a meta refresh does it. */
function useRotation(rotatesAt: number | null, now: number) {
  const { revalidate, state } = useRevalidator();
  const [left, setLeft] = useState<number | null>(null);
  useEffect(() => {
    const delay = rotatesAt ? Math.max(1000, rotatesAt - now + 300) : 30_000;
    const started = Date.now();
    setLeft(Math.ceil(delay / 1000));
    const tick = setInterval(
      () => setLeft(Math.max(0, Math.ceil((delay - (Date.now() - started)) / 1000))),
      1000,
    );
    const timer = setTimeout(() => revalidate(), delay);
    return () => {
      clearTimeout(timer);
      clearInterval(tick);
    };
  }, [rotatesAt, now, revalidate]);
  return { left, loading: state === "loading" };
}

export function CheckinScreen({
  data,
  attendanceHref,
  backHref,
  backLabel,
}: {
  data: Screen;
  attendanceHref: string;
  backHref: string;
  backLabel: string;
}) {
  const { session, code } = data;
  const { left } = useRotation(code?.rotatesAt ?? null, data.now);
  const refreshSeconds = code ? Math.max(5, Math.ceil((code.rotatesAt - data.now) / 1000) + 1) : 30;
  return (
    <div className="checkin-screen">
      <noscript>
        <meta httpEquiv="refresh" content={String(refreshSeconds)} />
      </noscript>
      <p className="breadcrumb">
        <Link to={backHref}>{backLabel}</Link>
      </p>
      <h1>扫码签到</h1>
      <p className="checkin-title">
        <strong>{session.title}</strong>
        <br />
        {sessionWhen(session.startsAt, session.endsAt)} · {session.academyName} {session.roomName}
      </p>
      {data.problem ? (
        <p className="notice warn" role="status">
          {data.problem}
          {session.status !== "cancelled" && data.now < data.opensAt
            ? ` 签到将于 ${formatDateTime(data.opensAt)} 开放。`
            : null}
        </p>
      ) : null}
      {code ? (
        <figure className="checkin-qr">
          <div
            className="checkin-qr-image"
            role="img"
            aria-label="签到二维码：请学员用手机相机扫描"
            dangerouslySetInnerHTML={{ __html: code.svg }}
          />
          <figcaption>
            <p>请用手机相机或微信“扫一扫”扫描二维码签到。</p>
            <p className="hint" aria-live="polite">
              二维码每 30 秒自动更新{left != null ? `，${left} 秒后更新` : ""}；截图转发无效。
            </p>
            <p className="hint">不能扫码的学员可以在手机浏览器里打开：</p>
            <p className="checkin-url">
              <a href={code.url} data-testid="checkin-url" rel="nofollow">
                {code.url}
              </a>
            </p>
          </figcaption>
        </figure>
      ) : null}
      <p className="checkin-count" data-testid="checkin-count" aria-live="polite">
        已签到 <strong>{data.present}</strong>
        {data.expected != null ? ` / ${data.expected}` : ""} 人
      </p>
      {data.recent.length ? (
        <ul className="chips checkin-recent" aria-label="最近签到">
          {data.recent.map((r, i) => (
            <li key={i} className="tag">
              {r.name} {shortTime(r.markedAt)}
            </li>
          ))}
        </ul>
      ) : null}
      <p className="actions">
        <Link className="button secondary" to={attendanceHref}>
          点名（勾选名单）
        </Link>
      </p>
    </div>
  );
}

const METHOD_LABELS: Record<string, string> = {
  qr: "扫码",
  roster: "教师点名",
  manager: "管理员点名",
};

const STATE_OPTIONS = [
  { value: "present", label: "出席", cls: "state-present" },
  { value: "excused", label: "请假", cls: "state-excused" },
  { value: "absent", label: "缺席", cls: "state-absent" },
] as const;

/** The roll call of a session: three states per learner (出席 / 请假 / 缺席) as one radio group
 * each, a resident's online leave shown with its reason; works without JavaScript. */
export function AttendanceMarker({
  title,
  when,
  rows,
  problem,
  saved,
  error,
  checkinHref,
}: {
  title: string;
  when: string;
  rows: MarkRow[];
  problem: string | null;
  saved: string | null;
  error: string | null;
  checkinHref: string | null;
}) {
  const busy = useNavigation().state === "submitting";
  const present = rows.filter((r) => r.state === "present").length;
  const excused = rows.filter((r) => r.state === "excused").length;
  return (
    <>
      <h1>点名</h1>
      <p>
        <strong>{title}</strong>
        <br />
        {when}
      </p>
      {saved ? (
        <p className="notice" role="status">
          {saved}
        </p>
      ) : null}
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      {problem ? <p className="notice warn">{problem}</p> : null}
      {rows.length === 0 ? <p>这个班还没有已报名的学员。</p> : null}
      {rows.length > 0 ? (
        <Form method="post" className="attendance-form">
          <fieldset disabled={!!problem} className="attendance-fieldset">
            <legend>
              每位学员选择出席、请假或缺席（出席 {present}、请假 {excused} / 共 {rows.length} 人）
            </legend>
            <ul className="attendance-list">
              {rows.map((r) => (
                <li key={r.enrollmentId}>
                  <fieldset
                    className={`attendance-row attendance-states is-${r.state ?? "none"}`}
                    data-testid="attendance-row"
                    data-state={r.state ?? ""}
                  >
                    <legend className="attendance-name">
                      {r.name}
                      {r.relation ? (
                        <span className="muted">
                          （{r.relation}，{r.ownerName} 代报）
                        </span>
                      ) : null}
                      {r.walkin ? <span className="muted">（现场报名）</span> : null}
                      {r.status !== "confirmed" ? (
                        <span className="muted">（已取消报名）</span>
                      ) : null}
                    </legend>
                    {r.state === "present" && r.method ? (
                      <p className="attendance-note">
                        <span className="badge ok">
                          {METHOD_LABELS[r.method] ?? ""} {r.markedAt ? shortTime(r.markedAt) : ""}
                        </span>
                      </p>
                    ) : r.state === "excused" ? (
                      <p className="attendance-note" data-testid="leave-note">
                        <span className="badge warn">
                          {r.method === "leave" ? "本人在线请假" : "书院登记请假"}
                          {r.markedAt ? ` ${formatDateTime(r.markedAt)}` : ""}
                        </span>
                        {r.note ? <span className="leave-reason">原因：{r.note}</span> : null}
                      </p>
                    ) : null}
                    <div className="state-options">
                      {STATE_OPTIONS.map((o) => (
                        <label key={o.value} className={`state-option ${o.cls}`}>
                          <input
                            type="radio"
                            name={`state-${r.enrollmentId}`}
                            value={o.value}
                            defaultChecked={r.state === o.value}
                          />
                          <span>{o.label}</span>
                        </label>
                      ))}
                    </div>
                  </fieldset>
                </li>
              ))}
            </ul>
            <button type="submit" className="attendance-save" disabled={busy}>
              {busy ? "正在保存…" : "保存点名"}
            </button>
          </fieldset>
          <p className="hint">
            扫码签到的学员已选为出席，课前在线请假的学员已选为请假（也可以在这里为电话请假的学员选“请假”）。没有选择的学员保存后记为缺席。请假不算缺课，不影响报名。
          </p>
        </Form>
      ) : null}
      {checkinHref ? (
        <p className="actions">
          <Link className="button secondary" to={checkinHref}>
            显示签到二维码
          </Link>
        </p>
      ) : null}
    </>
  );
}

type GridData = {
  run: { runId: number; title: string; academyName: string; runStatus: string };
  role: string;
  sessions: GridSession[];
  confirmed: GridLearner[];
  waitlisted: GridLearner[];
  pending: GridLearner[];
  ended: GridLearner[];
  summary: {
    held: number;
    recorded: number;
    planned: number;
    noShows: number;
    excused: number;
    noShowRate: number | null;
    attendanceRate: number | null;
  };
};

const pct = (r: number | null) => (r == null ? "—" : `${Math.round(r * 100)}%`);
const CELL: Record<string, { text: string; label: string; cls: string }> = {
  present: { text: "✓", label: "出席", cls: "att-present" },
  excused: { text: "假", label: "请假", cls: "att-excused" },
  absent: { text: "×", label: "缺席", cls: "att-absent" },
  noshow: { text: "缺", label: "缺课未请假", cls: "att-noshow" },
};

/** A grid column's heading: the day in the site's one date style, without the weekday for width. */
function shortDay(ms: number) {
  return formatDate(ms).replace(/ 周.$/, "");
}

/** A run's roster and attendance per session, with links to tick each session and the exports. */
export function AttendanceGrid({
  data,
  sessionHref,
  exportHref,
  rosterHref,
}: {
  data: GridData;
  sessionHref: (id: number, kind: "attendance" | "checkin") => string;
  exportHref: (fmt: "csv" | "xlsx") => string;
  rosterHref?: string;
}) {
  const { run, sessions, summary } = data;
  const canMark = data.role === "teacher" || data.role === "manager";
  const person = (l: GridLearner) => (
    <>
      {l.name}
      {l.familyMemberId ? (
        <span className="muted small-text">
          （{l.relation}，{l.ownerName} 代报）
        </span>
      ) : null}
      {l.walkin ? <span className="muted small-text">（现场）</span> : null}
    </>
  );
  return (
    <>
      <h1>{run.title}</h1>
      <p className="lead">{run.academyName} · 花名册与出勤</p>
      <dl className="facts">
        <dt>已报名</dt>
        <dd data-testid="grid-confirmed">{data.confirmed.length} 人</dd>
        <dt>候补</dt>
        <dd>
          {data.waitlisted.length} 人
          {data.pending.length ? `，待抽签 ${data.pending.length} 人` : ""}
        </dd>
        <dt>已取消 / 移出</dt>
        <dd>{data.ended.length} 人</dd>
        <dt>已上课次</dt>
        <dd>
          {summary.held} / {summary.planned}（已点名 {summary.recorded} 次）
        </dd>
        <dt>出勤率</dt>
        <dd>{pct(summary.attendanceRate)}</dd>
        <dt>请假</dt>
        <dd data-testid="grid-excused">{summary.excused} 人次</dd>
        <dt>缺课未请假</dt>
        <dd>
          {summary.noShows} 人次（{pct(summary.noShowRate)}）
        </dd>
      </dl>
      <p className="actions">
        <a className="button secondary" href={exportHref("csv")} download>
          导出 CSV
        </a>
        <a className="button secondary" href={exportHref("xlsx")} download>
          导出 Excel
        </a>
        {rosterHref ? (
          <Link className="button secondary" to={rosterHref}>
            报名名单（增减学员）
          </Link>
        ) : null}
      </p>

      <h2>课次</h2>
      <ul className="card-grid grid-sessions">
        {sessions.map((s) => (
          <li key={s.id} className="card">
            <p className="session-when">
              <strong>{sessionWhen(s.startsAt, s.endsAt)}</strong>{" "}
              {s.status === "cancelled" ? (
                <span className="badge">已取消</span>
              ) : s.held ? (
                <span className="badge ok">已上课</span>
              ) : s.inProgress ? (
                <span className="badge warn">正在上课</span>
              ) : null}
            </p>
            {s.status !== "cancelled" ? (
              <p className="muted">
                {s.recorded || s.present
                  ? `出席 ${s.present} 人${s.excused ? `，请假 ${s.excused} 人` : ""}`
                  : s.excused
                    ? `请假 ${s.excused} 人`
                    : s.held
                      ? "还没有点名"
                      : s.inProgress
                        ? "还没有人签到"
                        : "未开始"}
              </p>
            ) : null}
            {canMark && s.status !== "cancelled" ? (
              <p className="actions">
                <Link className="button secondary small" to={sessionHref(s.id, "attendance")}>
                  点名
                </Link>
                {!s.held ? (
                  <Link className="button secondary small" to={sessionHref(s.id, "checkin")}>
                    签到二维码
                  </Link>
                ) : null}
              </p>
            ) : null}
          </li>
        ))}
      </ul>

      <h2>出勤表</h2>
      {data.confirmed.length === 0 && data.ended.length === 0 ? <p>还没有学员报名。</p> : null}
      {data.confirmed.length + data.ended.length > 0 ? (
        <div className="table-wrap">
          <table className="attendance-grid">
            <caption className="visually-hidden">
              每位学员每次课的出勤：✓ 出席，假 = 请假，× 缺席，缺 = 缺课未请假
            </caption>
            <thead>
              <tr>
                <th scope="col">学员</th>
                {sessions.map((s) => (
                  <th
                    key={s.id}
                    scope="col"
                    className={s.status === "cancelled" ? "muted" : undefined}
                  >
                    {shortDay(s.startsAt)}
                    {s.status === "cancelled" ? "（取消）" : ""}
                  </th>
                ))}
                <th scope="col">出席</th>
                <th scope="col">请假</th>
                <th scope="col">出勤率</th>
              </tr>
            </thead>
            <tbody>
              {[...data.confirmed, ...data.ended].map((l) => (
                <tr key={l.enrollmentId} data-testid="grid-row">
                  <th scope="row">
                    {person(l)}
                    {l.status !== "confirmed" ? (
                      <span className="muted small-text">（已取消）</span>
                    ) : null}
                  </th>
                  {sessions.map((s) => {
                    const m = l.marks[s.id];
                    const c = m ? CELL[m]! : null;
                    return (
                      <td key={s.id} className={c?.cls} data-label={shortDay(s.startsAt)}>
                        {c ? (
                          <span aria-label={c.label}>{c.text}</span>
                        ) : (
                          <span aria-label="无记录">·</span>
                        )}
                      </td>
                    );
                  })}
                  <td className="grid-total" data-label="出席">
                    {l.attended}
                  </td>
                  <td className="grid-total" data-label="请假">
                    {l.excused}
                  </td>
                  <td className="grid-total" data-label="出勤率">
                    {pct(l.rate)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <p className="hint">
        ✓ 出席 · 假 = 请假（不算缺课）· × 缺席 · 缺 = 报名后未到、未请假也未取消 · 出勤率 = 出席
        ÷（出席 + 请假 + 缺席）· 没有点名的课次不计入出勤率。
      </p>

      {data.waitlisted.length ? (
        <>
          <h2>候补名单</h2>
          <ol className="roster-list">
            {data.waitlisted.map((l) => (
              <li key={l.enrollmentId} className="roster-row">
                <div>
                  第 {l.position} 位 · {person(l)}
                </div>
              </li>
            ))}
          </ol>
        </>
      ) : null}
      {data.pending.length ? (
        <>
          <h2>待抽签</h2>
          <ul className="roster-list">
            {data.pending.map((l) => (
              <li key={l.enrollmentId} className="roster-row">
                <div>{person(l)}</div>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </>
  );
}

type Nearby = {
  sessionId: number;
  runId: number;
  title: string;
  academyName: string;
  roomName: string;
  startsAt: number;
  endsAt: number;
  status: string;
  open: boolean;
  present: number;
  confirmed: number;
};

/** Sessions around today: open check-ins first, then upcoming, then recent ones to tick. */
export function NearbySessions({
  list,
  now,
  href,
  runHref,
}: {
  list: Nearby[];
  now: number;
  href: (id: number, kind: "checkin" | "attendance") => string;
  runHref: (runId: number) => string;
}) {
  const open = list.filter((s) => s.open);
  const upcoming = list.filter((s) => !s.open && s.startsAt > now && s.status !== "cancelled");
  const recent = list
    .filter((s) => !s.open && s.startsAt <= now && s.status !== "cancelled")
    .reverse();
  const item = (s: Nearby) => (
    <li
      key={s.sessionId}
      className="card"
      data-testid="nearby-session"
      data-open={s.open ? "1" : "0"}
    >
      <h3>
        <Link to={runHref(s.runId)}>{s.title}</Link>
      </h3>
      <p>
        {sessionWhen(s.startsAt, s.endsAt)}
        <br />
        <span className="muted">
          {s.academyName} {s.roomName} ·{" "}
          {s.open || s.startsAt <= now
            ? `已签到 ${s.present} / ${s.confirmed}`
            : `已报名 ${s.confirmed} 人`}
        </span>
      </p>
      <p className="actions">
        {s.open || s.startsAt > now ? (
          <Link className="button" to={href(s.sessionId, "checkin")}>
            签到二维码
          </Link>
        ) : null}
        <Link className="button secondary" to={href(s.sessionId, "attendance")}>
          点名
        </Link>
      </p>
    </li>
  );
  return (
    <>
      <h2>正在签到</h2>
      {open.length ? (
        <ul className="card-grid">{open.map(item)}</ul>
      ) : (
        <p className="muted">现在没有可以签到的课（上课前 30 分钟开放签到）。</p>
      )}
      {upcoming.length ? (
        <>
          <h2>接下来的课</h2>
          <ul className="card-grid">{upcoming.slice(0, 6).map(item)}</ul>
        </>
      ) : null}
      {recent.length ? (
        <>
          <h2>最近上过的课（可补点名）</h2>
          <ul className="card-grid">{recent.slice(0, 6).map(item)}</ul>
        </>
      ) : null}
    </>
  );
}
