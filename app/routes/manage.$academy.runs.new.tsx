import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { getDb } from "@db/client";
import { CoursePicker } from "~/components/course-picker";
import { FormErrors } from "~/components/forms";
import { RecurrenceFields, RunSettingsFields, type FieldsOf } from "~/components/run-form";
import { initialText } from "~/components/schedule";
import { requireActor } from "~/modules/auth/request.server";
import { requireManagedAcademy } from "~/modules/scheduling/access.server";
import { findSchedulableCourses } from "~/modules/catalog/read.server";
import { createRunSchema } from "~/modules/scheduling/runs";
import { createRun, newRunContext } from "~/modules/scheduling/runs.server";
import { addDays, todayLocal } from "~/utils/time";
import { readForm } from "~/utils/csrf.server";
import { replyInvalid, replyWithUserError } from "~/utils/forms.server";
import { clientIp } from "~/utils/http";

export const meta: MetaFunction = () => [{ title: "开新班 · 书院管理" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = requireActor(request);
  const db = getDb();
  const academy = requireManagedAcademy(db, actor, params.academy ?? "");
  const url = new URL(request.url);
  const orderId = Number(url.searchParams.get("order")) || null;
  const code = url.searchParams.get("course");
  const q = url.searchParams.get("q")?.trim() ?? "";
  const ctx = newRunContext(db, actor, academy.id, { orderId, code });
  return {
    slug: academy.slug,
    openingHours: academy.openingHours,
    ctx,
    q,
    results: !ctx.course ? findSchedulableCourses(db, q, 20) : [],
    defaultStart: addDays(todayLocal(), 7),
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const actor = requireActor(request);
  const db = getDb();
  const academy = requireManagedAcademy(db, actor, params.academy ?? "");
  const submission = parseWithZod(await readForm(request), { schema: createRunSchema });
  if (submission.status !== "success") return replyInvalid(submission);
  try {
    const { intent: _intent, ...input } = submission.value;
    const { run, sessions, skipped } = createRun(db, actor, academy.id, input, clientIp(request));
    const note = skipped.length ? `&skipped=${skipped.length}` : "";
    return redirect(`/manage/${academy.slug}/runs/${run.id}?done=created&sessions=${sessions}${note}`);
  } catch (e) {
    return replyWithUserError(submission, e);
  }
}

export default function NewRun() {
  const { slug, openingHours, ctx, q, results, defaultStart } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [form, fields] = useForm({
    id: "new-run",
    lastResult,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: createRunSchema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });
  const f = fields as unknown as FieldsOf;
  if (!ctx.course) {
    const accepted = "acceptedOrders" in ctx ? ctx.acceptedOrders ?? [] : [];
    return (
      <>
        <h1>开新班</h1>
        {accepted.length ? (
          <section>
            <h2>已受理、等待排课的点单</h2>
            <ul className="plain-list stack">
              {accepted.map((o) => (
                <li key={o.id}>
                  <Link className="pick-link" to={`?order=${o.id}`}>
                    <strong>{o.title}</strong> <span className="muted">{o.term}</span>
                  </Link>
                </li>
              ))}
            </ul>
          </section>
        ) : null}
        <CoursePicker q={q} results={results} label="或者直接选一门课程（本书院讲师授课）" />
      </>
    );
  }
  const course = ctx.course;
  const weeks = String(Math.max(1, Math.min(52, course.sessions)));
  return (
    <>
      <h1>开新班</h1>
      <div className="card">
        <p className="muted">
          {course.code} · {course.categoryName} · 第 {course.versionNo} 版
          {ctx.order ? ` · 来自点单 #${ctx.order.id}（${ctx.order.term}）` : ""}
        </p>
        <h2>{course.title}</h2>
        <p className="muted">
          课程建议 {course.sessions} 次课，每次 {course.minutesPerSession} 分钟。开课后锁定第 {course.versionNo} 版，课程库以后更新也不影响本班。
        </p>
        {ctx.order && ctx.order.state !== "accepted" ? <p className="form-error">这个点单还没有受理（或已经排过课），不能开课。</p> : null}
        <p>
          <Link to="?">换一门课程</Link>
        </p>
      </div>
      {ctx.rooms.length === 0 ? (
        <p className="notice warn">
          本书院还没有教室，请先<Link to={`/manage/${slug}/rooms`}>添加教室</Link>。
        </p>
      ) : null}
      <Form method="post" {...getFormProps(form)} className="form" noValidate>
        <FormErrors errors={form.errors} id={form.errorId} />
        <input type="hidden" name="intent" value="create" />
        <input type="hidden" name="courseId" value={course.courseId} />
        {ctx.order ? <input type="hidden" name="orderId" value={ctx.order.id} /> : null}
        <h2>上课时间</h2>
        <RecurrenceFields
          fields={f}
          idPrefix="new"
          openingHours={openingHours}
          defaults={{ startDate: defaultStart, weekdays: (ctx.order?.preferredWeekdays ?? []).map(String), startTime: "19:00", endTime: "20:30", weeks }}
        />
        <h2>班级设置</h2>
        <RunSettingsFields
          fields={f}
          rooms={ctx.rooms}
          teacherChoices={ctx.teacherChoices}
          poolAllowed={ctx.poolAllowed}
          defaults={{ capacity: 30, teacherIds: ctx.order?.teacherId ? [ctx.order.teacherId] : [], roomId: ctx.rooms.length === 1 ? ctx.rooms[0]!.id : undefined }}
        />
        <div className="field check-field">
          <label className="check-chip" htmlFor="publish">
            <input type="checkbox" id="publish" name="publish" defaultChecked={lastResult ? initialText(f.publish) === "on" : true} key={f.publish?.key} />
            立即开放报名（不勾选则先存为草稿）
          </label>
        </div>
        <p className="actions">
          <button type="submit">排课</button>
          <Link className="button secondary" to={`/manage/${slug}/runs`}>
            取消
          </Link>
        </p>
      </Form>
    </>
  );
}
