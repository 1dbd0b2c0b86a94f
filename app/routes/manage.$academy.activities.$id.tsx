import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { getDb } from "@db/client";
import { ActivityFields, ActivityTypeTag } from "~/components/activities";
import { FormErrors } from "~/components/forms";
import { RichEditor } from "~/components/rich-editor";
import { Check, LooseField, type FieldsOf } from "~/components/run-form";
import { FieldError, initialText } from "~/components/schedule";
import { requireActor } from "~/modules/auth/request.server";
import type { RichDoc } from "~/modules/catalog/richtext";
import { manageActivitySchema } from "~/modules/community/activities";
import { getActivityForManager } from "~/modules/community/activities-read.server";
import { addActivityWalkIn } from "~/modules/community/activities-registration.server";
import {
  cancelActivity,
  markActivityAttendance,
  recordHeadcount,
  saveActivityReport,
  updateActivity,
} from "~/modules/community/activities.server";
import { requireManagedAcademy } from "~/modules/scheduling/access.server";
import { formatSessionRange, localParts } from "~/utils/time";
import { readForm } from "~/utils/csrf.server";
import { replyInvalid, replyWithUserError } from "~/utils/forms.server";
import { clientIp, parseIdParam } from "~/utils/http";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.activity.title ?? "活动"} · 书院管理` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = requireActor(request);
  const db = getDb();
  const academy = requireManagedAcademy(db, actor, params.academy ?? "");
  const id = parseIdParam(params.id, "没有找到这个活动。");
  const d = getActivityForManager(db, actor, academy.id, id);
  const a = d.activity;
  const start = localParts(a.startsAt);
  return {
    openingHours: academy.openingHours,
    slug: academy.slug,
    activity: {
      id: a.id,
      title: a.title,
      type: a.type,
      status: a.status,
      cancelReason: a.cancelReason,
      seriesId: a.seriesId,
      startsAt: a.startsAt,
      endsAt: a.endsAt,
      headcount: a.headcount,
      registration: a.registration,
      report: a.report as RichDoc | null,
      reportHtml: a.reportHtml,
    },
    defaults: {
      title: a.title,
      type: a.type,
      description: a.description,
      audience: a.audience,
      organisationId: a.organisationId,
      roomId: a.roomId,
      place: a.place,
      date: start.date,
      startTime: start.time,
      endTime: localParts(a.endsAt).time,
      registration: a.registration,
      capacity: a.capacity,
    },
    roster: d.roster,
    participations: d.participations,
    venueCapacity: d.venueCapacity,
    started: d.started,
    ended: d.ended,
    rooms: d.rooms,
    organisations: d.organisations,
    images: d.images,
    photoIds: d.photoIds,
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const actor = requireActor(request);
  const db = getDb();
  const academy = requireManagedAcademy(db, actor, params.academy ?? "");
  const id = parseIdParam(params.id, "没有找到这个活动。");
  getActivityForManager(db, actor, academy.id, id);
  const submission = parseWithZod(await readForm(request), { schema: manageActivitySchema });
  if (submission.status !== "success") return replyInvalid(submission);
  const v = submission.value;
  const ip = clientIp(request);
  const base = `/manage/${academy.slug}/activities`;
  try {
    switch (v.intent) {
      case "update": {
        const { intent: _i, ...input } = v;
        const r = updateActivity(db, actor, id, input, ip);
        return redirect(`${base}/${id}?done=updated&notified=${r.notified}`);
      }
      case "cancel":
        cancelActivity(db, actor, id, { reason: v.reason, scope: v.scope }, ip);
        return redirect(`${base}?done=cancelled`);
      case "headcount":
        recordHeadcount(db, actor, id, { headcount: v.headcount, confirmLarge: v.confirmLarge }, ip);
        return redirect(`${base}/${id}?done=headcount#headcount`);
      case "attendance":
        markActivityAttendance(db, actor, id, v.registrationId, ip);
        return redirect(`${base}/${id}?done=attendance#roster`);
      case "report":
        saveActivityReport(db, actor, id, { report: v.report, photoIds: v.photoIds }, ip);
        return redirect(`${base}/${id}?done=report#report`);
      case "walkin": {
        const r = addActivityWalkIn(db, actor, { activityId: id, name: v.name, phone: v.phone }, ip, Date.now(), academy.id);
        return redirect(`${base}/${id}?done=${r.status === "confirmed" ? (r.present ? "walkin_present" : "walkin") : "walkin_waitlisted"}#roster`);
      }
    }
  } catch (e) {
    return replyWithUserError(submission, e);
  }
}

function resultFor(lastResult: SubmissionResult<string[]> | undefined, intent: string) {
  const iv = lastResult?.initialValue as Record<string, unknown> | null | undefined;
  return iv && iv.intent === intent ? lastResult : undefined;
}

const DONE: Record<string, string> = {
  created: "活动已创建。",
  updated: "已保存。",
  headcount: "现场人数已登记。",
  attendance: "点名已保存。",
  report: "活动报道已保存，活动页面上可以看到。",
  walkin: "已加入报名名单。",
  walkin_present: "已加入报名名单，并记为到场。",
  walkin_waitlisted: "名额已满，已加入候补名单。",
};

