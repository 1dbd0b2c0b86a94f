import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { getDb } from "@db/client";
import { FormErrors } from "~/components/forms";
import { LooseField, OutsideHoursField, RecurrenceFields, RunSettingsFields, type FieldsOf } from "~/components/run-form";
import { FieldError, RunStatusBadge } from "~/components/schedule";
import { requireActor } from "~/modules/auth/request.server";
import { listRooms } from "~/modules/org/rooms.server";
import { requireManagedAcademy } from "~/modules/scheduling/access.server";
import { moveRunsToCurrentVersion, versionMoveOffer } from "~/modules/scheduling/version-updates.server";
import {
  addSessionSchema,
  addSessionsSchema,
  cancelSessionSchema,
  formatResources,
  moveSessionSchema,
  moveVersionSchema,
  statusSchema,
  updateRunSchema,
} from "~/modules/scheduling/runs";
import {
  addRecurrence,
  addSession,
  cancelSession,
  getRunForEditor,
  moveSession,
  setRunStatus,
  updateRun,
} from "~/modules/scheduling/runs.server";
import { RUN_STATUS_LABELS, RUN_TRANSITIONS } from "~/modules/scheduling/states";
import { formatMoment, formatSessionRange, localParts, toLocalInput } from "~/utils/time";
import { readForm } from "~/utils/csrf.server";
import { replyInvalid, replyWithUserError } from "~/utils/forms.server";
import { clientIp, notFound, parseIdParam, queryCount } from "~/utils/http";
import { z } from "~/utils/zod";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.version.title} · 开课管理` : "开课管理" }];

const schema = z.discriminatedUnion("intent", [updateRunSchema, addSessionsSchema, addSessionSchema, moveSessionSchema, cancelSessionSchema, statusSchema, moveVersionSchema]);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = requireActor(request);
  const db = getDb();
  const academy = requireManagedAcademy(db, actor, params.academy ?? "");
  const data = getRunForEditor(db, actor, parseIdParam(params.id, "没有找到这个班。"));
  if (data.run.academyId !== academy.id) notFound("这个班不属于这所书院。");
  const now = Date.now();
  return {
    slug: academy.slug,
    openingHours: academy.openingHours,
    run: data.run,
    version: { title: data.version.title, code: data.version.code, versionNo: data.version.versionNo, currentVersionId: data.version.currentVersionId, versionId: data.version.versionId, sessions: data.version.sessions },
    versionMove: versionMoveOffer(db, academy.id, data.run.courseId, data.run.courseVersionId, now),
    teachers: data.teachers,
    teacherChoices: data.teacherChoices,
    poolAllowed: !!data.order || data.version.sourceLevel === "community",
    order: data.order ? { id: data.order.id, term: data.order.term } : null,
    rooms: listRooms(db, academy.id),
    sessions: data.sessions.map((s) => ({
      id: s.id,
      label: formatSessionRange(s.startsAt, s.endsAt),
      date: localParts(s.startsAt).date,
      startTime: localParts(s.startsAt).time,
      endTime: localParts(s.endsAt).time,
      roomId: s.roomId,
      roomName: s.roomName,
      status: s.status,
      cancelReason: s.cancelReason,
      note: s.note,
      movedFrom: s.movedFrom ? formatMoment(s.movedFrom) : null,
      past: s.startsAt <= now,
    })),
    defaults: {
      roomId: data.run.roomId,
      capacity: data.run.capacity,
      overflowConfirmed: data.run.overflowConfirmed,
      teacherIds: data.teachers.map((t) => t.id),
      guestTeacher: data.run.guestTeacher,
      minAge: data.run.minAge,
      maxAge: data.run.maxAge,
      residentsFirst: data.run.residentsFirst,
      enrolOpensAt: toLocalInput(data.run.enrolOpensAt),
      enrolClosesAt: toLocalInput(data.run.enrolClosesAt),
      cancelDeadlineAt: toLocalInput(data.run.cancelDeadlineAt),
      enrolMode: data.run.enrolMode,
      localNotes: data.run.localNotes,
      localResources: formatResources(data.run.localResources),
    },
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const actor = requireActor(request);
  const db = getDb();
  const academy = requireManagedAcademy(db, actor, params.academy ?? "");
  const runId = parseIdParam(params.id, "没有找到这个班。");
  const submission = parseWithZod(await readForm(request), { schema });
  if (submission.status !== "success") return replyInvalid(submission);
  const v = submission.value;
  const ip = clientIp(request);
  const back = (done: string) => redirect(`/manage/${academy.slug}/runs/${runId}?done=${done}`);
  try {
    switch (v.intent) {
      case "update": {
        const { intent: _i, ...settings } = v;
        updateRun(db, actor, runId, settings, ip);
        return back("updated");
      }
      case "add-sessions": {
        const { intent: _i, ...r } = v;
        const res = addRecurrence(db, actor, runId, r, ip);
        return back(`added-${res.added}`);
      }
      case "add-session":
        addSession(db, actor, runId, v, ip);
        return back("added-1");
      case "move-session":
        moveSession(db, actor, v.sessionId, v, ip);
        return back("moved");
      case "cancel-session":
        cancelSession(db, actor, v.sessionId, v, ip);
        return back("session-cancelled");
      case "status":
        setRunStatus(db, actor, runId, v, ip);
        return back(`status-${v.to}`);
      case "move-version": {
        const r = moveRunsToCurrentVersion(db, actor, runId, ip);
        return redirect(`/manage/${academy.slug}/runs/${runId}?done=version-${r.moved}-${r.versionNo}`);
      }
    }
  } catch (e) {
    return replyWithUserError(submission, e);
  }
}

function resultFor(lastResult: SubmissionResult<string[]> | undefined, intent: string, sessionId?: number) {
  const iv = lastResult?.initialValue as Record<string, unknown> | null | undefined;
  if (!iv || iv.intent !== intent) return undefined;
  if (sessionId != null && String(iv.sessionId) !== String(sessionId)) return undefined;
  return lastResult;
}

function doneText(done: string | null, params: URLSearchParams) {
  if (!done) return null;
  if (done === "created") {
    const skipped = queryCount(params, "skipped") ?? 0;
    return `已开班，排了 ${queryCount(params, "sessions") ?? 0} 次课${skipped ? `（跳过节假日和闭馆日 ${skipped} 天）` : ""}。`;
  }
  if (done.startsWith("added-")) return `已加 ${done.slice(6)} 次课。`;
  const moved = /^version-(\d+)-(\d+)$/.exec(done);
  if (moved) return `已把 ${moved[1]} 个未结课的班改用第 ${moved[2]} 版，已记入审计日志。`;
  if (done.startsWith("status-")) return `班级状态已改为「${RUN_STATUS_LABELS[done.slice(7) as keyof typeof RUN_STATUS_LABELS]}」。`;
  return { updated: "设置已保存。", moved: "已调课，已报名的居民会在消息里收到通知。", "session-cancelled": "这次课已停课，已报名的居民会在消息里收到通知。" }[done] ?? null;
}

export default function RunEditor() {
  const { slug, openingHours, run, version, versionMove, teachers, teacherChoices, poolAllowed, order, rooms, sessions, defaults } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>() as SubmissionResult<string[]> | undefined;
  const [params] = useSearchParams();
  const [settingsForm, settingsFields] = useForm({ id: "settings", lastResult: resultFor(lastResult, "update") });
  const [recForm, recFields] = useForm({ id: "recurrence", lastResult: resultFor(lastResult, "add-sessions") });
  const [oneForm, oneFields] = useForm({ id: "one-session", lastResult: resultFor(lastResult, "add-session") });
  const [statusForm, statusFields] = useForm({ id: "status", lastResult: resultFor(lastResult, "status") });
  const editable = run.status !== "cancelled" && run.status !== "finished";
  const done = doneText(params.get("done"), params);
  const next = RUN_TRANSITIONS[run.status].filter((s) => s !== "cancelled");
  const upcoming = sessions.filter((s) => !s.past && s.status === "scheduled").length;
  return (
    <>
      <p>
        <Link to={`/manage/${slug}/runs`}>← 全部开课</Link>
      </p>
      <div className="page-header">
        <h1>
          {version.title} <RunStatusBadge status={run.status} />
        </h1>
        <p className="lead">
          {version.code} 第 {version.versionNo} 版（开课时锁定）
          {version.currentVersionId && version.currentVersionId !== version.versionId ? "，课程库已有新版本，本班不受影响" : ""}
          {order ? ` · 点单 #${order.id}（${order.term}）` : ""}
          <br />
          教师：{[...teachers.map((t) => t.displayName), run.guestTeacher].filter(Boolean).join("、") || "未定"} · 名额 {run.capacity} · 未上课次 {upcoming}
        </p>
        <p className="actions">
          <Link className="button secondary" to={`/classes/${run.id}`}>
            查看居民看到的页面
          </Link>
          <Link className="button secondary" to={`/manage/${slug}/runs/${run.id}/roster`}>
            报名名单
          </Link>
        </p>
      </div>
      {done ? <p className="notice">{done}</p> : null}
      {versionMove ? (
        <section className="notice" aria-labelledby="version-h">
          <h2 id="version-h">课程库已发布第 {versionMove.versionNo} 版</h2>
          <p>
            本班使用第 {version.versionNo} 版（<Link to={`/courses/${version.code}/versions/${version.versionNo}`}>查看本班版本</Link>、
            <Link to={`/courses/${version.code}`}>查看新版</Link>）。本书院这门课有 {versionMove.runs} 个未结课的班仍用旧版本。
          </p>
          <Form method="post">
            <input type="hidden" name="intent" value="move-version" />
            <button type="submit" className="secondary">
              改用新版本（{versionMove.runs} 个班）
            </button>
          </Form>
        </section>
      ) : null}
      {run.status === "cancelled" ? <p className="form-error">本班已取消：{run.cancelReason}</p> : null}

      {editable ? (
        <section aria-labelledby="status-h">
          <h2 id="status-h">班级状态</h2>
          <div className="actions">
            {next.map((to) => (
              <Form method="post" key={to}>
                <input type="hidden" name="intent" value="status" />
                <input type="hidden" name="to" value={to} />
                <button type="submit" className={to === "open" ? "" : "secondary"}>
                  {to === "open" ? (run.status === "draft" ? "开放报名" : "重新开放报名") : to === "full" ? "标记满员" : to === "closed" ? "停止报名" : "结课"}
                </button>
              </Form>
            ))}
          </div>
          <details className="danger-zone" open={!!resultFor(lastResult, "status")}>
            <summary>取消开课</summary>
            <Form method="post" {...getFormProps(statusForm)} className="form">
              <FormErrors errors={statusForm.errors} id={statusForm.errorId} />
              <input type="hidden" name="intent" value="status" />
              <input type="hidden" name="to" value="cancelled" />
              <LooseField meta={statusFields.reason as FieldsOf[string]} label="取消原因（会通知已报名的居民）" />
              <button type="submit" className="danger">
                确认取消开课
              </button>
            </Form>
          </details>
        </section>
      ) : null}

      <section aria-labelledby="sessions-h">
        <h2 id="sessions-h">课次（{sessions.length}）</h2>
        <ol className="session-list" data-testid="session-list">
          {sessions.map((s) => (
            <SessionItem key={s.id} s={s} rooms={rooms} openingHours={openingHours} editable={editable} lastResult={resultFor(lastResult, "move-session", s.id) ?? resultFor(lastResult, "cancel-session", s.id)} />
          ))}
        </ol>
      </section>

      {editable ? (
        <>
          <details className="panel" open={!!resultFor(lastResult, "add-sessions")}>
            <summary>按周加课</summary>
            <Form method="post" {...getFormProps(recForm)} className="form" noValidate>
              <FormErrors errors={recForm.errors} id={recForm.errorId} />
              <input type="hidden" name="intent" value="add-sessions" />
              <RecurrenceFields fields={recFields as unknown as FieldsOf} idPrefix="rec" openingHours={openingHours} />
              <button type="submit">加课</button>
            </Form>
          </details>
          <details className="panel" open={!!resultFor(lastResult, "add-session")}>
            <summary>加一次课</summary>
            <Form method="post" {...getFormProps(oneForm)} className="form" noValidate>
              <FormErrors errors={oneForm.errors} id={oneForm.errorId} />
              <input type="hidden" name="intent" value="add-session" />
              <SlotFields fields={oneFields as unknown as FieldsOf} rooms={rooms} idPrefix="one" openingHours={openingHours} />
              <button type="submit">加课</button>
            </Form>
          </details>
          <section aria-labelledby="settings-h">
            <h2 id="settings-h">班级设置</h2>
            <Form method="post" {...getFormProps(settingsForm)} className="form" noValidate>
              <FormErrors errors={settingsForm.errors} id={settingsForm.errorId} />
              <input type="hidden" name="intent" value="update" />
              <RunSettingsFields fields={settingsFields as unknown as FieldsOf} rooms={rooms} teacherChoices={teacherChoices} poolAllowed={poolAllowed} defaults={defaults} />
              <p className="hint">换教室会把以后的课次一起换过去（先检查时间冲突）。课程内容版本不会改变。</p>
              <button type="submit">保存设置</button>
            </Form>
          </section>
        </>
      ) : null}
    </>
  );
}

