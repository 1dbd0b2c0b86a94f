import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { getDb } from "@db/client";
import { CheckinScreen } from "~/components/learning";
import { requireActor } from "~/modules/auth/request.server";
import { activityCheckinScreen } from "~/modules/community/activities-registration.server";
import { publicOrigin } from "~/modules/learning/staff.server";
import { requireManagedAcademy } from "~/modules/scheduling/access.server";
import { parseIdParam } from "~/utils/http";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `活动签到 · ${data?.session.title ?? ""}` },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = requireActor(request);
  const db = getDb();
  const academy = requireManagedAcademy(db, actor, params.academy ?? "");
  const id = parseIdParam(params.id, "没有找到这个活动。");
  return {
    ...(await activityCheckinScreen(db, actor, id, publicOrigin(request), Date.now(), academy.id)),
    slug: academy.slug,
  };
}

export default function ActivityCheckinScreen() {
  const data = useLoaderData<typeof loader>();
  const back = `/manage/${data.slug}/activities/${data.session.sessionId}`;
  return (
    <CheckinScreen
      data={data}
      attendanceHref={`${back}#roster`}
      backHref={back}
      backLabel="← 活动管理"
    />
  );
}
