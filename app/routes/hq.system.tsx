import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { getDb } from "@db/client";
import { requireActor } from "~/modules/auth/request.server";
import { systemStatus, testError } from "~/modules/ops/system.server";
import { readForm } from "~/utils/csrf.server";
import { formatDateTime } from "~/utils/dates";
import { badRequest } from "~/utils/http";

export const meta: MetaFunction = () => [{ title: "系统状态 · 总部" }];

export async function loader({ request }: LoaderFunctionArgs) {
  return systemStatus(getDb(), requireActor(request));
}

export async function action({ request }: ActionFunctionArgs) {
  const actor = requireActor(request);
  const form = await readForm(request);
  if (form.get("intent") !== "test-error") badRequest();
  testError(actor);
}

function bytes(n: number) {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${Math.ceil(n / 1024)} KB`;
}

function duration(s: number) {
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  return d ? `${d} 天 ${h} 小时` : h ? `${h} 小时 ${m} 分` : `${m} 分 ${s % 60} 秒`;
}

const STATUS: Record<string, string> = { ok: "成功", error: "失败", running: "运行中" };

export default function SystemPage() {
  const s = useLoaderData<typeof loader>();
  return (
    <>
      <h1>系统状态</h1>
      <dl className="facts" data-testid="system-facts">
        <dt>版本</dt>
        <dd>
          {s.build.version ?? "未知"}（
          {s.build.builtAt ? `构建于 ${formatDateTime(Date.parse(s.build.builtAt))}` : "无构建指纹"}
          ，Node {s.node}，{s.mode}）
        </dd>
        <dt>运行时间</dt>
        <dd>
          {duration(s.uptimeSeconds)}（自 {formatDateTime(s.startedAt)}）
        </dd>
        <dt>健康检查</dt>
        <dd>{s.health.ok ? "正常" : `异常：${s.health.problem}`}</dd>
        <dt>数据库大小</dt>
        <dd>
          {bytes(s.database.bytes)}（WAL {bytes(s.database.walBytes)}）
        </dd>
        <dt>最近备份</dt>
        <dd data-testid="last-backup">
          {s.lastBackup
            ? `${s.lastBackup.name}，${bytes(s.lastBackup.bytes)}，${formatDateTime(s.lastBackup.at)}（共 ${s.backupCount} 份）`
            : "还没有备份"}
        </dd>
      </dl>

      <h2>后台任务</h2>
      {s.jobsHere ? null : (
        <p className="muted">本进程没有运行后台任务（JOBS=0），下表是其他进程的记录。</p>
      )}
      <div className="table-wrap">
        <table className="stack-table" data-testid="jobs-table">
          <thead>
            <tr>
              <th>任务</th>
              <th>计划</th>
              <th>上次运行</th>
              <th>结果</th>
              <th>下次运行</th>
            </tr>
          </thead>
          <tbody>
            {s.jobs.map((j) => (
              <tr key={j.name}>
                <td data-label="任务">
                  <code>{j.name}</code>
                  <br />
                  {j.description}
                </td>
                <td data-label="计划">
                  <code>{j.schedule}</code>
                </td>
                <td data-label="上次运行">
                  {j.lastStartedAt ? formatDateTime(j.lastStartedAt) : "未运行"}
                </td>
                <td data-label="结果">
                  {j.lastStatus ? STATUS[j.lastStatus] : "—"}
                  {j.lastDurationMs != null ? `，${j.lastDurationMs} 毫秒` : ""}
                  {j.lastError ? `：${j.lastError}` : ""}
                </td>
                <td data-label="下次运行">{j.nextRunAt ? formatDateTime(j.nextRunAt) : "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <h2>最近的错误</h2>
      {s.errors.length === 0 ? (
        <p className="muted">本进程启动以来没有记录到错误。</p>
      ) : (
        <div className="table-wrap">
          <table className="stack-table" data-testid="errors-table">
            <thead>
              <tr>
                <th>错误编号</th>
                <th>时间</th>
                <th>页面</th>
                <th>内容</th>
              </tr>
            </thead>
            <tbody>
              {s.errors.map((e) => (
                <tr key={e.errorId}>
                  <td data-label="错误编号">
                    <code>{e.errorId}</code>
                  </td>
                  <td data-label="时间">{formatDateTime(e.at)}</td>
                  <td data-label="页面">
                    <code>{e.route ?? "—"}</code>
                  </td>
                  <td data-label="内容">{e.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h2>检查错误记录</h2>
      <p>点下面的按钮会故意产生一个错误：页面应显示错误编号，运行日志和上表里应有同一个编号。</p>
      <Form method="post" reloadDocument>
        <input type="hidden" name="intent" value="test-error" />
        <button type="submit" className="secondary">
          记录一条测试错误
        </button>
      </Form>
    </>
  );
}
