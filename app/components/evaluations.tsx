/** 评价 overviews for managers (/manage/:academy/evaluations) and HQ (/hq/evaluations). */
import { Form, Link, useLocation, useNavigation } from "@remix-run/react";
import { Pager } from "~/components/layout";
import { formatDateTime } from "~/utils/dates";

export function Stars({ rating }: { rating: number }) {
  const full = Math.round(rating);
  return (
    <span className="stars" aria-label={`${rating} 星`} role="img">
      {"★".repeat(full)}
      <span className="stars-off">{"★".repeat(Math.max(0, 5 - full))}</span>
    </span>
  );
}

type Totals = { count: number; average: number | null; comments: number; distribution: number[] };
type Avg = {
  key: number;
  label: string;
  sub: string;
  count: number;
  average: number;
  link: string | null;
};
type Comment = {
  id: number;
  rating: number;
  comment: string;
  createdAt: number;
  hiddenAt: number | null;
  hiddenReason: string;
  hiddenByName: string | null;
  runId: number;
  title: string;
  academyName: string;
  learner: string;
};

export type EvaluationsData = {
  by: string;
  totals: Totals;
  averages: { rows: Avg[]; page: number; pages: number; total: number };
  comments: { rows: Comment[]; page: number; pages: number; total: number };
  canHide: boolean;
};

const GROUP_LABELS: Record<string, string> = {
  run: "按班级",
  course: "按课程",
  teacher: "按教师",
  academy: "按书院",
};

