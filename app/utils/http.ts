import { z } from "~/utils/zod";

/** Thrown responses that the root ErrorBoundary turns into Chinese pages. */
export function forbidden(message = "您没有权限访问此页面。"): never {
  throw new Response(message, { status: 403, statusText: "Forbidden" });
}

export function notFound(message = "页面不存在。"): never {
  throw new Response(message, { status: 404, statusText: "Not Found" });
}

const positiveId = z.coerce.number().int().positive();

/** A positive whole-number route param (`params.id` …); anything else is a 404 with `message`. */
export function parseIdParam(value: string | undefined, message: string): number {
  const id = positiveId.safeParse(value);
  if (!id.success) notFound(message);
  return id.data;
}

export function badRequest(message = "请求有误。"): never {
  throw new Response(message, { status: 400, statusText: "Bad Request" });
}

/**
 * The client address. Our server (app/modules/ops/http.server.ts) replaces X-Forwarded-For with the
 * one address it resolved: the socket's, or the entry TRUST_PROXY hops back when proxies are trusted.
 */
export function clientIp(request: Request): string {
  const fwd = request.headers.get("x-forwarded-for");
  if (fwd) return fwd.split(",")[0]!.trim();
  return request.headers.get("x-real-ip") ?? "local";
}

/** Only same-site relative paths may be used as a redirect target. */
export function safeRedirectPath(to: FormDataEntryValue | string | null | undefined, fallback = "/") {
  if (typeof to !== "string" || !to.startsWith("/") || to.startsWith("//") || to.startsWith("/\\")) {
    return fallback;
  }
  return to;
}
