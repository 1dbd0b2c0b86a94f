import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { getDb } from "@db/client";
import { noteSameRead } from "@db/read-checks";
import { EnrollPanel } from "~/components/enrol-panel";
import { CourseReviews } from "~/components/evaluations";
import { courseReviews } from "~/modules/learning/evaluation.server";
import { ageLabel, RunStatusBadge } from "~/components/schedule";
import { getActor, requireActor } from "~/modules/auth/request.server";
import { enrollPostTarget, isEnrollIntent } from "~/modules/enrollment/class-action.server";
import { getEnrollPanel } from "~/modules/enrollment/views.server";
import { getClassDetail } from "~/modules/scheduling/finder.server";
import { formatMoment, formatSessionRange } from "~/utils/time";
import { readForm } from "~/utils/csrf.server";
import { badRequest, parseIdParam } from "~/utils/http";
import type { CacheHandle } from "~/utils/html-cache.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  {
    title: data
      ? `${data.version.title} · ${data.academy.name} · 厦门社区书院`
      : "课程班 · 厦门社区书院",
  },
  { name: "description", content: data?.version.summary ?? "" },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const runId = parseIdParam(params.id, "没有找到这个班。");
  const db = getDb();
  const actor = getActor(request);
  const now = Date.now();
  // A GET only reads: due lottery draws and freed seats are the job runner's (enrollment/jobs.server.ts).
  const enrollment = getEnrollPanel(db, actor, runId, now);
  const d = getClassDetail(db, actor, runId, now);
  const reviews = courseReviews(db, d.run.courseId);
  // What the enrolment tables decide on this page besides seats left (seatsTakenByRun notes its
  // own check), for the page cache (db/read-checks.ts): kept while these read the same again, so
  // a rush on another class leaves this one cached.
  noteSameRead([enrollment, reviews], () => [
    getEnrollPanel(getDb(), actor, runId, now),
    courseReviews(getDb(), d.run.courseId),
  ]);
  return {
    run: {
      id: d.run.id,
      status: d.run.status,
      cancelReason: d.run.cancelReason,
      capacity: d.run.capacity,
      minAge: d.run.minAge,
      maxAge: d.run.maxAge,
      residentsFirst: d.run.residentsFirst,
      enrollOpensAt: d.run.enrollOpensAt,
      enrollClosesAt: d.run.enrollClosesAt,
      cancelDeadlineAt: d.run.cancelDeadlineAt,
      enrollMode: d.run.enrollMode,
      guestTeacher: d.run.guestTeacher,
      localNotes: d.run.localNotes,
      localResources: d.run.localResources,
    },
    academy: d.academy,
    version: d.version,
    room: {
      name: d.room.name,
      floor: d.room.floor,
      stepFree: d.room.stepFree,
      equipment: d.room.equipment,
    },
    teachers: d.teachers,
    sessions: d.sessions.map((s) => ({
      id: s.id,
      label: formatSessionRange(s.startsAt, s.endsAt),
      roomName: s.roomName,
      status: s.status,
      cancelReason: s.cancelReason,
      movedFrom: s.movedFrom ? formatMoment(s.movedFrom) : null,
      note: s.note,
      past: s.past,
    })),
    seatsLeft: d.seatsLeft,
    canManage: d.canManage,
    // The enrolment slot (issue 6): the panel's data from the enrolment module.
    enrollment,
    // 往期学员评价 (issue 6): the course's average and latest visible comments.
    reviews,
  };
}

/** Posts to a class page are enrolment's: `intent=enroll|cancel` (see enrollment/class-action.server.ts). */
export async function action({ request, params }: ActionFunctionArgs) {
  const runId = parseIdParam(params.id, "没有找到这个班。");
  const form = await readForm(request);
  if (!isEnrollIntent(form)) badRequest();
  return redirect(await enrollPostTarget(getDb(), requireActor(request), runId, form));
}

