import { getFormProps, useForm } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { getDb } from "@db/client";
import {
  CheckboxGroup,
  CourseLengthFields,
  SelectField,
  TextareaField,
} from "~/components/catalog";
import { Field, FormErrors } from "~/components/forms";
import { requireActor } from "~/modules/auth/request.server";
import { AUDIENCES, newCourseFormSchema, SOURCE_LEVEL_LABELS } from "~/modules/catalog/courses";
import { createCourse, getNewCourseOptions } from "~/modules/catalog/courses.server";
import { readForm } from "~/utils/csrf.server";
import { isUserError, UserError } from "~/utils/errors";
import { replyInvalid, replyWithUserError } from "~/utils/forms.server";
import { clientIp } from "~/utils/http";
import { z } from "~/utils/zod";

export const meta: MetaFunction = () => [{ title: "新建课程 · 课程库" }];

const schema = newCourseFormSchema.omit({ ownerId: true }).extend({
  ownerDistrictId: z.coerce.number().int().positive().optional(),
  ownerAcademyId: z.coerce.number().int().positive().optional(),
});

/** The form as the browser sends it (strings; audience as a list). */
type NewCourseForm = {
  code: string;
  title: string;
  categoryId: string;
  sourceLevel: string;
  ownerDistrictId: string;
  ownerAcademyId: string;
  summary: string;
  audience: string[];
  sessions: string;
  minutesPerSession: string;
  objectives: string;
  tags: string;
};

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = requireActor(request);
  return getNewCourseOptions(getDb(), actor);
}

export async function action({ request }: ActionFunctionArgs) {
  const actor = requireActor(request);
  const formData = await readForm(request);
  const submission = parseWithZod(formData, { schema });
  if (submission.status !== "success") return replyInvalid(submission);
  const { ownerDistrictId, ownerAcademyId, ...v } = submission.value;
  const ownerField = v.sourceLevel === "community" ? "ownerAcademyId" : "ownerDistrictId";
  const ownerId =
    v.sourceLevel === "city" ? 0 : v.sourceLevel === "community" ? ownerAcademyId : ownerDistrictId;
  try {
    const { course } = createCourse(getDb(), actor, { ...v, ownerId }, clientIp(request));
    return redirect(`/hq/courses/${course.id}/edit?created=1`);
  } catch (e) {
    if (isUserError(e) && e.field === "ownerId")
      return replyWithUserError(submission, new UserError(e.message, ownerField));
    return replyWithUserError(submission, e);
  }
}

export default function NewCourse() {
  const { levels, categories, districts, academies, suggestedCode } =
    useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [form, fields] = useForm<NewCourseForm, z.output<typeof schema>>({
    id: "new-course",
    lastResult,
    constraint: getZodConstraint(schema),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema }),
    defaultValue: {
      code: suggestedCode,
      sourceLevel: levels[0],
      audience: ["全体"],
      sessions: "4",
      minutesPerSession: "90",
    },
  });
  const showDistrict = levels.includes("district") && districts.length > 0;
  const showAcademy = levels.includes("community") && academies.length > 0;
  return (
    <>
      <p>
        <Link to="/hq/courses">← 课程库管理</Link>
      </p>
      <h1>新建课程</h1>
      <p className="lead">
        先填写基本信息，保存后进入编辑器撰写教学大纲。新课程保存为草稿，提交审核并由总部发布后才出现在课程库中。
      </p>
      <Form method="post" {...getFormProps(form)} className="form">
        <FormErrors errors={form.errors} id={form.errorId} />
        <Field label="课程名称" meta={fields.title} maxLength={60} autoComplete="off" />
        <Field
          label="课程编号"
          meta={fields.code}
          hint="2–4 个大写字母、短横线和 4 位数字，如 HS-0012。发布后不能再改。"
          autoComplete="off"
        />
        <SelectField
          label="分类"
          meta={fields.categoryId}
          options={categories.map((c) => ({ value: c.id, label: c.name }))}
        />
        <SelectField
          label="课程来源"
          meta={fields.sourceLevel}
          placeholder={null}
          options={levels.map((l) => ({ value: l, label: SOURCE_LEVEL_LABELS[l] }))}
        />
        {showDistrict ? (
          <SelectField
            label="所属区（区级流动课程、街道巡回课程）"
            meta={fields.ownerDistrictId}
            placeholder={districts.length === 1 ? null : "请选择"}
            options={districts.map((d) => ({ value: d.id, label: d.name }))}
          />
        ) : null}
        {showAcademy ? (
          <SelectField
            label="所属书院（社区特色课程）"
            meta={fields.ownerAcademyId}
            placeholder={academies.length === 1 ? null : "请选择"}
            options={academies.map((a) => ({ value: a.id, label: a.name, group: a.districtName }))}
          />
        ) : null}
        <TextareaField
          label="课程简介"
          meta={fields.summary}
          hint="一两句话说明这门课教什么、适合谁，最多 300 字。"
          rows={3}
        />
        <CheckboxGroup legend="适用对象" meta={fields.audience} options={AUDIENCES} />
        <CourseLengthFields sessions={fields.sessions} minutes={fields.minutesPerSession} />
        <TextareaField
          label="学习目标"
          meta={fields.objectives}
          hint="每行一条，最多 12 条。"
          rows={4}
        />
        <Field
          label="标签"
          meta={fields.tags}
          hint="用逗号或空格分隔，如：垃圾分类，环保"
          autoComplete="off"
        />
        <button type="submit">保存并撰写大纲</button>
      </Form>
    </>
  );
}
