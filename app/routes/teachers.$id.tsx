import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { getDb } from "@db/client";
import { getPublicTeacher } from "~/modules/catalog/teachers.server";
import { notFound } from "~/utils/http";

export const meta: MetaFunction<typeof loader> = ({ data }) =>
  data
    ? [
        { title: `${data.teacher.displayName} · 师资库 · 厦门社区书院` },
        {
          name: "description",
          content: `${data.teacher.displayName}，${data.teacher.organisation || data.teacher.kindLabel}。${data.teacher.bio.slice(0, 80)}`,
        },
      ]
    : [{ title: "教师 · 厦门社区书院" }];

export async function loader({ params }: LoaderFunctionArgs) {
  const id = /^[1-9][0-9]{0,9}$/.test(params.id ?? "") ? Number(params.id) : 0;
  const teacher = id ? getPublicTeacher(getDb(), id) : null;
  if (!teacher) notFound("没有找到这位老师，可能已不在师资库中。");
  return { teacher };
}

export default function TeacherProfile() {
  const { teacher: t } = useLoaderData<typeof loader>();
  return (
    <div className="container">
      <article className="stack" aria-labelledby="teacher-name">
        <div className="teacher-card">
          {t.photoResourceId ? (
            <img
              className="teacher-photo large"
              src={`/resources/${t.photoResourceId}`}
              alt={`${t.displayName}的照片`}
              width={140}
              height={140}
            />
          ) : (
            <span className="teacher-photo large placeholder" aria-hidden="true">
              {t.displayName.slice(0, 1)}
            </span>
          )}
          <div>
            <h1 id="teacher-name">{t.displayName}</h1>
            <p className="lead">
              {t.organisation ? `${t.organisation} · ` : ""}
              {t.kindLabel}
            </p>
          </div>
        </div>
        {t.bio ? (
          <section aria-labelledby="bio-h">
            <h2 id="bio-h">简介</h2>
            <p className="teacher-bio">{t.bio}</p>
          </section>
        ) : null}
        {t.categories.length ? (
          <section aria-labelledby="cat-h">
            <h2 id="cat-h">擅长的课程分类</h2>
            <ul className="chips">
              {t.categories.map((c) => (
                <li key={c.id} className="tag">
                  {c.name}
                </li>
              ))}
            </ul>
          </section>
        ) : null}
        <section aria-labelledby="courses-h">
          <h2 id="courses-h">能讲的课程</h2>
          {t.courses.length ? (
            <ul className="resource-list">
              {t.courses.map((c) => (
                <li key={c.id}>
                  <Link to={`/courses/${c.code}`}>{c.title}</Link>{" "}
                  <span className="muted small-text">{c.code}</span>
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">暂未登记具体课程。</p>
          )}
        </section>
        <section aria-labelledby="dist-h">
          <h2 id="dist-h">可前往授课的区</h2>
          <p>{t.districts.length ? t.districts.map((d) => d.name).join("、") : "暂未登记"}</p>
          <p className="muted">
            想请这位老师来您的书院上课？请书院管理员在课程库中“点单”并选择这位老师。
          </p>
        </section>
      </article>
    </div>
  );
}
