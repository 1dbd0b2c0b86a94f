import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData, useLocation } from "@remix-run/react";
import { getDb } from "@db/client";
import { Pager } from "~/components/layout";
import { SearchForm } from "~/components/search-form";
import { listAudit } from "~/modules/auth/audit.server";
import { isHq } from "~/modules/auth/permissions";
import { requireActorWith } from "~/modules/auth/request.server";
import { parsePage } from "~/utils/http";
import { formatDateTime } from "~/utils/dates";

export const meta: MetaFunction = () => [{ title: "审计日志 · 总部" }];

export async function loader({ request }: LoaderFunctionArgs) {
  requireActorWith(request, isHq);
  const url = new URL(request.url);
  const q = url.searchParams.get("q") ?? "";
  return { q, ...listAudit(getDb(), { q, page: parsePage(url.searchParams) }) };
}

export default function AuditPage() {
  const { q, rows, total, page, pages } = useLoaderData<typeof loader>();
  const location = useLocation();
  return (
    <>
      <h1>审计日志</h1>
      <SearchForm id="q" label="搜索" placeholder="操作人、内容" defaultValue={q} maxLength={50} />
      <p className="muted">共 {total} 条</p>
      <div className="table-wrap">
        <table className="stack-table" data-testid="audit-table">
          <thead>
            <tr>
              <th>时间</th>
              <th>操作人</th>
              <th>内容</th>
              <th>IP</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id}>
                <td data-label="时间">{formatDateTime(r.createdAt)}</td>
                <td data-label="操作人">{r.actorName ?? "系统"}</td>
                <td data-label="内容">{r.summary}</td>
                <td data-label="IP">{r.ip}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Pager page={page} pages={pages} search={location.search} />
    </>
  );
}
