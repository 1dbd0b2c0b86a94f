import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { getDb } from "@db/client";
import { requireActor } from "~/modules/auth/request.server";
import { closeSurvey, surveyResults } from "~/modules/community/proposals.server";
import { requireManagedAcademy } from "~/modules/scheduling/access.server";
import { readForm } from "~/utils/csrf.server";
import { isUserError } from "~/utils/errors";
import { badRequest, clientIp, notFound, parseIdParam } from "~/utils/http";

export const meta: MetaFunction = () => [{ title: "需求调查结果 · 书院管理" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = requireActor(request);
  const db = getDb();
  const academy = requireManagedAcademy(db, actor, params.academy ?? "");
  const r = surveyResults(db, actor, parseIdParam(params.id, "没有找到这份调查。"));
  if (r.survey.academyId !== academy.id) notFound("没有找到这份调查。");
  return { ...r, slug: academy.slug };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const actor = requireActor(request);
  const db = getDb();
  const academy = requireManagedAcademy(db, actor, params.academy ?? "");
  const id = parseIdParam(params.id, "没有找到这份调查。");
  await readForm(request);
  try {
    closeSurvey(db, actor, id, clientIp(request));
  } catch (e) {
    // 这份调查已经结束了 (a second click, another tab): a Chinese 400, not a 500.
    if (isUserError(e)) badRequest(e.message);
    throw e;
  }
  return redirect(`/manage/${academy.slug}/surveys/${id}`);
}

export default function SurveyResults() {
  const d = useLoaderData<typeof loader>();
  return (
    <>
      <h1>{d.survey.title}</h1>
      <p>
        共 {d.responses} 份回答 · {d.survey.status === "open" ? "进行中" : "已结束"} ·{" "}
        <Link to={`/surveys/${d.survey.id}`}>居民填写页</Link>
      </p>
      {d.questions.map((q) => (
        <section key={q.id}>
          <h2>{q.label}</h2>
          {q.kind === "choice" ? (
            <ul className="stack">
              {q.counts.map((c) => (
                <li key={c.option}>
                  {c.option}：{c.n} 人
                </li>
              ))}
            </ul>
          ) : q.texts.length ? (
            <ul className="stack">
              {q.texts.map((t, i) => (
                <li key={i}>{t}</li>
              ))}
            </ul>
          ) : (
            <p className="muted">还没有回答。</p>
          )}
        </section>
      ))}
      {d.survey.status === "open" ? (
        <Form method="post" className="actions">
          <button type="submit" className="secondary">
            结束调查
          </button>
        </Form>
      ) : null}
      <p>
        <Link to={`/manage/${d.slug}/proposals`}>← 课程公示</Link>
      </p>
    </>
  );
}
