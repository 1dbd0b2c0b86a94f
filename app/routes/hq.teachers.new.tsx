import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { getDb } from "@db/client";
import { TeacherForm } from "~/components/teacher-form";
import { requireActorWith } from "~/modules/auth/request.server";
import { listImageResources } from "~/modules/catalog/resources.server";
import { canManageTeachers, teacherCreateSchema } from "~/modules/catalog/teachers";
import { createTeacher, teacherFormOptions } from "~/modules/catalog/teachers.server";
import { readForm } from "~/utils/csrf.server";
import { replyInvalid, replyWithUserError } from "~/utils/forms.server";
import { clientIp } from "~/utils/http";

export const meta: MetaFunction = () => [{ title: "添加教师 · 师资库 · 总部" }];

export async function loader({ request }: LoaderFunctionArgs) {
  requireActorWith(request, canManageTeachers);
  const db = getDb();
  const url = new URL(request.url);
  return {
    options: { ...teacherFormOptions(db), images: listImageResources(db) },
    phone: url.searchParams.get("phone") ?? "",
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const actor = requireActorWith(request, canManageTeachers);
  const form = await readForm(request);
  const submission = parseWithZod(form, { schema: teacherCreateSchema });
  if (submission.status !== "success") return replyInvalid(submission);
  try {
    const t = createTeacher(getDb(), actor, submission.value, clientIp(request));
    return redirect(`/hq/teachers/${t.id}?done=created`);
  } catch (e) {
    return replyWithUserError(submission, e);
  }
}

export default function NewTeacher() {
  const { options, phone } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  return (
    <>
      <p>
        <Link to="/hq/teachers">← 师资库</Link>
      </p>
      <h1>添加教师</h1>
      <TeacherForm
        mode="new"
        options={options}
        defaults={{ phone }}
        lastResult={lastResult}
        submitLabel="加入师资库"
      />
    </>
  );
}