type SessionView = ReturnType<typeof useLoaderData<typeof loader>>["sessions"][number];
type RoomView = { id: number; name: string; capacity: number };

function SlotFields({ fields, rooms, idPrefix, defaults, openingHours }: { fields: FieldsOf; rooms: RoomView[]; idPrefix: string; defaults?: { date: string; startTime: string; endTime: string; roomId: number }; openingHours?: string }) {
  const f = fields;
  return (
    <>
      <LooseField meta={f.date!} label="日期" type="date" fallback={defaults?.date ?? ""} />
      <div className="two-cols">
        <LooseField meta={f.startTime!} label="开始" type="time" fallback={defaults?.startTime ?? ""} />
        <LooseField meta={f.endTime!} label="结束" type="time" fallback={defaults?.endTime ?? ""} />
      </div>
      <div className="field">
        <label htmlFor={`${idPrefix}-room`}>教室</label>
        <select id={`${idPrefix}-room`} name="roomId" defaultValue={String(f.roomId?.initialValue ?? defaults?.roomId ?? "")}>
          <option value="">本班教室</option>
          {rooms.map((r) => (
            <option key={r.id} value={r.id}>
              {r.name}（{r.capacity} 人）
            </option>
          ))}
        </select>
        <FieldError meta={f.roomId} />
      </div>
      <OutsideHoursField meta={f.outsideHours} openingHours={openingHours} />
    </>
  );
}

