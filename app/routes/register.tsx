import { getFormProps, useForm } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { getDb } from "@db/client";
import { AcademyPickerField } from "~/components/academy-picker";
import { Field, FormErrors, SendCodeStep, useClearPasswords } from "~/components/forms";
import { academyDirectory } from "~/modules/auth/home-academy.server";
import { getActor } from "~/modules/auth/request.server";
import { sessionCookie } from "~/modules/auth/session.server";
import { requestSmsCode } from "~/modules/auth/sms-codes.server";
import { registerUser } from "~/modules/auth/users.server";
import { registerSchema, sendCodeSchema } from "~/modules/auth/validation";
import { readForm } from "~/utils/csrf.server";
import { replyWithUserError } from "~/utils/forms.server";
import { clientIp } from "~/utils/http";
import { z } from "~/utils/zod";

export const meta: MetaFunction = () => [{ title: "注册 · 厦门社区书院" }];

export async function loader({ request }: LoaderFunctionArgs) {
  if (getActor(request)) throw redirect("/me");
  return { directory: academyDirectory(getDb()) };
}

/** Which fields an intent checks: 获取验证码 the phone, 筛选书院 nothing, 注册 everything. */
function schemaFor(intent: FormDataEntryValue | null) {
  if (intent === "send-code") return sendCodeSchema as unknown as typeof registerSchema;
  if (intent === "filter") return z.object({}) as unknown as typeof registerSchema;
  return registerSchema;
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
  const db = getDb();
  try {
    if (intent === "send-code") {
      const { message } = await requestSmsCode(
        db,
        { phone: submission.value.phone, purpose: "register" },
        clientIp(request),
      );
      return { result: submission.reply({ hideFields: ["password"] }), notice: message };
    }
    if (intent === "filter")
      return { result: submission.reply({ hideFields: ["password"] }), notice: null };
    const { token, session } = await registerUser(db, submission.value, clientIp(request));
    return redirect("/me?welcome=1", {
      headers: { "Set-Cookie": sessionCookie(request, token, session.expiresAt) },
    });
  } catch (e) {
    return data(
      { result: replyWithUserError(submission, e, ["password"]).data, notice: null },
      { status: 400 },
    );
  }
}

export default function RegisterPage() {
  const { directory } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const lastResult = answer?.result;
  const [form, fields] = useForm({
    lastResult,
    constraint: getZodConstraint(registerSchema),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) =>
      parseWithZod(formData, { schema: schemaFor(formData.get("intent")) }),
  });
  useClearPasswords(form.id, lastResult);
  const initial = (lastResult?.initialValue ?? {}) as Record<string, string | undefined>;
  return (
    <div className="container">
      <h1>注册</h1>
      <p className="lead">注册后可以报名课程、为家人报名、查看学习档案。</p>
      <Form method="post" {...getFormProps(form)} className="form">
        <FormErrors errors={form.errors} id={form.errorId} />
        <Field
          label="手机号码"
          meta={fields.phone}
          type="tel"
          autoComplete="tel"
          inputMode="numeric"
          hint="11 位手机号，用于登录和接收验证码"
        />
        <SendCodeStep notice={answer?.notice} />
        <Field
          label="短信验证码"
          meta={fields.code}
          inputMode="numeric"
          autoComplete="one-time-code"
          maxLength={6}
          hint="6 位数字，10 分钟内有效"
        />
        <Field label="姓名" meta={fields.name} autoComplete="name" />
        <Field
          label="密码"
          meta={fields.password}
          type="password"
          autoComplete="new-password"
          hint="至少 8 个字符，可以是一句好记的话"
        />
        <AcademyPickerField
          directory={directory}
          initialValue={initial}
          field={fields.homeAcademyId}
        />
        <button type="submit" name="intent" value="register">
          注册
        </button>
        <p>
          已有账号？<Link to="/login">直接登录</Link>
        </p>
      </Form>
    </div>
  );
}
