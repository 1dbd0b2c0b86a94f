import type { LoaderFunctionArgs } from "@remix-run/node";
import { getDb } from "@db/client";
import { getActor } from "~/modules/auth/request.server";
import { resourceResponse } from "~/modules/catalog/resources.server";

/**
 * GET /resources/:id — a resource route (no page): the file streamed with its real type, the
 * Content-Disposition, nosniff and the access check (teachers-only resources need the teacher
 * role or HQ); a video link redirects to its https address.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const id = /^[1-9][0-9]{0,9}$/.test(params.id ?? "") ? Number(params.id) : 0;
  return resourceResponse(getDb(), getActor(request), id, request);
}
