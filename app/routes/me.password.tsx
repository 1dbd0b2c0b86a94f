import { getFormProps, useForm } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData } from "@remix-run/react";
import { getDb } from "@db/client";
import { Field, FormErrors, useClearPasswords } from "~/components/forms";
import { requireActor } from "~/modules/auth/request.server";
import { DEVICE_COOKIE } from "~/modules/auth/device.server";
import { readCookie, sessionCookie } from "~/modules/auth/session.server";
import { clientIp } from "~/utils/http";
import { changePassword } from "~/modules/auth/users.server";
import { changePasswordSchema } from "~/modules/auth/validation";
import { readForm } from "~/utils/csrf.server";
import { replyInvalid, replyWithUserError } from "~/utils/forms.server";

export const meta: MetaFunction = () => [{ title: "修改密码 · 厦门社区书院" }];

export async function loader({ request }: LoaderFunctionArgs) {
  requireActor(request);
  return null;
}

export async function action({ request }: ActionFunctionArgs) {
  const actor = requireActor(request);
  const formData = await readForm(request);
  const submission = parseWithZod(formData, { schema: changePasswordSchema });
  const hide = ["currentPassword", "newPassword"];
  if (submission.status !== "success") return replyInvalid(submission, hide);
  try {
    const { token, session } = await changePassword(
      getDb(),
      actor,
      submission.value,
      clientIp(request),
      readCookie(request, DEVICE_COOKIE),
    );
    return redirect("/me?password=1", {
      headers: { "Set-Cookie": sessionCookie(request, token, session.expiresAt) },
    });
  } catch (e) {
    return replyWithUserError(submission, e, hide);
  }
}

export default function ChangePasswordPage() {
  const lastResult = useActionData<typeof action>();
  const [form, fields] = useForm({
    lastResult,
    constraint: getZodConstraint(changePasswordSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: changePasswordSchema }),
  });
  useClearPasswords(form.id, lastResult);
  return (
    <div className="container">
      <h1>修改密码</h1>
      <p className="lead">修改后，其他手机和电脑上的登录会全部退出。</p>
      <Form method="post" {...getFormProps(form)} className="form">
        <FormErrors errors={form.errors} id={form.errorId} />
        <Field
          label="当前密码"
          meta={fields.currentPassword}
          type="password"
          autoComplete="current-password"
        />
        <Field
          label="新密码"
          meta={fields.newPassword}
          type="password"
          autoComplete="new-password"
          hint="至少 8 个字符"
        />
        <button type="submit">保存新密码</button>
      </Form>
    </div>
  );
}
