import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { useLoaderData, useSearchParams } from "@remix-run/react";
import { getDb } from "@db/client";
import { EvaluationsView } from "~/components/evaluations";
import { requireActor } from "~/modules/auth/request.server";
import { hideSchema } from "~/modules/learning/evaluation";
import { academyEvaluations, setEvaluationHidden } from "~/modules/learning/evaluation.server";
import { requireManagedAcademy } from "~/modules/scheduling/access.server";
import { readForm } from "~/utils/csrf.server";
import { badRequest, clientIp } from "~/utils/http";
import { z } from "~/utils/zod";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `评价 · ${data?.academy.name ?? ""}` },
];

const querySchema = z.object({
  by: z.enum(["run", "course", "teacher"]).catch("run"),
  page: z.coerce.number().int().min(1).catch(1),
  cpage: z.coerce.number().int().min(1).catch(1),
});

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = requireActor(request);
  const db = getDb();
  const academy = requireManagedAcademy(db, actor, params.academy ?? "");
  const q = querySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  return {
    academy: { name: academy.name },
    data: academyEvaluations(db, actor, academy, { by: q.by, page: q.page, commentsPage: q.cpage }),
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const actor = requireActor(request);
  const db = getDb();
  const academy = requireManagedAcademy(db, actor, params.academy ?? "");
  const form = await readForm(request);
  const parsed = hideSchema.safeParse(Object.fromEntries(form));
  if (!parsed.success) badRequest(parsed.error.issues[0]?.message);
  setEvaluationHidden(
    db,
    actor,
    parsed.data.evaluationId,
    { hidden: parsed.data.intent === "hide", reason: parsed.data.reason },
    clientIp(request),
  );
  const back = new URL(request.url);
  back.searchParams.set("done", parsed.data.intent);
  return redirect(`/manage/${academy.slug}/evaluations${back.search}`);
}

export default function ManageEvaluations() {
  const { academy, data } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  return (
    <>
      <h1>学员评价</h1>
      <p className="lead">
        {academy.name}：各班、课程和教师的平均分，以及学员留言。留言可以隐藏，但不能修改。
      </p>
      <EvaluationsView
        data={data}
        groups={["run", "course", "teacher"]}
        done={params.get("done")}
      />
    </>
  );
}
