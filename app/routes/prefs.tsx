import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { readForm } from "~/utils/csrf.server";
import { safeRedirectPath } from "~/utils/http";
import { cookieSecure } from "~/modules/auth/session.server";

/** The large-text mode (长辈模式), remembered for a year in a cookie; works without JavaScript. */
export async function action({ request }: ActionFunctionArgs) {
  const form = await readForm(request);
  const large = form.get("textSize") === "large";
  const cookie = [
    `text-size=${large ? "large" : "normal"}`,
    "Path=/",
    "SameSite=Lax",
    `Max-Age=${365 * 24 * 3600}`,
    cookieSecure(request) ? "Secure" : "",
  ]
    .filter(Boolean)
    .join("; ");
  return redirect(safeRedirectPath(form.get("redirectTo")), { headers: { "Set-Cookie": cookie } });
}

export async function loader() {
  return redirect("/");
}
