import { getFormProps, useForm } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { getDb } from "@db/client";
import { Field, FormErrors, useClearPasswords } from "~/components/forms";
import { getActor } from "~/modules/auth/request.server";
import { DEVICE_COOKIE, deviceCookie } from "~/modules/auth/device.server";
import { insecureLoginTarget, readCookie, sessionCookie } from "~/modules/auth/session.server";
import { login } from "~/modules/auth/users.server";
import { loginSchema } from "~/modules/auth/validation";
import { readForm } from "~/utils/csrf.server";
import { replyInvalid, replyWithUserError } from "~/utils/forms.server";
import { clientIp, safeRedirectPath } from "~/utils/http";

export const meta: MetaFunction = () => [{ title: "登录 · 厦门社区书院" }];

export async function loader({ request }: LoaderFunctionArgs) {
  if (getActor(request)) {
    throw redirect(safeRedirectPath(new URL(request.url).searchParams.get("redirectTo"), "/me"));
  }
  return { httpsLogin: insecureLoginTarget(request) };
}

export async function action({ request }: ActionFunctionArgs) {
  const formData = await readForm(request);
  const submission = parseWithZod(formData, { schema: loginSchema });
  if (submission.status !== "success") return replyInvalid(submission, ["password"]);
  try {
    const to = safeRedirectPath(submission.value.redirectTo, "/me");
    const { token, session, device } = await login(
      getDb(),
      submission.value,
      clientIp(request),
      readCookie(request, DEVICE_COOKIE),
    );
    const headers = new Headers();
    headers.append("Set-Cookie", sessionCookie(request, token, session.expiresAt));
    headers.append("Set-Cookie", deviceCookie(request, device));
    return redirect(to, { headers });
  } catch (e) {
    return replyWithUserError(submission, e, ["password"]);
  }
}

export default function LoginPage() {
  const lastResult = useActionData<typeof action>();
  const { httpsLogin } = useLoaderData<typeof loader>();
  const [searchParams] = useSearchParams();
  const [form, fields] = useForm({
    lastResult,
    constraint: getZodConstraint(loginSchema),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: loginSchema }),
  });
  useClearPasswords(form.id, lastResult);
  return (
    <div className="container">
      <h1>登录</h1>
      {httpsLogin ? (
        <p className="notice warn" role="alert">
          这个地址（http）不能安全地保存登录状态。请改用 <a href={httpsLogin}>{httpsLogin}</a>{" "}
          登录。
        </p>
      ) : null}
      {searchParams.get("expired") ? <p className="notice warn">登录已过期，请重新登录。</p> : null}
      {searchParams.get("reset") ? <p className="notice">新密码已设置，请用新密码登录。</p> : null}
      <Form method="post" {...getFormProps(form)} className="form">
        <FormErrors errors={form.errors} id={form.errorId} />
        <input type="hidden" name="redirectTo" value={searchParams.get("redirectTo") ?? ""} />
        <Field
          label="手机号码"
          meta={fields.phone}
          type="tel"
          autoComplete="username"
          inputMode="numeric"
        />
        <Field
          label="密码"
          meta={fields.password}
          type="password"
          autoComplete="current-password"
        />
        <button type="submit">登录</button>
        <p>
          <Link to="/forgot-password">忘记密码？</Link>
        </p>
        <p>
          还没有账号？<Link to="/register">注册一个</Link>
        </p>
      </Form>
    </div>
  );
}
