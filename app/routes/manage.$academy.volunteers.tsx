import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { getDb } from "@db/client";
import { requireActor } from "~/modules/auth/request.server";
import {
  confirmVolunteer,
  listAcademyVolunteers,
  recordVolunteerHours,
} from "~/modules/community/volunteers.server";
import { hoursLabel } from "~/modules/learning/rules";
import { requireManagedAcademy } from "~/modules/scheduling/access.server";
import { todayLocal } from "~/utils/time";
import { readForm } from "~/utils/csrf.server";
import { formatDate } from "~/utils/dates";
import { isUserError } from "~/utils/errors";
import { clientIp } from "~/utils/http";

export const meta: MetaFunction = () => [{ title: "志愿者 · 书院管理" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = requireActor(request);
  const db = getDb();
  const academy = requireManagedAcademy(db, actor, params.academy ?? "");
  return { rows: listAcademyVolunteers(db, actor, academy.id), today: todayLocal() };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const actor = requireActor(request);
  const db = getDb();
  const academy = requireManagedAcademy(db, actor, params.academy ?? "");
  const form = await readForm(request);
  const id = Number(form.get("signupId"));
  const values = {
    serviceDate: String(form.get("serviceDate") ?? ""),
    hours: String(form.get("hours") ?? ""),
    note: String(form.get("note") ?? "").slice(0, 200),
  };
  try {
    if (!Number.isInteger(id) || id <= 0) return redirect(`/manage/${academy.slug}/volunteers`);
    if (form.get("intent") === "confirm") confirmVolunteer(db, actor, id, clientIp(request));
    else recordVolunteerHours(db, actor, id, values, clientIp(request));
    return redirect(
      `/manage/${academy.slug}/volunteers?done=${form.get("intent") === "confirm" ? "confirm" : "hours"}`,
    );
  } catch (e) {
    if (!isUserError(e)) throw e;
    return data({ id, field: e.field ?? null, message: e.message, values }, { status: 400 });
  }
}

export default function ManageVolunteers() {
  const { rows, today } = useLoaderData<typeof loader>();
  const err = useActionData<typeof action>();
  const [params] = useSearchParams();
  return (
    <>
      <h1>志愿者</h1>
      <p className="lead">
        居民报名后由书院确认；每次服务后记录时长，计入本人的志愿服务时长（与志愿讲师的授课时长合并），显示在“我的”和志愿服务证明上。
      </p>
      {params.get("done") === "confirm" ? (
        <p className="notice">已确认，志愿者会收到消息。</p>
      ) : null}
      {params.get("done") === "hours" ? <p className="notice">时长已记录。</p> : null}
      {rows.length === 0 ? <p className="muted">还没有志愿者报名。</p> : null}
      <ul className="stack" data-testid="manage-volunteers">
        {rows.map((r) => {
          const mine = err?.id === r.id;
          return (
            <li key={r.id} className="card">
              <strong>{r.name}</strong> ·{" "}
              {r.organisationName ??
                (r.activityTitle ? (
                  <Link to={`/activities/${r.activityId}`}>活动「{r.activityTitle}」</Link>
                ) : (
                  "活动"
                ))}{" "}
              · {r.status === "applied" ? "待确认" : "已确认"} · 累计 {hoursLabel(r.minutes)}
              <p className="muted">
                报名于 {formatDate(r.createdAt)}
                {r.note ? ` · “${r.note}”` : ""}
              </p>
              {r.status === "applied" ? (
                <Form method="post">
                  <input type="hidden" name="signupId" value={r.id} />
                  <button type="submit" name="intent" value="confirm">
                    确认志愿者
                  </button>
                  {mine ? (
                    <p className="error" role="alert">
                      {err.message}
                    </p>
                  ) : null}
                </Form>
              ) : (
                <Form method="post" className="form">
                  <input type="hidden" name="signupId" value={r.id} />
                  <input type="hidden" name="intent" value="hours" />
                  <div
                    className={`field${mine && err.field === "serviceDate" ? " has-error" : ""}`}
                  >
                    <label htmlFor={`d-${r.id}`}>服务日期</label>
                    <input
                      id={`d-${r.id}`}
                      type="date"
                      name="serviceDate"
                      max={today}
                      defaultValue={mine ? err.values.serviceDate : today}
                    />
                  </div>
                  <div className={`field${mine && err.field === "hours" ? " has-error" : ""}`}>
                    <label htmlFor={`h-${r.id}`}>时长（小时）</label>
                    <input
                      id={`h-${r.id}`}
                      type="number"
                      name="hours"
                      step="0.5"
                      min="0.5"
                      max="24"
                      inputMode="decimal"
                      defaultValue={mine ? err.values.hours : ""}
                    />
                  </div>
                  <div className="field">
                    <label htmlFor={`n-${r.id}`}>服务内容（选填）</label>
                    <input
                      id={`n-${r.id}`}
                      name="note"
                      maxLength={100}
                      defaultValue={mine ? err.values.note : ""}
                    />
                  </div>
                  {mine ? (
                    <p className="error" role="alert">
                      {err.message}
                    </p>
                  ) : null}
                  <button type="submit" className="secondary">
                    记录时长
                  </button>
                </Form>
              )}
            </li>
          );
        })}
      </ul>
    </>
  );
}
