import type { LoaderFunctionArgs } from "@remix-run/node";
import { getDb } from "@db/client";
import { calendarFeed } from "~/modules/learning/record.server";
import { publicOrigin } from "~/modules/learning/staff.server";

/** The personal calendar feed phone calendars subscribe to: /me/calendar.ics?token=… (no login;
 * the token is the secret and can be reset on /me). */
export async function loader({ request }: LoaderFunctionArgs) {
  const token = new URL(request.url).searchParams.get("token") ?? "";
  const text = calendarFeed(getDb(), token, publicOrigin(request));
  if (!text)
    return new Response("这个日历订阅地址无效或已重置，请在“我的”页面重新获取。", {
      status: 404,
      headers: { "Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff" },
    });
  return new Response(text, {
    headers: {
      "Content-Type": "text/calendar; charset=utf-8",
      "Content-Disposition": 'inline; filename="xiamen-academy.ics"',
      "Cache-Control": "private, no-store",
      "Referrer-Policy": "no-referrer",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
