import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { getDb } from "@db/client";
import { RunStatusBadge, WeekNav } from "~/components/schedule";
import { requireActor } from "~/modules/auth/request.server";
import { requireManagedAcademy } from "~/modules/scheduling/access.server";
import { academyWeek } from "~/modules/scheduling/finder.server";
import { weekActivities } from "~/modules/community/activities-read.server";
import { localParts, resolveWeek, shortDateLabel } from "~/utils/time";
import type { CacheHandle } from "~/utils/html-cache.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `周课表 · ${data.academy.name}` : "周课表" },
];

/** The viewer's own page is kept for them until any write (html-cache.server.ts). */
export const handle = { cacheSignedIn: true } satisfies CacheHandle;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = requireActor(request);
  const db = getDb();
  const academy = requireManagedAcademy(db, actor, params.academy ?? "");
  const week = resolveWeek(new URL(request.url).searchParams.get("week"));
  const view = academyWeek(db, actor, academy.id, week.monday);
  // Activities share the rooms: they sit in the same grid (outdoor ones in their own row).
  const acts = weekActivities(db, academy.id, week.monday).map((a) => ({
    id: a.id,
    roomId: a.roomId,
    localDate: a.localDate,
    title: a.title,
    place: a.roomName ?? a.place,
    cancelled: a.status === "cancelled",
    time: `${localParts(a.startsAt).time}–${localParts(a.endsAt).time}`,
  }));
  return {
    academy: { slug: academy.slug, name: academy.name },
    week,
    rooms: view.rooms,
    days: view.dates.map((date) => ({
      date,
      label: shortDateLabel(date),
      sessions: view.sessions
        .filter((s) => s.localDate === date)
        .map((s) => ({
          id: s.id,
          runId: s.runId,
          roomId: s.roomId,
          roomName: s.roomName,
          title: s.title,
          status: s.status,
          runStatus: s.runStatus,
          time: `${localParts(s.startsAt).time}–${localParts(s.endsAt).time}`,
          moved: s.movedFrom != null,
        })),
    })),
    total: view.sessions.filter((s) => s.status === "scheduled").length,
    activities: acts,
  };
}

type Day = ReturnType<typeof useLoaderData<typeof loader>>["days"][number];
type WeekActivityChip = ReturnType<typeof useLoaderData<typeof loader>>["activities"][number];

function ActivityChip({
  a,
  base,
  showPlace,
}: {
  a: WeekActivityChip;
  base: string;
  showPlace: boolean;
}) {
  return (
    <Link
      to={`${base}/activities/${a.id}`}
      className={`session-chip activity-chip${a.cancelled ? " cancelled" : ""}`}
      data-testid="week-activity"
    >
      <span className="session-time">{a.time}</span> <span className="badge">活动</span>{" "}
      <span className="session-title">{a.title}</span>
      {showPlace ? <span className="muted"> · {a.place}</span> : null}
      {a.cancelled ? <span className="badge danger"> 已取消</span> : null}
    </Link>
  );
}

function SessionChip({
  s,
  base,
  showRoom,
}: {
  s: Day["sessions"][number];
  base: string;
  showRoom: boolean;
}) {
  return (
    <Link
      to={`${base}/runs/${s.runId}`}
      className={`session-chip${s.status === "cancelled" ? " cancelled" : ""}`}
      data-testid="week-session"
    >
      <span className="session-time">{s.time}</span>{" "}
      <span className="session-title">{s.title}</span>
      {showRoom ? <span className="muted"> · {s.roomName}</span> : null}{" "}
      {s.status === "cancelled" ? (
        <span className="badge danger">停课</span>
      ) : s.runStatus !== "open" ? (
        <RunStatusBadge status={s.runStatus} />
      ) : null}
      {s.moved && s.status !== "cancelled" ? <span className="badge warn">已调课</span> : null}
    </Link>
  );
}

export default function ManageWeek() {
  const { academy, week, rooms, days, total, activities } = useLoaderData<typeof loader>();
  const outdoor = activities.filter((a) => a.roomId == null);
  const base = `/manage/${academy.slug}`;
  return (
    <>
      <div className="page-header">
        <h1>周课表</h1>
        <p className="lead">
          {week.week}（{week.label}）：{rooms.length} 间教室，{total} 次课。
        </p>
        <p className="actions">
          <Link className="button" to={`${base}/runs/new`}>
            开新班
          </Link>
          <Link className="button secondary" to={`${base}/activities/new`}>
            新建活动
          </Link>
          <Link
            className="button secondary"
            to={`/academies/${academy.slug}/menu?week=${week.week}`}
          >
            本周课程菜单（可打印）
          </Link>
        </p>
      </div>
      <WeekNav
        base={base}
        week={week.week}
        prev={week.prev}
        next={week.next}
        current={week.current}
      />
      {rooms.length === 0 ? (
        <p className="notice warn">
          还没有教室。请先到<Link to={`${base}/rooms`}>教室</Link>页添加教室，才能排课。
        </p>
      ) : null}
      <div className="table-wrap week-grid" role="region" aria-label="按教室的周课表" tabIndex={0}>
        <table>
          <thead>
            <tr>
              <th scope="col">教室</th>
              {days.map((d) => (
                <th key={d.date} scope="col">
                  {d.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rooms.map((r) => (
              <tr key={r.id}>
                <th scope="row">
                  {r.name}
                  <br />
                  <span className="muted small-text">
                    {r.capacity} 人{r.stepFree ? " · 无障碍" : ""}
                  </span>
                </th>
                {days.map((d) => (
                  <td key={d.date}>
                    {d.sessions
                      .filter((s) => s.roomId === r.id)
                      .map((s) => (
                        <SessionChip key={s.id} s={s} base={base} showRoom={false} />
                      ))}
                    {activities
                      .filter((a) => a.roomId === r.id && a.localDate === d.date)
                      .map((a) => (
                        <ActivityChip key={`a${a.id}`} a={a} base={base} showPlace={false} />
                      ))}
                  </td>
                ))}
              </tr>
            ))}
            {outdoor.length ? (
              <tr>
                <th scope="row">室外及其他地点</th>
                {days.map((d) => (
                  <td key={d.date}>
                    {outdoor
                      .filter((a) => a.localDate === d.date)
                      .map((a) => (
                        <ActivityChip key={`a${a.id}`} a={a} base={base} showPlace />
                      ))}
                  </td>
                ))}
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
      <div className="week-list">
        {days.map((d) => (
          <section key={d.date} aria-labelledby={`day-${d.date}`}>
            <h2 id={`day-${d.date}`} className="day-heading">
              {d.label}
            </h2>
            {d.sessions.length === 0 && !activities.some((a) => a.localDate === d.date) ? (
              <p className="muted">没有课，也没有活动。</p>
            ) : null}
            <ul className="plain-list">
              {d.sessions.map((s) => (
                <li key={s.id}>
                  <SessionChip s={s} base={base} showRoom />
                </li>
              ))}
              {activities
                .filter((a) => a.localDate === d.date)
                .map((a) => (
                  <li key={`a${a.id}`}>
                    <ActivityChip a={a} base={base} showPlace />
                  </li>
                ))}
            </ul>
          </section>
        ))}
      </div>
    </>
  );
}
