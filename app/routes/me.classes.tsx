import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { getDb } from "@db/client";
import { requireActor } from "~/modules/auth/request.server";
import { cancelEnrollmentGrouped, isEnrollRefusal } from "~/modules/enrollment/enroll.server";
import { isRefusalCode, myClassState, REFUSAL_MESSAGES } from "~/modules/enrollment/rules";
import { listMyClasses, type MyClass } from "~/modules/enrollment/views.server";
import { readForm } from "~/utils/csrf.server";
import { formatDateTime } from "~/utils/dates";
import { z } from "~/utils/zod";

export const meta: MetaFunction = () => [{ title: "我的课程 · 厦门社区书院" }];

const cancelSchema = z.object({
  intent: z.literal("cancel"),
  runId: z.coerce.number().int().positive(),
  memberId: z.preprocess(
    (v) => (v === "" || v == null ? undefined : v),
    z.coerce.number().int().positive().optional(),
  ),
});

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = requireActor(request);
  return listMyClasses(getDb(), actor);
}

export async function action({ request }: ActionFunctionArgs) {
  const actor = requireActor(request);
  const parsed = cancelSchema.safeParse(Object.fromEntries(await readForm(request)));
  if (!parsed.success) return redirect("/me/classes?result=refused&reason=not_enrolled");
  try {
    const out = await cancelEnrollmentGrouped(getDb(), actor, parsed.data);
    return redirect(`/me/classes?result=cancelled${out.promoted ? "&promoted=1" : ""}`);
  } catch (e) {
    if (isEnrollRefusal(e)) return redirect(`/me/classes?result=refused&reason=${e.code}`);
    throw e;
  }
}

function ClassItem({ c, busy }: { c: MyClass; busy: boolean }) {
  const verb =
    c.status === "confirmed" ? "取消报名" : c.status === "waitlisted" ? "退出候补" : "撤回抽签申请";
  // One badge for the enrolment and the class together (a finished class is 已结课, not 已报名).
  const state = myClassState(c);
  return (
    <li className="card my-class" data-testid="my-class" data-run={c.runId} data-status={c.status}>
      <h3>
        <Link to={`/classes/${c.runId}`}>{c.title}</Link>
      </h3>
      <p className="my-class-meta">
        <span className={`badge ${state.tone}`} data-testid="my-class-badge">
          {state.label}
        </span>{" "}
        {c.who} · {c.academyName}
      </p>
      {state.upcoming && c.nextSessionAt ? (
        <p data-testid="my-class-next">下次上课：{formatDateTime(c.nextSessionAt)}</p>
      ) : null}
      {c.status === "removed" && c.endReason ? (
        <p className="hint">被书院移出：{c.endReason}</p>
      ) : null}
      {c.canCancel ? (
        <details className="enrol-cancel">
          <summary className="button secondary">{verb}</summary>
          <Form method="post" className="confirm-box">
            <p>
              确定要{verb}「{c.title}」（{c.who}）吗？
              {c.status === "confirmed" ? "名额会立即让给候补的下一位。" : null}
            </p>
            <input type="hidden" name="intent" value="cancel" />
            <input type="hidden" name="runId" value={c.runId} />
            {c.memberId != null ? <input type="hidden" name="memberId" value={c.memberId} /> : null}
            <button type="submit" className="danger" disabled={busy}>
              确认{verb}
            </button>
          </Form>
        </details>
      ) : c.cancelNote && state.upcoming ? (
        <p className="hint">{c.cancelNote}</p>
      ) : null}
      {c.leaveHref && state.upcoming ? (
        <p className="actions">
          <Link className="button secondary" to={c.leaveHref}>
            请假
          </Link>
        </p>
      ) : null}
      {c.canCancel && c.status === "confirmed" && c.cancelDeadline ? (
        <p className="hint">可取消至 {formatDateTime(c.cancelDeadline)}</p>
      ) : null}
    </li>
  );
}

export default function MyClasses() {
  const data = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const busy = useNavigation().state === "submitting";
  const result = params.get("result");
  const reason = params.get("reason");
  const empty = !data.confirmed.length && !data.waitlisted.length && !data.pending.length;
  return (
    <div className="container">
      <p className="breadcrumb">
        <Link to="/me">我的</Link> › 我的课程
      </p>
      <h1>我的课程</h1>
      {result === "cancelled" ? (
        <p className="notice" role="status">
          已取消。{params.get("promoted") ? "空出的名额已自动让给候补第一位。" : ""}
        </p>
      ) : null}
      {result === "refused" ? (
        <p className="form-error" role="alert">
          没有成功：{isRefusalCode(reason) ? REFUSAL_MESSAGES[reason] : "请检查后再试一次。"}
        </p>
      ) : null}
      {empty ? (
        <p>
          还没有报名的课程。去 <Link to="/classes">找课程</Link> 看看家门口的书院在开什么课吧。
        </p>
      ) : null}
      {data.confirmed.length ? (
        <section>
          <h2>已报名（{data.confirmed.length}）</h2>
          <ul className="card-grid">
            {data.confirmed.map((c) => (
              <ClassItem key={c.enrollmentId} c={c} busy={busy} />
            ))}
          </ul>
        </section>
      ) : null}
      {data.waitlisted.length ? (
        <section>
          <h2>候补中（{data.waitlisted.length}）</h2>
          <p className="hint">有人取消时按顺序自动递补，递补成功会在“消息”里通知您。</p>
          <ul className="card-grid">
            {data.waitlisted.map((c) => (
              <ClassItem key={c.enrollmentId} c={c} busy={busy} />
            ))}
          </ul>
        </section>
      ) : null}
      {data.pending.length ? (
        <section>
          <h2>等待抽签（{data.pending.length}）</h2>
          <ul className="card-grid">
            {data.pending.map((c) => (
              <ClassItem key={c.enrollmentId} c={c} busy={busy} />
            ))}
          </ul>
        </section>
      ) : null}
      {data.history.length ? (
        <section>
          <h2>已取消和往期</h2>
          <ul className="card-grid">
            {data.history.map((c) => (
              <ClassItem key={c.enrollmentId} c={c} busy={busy} />
            ))}
          </ul>
        </section>
      ) : null}
      <p className="actions">
        <Link className="button secondary" to="/me/family">
          我的家庭
        </Link>
      </p>
    </div>
  );
}
