import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { getDb } from "@db/client";
import { FormErrors } from "~/components/forms";
import { getActor, requireActor } from "~/modules/auth/request.server";
import { PROPOSAL_STATUS_LABELS } from "~/modules/community/groups-labels";
import {
  addComment,
  adoptIntoCityLibrary,
  castVote,
  getProposalPage,
  withdrawNotice,
} from "~/modules/community/proposals.server";
import { readForm } from "~/utils/csrf.server";
import { formatDateTime } from "~/utils/dates";
import { replyInvalid, replyWithUserError } from "~/utils/forms.server";
import { clientIp, parseIdParam } from "~/utils/http";
import { z } from "~/utils/zod";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `课程公示：${data.proposal.title}` : "课程公示" },
];

const schema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("vote"), choice: z.string({ error: "请选择支持或反对。" }) }),
  z.object({
    intent: z.literal("comment"),
    body: z
      .string({ error: "请写下您的意见。" })
      .trim()
      .min(1, "请写下您的意见。")
      .max(500, "意见最多 500 个字。"),
  }),
  z.object({ intent: z.literal("withdraw") }),
  z.object({ intent: z.literal("adopt") }),
]);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const id = parseIdParam(params.id, "没有找到这条课程公示。");
  return getProposalPage(getDb(), getActor(request), id);
}

export async function action({ request, params }: ActionFunctionArgs) {
  const id = parseIdParam(params.id, "没有找到这条课程公示。");
  const actor = requireActor(request);
  const db = getDb();
  const submission = parseWithZod(await readForm(request), { schema });
  if (submission.status !== "success") return replyInvalid(submission);
  const v = submission.value;
  try {
    if (v.intent === "vote") castVote(db, actor, id, { choice: v.choice });
    else if (v.intent === "comment") addComment(db, actor, id, { body: v.body });
    else if (v.intent === "withdraw") withdrawNotice(db, actor, id, clientIp(request));
    else adoptIntoCityLibrary(db, actor, id, clientIp(request));
    return redirect(`/proposals/${id}?done=${v.intent}`);
  } catch (e) {
    return replyWithUserError(submission, e);
  }
}

const DONE: Record<string, string> = {
  vote: "谢谢！您的投票已记录。",
  comment: "您的意见已发表。",
  withdraw: "公示已撤回。",
  adopt: "已纳入市级课程库。",
  notice: "公示已开始。",
};

const STATE: Record<string, string> = { draft: "草稿", review: "总部审核中", published: "已发布" };

