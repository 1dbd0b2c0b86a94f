import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { getDb } from "@db/client";
import { WeekNav } from "~/components/schedule";
import { requireActor } from "~/modules/auth/request.server";
import { teacherTimetable } from "~/modules/scheduling/finder.server";
import { addDays, localParts, resolveWeek, shortDateLabel } from "~/utils/time";

export const meta: MetaFunction = () => [{ title: "我的授课 · 厦门社区书院" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = requireActor(request);
  const db = getDb();
  const week = resolveWeek(new URL(request.url).searchParams.get("week"));
  const t = teacherTimetable(db, actor, week.monday, 1);
  if (!t) return { week, teacher: null, days: [], rosters: {}, total: 0 };
  const all = Array.from({ length: 7 }, (_, i) => addDays(week.monday, i));
  return {
    week,
    teacher: t.teacher,
    total: t.sessions.filter((s) => s.status === "scheduled").length,
    rosters: t.rosters,
    days: all.map((date) => ({
      date,
      label: shortDateLabel(date),
      sessions: t.sessions
        .filter((s) => s.localDate === date)
        .map((s) => ({
          id: s.id,
          runId: s.runId,
          time: `${localParts(s.startsAt).time}–${localParts(s.endsAt).time}`,
          title: s.title,
          academyName: s.academyName,
          academySlug: s.academySlug,
          roomName: s.roomName,
          cancelled: s.status === "cancelled",
          cancelReason: s.cancelReason,
        })),
    })),
  };
}

export default function TeachTimetable() {
  const { week, teacher, days, rosters, total } = useLoaderData<typeof loader>();
  if (!teacher) {
    return (
      <div className="container">
        <h1>我的授课</h1>
        <p>您还不在全市师资库里。如果您在书院授课，请联系书院或总部把您加入师资库。</p>
      </div>
    );
  }
  return (
    <div className="container">
      <div className="page-header">
        <h1>我的授课</h1>
        <p className="lead">
          {teacher.displayName}老师，{week.label}（{week.week}）共 {total}{" "}
          次课，全市各书院的课都在这里。
        </p>
      </div>
      <p className="actions">
        <Link className="button" to="/teach/checkin">
          签到与点名
        </Link>
        <Link className="button secondary" to="/resources?mine=1">
          我所教课程的教学资源
        </Link>
      </p>
      <WeekNav
        base="/teach"
        week={week.week}
        prev={week.prev}
        next={week.next}
        current={week.current}
      />
      {days.map((d) => (
        <section key={d.date} aria-labelledby={`t-${d.date}`}>
          <h2 id={`t-${d.date}`} className="day-heading">
            {d.label}
          </h2>
          {d.sessions.length === 0 ? <p className="muted">没有课。</p> : null}
          <ul className="plain-list stack" data-testid="teach-sessions">
            {d.sessions.map((s) => {
              const roster = rosters[s.runId] ?? [];
              return (
                <li key={s.id} className={`card${s.cancelled ? " muted-card" : ""}`}>
                  <p className="class-card-meta">
                    <span className="session-time">{s.time}</span>
                    {s.cancelled ? (
                      <span className="badge danger">停课：{s.cancelReason}</span>
                    ) : null}
                  </p>
                  <h3>
                    <Link to={`/classes/${s.runId}`}>{s.title}</Link>
                  </h3>
                  <p className="muted">
                    <Link to={`/academies/${s.academySlug}`}>{s.academyName}</Link> · {s.roomName}
                  </p>
                  {!s.cancelled ? (
                    <p className="actions">
                      <Link
                        className="button secondary small"
                        to={`/teach/sessions/${s.id}/checkin`}
                      >
                        签到二维码
                      </Link>
                      <Link
                        className="button secondary small"
                        to={`/teach/sessions/${s.id}/attendance`}
                      >
                        点名
                      </Link>
                    </p>
                  ) : null}
                  <details>
                    <summary>花名册（{roster.length} 人）</summary>
                    {roster.length === 0 ? <p className="muted">还没有人报名。</p> : null}
                    <ol>
                      {roster.map((r, i) => (
                        <li key={i}>
                          {r.name}{" "}
                          <span className="muted">
                            {r.status}
                            {r.note ? ` · ${r.note}` : ""}
                          </span>
                        </li>
                      ))}
                    </ol>
                    <p>
                      <Link to={`/teach/runs/${s.runId}`}>出勤与点名 →</Link>
                    </p>
                  </details>
                </li>
              );
            })}
          </ul>
        </section>
      ))}
    </div>
  );
}
