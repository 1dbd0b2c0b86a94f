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
import { TextareaField } from "~/components/catalog";
import { FormErrors } from "~/components/forms";
import { sessionWhen } from "~/components/learning";
import { requireActor } from "~/modules/auth/request.server";
import {
  LEAVE_REASON_MAX,
  leaveRequestSchema,
  leaveWithdrawSchema,
} from "~/modules/learning/leave";
import {
  leavePage,
  requestLeave,
  requireOwnEnrollment,
  withdrawLeave,
} from "~/modules/learning/leave.server";
import { readForm } from "~/utils/csrf.server";
import { isUserError } from "~/utils/errors";
import { badRequest, clientIp, parseIdParam } from "~/utils/http";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `请假 · ${data?.title ?? "我的课程"}` },
];

const idOf = (v: string | undefined) => parseIdParam(v, "没有找到这条报名记录。");

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = requireActor(request);
  return leavePage(getDb(), actor, idOf(params.enrollmentId));
}

type Reply =
  | { formKey: "leave"; result: SubmissionResult<string[]> }
  | { formKey: "withdraw"; sessionId: number; error: string };

export async function action({ request, params }: ActionFunctionArgs) {
  const actor = requireActor(request);
  const form = await readForm(request);
  const id = idOf(params.enrollmentId);
  requireOwnEnrollment(getDb(), actor, id);
  if (form.get("intent") === "withdraw") {
    const parsed = leaveWithdrawSchema.safeParse(Object.fromEntries(form));
    if (!parsed.success) badRequest("撤销请假的请求有误，请刷新页面后重试。");
    try {
      withdrawLeave(
        getDb(),
        actor,
        { enrollmentId: id, sessionId: parsed.data.sessionId },
        clientIp(request),
      );
      return redirect(`/me/leave/${id}?done=withdrawn&session=${parsed.data.sessionId}`);
    } catch (e) {
      if (!isUserError(e)) throw e;
      return data<Reply>(
        { formKey: "withdraw", sessionId: parsed.data.sessionId, error: e.message },
        { status: 400 },
      );
    }
  }
  const submission = parseWithZod(form, { schema: leaveRequestSchema });
  if (submission.status !== "success")
    return data<Reply>({ formKey: "leave", result: submission.reply() }, { status: 400 });
  try {
    const out = requestLeave(
      getDb(),
      actor,
      { enrollmentId: id, sessionId: submission.value.sessionId, reason: submission.value.reason },
      clientIp(request),
    );
    return redirect(`/me/leave/${id}?done=leave&session=${out.sessionId}`);
  } catch (e) {
    if (!isUserError(e)) throw e;
    const result = submission.reply({
      fieldErrors: e.field ? { [e.field]: [e.message] } : undefined,
      formErrors: e.field ? undefined : [e.message],
    });
    return data<Reply>({ formKey: "leave", result }, { status: 400 });
  }
}