function SessionItem({ s, rooms, openingHours, editable, lastResult }: { s: SessionView; rooms: RoomView[]; openingHours: string; editable: boolean; lastResult: SubmissionResult<string[]> | undefined }) {
  const moveResult = (lastResult?.initialValue as Record<string, unknown> | undefined)?.intent === "move-session" ? lastResult : undefined;
  const cancelResult = (lastResult?.initialValue as Record<string, unknown> | undefined)?.intent === "cancel-session" ? lastResult : undefined;
  const [moveForm, moveFields] = useForm({ id: `move-${s.id}`, lastResult: moveResult });
  const [cancelForm, cancelFields] = useForm({ id: `cancel-${s.id}`, lastResult: cancelResult });
  return (
    <li className={`session-item${s.status === "cancelled" ? " cancelled" : ""}${s.past ? " past" : ""}`} data-testid="session-item">
      <p>
        <strong>{s.label}</strong> · {s.roomName}{" "}
        {s.status === "cancelled" ? <span className="badge danger">停课：{s.cancelReason}</span> : null}
        {s.movedFrom && s.status !== "cancelled" ? <span className="badge warn">由 {s.movedFrom} 调来</span> : null}
        {s.past && s.status === "scheduled" ? <span className="badge">已上</span> : null}
      </p>
      {editable && !s.past && s.status === "scheduled" ? (
        <div className="session-actions">
          <details open={!!moveResult}>
            <summary className="button secondary small">调课</summary>
            <Form method="post" {...getFormProps(moveForm)} className="form" noValidate>
              <FormErrors errors={moveForm.errors} id={moveForm.errorId} />
              <input type="hidden" name="intent" value="move-session" />
              <input type="hidden" name="sessionId" value={s.id} />
              <SlotFields fields={moveFields as unknown as FieldsOf} rooms={rooms} idPrefix={`move-${s.id}`} openingHours={openingHours} defaults={{ date: s.date, startTime: s.startTime, endTime: s.endTime, roomId: s.roomId }} />
              <LooseField meta={(moveFields as unknown as FieldsOf).note!} label="说明（会发给学员）" />
              <button type="submit">确认调课</button>
            </Form>
          </details>
          <details open={!!cancelResult}>
            <summary className="button secondary small">停课</summary>
            <Form method="post" {...getFormProps(cancelForm)} className="form" noValidate>
              <FormErrors errors={cancelForm.errors} id={cancelForm.errorId} />
              <input type="hidden" name="intent" value="cancel-session" />
              <input type="hidden" name="sessionId" value={s.id} />
              <LooseField meta={(cancelFields as unknown as FieldsOf).reason!} label="停课原因（会发给学员）" />
              <button type="submit" className="danger">
                确认停课
              </button>
            </Form>
          </details>
        </div>
      ) : null}
    </li>
  );
}
