import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useLocation } from "@remix-run/react";
import { getDb } from "@db/client";
import { FilterSearch, FilterSelect } from "~/components/filter-select";
import { Pager } from "~/components/layout";
import { requireActor } from "~/modules/auth/request.server";
import {
  SOURCE_LEVEL_LABELS,
  SOURCE_LEVELS,
  STATUS_LABELS,
  VERSION_STATUSES,
} from "~/modules/catalog/courses";
import { getEditorsTablePage } from "~/modules/catalog/courses.server";
import { formatDateTime } from "~/utils/dates";
import { z } from "~/utils/zod";

export const meta: MetaFunction = () => [{ title: "课程库管理 · 总部" }];

const params = z.object({
  q: z.string().max(200).optional().catch(undefined),
  category: z.coerce.number().int().positive().optional().catch(undefined),
  status: z
    .enum([...VERSION_STATUSES, "live"])
    .optional()
    .catch(undefined),
  level: z.enum(SOURCE_LEVELS).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(10_000).catch(1),
});

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = requireActor(request);
  const f = params.parse(Object.fromEntries(new URL(request.url).searchParams));
  const r = getEditorsTablePage(getDb(), actor, f);
  return {
    ...r,
    filters: {
      q: f.q ?? "",
      category: f.category ? String(f.category) : "",
      status: f.status ?? "",
      level: f.level ?? "",
    },
  };
}

const STATUS_BADGE: Record<string, string> = {
  draft: "warn",
  review: "warn",
  published: "ok",
  retired: "danger",
  superseded: "",
};

export default function HqCourses() {
  const { rows, total, page, pages, categories, levels, filters } = useLoaderData<typeof loader>();
  const location = useLocation();
  return (
    <>
      <div className="page-header with-actions">
        <h1>课程库管理</h1>
        {levels.length ? (
          <Link className="button" to="/hq/courses/new">
            新建课程
          </Link>
        ) : null}
      </div>
      <Form method="get" className="editor-filters" role="search">
        <FilterSearch label="编号或课程名称" defaultValue={filters.q} />
        <FilterSelect
          id="category"
          label="分类"
          name="category"
          defaultValue={filters.category}
          empty="全部"
          options={categories.map((c) => ({
            value: c.id,
            label: `${c.name}${c.retiredAt ? "（已停用）" : ""}`,
          }))}
        />
        <FilterSelect
          id="status"
          label="状态"
          name="status"
          defaultValue={filters.status}
          empty="全部"
          options={[
            { value: "live", label: "线上有发布版本" },
            ...VERSION_STATUSES.filter((s) => s !== "superseded").map((s) => ({
              value: s,
              label: `最新版本${STATUS_LABELS[s]}`,
            })),
          ]}
        />
        <FilterSelect
          id="level"
          label="来源"
          name="level"
          defaultValue={filters.level}
          empty="全部"
          options={SOURCE_LEVELS.map((l) => ({ value: l, label: SOURCE_LEVEL_LABELS[l] }))}
        />
        <button type="submit">查找</button>
      </Form>
      <p className="muted" role="status">
        共 {total} 门课程
        {filters.q || filters.category || filters.status || filters.level ? (
          <>
            {" "}
            · <Link to="/hq/courses">清除条件</Link>
          </>
        ) : null}
      </p>
      <div className="table-wrap">
        <table className="editor-table stack-table">
          <thead>
            <tr>
              <th>编号</th>
              <th>课程名称</th>
              <th>分类</th>
              <th>最新版本</th>
              <th>线上版本</th>
              <th>最后编辑</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id}>
                <td data-label="编号">{r.code}</td>
                <td data-label="课程名称">
                  <Link to={`/hq/courses/${r.id}`}>{r.title}</Link>
                  {r.sourceLevel !== "city" ? (
                    <div className="muted small-text">
                      {r.levelLabel}
                      {r.ownerName ? ` · ${r.ownerName}` : ""}
                    </div>
                  ) : null}
                </td>
                <td data-label="分类">{r.categoryName}</td>
                <td data-label="最新版本">
                  第 {r.versionNo} 版{" "}
                  <span className={`badge ${STATUS_BADGE[r.status] ?? ""}`}>{r.statusLabel}</span>
                </td>
                <td data-label="线上版本">
                  {r.liveVersionNo ? `第 ${r.liveVersionNo} 版` : r.retiredAt ? "已停用" : "—"}
                </td>
                <td data-label="最后编辑">
                  {r.editorName ?? "内容导入"}
                  <div className="muted small-text">{formatDateTime(r.updatedAt)}</div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {rows.length === 0 ? <p>没有符合条件的课程。</p> : null}
      <Pager page={page} pages={pages} search={location.search} />
    </>
  );
}
