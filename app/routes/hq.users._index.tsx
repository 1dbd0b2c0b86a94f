import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useLocation } from "@remix-run/react";
import { getDb } from "@db/client";
import { Pager } from "~/components/layout";
import { SearchForm } from "~/components/search-form";
import { isHqAdmin, ROLE_LABELS } from "~/modules/auth/permissions";
import { requireActorWith } from "~/modules/auth/request.server";
import { parsePage } from "~/utils/http";
import { searchUsers } from "~/modules/auth/users.server";
import { maskPhonesIn } from "~/modules/auth/audit.server";

export const meta: MetaFunction = () => [{ title: "用户与角色 · 总部" }];

export async function loader({ request }: LoaderFunctionArgs) {
  requireActorWith(request, isHqAdmin);
  const url = new URL(request.url);
  const q = url.searchParams.get("q") ?? "";
  const page = parsePage(url.searchParams);
  const found = searchUsers(getDb(), { q, page });
  // Masked here, on the server: the page's data travels in its HTML, and a `.server` module's
  // function does not exist in the browser (calling it in render broke hydration; issue 14).
  return { q, ...found, rows: found.rows.map((u) => ({ ...u, phone: maskPhonesIn(u.phone) })) };
}

export default function HqUsers() {
  const { q, rows, total, page, pages } = useLoaderData<typeof loader>();
  const location = useLocation();
  return (
    <>
      <h1>用户与角色</h1>
      <SearchForm
        id="q"
        label="手机号或姓名"
        placeholder="手机号或姓名"
        defaultValue={q}
        maxLength={50}
        button="查找"
      />
      <p className="muted">共 {total} 位用户</p>
      <div className="table-wrap">
        <table className="stack-table">
          <thead>
            <tr>
              <th>姓名</th>
              <th>手机</th>
              <th>角色</th>
              <th>操作</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((u) => (
              <tr key={u.id}>
                <td data-label="姓名">{u.name}</td>
                <td data-label="手机">{u.phone}</td>
                <td data-label="角色">
                  {u.roles.length
                    ? [...new Set(u.roles.map((r) => ROLE_LABELS[r.role]))].join("、")
                    : "居民"}
                </td>
                <td data-label="操作">
                  <Link to={`/hq/users/${u.id}`}>管理角色</Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {rows.length === 0 ? <p>没有找到符合“{q}”的用户。</p> : null}
      <Pager page={page} pages={pages} search={location.search} />
    </>
  );
}
