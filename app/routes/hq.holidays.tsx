import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { getDb } from "@db/client";
import { isHq } from "~/modules/auth/permissions";
import { requireActorWith } from "~/modules/auth/request.server";
import { addHolidays, listHolidays, removeHoliday } from "~/modules/scheduling/calendar.server";
import { shortDateLabel, todayLocal } from "~/utils/time";
import { readForm } from "~/utils/csrf.server";
import { isUserError } from "~/utils/errors";
import { clientIp, queryCount } from "~/utils/http";

export const meta: MetaFunction = () => [{ title: "节假日 · 总部" }];

export async function loader({ request }: LoaderFunctionArgs) {
  requireActorWith(request, isHq);
  const showPast = new URL(request.url).searchParams.get("past") === "1";
  const from = showPast ? undefined : todayLocal().slice(0, 4) + "-01-01";
  const list = listHolidays(getDb(), { from });
  return {
    showPast,
    holidays: list.map((h) => ({ ...h, label: shortDateLabel(h.date), year: h.date.slice(0, 4) })),
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const actor = requireActorWith(request, isHq);
  const form = await readForm(request);
  const db = getDb();
  try {
    if (form.get("intent") === "remove") {
      removeHoliday(db, actor, Number(form.get("id")), clientIp(request));
      return redirect("/hq/holidays?done=removed");
    }
    const n = addHolidays(
      db,
      actor,
      {
        from: String(form.get("from") ?? ""),
        to: String(form.get("to") ?? ""),
        name: String(form.get("name") ?? ""),
      },
      clientIp(request),
    );
    return redirect(`/hq/holidays?done=added&n=${n}`);
  } catch (e) {
    if (!isUserError(e)) throw e;
    return {
      error: e.message,
      field: e.field ?? null,
      values: {
        from: String(form.get("from") ?? ""),
        to: String(form.get("to") ?? ""),
        name: String(form.get("name") ?? ""),
      },
    };
  }
}

export default function Holidays() {
  const { holidays, showPast } = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  const [params] = useSearchParams();
  const years = [...new Set(holidays.map((h) => h.year))];
  const err = (field: string) =>
    a?.field === field ? (
      <p className="error" role="alert" id={`h-${field}-error`}>
        {a.error}
      </p>
    ) : null;
  return (
    <>
      <h1>节假日</h1>
      <p className="lead">
        全市书院按周排课时都会跳过这些日期（例如国庆、春节）。国务院公布放假安排后，请在这里更新。
      </p>
      {params.get("done") === "added" ? (
        <p className="notice">已添加 {queryCount(params, "n") ?? 0} 天。</p>
      ) : null}
      {params.get("done") === "removed" ? <p className="notice">已删除。</p> : null}
      {a && !a.field ? <p className="form-error">{a.error}</p> : null}
      <h2>添加节假日</h2>
      <Form method="post" className="form">
        <input type="hidden" name="intent" value="add" />
        <div className={`field${a?.field === "name" ? " has-error" : ""}`}>
          <label htmlFor="h-name">名称</label>
          <input
            id="h-name"
            name="name"
            type="text"
            maxLength={20}
            placeholder="例如：国庆节"
            defaultValue={a?.values.name}
          />
          {err("name")}
        </div>
        <div className="two-cols">
          <div className={`field${a?.field === "from" ? " has-error" : ""}`}>
            <label htmlFor="h-from">从</label>
            <input id="h-from" name="from" type="date" defaultValue={a?.values.from} />
            {err("from")}
          </div>
          <div className={`field${a?.field === "to" ? " has-error" : ""}`}>
            <label htmlFor="h-to">到（只放一天可不填）</label>
            <input id="h-to" name="to" type="date" defaultValue={a?.values.to} />
            {err("to")}
          </div>
        </div>
        <button type="submit">添加</button>
      </Form>
      <p>
        {showPast ? (
          <a href="/hq/holidays">只看今年和以后</a>
        ) : (
          <a href="/hq/holidays?past=1">包括往年</a>
        )}
      </p>
      {years.map((y) => (
        <section key={y} aria-labelledby={`y-${y}`}>
          <h2 id={`y-${y}`}>{y} 年</h2>
          <ul className="stack plain-list" data-testid="holiday-list">
            {holidays
              .filter((h) => h.year === y)
              .map((h) => (
                <li key={h.id} className="inline-form">
                  <span>
                    {h.label} · {h.name}
                  </span>
                  <Form method="post">
                    <input type="hidden" name="intent" value="remove" />
                    <input type="hidden" name="id" value={h.id} />
                    <button
                      type="submit"
                      className="secondary small"
                      aria-label={`删除 ${h.label} ${h.name}`}
                    >
                      删除
                    </button>
                  </Form>
                </li>
              ))}
          </ul>
        </section>
      ))}
    </>
  );
}
