import { getFormProps, useForm } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import {
  Form,
  Link,
  useActionData,
  useBeforeUnload,
  useLoaderData,
  useNavigate,
  useSearchParams,
} from "@remix-run/react";
import { useCallback, useEffect, useRef, useState } from "react";
import { getDb } from "@db/client";
import {
  CheckboxGroup,
  CourseLengthFields,
  ConfirmAction,
  SelectField,
  TextareaField,
} from "~/components/catalog";
import { Field, FormErrors } from "~/components/forms";
import { RichEditor } from "~/components/rich-editor";
import { requireActor } from "~/modules/auth/request.server";
import { AUDIENCES, editCourseFormSchema } from "~/modules/catalog/courses";
import { getCourseForEditor, saveDraft } from "~/modules/catalog/courses.server";
import type { RichDoc } from "~/modules/catalog/richtext";
import { readForm } from "~/utils/csrf.server";
import { replyInvalid, replyWithUserError } from "~/utils/forms.server";
import { notFound, parseIdParam } from "~/utils/http";
import type { z } from "~/utils/zod";
import type { DraftSaveResult } from "./hq.courses.$id.draft";
import { formatTime } from "~/utils/dates";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `编辑：${data?.version.title ?? "课程"} · 课程库` },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = requireActor(request);
  const e = getCourseForEditor(getDb(), actor, parseIdParam(params.id, "没有这门课程。"));
  if (!e) notFound("没有这门课程。");
  return {
    course: {
      id: e.course.id,
      code: e.course.code,
      categoryId: e.course.categoryId,
      levelLabel: e.course.levelLabel,
      ownerName: e.course.ownerName,
    },
    version: {
      versionNo: e.version.versionNo,
      status: e.version.status,
      title: e.version.title,
      summary: e.version.summary,
      audience: e.version.audience,
      sessions: e.version.sessions,
      minutesPerSession: e.version.minutesPerSession,
      objectives: e.version.objectives,
      tags: e.version.tags,
      coverResourceId: e.version.coverResourceId,
      body: e.version.body as RichDoc,
      bodyHtml: e.version.bodyHtml,
      updatedAt: e.version.updatedAt,
    },
    categories: e.categories,
    images: e.images,
    startsNewDraft: e.startsNewDraft,
    inReview: e.inReview,
    nextVersionNo: e.nextVersionNo,
    revision: e.revision,
    codeLocked: e.codeLocked,
  };
}

/** Without JavaScript the form posts here; with it, the editor autosaves through /draft. */
export async function action({ request, params }: ActionFunctionArgs) {
  const actor = requireActor(request);
  const formData = await readForm(request);
  const submission = parseWithZod(formData, { schema: editCourseFormSchema });
  if (submission.status !== "success") return replyInvalid(submission);
  try {
    saveDraft(getDb(), actor, parseIdParam(params.id, "没有这门课程。"), submission.value);
    return redirect(`/hq/courses/${params.id}/edit?saved=1`);
  } catch (e) {
    return replyWithUserError(submission, e);
  }
}

type EditForm = {
  title: string;
  code: string;
  categoryId: string;
  summary: string;
  audience: string[];
  sessions: string;
  minutesPerSession: string;
  objectives: string;
  tags: string;
  coverResourceId: string;
  body: string;
  revision: string;
};

type SaveState = {
  kind: "saved" | "pristine" | "dirty" | "saving" | "error";
  at?: number;
  message?: string;
};
const AUTOSAVE_MS = 1200;
const RETRY_MS = 5000;

