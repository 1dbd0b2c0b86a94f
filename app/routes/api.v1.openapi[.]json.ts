import { openApiDocument } from "~/modules/stats/api.server";

/** The OpenAPI 3.1 document of /api/v1, generated from the zod schemas that validate the queries. */
export async function loader() {
  return new Response(JSON.stringify(openApiDocument(), null, 2), {
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Cache-Control": "public, max-age=300",
      "Access-Control-Allow-Origin": "*",
    },
  });
}
