import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { getDb } from "@db/client";
import { getAcademyBySlug } from "~/modules/org/org.server";
import { getActor } from "~/modules/auth/request.server";
import { canManageAcademy } from "~/modules/auth/permissions";
import { ClassCard, toClassCard } from "~/components/schedule";
import { upcomingClassesForAcademy } from "~/modules/scheduling/finder.server";
import { resolveWeek } from "~/utils/time";
import { notFound } from "~/utils/http";
import { formatDate } from "~/utils/dates";
import { ActivityCard } from "~/components/activities";
import { academyActivities } from "~/modules/community/activities-read.server";
import { AcademyGroups } from "~/components/academy-groups";
import { academyGroupsSummary } from "~/modules/community/academy-groups.server";
import type { CacheHandle } from "~/utils/html-cache.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.academy.name} · 厦门社区书院` : "书院 · 厦门社区书院" },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const db = getDb();
  const academy = getAcademyBySlug(db, params.slug ?? "");
  if (!academy) notFound("没有找到这所书院。");
  const actor = getActor(request);
  return {
    academy,
    classes: upcomingClassesForAcademy(db, academy.id, 12).map(toClassCard),
    week: resolveWeek(null).week,
    activities: academyActivities(db, academy.id),
    canManage: !!actor && canManageAcademy(actor, academy.id),
    groups: academyGroupsSummary(db, academy.id),
  };
}

export default function AcademyPage() {
  const { academy, classes, week, canManage, activities, groups } = useLoaderData<typeof loader>();
  return (
    <div className="container">
      <p>
        <Link to={`/academies?district=${academy.districtCode}`}>
          ← {academy.districtName}的书院
        </Link>
      </p>
      <h1>
        {academy.name} {academy.closedAt ? <span className="badge danger">已关闭</span> : null}
      </h1>
      {academy.closedAt ? (
        <div className="closed-banner" role="note">
          <p>
            <strong>这所书院已于 {formatDate(academy.closedAt)} 关闭</strong>
            {academy.closedReason ? `：${academy.closedReason}` : "。"}
          </p>
          <p>
            不再开课或举办活动。可以{" "}
            <Link to={`/academies?district=${academy.districtCode}`}>
              找{academy.districtName}的其他书院
            </Link>
            。
          </p>
        </div>
      ) : null}
      {canManage ? (
        <p>
          <Link className="button secondary" to={`/manage/${academy.slug}`}>
            管理这所书院
          </Link>
        </p>
      ) : null}
      {academy.description ? <p className="lead">{academy.description}</p> : null}
      <dl className="facts">
        <dt>所在区</dt>
        <dd>{academy.districtName}</dd>
        <dt>街道</dt>
        <dd>{academy.subdistrictName}</dd>
        <dt>地址</dt>
        <dd>{academy.address}</dd>
        <dt>开放时间</dt>
        <dd>{academy.openingHours}</dd>
        <dt>联系电话</dt>
        <dd>{academy.phone ? <a href={`tel:${academy.phone}`}>{academy.phone}</a> : "—"}</dd>
        <dt>社区常住人口</dt>
        <dd>{academy.population.toLocaleString("zh-CN")} 人</dd>
        <dt>指导单位</dt>
        <dd>{academy.centreName}</dd>
      </dl>
      <section aria-labelledby="upcoming-h">
        <h2 id="upcoming-h">近期课程</h2>
        {classes.length === 0 ? <p className="muted">近期没有开放的课程班。</p> : null}
        <ul className="card-grid" data-testid="academy-classes">
          {classes.map((c) => (
            <ClassCard key={c.id} row={c} showAcademy={false} />
          ))}
        </ul>
        <p className="actions">
          <Link className="button secondary" to={`/classes?academy=${academy.id}`}>
            本书院全部课程班
          </Link>
          <Link className="button secondary" to={`/academies/${academy.slug}/menu?week=${week}`}>
            本周课程菜单（可打印）
          </Link>
        </p>
      </section>
      <section aria-labelledby="activities-h">
        <h2 id="activities-h">社区活动</h2>
        {activities.upcoming.length === 0 ? <p className="muted">近期没有安排活动。</p> : null}
        <ul className="card-grid" data-testid="academy-activities">
          {activities.upcoming.map((a) => (
            <ActivityCard key={a.id} row={a} showAcademy={false} />
          ))}
        </ul>
        {activities.past.length ? (
          <>
            <h3>最近举办</h3>
            <ul className="card-grid" data-testid="academy-past-activities">
              {activities.past.map((a) => (
                <ActivityCard key={a.id} row={a} showAcademy={false} />
              ))}
            </ul>
          </>
        ) : null}
        <p className="actions">
          <Link
            className="button secondary"
            to={`/activities?academy=${academy.id}&district=${academy.districtCode}`}
          >
            本书院全部活动
          </Link>
        </p>
      </section>
      <AcademyGroups slug={academy.slug} g={groups} />
      {academy.branches.length ? (
        <>
          <h2>分院</h2>
          <ul>
            {academy.branches.map((b) => (
              <li key={b.id}>
                {b.name}：{b.address}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </div>
  );
}

/** What the loader reads, for the HTML cache of signed-out pages (db/change-topics.ts); seats
 * only through reads that note a check (db/read-checks.ts). */
export const handle = {
  cacheTopics: ["attendance", "catalog", "community", "network", "schedule", "seats"],
  cacheChecked: ["seats"],
} satisfies CacheHandle;
