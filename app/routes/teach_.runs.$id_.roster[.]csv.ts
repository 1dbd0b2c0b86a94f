import type { LoaderFunctionArgs } from "@remix-run/node";
import { getDb } from "@db/client";
import { requireActor } from "~/modules/auth/request.server";
import { exportRunRoster } from "~/modules/learning/roster-export.server";
import { parseIdParam } from "~/utils/http";

/** The run's roster with attendance as CSV (teachers: masked phone numbers). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = requireActor(request);
  const id = parseIdParam(params.id, "没有找到这个班。");
  const file = await exportRunRoster(getDb(), actor, id, "csv");
  return new Response(file.body, { headers: file.headers });
}
