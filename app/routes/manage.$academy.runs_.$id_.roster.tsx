import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
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
import { Field, FormErrors } from "~/components/forms";
import { requireActor } from "~/modules/auth/request.server";
import { drawLottery } from "~/modules/enrollment/lottery.server";
import {
  addWalkIn,
  getRunRoster,
  mayOpenRosterPhones,
  recentRosterChanges,
  removeEnrollment,
  revealRosterPhones,
  type RosterRow,
} from "~/modules/enrollment/roster.server";
import { requireManagedAcademy } from "~/modules/scheduling/access.server";
import { readForm } from "~/utils/csrf.server";
import { formatDateTime } from "~/utils/dates";
import { isUserError } from "~/utils/errors";
import { clientIp, notFound, parseIdParam, queryCount } from "~/utils/http";
import { z } from "~/utils/zod";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `报名名单 · ${data?.title ?? ""} · 书院管理` },
];

const schema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("add"),
    name: z
      .string({ error: "请填写姓名。" })
      .trim()
      .min(1, "请填写姓名。")
      .max(20, "姓名最多 20 个字。"),
    phone: z
      .string({ error: "请填写手机号码。" })
      .trim()
      .regex(/^1\d{10}$/, "请填写 11 位手机号码。"),
  }),
  z.object({
    intent: z.literal("remove"),
    enrollmentId: z.coerce.number().int().positive(),
    reason: z
      .string({ error: "请写明移出的原因，对方会收到它。" })
      .trim()
      .min(1, "请写明移出的原因，对方会收到它。")
      .max(200, "原因最多 200 字。"),
  }),
  z.object({
    // 显示完整号码: one person's (enrollmentId) or everyone's on the roster now.
    intent: z.literal("reveal-phones"),
    enrollmentId: z.coerce.number().int().positive().optional(),
  }),
  z.object({
    intent: z.literal("draw"),
    seed: z.string().trim().max(64, "种子最多 64 个字符。").default(""),
  }),
]);

type Reply = { formKey: string; result: SubmissionResult<string[]> };
/** The answer to 显示完整号码: the numbers opened, by enrolment id (shown until the next page load). */
type Revealed = { revealed: Record<number, string>; count: number };

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = requireActor(request);
  const db = getDb();
  const academy = requireManagedAcademy(db, actor, params.academy ?? "");
  const roster = getRunRoster(db, actor, parseIdParam(params.id, "没有找到这个班。"));
  if (roster.run.academyId !== academy.id) notFound("这所书院没有这个班。");
  return {
    ...roster,
    slug: academy.slug,
    changes: recentRosterChanges(db, actor, roster.run.id),
    canReveal: mayOpenRosterPhones(actor, academy.id),
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const actor = requireActor(request);
  const db = getDb();
  const academy = requireManagedAcademy(db, actor, params.academy ?? "");
  const runId = parseIdParam(params.id, "没有找到这个班。");
  const formData = await readForm(request);
  const intent = formData.get("intent");
  const formKey =
    intent === "remove" ? `remove-${formData.get("enrollmentId")}` : String(intent ?? "");
  const submission = parseWithZod(formData, { schema });
  if (submission.status !== "success")
    return data<Reply>({ formKey, result: submission.reply() }, { status: 400 });
  const base = `/manage/${academy.slug}/runs/${runId}/roster`;
  const ip = clientIp(request);
  try {
    const v = submission.value;
    if (v.intent === "add") {
      const out = addWalkIn(db, actor, { runId, name: v.name, phone: v.phone }, ip);
      return redirect(
        `${base}?done=added&status=${out.status}${out.position ? `&position=${out.position}` : ""}`,
      );
    }
    if (v.intent === "remove") {
      const out = removeEnrollment(
        db,
        actor,
        { runId, enrollmentId: v.enrollmentId, reason: v.reason },
        ip,
      );
      return redirect(`${base}?done=removed${out.promoted ? "&promoted=1" : ""}`);
    }
    if (v.intent === "reveal-phones") {
      const revealed = revealRosterPhones(db, actor, { runId, enrollmentId: v.enrollmentId }, ip);
      return data<Revealed>({ revealed, count: Object.keys(revealed).length });
    }
    const r = drawLottery(db, actor, runId, { seed: v.seed, ip });
    return redirect(`${base}?done=drawn&winners=${r?.winners ?? 0}`);
  } catch (e) {
    if (!isUserError(e)) throw e;
    return data<Reply>(
      {
        formKey,
        result: submission.reply({
          fieldErrors: e.field ? { [e.field]: [e.message] } : undefined,
          formErrors: e.field ? undefined : [e.message],
        }),
      },
      { status: 400 },
    );
  }
}

