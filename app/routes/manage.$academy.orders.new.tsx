import { getFormProps, getSelectProps, getTextareaProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { getDb } from "@db/client";
import { CoursePicker } from "~/components/course-picker";
import { FormErrors } from "~/components/forms";
import { DaypartPicker, FieldError, initialList, WeekdayPicker } from "~/components/schedule";
import { requireActor } from "~/modules/auth/request.server";
import { requireManagedAcademy } from "~/modules/scheduling/access.server";
import { findSchedulableCourses, getCourseForScheduling } from "~/modules/catalog/read.server";
import { createOrder } from "~/modules/scheduling/orders.server";
import {
  orderSchema,
  orderTermChoices,
  suggestedTerm,
  TERM_MONTHS_HINT,
} from "~/modules/scheduling/orders";
import { readForm } from "~/utils/csrf.server";
import { replyInvalid, replyWithUserError } from "~/utils/forms.server";
import { clientIp } from "~/utils/http";
import { SOURCE_LEVEL_LABELS } from "~/modules/catalog/courses";

export const meta: MetaFunction = () => [{ title: "新点单 · 书院管理" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = requireActor(request);
  const db = getDb();
  const academy = requireManagedAcademy(db, actor, params.academy ?? "");
  const url = new URL(request.url);
  const code = url.searchParams.get("course");
  const q = url.searchParams.get("q")?.trim() ?? "";
  const course = code ? getCourseForScheduling(db, { code }) : null;
  return {
    slug: academy.slug,
    course,
    q,
    results: !course
      ? findSchedulableCourses(db, q, 20).filter((c) => c.sourceLevel !== "community")
      : [],
    term: suggestedTerm(),
    terms: orderTermChoices(),
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const actor = requireActor(request);
  const db = getDb();
  const academy = requireManagedAcademy(db, actor, params.academy ?? "");
  const submission = parseWithZod(await readForm(request), { schema: orderSchema });
  if (submission.status !== "success") return replyInvalid(submission);
  try {
    createOrder(db, actor, academy.id, submission.value, clientIp(request));
  } catch (e) {
    return replyWithUserError(submission, e);
  }
  return redirect(`/manage/${academy.slug}/orders?done=created`);
}

export default function NewOrder() {
  const { slug, course, q, results, term, terms } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [form, fields] = useForm({
    id: "order",
    lastResult,
    defaultValue: { term },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: orderSchema }),
    shouldValidate: "onBlur",
  });
  return (
    <>
      <h1>新点单</h1>
      {!course ? (
        <CoursePicker q={q} results={results} label="先选一门课程" />
      ) : (
        <>
          <div className="card">
            <p className="muted">
              {course.code} · {course.categoryName} · {SOURCE_LEVEL_LABELS[course.sourceLevel]} · 第{" "}
              {course.versionNo} 版
            </p>
            <h2>{course.title}</h2>
            <p>{course.summary}</p>
            <p className="muted">
              建议 {course.sessions} 次课，每次 {course.minutesPerSession} 分钟。点单会锁定当前的第{" "}
              {course.versionNo} 版。
            </p>
            {course.retired ? <p className="form-error">这门课程已经停用，不能点单。</p> : null}
            <p>
              <Link to="?">换一门课程</Link>
            </p>
          </div>
          <Form method="post" {...getFormProps(form)} className="form">
            <FormErrors errors={form.errors} id={form.errorId} />
            <input type="hidden" name="courseId" value={course.courseId} />
            <FieldError meta={fields.courseId} />
            <div className={`field${fields.term.errors?.length ? " has-error" : ""}`}>
              <label htmlFor={fields.term.id}>开课学期</label>
              <select
                {...getSelectProps(fields.term, { ariaDescribedBy: `${fields.term.id}-hint` })}
                key={fields.term.key}
                data-testid="order-term"
              >
                {/* A term typed by an older order (or a crafted post) stays selectable, so the input is kept. */}
                {fields.term.initialValue && !terms.includes(fields.term.initialValue) ? (
                  <option value={fields.term.initialValue}>{fields.term.initialValue}</option>
                ) : null}
                {terms.map((t) => (
                  <option key={t}>{t}</option>
                ))}
              </select>
              <p className="hint" id={`${fields.term.id}-hint`}>
                默认是点单后约两周、第一次课所在的学期。{TERM_MONTHS_HINT}
              </p>
              <FieldError meta={fields.term} />
            </div>
            <WeekdayPicker
              name="weekdays"
              legend="希望的上课日（可多选）"
              defaultValue={initialList(fields.weekdays)}
              meta={fields.weekdays}
              idPrefix="order-wd"
            />
            <DaypartPicker
              name="dayparts"
              defaultValue={initialList(fields.dayparts)}
              idPrefix="order-dp"
            />
            <div className="field">
              <label htmlFor={fields.note.id}>备注（给总部或区指导中心）</label>
              <textarea
                {...getTextareaProps(fields.note)}
                key={fields.note.key}
                rows={3}
                placeholder="例如：社区老人多，希望安排在上午"
              />
              <FieldError meta={fields.note} />
            </div>
            <p className="actions">
              <button type="submit">提交点单</button>
              <Link className="button secondary" to={`/manage/${slug}/orders`}>
                取消
              </Link>
            </p>
          </Form>
        </>
      )}
    </>
  );
}
