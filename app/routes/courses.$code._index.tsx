import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { getDb } from "@db/client";
import { CourseView } from "~/components/catalog";
import { WantToLearn } from "~/components/want-to-learn";
import { getActor } from "~/modules/auth/request.server";
import { COURSE_CODE_RE } from "~/modules/catalog/courses";
import { getPublicCoursePage } from "~/modules/catalog/courses.server";
import { formatBytes, RESOURCE_KIND_LABELS } from "~/modules/catalog/resources";
import { formatDate } from "~/utils/dates";
import { notFound } from "~/utils/http";
import type { CacheHandle } from "~/utils/html-cache.server";

export const meta: MetaFunction<typeof loader> = ({ data }) =>
  data
    ? [
        { title: `${data.version.title} · 中央厨房课程库` },
        { name: "description", content: data.version.summary },
      ]
    : [{ title: "课程不存在 · 厦门社区书院" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const code = (params.code ?? "").toUpperCase();
  if (!COURSE_CODE_RE.test(code)) notFound("没有找到这门课程。");
  const data = getPublicCoursePage(getDb(), getActor(request), code);
  if (!data) notFound("没有找到这门课程，它可能尚未发布。");
  return data;
}

export default function CoursePage() {
  const data = useLoaderData<typeof loader>();
  const older = data.history.filter((h) => h.versionNo !== data.version.versionNo);
  return (
    <div className="container">
      <p className="breadcrumbs">
        <Link to="/courses">← 课程库</Link>
      </p>
      <CourseView data={data}>
        {data.course.retired ? (
          <p className="form-error" role="status">
            这门课程已停用，书院不再新开此课。已经开设的课程不受影响。
          </p>
        ) : null}
        {data.course.retired ? null : <WantToLearn code={data.course.code} />}
      </CourseView>

      {data.resources.length ? (
        <section aria-labelledby="resources-h">
          <h2 id="resources-h">教学资源</h2>
          <ul className="resource-list" data-testid="course-resources">
            {data.resources.map((r) => (
              <li key={r.id}>
                <a href={r.href}>{r.title}</a>{" "}
                <span className="muted small-text">
                  {RESOURCE_KIND_LABELS[r.kind]}
                  {r.kind === "video_link"
                    ? r.host
                      ? ` · ${r.host}`
                      : ""
                    : ` · ${formatBytes(r.size)}`}
                  {r.visibility === "teachers" ? " · 仅教师" : ""}
                </span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {data.teachers.length ? (
        <section aria-labelledby="teachers-h">
          <h2 id="teachers-h">授课教师</h2>
          <ul className="card-grid" data-testid="course-teachers">
            {data.teachers.map((t) => (
              <li key={t.id} className="card">
                <Link className="card-link teacher-card" to={`/teachers/${t.id}`}>
                  {t.photoResourceId ? (
                    <img
                      className="teacher-photo"
                      src={`/resources/${t.photoResourceId}`}
                      alt=""
                      width={96}
                      height={96}
                      loading="lazy"
                    />
                  ) : (
                    <span className="teacher-photo placeholder" aria-hidden="true">
                      {t.displayName.slice(0, 1)}
                    </span>
                  )}
                  <span>
                    <strong>{t.displayName}</strong>
                    <br />
                    <span className="muted">
                      {t.organisation || "社区书院师资库"} ·{" "}
                      {t.kind === "volunteer" ? "志愿讲师" : "特聘讲师"}
                    </span>
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {older.length ? (
        <section aria-labelledby="history-h">
          <h2 id="history-h">历史版本</h2>
          <ul className="stack">
            {older.map((h) => (
              <li key={h.versionNo}>
                <Link to={`/courses/${data.course.code}/versions/${h.versionNo}`}>
                  第 {h.versionNo} 版
                </Link>
                {h.publishedAt ? (
                  <span className="muted">（{formatDate(h.publishedAt)}发布）</span>
                ) : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}

/** What the loader reads, for the HTML cache of signed-out pages (db/change-topics.ts). */
export const handle = { cacheTopics: ["catalog"] } satisfies CacheHandle;
