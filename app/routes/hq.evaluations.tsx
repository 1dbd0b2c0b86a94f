import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useLoaderData, useSearchParams } from "@remix-run/react";
import { getDb } from "@db/client";
import { EvaluationsView } from "~/components/evaluations";
import { isHq } from "~/modules/auth/permissions";
import { requireActorWith } from "~/modules/auth/request.server";
import { hideSchema, overviewQuerySchema } from "~/modules/learning/evaluation";
import { cityEvaluations, setEvaluationHidden } from "~/modules/learning/evaluation.server";
import { listDistricts } from "~/modules/org/org.server";
import { readForm } from "~/utils/csrf.server";
import { badRequest, clientIp } from "~/utils/http";
import { z } from "~/utils/zod";

export const meta: MetaFunction = () => [{ title: "学员评价 · 总部" }];

const querySchema = overviewQuerySchema.extend({
  district: z.coerce.number().int().positive().optional().catch(undefined),
});

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = requireActorWith(request, isHq);
  const db = getDb();
  const q = querySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  return {
    districts: listDistricts(db).map((d) => ({ id: d.id, name: d.name })),
    district: q.district ?? null,
    data: cityEvaluations(db, actor, {
      districtId: q.district,
      by: q.by,
      page: q.page,
      commentsPage: q.cpage,
    }),
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const actor = requireActorWith(request, isHq);
  const form = await readForm(request);
  const parsed = hideSchema.safeParse(Object.fromEntries(form));
  if (!parsed.success) badRequest(parsed.error.issues[0]?.message);
  setEvaluationHidden(
    getDb(),
    actor,
    parsed.data.evaluationId,
    { hidden: parsed.data.intent === "hide", reason: parsed.data.reason },
    clientIp(request),
  );
  const back = new URL(request.url);
  back.searchParams.set("done", parsed.data.intent);
  return redirect(`/hq/evaluations${back.search}`);
}

export default function HqEvaluations() {
  const { districts, district, data } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  return (
    <>
      <h1>学员评价</h1>
      <p className="lead">全市各书院、课程、教师和班级的平均分（1–5 分）与学员留言。</p>
      <Form method="get" className="filter-bar">
        <input type="hidden" name="by" value={data.by} />
        <label htmlFor="district">区</label>
        <select id="district" name="district" defaultValue={district ?? ""}>
          <option value="">全市</option>
          {districts.map((d) => (
            <option key={d.id} value={d.id}>
              {d.name}
            </option>
          ))}
        </select>
        <button type="submit" className="secondary">
          筛选
        </button>
      </Form>
      <EvaluationsView
        data={data}
        groups={["academy", "course", "teacher", "run"]}
        done={params.get("done")}
      />
    </>
  );
}
