import { Link } from "@remix-run/react";
import { SearchForm } from "~/components/search-form";

export type PickerCourse = {
  courseId: number;
  code: string;
  title: string;
  categoryName: string;
  sourceLevel: string;
  sessions: number;
  minutesPerSession: number;
};

/** A GET search for a library course; each hit links to `?course=CODE` (keeping other params). */
export function CoursePicker({
  q,
  results,
  keep = {},
  label = "查找课程",
}: {
  q: string;
  results: PickerCourse[];
  keep?: Record<string, string>;
  label?: string;
}) {
  const href = (code: string) => `?${new URLSearchParams({ ...keep, course: code }).toString()}`;
  return (
    <section aria-labelledby="picker-heading" className="course-picker">
      <h2 id="picker-heading">{label}</h2>
      <SearchForm
        id="picker-q"
        label="课程名称或编号"
        placeholder="课程名称或编号，如 党史、HS-0001"
        defaultValue={q}
        button="查找"
      >
        {Object.entries(keep).map(([k, v]) => (
          <input key={k} type="hidden" name={k} value={v} />
        ))}
      </SearchForm>
      {q && results.length === 0 ? <p className="muted">没有找到已发布的课程。</p> : null}
      <ul className="plain-list stack">
        {results.map((c) => (
          <li key={c.courseId}>
            <Link to={href(c.code)} className="pick-link">
              <strong>{c.title}</strong>
              <span className="muted">
                {" "}
                {c.code} · {c.categoryName} · {c.sessions} 次 × {c.minutesPerSession} 分钟
              </span>
            </Link>
          </li>
        ))}
      </ul>
      <p className="muted">
        也可以先去<Link to="/courses">课程库</Link>浏览。
      </p>
    </section>
  );
}
