import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { getDb } from "@db/client";
import { NearbySessions } from "~/components/learning";
import { requireActor } from "~/modules/auth/request.server";
import { nearbySessions } from "~/modules/learning/attendance.server";

export const meta: MetaFunction = () => [{ title: "签到与点名 · 教师" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = requireActor(request);
  const now = Date.now();
  return { list: nearbySessions(getDb(), actor, { teacher: true }, now), now };
}

export default function TeachCheckinList() {
  const { list, now } = useLoaderData<typeof loader>();
  return (
    <div className="container">
      <h1>签到与点名</h1>
      <p className="lead">上课前 30 分钟起，打开签到二维码请学员扫码；也可以直接勾选名单点名。</p>
      {list.length === 0 ? <p>最近一周前后没有您授课的课次。</p> : null}
      <NearbySessions
        list={list}
        now={now}
        href={(id, kind) => `/teach/sessions/${id}/${kind}`}
        runHref={(runId) => `/teach/runs/${runId}`}
      />
    </div>
  );
}
