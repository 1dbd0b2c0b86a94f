import type { LoaderFunctionArgs } from "@remix-run/node";
import { getDb } from "@db/client";
import { requireActor } from "~/modules/auth/request.server";
import { exportStats } from "~/modules/stats/pages.server";
import { clientIp } from "~/utils/http";

/** Any dashboard table as CSV or XLSX (`?district=…&academy=…&p=…&format=…&table=…`), scope-checked and audited. */
export async function loader({ request }: LoaderFunctionArgs) {
  const actor = requireActor(request);
  const file = await exportStats(getDb(), actor, new URL(request.url), clientIp(request));
  return new Response(file.body, { headers: file.headers });
}
