import { getFormProps, getInputProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useState } from "react";
import { getDb } from "@db/client";
import { FormErrors } from "~/components/forms";
import { CourseCodeField, VisibilityField } from "~/components/resource-fields";
import { requireActorWith } from "~/modules/auth/request.server";
import { ALLOWED_TYPES_TEXT } from "~/modules/catalog/filetype.server";
import { isHq } from "~/modules/auth/permissions";
import {
  canUploadResources,
  fileResourceSchema,
  libraryBase,
  libraryCheck,
  videoLinkSchema,
} from "~/modules/catalog/resources";
import {
  createFileResource,
  createVideoLink,
  discardReceived,
  ownCourses,
  parseResourceUpload,
  uploadMaxBytes,
  uploadMaxText,
} from "~/modules/catalog/resources.server";
import { assertSameOrigin, readForm } from "~/utils/csrf.server";
import { isUserError } from "~/utils/errors";
import { clientIp } from "~/utils/http";

/** HQ at /hq/resources/new; district staff and managers at /resources/new (re-exported there),
 * for their own courses only (the module checks the course). */
export const meta: MetaFunction = () => [{ title: "上传资源 · 资源库" }];

const ACCEPT = ".pdf,.pptx,.docx,.png,.jpg,.jpeg,.gif,.webp,.mp3,.m4a,.wav";

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = requireActorWith(request, libraryCheck(request, canUploadResources));
  return {
    maxBytes: uploadMaxBytes(),
    maxText: uploadMaxText(),
    allowed: ALLOWED_TYPES_TEXT,
    base: libraryBase(request),
    /** Non-HQ uploaders attach to one of their own courses; these are they. */
    ownCourses: isHq(actor) ? null : ownCourses(getDb(), actor),
  };
}

type Reply = { form: "upload" | "link"; result: SubmissionResult<string[]> };

function errorReply(
  form: Reply["form"],
  e: { message: string; field?: string },
  result?: SubmissionResult<string[]>,
) {
  const base: SubmissionResult<string[]> = result ?? {
    status: "error",
    initialValue: null,
    error: {},
  };
  return data<Reply>(
    {
      form,
      result: {
        ...base,
        status: "error",
        error: { ...(base.error ?? {}), [e.field ?? ""]: [e.message] },
      },
    },
    { status: 400 },
  );
}

export async function action({ request }: ActionFunctionArgs) {
  const actor = requireActorWith(request, libraryCheck(request, canUploadResources));
  assertSameOrigin(request);
  const db = getDb();
  const ip = clientIp(request);
  const isMultipart = (request.headers.get("content-type") ?? "").startsWith("multipart/form-data");

  if (isMultipart) {
    let parsed: Awaited<ReturnType<typeof parseResourceUpload>>;
    try {
      parsed = await parseResourceUpload(request);
    } catch (e) {
      if (isUserError(e)) return errorReply("upload", e);
      throw e;
    }
    const submission = parseWithZod(parsed.form, { schema: fileResourceSchema });
    if (submission.status !== "success") {
      discardReceived(parsed.file);
      return data<Reply>({ form: "upload", result: submission.reply() }, { status: 400 });
    }
    if (!parsed.file) {
      return errorReply(
        "upload",
        { message: "请选择要上传的文件。", field: "file" },
        submission.reply(),
      );
    }
    try {
      const r = createFileResource(db, actor, submission.value, parsed.file, ip);
      return redirect(`${libraryBase(request)}?uploaded=${r.id}`);
    } catch (e) {
      if (isUserError(e)) return errorReply("upload", e, submission.reply());
      throw e;
    }
  }

  const form = await readForm(request);
  const submission = parseWithZod(form, { schema: videoLinkSchema });
  if (submission.status !== "success") {
    return data<Reply>({ form: "link", result: submission.reply() }, { status: 400 });
  }
  try {
    const r = createVideoLink(db, actor, submission.value, ip);
    return redirect(`${libraryBase(request)}?uploaded=${r.id}`);
  } catch (e) {
    if (isUserError(e)) return errorReply("link", e, submission.reply());
    throw e;
  }
}

