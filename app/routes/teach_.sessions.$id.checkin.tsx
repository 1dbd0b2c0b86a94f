import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { getDb } from "@db/client";
import { CheckinScreen } from "~/components/learning";
import { requireActor } from "~/modules/auth/request.server";
import { checkinScreen } from "~/modules/learning/checkin.server";
import { publicOrigin } from "~/modules/learning/staff.server";
import { parseIdParam } from "~/utils/http";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `扫码签到 · ${data?.session.title ?? ""}` },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = requireActor(request);
  const id = parseIdParam(params.id, "没有找到这次课。");
  return checkinScreen(getDb(), actor, id, publicOrigin(request));
}

export default function TeachCheckin() {
  const data = useLoaderData<typeof loader>();
  return (
    <div className="container">
      <CheckinScreen
        data={data}
        attendanceHref={`/teach/sessions/${data.session.sessionId}/attendance`}
        backHref={`/teach/runs/${data.session.runId}`}
        backLabel="← 花名册与出勤"
      />
    </div>
  );
}
