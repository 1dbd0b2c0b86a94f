import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { getDb } from "@db/client";
import { staffDistrictIds } from "~/modules/auth/permissions";
import { requireActorWith } from "~/modules/auth/request.server";
import { getDistrict, listAcademies } from "~/modules/org/org.server";
import { DistrictNav } from "~/components/district-nav";
import { DISTRICT_TABS, isDistrictStaff, visibleEntries } from "~/components/nav";
import { districtSummary } from "~/modules/scheduling/finder.server";

export const meta: MetaFunction = () => [{ title: "区指导中心 · 厦门社区书院" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = requireActorWith(request, isDistrictStaff);
  const db = getDb();
  const ids = staffDistrictIds(actor);
  return {
    tabs: visibleEntries(DISTRICT_TABS, actor),
    several: ids.length > 1,
    districts: ids.map((id) => ({
      district: getDistrict(db, id)!,
      academies: listAcademies(db, { districtId: id }),
      schedule: Object.fromEntries(
        districtSummary(db, actor, id).map((s) => [
          s.academyId,
          { runs: s.runs, upcoming: s.upcoming },
        ]),
      ),
    })),
  };
}

export default function DistrictHome() {
  const { tabs, districts, several } = useLoaderData<typeof loader>();
  return (
    <div className="container">
      {districts.map(({ district, academies, schedule }) => (
        <section key={district.id}>
          <h1>{district.centreName}</h1>
          <DistrictNav tabs={tabs} districtId={district.id} several={several} />
          <p className="lead">本区共 {academies.length} 所社区书院。</p>
          <div className="table-wrap">
            <table className="stack-table">
              <thead>
                <tr>
                  <th>书院</th>
                  <th>街道</th>
                  <th>社区人口</th>
                  <th>开课</th>
                  <th>待上课次</th>
                </tr>
              </thead>
              <tbody>
                {academies.map((a) => (
                  <tr key={a.id}>
                    <td data-label="书院">
                      <Link to={`/academies/${a.slug}`}>{a.name}</Link>
                    </td>
                    <td data-label="街道">{a.subdistrictName}</td>
                    <td data-label="社区人口">{a.population.toLocaleString("zh-CN")}</td>
                    <td data-label="开课">
                      <Link
                        to={`/district/runs?academy=${a.id}${several ? `&d=${district.id}` : ""}`}
                      >
                        {schedule[a.id]?.runs ?? 0}
                      </Link>
                    </td>
                    <td data-label="待上课次">{schedule[a.id]?.upcoming ?? 0}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ))}
    </div>
  );
}
