import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useLocation } from "@remix-run/react";
import { getDb } from "@db/client";
import { Pager } from "~/components/layout";
import { SearchForm } from "~/components/search-form";
import { requireActor } from "~/modules/auth/request.server";
import { requireManagedAcademy } from "~/modules/scheduling/access.server";
import { demandForAcademy } from "~/modules/scheduling/demand.server";
import { parsePage } from "~/utils/http";
import { ORDER_STATE_LABELS } from "~/modules/scheduling/states";

export const meta: MetaFunction = () => [{ title: "居民想学 · 书院管理" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = requireActor(request);
  const db = getDb();
  const academy = requireManagedAcademy(db, actor, params.academy ?? "");
  const url = new URL(request.url);
  const page = parsePage(url.searchParams);
  return {
    slug: academy.slug,
    name: academy.name,
    demand: demandForAcademy(db, actor, academy.id, { page, q: url.searchParams.get("q") }),
  };
}

export default function Demand() {
  const { slug, name, demand } = useLoaderData<typeof loader>();
  const location = useLocation();
  return (
    <>
      <h1>居民想学</h1>
      <p className="lead" data-testid="demand-summary">
        {demand.all
          ? demand.all.people > 0
            ? `与“${demand.q}”相关：${demand.people} 位居民在${name}标记了想学其中 ${demand.total} 门课程，按人数从多到少排列。`
            : `还没有居民在${name}标记想学。`
          : demand.people > 0
            ? `共有 ${demand.people} 位居民在${name}标记了想学 ${demand.total} 门课程，按人数从多到少排列。`
            : "还没有居民在本书院标记想学。居民在课程库的课程页点“想学”并选择本书院后，会出现在这里。"}
      </p>
      {demand.all && demand.all.people > 0 ? (
        <p className="muted" data-testid="demand-all">
          全部：{demand.all.people} 位居民想学 {demand.all.total} 门课程。<Link to="?">看全部</Link>
        </p>
      ) : null}
      <SearchForm
        id="demand-q"
        label="查找课程"
        placeholder="课程名称或编号"
        defaultValue={demand.q}
        maxLength={50}
        button="查找"
      />
      {demand.q && demand.rows.length === 0 ? (
        <p className="muted">没有居民想学与“{demand.q}”相关的课程。</p>
      ) : null}
      <div className="table-wrap">
        <table className="stack-table" data-testid="demand-table">
          <thead>
            <tr>
              <th scope="col">课程</th>
              <th scope="col">想学人数</th>
              <th scope="col">点单</th>
            </tr>
          </thead>
          <tbody>
            {demand.rows.map((r) => (
              <tr key={r.courseId}>
                <td data-label="课程">
                  <Link to={`/courses/${r.code}`}>{r.title}</Link>
                  <br />
                  <span className="muted small-text">
                    {r.code} · {r.categoryName}
                  </span>
                </td>
                <td data-label="想学人数">
                  <strong className="big-number" data-testid="want-count">
                    {r.n}
                  </strong>{" "}
                  人
                </td>
                <td data-label="点单">
                  {r.retired ? (
                    <span className="badge">已停用</span>
                  ) : r.openOrder ? (
                    <Link to={`/manage/${slug}/orders`}>
                      {ORDER_STATE_LABELS[r.openOrder.state]}
                    </Link>
                  ) : r.sourceLevel === "community" ? (
                    <Link
                      className="button small secondary"
                      to={`/manage/${slug}/runs/new?course=${r.code}`}
                    >
                      开课
                    </Link>
                  ) : (
                    <Link
                      className="button small"
                      to={`/manage/${slug}/orders/new?course=${r.code}`}
                    >
                      点单
                    </Link>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Pager page={demand.page} pages={demand.pages} search={location.search} />
    </>
  );
}
