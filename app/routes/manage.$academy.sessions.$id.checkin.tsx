import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { getDb } from "@db/client";
import { CheckinScreen } from "~/components/learning";
import { requireActor } from "~/modules/auth/request.server";
import { checkinScreen } from "~/modules/learning/checkin.server";
import { publicOrigin } from "~/modules/learning/staff.server";
import { requireManagedAcademy } from "~/modules/scheduling/access.server";
import { parseIdParam } from "~/utils/http";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `扫码签到 · ${data?.session.title ?? ""}` },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = requireActor(request);
  const db = getDb();
  const academy = requireManagedAcademy(db, actor, params.academy ?? "");
  const id = parseIdParam(params.id, "没有找到这次课。");
  return {
    ...(await checkinScreen(db, actor, id, publicOrigin(request), Date.now(), academy.id)),
    slug: academy.slug,
  };
}

export default function ManageCheckin() {
  const data = useLoaderData<typeof loader>();
  const base = `/manage/${data.slug}`;
  return (
    <CheckinScreen
      data={data}
      attendanceHref={`${base}/sessions/${data.session.sessionId}/attendance`}
      backHref={`${base}/runs/${data.session.runId}/attendance`}
      backLabel="← 花名册与出勤"
    />
  );
}