export default function EditCourse() {
  const d = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [params] = useSearchParams();
  const formRef = useRef<HTMLFormElement>(null);
  const revisionRef = useRef(d.revision);
  const changeSeq = useRef(0);
  const sentSeq = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const [versionNo, setVersionNo] = useState(d.startsNewDraft ? null : d.version.versionNo);
  const navigate = useNavigate();
  const [leaveAfterSave, setLeaveAfterSave] = useState(false);
  const [state, setState] = useState<SaveState>(
    d.startsNewDraft ? { kind: "pristine" } : { kind: "saved", at: d.version.updatedAt },
  );

  const [form, fields] = useForm<EditForm, z.output<typeof editCourseFormSchema>>({
    id: "course-editor",
    lastResult,
    constraint: getZodConstraint(editCourseFormSchema),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: editCourseFormSchema }),
    defaultValue: {
      title: d.version.title,
      code: d.course.code,
      categoryId: String(d.course.categoryId),
      summary: d.version.summary,
      audience: d.version.audience,
      sessions: String(d.version.sessions),
      minutesPerSession: String(d.version.minutesPerSession),
      objectives: d.version.objectives.join("\n"),
      tags: d.version.tags.join("，"),
      coverResourceId: d.version.coverResourceId ? String(d.version.coverResourceId) : "",
    },
  });

  // One save at a time, so every save carries the revision the previous one returned. A plain
  // fetch rather than useFetcher: a lost connection or a server error must leave the editor (and
  // the unsaved text) in place with a message and a retry, not replace the page with an error.
  const inFlight = useRef(false);
  const save = useCallback(async () => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    const el = formRef.current;
    if (!el || inFlight.current) return; // the answer handler saves again if more changed
    const fd = new FormData(el);
    fd.set("revision", revisionRef.current);
    sentSeq.current = changeSeq.current;
    inFlight.current = true;
    setState({ kind: "saving" });
    let r: DraftSaveResult;
    let retry = false;
    try {
      const res = await fetch(`/hq/courses/${d.course.id}/draft`, {
        method: "POST",
        body: fd,
        headers: { Accept: "application/json" },
      });
      retry = res.status >= 500;
      r = await res.json().catch(() => ({
        ok: false as const,
        message: `服务器暂时出错（${res.status}），修改还没有保存，稍后自动重试。`,
      }));
    } catch {
      retry = true;
      r = { ok: false, message: "网络不通，修改还没有保存；恢复连接后会自动重试。" };
    }
    inFlight.current = false;
    if (r.ok) {
      revisionRef.current = r.revision;
      setVersionNo(r.versionNo);
      if (changeSeq.current !== sentSeq.current) {
        setState({ kind: "dirty" });
        timer.current = setTimeout(() => void saveRef.current(), AUTOSAVE_MS);
      } else setState({ kind: "saved", at: r.savedAt });
    } else {
      setState({ kind: "error", message: r.message });
      if (retry) timer.current = setTimeout(() => void saveRef.current(), RETRY_MS);
    }
  }, [d.course.id]);
  const saveRef = useRef(save);
  saveRef.current = save;

  const markDirty = useCallback(() => {
    changeSeq.current++;
    setState((s) => (s.kind === "saving" ? s : { kind: "dirty" }));
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => void saveRef.current(), AUTOSAVE_MS);
  }, []);

  useEffect(() => () => void (timer.current && clearTimeout(timer.current)), []);

  // "完成" with unsaved changes: save first, then go to the overview.
  useEffect(() => {
    if (leaveAfterSave && state.kind === "saved") navigate(`/hq/courses/${d.course.id}`);
    if (leaveAfterSave && state.kind === "error") setLeaveAfterSave(false);
  }, [leaveAfterSave, state.kind, navigate, d.course.id]);

  useBeforeUnload(
    useCallback(
      (e: BeforeUnloadEvent) => {
        if (state.kind === "dirty" || state.kind === "saving" || state.kind === "error") {
          e.preventDefault();
          e.returnValue = "";
        }
      },
      [state.kind],
    ),
  );

  // Ctrl/⌘+S saves now, wherever the focus is on the page (the browser would offer "save page as").
  useEffect(() => {
    const onKeyDown = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "s") {
        e.preventDefault();
        void saveRef.current();
      }
    };
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, []);

  if (d.inReview) {
    return (
      <>
        <p>
          <Link to={`/hq/courses/${d.course.id}`}>← 课程概览</Link>
        </p>
        <h1>编辑：{d.version.title}</h1>
        <p className="form-error" role="status">
          第 {d.version.versionNo} 版正在审核中，暂时不能修改。如需修改，请先撤回审核。
        </p>
        <ConfirmAction
          label="撤回审核"
          question="撤回后这个版本回到草稿状态，修改完需要重新提交审核。"
          intent="withdraw"
          action={`/hq/courses/${d.course.id}`}
        />
      </>
    );
  }

  const status =
    state.kind === "saved"
      ? `已保存 ${state.at ? formatTime(state.at, { seconds: true }) : ""}`
      : state.kind === "pristine"
        ? "未修改"
        : state.kind === "dirty"
          ? "未保存"
          : state.kind === "saving"
            ? "保存中…"
            : `保存失败：${state.message}`;

  return (
    <div className="course-editor-page">
      <p>
        <Link to={`/hq/courses/${d.course.id}`}>← 课程概览</Link>
      </p>
      <h1>编辑课程</h1>
      {params.get("created") ? (
        <p className="notice">课程已创建为第 1 版草稿。现在可以撰写教学大纲，修改会自动保存。</p>
      ) : null}
      {params.get("saved") ? <p className="notice">草稿已保存。</p> : null}
      {d.startsNewDraft ? (
        <p className="notice" role="note">
          线上是已发布的第 {d.version.versionNo} 版。您的修改会保存为第 {d.nextVersionNo}{" "}
          版草稿，线上版本不受影响；审核发布后才会替换。
        </p>
      ) : null}
      <p className="muted">
        {d.course.levelLabel}
        {d.course.ownerName ? ` · ${d.course.ownerName}` : ""} ·{" "}
        {versionNo ? `第 ${versionNo} 版草稿` : "尚无草稿"}
      </p>
      <Form
        method="post"
        {...getFormProps(form)}
        ref={formRef}
        className="form course-form"
        onInput={markDirty}
        onChange={markDirty}
        onSubmit={(e) => {
          // With JavaScript the button saves through the same autosave path.
          e.preventDefault();
          void save();
        }}
      >
        <FormErrors errors={form.errors} id={form.errorId} />
        <input type="hidden" name="revision" value={d.revision} />
        <Field label="课程名称" meta={fields.title} maxLength={60} autoComplete="off" />
        {d.codeLocked ? (
          <p>
            <span className="label">课程编号</span> {d.course.code}
            <span className="hint">（已发布过的课程编号不能修改）</span>
          </p>
        ) : (
          <Field
            label="课程编号"
            meta={fields.code}
            hint="如 HS-0012，发布后不能再改。"
            autoComplete="off"
          />
        )}
        <SelectField
          label="分类"
          meta={fields.categoryId}
          options={d.categories.map((c) => ({ value: c.id, label: c.name }))}
          hint="分类不随版本变化，保存后立即生效。"
        />
        <TextareaField
          label="课程简介"
          meta={fields.summary}
          rows={3}
          hint="最多 300 字，会显示在课程库列表中。"
        />
        <CheckboxGroup legend="适用对象" meta={fields.audience} options={AUDIENCES} />
        <CourseLengthFields sessions={fields.sessions} minutes={fields.minutesPerSession} />
        <TextareaField
          label="学习目标"
          meta={fields.objectives}
          hint="每行一条，最多 12 条。"
          rows={4}
        />
        <Field label="标签" meta={fields.tags} hint="用逗号或空格分隔" autoComplete="off" />
        <SelectField
          label="封面图片"
          meta={fields.coverResourceId}
          placeholder="不用封面"
          options={d.images.map((i) => ({ value: i.id, label: i.title }))}
          hint={
            d.images.length
              ? "从资源库的公开图片中选择。"
              : "资源库里还没有公开图片；上传图片后可在这里选择。"
          }
        />
        <div className={`field${fields.body.errors?.length ? " has-error" : ""}`}>
          <RichEditor
            name="body"
            label="教学大纲"
            initialDoc={d.version.body}
            initialHtml={d.version.bodyHtml}
            images={d.images}
            onChange={markDirty}
            errorId={fields.body.errors?.length ? fields.body.errorId : undefined}
            invalid={!!fields.body.errors?.length}
          />
          {fields.body.errors?.length ? (
            <p className="error" id={fields.body.errorId} role="alert">
              {fields.body.errors.join("；")}
            </p>
          ) : null}
        </div>
        <div className="save-bar">
          <span
            className={`save-status save-${state.kind}`}
            role="status"
            aria-live="polite"
            data-testid="save-status"
          >
            {status}
          </span>
          <button type="submit">保存草稿</button>
          <Link
            className="button secondary"
            to={`/hq/courses/${d.course.id}`}
            onClick={(e) => {
              if (state.kind === "dirty" || state.kind === "saving") {
                e.preventDefault();
                setLeaveAfterSave(true);
                if (state.kind === "dirty") void save();
              }
            }}
          >
            完成，去提交审核
          </Link>
        </div>
      </Form>
    </div>
  );
}