export default function LeavePage() {
  const d = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const [params] = useSearchParams();
  const busy = useNavigation().state === "submitting";
  const [form, fields] = useForm({
    id: "leave",
    lastResult: reply?.formKey === "leave" ? reply.result : undefined,
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: leaveRequestSchema }),
  });
  // The notice names a session from the loader (one of this class's), never text from the query.
  const doneSession = d.sessions.find((s) => String(s.sessionId) === params.get("session"));
  const done = params.get("done");
  const askable = d.sessions.filter((s) => s.state === null || s.state === "absent");
  const onLeave = d.sessions.filter((s) => s.state === "excused");
  const chosen =
    fields.sessionId.initialValue ?? (askable.length === 1 ? String(askable[0]!.sessionId) : "");
  return (
    <div className="container">
      <p className="breadcrumb">
        <Link to="/me">我的</Link> › <Link to="/me/classes">我的课程</Link> › 请假
      </p>
      <h1>请假</h1>
      <p className="lead">
        <Link to={`/classes/${d.runId}`}>{d.title}</Link> · {d.academyName}
        {d.learner ? `（为${d.learner}请假）` : ""}
      </p>
      {done === "leave" && doneSession ? (
        <p className="notice" role="status" data-testid="leave-done">
          已请假：{sessionWhen(doneSession.startsAt, doneSession.endsAt)}{" "}
          的课。授课老师和书院点名时会看到；请假不算缺课，不影响以后报名。上课开始前可以撤销。
        </p>
      ) : null}
      {done === "withdrawn" && doneSession ? (
        <p className="notice" role="status" data-testid="leave-withdrawn">
          已撤销请假：{sessionWhen(doneSession.startsAt, doneSession.endsAt)} 的课，请按时上课。
        </p>
      ) : null}
      {reply?.formKey === "withdraw" ? (
        <p className="form-error" role="alert">
          {reply.error}
        </p>
      ) : null}
      {d.blocked ? <p className="notice warn">{d.blocked}</p> : null}

      {onLeave.length ? (
        <section aria-labelledby="on-leave">
          <h2 id="on-leave">已请假的课</h2>
          <ul className="record-list" data-testid="leave-list">
            {onLeave.map((s) => (
              <li key={s.sessionId} data-testid="leave-item">
                <strong>{sessionWhen(s.startsAt, s.endsAt)}</strong> · {s.roomName}{" "}
                <span className="badge warn">
                  {s.method === "leave" ? "已请假" : "书院已登记请假"}
                </span>
                {s.note ? <p className="leave-reason">原因：{s.note}</p> : null}
                {s.method === "leave" ? (
                  <Form method="post" className="inline-form">
                    <input type="hidden" name="intent" value="withdraw" />
                    <input type="hidden" name="sessionId" value={s.sessionId} />
                    <button type="submit" className="secondary" disabled={busy}>
                      撤销请假
                    </button>
                  </Form>
                ) : (
                  <p className="hint">如需撤销，请联系书院。</p>
                )}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {d.blocked ? null : askable.length === 0 ? (
        <p className="muted">
          {onLeave.length ? "其余课次都已签到或请假。" : "这个班没有还没开始的课次，不需要请假。"}
        </p>
      ) : (
        <Form method="post" className="form" {...getFormProps(form)}>
          <FormErrors errors={form.errors} id={form.errorId} />
          <input type="hidden" name="intent" value="leave" />
          <fieldset
            className={`rating-field${fields.sessionId.errors ? " has-error" : ""}`}
            aria-describedby={fields.sessionId.errors ? fields.sessionId.errorId : undefined}
          >
            <legend>哪一次课不能来？</legend>
            <div className="rating-options">
              {askable.map((s) => (
                <label key={s.sessionId} className="rating-option">
                  <input
                    type="radio"
                    name={fields.sessionId.name}
                    value={s.sessionId}
                    defaultChecked={chosen === String(s.sessionId)}
                  />
                  <span>
                    {sessionWhen(s.startsAt, s.endsAt)} · {s.roomName}
                  </span>
                </label>
              ))}
            </div>
            {fields.sessionId.errors ? (
              <p className="error" id={fields.sessionId.errorId} role="alert">
                {fields.sessionId.errors.join("；")}
              </p>
            ) : null}
          </fieldset>
          <TextareaField
            meta={fields.reason}
            label={`请假原因（可不填，最多 ${LEAVE_REASON_MAX} 字）`}
            rows={3}
          />
          <button type="submit" disabled={busy}>
            {busy ? "正在提交…" : "提交请假"}
          </button>
          <p className="hint">
            上课开始前都可以在线请假。请假不算缺课，不影响以后报名；整个班都不上了，请在“我的课程”里取消报名，把名额让给别人。
          </p>
        </Form>
      )}
      <p className="actions">
        <Link className="button secondary" to="/me/classes">
          返回我的课程
        </Link>
      </p>
    </div>
  );
}
