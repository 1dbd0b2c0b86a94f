import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useLocation } from "@remix-run/react";
import { getDb } from "@db/client";
import { Pager } from "~/components/layout";
import { NearbySessions } from "~/components/learning";
import { requireActor } from "~/modules/auth/request.server";
import { academyAttendanceOverview, nearbySessions } from "~/modules/learning/attendance.server";
import { learningPolicy } from "~/utils/config.server";
import { requireManagedAcademy } from "~/modules/scheduling/access.server";
import { formatDate } from "~/utils/dates";
import { z } from "~/utils/zod";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `出勤与签到 · ${data?.academy.name ?? ""}` },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = requireActor(request);
  const db = getDb();
  const academy = requireManagedAcademy(db, actor, params.academy ?? "");
  const page = z.coerce
    .number()
    .int()
    .min(1)
    .catch(1)
    .parse(new URL(request.url).searchParams.get("page") ?? 1);
  const now = Date.now();
  const policy = learningPolicy();
  return {
    academy: { slug: academy.slug, name: academy.name },
    now,
    nearby: nearbySessions(db, actor, { academyId: academy.id }, now),
    overview: academyAttendanceOverview(db, actor, academy, { page }, now),
    policy: {
      limit: policy.noShowLimit,
      windowDays: policy.noShowWindowDays,
      penaltyDays: policy.noShowPenaltyDays,
    },
  };
}

const pct = (r: number | null) => (r == null ? "—" : `${Math.round(r * 100)}%`);

export default function ManageAttendanceOverview() {
  const { academy, now, nearby, overview, policy } = useLoaderData<typeof loader>();
  const base = `/manage/${academy.slug}`;
  const location = useLocation();
  return (
    <>
      <h1>出勤与签到</h1>
      <NearbySessions
        list={nearby}
        now={now}
        href={(id, kind) => `${base}/sessions/${id}/${kind}`}
        runHref={(runId) => `${base}/runs/${runId}/attendance`}
      />
      <h2>各班出勤与缺课率</h2>
      <p className="hint">
        缺课 = 报名后既没到、没请假也没提前取消；请假不算缺课。只统计已点名的课次。
        {policy.limit > 0
          ? `${policy.windowDays} 天内缺课 ${policy.limit} 次的居民，${policy.penaltyDays} 天内报名只能候补。`
          : "缺课限制已关闭。"}
      </p>
      {overview.rows.length === 0 ? <p>还没有上过课的班。</p> : null}
      {overview.rows.length ? (
        <div className="table-wrap">
          <table className="stack-table" data-testid="noshow-table">
            <thead>
              <tr>
                <th scope="col">班级</th>
                <th scope="col">最近上课</th>
                <th scope="col">已报名</th>
                <th scope="col">已上 / 已点名</th>
                <th scope="col">出勤率</th>
                <th scope="col">请假</th>
                <th scope="col">缺课率</th>
              </tr>
            </thead>
            <tbody>
              {overview.rows.map((r) => (
                <tr key={r.runId}>
                  <td data-label="班级">
                    <Link to={`${base}/runs/${r.runId}/attendance`}>{r.title}</Link>
                  </td>
                  <td data-label="最近上课">{r.lastHeld ? formatDate(r.lastHeld) : "—"}</td>
                  <td data-label="已报名">{r.confirmed} 人</td>
                  <td data-label="已上 / 已点名">
                    {r.held} / {r.recorded} 次
                  </td>
                  <td data-label="出勤率">{pct(r.attendanceRate)}</td>
                  <td data-label="请假">{r.excused} 人次</td>
                  <td data-label="缺课率">
                    {pct(r.noShowRate)}
                    {r.noShows ? `（${r.noShows} 人次）` : ""}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <Pager page={overview.page} pages={overview.pages} search={location.search} />
    </>
  );
}
