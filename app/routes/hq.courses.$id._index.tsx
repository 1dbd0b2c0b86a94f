import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { getDb } from "@db/client";
import { notifyAcademiesOfNewVersion } from "~/modules/scheduling/version-updates.server";
import { CategoryBadge, ConfirmAction, DiffView } from "~/components/catalog";
import { requireActor } from "~/modules/auth/request.server";
import {
  diffCourseVersions,
  discardDraft,
  getCourseOverview,
  publishCourse,
  restoreCourse,
  retireCourse,
  submitForReview,
  withdrawReview,
} from "~/modules/catalog/courses.server";
import { withContext } from "~/modules/catalog/diff";
import { RESOURCE_KIND_LABELS } from "~/modules/catalog/resources";
import { readForm } from "~/utils/csrf.server";
import { formatDateTime } from "~/utils/dates";
import { isUserError } from "~/utils/errors";
import { clientIp, notFound, parseIdParam } from "~/utils/http";
import { z } from "~/utils/zod";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.title ?? "课程"} · 课程库管理` },
];

const idParam = z.coerce.number().int().positive();
const diffParams = z.object({
  from: z.coerce.number().int().positive().optional().catch(undefined),
  to: z.coerce.number().int().positive().optional().catch(undefined),
});

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = requireActor(request);
  const id = parseIdParam(params.id, "没有这门课程。");
  const db = getDb();
  const o = getCourseOverview(db, actor, id);
  if (!o) notFound("没有这门课程，可能已被删除。");
  // Diff: what the editor asked for, else the draft against the live version, else the last two versions.
  const q = diffParams.parse(Object.fromEntries(new URL(request.url).searchParams));
  const nos = o.versions.map((v) => v.versionNo);
  let from = q.from;
  let to = q.to;
  if (!from || !to) {
    if (o.working && o.current) [from, to] = [o.current.versionNo, o.working.versionNo];
    else if (nos.length >= 2) [from, to] = [nos[1], nos[0]];
  }
  const diff = from && to && from !== to ? diffCourseVersions(db, actor, id, from, to) : null;
  const title = o.working?.title ?? o.current?.title ?? o.versions[0]?.title ?? o.course.code;
  return {
    title,
    course: {
      id: o.course.id,
      code: o.course.code,
      levelLabel: o.course.levelLabel,
      ownerName: o.course.ownerName,
      retiredAt: o.course.retiredAt,
    },
    category: { name: o.category.name, color: o.category.color },
    versions: o.versions,
    events: o.events,
    resources: o.resources,
    canUpload: o.canUpload,
    working: o.working ? { versionNo: o.working.versionNo, status: o.working.status } : null,
    current: o.current ? { versionNo: o.current.versionNo } : null,
    can: o.can,
    diff: diff ? { from: diff.from, to: diff.to, lines: withContext(diff.lines) } : null,
  };
}

const INTENTS = ["submit", "withdraw", "publish", "retire", "restore", "discard"] as const;

export async function action({ request, params }: ActionFunctionArgs) {
  const actor = requireActor(request);
  const form = await readForm(request);
  const id = idParam.safeParse(params.id);
  const intent = z.enum(INTENTS).safeParse(form.get("intent"));
  if (!id.success || !intent.success)
    return data({ error: "请求有误，请刷新页面后再试。" }, { status: 400 });
  const db = getDb();
  const ip = clientIp(request);
  try {
    switch (intent.data) {
      case "submit":
        submitForReview(db, actor, id.data);
        break;
      case "withdraw":
        withdrawReview(db, actor, id.data);
        break;
      case "publish":
        publishCourse(db, actor, id.data, ip, notifyAcademiesOfNewVersion);
        break;
      case "retire":
        retireCourse(db, actor, id.data, ip);
        break;
      case "restore":
        restoreCourse(db, actor, id.data, ip);
        break;
      case "discard":
        if (discardDraft(db, actor, id.data, ip).courseGone)
          return redirect("/hq/courses?done=deleted");
        break;
    }
    return redirect(`/hq/courses/${id.data}?done=${intent.data}`);
  } catch (e) {
    if (isUserError(e)) return data({ error: e.message }, { status: 400 });
    throw e;
  }
}

const DONE: Record<string, string> = {
  submit: "已提交审核。总部课程编辑审核后即可发布。",
  withdraw: "已撤回审核，版本回到草稿状态。",
  publish: "已发布。课程库和搜索已更新，操作已记入审计日志。",
  retire: "已停用。课程已从课程库和搜索中移除，已开设的课程不受影响。",
  restore: "已恢复。课程重新出现在课程库中。",
  discard: "草稿已删除。",
};

export default function CourseOverview() {
  const d = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [params] = useSearchParams();
  const done = params.get("done");
  const nos = d.versions.map((v) => v.versionNo);
  return (
    <>
      <p>
        <Link to="/hq/courses">← 课程库管理</Link>
      </p>
      <div className="page-header">
        <p className="course-card-meta">
          <CategoryBadge name={d.category.name} color={d.category.color} />
          <span className="tag">{d.course.code}</span>
          <span className="tag">
            {d.course.levelLabel}
            {d.course.ownerName ? ` · ${d.course.ownerName}` : ""}
          </span>
        </p>
        <h1>{d.title}</h1>
      </div>
      {done && DONE[done] ? (
        <p className="notice" role="status">
          {DONE[done]}
        </p>
      ) : null}
      {actionData?.error ? (
        <p className="form-error" role="alert">
          {actionData.error}
        </p>
      ) : null}

      <dl className="facts">
        <dt>线上版本</dt>
        <dd data-testid="live-version">
          {d.current ? (
            <>
              第 {d.current.versionNo} 版{" "}
              <Link to={`/courses/${d.course.code}`}>在课程库中查看</Link>
            </>
          ) : d.course.retiredAt ? (
            "已停用"
          ) : (
            "尚未发布"
          )}
        </dd>
        <dt>工作版本</dt>
        <dd data-testid="working-version">
          {d.working
            ? `第 ${d.working.versionNo} 版 · ${d.working.status === "review" ? "审核中" : "草稿"}`
            : "无（编辑时会生成新草稿）"}
        </dd>
      </dl>

      <div className="actions course-actions">
        {d.can.edit ? (
          <Link className="button" to={`/hq/courses/${d.course.id}/edit`}>
            {d.working ? "编辑草稿" : "编辑（生成新版本）"}
          </Link>
        ) : null}
        {d.working ? (
          <Link
            className="button secondary"
            to={`/hq/courses/${d.course.id}/versions/${d.working.versionNo}`}
          >
            预览第 {d.working.versionNo} 版
          </Link>
        ) : null}
        {d.can.submit ? (
          <ConfirmAction
            label="提交审核"
            question={`提交第 ${d.working?.versionNo} 版审核？审核期间不能修改，可随时撤回。`}
            intent="submit"
          />
        ) : null}
        {d.can.withdraw ? (
          <ConfirmAction
            label="撤回审核"
            question="撤回后回到草稿状态，修改完需重新提交。"
            intent="withdraw"
          />
        ) : null}
        {d.can.publish ? (
          <ConfirmAction
            label="发布"
            question={`发布第 ${d.working?.versionNo} 版？它将立即出现在全市课程库中${d.current ? `，取代线上的第 ${d.current.versionNo} 版（旧版本仍可查阅）` : ""}。`}
            intent="publish"
          />
        ) : null}
        {d.can.publishByOther ? (
          <p className="notice" role="note">
            第 {d.working?.versionNo} 版最后由您编辑，按“四眼原则”需由另一位总部同事审核发布。
          </p>
        ) : null}
        {d.can.retire ? (
          <ConfirmAction
            label="停用"
            danger
            question="停用后课程从课程库和搜索中移除，书院不能再点单；已开设的课程和历史版本不受影响，之后可以恢复。"
            intent="retire"
          />
        ) : null}
        {d.can.restore ? (
          <ConfirmAction
            label="恢复上架"
            question="把最后发布的版本重新放回课程库？"
            intent="restore"
          />
        ) : null}
        {d.can.discard ? (
          <ConfirmAction
            label="删除草稿"
            danger
            question={
              d.versions.length === 1
                ? "这门课程还没有发布过，删除草稿会删除整门课程，不能撤销。"
                : `删除第 ${d.working?.versionNo} 版草稿？线上版本不受影响。`
            }
            intent="discard"
          />
        ) : null}
      </div>

      <h2>版本</h2>
      <div className="table-wrap">
        <table data-testid="versions" className="stack-table">
          <thead>
            <tr>
              <th>版本</th>
              <th>状态</th>
              <th>课程名称</th>
              <th>最后编辑</th>
              <th>发布</th>
            </tr>
          </thead>
          <tbody>
            {d.versions.map((v) => (
              <tr key={v.id}>
                <td data-label="版本">
                  <Link to={`/hq/courses/${d.course.id}/versions/${v.versionNo}`}>
                    第 {v.versionNo} 版
                  </Link>
                </td>
                <td data-label="状态">{v.statusLabel}</td>
                <td data-label="课程名称">{v.title}</td>
                <td data-label="最后编辑">
                  {v.editorName ?? "内容导入"}
                  <div className="muted small-text">{formatDateTime(v.updatedAt)}</div>
                </td>
                <td data-label="发布">
                  {v.publishedAt ? (
                    <>
                      {v.publisherName ?? "系统"}
                      <div className="muted small-text">{formatDateTime(v.publishedAt)}</div>
                    </>
                  ) : (
                    "—"
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      {nos.length >= 2 ? (
        <section aria-labelledby="diff-h">
          <h2 id="diff-h">版本对比</h2>
          <Form method="get" className="inline-form diff-form">
            <div className="field">
              <label htmlFor="diff-from">旧版本</label>
              <select id="diff-from" name="from" defaultValue={d.diff?.from ?? nos[1]}>
                {nos.map((n) => (
                  <option key={n} value={n}>
                    第 {n} 版
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor="diff-to">新版本</label>
              <select id="diff-to" name="to" defaultValue={d.diff?.to ?? nos[0]}>
                {nos.map((n) => (
                  <option key={n} value={n}>
                    第 {n} 版
                  </option>
                ))}
              </select>
            </div>
            <button type="submit" className="secondary">
              对比
            </button>
          </Form>
          {d.diff ? (
            <>
              <p className="muted">
                第 {d.diff.from} 版 → 第 {d.diff.to} 版：
                <span className="diff-legend-add">绿色为新增</span>，
                <span className="diff-legend-del">红色为删除</span>。
              </p>
              <DiffView lines={d.diff.lines} />
            </>
          ) : (
            <p className="muted">请选择两个不同的版本。</p>
          )}
        </section>
      ) : null}

      <h2>教学资源</h2>
      {d.resources.length ? (
        <ul className="resource-list" data-testid="overview-resources">
          {d.resources.map((r) => (
            <li key={r.id}>
              <a href={r.href}>{r.title}</a>{" "}
              <span className="muted small-text">
                {RESOURCE_KIND_LABELS[r.kind]}
                {r.visibility === "teachers" ? " · 仅教师" : " · 公开"}
              </span>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">还没有挂在这门课程下的资源。</p>
      )}
      {d.canUpload ? (
        <p>
          <Link className="button secondary" to="/hq/resources/new">
            上传资源
          </Link>{" "}
          <span className="hint">上传时在“挂在课程下”填写课程编号 {d.course.code}。</span>
        </p>
      ) : null}

      <h2>修改记录</h2>
      <ol className="history" data-testid="history">
        {d.events.map((e) => (
          <li key={e.id}>
            <time className="muted">{formatDateTime(e.createdAt)}</time>{" "}
            <strong>{e.actorName ?? "系统"}</strong>：{e.summary}
          </li>
        ))}
      </ol>
    </>
  );
}
