import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import {
  Form,
  Link,
  useActionData,
  useLoaderData,
  useLocation,
  useSearchParams,
} from "@remix-run/react";
import { getDb } from "@db/client";
import { FilterActions, FilterSearch, FilterSelect } from "~/components/filter-select";
import { Pager } from "~/components/layout";
import { requireActorWith } from "~/modules/auth/request.server";
import { isHq } from "~/modules/auth/permissions";
import {
  canBrowseResources,
  canUploadResources,
  libraryBase,
  libraryCheck,
  formatBytes,
  listResourcesQuery,
  RESOURCE_FILTERS,
  RESOURCE_KIND_LABELS,
  RESOURCE_VISIBILITY_LABELS,
} from "~/modules/catalog/resources";
import { deleteResource, getResource, listResources } from "~/modules/catalog/resources.server";
import { readForm } from "~/utils/csrf.server";
import { isUserError } from "~/utils/errors";
import { formatDate } from "~/utils/dates";
import { badRequest, clientIp, parseIdParam } from "~/utils/http";

/**
 * The resource library. HQ keeps it at /hq/resources (with a detail page per resource); teachers,
 * academy managers and district staff browse it at /resources (routes/resources._index.tsx
 * re-exports this module), upload for their own courses and delete their own uploads.
 */
export const meta: MetaFunction = () => [{ title: "资源库" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = requireActorWith(request, libraryCheck(request, canBrowseResources));
  const url = new URL(request.url);
  const query = listResourcesQuery.parse(Object.fromEntries(url.searchParams));
  const db = getDb();
  const uploadedId = Number(url.searchParams.get("uploaded")) || 0;
  const uploaded = uploadedId ? getResource(db, uploadedId) : null;
  const base = libraryBase(request);
  return {
    query,
    base,
    hqView: base === "/hq/resources" && isHq(actor),
    canUpload: canUploadResources(actor),
    uploaded: uploaded ? { title: uploaded.title } : null,
    ...listResources(db, actor, query),
  };
}

/** Deleting one's own upload (HQ deletes on the detail page). */
export async function action({ request }: ActionFunctionArgs) {
  const actor = requireActorWith(request, libraryCheck(request, canBrowseResources));
  const form = await readForm(request);
  if (form.get("intent") !== "delete") badRequest();
  try {
    deleteResource(
      getDb(),
      actor,
      parseIdParam(String(form.get("id") ?? ""), "这个资源不存在。"),
      clientIp(request),
    );
  } catch (e) {
    if (isUserError(e)) return data({ error: e.message }, { status: 400 });
    throw e;
  }
  return redirect(`${libraryBase(request)}?done=deleted`);
}

export default function ResourceLibrary() {
  const { query, base, hqView, canUpload, uploaded, rows, total, page, pages } =
    useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>();
  const location = useLocation();
  const [params] = useSearchParams();
  const done = params.get("done");
  const filtered = !!(query.q || query.kind || query.visibility || query.scope || query.mine);
  // Under /hq the 总部 layout gives the page its container; /resources stands alone.
  return (
    <div className={base === "/resources" ? "container" : undefined}>
      <div className="page-header">
        <h1>资源库</h1>
        <p className="lead">
          {hqView
            ? "课件、讲义、图片、音频和视频链接。可以挂在某门课程下，也可以全市共享。"
            : "总部和各区、各书院的课件、讲义和视频。“仅教师”的资源只对教师和工作人员开放。"}
        </p>
        {canUpload ? (
          <p>
            <Link className="button" to={`${base}/new`}>
              上传资源
            </Link>
          </p>
        ) : null}
      </div>
      {uploaded ? (
        <p className="notice" role="status">
          已添加到资源库：{uploaded.title}
        </p>
      ) : null}
      {failed?.error ? (
        <p className="error" role="alert">
          {failed.error}
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
          options={RESOURCE_FILTERS.kinds.map((k) => ({
            value: k,
            label: RESOURCE_KIND_LABELS[k],
          }))}
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
        <FilterSelect
          id="mine"
          label="课程"
          name="mine"
          defaultValue={query.mine ?? ""}
          empty="全部课程"
          options={[{ value: "1", label: hqView ? "我的课程" : "我教的、本书院或本区的课程" }]}
        />
        <FilterActions filtered={filtered} clearTo={base} />
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
                      {hqView ? (
                        <Link to={`/hq/resources/${r.id}`}>{r.title}</Link>
                      ) : (
                        <strong>{r.title}</strong>
                      )}
                      {r.originalName ? (
                        <div className="muted small-text break-all">{r.originalName}</div>
                      ) : null}
                    </div>
                  </td>
                  <td data-label="类型">
                    <div>
                      {RESOURCE_KIND_LABELS[r.kind]}
                      {r.kind !== "video_link" ? (
                        <span className="muted small-text"> · {formatBytes(r.size)}</span>
                      ) : null}
                    </div>
                  </td>
                  <td data-label="课程">
                    {r.courseCode ?? <span className="muted">全市共享</span>}
                  </td>
                  <td data-label="谁可以查看">
                    <span className={`badge ${r.visibility === "teachers" ? "warn" : "ok"}`}>
                      {RESOURCE_VISIBILITY_LABELS[r.visibility]}
                    </span>
                  </td>
                  <td data-label="上传">
                    <div>
                      {formatDate(r.createdAt)}
                      {r.uploaderName ? (
                        <div className="muted small-text">{r.uploaderName}</div>
                      ) : null}
                    </div>
                  </td>
                  <td data-label="操作">
                    <div className="member-actions">
                      <a href={`/resources/${r.id}`} target="_blank" rel="noopener noreferrer">
                        打开<span className="visually-hidden">“{r.title}”（新窗口）</span>
                      </a>
                      {!hqView && r.canDelete ? (
                        <details>
                          <summary className="button secondary small">
                            删除<span className="visually-hidden">“{r.title}”</span>
                          </summary>
                          <Form method="post">
                            <input type="hidden" name="id" value={r.id} />
                            <p>删除后文件将被移除，无法恢复。</p>
                            <button
                              type="submit"
                              name="intent"
                              value="delete"
                              className="danger small"
                            >
                              确认删除“{r.title}”
                            </button>
                          </Form>
                        </details>
                      ) : null}
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p>{filtered ? "没有符合条件的资源。换个关键词或清除条件试试。" : "资源库还是空的。"}</p>
      )}
      <Pager page={page} pages={pages} search={location.search} />
    </div>
  );
}