export default function ClassPage() {
  const {
    run,
    academy,
    version,
    room,
    teachers,
    sessions,
    seatsLeft,
    canManage,
    enrollment,
    reviews,
  } = useLoaderData<typeof loader>();
  const age = ageLabel(run.minAge, run.maxAge);
  // The facts box tells the truth once the deadline (the run's own, else the first session) has passed.
  const deadline = enrollment?.cancelDeadline ?? null;
  const cancelFact =
    enrollment?.cancelClosed && deadline
      ? `已于 ${formatMoment(deadline)} 截止，现在报名后不能自己取消`
      : run.cancelDeadlineAt
        ? `${formatMoment(run.cancelDeadlineAt)} 前可取消`
        : deadline
          ? `第一次课开始前（${formatMoment(deadline)}）可取消`
          : "第一次课开始前可取消";
  const upcoming = sessions.filter((s) => !s.past && s.status === "scheduled");
  return (
    <div className="container">
      <p className="breadcrumb">
        <Link to="/classes">找课程班</Link> ›{" "}
        <Link to={`/academies/${academy.slug}`}>{academy.name}</Link>
      </p>
      <div className="page-header">
        <p className="class-card-meta">
          <span className="tag" style={{ borderLeft: `6px solid ${version.categoryColor}` }}>
            {version.categoryName}
          </span>
          <RunStatusBadge status={run.status} />
        </p>
        <h1>{version.title}</h1>
        <p className="lead">{version.summary}</p>
        {canManage ? (
          <p>
            <Link to={`/manage/${academy.slug}/runs/${run.id}`}>管理这个班 →</Link>
          </p>
        ) : null}
      </div>
      {run.status === "cancelled" ? (
        <p className="form-error" role="alert">
          这个班已取消：{run.cancelReason}
        </p>
      ) : null}
      <dl className="facts" data-testid="class-facts">
        <dt>书院</dt>
        <dd>
          <Link to={`/academies/${academy.slug}`}>{academy.name}</Link>（{academy.districtName}）
          <br />
          <span className="muted">{academy.address}</span>
        </dd>
        <dt>教室</dt>
        <dd>
          {room.name}
          {room.floor ? ` · ${room.floor}` : ""}
          {room.stepFree ? " · 无障碍" : ""}
        </dd>
        <dt>教师</dt>
        <dd>
          {teachers.map((t, i) => (
            <span key={t.id}>
              {i ? "、" : ""}
              <Link to={`/teachers/${t.id}`}>{t.displayName}</Link>
            </span>
          ))}
          {run.guestTeacher ? `${teachers.length ? "、" : ""}${run.guestTeacher}` : ""}
          {!teachers.length && !run.guestTeacher ? "待定" : ""}
        </dd>
        <dt>名额</dt>
        <dd data-testid="seats-left">
          {run.status === "full" || seatsLeft === 0
            ? `已满（共 ${run.capacity} 人）`
            : `剩余 ${seatsLeft} / ${run.capacity}`}
        </dd>
        <dt>报名方式</dt>
        <dd>{run.enrollMode === "lottery" ? "报名截止后抽签" : "先到先得"}</dd>
        {run.enrollOpensAt || run.enrollClosesAt ? (
          <>
            <dt>报名时间</dt>
            <dd>
              {run.enrollOpensAt ? `${formatMoment(run.enrollOpensAt)} 起` : "现在起"}
              {run.enrollClosesAt
                ? `，${formatMoment(run.enrollClosesAt)} 截止`
                : "，第一次课开始前截止"}
            </dd>
          </>
        ) : null}
        <dt>取消报名</dt>
        <dd data-testid="cancel-fact">{cancelFact}</dd>
        {age || run.residentsFirst ? (
          <>
            <dt>适合</dt>
            <dd>
              {age ?? ""}
              {age && run.residentsFirst ? "；" : ""}
              {run.residentsFirst ? `${academy.community}居民优先` : ""}
            </dd>
          </>
        ) : null}
      </dl>

      {/* Enrolment slot (issue 6): the enrol panel is the enrolment module's component. */}
      {enrollment ? <EnrollPanel panel={enrollment} /> : null}

      <section aria-labelledby="sessions-h">
        <h2 id="sessions-h">
          上课时间（共 {sessions.filter((s) => s.status === "scheduled").length} 次
          {upcoming.length ? `，还有 ${upcoming.length} 次` : ""}）
        </h2>
        <ol className="session-list" data-testid="class-sessions">
          {sessions.map((s) => (
            <li
              key={s.id}
              className={`session-item${s.status === "cancelled" ? " cancelled" : ""}${s.past ? " past" : ""}`}
            >
              <p>
                <strong>{s.label}</strong> · {s.roomName}{" "}
                {s.status === "cancelled" ? (
                  <span className="badge danger">停课：{s.cancelReason}</span>
                ) : null}
                {s.movedFrom && s.status !== "cancelled" ? (
                  <span className="badge warn">调课（原 {s.movedFrom}）</span>
                ) : null}
                {s.note && s.status !== "cancelled" ? (
                  <span className="muted"> {s.note}</span>
                ) : null}
              </p>
            </li>
          ))}
        </ol>
      </section>

      {run.localNotes || run.localResources.length ? (
        <section aria-labelledby="local-h">
          <h2 id="local-h">书院说明</h2>
          {run.localNotes ? <p className="pre-line">{run.localNotes}</p> : null}
          {run.localResources.length ? (
            <ul className="resource-list">
              {run.localResources.map((r) => (
                <li key={r.url}>
                  <a href={r.url} rel="noopener noreferrer nofollow" target="_blank">
                    {r.title}
                  </a>
                </li>
              ))}
            </ul>
          ) : null}
        </section>
      ) : null}

      <section aria-labelledby="content-h">
        <h2 id="content-h">课程内容</h2>
        <p className="muted">
          来自中央厨房课程库 <Link to={`/courses/${version.code}`}>{version.code}</Link> 第{" "}
          {version.versionNo} 版 · {version.sessions} 次课，每次 {version.minutesPerSession} 分钟
        </p>
        {version.objectives.length ? (
          <>
            <h3>学习目标</h3>
            <ul>
              {version.objectives.map((o) => (
                <li key={o}>{o}</li>
              ))}
            </ul>
          </>
        ) : null}
        <div className="prose" dangerouslySetInnerHTML={{ __html: version.bodyHtml }} />
      </section>
      <CourseReviews reviews={reviews} />
    </div>
  );
}

/**
 * What the loader reads, for the HTML cache of signed-out pages (db/change-topics.ts), seats only
 * where its check reads them again; a signed-in view is kept for its viewer until any write
 * (html-cache.server.ts).
 */
export const handle = {
  cacheTopics: ["attendance", "catalog", "network", "schedule", "seats"],
  cacheChecked: ["seats"],
  cacheSignedIn: true,
} satisfies CacheHandle;
