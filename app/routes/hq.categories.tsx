import { getFormProps, useForm } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { getDb } from "@db/client";
import { ConfirmAction, TextareaField } from "~/components/catalog";
import { Field, FormErrors } from "~/components/forms";
import { isHq } from "~/modules/auth/permissions";
import { requireActorWith } from "~/modules/auth/request.server";
import {
  addCategory,
  categoryInputSchema,
  deleteCategory,
  listCategoriesWithCounts,
  moveCategory,
  setCategoryRetired,
  updateCategory,
} from "~/modules/catalog/categories.server";
import { readForm } from "~/utils/csrf.server";
import { isUserError } from "~/utils/errors";
import { replyInvalid, replyWithUserError } from "~/utils/forms.server";
import { clientIp } from "~/utils/http";
import { z } from "~/utils/zod";

export const meta: MetaFunction = () => [{ title: "课程分类 · 总部" }];

const addSchema = categoryInputSchema.extend({ intent: z.literal("add") });
const rowSchema = z.object({
  intent: z.enum(["update", "up", "down", "retire", "restore", "delete"]),
  id: z.coerce.number().int().positive(),
});

export async function loader({ request }: LoaderFunctionArgs) {
  requireActorWith(request, isHq);
  return { categories: listCategoriesWithCounts(getDb()) };
}

export async function action({ request }: ActionFunctionArgs) {
  const actor = requireActorWith(request, isHq);
  const formData = await readForm(request);
  const db = getDb();
  const ip = clientIp(request);
  if (formData.get("intent") === "add") {
    const submission = parseWithZod(formData, { schema: addSchema });
    if (submission.status !== "success") return replyInvalid(submission);
    try {
      addCategory(db, actor, submission.value, ip);
      return redirect("/hq/categories?done=add");
    } catch (e) {
      return replyWithUserError(submission, e);
    }
  }
  const row = rowSchema.safeParse(Object.fromEntries(formData));
  if (!row.success)
    return data(
      { rowError: { id: 0, message: "请求有误，请刷新页面后再试。", values: null } },
      { status: 400 },
    );
  const { intent, id } = row.data;
  const values = {
    name: String(formData.get("name") ?? ""),
    description: String(formData.get("description") ?? ""),
    color: String(formData.get("color") ?? ""),
  };
  try {
    if (intent === "update") updateCategory(db, actor, id, values, ip);
    else if (intent === "up" || intent === "down") moveCategory(db, actor, id, intent);
    else if (intent === "retire" || intent === "restore")
      setCategoryRetired(db, actor, id, intent === "retire", ip);
    else deleteCategory(db, actor, id, ip);
    return redirect(`/hq/categories?done=${intent}`);
  } catch (e) {
    if (isUserError(e))
      return data(
        { rowError: { id, message: e.message, values: intent === "update" ? values : null } },
        { status: 400 },
      );
    throw e;
  }
}

const DONE: Record<string, string> = {
  add: "分类已添加，排在最后。",
  update: "分类已修改。",
  up: "顺序已调整。",
  down: "顺序已调整。",
  retire: "分类已停用：居民不再看到这个分类筛选，已有课程保留。",
  restore: "分类已恢复。",
  delete: "分类已删除。",
};

type AddForm = { intent: string; name: string; slug: string; description: string; color: string };

