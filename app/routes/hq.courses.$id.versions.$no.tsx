import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { getDb } from "@db/client";
import { CourseView } from "~/components/catalog";
import { requireActor } from "~/modules/auth/request.server";
import { getVersionForAuthors } from "~/modules/catalog/courses.server";
import { notFound } from "~/utils/http";
import { z } from "~/utils/zod";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `预览：${data.version.title}（第 ${data.version.versionNo} 版）` : "版本不存在" },
];

const p = z.object({
  id: z.coerce.number().int().positive(),
  no: z.coerce.number().int().positive(),
});

/** Any version as residents would see it, drafts included, for the course's authors and reviewers. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = requireActor(request);
  const parsed = p.safeParse(params);
  if (!parsed.success) notFound("没有这个版本。");
  const v = getVersionForAuthors(getDb(), actor, parsed.data.id, parsed.data.no);
  if (!v) notFound("没有这个版本。");
  return v;
}

export default function VersionPreview() {
  const d = useLoaderData<typeof loader>();
  return (
    <>
      <p>
        <Link to={`/hq/courses/${d.courseId}`}>← 课程概览</Link>
      </p>
      <CourseView data={d}>
        <p className="notice" role="status">
          预览第 {d.version.versionNo} 版（{d.statusLabel}）。居民看到的页面与此相同。
        </p>
      </CourseView>
    </>
  );
}