export default function ProposalPage() {
  const d = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [params] = useSearchParams();
  const [form, fields] = useForm<{ choice: string; body: string }>({ id: "proposal", lastResult });
  const p = d.proposal;
  const total = d.counts.support + d.counts.oppose;
  return (
    <div className="container">
      <p className="breadcrumb">
        <Link to={`/academies/${d.academy.slug}`}>← {d.academy.name}</Link>
      </p>
      <p className="tag" data-testid="proposal-status">
        {PROPOSAL_STATUS_LABELS[p.status]}
      </p>
      <h1>课程公示：{p.title}</h1>
      {params.get("done") && DONE[params.get("done")!] ? (
        <p className="notice" role="status">
          {DONE[params.get("done")!]}
        </p>
      ) : null}
      <FormErrors errors={form.errors} id={form.errorId} />
      <dl className="facts">
        <dt>提出书院</dt>
        <dd>{d.academy.name}</dd>
        <dt>公示期</dt>
        <dd>
          {formatDateTime(p.noticeOpensAt)} 至 {formatDateTime(p.noticeClosesAt)}
        </dd>
        <dt>通过条件</dt>
        <dd>
          支持票占 {p.thresholdPercent}% 及以上，且至少 {p.minVotes} 人投票（公示前设定）
        </dd>
        <dt>投票</dt>
        <dd data-testid="proposal-counts">
          支持 {d.counts.support} · 反对 {d.counts.oppose}
          {total ? `（支持 ${Math.round((d.counts.support * 1000) / total) / 10}%）` : ""}
        </dd>
        <dt>课程状态</dt>
        <dd data-testid="proposal-course-state">
          {d.course.code} · {d.course.state ? STATE[d.course.state] : "—"}
          {d.course.sourceLevel === "city" ? " · 已纳入市级课程库" : ""}
        </dd>
        {d.survey ? (
          <>
            <dt>依据</dt>
            <dd>
              <Link to={`/surveys/${d.survey.id}`}>{d.survey.title}</Link>
            </dd>
          </>
        ) : null}
      </dl>
      {p.summary ? <p className="lead">{p.summary}</p> : null}
      <p className="muted">
        共 {d.course.sessions} 次课，每次 {d.course.minutesPerSession} 分钟
      </p>
      {d.course.objectives.length ? (
        <>
          <h2>学习目标</h2>
          <ul>
            {d.course.objectives.map((o, i) => (
              <li key={i}>{o}</li>
            ))}
          </ul>
        </>
      ) : null}
      <h2>教学大纲</h2>
      <div className="rich" dangerouslySetInnerHTML={{ __html: d.course.bodyHtml }} />

      <section aria-labelledby="vote-h">
        <h2 id="vote-h">投票</h2>
        {d.myVote ? (
          <p data-testid="my-vote">
            您已投票：{d.myVote === "support" ? "支持" : "反对"}。每人只能投一次。
          </p>
        ) : null}
        {d.open && !d.myVote ? (
          <Form method="post" {...getFormProps(form)} className="form">
            <input type="hidden" name="intent" value="vote" />
            <fieldset className={`field${fields.choice.errors?.length ? " has-error" : ""}`}>
              <legend>您的意见</legend>
              <label className="choice">
                <input
                  type="radio"
                  name="choice"
                  value="support"
                  defaultChecked={fields.choice.initialValue === "support"}
                />{" "}
                支持开设这门课
              </label>
              <label className="choice">
                <input
                  type="radio"
                  name="choice"
                  value="oppose"
                  defaultChecked={fields.choice.initialValue === "oppose"}
                />{" "}
                反对
              </label>
              {fields.choice.errors?.length ? (
                <p className="error" id={fields.choice.errorId} role="alert">
                  {fields.choice.errors.join("；")}
                </p>
              ) : null}
            </fieldset>
            <button type="submit">投票</button>
            <p className="hint">没有登录时会先请您登录。</p>
          </Form>
        ) : null}
        {!d.open ? (
          <p className="muted">
            {p.status === "notice" ? "公示期已结束，系统正在统计结果。" : "公示已结束。"}
          </p>
        ) : null}
      </section>

      <section aria-labelledby="comments-h">
        <h2 id="comments-h">居民意见（{d.comments.length}）</h2>
        <ul className="stack">
          {d.comments.map((c) => (
            <li key={c.id}>
              <strong>{c.name}</strong> · {formatDateTime(c.createdAt)}
              <p>{c.body}</p>
            </li>
          ))}
        </ul>
        {d.open ? (
          <Form method="post" className="form">
            <input type="hidden" name="intent" value="comment" />
            <div className={`field${fields.body.errors?.length ? " has-error" : ""}`}>
              <label htmlFor="comment-body">发表意见</label>
              <textarea
                id="comment-body"
                name="body"
                rows={3}
                maxLength={500}
                defaultValue={fields.body.initialValue ?? ""}
                aria-describedby={fields.body.errors?.length ? "comment-error" : undefined}
              />
              {fields.body.errors?.length ? (
                <p className="error" id="comment-error" role="alert">
                  {fields.body.errors.join("；")}
                </p>
              ) : null}
            </div>
            <button type="submit" className="secondary">
              发表
            </button>
          </Form>
        ) : null}
      </section>

      {d.canManage && p.status === "notice" ? (
        <Form method="post" className="actions">
          <button type="submit" name="intent" value="withdraw" className="secondary">
            撤回公示
          </button>
        </Form>
      ) : null}
      {d.canAdopt ? (
        <Form method="post" className="actions">
          <button type="submit" name="intent" value="adopt">
            纳入市级课程库
          </button>
        </Form>
      ) : null}

      <section aria-labelledby="trail-h">
        <h2 id="trail-h">全过程记录</h2>
        <ol className="stack" data-testid="proposal-trail">
          {d.trail.map((t) => (
            <li key={t.id}>
              {formatDateTime(t.createdAt)} · {t.actorName}：{t.summary}
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}
