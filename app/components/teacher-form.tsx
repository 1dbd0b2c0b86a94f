/** The HQ form for a teacher-pool profile (new and edit share it). Works without JavaScript. */
import {
  getCollectionProps,
  getFormProps,
  getInputProps,
  getSelectProps,
  getTextareaProps,
  useForm,
  type SubmissionResult,
} from "@conform-to/react";
import { Form } from "@remix-run/react";
import { FormErrors } from "~/components/forms";
import { BIO_MAX, TEACHER_KIND_LABELS, TEACHER_KINDS } from "~/modules/catalog/teachers";

export type TeacherFormOptions = {
  categories: { id: number; name: string }[];
  districts: { id: number; name: string }[];
  images: { id: number; title: string }[];
};

export type TeacherFormDefaults = {
  phone?: string;
  displayName?: string;
  bio?: string;
  organisation?: string;
  kind?: string;
  photoResourceId?: string;
  categoryIds?: string[];
  districtIds?: string[];
  courseCodes?: string;
};

function Err({ id, errors }: { id: string; errors?: string[] }) {
  return errors?.length ? (
    <p className="error" id={id}>
      {errors.join("；")}
    </p>
  ) : null;
}

export function TeacherForm({
  mode,
  options,
  defaults,
  lastResult,
  submitLabel,
}: {
  mode: "new" | "edit";
  options: TeacherFormOptions;
  defaults: TeacherFormDefaults;
  lastResult?: SubmissionResult<string[]> | null;
  submitLabel: string;
}) {
  const [form, fields] = useForm({
    id: `teacher-${mode}`,
    lastResult,
    defaultValue: { kind: "volunteer", ...defaults },
    shouldRevalidate: "onBlur",
  });
  const field = (name: keyof typeof fields) =>
    fields[name].errors?.length ? "field has-error" : "field";
  return (
    <Form method="post" className="form" {...getFormProps(form)}>
      <FormErrors errors={form.errors} id={form.errorId} />
      <input type="hidden" name="intent" value="save" />
      {mode === "new" ? (
        <div className={field("phone")}>
          <label htmlFor={fields.phone.id}>教师账号的手机号</label>
          <input
            {...getInputProps(fields.phone, { type: "tel" })}
            key={fields.phone.key}
            autoComplete="off"
            inputMode="numeric"
            maxLength={11}
          />
          <p className="hint">教师需先在本站注册账号；加入师资库后会自动获得“教师”身份。</p>
          <Err id={fields.phone.errorId} errors={fields.phone.errors} />
        </div>
      ) : null}
      <div className={field("displayName")}>
        <label htmlFor={fields.displayName.id}>姓名（公开显示）</label>
        <input
          {...getInputProps(fields.displayName, { type: "text" })}
          key={fields.displayName.key}
          maxLength={30}
        />
        <Err id={fields.displayName.errorId} errors={fields.displayName.errors} />
      </div>
      <div className={field("organisation")}>
        <label htmlFor={fields.organisation.id}>所在单位或身份</label>
        <input
          {...getInputProps(fields.organisation, { type: "text" })}
          key={fields.organisation.key}
          maxLength={60}
          placeholder="例如：退休中学历史教师、社区卫生服务中心"
        />
        <Err id={fields.organisation.errorId} errors={fields.organisation.errors} />
      </div>
      <fieldset className={`choice-group ${field("kind")}`}>
        <legend>讲师类型</legend>
        {getCollectionProps(fields.kind, { type: "radio", options: [...TEACHER_KINDS] }).map(
          (p) => (
            <label className="choice" key={p.key}>
              <input {...p} key={p.key} />
              {TEACHER_KIND_LABELS[p.value as (typeof TEACHER_KINDS)[number]]}
            </label>
          ),
        )}
        <Err id={fields.kind.errorId} errors={fields.kind.errors} />
      </fieldset>
      <div className={field("photoResourceId")}>
        <label htmlFor={fields.photoResourceId.id}>照片（从资源库的公开图片中选择）</label>
        <select {...getSelectProps(fields.photoResourceId)} key={fields.photoResourceId.key}>
          <option value="">不使用照片</option>
          {options.images.map((img) => (
            <option key={img.id} value={String(img.id)}>
              {img.title}
            </option>
          ))}
        </select>
        {options.images.length === 0 ? (
          <p className="hint">
            资源库里还没有公开的图片，可以先到<a href="/hq/resources/new">资源库</a>上传教师照片。
          </p>
        ) : null}
        <Err id={fields.photoResourceId.errorId} errors={fields.photoResourceId.errors} />
      </div>
      <div className={field("bio")}>
        <label htmlFor={fields.bio.id}>简介</label>
        <textarea
          {...getTextareaProps(fields.bio)}
          key={fields.bio.key}
          rows={6}
          maxLength={BIO_MAX}
        />
        <p className="hint">不超过 {BIO_MAX} 字。教师本人也可以在“我的 → 教师简介”里修改。</p>
        <Err id={fields.bio.errorId} errors={fields.bio.errors} />
      </div>
      <fieldset className={`choice-group ${field("categoryIds")}`}>
        <legend>能讲的课程分类（整类都能讲时勾选）</legend>
        <div className="choice-grid">
          {getCollectionProps(fields.categoryIds, {
            type: "checkbox",
            options: options.categories.map((c) => String(c.id)),
          }).map((p) => (
            <label className="choice" key={p.key}>
              <input {...p} key={p.key} />
              {options.categories.find((c) => String(c.id) === p.value)?.name}
            </label>
          ))}
        </div>
        <Err id={fields.categoryIds.errorId} errors={fields.categoryIds.errors} />
      </fieldset>
      <div className={field("courseCodes")}>
        <label htmlFor={fields.courseCodes.id}>能讲的具体课程（填课程编号）</label>
        <textarea
          {...getTextareaProps(fields.courseCodes)}
          key={fields.courseCodes.key}
          rows={3}
          placeholder="例如：LS-0001, LS-0003, JK-0002"
        />
        <p className="hint">多个编号用逗号、空格或换行分开。</p>
        <Err id={fields.courseCodes.errorId} errors={fields.courseCodes.errors} />
      </div>
      <fieldset className={`choice-group ${field("districtIds")}`}>
        <legend>愿意前往授课的区</legend>
        <div className="choice-grid">
          {getCollectionProps(fields.districtIds, {
            type: "checkbox",
            options: options.districts.map((d) => String(d.id)),
          }).map((p) => (
            <label className="choice" key={p.key}>
              <input {...p} key={p.key} />
              {options.districts.find((d) => String(d.id) === p.value)?.name}
            </label>
          ))}
        </div>
        <Err id={fields.districtIds.errorId} errors={fields.districtIds.errors} />
      </fieldset>
      <div className="actions">
        <button type="submit">{submitLabel}</button>
      </div>
    </Form>
  );
}
