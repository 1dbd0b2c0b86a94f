import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useLocation, useSearchParams } from "@remix-run/react";
import { getDb } from "@db/client";
import { FilterActions, FilterSearch, FilterSelect } from "~/components/filter-select";
import { Pager } from "~/components/layout";
import { requireActorWith } from "~/modules/auth/request.server";
import {
  canManageResources,
  formatBytes,
  listResourcesQuery,
  RESOURCE_FILTERS,
  RESOURCE_KIND_LABELS,
  RESOURCE_VISIBILITY_LABELS,
} from "~/modules/catalog/resources";
import { getResource, listResources } from "~/modules/catalog/resources.server";
import { formatDate } from "~/utils/dates";

export const meta: MetaFunction = () => [{ title: "资源库 · 总部" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = requireActorWith(request, canManageResources);
  const url = new URL(request.url);
  const query = listResourcesQuery.parse(Object.fromEntries(url.searchParams));
  const db = getDb();
  const uploadedId = Number(url.searchParams.get("uploaded")) || 0;
  const uploaded = uploadedId ? getResource(db, uploadedId) : null;
  return { query, uploaded: uploaded ? { title: uploaded.title } : null, ...listResources(db, actor, query) };
}

export default function HqResources() {
  const { query, uploaded, rows, total, page, pages } = useLoaderData<typeof loader>();
  const location = useLocation();
  const [params] = useSearchParams();
  const done = params.get("done");
  const filtered = !!(query.q || query.kind || query.visibility || query.scope);
  return (
    <>
      <div className="page-header">
        <h1>资源库</h1>
        <p className="lead">课件、讲义、图片、音频和视频链接。可以挂在某门课程下，也可以全市共享。</p>
        <p>
          <Link className="button" to="/hq/resources/new">
            上传资源
          </Link>
        </p>
      </div>
      {uploaded ? (
        <p className="notice" role="status">
          已添加到资源库：{uploaded.title}
        </p>
      ) : null}
      {done === "deleted" ? (
        <p className="notice" role="status">
          资源已删除，并已记入审计日志。
        </p>
      ) : null}
      <Form method="get" role="search" className="resource-filters">
        <FilterSearch defaultValue={query.q} placeholder="标题、文件名或课程编号" />
        <FilterSelect
          id="kind"
          label="类型"
          name="kind"
          defaultValue={query.kind ?? ""}
          empty="全部类型"
          options={RESOURCE_FILTERS.kinds.map((k) => ({ value: k, label: RESOURCE_KIND_LABELS[k] }))}
        />
        <FilterSelect
          id="visibility"
          label="谁可以查看"
          name="visibility"
          defaultValue={query.visibility ?? ""}
          empty="全部"
          options={[
            { value: "public", label: "公开" },
            { value: "teachers", label: "仅教师" },
          ]}
        />
        <FilterSelect
          id="scope"
          label="范围"
          name="scope"
          defaultValue={query.scope ?? ""}
          empty="全部"
          options={[
            { value: "course", label: "挂在课程下" },
            { value: "shared", label: "全市共享" },
          ]}
        />
        <FilterActions filtered={filtered} clearTo="/hq/resources" />
      </Form>
      <p className="muted" role="status">
        共 {total} 个资源
      </p>
      {rows.length ? (
        <div className="table-wrap">
          <table data-testid="resource-table" className="stack-table">
            <thead>
              <tr>
                <th>标题</th>
                <th>类型</th>
                <th>课程</th>
                <th>谁可以查看</th>
                <th>上传</th>
                <th>操作</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id}>
                  <td data-label="标题">
                    <div>
                      <Link to={`/hq/resources/${r.id}`}>{r.title}</Link>
                      {r.originalName ? <div className="muted small-text break-all">{r.originalName}</div> : null}
                    </div>
                  </td>
                  <td data-label="类型">
                    <div>
                      {RESOURCE_KIND_LABELS[r.kind]}
                      {r.kind !== "video_link" ? <span className="muted small-text"> · {formatBytes(r.size)}</span> : null}
                    </div>
                  </td>
                  <td data-label="课程">{r.courseCode ?? <span className="muted">全市共享</span>}</td>
                  <td data-label="谁可以查看">
                    <span className={`badge ${r.visibility === "teachers" ? "warn" : "ok"}`}>
                      {RESOURCE_VISIBILITY_LABELS[r.visibility]}
                    </span>
                  </td>
                  <td data-label="上传">
                    <div>
                      {formatDate(r.createdAt)}
                      {r.uploaderName ? <div className="muted small-text">{r.uploaderName}</div> : null}
                    </div>
                  </td>
                  <td data-label="操作">
                    <a href={`/resources/${r.id}`} target="_blank" rel="noopener noreferrer">
                      打开<span className="visually-hidden">“{r.title}”（新窗口）</span>
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p>{filtered ? "没有符合条件的资源。换个关键词或清除条件试试。" : "资源库还是空的。点击“上传资源”添加第一个。"}</p>
      )}
      <Pager page={page} pages={pages} search={location.search} />
    </>
  );
}
