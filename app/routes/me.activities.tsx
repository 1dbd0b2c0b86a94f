import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { getDb } from "@db/client";
import { ActivityCard } from "~/components/activities";
import { requireActor } from "~/modules/auth/request.server";
import { myActivities } from "~/modules/community/activities-read.server";

export const meta: MetaFunction = () => [{ title: "我报名的活动 · 厦门社区书院" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = requireActor(request);
  return myActivities(getDb(), actor);
}

function Who({ who, checkedIn }: { who: { status: string; name: string }[]; checkedIn: boolean }) {
  return (
    <p className="muted small-text">
      {who.map((w) => `${w.name}${w.status === "confirmed" ? "已报名" : "候补中"}`).join("、")}
      {checkedIn ? `${who.length ? "；" : ""}本人已到场签到` : ""}
    </p>
  );
}

export default function MyActivities() {
  const { upcoming, past } = useLoaderData<typeof loader>();
  return (
    <div className="container">
      <p className="breadcrumb">
        <Link to="/me">我的</Link>
      </p>
      <h1>我报名的活动</h1>
      <p className="lead">
        您和家人报名的社区活动。想参加更多？去<Link to="/activities">社区活动</Link>看看。
      </p>
      <h2>即将参加</h2>
      {upcoming.length === 0 ? <p className="muted">还没有报名即将举办的活动。</p> : null}
      <ul className="card-grid" data-testid="my-upcoming-activities">
        {upcoming.map((r) => (
          <ActivityCard key={r.id} row={r}>
            <Who who={r.who} checkedIn={r.checkedIn} />
          </ActivityCard>
        ))}
      </ul>
      <h2>参加过的</h2>
      {past.length === 0 ? <p className="muted">还没有参加过活动。</p> : null}
      <ul className="card-grid" data-testid="my-past-activities">
        {past.map((r) => (
          <ActivityCard key={r.id} row={r}>
            <Who who={r.who} checkedIn={r.checkedIn} />
          </ActivityCard>
        ))}
      </ul>
    </div>
  );
}
