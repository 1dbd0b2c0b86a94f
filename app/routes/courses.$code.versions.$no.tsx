import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { getDb } from "@db/client";
import { CourseView } from "~/components/catalog";
import { COURSE_CODE_RE } from "~/modules/catalog/courses";
import { getPublicCourseVersion } from "~/modules/catalog/courses.server";
import { notFound } from "~/utils/http";
import { z } from "~/utils/zod";

export const meta: MetaFunction<typeof loader> = ({ data }) =>
  data
    ? [{ title: `${data.version.title}（第 ${data.version.versionNo} 版）· 中央厨房课程库` }]
    : [{ title: "版本不存在 · 厦门社区书院" }];

/** A published version stays readable for ever: runs pin the version the academy ordered. */
export async function loader({ params }: LoaderFunctionArgs) {
  const code = (params.code ?? "").toUpperCase();
  const no = z.coerce.number().int().min(1).max(100_000).safeParse(params.no);
  if (!COURSE_CODE_RE.test(code) || !no.success) notFound("没有找到这个版本。");
  const data = getPublicCourseVersion(getDb(), code, no.data);
  if (!data) notFound("没有找到这个版本，它可能尚未发布。");
  return data;
}

export default function CourseVersionPage() {
  const data = useLoaderData<typeof loader>();
  const current = data.history.find((h) => h.status === "published");
  return (
    <div className="container">
      <p className="breadcrumbs">
        <Link to="/courses">← 课程库</Link>
      </p>
      <CourseView data={data}>
        {data.isCurrent ? (
          <p className="notice">这是当前发布的版本。</p>
        ) : (
          <p className="notice version-note" role="status">
            您正在查看第 {data.version.versionNo} 版（历史版本）。
            {current ? (
              <>
                {" "}
                <Link to={`/courses/${data.course.code}`}>查看当前的第 {current.versionNo} 版</Link>
              </>
            ) : (
              " 这门课程目前没有发布中的版本。"
            )}
          </p>
        )}
      </CourseView>
    </div>
  );
}
