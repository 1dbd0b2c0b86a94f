import { getFormProps, getTextareaProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { getDb } from "@db/client";
import { FormErrors } from "~/components/forms";
import { requireActorWith } from "~/modules/auth/request.server";
import { BIO_MAX, isTeacher, ownBioSchema } from "~/modules/catalog/teachers";
import { getOwnTeacher, updateOwnBio } from "~/modules/catalog/teachers.server";
import { readForm } from "~/utils/csrf.server";
import { replyInvalid, replyWithUserError } from "~/utils/forms.server";
import { clientIp } from "~/utils/http";

export const meta: MetaFunction = () => [{ title: "教师简介 · 我的 · 厦门社区书院" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = requireActorWith(request, isTeacher);
  const t = getOwnTeacher(getDb(), actor);
  return {
    teacher: t ? { id: t.id, displayName: t.displayName, bio: t.bio, active: t.active } : null,
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const actor = requireActorWith(request, isTeacher);
  const form = await readForm(request);
  const submission = parseWithZod(form, { schema: ownBioSchema });
  if (submission.status !== "success") return replyInvalid(submission);
  try {
    updateOwnBio(getDb(), actor, submission.value, clientIp(request));
    return redirect("/me/teacher?done=saved");
  } catch (e) {
    return replyWithUserError(submission, e);
  }
}

export default function MyTeacherBio() {
  const { teacher } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [params] = useSearchParams();
  const [form, fields] = useForm({
    id: "bio",
    lastResult,
    defaultValue: { bio: teacher?.bio ?? "" },
  });
  return (
    <div className="container">
      <p>
        <Link to="/me">← 我的</Link>
      </p>
      <h1>教师简介</h1>
      {!teacher ? (
        <p>
          您还不在师资库中，暂时没有公开的教师资料。请联系总部把您加入师资库，之后就可以在这里编辑简介。
        </p>
      ) : (
        <>
          {params.get("done") === "saved" ? (
            <p className="notice" role="status">
              简介已保存。{teacher.active ? "" : "（您的资料目前已停用，不会公开显示。）"}
            </p>
          ) : null}
          <p>
            居民会在您的
            {teacher.active ? <Link to={`/teachers/${teacher.id}`}>公开资料页</Link> : "公开资料页"}
            看到这段简介。姓名、照片、可讲课程和前往的区由总部维护，如需修改请联系总部。
          </p>
          <Form method="post" className="form" {...getFormProps(form)}>
            <FormErrors errors={form.errors} id={form.errorId} />
            <div className={`field${fields.bio.errors?.length ? " has-error" : ""}`}>
              <label htmlFor={fields.bio.id}>简介</label>
              <textarea
                {...getTextareaProps(fields.bio)}
                key={fields.bio.key}
                rows={8}
                maxLength={BIO_MAX}
              />
              <p className="hint">不超过 {BIO_MAX} 字。可以写您的经历、擅长的内容和讲课方式。</p>
              {fields.bio.errors ? (
                <p className="error" id={fields.bio.errorId}>
                  {fields.bio.errors.join("；")}
                </p>
              ) : null}
            </div>
            <div className="actions">
              <button type="submit">保存简介</button>
            </div>
          </Form>
        </>
      )}
    </div>
  );
}