export default function HqCategories() {
  const { categories } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [params] = useSearchParams();
  const rowError = actionData && "rowError" in actionData ? actionData.rowError : null;
  const lastResult = actionData && !("rowError" in actionData) ? actionData : undefined;
  const [form, fields] = useForm<AddForm, z.output<typeof addSchema>>({
    id: "add-category",
    lastResult,
    constraint: getZodConstraint(addSchema),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: addSchema }),
    defaultValue: { color: "#334155" },
  });
  const done = params.get("done");
  return (
    <>
      <h1>课程分类</h1>
      <p className="lead">
        居民在课程库中按这些分类浏览。改名会立即生效；停用的分类不再对居民显示，但其中的课程保留；只有从未放过课程的分类可以删除。
      </p>
      {done && DONE[done] ? (
        <p className="notice" role="status">
          {DONE[done]}
        </p>
      ) : null}
      {rowError && !rowError.id ? <p className="form-error">{rowError.message}</p> : null}
      <ol className="category-admin" data-testid="category-list">
        {categories.map((c, i) => {
          const err = rowError?.id === c.id ? rowError : null;
          const v = err?.values ?? c;
          return (
            <li key={c.id} className={`card${c.retiredAt ? " retired" : ""}`}>
              <div className="category-admin-head">
                <span className="swatch large" style={{ background: c.color }} aria-hidden="true" />
                <h2>
                  {c.name} {c.retiredAt ? <span className="badge danger">已停用</span> : null}
                </h2>
                <span className="muted">
                  {c.slug} · {c.courseCount} 门课程（{c.liveCount} 门在线）
                </span>
              </div>
              {err ? (
                <p className="form-error" role="alert">
                  {err.message}
                </p>
              ) : null}
              <div className="actions">
                <Form method="post">
                  <input type="hidden" name="id" value={c.id} />
                  <button
                    type="submit"
                    name="intent"
                    value="up"
                    className="secondary small"
                    disabled={i === 0}
                    aria-label={`把“${c.name}”上移`}
                  >
                    ↑ 上移
                  </button>
                </Form>
                <Form method="post">
                  <input type="hidden" name="id" value={c.id} />
                  <button
                    type="submit"
                    name="intent"
                    value="down"
                    className="secondary small"
                    disabled={i === categories.length - 1}
                    aria-label={`把“${c.name}”下移`}
                  >
                    ↓ 下移
                  </button>
                </Form>
                <details className="confirm" open={!!err?.values}>
                  <summary className="button secondary small">改名/修改</summary>
                  <Form
                    method="post"
                    className="form confirm-panel"
                    key={`${c.id}-${err ? "err" : "ok"}`}
                  >
                    <input type="hidden" name="intent" value="update" />
                    <input type="hidden" name="id" value={c.id} />
                    <div className="field">
                      <label htmlFor={`name-${c.id}`}>名称</label>
                      <input
                        id={`name-${c.id}`}
                        name="name"
                        defaultValue={v.name}
                        maxLength={12}
                        required
                      />
                    </div>
                    <div className="field">
                      <label htmlFor={`desc-${c.id}`}>简介</label>
                      <textarea
                        id={`desc-${c.id}`}
                        name="description"
                        defaultValue={v.description}
                        maxLength={200}
                        rows={2}
                      />
                    </div>
                    <div className="field">
                      <label htmlFor={`color-${c.id}`}>颜色</label>
                      <input
                        id={`color-${c.id}`}
                        name="color"
                        type="color"
                        defaultValue={v.color}
                      />
                    </div>
                    <button type="submit">保存</button>
                  </Form>
                </details>
                {c.retiredAt ? (
                  <ConfirmAction
                    label="恢复"
                    question={`恢复分类“${c.name}”？居民将重新看到它。`}
                    intent="restore"
                    hidden={{ id: c.id }}
                  />
                ) : (
                  <ConfirmAction
                    label="停用"
                    question={`停用分类“${c.name}”？居民不再看到这个分类筛选，其中的 ${c.courseCount} 门课程保留。`}
                    intent="retire"
                    hidden={{ id: c.id }}
                  />
                )}
                {c.retiredAt ? (
                  <ConfirmAction
                    label="删除"
                    danger
                    question={
                      c.courseCount
                        ? `分类“${c.name}”下还有 ${c.courseCount} 门课程，不能删除。`
                        : `永久删除分类“${c.name}”？`
                    }
                    intent="delete"
                    hidden={{ id: c.id }}
                  />
                ) : null}
              </div>
            </li>
          );
        })}
      </ol>

      <h2>添加分类</h2>
      <Form method="post" {...getFormProps(form)} className="form">
        <FormErrors errors={form.errors} id={form.errorId} />
        <input type="hidden" name="intent" value="add" />
        <Field label="名称" meta={fields.name} maxLength={12} hint="2–12 个字，如：科学普及" />
        <Field
          label="英文标识"
          meta={fields.slug}
          hint="用于网址，如 science；添加后不能修改"
          autoComplete="off"
        />
        <TextareaField label="简介" meta={fields.description} rows={2} />
        <div className={`field${fields.color.errors?.length ? " has-error" : ""}`}>
          <label htmlFor={fields.color.id}>颜色</label>
          <input
            id={fields.color.id}
            name={fields.color.name}
            type="color"
            defaultValue={String(fields.color.initialValue ?? "#334155")}
          />
          {fields.color.errors?.length ? (
            <p className="error">{fields.color.errors.join("；")}</p>
          ) : null}
        </div>
        <button type="submit">添加</button>
      </Form>
    </>
  );
}
