import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { getDb } from "@db/client";
import { Field, FormErrors } from "~/components/forms";
import { requireActor } from "~/modules/auth/request.server";
import {
  PROPOSAL_STATUS_LABELS,
  proposalInput,
  surveyInput,
} from "~/modules/community/groups-labels";
import {
  createSurvey,
  draftCoursesForNotice,
  listManagedProposals,
  listSurveys,
  startNotice,
} from "~/modules/community/proposals.server";
import { requireManagedAcademy } from "~/modules/scheduling/access.server";
import { readForm } from "~/utils/csrf.server";
import { formatDateTime } from "~/utils/dates";
import { replyInvalid, replyWithUserError } from "~/utils/forms.server";
import { clientIp } from "~/utils/http";
import { z } from "~/utils/zod";

export const meta: MetaFunction = () => [{ title: "课程公示 · 书院管理" }];

const schema = z.discriminatedUnion("intent", [
  surveyInput.extend({ intent: z.literal("survey") }),
  proposalInput.extend({ intent: z.literal("notice") }),
]);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = requireActor(request);
  const db = getDb();
  const academy = requireManagedAcademy(db, actor, params.academy ?? "");
  return {
    slug: academy.slug,
    surveys: listSurveys(db, academy.id),
    drafts: draftCoursesForNotice(db, actor, academy.id),
    proposals: listManagedProposals(db, actor, academy.id),
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const actor = requireActor(request);
  const db = getDb();
  const academy = requireManagedAcademy(db, actor, params.academy ?? "");
  const submission = parseWithZod(await readForm(request), { schema });
  if (submission.status !== "success") return replyInvalid(submission);
  try {
    if (submission.value.intent === "survey") {
      const s = createSurvey(db, actor, academy.id, submission.value, clientIp(request));
      return redirect(`/surveys/${s.id}?done=published`);
    }
    const p = startNotice(db, actor, academy.id, submission.value, clientIp(request));
    return redirect(`/proposals/${p.id}?done=notice`);
  } catch (e) {
    return replyWithUserError(submission, e);
  }
}

