import type { LoaderFunctionArgs } from "@remix-run/node";
import { getDb } from "@db/client";
import { requireActor } from "~/modules/auth/request.server";
import { loadChartSvg } from "~/modules/stats/pages.server";

/**
 * One dashboard chart as an SVG image (`?district=…&academy=…&p=…&chart=…&v=…`), scope-checked
 * like the page. A URL with the chart's current version may be kept by the browser for a day
 * (private: never by a shared cache); any other is revalidated.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const actor = requireActor(request);
  const chart = loadChartSvg(getDb(), actor, new URL(request.url));
  return new Response(chart.svg, {
    headers: {
      "Content-Type": "image/svg+xml; charset=utf-8",
      "Cache-Control": chart.fresh ? "private, max-age=86400, immutable" : "private, no-cache",
      ETag: `"${chart.version}"`,
      "X-Content-Type-Options": "nosniff",
      // Opened on its own, the picture may show its own styles and nothing else.
      "Content-Security-Policy":
        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'",
    },
  });
}
