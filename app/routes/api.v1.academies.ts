import type { LoaderFunctionArgs } from "@remix-run/node";
import { getDb } from "@db/client";
import { apiResponse } from "~/modules/stats/api.server";

/** Open data API v1 (public information only; see /help/api and /api/v1/openapi.json). */
export async function loader({ request }: LoaderFunctionArgs) {
  return apiResponse(getDb(), "academies", request);
}
