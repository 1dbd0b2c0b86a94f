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

const REDIRECT_BASE = "http://redirect-check.invalid";
// C0/C1 control characters (tab, CR, LF …), DEL and backslashes: browsers drop or reinterpret them.
// eslint-disable-next-line no-control-regex
const UNSAFE_REDIRECT_CHARS = /[\u0000-\u001f\u007f-\u009f\\]/;

/**
 * The ONE check every redirect target goes through (login, prefs, messages, family back links …).
 * The target is resolved against the site's own origin; only a same-origin path is accepted, and
 * control characters or backslashes anywhere refuse it outright (browsers drop a tab, so `/\t/evil`
 * would become `//evil`). Returns the normalised path (non-ASCII percent-encoded, so it is always a
 * valid `Location` header), or `fallback`.
 */
export function safeRedirectPath(
  to: FormDataEntryValue | string | null | undefined,
  fallback = "/",
) {
  if (typeof to !== "string" || to.length === 0 || to.length > 2000) return fallback;
  if (UNSAFE_REDIRECT_CHARS.test(to)) return fallback;
  if (!to.startsWith("/") || to.startsWith("//")) return fallback;
  let url: URL;
  try {
    url = new URL(to, REDIRECT_BASE);
  } catch {
    return fallback;
  }
  if (url.origin !== REDIRECT_BASE) return fallback;
  const path = url.pathname + url.search + url.hash;
  // "/a/..//evil" normalises to "//evil": a protocol-relative URL once it leaves us.
  if (!path.startsWith("/") || path.startsWith("//") || UNSAFE_REDIRECT_CHARS.test(path))
    return fallback;
  return path;
}

/** A count carried in a redirect's query for a status notice: a whole number 0–100000, or null.
 * Notices never echo query text, so `?n=<any words>` cannot make the page say anything. */
export function queryCount(params: URLSearchParams, key: string): number | null {
  const raw = params.get(key);
  if (raw === null || !/^\d{1,6}$/.test(raw)) return null;
  const n = Number(raw);
  return n <= 100000 ? n : null;
}

/** `?page=` of a list: absent or empty → 1; a whole number 1–100000 → itself; anything else
 * (`1e999`, `-1`, `abc`, `2.5`) → a Chinese 400 rather than an Infinity offset in SQL. */
export function parsePage(params: URLSearchParams, key = "page"): number {
  const raw = params.get(key);
  if (raw === null || raw === "") return 1;
  if (!/^\d{1,6}$/.test(raw) || Number(raw) < 1 || Number(raw) > 100000) badRequest("页码不正确。");
  return Number(raw);
}
