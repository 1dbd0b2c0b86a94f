import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { getDb } from "@db/client";
import { WantToLearnPanel } from "~/components/want-to-learn";
import { getActor, requireActor } from "~/modules/auth/request.server";
import {
  academyChoices,
  markWant,
  wantPanel,
  withdrawWant,
} from "~/modules/scheduling/demand.server";
import { readForm } from "~/utils/csrf.server";
import { isUserError } from "~/utils/errors";
import { z } from "~/utils/zod";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `想学「${data.panel.course.title}」` : "想学" },
];

/** The 想学 panel's data (also loaded by the panel on the course page). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const db = getDb();
  const actor = getActor(request);
  const panel = wantPanel(db, actor, params.code ?? "");
  return { panel, academies: actor ? academyChoices(db) : [], error: null as string | null };
}

const schema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("want"),
    academyId: z.coerce.number({ error: "请选择一所书院。" }).int().positive("请选择一所书院。"),
  }),
  z.object({ intent: z.literal("withdraw") }),
]);

/** Marks or withdraws 想学. From the inline panel (`inline=1`) it answers with the new panel; otherwise it redirects. */
export async function action({ request, params }: ActionFunctionArgs) {
  const actor = requireActor(request);
  const form = await readForm(request);
  const db = getDb();
  const code = params.code ?? "";
  const inline = form.get("inline") === "1";
  const parsed = schema.safeParse(Object.fromEntries(form));
  let error: string | null = null;
  if (!parsed.success) error = parsed.error.issues[0]?.message ?? "请选择一所书院。";
  else {
    try {
      const { course } = wantPanel(db, actor, code);
      if (parsed.data.intent === "want")
        markWant(db, actor, { courseId: course.id, academyId: parsed.data.academyId });
      else withdrawWant(db, actor, course.id);
    } catch (e) {
      if (!isUserError(e)) throw e;
      error = e.message;
    }
  }
  if (inline || error)
    return { panel: wantPanel(db, actor, code), academies: academyChoices(db), error };
  return redirect(
    `/courses/${encodeURIComponent(code)}/want?done=${parsed.success ? parsed.data.intent : ""}`,
  );
}

export default function WantPage() {
  const data = useLoaderData<typeof loader>();
  return (
    <div className="container">
      <p className="breadcrumb">
        <Link to={`/courses/${data.panel.course.code}`}>← {data.panel.course.title}</Link>
      </p>
      <h1>想学这门课</h1>
      <WantToLearnPanel data={data} inline={false} />
    </div>
  );
}
