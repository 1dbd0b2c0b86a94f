import { forbidden } from "./http";

/**
 * Refuses a state-changing request that comes from another site. Remix 2.17 already aborts a POST
 * whose Origin host differs from Host; this covers what it lets through (no Origin header but
 * Sec-Fetch-Site: cross-site, or an Origin of "null").
 */
export function assertSameOrigin(request: Request) {
  if (request.method === "GET" || request.method === "HEAD") return;
  const site = request.headers.get("sec-fetch-site");
  if (site === "cross-site") forbidden("跨站提交已被拒绝。请从本站页面重新提交。");
  const origin = request.headers.get("origin");
  if (origin) {
    let host: string | null = null;
    try {
      host = origin === "null" ? null : new URL(origin).host;
    } catch {
      host = null;
    }
    const expected = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
    if (!host || host !== expected) forbidden("跨站提交已被拒绝。请从本站页面重新提交。");
  }
}

/** Reads a form after the origin check: every action starts with this. */
export async function readForm(request: Request): Promise<FormData> {
  assertSameOrigin(request);
  return request.formData();
}
