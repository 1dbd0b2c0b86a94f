import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { getDb } from "@db/client";
import { FormErrors } from "~/components/forms";
import { getActor, requireActor } from "~/modules/auth/request.server";
import {
  allowedStageMoves,
  ORG_STAGE_LABELS,
  ORG_TYPE_LABELS,
} from "~/modules/community/groups-labels";
import {
  applyToJoin,
  changeStage,
  decideApplication,
  getOrganisationPage,
  leaveOrganisation,
} from "~/modules/community/organisations.server";
import { volunteerWithOrganisation } from "~/modules/community/volunteers.server";
import { readForm } from "~/utils/csrf.server";
import { formatDate, formatDateTime } from "~/utils/dates";
import { replyInvalid, replyWithUserError } from "~/utils/forms.server";
import { clientIp, parseIdParam } from "~/utils/http";
import { z } from "~/utils/zod";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.org.name} · 居民组织` : "居民组织" },
];

const note = z.string().trim().max(200, "留言最多 200 个字。").default("");
const schema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("join"), note }),
  z.object({ intent: z.literal("volunteer"), note }),
  z.object({ intent: z.literal("leave") }),
  z.object({
    intent: z.literal("decide"),
    memberId: z.coerce.number().int().positive(),
    approve: z.enum(["1", "0"]),
  }),
  z.object({ intent: z.literal("stage"), to: z.string({ error: "请选择新的阶段。" }), note }),
]);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const id = parseIdParam(params.id, "没有找到这个居民组织。");
  return getOrganisationPage(getDb(), getActor(request), id);
}

export async function action({ request, params }: ActionFunctionArgs) {
  const id = parseIdParam(params.id, "没有找到这个居民组织。");
  const actor = requireActor(request);
  const db = getDb();
  const submission = parseWithZod(await readForm(request), { schema });
  if (submission.status !== "success") return replyInvalid(submission);
  const v = submission.value;
  try {
    if (v.intent === "join") applyToJoin(db, actor, id, { note: v.note });
    else if (v.intent === "volunteer") volunteerWithOrganisation(db, actor, id, { note: v.note });
    else if (v.intent === "leave") leaveOrganisation(db, actor, id);
    else if (v.intent === "decide")
      decideApplication(db, actor, v.memberId, v.approve === "1", clientIp(request));
    else changeStage(db, actor, id, { to: v.to, note: v.note }, clientIp(request));
    return redirect(`/organisations/${id}?done=${v.intent}`);
  } catch (e) {
    return replyWithUserError(submission, e);
  }
}

const DONE: Record<string, string> = {
  join: "申请已提交，负责人审核后会通过消息通知您。",
  volunteer: "志愿者报名已提交，书院确认后会通知您。",
  leave: "您已退出这个组织。",
  decide: "已处理这份申请，申请人会收到消息。",
  stage: "阶段已更新。",
};

export default function OrganisationPage() {
  const d = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [params] = useSearchParams();
  const [form, fields] = useForm<{ note: string; to: string }>({ id: "org", lastResult });
  const live = d.org.stage !== "dissolved";
  return (
    <div className="container">
      <p className="breadcrumb">
        <Link to={`/academies/${d.academy.slug}`}>← {d.academy.name}</Link>
      </p>
      <h1>{d.org.name}</h1>
      {params.get("done") && DONE[params.get("done")!] ? (
        <p className="notice" role="status">
          {DONE[params.get("done")!]}
        </p>
      ) : null}
      <FormErrors errors={form.errors} id={form.errorId} />
      <dl className="facts">
        <dt>类型</dt>
        <dd>{ORG_TYPE_LABELS[d.org.type]}</dd>
        <dt>孵化阶段</dt>
        <dd data-testid="org-stage">
          {ORG_STAGE_LABELS[d.org.stage]}（{formatDate(d.org.stageChangedAt)}起）
        </dd>
        <dt>孵化书院</dt>
        <dd>
          <Link to={`/academies/${d.academy.slug}`}>{d.academy.name}</Link>
        </dd>
        <dt>负责人</dt>
        <dd>{d.leaderName}</dd>
        <dt>成员</dt>
        <dd data-testid="org-members">{d.memberCount} 人</dd>
        <dt>参与人次</dt>
        <dd data-testid="org-participations">{d.activities.totalParticipations}</dd>
      </dl>
      {d.org.description ? <p className="lead">{d.org.description}</p> : null}

      {live ? (
        <section aria-labelledby="join-h">
          <h2 id="join-h">加入组织</h2>
          {d.myStatus === "active" ? (
            <Form method="post" className="inline-form">
              <p>{d.isLeader ? "您是这个组织的负责人。" : "您是这个组织的成员。"}</p>
              {d.isLeader ? null : (
                <button type="submit" name="intent" value="leave" className="secondary">
                  退出组织
                </button>
              )}
            </Form>
          ) : d.myStatus === "pending" ? (
            <Form method="post" className="inline-form">
              <p>您的入会申请正在等待负责人审核。</p>
              <button type="submit" name="intent" value="leave" className="secondary">
                撤回申请
              </button>
            </Form>
          ) : null}
          {d.myStatus === null || d.myStatus === "active" ? (
            <Form method="post" {...getFormProps(form)} className="form">
              <div className={`field${fields.note.errors?.length ? " has-error" : ""}`}>
                <label htmlFor={fields.note.id}>留言（选填）</label>
                <textarea
                  id={fields.note.id}
                  name="note"
                  defaultValue={fields.note.initialValue ?? ""}
                  maxLength={200}
                  rows={2}
                  aria-invalid={fields.note.errors?.length ? true : undefined}
                  aria-describedby={fields.note.errors?.length ? fields.note.errorId : undefined}
                />
                {fields.note.errors?.length ? (
                  <p className="error" id={fields.note.errorId} role="alert">
                    {fields.note.errors.join("；")}
                  </p>
                ) : null}
              </div>
              <p className="actions">
                {d.myStatus === null ? (
                  <button type="submit" name="intent" value="join">
                    申请加入
                  </button>
                ) : null}
                <button type="submit" name="intent" value="volunteer" className="secondary">
                  报名做志愿者
                </button>
              </p>
              <p className="hint">没有登录时会先请您登录。</p>
            </Form>
          ) : null}
        </section>
      ) : (
        <p className="notice warn">这个组织已注销，不再接受入会申请。</p>
      )}

      {d.canDecide && d.pending.length ? (
        <section aria-labelledby="pending-h">
          <h2 id="pending-h">待审核的入会申请（{d.pending.length}）</h2>
          <ul className="stack" data-testid="org-pending">
            {d.pending.map((p) => (
              <li key={p.id}>
                <strong>{p.name}</strong> · {formatDateTime(p.appliedAt)}
                {p.note ? <p className="muted">“{p.note}”</p> : null}
                <Form method="post" className="actions">
                  <input type="hidden" name="intent" value="decide" />
                  <input type="hidden" name="memberId" value={p.id} />
                  <button type="submit" name="approve" value="1" aria-label={`同意 ${p.name} 加入`}>
                    同意
                  </button>
                  <button
                    type="submit"
                    name="approve"
                    value="0"
                    className="secondary"
                    aria-label={`婉拒 ${p.name}`}
                  >
                    婉拒
                  </button>
                </Form>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {d.canManage && live ? (
        <section aria-labelledby="stage-h">
          <h2 id="stage-h">变更孵化阶段</h2>
          <Form method="post" className="form">
            <input type="hidden" name="intent" value="stage" />
            <div className={`field${fields.to.errors?.length ? " has-error" : ""}`}>
              <label htmlFor="stage-to">新阶段</label>
              <select id="stage-to" name="to" defaultValue={allowedStageMoves(d.org.stage)[0]}>
                {allowedStageMoves(d.org.stage).map((s) => (
                  <option key={s} value={s}>
                    {ORG_STAGE_LABELS[s]}
                  </option>
                ))}
              </select>
              {fields.to.errors?.length ? (
                <p className="error" role="alert">
                  {fields.to.errors.join("；")}
                </p>
              ) : null}
            </div>
            <div className="field">
              <label htmlFor="stage-note">说明（选填）</label>
              <input id="stage-note" name="note" maxLength={200} />
            </div>
            <button type="submit">变更阶段</button>
          </Form>
        </section>
      ) : null}

      <section aria-labelledby="members-h">
        <h2 id="members-h">成员</h2>
        <ul className="chips">
          {d.members.map((m) => (
            <li key={m.userId} className="tag">
              {m.name}
              {m.isLeader ? "（负责人）" : ""}
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="acts-h">
        <h2 id="acts-h">组织的活动</h2>
        {d.activities.activities.length === 0 ? <p className="muted">还没有记录的活动。</p> : null}
        <ul className="stack">
          {d.activities.activities.map((a) => (
            <li key={a.id}>
              <Link to={`/activities/${a.id}`}>{a.title}</Link> · {formatDate(a.startsAt)} ·{" "}
              {a.participations} 人次
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="history-h">
        <h2 id="history-h">孵化历程</h2>
        <ol className="stack">
          {d.history.map((h, i) => (
            <li key={i}>
              {formatDate(h.at)}：{h.from ? `${ORG_STAGE_LABELS[h.from]} → ` : ""}
              {ORG_STAGE_LABELS[h.to]}
              {h.note ? `（${h.note}）` : ""}
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}
