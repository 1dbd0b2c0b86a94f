import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useLoaderData, useLocation } from "@remix-run/react";
import { getDb } from "@db/client";
import { DistrictNav } from "~/components/district-nav";
import { DISTRICT_TABS, visibleEntries } from "~/components/nav";
import { FilterSelect } from "~/components/filter-select";
import { Pager } from "~/components/layout";
import { RunListCard } from "~/components/schedule";
import { requireActor } from "~/modules/auth/request.server";
import { listAcademies } from "~/modules/org/org.server";
import { requireStaffDistrict } from "~/modules/scheduling/access.server";
import { listDistrictRuns } from "~/modules/scheduling/finder.server";
import { parsePage } from "~/utils/http";
import { RUN_STATUS_LABELS, RUN_STATUSES, type RunStatus } from "~/modules/scheduling/states";

export const meta: MetaFunction = () => [{ title: "本区开课 · 区指导中心" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = requireActor(request);
  const db = getDb();
  const p = new URL(request.url).searchParams;
  const { district, choices } = requireStaffDistrict(db, actor, p.get("d"));
  const academies = listAcademies(db, { districtId: district.id }).map((a) => ({
    id: a.id,
    name: a.name,
  }));
  const academyId = Number(p.get("academy")) || undefined;
  const status = (RUN_STATUSES as readonly string[]).includes(p.get("status") ?? "")
    ? (p.get("status") as RunStatus)
    : undefined;
  return {
    tabs: visibleEntries(DISTRICT_TABS, actor),
    district: { id: district.id, name: district.name, centreName: district.centreName },
    several: choices.length > 1,
    academies,
    filters: {
      academy: academyId ? String(academyId) : "",
      status: status ?? "",
      all: p.get("all") === "1",
    },
    runs: listDistrictRuns(db, actor, district.id, {
      academyId: academies.some((a) => a.id === academyId) ? academyId : undefined,
      status,
      scope: p.get("all") === "1" ? "all" : "upcoming",
      page: parsePage(p),
    }),
  };
}

export default function DistrictRuns() {
  const { tabs, district, several, academies, filters, runs } = useLoaderData<typeof loader>();
  const location = useLocation();
  return (
    <div className="container">
      <h1>{district.centreName}</h1>
      <DistrictNav tabs={tabs} districtId={district.id} several={several} />
      <h2>本区开课</h2>
      <Form method="get" className="filter-form" aria-label="筛选开课">
        {several ? <input type="hidden" name="d" value={district.id} /> : null}
        <FilterSelect
          id="r-academy"
          label="书院"
          name="academy"
          defaultValue={filters.academy}
          empty="本区全部书院"
          options={academies.map((a) => ({ value: a.id, label: a.name }))}
        />
        <FilterSelect
          id="r-status"
          label="状态"
          name="status"
          defaultValue={filters.status}
          empty="全部状态"
          options={RUN_STATUSES.map((s) => ({ value: s, label: RUN_STATUS_LABELS[s] }))}
        />
        <div className="field check-field">
          <label className="check-chip" htmlFor="r-all">
            <input type="checkbox" id="r-all" name="all" value="1" defaultChecked={filters.all} />
            包括已经上完的班
          </label>
        </div>
        <div className="actions">
          <button type="submit">筛选</button>
        </div>
      </Form>
      <p className="muted">共 {runs.total} 个班。</p>
      <ul className="card-grid" data-testid="district-runs">
        {runs.rows.map((r) => (
          <RunListCard key={r.id} row={r} href={`/classes/${r.id}`} showAcademy />
        ))}
      </ul>
      <Pager page={runs.page} pages={runs.pages} search={location.search} />
    </div>
  );
}
