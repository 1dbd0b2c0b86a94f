import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { getDb } from "@db/client";
import { TextareaField } from "~/components/catalog";
import { Field, FormErrors } from "~/components/forms";
import { requireActor } from "~/modules/auth/request.server";
import { createTopic, listManagedTopics } from "~/modules/community/deliberation.server";
import { managerTopicInput, TOPIC_STATUS_LABELS } from "~/modules/community/groups-labels";
import { requireManagedAcademy } from "~/modules/scheduling/access.server";
import { readForm } from "~/utils/csrf.server";
import { formatDate } from "~/utils/dates";
import { replyInvalid, replyWithUserError } from "~/utils/forms.server";
import { clientIp } from "~/utils/http";

export const meta: MetaFunction = () => [{ title: "群众议事 · 书院管理" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = requireActor(request);
  const db = getDb();
  const academy = requireManagedAcademy(db, actor, params.academy ?? "");
  return { slug: academy.slug, topics: listManagedTopics(db, actor, academy.id) };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const actor = requireActor(request);
  const db = getDb();
  const academy = requireManagedAcademy(db, actor, params.academy ?? "");
  const submission = parseWithZod(await readForm(request), { schema: managerTopicInput });
  if (submission.status !== "success") return replyInvalid(submission);
  try {
    const t = createTopic(db, actor, academy.id, submission.value, clientIp(request));
    return redirect(`/manage/${academy.slug}/topics/${t.id}`);
  } catch (e) {
    return replyWithUserError(submission, e);
  }
}

export default function ManageTopics() {
  const d = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [form, fields] = useForm<{ title: string; description: string; visibility: string }>({
    id: "new-topic",
    lastResult,
    defaultValue: { visibility: "public" },
  });
  return (
    <>
      <h1>群众议事</h1>
      {d.topics.length === 0 ? <p className="muted">还没有议题。</p> : null}
      <ul className="stack" data-testid="manage-topics">
        {d.topics.map((t) => (
          <li key={t.id}>
            <Link to={`/manage/${d.slug}/topics/${t.id}`}>{t.title}</Link>{" "}
            <span className="tag">{TOPIC_STATUS_LABELS[t.status]}</span>
            {t.visibility === "internal" ? <span className="tag">内部</span> : null}
            <p className="muted">
              {t.raisedByManager ? "书院提出" : `居民 ${t.raisedByName ?? ""} 提出`} ·{" "}
              {formatDate(t.createdAt)}
              {t.tasks.total ? ` · 跟进事项 ${t.tasks.done}/${t.tasks.total}` : ""}
            </p>
          </li>
        ))}
      </ul>
      <h2>书院提出议题</h2>
      <Form method="post" {...getFormProps(form)} className="form">
        <FormErrors errors={form.errors} id={form.errorId} />
        <Field label="议题" meta={fields.title} hint="例如：加装电梯、停车管理、楼道堆物" />
        <TextareaField label="说明（选填）" meta={fields.description} />
        <fieldset className="field">
          <legend>公开范围</legend>
          <label className="choice">
            <input
              type="radio"
              name="visibility"
              value="public"
              defaultChecked={fields.visibility.initialValue !== "internal"}
            />{" "}
            公开（居民可以看到结果和进展）
          </label>
          <label className="choice">
            <input
              type="radio"
              name="visibility"
              value="internal"
              defaultChecked={fields.visibility.initialValue === "internal"}
            />{" "}
            内部
          </label>
        </fieldset>
        <button type="submit">提出议题</button>
      </Form>
    </>
  );
}
