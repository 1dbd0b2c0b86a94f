import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { getDb } from "@db/client";
import { RichEditor } from "~/components/rich-editor";
import { requireActor } from "~/modules/auth/request.server";
import { emptyDoc, type RichDoc } from "~/modules/catalog/richtext";
import {
  addAddendum,
  addWalkIn,
  closeMeeting,
  getMeetingForManager,
  recordPresence,
  saveMinutes,
} from "~/modules/community/deliberation.server";
import { MEETING_KIND_LABELS } from "~/modules/community/groups-labels";
import { requireManagedAcademy } from "~/modules/scheduling/access.server";
import { readForm } from "~/utils/csrf.server";
import { formatDateTime } from "~/utils/dates";
import { isUserError } from "~/utils/errors";
import { clientIp, notFound, parseIdParam } from "~/utils/http";

export const meta: MetaFunction = () => [{ title: "会议纪要 · 书院管理" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = requireActor(request);
  const db = getDb();
  const academy = requireManagedAcademy(db, actor, params.academy ?? "");
  const m = getMeetingForManager(db, actor, parseIdParam(params.id, "没有找到这次会议。"));
  if (m.academyId !== academy.id) notFound("没有找到这次会议。");
  return { m, slug: academy.slug };
}

/** Several small forms post here; a refusal comes back as { field, message } next to that form. */
export async function action({ request, params }: ActionFunctionArgs) {
  const actor = requireActor(request);
  const db = getDb();
  const academy = requireManagedAcademy(db, actor, params.academy ?? "");
  const id = parseIdParam(params.id, "没有找到这次会议。");
  const form = await readForm(request);
  const intent = String(form.get("intent") ?? "");
  const ip = clientIp(request);
  try {
    if (intent === "minutes") saveMinutes(db, actor, id, String(form.get("minutes") ?? ""));
    else if (intent === "presence")
      recordPresence(
        db,
        actor,
        id,
        form.getAll("present").map(Number).filter((n) => Number.isInteger(n) && n > 0),
      );
    else if (intent === "walkin") addWalkIn(db, actor, id, String(form.get("who") ?? "").slice(0, 60));
    else if (intent === "close") closeMeeting(db, actor, id, ip);
    else if (intent === "addendum") addAddendum(db, actor, id, String(form.get("addendum") ?? ""), ip);
    else return redirect(`/manage/${academy.slug}/meetings/${id}`);
    return redirect(`/manage/${academy.slug}/meetings/${id}?done=${intent}`);
  } catch (e) {
    if (!isUserError(e)) throw e;
    return data({ intent, field: e.field ?? null, message: e.message }, { status: 400 });
  }
}

const DONE: Record<string, string> = { minutes: "纪要已保存。", presence: "出席名单已保存。", walkin: "已添加。", close: "会议已结束，纪要已定稿。", addendum: "补充说明已添加。" };

export default function MeetingPage() {
  const { m, slug } = useLoaderData<typeof loader>();
  const err = useActionData<typeof action>();
  const [params] = useSearchParams();
  const closed = m.status === "closed";
  const errFor = (intent: string) =>
    err?.intent === intent ? (
      <p className="error" role="alert" id={`${intent}-error`}>
        {err.message}
      </p>
    ) : null;
  return (
    <>
      <p>
        <Link to={`/manage/${slug}/topics/${m.topicId}`}>← 议题：{m.topicTitle}</Link>
      </p>
      <h1>
        {MEETING_KIND_LABELS[m.kind]} · {formatDateTime(m.startsAt)}
      </h1>
      <p className="muted">
        {m.place} · {closed ? `已结束（${formatDateTime(m.closedAt!)}），纪要已定稿` : "进行中"}
      </p>
      {params.get("done") && DONE[params.get("done")!] ? <p className="notice" role="status">{DONE[params.get("done")!]}</p> : null}

      <h2>出席</h2>
      <Form method="post" className="form">
        <input type="hidden" name="intent" value="presence" />
        <fieldset className="field" disabled={closed}>
          <legend>勾选到会的人</legend>
          {m.participants.length === 0 ? <p className="muted">没有邀请名单。</p> : null}
          {m.participants.map((p) => (
            <label key={p.id} className="choice">
              <input type="checkbox" name="present" value={p.id} defaultChecked={p.present} /> {p.name}
              {p.invited ? "" : "（现场参加）"}
            </label>
          ))}
        </fieldset>
        {errFor("presence")}
        {closed ? null : <button type="submit">保存出席名单</button>}
      </Form>
      {closed ? null : (
        <Form method="post" className="form">
          <input type="hidden" name="intent" value="walkin" />
          <div className={`field${err?.intent === "walkin" ? " has-error" : ""}`}>
            <label htmlFor="who">现场参加的人（手机号或姓名）</label>
            <input id="who" name="who" maxLength={60} aria-describedby={err?.intent === "walkin" ? "walkin-error" : undefined} />
            {errFor("walkin")}
          </div>
          <button type="submit" className="secondary">
            添加
          </button>
        </Form>
      )}

      <h2>会议纪要</h2>
      {closed ? (
        <div className="rich" data-testid="minutes-frozen" dangerouslySetInnerHTML={{ __html: m.minutesHtml }} />
      ) : (
        <Form method="post" className="form">
          <input type="hidden" name="intent" value="minutes" />
          <div className={`field${err?.intent === "minutes" ? " has-error" : ""}`}>
            <RichEditor name="minutes" label="会议纪要" initialDoc={(m.minutes as unknown as RichDoc | null) ?? emptyDoc()} initialHtml={m.minutesHtml} errorId={err?.intent === "minutes" ? "minutes-error" : undefined} invalid={err?.intent === "minutes"} />
            {errFor("minutes")}
          </div>
          <button type="submit">保存纪要</button>
        </Form>
      )}
      {closed && err?.intent === "minutes" ? errFor("minutes") : null}

      {m.addenda.length ? (
        <>
          <h2>补充说明</h2>
          {m.addenda.map((a) => (
            <div key={a.id} className="addendum">
              <h3>{formatDateTime(a.createdAt)}</h3>
              <div className="rich" dangerouslySetInnerHTML={{ __html: a.bodyHtml }} />
            </div>
          ))}
        </>
      ) : null}

      {closed ? (
        <>
          <h2>添加补充说明</h2>
          <p className="hint">纪要定稿后不能修改；更正或补充会作为注明日期的补充说明附在纪要后。</p>
          <Form method="post" className="form">
            <input type="hidden" name="intent" value="addendum" />
            <div className={`field${err?.intent === "addendum" ? " has-error" : ""}`}>
              <RichEditor name="addendum" label="补充说明" initialDoc={emptyDoc()} initialHtml="" errorId={err?.intent === "addendum" ? "addendum-error" : undefined} invalid={err?.intent === "addendum"} />
              {errFor("addendum")}
            </div>
            <button type="submit">添加补充说明</button>
          </Form>
        </>
      ) : (
        <>
          <h2>结束会议</h2>
          <p className="hint">结束后纪要和出席名单定稿，不能再修改。</p>
          <Form method="post">
            <input type="hidden" name="intent" value="close" />
            {errFor("close")}
            <button type="submit" className="secondary">
              结束会议，纪要定稿
            </button>
          </Form>
        </>
      )}
    </>
  );
}
