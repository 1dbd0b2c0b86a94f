import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { getDb } from "@db/client";
import { TextareaField } from "~/components/catalog";
import { Field, FormErrors } from "~/components/forms";
import { TopicMeetings } from "~/components/topic-view";
import { requireActor } from "~/modules/auth/request.server";
import {
  acceptTopic,
  addTask,
  closeTopic,
  decideTopic,
  getTopicPage,
  scheduleMeeting,
  setTopicVisibility,
  updateTask,
} from "~/modules/community/deliberation.server";
import {
  MEETING_KIND_LABELS,
  TASK_STATUS_LABELS,
  TOPIC_STATUS_LABELS,
} from "~/modules/community/groups-labels";
import { listRooms } from "~/modules/org/rooms.server";
import { requireManagedAcademy } from "~/modules/scheduling/access.server";
import { readForm } from "~/utils/csrf.server";
import { replyInvalid, replyWithUserError } from "~/utils/forms.server";
import { clientIp, notFound, parseIdParam } from "~/utils/http";
import { z } from "~/utils/zod";

export const meta: MetaFunction = () => [{ title: "议题 · 书院管理" }];

const str = (max: number) => z.string().trim().max(max, `最多 ${max} 个字。`).default("");
const schema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("accept"),
    visibility: z.enum(["public", "internal"]).default("public"),
  }),
  z.object({ intent: z.literal("close"), reason: str(200) }),
  z.object({ intent: z.literal("decide"), outcome: str(1000) }),
  z.object({ intent: z.literal("visibility"), visibility: z.enum(["public", "internal"]) }),
  z.object({
    intent: z.literal("meeting"),
    kind: z.string(),
    date: str(10),
    time: str(5),
    roomId: z.string().optional(),
    place: str(60),
    invitePhones: str(2000),
    guests: str(500),
  }),
  z.object({ intent: z.literal("task"), title: str(100), owner: str(40), dueDate: str(10) }),
  z.object({
    intent: z.literal("task-update"),
    taskId: z.coerce.number().int().positive(),
    status: z.string(),
    progress: str(300),
  }),
]);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = requireActor(request);
  const db = getDb();
  const academy = requireManagedAcademy(db, actor, params.academy ?? "");
  const page = getTopicPage(db, actor, parseIdParam(params.id, "没有找到这个议题。"));
  if (page.academy.id !== academy.id) notFound("没有找到这个议题。");
  return {
    page,
    slug: academy.slug,
    rooms: listRooms(db, academy.id).map((r) => ({ id: r.id, name: r.name })),
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const actor = requireActor(request);
  const db = getDb();
  const academy = requireManagedAcademy(db, actor, params.academy ?? "");
  const id = parseIdParam(params.id, "没有找到这个议题。");
  const submission = parseWithZod(await readForm(request), { schema });
  if (submission.status !== "success") return replyInvalid(submission);
  const v = submission.value;
  const ip = clientIp(request);
  try {
    if (v.intent === "accept") acceptTopic(db, actor, id, v.visibility, ip);
    else if (v.intent === "close") closeTopic(db, actor, id, { reason: v.reason }, ip);
    else if (v.intent === "decide") decideTopic(db, actor, id, v.outcome, ip);
    else if (v.intent === "visibility") setTopicVisibility(db, actor, id, v.visibility, ip);
    else if (v.intent === "meeting")
      scheduleMeeting(db, actor, id, { ...v, roomId: v.roomId ? Number(v.roomId) : undefined }, ip);
    else if (v.intent === "task") addTask(db, actor, id, v, ip);
    else updateTask(db, actor, v.taskId, { status: v.status, progress: v.progress }, ip);
    return redirect(`/manage/${academy.slug}/topics/${id}?done=${v.intent}`);
  } catch (e) {
    return replyWithUserError(submission, e);
  }
}