export default function ManageProposals() {
  const d = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  // Both forms post here; the reply's echoed intent says which one it belongs to.
  const intent = (lastResult as { initialValue?: { intent?: string } } | undefined)?.initialValue
    ?.intent;
  const [sForm, sFields] = useForm<{ title: string; intro: string; questions: string }>({
    id: "survey",
    lastResult: intent === "survey" ? lastResult : undefined,
  });
  const [pForm, pFields] = useForm<{
    courseId: string;
    surveyId: string;
    days: string;
    thresholdPercent: string;
    minVotes: string;
  }>({
    id: "notice",
    lastResult: intent === "notice" ? lastResult : undefined,
    defaultValue: { days: "7", thresholdPercent: "60", minVotes: "10" },
  });
  return (
    <>
      <h1>社区特色课程公示</h1>
      <p className="lead">
        按康城的做法：先做需求调查，再把课程草稿公示，居民投票支持或反对；公示期满后系统按事先设定的条件自动判定，通过的课程报总部审核。
      </p>

      <h2>公示</h2>
      {d.proposals.length === 0 ? <p className="muted">还没有课程公示。</p> : null}
      <ul className="stack" data-testid="manage-proposals">
        {d.proposals.map((p) => (
          <li key={p.id}>
            <Link to={`/proposals/${p.id}`}>{p.title}</Link>{" "}
            <span className="tag">{PROPOSAL_STATUS_LABELS[p.status]}</span>
            <p className="muted">
              截止 {formatDateTime(p.noticeClosesAt)} · 已投票 {p.votes} 人 · 通过条件：支持 ≥{" "}
              {p.thresholdPercent}%，至少 {p.minVotes} 人
            </p>
          </li>
        ))}
      </ul>

      <h3>把课程草稿交付公示</h3>
      {d.drafts.length === 0 ? (
        <p className="muted">
          没有可以公示的社区特色课程草稿。先在<Link to="/hq/courses/new">编写课程</Link>
          里新建一门“社区特色课程”，填好简介、学习目标和教学大纲。
        </p>
      ) : (
        <Form method="post" {...getFormProps(pForm)} className="form">
          <FormErrors errors={pForm.errors} id={pForm.errorId} />
          <input type="hidden" name="intent" value="notice" />
          <div className={`field${pFields.courseId.errors?.length ? " has-error" : ""}`}>
            <label htmlFor={pFields.courseId.id}>课程草稿</label>
            <select
              id={pFields.courseId.id}
              name="courseId"
              defaultValue={pFields.courseId.initialValue ?? ""}
              aria-describedby={
                pFields.courseId.errors?.length ? pFields.courseId.errorId : undefined
              }
            >
              {d.drafts.map((c) => (
                <option key={c.courseId} value={c.courseId}>
                  {c.code} {c.title}（第 {c.versionNo} 版草稿）
                </option>
              ))}
            </select>
            {pFields.courseId.errors?.length ? (
              <p className="error" id={pFields.courseId.errorId} role="alert">
                {pFields.courseId.errors.join("；")}
              </p>
            ) : null}
          </div>
          <div className="field">
            <label htmlFor={pFields.surveyId.id}>依据的需求调查（选填）</label>
            <select
              id={pFields.surveyId.id}
              name="surveyId"
              defaultValue={pFields.surveyId.initialValue ?? ""}
            >
              <option value="">无</option>
              {d.surveys.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.title}（{s.responses} 份）
                </option>
              ))}
            </select>
          </div>
          <Field
            label="公示天数"
            meta={pFields.days}
            type="number"
            min={1}
            max={30}
            inputMode="numeric"
          />
          <Field
            label="通过所需的支持比例（%）"
            meta={pFields.thresholdPercent}
            type="number"
            min={1}
            max={100}
            inputMode="numeric"
            hint="支持票占全部投票的比例达到此值才通过。公示开始后不能再改。"
          />
          <Field
            label="最少投票人数"
            meta={pFields.minVotes}
            type="number"
            min={0}
            inputMode="numeric"
            hint="投票人数不足时不通过。"
          />
          <button type="submit">开始公示</button>
        </Form>
      )}

      <h2>需求调查</h2>
      <ul className="stack">
        {d.surveys.map((s) => (
          <li key={s.id}>
            <Link to={`/surveys/${s.id}`}>{s.title}</Link> ·{" "}
            {s.status === "open" ? "进行中" : "已结束"} · {s.responses} 份回答 ·{" "}
            <Link to={`/manage/${d.slug}/surveys/${s.id}`}>看结果</Link>
          </li>
        ))}
      </ul>
      <h3>发布新的需求调查</h3>
      <Form method="post" {...getFormProps(sForm)} className="form">
        <FormErrors errors={sForm.errors} id={sForm.errorId} />
        <input type="hidden" name="intent" value="survey" />
        <Field label="标题" meta={sFields.title} hint="例如：2027 年春季您想学什么？" />
        <div className="field">
          <label htmlFor={sFields.intro.id}>说明（选填）</label>
          <textarea
            id={sFields.intro.id}
            name="intro"
            rows={2}
            maxLength={500}
            defaultValue={sFields.intro.initialValue ?? ""}
          />
        </div>
        <div className={`field${sFields.questions.errors?.length ? " has-error" : ""}`}>
          <label htmlFor={sFields.questions.id}>问题（每行一个）</label>
          <textarea
            id={sFields.questions.id}
            name="questions"
            rows={5}
            defaultValue={
              sFields.questions.initialValue ??
              "最想学的方向：闽南文化/健康生活/手工艺/其他*\n方便的上课时间：工作日白天/工作日晚上/周末*\n其他建议"
            }
            aria-describedby={`${sFields.questions.id}-hint${sFields.questions.errors?.length ? ` ${sFields.questions.errorId}` : ""}`}
          />
          <p className="hint" id={`${sFields.questions.id}-hint`}>
            行末加 * 表示必答；写成“问题：选项一/选项二”就是选择题。最多 10 题。
          </p>
          {sFields.questions.errors?.length ? (
            <p className="error" id={sFields.questions.errorId} role="alert">
              {sFields.questions.errors.join("；")}
            </p>
          ) : null}
        </div>
        <button type="submit">发布调查</button>
      </Form>
    </>
  );
}
