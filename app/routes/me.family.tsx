import { getFormProps, getInputProps, useForm, type SubmissionResult } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { getDb } from "@db/client";
import { Field, FormErrors } from "~/components/forms";
import { requireActor } from "~/modules/auth/request.server";
import {
  addMemberSchema,
  editMemberSchema,
  myBirthYearSchema,
  RELATIONS,
  removeMemberSchema,
} from "~/modules/enrollment/family";
import {
  addFamilyMember,
  listFamily,
  removeFamilyMember,
  setMyBirthYear,
  updateFamilyMember,
} from "~/modules/enrollment/family.server";
import { readForm } from "~/utils/csrf.server";
import { isUserError } from "~/utils/errors";
import { safeRedirectPath } from "~/utils/http";

export const meta: MetaFunction = () => [{ title: "我的家庭 · 厦门社区书院" }];

type Reply = { formKey: string; result: SubmissionResult<string[]> };

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = requireActor(request);
  const params = new URL(request.url).searchParams;
  const family = listFamily(getDb(), actor);
  // The notice names a member from the database (one of mine), never text from the query.
  const addedId = Number(params.get("member"));
  const added = family.members.find((m) => m.id === addedId)?.name ?? null;
  return { ...family, added, back: safeRedirectPath(params.get("redirectTo"), "") || null };
}

function schemaFor(intent: FormDataEntryValue | null) {
  if (intent === "edit") return editMemberSchema;
  if (intent === "remove") return removeMemberSchema;
  if (intent === "me") return myBirthYearSchema;
  return addMemberSchema;
}

export async function action({ request }: ActionFunctionArgs) {
  const actor = requireActor(request);
  const formData = await readForm(request);
  const intent = formData.get("intent");
  const formKey =
    intent === "edit" || intent === "remove"
      ? `member-${formData.get("memberId")}`
      : String(intent ?? "add");
  const submission = parseWithZod(formData, { schema: schemaFor(intent) });
  if (submission.status !== "success")
    return data<Reply>({ formKey, result: submission.reply() }, { status: 400 });
  const db = getDb();
  const back = safeRedirectPath(new URL(request.url).searchParams.get("redirectTo"), "");
  const keep = back ? `&redirectTo=${encodeURIComponent(back)}` : "";
  try {
    const v = submission.value;
    if (v.intent === "add") {
      const m = addFamilyMember(db, actor, v);
      return redirect(`/me/family?done=added&member=${m.id}${keep}`);
    }
    if (v.intent === "edit") {
      const { intent: _i, memberId, ...input } = v;
      updateFamilyMember(db, actor, memberId, input);
      return redirect(`/me/family?done=saved${keep}`);
    }
    if (v.intent === "remove") {
      removeFamilyMember(db, actor, v.memberId);
      return redirect(`/me/family?done=removed${keep}`);
    }
    setMyBirthYear(db, actor, v.birthYear);
    return redirect(`/me/family?done=me${keep}`);
  } catch (e) {
    if (!isUserError(e)) throw e;
    return data<Reply>(
      {
        formKey,
        result: submission.reply({
          fieldErrors: e.field ? { [e.field]: [e.message] } : undefined,
          formErrors: e.field ? undefined : [e.message],
        }),
      },
      { status: 400 },
    );
  }
}

const DONE: Record<string, string> = {
  saved: "已保存。",
  removed: "已移除这位家庭成员。",
  me: "出生年份已保存。",
};

function RelationField({
  meta,
  defaultValue,
}: {
  meta: ReturnType<typeof useMemberForm>[1]["relation"];
  defaultValue?: string;
}) {
  const listId = `${meta.id}-list`;
  return (
    <div className={`field${meta.errors?.length ? " has-error" : ""}`}>
      <label htmlFor={meta.id}>与您的关系</label>
      <input
        {...getInputProps(meta, { type: "text" })}
        key={meta.key}
        list={listId}
        defaultValue={(meta.initialValue as string | undefined) ?? defaultValue}
        placeholder="例如 母亲"
      />
      <datalist id={listId}>
        {RELATIONS.map((r) => (
          <option key={r} value={r} />
        ))}
      </datalist>
      {meta.errors?.length ? (
        <p className="error" id={meta.errorId} role="alert">
          {meta.errors.join("；")}
        </p>
      ) : null}
    </div>
  );
}

function useMemberForm(
  id: string,
  lastResult: SubmissionResult<string[]> | undefined,
  schema: typeof addMemberSchema | typeof editMemberSchema,
  defaultValue?: Record<string, string>,
) {
  return useForm({
    id,
    lastResult,
    defaultValue,
    constraint: getZodConstraint(schema),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema }),
  });
}

type Member = ReturnType<typeof useLoaderData<typeof loader>>["members"][number];

