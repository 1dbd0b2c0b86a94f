import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useLocation, useSearchParams } from "@remix-run/react";
import { getDb } from "@db/client";
import { Pager } from "~/components/layout";
import { RunListCard } from "~/components/schedule";
import { requireActor } from "~/modules/auth/request.server";
import { requireManagedAcademy } from "~/modules/scheduling/access.server";
import { listAcademyRuns } from "~/modules/scheduling/finder.server";
import { parsePage } from "~/utils/http";
import { RUN_STATUS_LABELS, RUN_STATUSES, type RunStatus } from "~/modules/scheduling/states";

export const meta: MetaFunction = () => [{ title: "开课 · 书院管理" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = requireActor(request);
  const db = getDb();
  const academy = requireManagedAcademy(db, actor, params.academy ?? "");
  const url = new URL(request.url);
  const status = url.searchParams.get("status");
  const all = url.searchParams.get("all") === "1";
  const runs = listAcademyRuns(db, actor, academy.id, {
    status: (RUN_STATUSES as readonly string[]).includes(status ?? "")
      ? (status as RunStatus)
      : undefined,
    scope: all ? "all" : "upcoming",
    page: parsePage(url.searchParams),
  });
  return { slug: academy.slug, runs, all };
}

export default function AcademyRuns() {
  const { slug, runs, all } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const location = useLocation();
  const status = params.get("status");
  return (
    <>
      <div className="page-header">
        <h1>开课</h1>
        <p className="actions">
          <Link className="button" to={`/manage/${slug}/runs/new`}>
            开新班
          </Link>
        </p>
      </div>
      <nav className="filter-bar" aria-label="按状态筛选">
        <Link to={all ? "?all=1" : "?"} aria-current={!status ? "true" : undefined}>
          全部状态
        </Link>
        {RUN_STATUSES.map((s) => (
          <Link
            key={s}
            to={`?status=${s}${all ? "&all=1" : ""}`}
            aria-current={status === s ? "true" : undefined}
          >
            {RUN_STATUS_LABELS[s]}
          </Link>
        ))}
      </nav>
      <p>
        {all ? (
          <Link to={status ? `?status=${status}` : "?"}>只看未结束的班</Link>
        ) : (
          <Link to={`?all=1${status ? `&status=${status}` : ""}`}>包括已经上完的班</Link>
        )}
      </p>
      <p className="muted">共 {runs.total} 个班。</p>
      <ul className="card-grid" data-testid="run-table">
        {runs.rows.map((r) => (
          <RunListCard key={r.id} row={r} href={`/manage/${slug}/runs/${r.id}`} />
        ))}
      </ul>
      <Pager page={runs.page} pages={runs.pages} search={location.search} />
    </>
  );
}
