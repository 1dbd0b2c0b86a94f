import type { LoaderFunctionArgs } from "@remix-run/node";
import { getDb } from "@db/client";
import { personalData } from "~/modules/auth/personal-data.server";
import { requireActor } from "~/modules/auth/request.server";

/** 下载我的数据 (PIPL): everything held about the signed-in person, as JSON. */
export async function loader({ request }: LoaderFunctionArgs) {
  const actor = requireActor(request);
  const body = JSON.stringify(personalData(getDb(), actor), null, 2);
  return new Response(body, {
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Disposition": `attachment; filename="my-data.json"; filename*=UTF-8''${encodeURIComponent("我的数据.json")}`,
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