export default function ManageTopic() {
  const { page, slug, rooms } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [params] = useSearchParams();
  const intent = (lastResult as { initialValue?: { intent?: string } } | undefined)?.initialValue
    ?.intent;
  const reply = (i: string) => (intent === i ? lastResult : undefined);
  const t = page.topic;
  const [closeForm, closeFields] = useForm<{ reason: string }>({
    id: "close",
    lastResult: reply("close"),
  });
  const [decideForm, decideFields] = useForm<{ outcome: string }>({
    id: "decide",
    lastResult: reply("decide"),
    defaultValue: { outcome: t.outcome },
  });
  const [mForm, mFields] = useForm<{
    kind: string;
    date: string;
    time: string;
    roomId: string;
    place: string;
    invitePhones: string;
    guests: string;
  }>({
    id: "meeting",
    lastResult: reply("meeting"),
    defaultValue: { kind: "council", time: "19:30" },
  });
  const [taskForm, taskFields] = useForm<{ title: string; owner: string; dueDate: string }>({
    id: "task",
    lastResult: reply("task"),
  });
  const [uForm] = useForm({ id: "task-update", lastResult: reply("task-update") });
  const live = t.status === "open" || t.status === "decided";
  return (
    <>
      <p>
        <Link to={`/manage/${slug}/topics`}>← 全部议题</Link> ·{" "}
        <Link to={`/topics/${t.id}`}>居民看到的页面</Link>
      </p>
      <h1>{t.title}</h1>
      <p>
        <span className="tag">{TOPIC_STATUS_LABELS[t.status]}</span>{" "}
        <span className="tag">{t.visibility === "public" ? "公开" : "内部"}</span> ·{" "}
        {page.raiserName} 提出
      </p>
      {params.get("done") ? (
        <p className="notice" role="status">
          已保存。
        </p>
      ) : null}
      {t.description ? <p className="lead">{t.description}</p> : null}

      {t.status === "proposed" ? (
        <section>
          <h2>受理</h2>
          <Form method="post" className="form">
            <input type="hidden" name="intent" value="accept" />
            <fieldset className="field">
              <legend>公开范围</legend>
              <label className="choice">
                <input type="radio" name="visibility" value="public" defaultChecked /> 公开
              </label>
              <label className="choice">
                <input type="radio" name="visibility" value="internal" /> 内部
              </label>
            </fieldset>
            <button type="submit">受理议题</button>
          </Form>
        </section>
      ) : live ? (
        <Form method="post" className="actions">
          <input type="hidden" name="intent" value="visibility" />
          <button
            type="submit"
            name="visibility"
            value={t.visibility === "public" ? "internal" : "public"}
            className="secondary"
          >
            改为{t.visibility === "public" ? "内部" : "公开"}
          </button>
        </Form>
      ) : null}

      {t.status !== "closed" ? (
        <section>
          <h2>{t.status === "proposed" ? "不予受理" : "关闭议题"}</h2>
          <Form method="post" {...getFormProps(closeForm)} className="form">
            <FormErrors errors={closeForm.errors} id={closeForm.errorId} />
            <input type="hidden" name="intent" value="close" />
            <TextareaField label="原因（会告诉提出人）" meta={closeFields.reason} rows={2} />
            <button type="submit" className="secondary">
              关闭
            </button>
          </Form>
        </section>
      ) : (
        <p className="notice warn">已关闭：{t.closeReason}</p>
      )}

      {live ? (
        <>
          <h2>会议</h2>
          <TopicMeetings page={page} manageBase={`/manage/${slug}`} />
          <h3>安排会议</h3>
          <Form method="post" {...getFormProps(mForm)} className="form">
            <FormErrors errors={mForm.errors} id={mForm.errorId} />
            <input type="hidden" name="intent" value="meeting" />
            <div className="field">
              <label htmlFor={mFields.kind.id}>会议类型</label>
              <select
                id={mFields.kind.id}
                name="kind"
                defaultValue={mFields.kind.initialValue ?? "council"}
              >
                {Object.entries(MEETING_KIND_LABELS).map(([k, l]) => (
                  <option key={k} value={k}>
                    {l}
                  </option>
                ))}
              </select>
            </div>
            <Field label="日期" meta={mFields.date} type="date" />
            <Field label="时间" meta={mFields.time} type="time" />
            <div className={`field${mFields.roomId.errors?.length ? " has-error" : ""}`}>
              <label htmlFor={mFields.roomId.id}>教室</label>
              <select
                id={mFields.roomId.id}
                name="roomId"
                defaultValue={mFields.roomId.initialValue ?? ""}
              >
                <option value="">不在教室（填写下面的地点）</option>
                {rooms.map((r) => (
                  <option key={r.id} value={r.id}>
                    {r.name}
                  </option>
                ))}
              </select>
              {mFields.roomId.errors?.length ? (
                <p className="error" role="alert">
                  {mFields.roomId.errors.join("；")}
                </p>
              ) : null}
            </div>
            <Field label="其他地点" meta={mFields.place} hint="例如：3 号楼楼道口、小区广场" />
            <TextareaField
              label="邀请的居民（手机号，每行一个）"
              meta={mFields.invitePhones}
              rows={3}
              hint="被邀请的居民会收到会议通知消息。"
            />
            <TextareaField
              label="列席人员（姓名或单位，每行一位）"
              meta={mFields.guests}
              rows={2}
              hint="例如：物业 王经理、社区居委会"
            />
            <button type="submit">安排会议并发通知</button>
          </Form>

          <h2>跟进事项</h2>
          <FormErrors errors={uForm.errors} id={uForm.errorId} />
          <ul className="stack" data-testid="manage-tasks">
            {page.tasks.map((k) => (
              <li key={k.id} className="card">
                <strong>{k.title}</strong>{" "}
                <span className="tag">{TASK_STATUS_LABELS[k.status]}</span>
                {k.overdue ? <span className="tag warn">已逾期</span> : null}
                <p className="muted">
                  负责：{k.owner} · 期限 {k.dueDate}
                  {k.progress ? ` · ${k.progress}` : ""}
                </p>
                {k.status !== "done" ? (
                  <Form method="post" className="form">
                    <input type="hidden" name="intent" value="task-update" />
                    <input type="hidden" name="taskId" value={k.id} />
                    <div className="field">
                      <label htmlFor={`st-${k.id}`}>状态</label>
                      <select
                        id={`st-${k.id}`}
                        name="status"
                        defaultValue={k.status === "todo" ? "doing" : "done"}
                      >
                        {Object.entries(TASK_STATUS_LABELS).map(([s, l]) => (
                          <option key={s} value={s}>
                            {l}
                          </option>
                        ))}
                      </select>
                    </div>
                    <div className="field">
                      <label htmlFor={`pr-${k.id}`}>进展</label>
                      <input id={`pr-${k.id}`} name="progress" maxLength={300} />
                    </div>
                    <button type="submit" className="secondary">
                      更新
                    </button>
                  </Form>
                ) : null}
              </li>
            ))}
          </ul>
          <h3>添加跟进事项</h3>
          <Form method="post" {...getFormProps(taskForm)} className="form">
            <FormErrors errors={taskForm.errors} id={taskForm.errorId} />
            <input type="hidden" name="intent" value="task" />
            <Field label="事项" meta={taskFields.title} />
            <Field label="负责人或单位" meta={taskFields.owner} />
            <Field label="完成期限" meta={taskFields.dueDate} type="date" />
            <button type="submit">添加</button>
          </Form>

          <h2>议事结果</h2>
          <Form method="post" {...getFormProps(decideForm)} className="form">
            <FormErrors errors={decideForm.errors} id={decideForm.errorId} />
            <input type="hidden" name="intent" value="decide" />
            <TextareaField
              label="结果（公开议题会展示给居民）"
              meta={decideFields.outcome}
              rows={3}
            />
            <button type="submit">保存结果</button>
          </Form>
        </>
      ) : null}
    </>
  );
}