export default function NewResource() {
  const { maxBytes, maxText, allowed, base, ownCourses } = useLoaderData<typeof loader>();
  const courseHint = ownCourses
    ? ownCourses.length
      ? `你们的课程：${ownCourses.map((c) => `${c.code} ${c.title}`).join("；")}`
      : "你们还没有自己的课程（区级流动课程或社区特色课程），暂时不能上传。"
    : undefined;
  const reply = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const [uploadForm, up] = useForm({
    id: "upload",
    lastResult: reply?.form === "upload" ? reply.result : undefined,
    shouldValidate: "onSubmit",
  });
  const [linkForm, ln] = useForm({
    id: "link",
    lastResult: reply?.form === "link" ? reply.result : undefined,
    shouldValidate: "onSubmit",
  });
  const [clientFileError, setClientFileError] = useState("");
  const fileErrors = clientFileError ? [clientFileError] : up.file.errors;

  // Under /hq the 总部 layout gives the page its container; /resources stands alone.
  return (
    <div className={base === "/resources" ? "container" : undefined}>
      <p>
        <Link to={base}>← 资源库</Link>
      </p>
      <h1>上传资源</h1>

      <section aria-labelledby="upload-heading" className="stack">
        <h2 id="upload-heading">上传文件</h2>
        <p className="hint">
          可上传 {allowed}，单个文件不超过 {maxText}
          。系统按文件内容判断类型，改扩展名的文件会被拒绝。
        </p>
        <Form
          method="post"
          encType="multipart/form-data"
          className="form"
          {...getFormProps(uploadForm)}
        >
          <FormErrors errors={uploadForm.errors} id={uploadForm.errorId} />
          <div className={`field${fileErrors?.length ? " has-error" : ""}`}>
            <label htmlFor={up.file.id}>选择文件</label>
            <input
              id={up.file.id}
              name="file"
              type="file"
              accept={ACCEPT}
              required
              aria-invalid={fileErrors?.length ? true : undefined}
              aria-describedby={fileErrors?.length ? up.file.errorId : undefined}
              onChange={(e) => {
                const f = e.currentTarget.files?.[0];
                setClientFileError(
                  f && f.size > maxBytes
                    ? `文件超过 ${maxText} 的上限，请压缩或拆分后再上传。`
                    : "",
                );
              }}
            />
            {fileErrors?.length ? (
              <p className="error" id={up.file.errorId} role="alert">
                {fileErrors.join("；")}
              </p>
            ) : null}
          </div>
          <div className={`field${up.title.errors?.length ? " has-error" : ""}`}>
            <label htmlFor={up.title.id}>标题（可不填，默认用文件名）</label>
            <input
              {...getInputProps(up.title, { type: "text" })}
              key={up.title.key}
              maxLength={100}
            />
            {up.title.errors ? (
              <p className="error" id={up.title.errorId}>
                {up.title.errors.join("；")}
              </p>
            ) : null}
          </div>
          <VisibilityField meta={up.visibility} idPrefix="up" />
          <CourseCodeField
            meta={up.courseCode}
            required={!!ownCourses}
            hint={courseHint}
            idPrefix="up"
          />
          <div className="actions">
            <button type="submit" disabled={busy}>
              {busy &&
              navigation.formData?.get("file") !== null &&
              navigation.formEncType === "multipart/form-data"
                ? "正在上传……"
                : "上传"}
            </button>
          </div>
        </Form>
      </section>

      <section aria-labelledby="link-heading" className="stack">
        <h2 id="link-heading">添加视频链接</h2>
        <p className="hint">
          视频请先发布到视频平台（哔哩哔哩、腾讯视频、学习强国、央视频等），再把以 https://
          开头的网址填在这里。
        </p>
        <Form method="post" className="form" {...getFormProps(linkForm)}>
          <FormErrors errors={linkForm.errors} id={linkForm.errorId} />
          <div className={`field${ln.title.errors?.length ? " has-error" : ""}`}>
            <label htmlFor={ln.title.id}>标题</label>
            <input
              {...getInputProps(ln.title, { type: "text" })}
              key={ln.title.key}
              maxLength={100}
            />
            {ln.title.errors ? (
              <p className="error" id={ln.title.errorId}>
                {ln.title.errors.join("；")}
              </p>
            ) : null}
          </div>
          <div className={`field${ln.url.errors?.length ? " has-error" : ""}`}>
            <label htmlFor={ln.url.id}>视频网址</label>
            <input
              {...getInputProps(ln.url, { type: "url" })}
              key={ln.url.key}
              placeholder="https://"
            />
            {ln.url.errors ? (
              <p className="error" id={ln.url.errorId}>
                {ln.url.errors.join("；")}
              </p>
            ) : null}
          </div>
          <VisibilityField meta={ln.visibility} idPrefix="ln" />
          <CourseCodeField
            meta={ln.courseCode}
            required={!!ownCourses}
            hint={courseHint}
            idPrefix="ln"
          />
          <div className="actions">
            <button type="submit" disabled={busy}>
              添加链接
            </button>
          </div>
        </Form>
      </section>
    </div>
  );
}
