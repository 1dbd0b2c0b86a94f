import { getFormProps, useForm } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData } from "@remix-run/react";
import { getDb } from "@db/client";
import { Field, FormErrors, SendCodeStep, useClearPasswords } from "~/components/forms";
import { requestSmsCode } from "~/modules/auth/sms-codes.server";
import { resetPassword } from "~/modules/auth/users.server";
import { resetPasswordSchema, sendCodeSchema } from "~/modules/auth/validation";
import { readForm } from "~/utils/csrf.server";
import { replyWithUserError } from "~/utils/forms.server";
import { clientIp } from "~/utils/http";

export const meta: MetaFunction = () => [{ title: "忘记密码 · 厦门社区书院" }];

/** 获取验证码 checks only the phone (typed as the full schema: the form's fields are the same). */
function schemaFor(intent: FormDataEntryValue | null) {
  return (
    intent === "send-code" ? sendCodeSchema : resetPasswordSchema
  ) as typeof resetPasswordSchema;
}

export async function action({ request }: ActionFunctionArgs) {
  const formData = await readForm(request);
  const intent = formData.get("intent");
  const submission = parseWithZod(formData, { schema: schemaFor(intent) });
  if (submission.status !== "success")
    return data(
      { result: submission.reply({ hideFields: ["password"] }), notice: null },
      { status: 400 },
    );
  try {
    if (intent === "send-code") {
      const { message } = await requestSmsCode(
        getDb(),
        { phone: submission.value.phone, purpose: "reset" },
        clientIp(request),
      );
      return { result: submission.reply({ hideFields: ["password"] }), notice: message };
    }
    await resetPassword(getDb(), submission.value, clientIp(request));
    return redirect("/login?reset=1");
  } catch (e) {
    return data(
      { result: replyWithUserError(submission, e, ["password"]).data, notice: null },
      { status: 400 },
    );
  }
}

export default function ForgotPasswordPage() {
  const answer = useActionData<typeof action>();
  const lastResult = answer?.result;
  const [form, fields] = useForm({
    lastResult,
    constraint: getZodConstraint(resetPasswordSchema),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) =>
      parseWithZod(formData, { schema: schemaFor(formData.get("intent")) }),
  });
  useClearPasswords(form.id, lastResult);
  return (
    <div className="container">
      <h1>忘记密码</h1>
      <p className="lead">
        用注册时的手机号接收短信验证码，设置新密码。设置后，所有设备上的登录都会退出。
      </p>
      <Form method="post" {...getFormProps(form)} className="form">
        <FormErrors errors={form.errors} id={form.errorId} />
        <Field
          label="手机号码"
          meta={fields.phone}
          type="tel"
          autoComplete="username"
          inputMode="numeric"
        />
        <SendCodeStep notice={answer?.notice} />
        <Field
          label="短信验证码"
          meta={fields.code}
          inputMode="numeric"
          autoComplete="one-time-code"
          maxLength={6}
          hint="6 位数字，10 分钟内有效，最多输错 5 次"
        />
        <Field
          label="新密码"
          meta={fields.password}
          type="password"
          autoComplete="new-password"
          hint="至少 8 个字符，可以是一句好记的话"
        />
        <button type="submit" name="intent" value="reset">
          设置新密码
        </button>
        <p>
          想起来了？<Link to="/login">返回登录</Link>
        </p>
      </Form>
    </div>
  );
}
