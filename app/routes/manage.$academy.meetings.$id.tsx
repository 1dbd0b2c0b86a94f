import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { getDb } from "@db/client";
import { FormErrors } from "~/components/forms";
import { RichEditor } from "~/components/rich-editor";
import { LooseField, type FieldsOf } from "~/components/run-form";
import { FieldError } from "~/components/schedule";
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
import { MEETING_KIND_LABELS, meetingActionInput } from "~/modules/community/groups-labels";
import { requireManagedAcademy } from "~/modules/scheduling/access.server";
import { readForm } from "~/utils/csrf.server";
import { formatDateTime } from "~/utils/dates";
import { replyInvalid, replyWithUserError } from "~/utils/forms.server";
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

/** Several small forms post here, one `intent` each (conform + zod); a refusal comes back next to that form's field. */
export async function action({ request, params }: ActionFunctionArgs) {
  const actor = requireActor(request);
  const db = getDb();
  const academy = requireManagedAcademy(db, actor, params.academy ?? "");
  const id = parseIdParam(params.id, "没有找到这次会议。");
  const submission = parseWithZod(await readForm(request), { schema: meetingActionInput });
  if (submission.status !== "success") return replyInvalid(submission);
  const v = submission.value;
  const ip = clientIp(request);
  try {
    if (v.intent === "minutes") saveMinutes(db, actor, id, v.minutes);
    else if (v.intent === "presence") recordPresence(db, actor, id, v.present);
    else if (v.intent === "walkin") addWalkIn(db, actor, id, v.who);
    else if (v.intent === "close") closeMeeting(db, actor, id, ip);
    else addAddendum(db, actor, id, v.addendum, ip);
    return redirect(`/manage/${academy.slug}/meetings/${id}?done=${v.intent}`);
  } catch (e) {
    return replyWithUserError(submission, e);
  }
}

const DONE: Record<string, string> = {
  minutes: "纪要已保存。",
  presence: "出席名单已保存。",
  walkin: "已添加。",
  close: "会议已结束，纪要已定稿。",
  addendum: "补充说明已添加。",
};

/** The document a refused save posted, so the editor opens with it again (input kept). */
function postedDoc(result: SubmissionResult<string[]> | undefined, name: string): RichDoc | null {
  const raw = (result?.initialValue as Record<string, unknown> | null | undefined)?.[name];
  if (typeof raw !== "string") return null;
  try {
    return JSON.parse(raw) as RichDoc;
  } catch {
    return null;
  }
}

export default function MeetingPage() {
  const { m, slug } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>() as SubmissionResult<string[]> | undefined;
  const [params] = useSearchParams();
  const closed = m.status === "closed";
  const reply = (intent: string) =>
    (lastResult?.initialValue as Record<string, unknown> | null | undefined)?.intent === intent
      ? lastResult
      : undefined;
  const [presenceForm] = useForm({ id: "presence", lastResult: reply("presence") });
  const [walkForm, walkFields] = useForm<{ who: string }>({
    id: "walkin",
    lastResult: reply("walkin"),
  });
  const [minutesForm, minutesFields] = useForm<{ minutes: string }>({
    id: "minutes",
    lastResult: reply("minutes"),
  });
  const [closeForm] = useForm({ id: "close", lastResult: reply("close") });
  const [addForm, addFields] = useForm<{ addendum: string }>({
    id: "addendum",
    lastResult: reply("addendum"),
  });
  const minutesBad = !!minutesFields.minutes.errors?.length;
  const addBad = !!addFields.addendum.errors?.length;
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
      {params.get("done") && DONE[params.get("done")!] ? (
        <p className="notice" role="status">
          {DONE[params.get("done")!]}
        </p>
      ) : null}

      <h2>出席</h2>
      <Form method="post" className="form" {...getFormProps(presenceForm)}>
        <input type="hidden" name="intent" value="presence" />
        <FormErrors errors={presenceForm.errors} id={presenceForm.errorId} />
        <fieldset className="field" disabled={closed}>
          <legend>勾选到会的人</legend>
          {m.participants.length === 0 ? <p className="muted">没有邀请名单。</p> : null}
          {m.participants.map((p) => (
            <label key={p.id} className="choice">
              <input type="checkbox" name="present" value={p.id} defaultChecked={p.present} />{" "}
              {p.name}
              {p.invited ? "" : "（现场参加）"}
            </label>
          ))}
        </fieldset>
        {closed ? null : <button type="submit">保存出席名单</button>}
      </Form>
      {closed ? null : (
        <Form method="post" className="form" {...getFormProps(walkForm)}>
          <input type="hidden" name="intent" value="walkin" />
          <FormErrors errors={walkForm.errors} id={walkForm.errorId} />
          <LooseField
            meta={walkFields.who as unknown as FieldsOf[string]}
            label="现场参加的人（手机号或姓名）"
            maxLength={60}
            autoComplete="off"
          />
          <button type="submit" className="secondary">
            添加
          </button>
        </Form>
      )}

      <h2>会议纪要</h2>
      {closed ? (
        <>
          <div
            className="rich"
            data-testid="minutes-frozen"
            dangerouslySetInnerHTML={{ __html: m.minutesHtml }}
          />
          <FieldError meta={minutesFields.minutes} />
          <FormErrors errors={minutesForm.errors} id={minutesForm.errorId} />
        </>
      ) : (
        <Form method="post" className="form" {...getFormProps(minutesForm)}>
          <input type="hidden" name="intent" value="minutes" />
          <FormErrors errors={minutesForm.errors} id={minutesForm.errorId} />
          <div className={`field${minutesBad ? " has-error" : ""}`}>
            <RichEditor
              name="minutes"
              label="会议纪要"
              initialDoc={
                postedDoc(reply("minutes"), "minutes") ??
                (m.minutes as unknown as RichDoc | null) ??
                emptyDoc()
              }
              initialHtml={m.minutesHtml}
              errorId={minutesBad ? minutesFields.minutes.errorId : undefined}
              invalid={minutesBad}
            />
            <FieldError meta={minutesFields.minutes} />
          </div>
          <button type="submit">保存纪要</button>
        </Form>
      )}

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
          <Form method="post" className="form" {...getFormProps(addForm)}>
            <input type="hidden" name="intent" value="addendum" />
            <FormErrors errors={addForm.errors} id={addForm.errorId} />
            <div className={`field${addBad ? " has-error" : ""}`}>
              <RichEditor
                name="addendum"
                label="补充说明"
                initialDoc={postedDoc(reply("addendum"), "addendum") ?? emptyDoc()}
                initialHtml=""
                errorId={addBad ? addFields.addendum.errorId : undefined}
                invalid={addBad}
              />
              <FieldError meta={addFields.addendum} />
            </div>
            <button type="submit">添加补充说明</button>
          </Form>
        </>
      ) : (
        <>
          <h2>结束会议</h2>
          <p className="hint">结束后纪要和出席名单定稿，不能再修改。</p>
          <Form method="post" {...getFormProps(closeForm)}>
            <input type="hidden" name="intent" value="close" />
            <FormErrors errors={closeForm.errors} id={closeForm.errorId} />
            <button type="submit" className="secondary">
              结束会议，纪要定稿
            </button>
          </Form>
        </>
      )}
    </>
  );
}
