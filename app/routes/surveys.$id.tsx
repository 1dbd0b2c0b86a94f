import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { getDb } from "@db/client";
import { getActor, requireActor } from "~/modules/auth/request.server";
import { answerSurvey, getSurveyPage } from "~/modules/community/proposals.server";
import { readForm } from "~/utils/csrf.server";
import { isUserError } from "~/utils/errors";
import { parseIdParam } from "~/utils/http";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.survey.title} · 需求调查` : "需求调查" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const id = parseIdParam(params.id, "没有找到这份调查。");
  return getSurveyPage(getDb(), getActor(request), id);
}

/** The questions are the survey's own, so the answers are read field by field (q1…q10) and checked by the module. */
export async function action({ request, params }: ActionFunctionArgs) {
  const id = parseIdParam(params.id, "没有找到这份调查。");
  const actor = requireActor(request);
  const form = await readForm(request);
  const answers: Record<string, string> = {};
  for (let i = 1; i <= 10; i++) {
    const v = form.get(`q${i}`);
    if (typeof v === "string") answers[`q${i}`] = v.slice(0, 600);
  }
  try {
    answerSurvey(getDb(), actor, id, answers);
    return redirect(`/surveys/${id}?done=answered`);
  } catch (e) {
    if (!isUserError(e)) throw e;
    return data({ field: e.field ?? null, message: e.message, answers }, { status: 400 });
  }
}

export default function SurveyPage() {
  const d = useLoaderData<typeof loader>();
  const err = useActionData<typeof action>();
  const [params] = useSearchParams();
  return (
    <div className="container">
      <p className="breadcrumb">
        <Link to={`/academies/${d.academy.slug}`}>← {d.academy.name}</Link>
      </p>
      <h1>{d.survey.title}</h1>
      {params.get("done") === "answered" ? <p className="notice" role="status">谢谢您的回答！书院会根据大家的需求设计课程。</p> : null}
      {params.get("done") === "published" ? <p className="notice" role="status">调查已发布，把这个页面的链接发给居民吧。</p> : null}
      {d.survey.intro ? <p className="lead">{d.survey.intro}</p> : null}
      <p className="muted">已有 {d.responses} 位居民回答。</p>
      {err && !err.field ? (
        <div className="form-error" role="alert">
          {err.message}
        </div>
      ) : null}
      {d.survey.status !== "open" ? (
        <p className="notice">这份调查已经结束，谢谢关注。</p>
      ) : d.answered ? (
        <p className="notice">您已经填写过这份调查了，每人只能填一次。</p>
      ) : (
        <Form method="post" className="form" noValidate>
          {d.survey.questions.map((q) => {
            const bad = err?.field === q.id;
            const value = err?.answers[q.id] ?? "";
            return q.kind === "choice" ? (
              <fieldset key={q.id} className={`field${bad ? " has-error" : ""}`} aria-describedby={bad ? `${q.id}-error` : undefined}>
                <legend>
                  {q.label}
                  {q.required ? "（必答）" : ""}
                </legend>
                {q.options.map((o) => (
                  <label key={o} className="choice">
                    <input type="radio" name={q.id} value={o} defaultChecked={value === o} /> {o}
                  </label>
                ))}
                {bad ? (
                  <p className="error" id={`${q.id}-error`} role="alert">
                    {err!.message}
                  </p>
                ) : null}
              </fieldset>
            ) : (
              <div key={q.id} className={`field${bad ? " has-error" : ""}`}>
                <label htmlFor={q.id}>
                  {q.label}
                  {q.required ? "（必答）" : ""}
                </label>
                <textarea id={q.id} name={q.id} rows={2} maxLength={500} defaultValue={value} aria-invalid={bad || undefined} aria-describedby={bad ? `${q.id}-error` : undefined} />
                {bad ? (
                  <p className="error" id={`${q.id}-error`} role="alert">
                    {err!.message}
                  </p>
                ) : null}
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
