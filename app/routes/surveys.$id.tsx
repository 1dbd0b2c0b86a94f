import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { getDb } from "@db/client";
import { getActor, requireActor } from "~/modules/auth/request.server";
import { FormErrors } from "~/components/forms";
import { FieldError, initialText } from "~/components/schedule";
import { surveyAnswerSchema } from "~/modules/community/groups-labels";
import { answerSurvey, getSurveyPage } from "~/modules/community/proposals.server";
import { readForm } from "~/utils/csrf.server";
import { replyInvalid, replyWithUserError } from "~/utils/forms.server";
import { parseIdParam } from "~/utils/http";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.survey.title} · 需求调查` : "需求调查" },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const id = parseIdParam(params.id, "没有找到这份调查。");
  return getSurveyPage(getDb(), getActor(request), id);
}

/** The questions are the survey's own, so the schema is built from them (q1…q10); the module parses again. */
export async function action({ request, params }: ActionFunctionArgs) {
  const id = parseIdParam(params.id, "没有找到这份调查。");
  const actor = requireActor(request);
  const db = getDb();
  const { survey } = getSurveyPage(db, actor, id);
  const submission = parseWithZod(await readForm(request), {
    schema: surveyAnswerSchema(survey.questions),
  });
  if (submission.status !== "success") return replyInvalid(submission);
  try {
    answerSurvey(db, actor, id, submission.value);
    return redirect(`/surveys/${id}?done=answered`);
  } catch (e) {
    return replyWithUserError(submission, e);
  }
}

export default function SurveyPage() {
  const d = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [params] = useSearchParams();
  const [form, fields] = useForm<Record<string, string>>({ id: "survey-answer", lastResult });
  return (
    <div className="container">
      <p className="breadcrumb">
        <Link to={`/academies/${d.academy.slug}`}>← {d.academy.name}</Link>
      </p>
      <h1>{d.survey.title}</h1>
      {params.get("done") === "answered" ? (
        <p className="notice" role="status">
          谢谢您的回答！书院会根据大家的需求设计课程。
        </p>
      ) : null}
      {params.get("done") === "published" ? (
        <p className="notice" role="status">
          调查已发布，把这个页面的链接发给居民吧。
        </p>
      ) : null}
      {d.survey.intro ? <p className="lead">{d.survey.intro}</p> : null}
      <p className="muted">已有 {d.responses} 位居民回答。</p>
      {d.survey.status !== "open" ? (
        <p className="notice">这份调查已经结束，谢谢关注。</p>
      ) : d.answered ? (
        <p className="notice">您已经填写过这份调查了，每人只能填一次。</p>
      ) : (
        <Form method="post" className="form" {...getFormProps(form)}>
          <FormErrors errors={form.errors} id={form.errorId} />
          {d.survey.questions.map((q) => {
            const f = fields[q.id]!;
            const bad = !!f.errors?.length;
            const value = initialText(f);
            return q.kind === "choice" ? (
              <fieldset
                key={q.id}
                className={`field${bad ? " has-error" : ""}`}
                aria-invalid={bad || undefined}
                aria-describedby={bad ? f.errorId : undefined}
                data-testid={`survey-${q.id}`}
              >
                <legend>
                  {q.label}
                  {q.required ? "（必答）" : ""}
                </legend>
                {q.options.map((o) => (
                  <label key={o} className="choice">
                    <input type="radio" name={f.name} value={o} defaultChecked={value === o} /> {o}
                  </label>
                ))}
                <FieldError meta={f} />
              </fieldset>
            ) : (
              <div
                key={q.id}
                className={`field${bad ? " has-error" : ""}`}
                data-testid={`survey-${q.id}`}
              >
                <label htmlFor={f.id}>
                  {q.label}
                  {q.required ? "（必答）" : ""}
                </label>
                <textarea
                  id={f.id}
                  name={f.name}
                  rows={2}
                  maxLength={500}
                  defaultValue={value}
                  key={f.key}
                  aria-invalid={bad || undefined}
                  aria-describedby={bad ? f.errorId : undefined}
                />
                <FieldError meta={f} />
              </div>
            );
          })}
          <button type="submit">提交</button>
          <p className="hint">每人只能回答一次。没有登录时会先请您登录。</p>
        </Form>
      )}
      {d.canManage ? (
        <p>
          <Link to={`/manage/${d.academy.slug}/surveys/${d.survey.id}`}>查看调查结果 →</Link>
        </p>
      ) : null}
    </div>
  );
}