export function EvaluationsView({
  data,
  groups,
  done,
}: {
  data: EvaluationsData;
  groups: string[];
  done: string | null;
}) {
  const location = useLocation();
  const busy = useNavigation().state === "submitting";
  const params = new URLSearchParams(location.search);
  const hrefBy = (by: string) => {
    const p = new URLSearchParams(params);
    p.set("by", by);
    p.delete("page");
    return `?${p.toString()}`;
  };
  const { totals } = data;
  const max = Math.max(1, ...totals.distribution);
  return (
    <>
      {done === "hide" ? (
        <p className="notice" role="status">
          评价已隐藏，并已记入审计日志。评分仍计入平均分。
        </p>
      ) : null}
      {done === "unhide" ? (
        <p className="notice" role="status">
          评价已恢复显示，并已记入审计日志。
        </p>
      ) : null}
      <section className="card eval-summary" aria-label="总体评价">
        <p className="eval-average">
          <strong data-testid="eval-average">
            {totals.average == null ? "—" : totals.average.toFixed(1)}
          </strong>{" "}
          分
          <span className="muted">
            （{totals.count} 条评价，{totals.comments} 条留言）
          </span>
        </p>
        <ul className="eval-bars">
          {[5, 4, 3, 2, 1].map((k) => (
            <li key={k}>
              <span className="eval-bar-label">{k} 星</span>
              <span className="eval-bar" aria-hidden="true">
                <span style={{ width: `${(totals.distribution[k - 1]! / max) * 100}%` }} />
              </span>
              <span className="eval-bar-count">{totals.distribution[k - 1]}</span>
            </li>
          ))}
        </ul>
      </section>

      <h2>平均分</h2>
      <nav className="filter-bar" aria-label="分组">
        {groups.map((g) => (
          <Link
            key={g}
            to={hrefBy(g)}
            className={`button ${data.by === g ? "" : "secondary"}`}
            aria-current={data.by === g ? "page" : undefined}
          >
            {GROUP_LABELS[g]}
          </Link>
        ))}
      </nav>
      {data.averages.rows.length === 0 ? <p>还没有评价。</p> : null}
      {data.averages.rows.length ? (
        <div className="table-wrap">
          <table className="stack-table" data-testid="eval-averages">
            <thead>
              <tr>
                <th scope="col">{GROUP_LABELS[data.by]?.slice(1)}</th>
                <th scope="col">平均分</th>
                <th scope="col">评价数</th>
              </tr>
            </thead>
            <tbody>
              {data.averages.rows.map((r) => (
                <tr key={r.key}>
                  <td data-label={GROUP_LABELS[data.by]?.slice(1) ?? ""}>
                    {r.link ? <Link to={r.link}>{r.label}</Link> : r.label}
                    {r.sub ? <span className="muted small-text"> · {r.sub}</span> : null}
                  </td>
                  <td data-label="平均分">
                    {r.average.toFixed(1)} <Stars rating={r.average} />
                  </td>
                  <td data-label="评价数">{r.count}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <Pager page={data.averages.page} pages={data.averages.pages} search={location.search} />

      <h2>留言</h2>
      {data.comments.rows.length === 0 ? <p>还没有留言。</p> : null}
      <ul className="eval-comments">
        {data.comments.rows.map((c) => (
          <li
            key={c.id}
            className={`card${c.hiddenAt ? " eval-hidden" : ""}`}
            data-testid="eval-comment"
          >
            <p className="eval-meta">
              <Stars rating={c.rating} /> <Link to={`/classes/${c.runId}`}>{c.title}</Link>
              <span className="muted small-text">
                {" "}
                · {c.academyName} · {c.learner} · {formatDateTime(c.createdAt)}
              </span>
            </p>
            <p className="eval-text">{c.comment}</p>
            {c.hiddenAt ? (
              <p className="hint">
                <span className="badge">已隐藏</span> {c.hiddenByName ?? ""} 于{" "}
                {formatDateTime(c.hiddenAt)} 隐藏
                {c.hiddenReason ? `：${c.hiddenReason}` : ""}（课程页“往期学员评价”里不再显示）
              </p>
            ) : null}
            {data.canHide ? (
              <Form method="post" className="inline-form">
                <input type="hidden" name="evaluationId" value={c.id} />
                {c.hiddenAt ? (
                  <button
                    type="submit"
                    name="intent"
                    value="unhide"
                    className="secondary"
                    disabled={busy}
                  >
                    恢复显示
                  </button>
                ) : (
                  <>
                    <label className="visually-hidden" htmlFor={`reason-${c.id}`}>
                      隐藏原因
                    </label>
                    <input
                      id={`reason-${c.id}`}
                      name="reason"
                      maxLength={200}
                      placeholder="隐藏原因（可不填）"
                    />
                    <button
                      type="submit"
                      name="intent"
                      value="hide"
                      className="secondary"
                      disabled={busy}
                    >
                      隐藏留言
                    </button>
                  </>
                )}
              </Form>
            ) : null}
          </li>
        ))}
      </ul>
      <Pager
        param="cpage"
        label="留言分页"
        page={data.comments.page}
        pages={data.comments.pages}
        search={params}
      />
    </>
  );
}

type Reviews = {
  count: number;
  average: number | null;
  comments: {
    id: number;
    rating: number;
    comment: string;
    createdAt: number;
    academyName: string;
    learner: string;
  }[];
};

/** 往期学员评价 on a class page (comments a manager hid are left out). */
export function CourseReviews({ reviews }: { reviews: Reviews }) {
  if (reviews.count === 0) return null;
  return (
    <section aria-labelledby="reviews-h" data-testid="course-reviews">
      <h2 id="reviews-h">往期学员评价</h2>
      <p>
        <strong>{reviews.average?.toFixed(1)}</strong> 分 <Stars rating={reviews.average ?? 0} />
        <span className="muted">（{reviews.count} 位学员评价了这门课）</span>
      </p>
      {reviews.comments.length ? (
        <ul className="eval-comments">
          {reviews.comments.map((c) => (
            <li key={c.id} className="card">
              <p className="eval-meta">
                <Stars rating={c.rating} />
                <span className="muted small-text">
                  {" "}
                  {c.learner} · {c.academyName} · {formatDateTime(c.createdAt).slice(0, 10)}
                </span>
              </p>
              <p className="eval-text">{c.comment}</p>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
