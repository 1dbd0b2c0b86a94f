import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { getDb } from "@db/client";
import { Field, FormErrors } from "~/components/forms";
import { requireActor } from "~/modules/auth/request.server";
import { requireManagedAcademy } from "~/modules/scheduling/access.server";
import {
  addClosedDates,
  listClosedDates,
  listHolidays,
  removeClosedDate,
} from "~/modules/scheduling/calendar.server";
import { shortDateLabel, todayLocal } from "~/utils/time";
import { readForm } from "~/utils/csrf.server";
import { replyInvalid, replyWithUserError } from "~/utils/forms.server";
import { clientIp } from "~/utils/http";
import { z } from "~/utils/zod";

export const meta: MetaFunction = () => [{ title: "闭馆日 · 书院管理" }];

const schema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("add"),
    from: z.string({ error: "请选择日期。" }),
    to: z.string().optional(),
    reason: z.string().trim().max(60, "原因最多 60 个字。").default(""),
  }),
  z.object({ intent: z.literal("remove"), id: z.coerce.number().int().positive() }),
]);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = requireActor(request);
  const db = getDb();
  const academy = requireManagedAcademy(db, actor, params.academy ?? "");
  const from = todayLocal();
  return {
    closed: listClosedDates(db, academy.id, { from }).map((c) => ({
      ...c,
      label: shortDateLabel(c.date),
    })),
    holidays: listHolidays(db, { from }).map((h) => ({ ...h, label: shortDateLabel(h.date) })),
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const actor = requireActor(request);
  const db = getDb();
  const academy = requireManagedAcademy(db, actor, params.academy ?? "");
  const submission = parseWithZod(await readForm(request), { schema });
  if (submission.status !== "success") return replyInvalid(submission);
  try {
    if (submission.value.intent === "remove")
      removeClosedDate(db, actor, submission.value.id, clientIp(request));
    else addClosedDates(db, actor, academy.id, submission.value, clientIp(request));
    return redirect(`/manage/${academy.slug}/closed?done=${submission.value.intent}`);
  } catch (e) {
    return replyWithUserError(submission, e);
  }
}

export default function ClosedDates() {
  const { closed, holidays } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [params] = useSearchParams();
  const [form, fields] = useForm<{ from: string; to: string; reason: string }>({
    id: "closed",
    lastResult,
  });
  return (
    <>
      <h1>闭馆日</h1>
      <p className="lead">闭馆日和总部公布的节假日都不排课：按周排课时会自动跳过这些日期。</p>
      {params.get("done") === "add" ? (
        <p className="notice">闭馆日已添加。已排好的课不会自动取消，请到开课页调课或停课。</p>
      ) : null}
      {params.get("done") === "remove" ? <p className="notice">已取消这个闭馆日。</p> : null}
      <h2>本书院的闭馆日</h2>
      {closed.length === 0 ? <p className="muted">没有安排闭馆日。</p> : null}
      <ul className="stack">
        {closed.map((c) => (
          <li key={c.id} className="inline-form">
            <span>
              {c.label}：{c.reason}
            </span>
            <Form method="post">
              <input type="hidden" name="intent" value="remove" />
              <input type="hidden" name="id" value={c.id} />
              <button type="submit" className="secondary small">
                取消闭馆
              </button>
            </Form>
          </li>
        ))}
      </ul>
      <h2>添加闭馆日</h2>
      <Form method="post" {...getFormProps(form)} className="form">
        <FormErrors errors={form.errors} id={form.errorId} />
        <input type="hidden" name="intent" value="add" />
        <Field label="从" meta={fields.from} type="date" />
        <Field label="到（只闭馆一天可不填）" meta={fields.to} type="date" />
        <Field label="原因" meta={fields.reason} hint="例如：消防检查、场地维修" />
        <button type="submit">添加</button>
      </Form>
      <h2>总部公布的节假日</h2>
      <p className="muted">由总部统一维护{holidays.length ? "" : "，目前没有以后的节假日"}。</p>
      <ul className="chips">
        {holidays.map((h) => (
          <li key={h.id} className="tag">
            {h.label} {h.name}
          </li>
        ))}
      </ul>
      <p>
        <Link to="..">← 返回周课表</Link>
      </p>
    </>
  );
}
