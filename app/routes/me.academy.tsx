import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { getDb } from "@db/client";
import { AcademyPickerField } from "~/components/academy-picker";
import { FormErrors } from "~/components/forms";
import {
  academyDirectory,
  getHomeAcademy,
  setHomeAcademy,
} from "~/modules/auth/home-academy.server";
import { requireActor } from "~/modules/auth/request.server";
import { homeAcademySchema } from "~/modules/auth/validation";
import { readForm } from "~/utils/csrf.server";
import { formatDate } from "~/utils/dates";
import { replyWithUserError } from "~/utils/forms.server";
import { clientIp } from "~/utils/http";
import { z } from "~/utils/zod";

export const meta: MetaFunction = () => [{ title: "我的书院 · 厦门社区书院" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = requireActor(request);
  const db = getDb();
  return { home: getHomeAcademy(db, actor), directory: academyDirectory(db) };
}

function schemaFor(intent: FormDataEntryValue | null) {
  return (intent === "filter" ? z.object({}) : homeAcademySchema) as typeof homeAcademySchema;
}

export async function action({ request }: ActionFunctionArgs) {
  const actor = requireActor(request);
  const formData = await readForm(request);
  const intent = formData.get("intent");
  const submission = parseWithZod(formData, { schema: schemaFor(intent) });
  if (submission.status !== "success") return data(submission.reply(), { status: 400 });
  if (intent === "filter") return submission.reply();
  try {
    setHomeAcademy(getDb(), actor, submission.value.homeAcademyId, clientIp(request));
    return redirect("/me/academy?saved=1");
  } catch (e) {
    return replyWithUserError(submission, e);
  }
}

export default function MyAcademyPage() {
  const { home, directory } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [params] = useSearchParams();
  const [form, fields] = useForm({
    lastResult,
    shouldValidate: "onSubmit",
    onValidate: ({ formData }) =>
      parseWithZod(formData, { schema: schemaFor(formData.get("intent")) }),
  });
  const initial = (lastResult?.initialValue ?? {}) as Record<string, string | undefined>;
  const locked = home.nextChangeAt != null && home.nextChangeAt > Date.now();
  return (
    <div className="container">
      <p>
        <Link to="/me">← 我的</Link>
      </p>
      <h1>我的书院</h1>
      {params.get("saved") ? (
        <p className="notice" role="status">
          已保存。找课程班时会先显示您所在区的课程。
        </p>
      ) : null}
      {home.academy ? (
        <dl className="facts" data-testid="home-academy">
          <dt>书院</dt>
          <dd>
            <Link to={`/academies/${home.academy.slug}`}>{home.academy.name}</Link>（
            {home.academy.districtName}）
          </dd>
          <dt>地址</dt>
          <dd>{home.academy.address}</dd>
        </dl>
      ) : (
        <p>您还没有选择书院。选择离家最近的社区书院后，本社区居民优先的课程您可以优先报名。</p>
      )}
      <p className="hint">
        我的书院每 30 天只能更换一次
        {locked ? `，下次可在 ${formatDate(home.nextChangeAt!)} 之后更换` : ""}。
      </p>
      <Form method="post" {...getFormProps(form)} className="form">
        <FormErrors errors={form.errors} id={form.errorId} />
        <AcademyPickerField
          directory={directory}
          initialValue={initial}
          field={fields.homeAcademyId}
        />
        <button type="submit" name="intent" value="save">
          {home.academy ? "更换为这个书院" : "保存"}
        </button>
      </Form>
    </div>
  );
}
