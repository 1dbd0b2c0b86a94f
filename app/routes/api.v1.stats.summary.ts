import type { LoaderFunctionArgs } from "@remix-run/node";
import { getDb } from "@db/client";
import { apiResponse } from "~/modules/stats/api.server";

/** Open data API v1: the statistics summary of the city, a district or an academy. */
export async function loader({ request }: LoaderFunctionArgs) {
  return apiResponse(getDb(), "summary", request);
}
