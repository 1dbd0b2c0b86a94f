import type { LoaderFunctionArgs } from "@remix-run/node";
import { getDb } from "@db/client";
import { requireActor } from "~/modules/auth/request.server";
import { exportRunRoster } from "~/modules/learning/roster-export.server";
import { requireManagedAcademy } from "~/modules/scheduling/access.server";
import { parseIdParam } from "~/utils/http";

/** The run's roster with attendance as CSV for the academy's managers. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = requireActor(request);
  const db = getDb();
  const academy = requireManagedAcademy(db, actor, params.academy ?? "");
  const id = parseIdParam(params.id, "没有找到这个班。");
  const file = await exportRunRoster(db, actor, id, "csv", Date.now(), academy.id);
  return new Response(file.body, { headers: file.headers });
}