function MemberCard({ m, reply }: { m: Member; reply?: Reply }) {
  const key = `member-${m.id}`;
  const lastResult = reply?.formKey === key ? reply.result : undefined;
  const [form, fields] = useMemberForm(key, lastResult, editMemberSchema, {
    name: m.name,
    relation: m.relation,
    birthYear: String(m.birthYear),
    phone: m.phone ?? "",
  });
  return (
    <li className="card" data-testid="family-member">
      <h3>
        {m.relation} · {m.name}
      </h3>
      <p className="muted">
        {m.birthYear} 年出生{m.phone ? ` · ${m.phone}` : ""}
        {m.activeEnrollments ? ` · 报着 ${m.activeEnrollments} 个班` : ""}
      </p>
      <FormErrors errors={form.errors} id={form.errorId} />
      <div className="member-actions">
        <details open={!!lastResult}>
          <summary className="button secondary">修改</summary>
          <Form method="post" {...getFormProps(form)} className="form">
            <input type="hidden" name="intent" value="edit" />
            <input type="hidden" name="memberId" value={m.id} />
            <Field label="姓名" meta={fields.name} autoComplete="off" />
            <RelationField meta={fields.relation} />
            <Field
              label="出生年份"
              meta={fields.birthYear}
              type="number"
              inputMode="numeric"
              hint="例如 1950；按年份判断能否报名有年龄要求的班"
            />
            <Field label="手机号码（可不填）" meta={fields.phone} type="tel" autoComplete="off" />
            <button type="submit">保存</button>
          </Form>
        </details>
        <details>
          <summary className="button secondary">移除</summary>
          <Form method="post" className="confirm-box">
            <p>
              确定从家庭成员中移除{m.relation}
              {m.name}吗？
              {m.activeEnrollments
                ? "她/他还有报名的班，需要先在“我的课程”里取消。"
                : "以前的报名记录会保留。"}
            </p>
            <input type="hidden" name="intent" value="remove" />
            <input type="hidden" name="memberId" value={m.id} />
            <button type="submit" className="danger">
              确认移除
            </button>
          </Form>
        </details>
      </div>
    </li>
  );
}

export default function FamilyPage() {
  const { me, members, added, back: backOk } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>() as Reply | undefined;
  const [params] = useSearchParams();
  const done = params.get("done");
  const [addForm, addFields] = useMemberForm(
    "add",
    reply?.formKey === "add" ? reply.result : undefined,
    addMemberSchema,
  );
  const [meForm, meFields] = useForm<{ intent: string; birthYear: string }>({
    id: "me",
    lastResult: reply?.formKey === "me" ? reply.result : undefined,
    defaultValue: { birthYear: me.birthYear ? String(me.birthYear) : "" },
    constraint: getZodConstraint(myBirthYearSchema),
  });
  return (
    <div className="container">
      <p className="breadcrumb">
        <Link to="/me">我的</Link> › 我的家庭
      </p>
      <h1>我的家庭</h1>
      <p className="lead">登记家里的老人和孩子，就可以替他们报名、签到。</p>
      {done === "added" ? (
        <p className="notice" role="status">
          {added ? `已添加「${added}」。` : "已添加。"}现在可以在课程页面替 TA 报名了。
        </p>
      ) : done && DONE[done] ? (
        <p className="notice" role="status">
          {DONE[done]}
        </p>
      ) : null}
      {backOk ? (
        <p>
          <Link className="button" to={backOk}>
            返回课程报名
          </Link>
        </p>
      ) : null}

      <h2>家庭成员（{members.length}）</h2>
      {members.length === 0 ? <p className="muted">还没有登记家庭成员。</p> : null}
      <ul className="card-grid">
        {members.map((m) => (
          <MemberCard key={m.id} m={m} reply={reply} />
        ))}
      </ul>

      <h2>添加家庭成员</h2>
      <Form method="post" {...getFormProps(addForm)} className="form">
        <FormErrors errors={addForm.errors} id={addForm.errorId} />
        <input type="hidden" name="intent" value="add" />
        <Field label="姓名" meta={addFields.name} autoComplete="off" />
        <RelationField meta={addFields.relation} />
        <Field
          label="出生年份"
          meta={addFields.birthYear}
          type="number"
          inputMode="numeric"
          hint="例如 1950；有年龄要求的班按年份判断"
        />
        <Field label="手机号码（可不填）" meta={addFields.phone} type="tel" autoComplete="off" />
        <button type="submit">添加</button>
      </Form>

      <h2>我本人</h2>
      <Form method="post" {...getFormProps(meForm)} className="form">
        <FormErrors errors={meForm.errors} id={meForm.errorId} />
        <input type="hidden" name="intent" value="me" />
        <Field
          label={`${me.name}的出生年份`}
          meta={meFields.birthYear}
          type="number"
          inputMode="numeric"
          hint="报名有年龄要求的班时需要"
        />
        <button type="submit" className="secondary">
          保存
        </button>
      </Form>
    </div>
  );
}
