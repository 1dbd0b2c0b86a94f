import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { getDb } from "@db/client";
import { resolveSession } from "~/modules/auth/request.server";
import { blankSessionCookie, invalidateSession } from "~/modules/auth/session.server";
import { assertSameOrigin } from "~/utils/csrf.server";

export async function loader() {
  return redirect("/");
}

export async function action({ request }: ActionFunctionArgs) {
  assertSameOrigin(request);
  const { sessionId } = resolveSession(request);
  if (sessionId) invalidateSession(getDb(), sessionId);
  return redirect("/", { headers: { "Set-Cookie": blankSessionCookie(request) } });
}
