import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { getDb } from "@db/client";
import { AttendanceGrid } from "~/components/learning";
import { requireActor } from "~/modules/auth/request.server";
import { runAttendance } from "~/modules/learning/attendance.server";
import { maskPhone } from "~/modules/learning/staff.server";
import { parseIdParam } from "~/utils/http";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `花名册与出勤 · ${data?.run.title ?? ""}` },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = requireActor(request);
  const id = parseIdParam(params.id, "没有找到这个班。");
  const data = runAttendance(getDb(), actor, id);
  // The grid shows no phone, but the page's data travels in its HTML: masked for everyone (a
  // manager opens full numbers on the roster page, audited; issue 14).
  const mask = <T extends { phone: string | null }>(l: T) => ({ ...l, phone: maskPhone(l.phone) });
  return {
    ...data,
    confirmed: data.confirmed.map(mask),
    waitlisted: data.waitlisted.map(mask),
    pending: data.pending.map(mask),
    ended: data.ended.map(mask),
  };
}

export default function TeachRun() {
  const data = useLoaderData<typeof loader>();
  const id = data.run.runId;
  return (
    <div className="container">
      <p className="breadcrumb">
        <Link to="/teach/checkin">← 签到与点名</Link>
      </p>
      <AttendanceGrid
        data={data}
        sessionHref={(sid, kind) => `/teach/sessions/${sid}/${kind}`}
        exportHref={(fmt) => `/teach/runs/${id}/roster.${fmt}`}
      />
    </div>
  );
}
