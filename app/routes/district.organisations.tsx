import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { getDb } from "@db/client";
import { DistrictNav } from "~/components/district-nav";
import { DISTRICT_TABS, visibleEntries } from "~/components/nav";
import { requireActor } from "~/modules/auth/request.server";
import { ORG_STAGE_LABELS, ORG_TYPE_LABELS, ORG_STAGES } from "~/modules/community/groups-labels";
import { districtOrganisationsByStage } from "~/modules/community/organisations.server";
import { requireStaffDistrict } from "~/modules/scheduling/access.server";
import { formatDate } from "~/utils/dates";

export const meta: MetaFunction = () => [{ title: "居民组织 · 区指导中心" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = requireActor(request);
  const db = getDb();
  const { district, choices } = requireStaffDistrict(
    db,
    actor,
    new URL(request.url).searchParams.get("d"),
  );
  return {
    tabs: visibleEntries(DISTRICT_TABS, actor),
    district,
    several: choices.length > 1,
    ...districtOrganisationsByStage(db, actor, district.id),
  };
}

export default function DistrictOrganisations() {
  const d = useLoaderData<typeof loader>();
  return (
    <div className="container">
      <h1>{d.district.centreName}</h1>
      <DistrictNav tabs={d.tabs} districtId={d.district.id} several={d.several} />
      <h2>本区居民组织（{d.total}）</h2>
      <ul className="record-stats">
        {ORG_STAGES.map((s) => (
          <li key={s}>
            <strong data-testid={`stage-${s}`}>{d.byStage[s].length}</strong>
            <span>{ORG_STAGE_LABELS[s]}</span>
          </li>
        ))}
      </ul>
      {ORG_STAGES.map((s) =>
        d.byStage[s].length ? (
          <section key={s}>
            <h3>{ORG_STAGE_LABELS[s]}</h3>
            <ul className="stack">
              {d.byStage[s].map((o) => (
                <li key={o.id}>
                  <Link to={`/organisations/${o.id}`}>{o.name}</Link> · {ORG_TYPE_LABELS[o.type]} ·{" "}
                  <Link to={`/academies/${o.academySlug}`}>{o.academyName}</Link> · {o.members} 人 ·{" "}
                  {formatDate(o.stageChangedAt)}起
                </li>
              ))}
            </ul>
          </section>
        ) : null,
      )}
    </div>
  );
}
