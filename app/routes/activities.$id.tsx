import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import {
  Form,
  Link,
  useActionData,
  useLoaderData,
  useNavigation,
  useSearchParams,
} from "@remix-run/react";
import { getDb } from "@db/client";
import { noteSameRead } from "@db/read-checks";
import { ActivitySeatsLine, ActivityTypeTag } from "~/components/activities";
import { getActor, requireActor } from "~/modules/auth/request.server";
import { getActivityDetail } from "~/modules/community/activities-read.server";
import {
  cancelActivityRegistration,
  registerForActivity,
} from "~/modules/community/activities-registration.server";
import {
  myActivityVolunteering,
  volunteerForActivity,
} from "~/modules/community/volunteers.server";
import { formatMoment, formatSessionRange } from "~/utils/time";
import { readForm } from "~/utils/csrf.server";
import { isUserError } from "~/utils/errors";
import { badRequest, parseIdParam } from "~/utils/http";
import { z } from "~/utils/zod";
import type { CacheHandle } from "~/utils/html-cache.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  {
    title: data
      ? `${data.activity.title} · ${data.activity.academyName} · 厦门社区书院`
      : "社区活动 · 厦门社区书院",
  },
  { name: "description", content: data?.activity.description.slice(0, 120) ?? "" },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const id = parseIdParam(params.id, "没有找到这个活动。");
  const actor = getActor(request);
  const db = getDb();
  const now = Date.now();
  // Kept by the page cache while the activity reads the same again (db/read-checks.ts): a rush on
  // another activity or class leaves this page cached.
  const detail = noteSameRead(getActivityDetail(db, actor, id, now), () =>
    getActivityDetail(getDb(), actor, id, now),
  );
  return {
    ...detail,
    volunteering: myActivityVolunteering(db, actor, id),
    signedIn: !!actor,
  };
}

const schema = z.object({
  intent: z.enum(["register", "cancel", "volunteer"]),
  memberId: z.preprocess(
    (v) => (v === "" || v == null ? undefined : v),
    z.coerce.number().int().positive().optional(),
  ),
  note: z.string().max(2000).optional(),
});

/**
 * `intent=register|cancel` (optional `memberId`): success redirects with `?result=confirmed|waitlisted&position=N|cancelled`.
 * `intent=volunteer` (optional `note`): 我要当志愿者, redirects with `?result=volunteer#volunteer`.
 */
export async function action({ request, params }: ActionFunctionArgs) {
  const id = parseIdParam(params.id, "没有找到这个活动。");
  const actor = requireActor(request);
  const parsed = schema.safeParse(Object.fromEntries(await readForm(request)));
  if (!parsed.success) badRequest("报名请求有误：请用活动页面上的按钮报名或取消。");
  const { intent, memberId, note } = parsed.data;
  if (intent === "volunteer") {
    try {
      volunteerForActivity(getDb(), actor, id, { note: note ?? "" });
      return redirect(`/activities/${id}?result=volunteer#volunteer`);
    } catch (e) {
      if (!isUserError(e)) throw e;
      return data({ error: e.message, intent, memberId: null, note: note ?? "" }, { status: 400 });
    }
  }
  try {
    if (intent === "register") {
      const out = await registerForActivity(getDb(), actor, { activityId: id, memberId });
      return redirect(
        `/activities/${id}?result=${out.status}${out.position ? `&position=${out.position}` : ""}#register`,
      );
    }
    cancelActivityRegistration(getDb(), actor, { activityId: id, memberId });
    return redirect(`/activities/${id}?result=cancelled#register`);
  } catch (e) {
    if (!isUserError(e)) throw e;
    return data(
      { error: e.message, intent, memberId: memberId ?? null, note: "" },
      { status: 400 },
    );
  }
}

const RESULT_TEXT: Record<string, string> = {
  confirmed: "报名成功！请按时参加，活动开始前 30 分钟起可以扫码签到。",
  cancelled: "已取消报名。",
};

