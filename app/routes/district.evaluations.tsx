import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { getDb } from "@db/client";
import { DistrictNav } from "~/components/district-nav";
import { DISTRICT_TABS, visibleEntries } from "~/components/nav";
import { EvaluationsView } from "~/components/evaluations";
import { requireActor } from "~/modules/auth/request.server";
import { overviewQuerySchema } from "~/modules/learning/evaluation";
import { districtEvaluations } from "~/modules/learning/evaluation.server";
import { requireStaffDistrict } from "~/modules/scheduling/access.server";

export const meta: MetaFunction = () => [{ title: "学员评价 · 区指导中心" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = requireActor(request);
  const db = getDb();
  const p = new URL(request.url).searchParams;
  const { district, choices } = requireStaffDistrict(db, actor, p.get("d"));
  const q = overviewQuerySchema.parse(Object.fromEntries(p));
  return {
    tabs: visibleEntries(DISTRICT_TABS, actor),
    district: { id: district.id, name: district.name, centreName: district.centreName },
    several: choices.length > 1,
    data: districtEvaluations(db, actor, district.id, {
      by: q.by,
      page: q.page,
      commentsPage: q.cpage,
    }),
  };
}

export default function DistrictEvaluations() {
  const { tabs, district, several, data } = useLoaderData<typeof loader>();
  return (
    <div className="container">
      <h1>{district.centreName}</h1>
      <DistrictNav tabs={tabs} districtId={district.id} several={several} />
      <h2>学员评价</h2>
      <p className="lead">
        {district.name}各书院、课程、教师和班级的平均分（1–5
        分）与学员留言。隐藏不当留言由书院管理员或总部处理。
      </p>
      <EvaluationsView data={data} groups={["academy", "course", "teacher", "run"]} done={null} />
    </div>
  );
}