function Done() {
  const [params] = useSearchParams();
  const done = params.get("done");
  if (done === "added") {
    const status = params.get("status");
    return (
      <p className="notice" role="status">
        已加入名单：
        {status === "confirmed"
          ? "已确认名额"
          : status === "waitlisted"
            ? `名额已满，排在候补第 ${queryCount(params, "position") ?? "?"} 位`
            : "已加入抽签"}
        。已记入操作日志。
      </p>
    );
  }
  if (done === "removed") {
    return (
      <p className="notice" role="status">
        已移出名单，并已通知本人。{params.get("promoted") ? "空出的名额已自动让给候补第一位。" : ""}
        已记入操作日志。
      </p>
    );
  }
  if (done === "drawn") {
    return (
      <p className="notice" role="status">
        抽签完成：{queryCount(params, "winners") ?? 0}{" "}
        人中签，其余按抽签顺序候补，所有申请人都已收到消息。
      </p>
    );
  }
  return null;
}

function RemoveForm({ row, reply }: { row: RosterRow; reply?: Reply }) {
  const key = `remove-${row.id}`;
  const lastResult = reply?.formKey === key ? reply.result : undefined;
  const [form, fields] = useForm({
    id: key,
    lastResult,
    onValidate: ({ formData }) => parseWithZod(formData, { schema }),
  });
  return (
    <details className="enrol-cancel" open={!!lastResult}>
      <summary className="button secondary small">移出</summary>
      <Form method="post" {...getFormProps(form)} className="confirm-box form">
        <FormErrors errors={form.errors} id={form.errorId} />
        <input type="hidden" name="intent" value="remove" />
        <input type="hidden" name="enrollmentId" value={row.id} />
        <Field label={`移出 ${row.name} 的原因（对方会收到）`} meta={fields.reason} />
        <button type="submit" className="danger">
          确认移出
        </button>
      </Form>
    </details>
  );
}

/** A masked number with its 显示号码 button, or the opened number as a tel: link. */
function Phone({ row, full, canReveal }: { row: RosterRow; full?: string; canReveal: boolean }) {
  if (!row.phone) return null;
  if (full)
    return (
      <a className="tel-link" href={`tel:${full}`} data-testid="full-phone">
        {full}
      </a>
    );
  return (
    <span className="phone-masked">
      <span data-testid="masked-phone">{row.phone}</span>
      {canReveal ? (
        <Form method="post" className="reveal-one">
          <input type="hidden" name="intent" value="reveal-phones" />
          <input type="hidden" name="enrollmentId" value={row.id} />
          <button type="submit" className="secondary small">
            显示号码<span className="visually-hidden">：{row.name}</span>
          </button>
        </Form>
      ) : null}
    </span>
  );
}

function RosterList({
  rows,
  reply,
  removable,
  testId,
  revealed,
  canReveal = false,
}: {
  rows: RosterRow[];
  reply?: Reply;
  removable: boolean;
  testId: string;
  revealed?: Record<number, string>;
  canReveal?: boolean;
}) {
  if (!rows.length) return <p className="muted">无</p>;
  return (
    <ol className="roster-list" data-testid={testId}>
      {rows.map((r) => (
        <li key={r.id} className="roster-row">
          <div>
            <strong>
              {r.position ? `${r.position}. ` : ""}
              {r.name}
            </strong>{" "}
            <span className="muted">{r.kind}</span>
            <div className="roster-phone">
              <Phone row={r} full={revealed?.[r.id]} canReveal={canReveal} />
            </div>
            <div className="hint">
              报名 {formatDateTime(r.createdAt)}
              {r.promotedAt ? ` · ${formatDateTime(r.promotedAt)} 候补转正` : ""}
              {r.addedByName ? ` · 由 ${r.addedByName} 添加` : ""}
              {r.cancelledAt
                ? ` · ${formatDateTime(r.cancelledAt)} ${
                    r.status === "removed" ? `被 ${r.endedByName ?? "管理员"} 移出` : "本人取消"
                  }`
                : ""}
              {r.endReason ? `：${r.endReason}` : ""}
            </div>
          </div>
          {removable ? <RemoveForm row={r} reply={reply} /> : null}
        </li>
      ))}
    </ol>
  );
}

