import { getFormProps, getTextareaProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import {
  Form,
  Link,
  useActionData,
  useLoaderData,
  useNavigation,
  useSearchParams,
} from "@remix-run/react";
import { useState } from "react";
import { getDb } from "@db/client";
import { FormErrors } from "~/components/forms";
import { Stars } from "~/components/evaluations";
import { requireActor } from "~/modules/auth/request.server";
import { COMMENT_MAX, evaluationSchema, RATING_LABELS } from "~/modules/learning/evaluation";
import { evaluationForm, submitEvaluation } from "~/modules/learning/evaluation.server";
import { readForm } from "~/utils/csrf.server";
import { formatDateTime } from "~/utils/dates";
import { replyInvalid, replyWithUserError } from "~/utils/forms.server";
import { parseIdParam } from "~/utils/http";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `评价 · ${data?.title ?? ""}` },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = requireActor(request);
  return evaluationForm(
    getDb(),
    actor,
    parseIdParam(params.enrollmentId, "没有找到这条报名记录。"),
  );
}

export async function action({ request, params }: ActionFunctionArgs) {
  const actor = requireActor(request);
  const formData = await readForm(request);
  const submission = parseWithZod(formData, { schema: evaluationSchema });
  if (submission.status !== "success") return replyInvalid(submission);
  const id = parseIdParam(params.enrollmentId, "没有找到这条报名记录。");
  try {
    submitEvaluation(getDb(), actor, id, submission.value);
    return redirect(`/me/evaluate/${id}?thanks=1`);
  } catch (e) {
    return replyWithUserError(submission, e);
  }
}

export default function EvaluatePage() {
  const d = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [params] = useSearchParams();
  const busy = useNavigation().state === "submitting";
  const [form, fields] = useForm({
    lastResult,
    id: "evaluate",
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: evaluationSchema }),
  });
  const [chars, setChars] = useState(0);
  return (
    <div className="container">
      <p className="breadcrumb">
        <Link to="/me">我的</Link> › 评价
      </p>
      <h1>评价这门课</h1>
      <p className="lead">
        {d.title} · {d.academyName}
        {d.learner ? `（为${d.learner}评价）` : ""}
      </p>
      {d.existing ? (
        <section className="card" data-testid="evaluation-done">
          {params.get("thanks") ? (
            <p className="notice" role="status">
              谢谢您的评价！书院会根据大家的意见改进课程。
            </p>
          ) : (
            <p>
              您已经评价过这门课（{formatDateTime(d.existing.createdAt)}
              ）。每次报名只能评价一次，提交后不能修改。
            </p>
          )}
          <p>
            <Stars rating={d.existing.rating} /> {d.existing.rating} 星 ·{" "}
            {RATING_LABELS[d.existing.rating]}
          </p>
          {d.existing.comment ? <p className="eval-text">{d.existing.comment}</p> : null}
          {d.existing.hidden ? <p className="hint">这条留言已被书院管理员隐藏。</p> : null}
        </section>
      ) : d.blocked ? (
        <p className="notice warn">{d.blocked}</p>
      ) : (
        <Form method="post" className="form" {...getFormProps(form)}>
          <FormErrors errors={form.errors} id={form.errorId} />
          <fieldset
            className={`rating-field${fields.rating.errors ? " has-error" : ""}`}
            aria-describedby={fields.rating.errors ? fields.rating.errorId : undefined}
          >
            <legend>打分（1–5 星）</legend>
            <div className="rating-options">
              {[5, 4, 3, 2, 1].map((n) => (
                <label key={n} className="rating-option">
                  <input
                    type="radio"
                    name={fields.rating.name}
                    value={n}
                    defaultChecked={fields.rating.initialValue === String(n)}
                  />
                  <span>
                    {"★".repeat(n)} {n} 星 · {RATING_LABELS[n]}
                  </span>
                </label>
              ))}
            </div>
            {fields.rating.errors ? (
              <p className="error" id={fields.rating.errorId} role="alert">
                {fields.rating.errors.join("；")}
              </p>
            ) : null}
          </fieldset>
          <div className={`field${fields.comment.errors ? " has-error" : ""}`}>
            <label htmlFor={fields.comment.id}>留言（可不填，最多 {COMMENT_MAX} 字）</label>
            <textarea
              {...getTextareaProps(fields.comment)}
              key={fields.comment.key}
              rows={5}
              onInput={(e) => setChars([...e.currentTarget.value].length)}
            />
            <p className="hint" aria-live="polite">
              {chars > 0 ? `${chars} / ${COMMENT_MAX} 字。` : null}
              留言提交后不能修改；书院管理员可以隐藏不当内容。
            </p>
            {fields.comment.errors ? (
              <p className="error" id={fields.comment.errorId} role="alert">
                {fields.comment.errors.join("；")}
              </p>
            ) : null}
          </div>
          <button type="submit" disabled={busy}>
            {busy ? "正在提交…" : "提交评价"}
          </button>
        </Form>
      )}
      <p className="actions">
        <Link className="button secondary" to="/me">
          返回我的学习档案
        </Link>
      </p>
    </div>
  );
}
