import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { getDb } from "@db/client";
import { Field, FormErrors, useClearPasswords } from "~/components/forms";
import { deleteAccount } from "~/modules/auth/personal-data.server";
import { requireActor } from "~/modules/auth/request.server";
import { blankSessionCookie } from "~/modules/auth/session.server";
import { readForm } from "~/utils/csrf.server";
import { replyInvalid, replyWithUserError } from "~/utils/forms.server";
import { clientIp } from "~/utils/http";
import { z } from "~/utils/zod";

export const meta: MetaFunction = () => [{ title: "我的数据 · 厦门社区书院" }];

const deleteSchema = z.object({
  password: z
    .string({ error: "请输入密码，确认是您本人。" })
    .min(1, "请输入密码，确认是您本人。")
    .max(200),
  confirm: z.literal("on", { error: "请勾选，确认您了解注销后不能恢复。" }),
});

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = requireActor(request);
  return { staff: actor.roles.some((r) => r.role !== "resident") };
}

export async function action({ request }: ActionFunctionArgs) {
  const actor = requireActor(request);
  const submission = parseWithZod(await readForm(request), { schema: deleteSchema });
  if (submission.status !== "success") return replyInvalid(submission, ["password"]);
  try {
    await deleteAccount(getDb(), actor, submission.value.password, clientIp(request));
  } catch (e) {
    return replyWithUserError(submission, e, ["password"]);
  }
  return redirect("/?account=deleted", { headers: { "Set-Cookie": blankSessionCookie(request) } });
}

export default function MyData() {
  const { staff } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [form, fields] = useForm({
    lastResult,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: deleteSchema }),
    shouldValidate: "onSubmit",
  });
  useClearPasswords(form.id, lastResult);
  return (
    <div className="container">
      <p>
        <Link to="/me">← 我的</Link>
      </p>
      <h1>我的数据</h1>
      <section aria-labelledby="download-h">
        <h2 id="download-h">下载我的数据</h2>
        <p>
          依照《个人信息保护法》，您可以随时下载平台保存的您的全部个人信息：账号、家人、报名、出勤、评价、活动、志愿服务和消息等。
        </p>
        <p>
          <a className="button secondary" href="/me/data.json" download>
            下载（JSON 文件）
          </a>
        </p>
      </section>
      <section aria-labelledby="delete-h" className="danger-zone">
        <h2 id="delete-h">注销账号</h2>
        <p>
          注销后，您的姓名、手机号和家人的姓名会被删除，账号不能再登录，也不能恢复。您参加过的课程和活动会以“已注销用户”的名义保留在统计里，不再能认出是您。
        </p>
        {staff ? (
          <p className="notice">
            您还担任书院或总部的工作角色，需先请总部管理员撤销这些角色，才能注销账号。
          </p>
        ) : (
          <Form method="post" className="form" {...getFormProps(form)}>
            <FormErrors errors={form.errors} id={form.errorId} />
            <Field
              label="密码（确认是您本人）"
              meta={fields.password}
              type="password"
              autoComplete="current-password"
            />
            <div className={`field${fields.confirm.errors?.length ? " has-error" : ""}`}>
              <label className="choice" htmlFor={fields.confirm.id}>
                <input
                  type="checkbox"
                  id={fields.confirm.id}
                  name={fields.confirm.name}
                  aria-describedby={
                    fields.confirm.errors?.length ? fields.confirm.errorId : undefined
                  }
                />
                我了解注销后不能恢复
              </label>
              {fields.confirm.errors?.length ? (
                <p className="error" id={fields.confirm.errorId} role="alert">
                  {fields.confirm.errors.join("；")}
                </p>
              ) : null}
            </div>
            <button type="submit" className="danger">
              注销我的账号
            </button>
          </Form>
        )}
      </section>
    </div>
  );
}