export default function ManageActivity() {
  const { slug, openingHours, activity: a, defaults, roster, participations, venueCapacity, started, ended, rooms, organisations, images, photoIds } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>() as SubmissionResult<string[]> | undefined;
  const [params] = useSearchParams();
  const busy = useNavigation().state === "submitting";
  const [editForm, editFields] = useForm({ id: "edit", lastResult: resultFor(lastResult, "update") });
  const [cancelForm, cancelFields] = useForm({ id: "cancel", lastResult: resultFor(lastResult, "cancel") });
  const [countForm, countFields] = useForm({ id: "headcount", lastResult: resultFor(lastResult, "headcount") });
  const [rollForm] = useForm({ id: "roll", lastResult: resultFor(lastResult, "attendance") });
  const [reportForm, reportFields] = useForm({ id: "report", lastResult: resultFor(lastResult, "report") });
  const [walkForm, walkFields] = useForm({ id: "walkin", lastResult: resultFor(lastResult, "walkin") });
  const wf = walkFields as unknown as FieldsOf;
  const done = params.get("done");
  const base = `/manage/${slug}/activities`;
  const count = Number(params.get("count") ?? 1);
  const confirmAsked = !!countFields.confirmLarge.errors?.length;
  const cf = countFields as unknown as FieldsOf;
  return (
    <>
      <p className="breadcrumb">
        <Link to={base}>← 活动</Link>
      </p>
      <div className="page-header">
        <p className="class-card-meta">
          <ActivityTypeTag type={a.type} /> {a.status === "cancelled" ? <span className="badge danger">已取消</span> : null}
        </p>
        <h1>{a.title}</h1>
        <p className="lead">{formatSessionRange(a.startsAt, a.endsAt)}</p>
        <p className="actions">
          <Link className="button secondary" to={`/activities/${a.id}`}>
            居民看到的活动页
          </Link>
          {a.status === "scheduled" ? (
            <Link className="button secondary" to={`${base}/${a.id}/checkin`}>
              扫码签到屏
            </Link>
          ) : null}
        </p>
      </div>
      {done && DONE[done] ? (
        <p className="notice" role="status" data-testid="activity-done">
          {done === "created" && count > 1 ? `每周重复的活动已创建，共 ${count} 场。` : DONE[done]}
          {done === "updated" && Number(params.get("notified")) ? ` 已通知 ${params.get("notified")} 位报名的居民。` : ""}
        </p>
      ) : null}
      {a.status === "cancelled" ? <p className="form-error">已取消：{a.cancelReason}</p> : null}

      <section className="card" aria-labelledby="participation-h">
        <h2 id="participation-h">参与人次</h2>
        <p className="big-number" data-testid="participation-total">
          {participations.total}
        </p>
        <p className="muted">
          扫码签到 {participations.checkins} 人 + 名单点到 {participations.registeredAttendance} 人 + 未登记到场 {participations.unregistered} 人
          {a.headcount != null ? `（现场清点共 ${a.headcount} 人，已签到和点到的不重复计算）` : "（尚未登记现场人数）"}
        </p>
      </section>

      {started && a.status === "scheduled" ? (
        <section id="headcount" aria-labelledby="headcount-h">
          <h2 id="headcount-h">登记现场人数</h2>
          <Form method="post" className="form" {...getFormProps(countForm)}>
            <input type="hidden" name="intent" value="headcount" />
            <FormErrors errors={countForm.errors} id={countForm.errorId} />
            <LooseField
              meta={cf.headcount!}
              label="现场总人数（含已扫码签到的人）"
              type="number"
              inputMode="numeric"
              min={0}
              fallback={a.headcount != null ? String(a.headcount) : ""}
              hint={venueCapacity ? `场地容量 ${venueCapacity} 人。已签到的人不会重复计算。` : "已签到的人不会重复计算。"}
            />
            {confirmAsked ? <Check meta={cf.confirmLarge!} label="人数无误，确认保存" fallback={false} /> : <FieldError meta={countFields.confirmLarge} />}
            <button type="submit" disabled={busy}>
              保存人数
            </button>
          </Form>
        </section>
      ) : null}

      {a.registration ? (
        <section id="roster" aria-labelledby="roster-h">
          <h2 id="roster-h">报名名单（{roster.filter((r) => r.status === "confirmed").length} 人）</h2>
          {roster.length === 0 ? <p className="muted">还没有人报名。</p> : null}
          <Form method="post" {...getFormProps(rollForm)}>
            <input type="hidden" name="intent" value="attendance" />
            <FormErrors errors={rollForm.errors} id={rollForm.errorId} />
            <ul className="attendance-list">
              {roster.map((r, i) =>
                r.status === "confirmed" ? (
                  <li key={r.id}>
                    <label className="attendance-row">
                      {started ? <input type="checkbox" name="registrationId" value={r.id} defaultChecked={r.present} disabled={r.method === "qr" && r.present} /> : null}
                      <span className="attendance-name">
                        {r.name}
                        {r.note ? <span className="muted">（{r.note}）</span> : null}
                      </span>
                      {r.present ? <span className="badge ok">{r.method === "qr" ? "已扫码签到" : "已到"}</span> : null}
                    </label>
                    {r.method === "qr" && r.present ? <input type="hidden" name="registrationId" value={r.id} /> : null}
                  </li>
                ) : (
                  <li key={r.id} className="muted">
                    候补第 {i + 1 - roster.filter((x) => x.status === "confirmed").length} 位：{r.name}
                  </li>
                ),
              )}
            </ul>
            {started && roster.some((r) => r.status === "confirmed") ? (
              <button type="submit" disabled={busy}>
                保存点名
              </button>
            ) : null}
          </Form>
          {a.status === "scheduled" && !ended ? (
            <div className="card" id="walkin">
              <h3>现场报名</h3>
              <p className="hint">
                为没有报名就来了的居民登记姓名和手机号；手机号已注册的，直接报到该账号名下并通知本人。满员时进入候补；签到开始后加入的，同时记为到场。
              </p>
              <Form method="post" className="form" {...getFormProps(walkForm)}>
                <input type="hidden" name="intent" value="walkin" />
                <FormErrors errors={walkForm.errors} id={walkForm.errorId} />
                <LooseField meta={wf.name!} label="姓名" autoComplete="off" maxLength={20} />
                <LooseField meta={wf.phone!} label="手机号码" type="tel" inputMode="numeric" autoComplete="off" />
                <button type="submit" disabled={busy} data-testid="walkin-button">
                  加入名单
                </button>
              </Form>
            </div>
          ) : null}
        </section>
      ) : null}

      {started ? (
        <section id="report" aria-labelledby="report-h">
          <h2 id="report-h">活动报道与照片</h2>
          <Form method="post" className="form" {...getFormProps(reportForm)}>
            <input type="hidden" name="intent" value="report" />
            <FormErrors errors={reportForm.errors} id={reportForm.errorId} />
            <RichEditor
              name="report"
              label="活动报道"
              initialDoc={a.report}
              initialHtml={a.reportHtml}
              images={images}
              errorId={reportFields.report.errors?.length ? reportFields.report.errorId : undefined}
              invalid={!!reportFields.report.errors?.length}
            />
            <FieldError meta={reportFields.report} />
            <fieldset className={`field${reportFields.photoIds.errors?.length ? " has-error" : ""}`}>
              <legend className="label">照片（从资源库选择，最多 12 张）</legend>
              {images.length === 0 ? <p className="muted">资源库里还没有公开的图片。</p> : null}
              <div className="check-row photo-picker">
                {images.map((img) => (
                  <label key={img.id} className="check-chip" htmlFor={`photo-${img.id}`}>
                    <input type="checkbox" id={`photo-${img.id}`} name="photoIds" value={img.id} defaultChecked={photoIds.includes(img.id)} />
                    {img.title}
                  </label>
                ))}
              </div>
              <FieldError meta={reportFields.photoIds} />
            </fieldset>
            <button type="submit" disabled={busy}>
              保存报道
            </button>
          </Form>
        </section>
      ) : null}

      {a.status === "scheduled" ? (
        <details className="panel" open={!!resultFor(lastResult, "update")}>
          <summary>修改活动</summary>
          <Form method="post" className="form" {...getFormProps(editForm)}>
            <input type="hidden" name="intent" value="update" />
            <FormErrors errors={editForm.errors} id={editForm.errorId} />
            <ActivityFields fields={editFields as unknown as FieldsOf} rooms={rooms} organisations={organisations} defaults={defaults} openingHours={openingHours} />
            <button type="submit" disabled={busy}>
              保存修改
            </button>
          </Form>
        </details>
      ) : null}

      {a.status === "scheduled" ? (
        <details className="danger-zone" open={!!resultFor(lastResult, "cancel")}>
          <summary>取消活动</summary>
          <Form method="post" className="form" {...getFormProps(cancelForm)}>
            <input type="hidden" name="intent" value="cancel" />
            <FormErrors errors={cancelForm.errors} id={cancelForm.errorId} />
            <div className={`field${cancelFields.reason.errors?.length ? " has-error" : ""}`}>
              <label htmlFor={cancelFields.reason.id}>取消原因（报名的居民会收到）</label>
              <input id={cancelFields.reason.id} name="reason" maxLength={200} defaultValue={initialText(cancelFields.reason)} aria-describedby={cancelFields.reason.errors?.length ? cancelFields.reason.errorId : undefined} />
              <FieldError meta={cancelFields.reason} />
            </div>
            {a.seriesId ? (
              <fieldset className="field">
                <legend className="label">取消范围</legend>
                <label className="check-chip">
                  <input type="radio" name="scope" value="this" defaultChecked /> 只取消这一场
                </label>
                <label className="check-chip">
                  <input type="radio" name="scope" value="rest" /> 这一场和之后每周的
                </label>
              </fieldset>
            ) : null}
            <button type="submit" className="danger" disabled={busy}>
              取消活动
            </button>
          </Form>
        </details>
      ) : null}
    </>
  );
}
