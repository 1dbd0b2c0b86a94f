import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { getDb } from "@db/client";
import { ActivityFields, ActivityRepeatFields } from "~/components/activities";
import { FormErrors } from "~/components/forms";
import type { FieldsOf } from "~/components/run-form";
import { requireActor } from "~/modules/auth/request.server";
import { createActivitySchema } from "~/modules/community/activities";
import { activityFormChoices } from "~/modules/community/activities-read.server";
import { createActivity } from "~/modules/community/activities.server";
import { requireManagedAcademy } from "~/modules/scheduling/access.server";
import { addDays, todayLocal } from "~/utils/time";
import { readForm } from "~/utils/csrf.server";
import { replyInvalid, replyWithUserError } from "~/utils/forms.server";
import { clientIp } from "~/utils/http";

export const meta: MetaFunction = () => [{ title: "新建活动 · 书院管理" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = requireActor(request);
  const db = getDb();
  const academy = requireManagedAcademy(db, actor, params.academy ?? "");
  return { slug: academy.slug, openingHours: academy.openingHours, ...activityFormChoices(db, academy.id), defaultDate: addDays(todayLocal(), 7) };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const actor = requireActor(request);
  const db = getDb();
  const academy = requireManagedAcademy(db, actor, params.academy ?? "");
  const submission = parseWithZod(await readForm(request), { schema: createActivitySchema });
  if (submission.status !== "success") return replyInvalid(submission);
  try {
    const { intent: _intent, ...input } = submission.value;
    const { ids } = createActivity(db, actor, academy.id, input, clientIp(request));
    return redirect(`/manage/${academy.slug}/activities/${ids[0]}?done=created&count=${ids.length}`);
  } catch (e) {
    return replyWithUserError(submission, e);
  }
}

export default function NewActivity() {
  const { rooms, organisations, defaultDate, openingHours } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const [form, fields] = useForm({
    id: "new-activity",
    lastResult,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: createActivitySchema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });
  return (
    <>
      <h1>新建活动</h1>
      <Form method="post" className="form" {...getFormProps(form)}>
        <input type="hidden" name="intent" value="create" />
        <FormErrors errors={form.errors} id={form.errorId} />
        <ActivityFields fields={fields as unknown as FieldsOf} rooms={rooms} organisations={organisations} openingHours={openingHours} defaults={{ date: defaultDate, startTime: "09:00", endTime: "11:00" }} />
        <ActivityRepeatFields fields={fields as unknown as FieldsOf} />
        <div className="actions">
          <button type="submit" disabled={busy}>
            {busy ? "正在保存…" : "保存活动"}
          </button>
        </div>
      </Form>
    </>
  );
}
