import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { getDb } from "@db/client";
import { AttendanceGrid } from "~/components/learning";
import { requireActor } from "~/modules/auth/request.server";
import { runAttendance } from "~/modules/learning/attendance.server";
import { maskPhone } from "~/modules/learning/staff.server";
import { requireManagedAcademy } from "~/modules/scheduling/access.server";
import { parseIdParam } from "~/utils/http";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `花名册与出勤 · ${data?.run.title ?? ""}` },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = requireActor(request);
  const db = getDb();
  const academy = requireManagedAcademy(db, actor, params.academy ?? "");
  const id = parseIdParam(params.id, "没有找到这个班。");
  const data = runAttendance(db, actor, id, Date.now(), academy.id);
  // The grid shows no phone, but the page's data travels in its HTML: masked (the roster page opens
  // full numbers, audited; issue 14).
  const mask = <T extends { phone: string | null }>(l: T) => ({ ...l, phone: maskPhone(l.phone) });
  return {
    ...data,
    confirmed: data.confirmed.map(mask),
    waitlisted: data.waitlisted.map(mask),
    pending: data.pending.map(mask),
    ended: data.ended.map(mask),
    slug: academy.slug,
  };
}

export default function ManageRunAttendance() {
  const data = useLoaderData<typeof loader>();
  const base = `/manage/${data.slug}`;
  const id = data.run.runId;
  return (
    <AttendanceGrid
      data={data}
      sessionHref={(sid, kind) => `${base}/sessions/${sid}/${kind}`}
      exportHref={(fmt) => `${base}/runs/${id}/attendance.${fmt}`}
      rosterHref={`${base}/runs/${id}/roster`}
    />
  );
}