export default function ActivityPage() {
  const {
    activity: a,
    counts,
    mine,
    family,
    photos,
    started,
    ended,
    participations,
    canManage,
    nextInSeries,
    signedIn,
    volunteering,
  } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const busy = useNavigation().state === "submitting";
  const outcome = params.get("result");
  const registeredIds = new Set(mine.map((m) => m.familyMemberId ?? 0));
  const canRegister = a.registration && a.registrationOpen;
  const choices = [
    { id: 0, label: "本人" },
    ...family.map((f) => ({ id: f.id, label: `${f.relation} ${f.name}` })),
  ].filter((c) => !registeredIds.has(c.id));
  return (
    <div className="container">
      <p className="breadcrumb">
        <Link to="/activities">社区活动</Link> ›{" "}
        <Link to={`/academies/${a.academySlug}`}>{a.academyName}</Link>
      </p>
      <div className="page-header">
        <p className="class-card-meta">
          <ActivityTypeTag type={a.type} /> <ActivitySeatsLine row={a} />
        </p>
        <h1>{a.title}</h1>
        {canManage ? (
          <p>
            <Link to={`/manage/${a.academySlug}/activities/${a.id}`}>管理这个活动 →</Link>
          </p>
        ) : null}
      </div>
      {a.status === "cancelled" ? (
        <p className="form-error" role="alert">
          这个活动已取消：{a.cancelReason}
        </p>
      ) : null}
      <dl className="facts" data-testid="activity-facts">
        <dt>时间</dt>
        <dd>{formatSessionRange(a.startsAt, a.endsAt)}</dd>
        <dt>地点</dt>
        <dd>
          {a.academyName}（{a.districtName}）· {a.roomName ?? a.place}
        </dd>
        <dt>主办</dt>
        <dd>
          {a.organisationName
            ? `${a.organisationName}（${a.academyName}孵化的居民组织）`
            : a.academyName}
        </dd>
        {a.audience ? (
          <>
            <dt>面向</dt>
            <dd>{a.audience}</dd>
          </>
        ) : null}
        <dt>报名</dt>
        <dd>
          {a.registration
            ? `需要报名，共 ${a.capacity} 个名额${counts ? `，已报 ${counts.confirmed} 人${counts.waitlisted ? `，候补 ${counts.waitlisted} 人` : ""}` : ""}`
            : "不需要报名，直接到场参加"}
        </dd>
        {participations ? (
          <>
            <dt>参与人次</dt>
            <dd data-testid="activity-participations">{participations.total}</dd>
          </>
        ) : null}
      </dl>
      {a.description ? <p className="activity-description">{a.description}</p> : null}
      {nextInSeries.length ? (
        <p className="muted">
          这是每周重复的活动，之后的日期：
          {nextInSeries.map((n, i) => (
            <span key={n.id}>
              {i ? "、" : ""}
              <Link to={`/activities/${n.id}`}>{formatMoment(n.startsAt)}</Link>
            </span>
          ))}
        </p>
      ) : null}

      {a.registration && a.status === "scheduled" && !ended ? (
        <section className="card" id="register" aria-labelledby="register-h">
          <h2 id="register-h">报名</h2>
          {outcome === "confirmed" || outcome === "cancelled" ? (
            <p className="notice" role="status" data-testid="register-result">
              {RESULT_TEXT[outcome]}
            </p>
          ) : null}
          {outcome === "waitlisted" ? (
            <p className="notice warn" role="status" data-testid="register-result">
              名额已满，已加入候补，排第 {params.get("position")}{" "}
              位。有人取消时按顺序递补，并通过消息通知您。
            </p>
          ) : null}
          {mine.length ? (
            <ul className="plain-list" data-testid="my-registrations">
              {mine.map((m) => (
                <li key={m.id} className="activity-mine">
                  <span>
                    {m.familyMemberId ? `${m.relation} ${m.memberName}` : "本人"}：
                    {m.status === "confirmed" ? "已报名" : `候补第 ${m.position} 位`}
                  </span>
                  {!started ? (
                    <Form method="post" className="inline-form">
                      <input type="hidden" name="intent" value="cancel" />
                      <input type="hidden" name="memberId" value={m.familyMemberId ?? ""} />
                      <button type="submit" className="button secondary" disabled={busy}>
                        取消报名
                      </button>
                    </Form>
                  ) : null}
                </li>
              ))}
            </ul>
          ) : null}
          {result?.error && result.intent !== "volunteer" ? (
            <p className="form-error" role="alert" id="register-error">
              {result.error}
            </p>
          ) : null}
          {!signedIn ? (
            <p>
              <Link
                className="button"
                to={`/login?redirectTo=${encodeURIComponent(`/activities/${a.id}`)}`}
              >
                登录后报名
              </Link>
            </p>
          ) : canRegister && choices.length ? (
            <Form
              method="post"
              className="form"
              aria-describedby={
                result?.error && result.intent !== "volunteer" ? "register-error" : undefined
              }
            >
              <input type="hidden" name="intent" value="register" />
              {choices.length > 1 ? (
                <div className="field">
                  <label htmlFor="register-member">为谁报名</label>
                  <select
                    id="register-member"
                    name="memberId"
                    defaultValue={result?.memberId ?? ""}
                  >
                    {choices.map((c) => (
                      <option key={c.id} value={c.id || ""}>
                        {c.label}
                      </option>
                    ))}
                  </select>
                </div>
              ) : (
                <input type="hidden" name="memberId" value={choices[0]!.id || ""} />
              )}
              <button type="submit" disabled={busy} data-testid="register-button">
                {a.seatsLeft === 0 ? "加入候补" : "报名参加"}
              </button>
            </Form>
          ) : !canRegister ? (
            <p className="muted">报名已经截止。</p>
          ) : null}
        </section>
      ) : null}

      {a.status === "scheduled" && !ended ? (
        <section className="card" id="volunteer" aria-labelledby="volunteer-h">
          <h2 id="volunteer-h">志愿者</h2>
          {outcome === "volunteer" ? (
            <p className="notice" role="status" data-testid="volunteer-result">
              志愿者报名已提交，书院确认后会通过消息通知您；服务时长确认后计入您的志愿服务时长。
            </p>
          ) : null}
          {volunteering ? (
            <p data-testid="volunteer-state">
              您已报名做这个活动的志愿者（
              {volunteering.status === "active" ? "书院已确认" : "等待书院确认"}）。
            </p>
          ) : !signedIn ? (
            <p>
              <Link
                className="button secondary"
                to={`/login?redirectTo=${encodeURIComponent(`/activities/${a.id}#volunteer`)}`}
              >
                登录后报名当志愿者
              </Link>
            </p>
          ) : (
            <Form method="post" className="form" noValidate>
              <input type="hidden" name="intent" value="volunteer" />
              <div
                className={`field${result?.intent === "volunteer" && result.error ? " has-error" : ""}`}
              >
                <label htmlFor="volunteer-note">想做的事或特长（可不填）</label>
                <input
                  type="text"
                  id="volunteer-note"
                  name="note"
                  maxLength={200}
                  defaultValue={result?.intent === "volunteer" ? result.note : ""}
                  aria-invalid={result?.intent === "volunteer" && result.error ? true : undefined}
                  aria-describedby={
                    result?.intent === "volunteer" && result.error ? "volunteer-error" : undefined
                  }
                />
                {result?.intent === "volunteer" && result.error ? (
                  <p className="error" id="volunteer-error" role="alert">
                    {result.error}
                  </p>
                ) : null}
              </div>
              <button
                type="submit"
                className="secondary"
                disabled={busy}
                data-testid="volunteer-button"
              >
                我要当志愿者
              </button>
            </Form>
          )}
        </section>
      ) : null}
      {a.reportHtml || photos.length ? (
        <section aria-labelledby="report-h">
          <h2 id="report-h">活动报道</h2>
          {a.reportHtml ? (
            <div
              className="prose"
              data-testid="activity-report"
              dangerouslySetInnerHTML={{ __html: a.reportHtml }}
            />
          ) : null}
          {photos.length ? (
            <ul className="photo-grid">
              {photos.map((p) => (
                <li key={p.id}>
                  <img src={`/resources/${p.id}`} alt={p.title} loading="lazy" />
                </li>
              ))}
            </ul>
          ) : null}
        </section>
      ) : null}
    </div>
  );
}

/** What the loader reads, for the HTML cache of signed-out pages (db/change-topics.ts); seats
 * only where its check reads them again. */
export const handle = {
  cacheTopics: ["attendance", "catalog", "community", "network", "seats"],
  cacheChecked: ["seats"],
} satisfies CacheHandle;
