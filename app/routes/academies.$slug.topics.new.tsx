import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { getDb } from "@db/client";
import { TextareaField } from "~/components/catalog";
import { Field, FormErrors } from "~/components/forms";
import { requireActor } from "~/modules/auth/request.server";
import { raiseTopic } from "~/modules/community/deliberation.server";
import { topicInput } from "~/modules/community/groups-labels";
import { getAcademyBySlug } from "~/modules/org/org.server";
import { readForm } from "~/utils/csrf.server";
import { replyInvalid, replyWithUserError } from "~/utils/forms.server";
import { notFound } from "~/utils/http";

export const meta: MetaFunction = () => [{ title: "提出议题 · 群众议事" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  requireActor(request);
  const academy = getAcademyBySlug(getDb(), params.slug ?? "");
  if (!academy) notFound("没有找到这所书院。");
  return { academy: { slug: academy.slug, name: academy.name } };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const actor = requireActor(request);
  const db = getDb();
  const academy = getAcademyBySlug(db, params.slug ?? "");
  if (!academy) notFound("没有找到这所书院。");
  const submission = parseWithZod(await readForm(request), { schema: topicInput });
  if (submission.status !== "success") return replyInvalid(submission);
  try {
    const t = raiseTopic(db, actor, academy.id, submission.value);
    return redirect(`/topics/${t.id}?done=raised`);
  } catch (e) {
    return replyWithUserError(submission, e);
  }
}

export default function RaiseTopic() {
  const { academy } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [form, fields] = useForm<{ title: string; description: string }>({
    id: "topic",
    lastResult,
  });
  return (
    <div className="container">
      <p className="breadcrumb">
        <Link to={`/academies/${academy.slug}`}>← {academy.name}</Link>
      </p>
      <h1>提出议题</h1>
      <p className="lead">
        小区里大家关心的事，例如加装电梯、停车管理、楼道堆物，都可以提出来。书院受理后会组织居民议事。
      </p>
      <Form method="post" {...getFormProps(form)} className="form">
        <FormErrors errors={form.errors} id={form.errorId} />
        <Field label="议题" meta={fields.title} hint="一句话说清楚，例如：5 号楼加装电梯" />
        <TextareaField label="具体情况（选填）" meta={fields.description} rows={5} />
        <button type="submit">提交议题</button>
      </Form>
    </div>
  );
}
