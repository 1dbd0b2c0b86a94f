import { getFormProps, useForm } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData } from "@remix-run/react";
import { getDb } from "@db/client";
import { Field, FormErrors, useClearPasswords } from "~/components/forms";
import { getActor } from "~/modules/auth/request.server";
import { sessionCookie } from "~/modules/auth/session.server";
import { registerUser } from "~/modules/auth/users.server";
import { registerSchema } from "~/modules/auth/validation";
import { readForm } from "~/utils/csrf.server";
import { replyInvalid, replyWithUserError } from "~/utils/forms.server";
import { clientIp } from "~/utils/http";

export const meta: MetaFunction = () => [{ title: "注册 · 厦门社区书院" }];

export async function loader({ request }: LoaderFunctionArgs) {
  if (getActor(request)) throw redirect("/me");
  return null;
}

export async function action({ request }: ActionFunctionArgs) {
  const formData = await readForm(request);
  const submission = parseWithZod(formData, { schema: registerSchema });
  if (submission.status !== "success") return replyInvalid(submission, ["password"]);
  try {
    const { token, session } = await registerUser(getDb(), submission.value, clientIp(request));
    return redirect("/me?welcome=1", { headers: { "Set-Cookie": sessionCookie(request, token, session.expiresAt) } });
  } catch (e) {
    return replyWithUserError(submission, e, ["password"]);
  }
}

export default function RegisterPage() {
  const lastResult = useActionData<typeof action>();
  const [form, fields] = useForm({
    lastResult,
    constraint: getZodConstraint(registerSchema),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: registerSchema }),
  });
  useClearPasswords(form.id, lastResult);
  return (
    <div className="container">
      <h1>注册</h1>
      <p className="lead">注册后可以报名课程、为家人报名、查看学习档案。</p>
      <Form method="post" {...getFormProps(form)} className="form">
        <FormErrors errors={form.errors} id={form.errorId} />
        <Field label="手机号码" meta={fields.phone} type="tel" autoComplete="tel" inputMode="numeric" hint="11 位手机号，用于登录" />
        <Field label="姓名" meta={fields.name} autoComplete="name" />
        <Field label="密码" meta={fields.password} type="password" autoComplete="new-password" hint="至少 8 个字符，可以是一句好记的话" />
        <button type="submit">注册</button>
        <p>
          已有账号？<Link to="/login">直接登录</Link>
        </p>
      </Form>
    </div>
  );
}
