import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { getDb } from "@db/client";
import { FormErrors } from "~/components/forms";
import { CourseCodeField, VisibilityField } from "~/components/resource-fields";
import { requireActorWith } from "~/modules/auth/request.server";
import {
  canManageResources,
  formatBytes,
  RESOURCE_KIND_LABELS,
  RESOURCE_VISIBILITY_LABELS,
  updateResourceSchema,
} from "~/modules/catalog/resources";
import {
  deleteResource,
  getResourceDetail,
  updateResource,
} from "~/modules/catalog/resources.server";
import { readForm } from "~/utils/csrf.server";
import { formatDateTime } from "~/utils/dates";
import { replyInvalid, replyWithUserError } from "~/utils/forms.server";
import { clientIp, notFound } from "~/utils/http";
import { z } from "~/utils/zod";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.resource.title ?? "资源"} · 资源库 · 总部` },
];

function idParam(raw: string | undefined) {
  return /^[1-9][0-9]{0,9}$/.test(raw ?? "") ? Number(raw) : notFound("没有这个资源。");
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = requireActorWith(request, canManageResources);
  const resource = getResourceDetail(getDb(), actor, idParam(params.id));
  if (!resource) notFound("没有这个资源，可能已被删除。");
  return { resource };
}

const schema = z.discriminatedUnion("intent", [
  updateResourceSchema.extend({ intent: z.literal("update") }),
  z.object({ intent: z.literal("delete") }),
]);

export async function action({ request, params }: ActionFunctionArgs) {
  const actor = requireActorWith(request, canManageResources);
  const form = await readForm(request);
  const id = idParam(params.id);
  const submission = parseWithZod(form, { schema });
  if (submission.status !== "success") return replyInvalid(submission);
  const db = getDb();
  try {
    if (submission.value.intent === "delete") {
      deleteResource(db, actor, id, clientIp(request));
      return redirect("/hq/resources?done=deleted");
    }
    updateResource(db, actor, id, submission.value, clientIp(request));
    return redirect(`/hq/resources/${id}?done=saved`);
  } catch (e) {
    return replyWithUserError(submission, e);
  }
}

export default function ResourceDetail() {
  const { resource: r } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [params] = useSearchParams();
  const confirming = params.get("confirm") === "delete";
  const [form, fields] = useForm({
    id: "edit",
    lastResult: lastResult && !confirming ? lastResult : undefined,
    defaultValue: { title: r.title, visibility: r.visibility, courseCode: r.courseCode ?? "" },
  });
  const deleteErrors =
    confirming && lastResult && "error" in lastResult ? lastResult.error?.[""] : undefined;
  return (
    <>
      <p>
        <Link to="/hq/resources">← 资源库</Link>
      </p>
      <h1>{r.title}</h1>
      {params.get("done") === "saved" ? (
        <p className="notice" role="status">
          已保存，并已记入审计日志。
        </p>
      ) : null}
      <div className="resource-preview">
        {r.kind === "image" ? <img src={`/resources/${r.id}`} alt={r.title} /> : null}
        {r.kind === "audio" ? (
          // Uploaded recordings come without a caption file; the title and description above say what they hold.
          // eslint-disable-next-line jsx-a11y/media-has-caption
          <audio controls preload="none" src={`/resources/${r.id}`}>
            您的浏览器不能播放音频，请<a href={`/resources/${r.id}`}>下载</a>后收听。
          </audio>
        ) : null}
      </div>
      <dl className="facts">
        <dt>类型</dt>
        <dd>{RESOURCE_KIND_LABELS[r.kind]}</dd>
        {r.kind === "video_link" ? (
          <>
            <dt>视频网址</dt>
            <dd className="break-all">{r.url}</dd>
          </>
        ) : (
          <>
            <dt>文件名</dt>
            <dd className="break-all">{r.originalName}</dd>
            <dt>大小</dt>
            <dd>{formatBytes(r.size)}</dd>
            <dt>校验值</dt>
            <dd className="break-all">
              <code title="SHA-256">{r.sha256?.slice(0, 16)}…</code>
            </dd>
          </>
        )}
        <dt>课程</dt>
        <dd>{r.courseCode ?? "全市共享"}</dd>
        <dt>谁可以查看</dt>
        <dd>{RESOURCE_VISIBILITY_LABELS[r.visibility]}</dd>
        <dt>上传</dt>
        <dd>
          {r.uploaderName ?? "—"} · {formatDateTime(r.createdAt)}
        </dd>
        <dt>使用情况</dt>
        <dd>{r.usage ?? "没有课程或教师资料引用它"}</dd>
      </dl>
      <p>
        <a
          className="button secondary"
          href={`/resources/${r.id}`}
          target="_blank"
          rel="noopener noreferrer"
        >
          {r.kind === "video_link"
            ? "打开视频"
            : r.kind === "image" || r.kind === "pdf"
              ? "查看"
              : "下载"}
          <span className="visually-hidden">（新窗口）</span>
        </a>
      </p>

      <h2>修改信息</h2>
      <Form method="post" className="form" {...getFormProps(form)}>
        <FormErrors errors={form.errors} id={form.errorId} />
        <input type="hidden" name="intent" value="update" />
        <div className={`field${fields.title.errors?.length ? " has-error" : ""}`}>
          <label htmlFor={fields.title.id}>标题</label>
          <input
            {...getInputProps(fields.title, { type: "text" })}
            key={fields.title.key}
            maxLength={100}
          />
          {fields.title.errors ? (
            <p className="error" id={fields.title.errorId}>
              {fields.title.errors.join("；")}
            </p>
          ) : null}
        </div>
        <VisibilityField meta={fields.visibility} idPrefix="edit" />
        <CourseCodeField meta={fields.courseCode} />
        <div className="actions">
          <button type="submit">保存</button>
        </div>
      </Form>

      <h2>删除</h2>
      {confirming ? (
        <div
          className="confirm-box"
          role="alertdialog"
          aria-labelledby="confirm-title"
          aria-describedby="confirm-desc"
        >
          <p id="confirm-title">
            <strong>确定删除“{r.title}”吗？</strong>
          </p>
          <p id="confirm-desc">
            删除后文件将被移除，无法恢复；已经打开或下载过的人不受影响。此操作会记入审计日志。
          </p>
          <FormErrors errors={deleteErrors ?? undefined} />
          <Form method="post" className="actions">
            <input type="hidden" name="intent" value="delete" />
            <button type="submit" className="danger">
              确认删除
            </button>
            <Link className="button secondary" to={`/hq/resources/${r.id}`} replace>
              取消
            </Link>
          </Form>
        </div>
      ) : r.usage ? (
        <p>这个资源{r.usage}，暂时不能删除。请先在那里换掉它。</p>
      ) : (
        <p>
          <Link className="button secondary" to="?confirm=delete">
            删除此资源…
          </Link>
        </p>
      )}
    </>
  );
}
