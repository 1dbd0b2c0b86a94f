import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { getDb } from "@db/client";
import { FormErrors } from "~/components/forms";
import { TeacherForm } from "~/components/teacher-form";
import { requireActorWith } from "~/modules/auth/request.server";
import { listImageResources } from "~/modules/catalog/resources.server";
import {
  canManageTeachers,
  TEACHER_KIND_LABELS,
  teacherUpdateSchema,
} from "~/modules/catalog/teachers";
import {
  getTeacherForEdit,
  setTeacherActive,
  teacherFormOptions,
  updateTeacher,
} from "~/modules/catalog/teachers.server";
import { readForm } from "~/utils/csrf.server";
import { replyInvalid, replyWithUserError } from "~/utils/forms.server";
import { clientIp, notFound } from "~/utils/http";
import { z } from "~/utils/zod";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.teacher.displayName ?? "教师"} · 师资库 · 总部` },
];

function idParam(raw: string | undefined) {
  return /^[1-9][0-9]{0,9}$/.test(raw ?? "") ? Number(raw) : notFound("师资库中没有这位教师。");
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = requireActorWith(request, canManageTeachers);
  const db = getDb();
  const teacher = getTeacherForEdit(db, actor, idParam(params.id));
  if (!teacher) notFound("师资库中没有这位教师。");
  return { teacher, options: { ...teacherFormOptions(db), images: listImageResources(db) } };
}

const schema = z.discriminatedUnion("intent", [
  teacherUpdateSchema.extend({ intent: z.literal("save") }),
  z.object({ intent: z.literal("deactivate") }),
  z.object({ intent: z.literal("reactivate") }),
]);

export async function action({ request, params }: ActionFunctionArgs) {
  const actor = requireActorWith(request, canManageTeachers);
  const form = await readForm(request);
  const id = idParam(params.id);
  const submission = parseWithZod(form, { schema });
  if (submission.status !== "success") return replyInvalid(submission);
  const db = getDb();
  try {
    const v = submission.value;
    if (v.intent === "save") {
      updateTeacher(db, actor, id, v, clientIp(request));
      return redirect(`/hq/teachers/${id}?done=saved`);
    }
    setTeacherActive(db, actor, id, v.intent === "reactivate", clientIp(request));
    return redirect(`/hq/teachers/${id}?done=${v.intent}`);
  } catch (e) {
    return replyWithUserError(submission, e);
  }
}

const DONE: Record<string, string> = {
  created: "已加入师资库，并已记入审计日志。",
  saved: "已保存，并已记入审计日志。",
  deactivate: "已停用：这位教师不会再出现在公开页面和排课的可选教师中。",
  reactivate: "已恢复在册。",
};

export default function EditTeacher() {
  const { teacher: t, options } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [params] = useSearchParams();
  const done = DONE[params.get("done") ?? ""];
  const statusErrors =
    lastResult && "error" in lastResult && lastResult.initialValue?.intent !== "save"
      ? lastResult.error?.[""]
      : undefined;
  return (
    <>
      <p>
        <Link to="/hq/teachers">← 师资库</Link>
      </p>
      <h1>
        {t.displayName} {t.active ? null : <span className="badge danger">已停用</span>}
      </h1>
      {done ? (
        <p className="notice" role="status">
          {done}
        </p>
      ) : null}
      <dl className="facts">
        <dt>账号</dt>
        <dd>
          {t.accountName}（{t.phone}）
        </dd>
        <dt>类型</dt>
        <dd>{TEACHER_KIND_LABELS[t.kind]}</dd>
        <dt>公开页面</dt>
        <dd>{t.active ? <Link to={`/teachers/${t.id}`}>查看公开资料</Link> : "停用期间不公开"}</dd>
      </dl>
      {t.courses.length ? (
        <>
          <h2>登记的课程</h2>
          <ul className="chips">
            {t.courses.map((c) => (
              <li key={c.id} className="tag">
                {c.code} {c.title}
                {c.live ? "" : "（未发布）"}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <h2>修改资料</h2>
      <TeacherForm
        mode="edit"
        options={options}
        defaults={{
          displayName: t.displayName,
          bio: t.bio,
          organisation: t.organisation,
          kind: t.kind,
          photoResourceId: t.photoResourceId ? String(t.photoResourceId) : "",
          categoryIds: t.categoryIds.map(String),
          districtIds: t.districtIds.map(String),
          courseCodes: t.courses.map((c) => c.code).join(", "),
        }}
        lastResult={
          lastResult && lastResult.initialValue?.intent === "save" ? lastResult : undefined
        }
        submitLabel="保存"
      />
      <h2>在册状态</h2>
      <FormErrors errors={statusErrors ?? undefined} />
      <Form method="post" className="stack">
        {t.active ? (
          <>
            <p>
              停用后，这位教师不会出现在公开页面和排课的可选教师中；已排的课不受影响，随时可以恢复。
            </p>
            <button type="submit" name="intent" value="deactivate" className="secondary">
              停用这位教师
            </button>
          </>
        ) : (
          <button type="submit" name="intent" value="reactivate">
            恢复在册
          </button>
        )}
      </Form>
    </>
  );
}