export default function RosterPage() {
  const d = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>() as Reply | Revealed | undefined;
  const reply = answer && "formKey" in answer ? answer : undefined;
  const revealed = answer && "revealed" in answer ? answer.revealed : undefined;
  const onRoster = d.confirmed.length + d.waitlisted.length + d.pending.length;
  const busy = useNavigation().state === "submitting";
  const [addForm, addFields] = useForm({
    id: "add",
    lastResult: reply?.formKey === "add" ? reply.result : undefined,
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema }),
  });
  const [drawForm, drawFields] = useForm<{ intent: string; seed: string }>({
    id: "draw",
    lastResult: reply?.formKey === "draw" ? reply.result : undefined,
  });
  const runBase = `/manage/${d.slug}/runs/${d.run.id}`;
  return (
    <>
      <p>
        <Link to={runBase}>← 返回开课设置</Link> ·{" "}
        <Link to={`/classes/${d.run.id}`}>查看课程页</Link>
      </p>
      <h1>报名名单：{d.title}</h1>
      <Done />
      <p data-testid="roster-counts">
        名额 {d.run.capacity} · 已报名 {d.counts.confirmed} · 候补 {d.counts.waitlisted}
        {d.run.enrollMode === "lottery" ? ` · 待抽签 ${d.counts.pending}` : ""}
      </p>

      {d.lottery ? (
        <section className="card">
          <h2>抽签</h2>
          {d.lottery.drawn ? (
            <p>
              已于 {formatDateTime(d.lottery.drawn.drawnAt)}{" "}
              {d.lottery.drawn.bySystem ? "由系统在报名截止后" : ""}抽签：
              {d.lottery.drawn.applicants} 人申请，
              {d.lottery.drawn.winners} 人中签。种子{" "}
              <code className="break-all">{d.lottery.drawn.seed}</code>
              {d.lottery.drawn.matches ? "，按种子复核一致。" : "，复核不一致！"}
            </p>
          ) : d.lottery.canDraw ? (
            <Form method="post" {...getFormProps(drawForm)} className="form">
              <FormErrors errors={drawForm.errors} id={drawForm.errorId} />
              <p>
                {d.lottery.closed
                  ? "报名已截止，可以抽签了（有人打开课程页时系统也会自动抽签）。"
                  : `报名将于 ${
                      d.lottery.closeAt ? formatDateTime(d.lottery.closeAt) : "开课前"
                    } 截止，截止后系统会自动抽签。现在抽签会立即截止报名。`}
              </p>
              <input type="hidden" name="intent" value="draw" />
              <Field
                label="抽签种子（可不填，系统随机生成；填写公开的数字便于大家复核）"
                meta={drawFields.seed}
              />
              <details>
                <summary className="button">抽签</summary>
                <div className="confirm-box">
                  <p>抽签结果不能重抽。确定现在为 {d.counts.pending} 位申请人抽签吗？</p>
                  <button type="submit" disabled={busy}>
                    确认抽签
                  </button>
                </div>
              </details>
            </Form>
          ) : (
            <p className="muted">这个班现在不能抽签。</p>
          )}
        </section>
      ) : null}

      <section>
        <h2>现场报名</h2>
        <p className="hint">
          为没有账号的居民登记姓名和手机号；手机号已注册的，会直接报到该账号名下并通知本人。满员时进入候补。
        </p>
        <Form method="post" {...getFormProps(addForm)} className="form">
          <FormErrors errors={addForm.errors} id={addForm.errorId} />
          <input type="hidden" name="intent" value="add" />
          <Field label="姓名" meta={addFields.name} autoComplete="off" />
          <Field label="手机号码" meta={addFields.phone} type="tel" autoComplete="off" />
          <button type="submit" disabled={busy}>
            加入名单
          </button>
        </Form>
      </section>

      <section className="card reveal-panel" aria-labelledby="reveal-heading">
        <h2 id="reveal-heading">联系学员</h2>
        {revealed ? (
          <p className="notice" role="status" data-testid="reveal-notice">
            已显示 {Object.keys(revealed).length}{" "}
            个完整号码，这次查看已记入操作日志。离开或刷新本页后号码会重新隐藏。
          </p>
        ) : (
          <p className="hint">
            名单上的手机号默认只显示前三位和后四位。
            {d.canReveal
              ? "需要打电话通知时再显示完整号码，每次显示都记入操作日志（谁、哪个班、几个号码）。"
              : "完整号码只有本书院的管理员可以查看。"}
          </p>
        )}
        {d.canReveal && onRoster > 0 && !(revealed && Object.keys(revealed).length === onRoster) ? (
          <Form method="post">
            <input type="hidden" name="intent" value="reveal-phones" />
            <button type="submit" className="secondary">
              显示全部完整号码（{onRoster} 人）
            </button>
          </Form>
        ) : null}
      </section>

      <h2>已报名（{d.confirmed.length}）</h2>
      <RosterList
        rows={d.confirmed}
        reply={reply}
        removable
        testId="roster-confirmed"
        revealed={revealed}
        canReveal={d.canReveal}
      />
      <h2>候补（{d.waitlisted.length}）</h2>
      <RosterList
        rows={d.waitlisted}
        reply={reply}
        removable
        testId="roster-waitlisted"
        revealed={revealed}
        canReveal={d.canReveal}
      />
      {d.run.enrollMode === "lottery" ? (
        <>
          <h2>待抽签（{d.pending.length}）</h2>
          <RosterList
            rows={d.pending}
            reply={reply}
            removable
            testId="roster-pending"
            revealed={revealed}
            canReveal={d.canReveal}
          />
        </>
      ) : null}
      <h2>已取消或移出（{d.ended.length}）</h2>
      <RosterList rows={d.ended} removable={false} testId="roster-ended" />

      {d.changes.length ? (
        <section>
          <h2>最近的名单操作</h2>
          <ul className="stack">
            {d.changes.map((c) => (
              <li key={c.id}>
                <span className="muted">
                  {formatDateTime(c.created_at)} {c.actor_name ?? "系统"}
                </span>
                ：{c.summary}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}
