import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { getDb } from "@db/client";
import { getAcademyBySlug } from "~/modules/org/org.server";
import { weeklyMenu } from "~/modules/scheduling/finder.server";
import { publicOrigin, qrSvg } from "~/modules/scheduling/qr.server";
import { localParts, resolveWeek, shortDateLabel } from "~/utils/time";
import { notFound } from "~/utils/http";
import { ACTIVITY_TYPE_LABELS } from "~/modules/community/activities";
import { weekActivities } from "~/modules/community/activities-read.server";
import menuStyles from "~/styles/menu.css";
import type { CacheHandle } from "~/utils/html-cache.server";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: menuStyles }];

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.academy.name} 课程菜单 ${data.week.week}` : "课程菜单" },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const db = getDb();
  const academy = getAcademyBySlug(db, params.slug ?? "");
  if (!academy) notFound("没有找到这所书院。");
  const week = resolveWeek(new URL(request.url).searchParams.get("week"));
  const menu = weeklyMenu(db, academy.id, week.monday);
  const pageUrl = `${publicOrigin(request)}/academies/${academy.slug}`;
  const acts = weekActivities(db, academy.id, week.monday);
  return {
    academy: {
      name: academy.name,
      slug: academy.slug,
      address: academy.address,
      phone: academy.phone,
      openingHours: academy.openingHours,
      districtName: academy.districtName,
    },
    week,
    pageUrl,
    qr: await qrSvg(pageUrl),
    days: menu.days.map((d) => ({
      date: d.date,
      label: shortDateLabel(d.date),
      // Classes and activities (群众性活动) of the day, in time order.
      sessions: [
        ...d.sessions.map((s) => ({
          key: `s${s.id}`,
          href: `/classes/${s.runId}`,
          startsAt: s.startsAt,
          time: `${localParts(s.startsAt).time}–${localParts(s.endsAt).time}`,
          title: s.title,
          category: s.categoryName,
          room: s.roomName,
          teacher: menu.teachers[s.runId] ?? "",
          cancelled: s.status === "cancelled",
          full: s.runStatus === "full",
        })),
        ...acts
          .filter((a) => a.localDate === d.date)
          .map((a) => ({
            key: `a${a.id}`,
            href: `/activities/${a.id}`,
            startsAt: a.startsAt,
            time: `${localParts(a.startsAt).time}–${localParts(a.endsAt).time}`,
            title: a.title,
            category: `活动·${ACTIVITY_TYPE_LABELS[a.type as keyof typeof ACTIVITY_TYPE_LABELS]}`,
            room: a.roomName ?? a.place,
            teacher: "",
            cancelled: a.status === "cancelled",
            full: false,
          })),
      ].sort((x, y) => x.startsAt - y.startsAt),
    })),
    count: menu.days.reduce(
      (n, d) => n + d.sessions.filter((s) => s.status === "scheduled").length,
      0,
    ),
    activityCount: acts.filter((a) => a.status === "scheduled").length,
  };
}

export default function WeeklyMenu() {
  const { academy, week, pageUrl, qr, days, count, activityCount } = useLoaderData<typeof loader>();
  return (
    <article className="menu-sheet" data-testid="course-menu">
      <nav className="menu-tools filter-bar no-print" aria-label="切换周">
        <Link to={`/academies/${academy.slug}`}>← 书院主页</Link>
        <Link to={`?week=${week.prev}`}>上一周</Link>
        <Link to={`?week=${week.current}`}>本周</Link>
        <Link to={`?week=${week.next}`}>下一周</Link>
        <PrintButton />
      </nav>
      {week.invalid ? (
        <p className="notice warn no-print">周的格式应为 2026-W48，已显示本周。</p>
      ) : null}
      <header className="menu-head">
        <div>
          <p className="muted">厦门社区书院 · 课程菜单</p>
          <h1>{academy.name}</h1>
          <p className="menu-week">
            {week.label}（{week.week}）· 本周 {count} 次课
            {activityCount ? `、${activityCount} 场活动` : ""}
          </p>
        </div>
        <figure className="menu-qr">
          <span
            dangerouslySetInnerHTML={{ __html: qr }}
            role="img"
            aria-label={`二维码：${pageUrl}`}
          />
          <figcaption>扫码看课程、报名</figcaption>
        </figure>
      </header>
      {days.map((d) => (
        <section key={d.date} className="menu-day" aria-labelledby={`menu-${d.date}`}>
          <h2 id={`menu-${d.date}`}>{d.label}</h2>
          {d.sessions.length === 0 ? (
            <p className="menu-empty">没有课程和活动</p>
          ) : (
            <table>
              <tbody>
                {d.sessions.map((s) => (
                  <tr key={s.key} className={s.cancelled ? "menu-cancelled" : undefined}>
                    <td className="menu-time">{s.time}</td>
                    <td>
                      <Link to={s.href}>{s.title}</Link>
                      <span className="muted">
                        {" "}
                        · {s.category}
                        {s.teacher ? ` · ${s.teacher}` : ""}
                        {s.cancelled
                          ? s.key.startsWith("a")
                            ? " · 已取消"
                            : " · 停课"
                          : s.full
                            ? " · 已满员"
                            : ""}
                      </span>
                      <span className="menu-place-inline muted"> · {s.room}</span>
                    </td>
                    <td className="menu-place">{s.room}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      ))}
      <footer className="menu-foot">
        {academy.districtName} · {academy.address}
        {academy.phone ? ` · 电话 ${academy.phone}` : ""} · 开放时间 {academy.openingHours}
        <br />
        {/* The QR code is beside the title on paper and under it on a phone: 上方 is true on both. */}
        <span data-testid="menu-signup">
          报名：扫上方二维码，或打开 <a href={pageUrl}>{pageUrl}</a>
        </span>
      </footer>
    </article>
  );
}

function PrintButton() {
  return (
    <button type="button" className="secondary" onClick={() => window.print()}>
      打印
    </button>
  );
}

/** What the loader reads, for the HTML cache of signed-out pages (db/change-topics.ts). */
export const handle = {
  cacheTopics: ["catalog", "community", "network", "schedule"],
} satisfies CacheHandle;
