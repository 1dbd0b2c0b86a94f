import { config } from "./config.server";

/** The security headers of ARCHITECTURE.md, set on every document and data response. */
export function securityHeaders(headers: Headers, nonce: string | null) {
  const dev = config().NODE_ENV === "development";
  const csp = [
    "default-src 'self'",
    nonce ? `script-src 'self' 'nonce-${nonce}'` : "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    dev ? "connect-src 'self' ws: http://localhost:*" : "connect-src 'self'",
    "media-src 'self' https:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'self'",
  ].join("; ");
  headers.set("Content-Security-Policy", csp);
  headers.set("X-Content-Type-Options", "nosniff");
  headers.set("Referrer-Policy", "strict-origin-when-cross-origin");
  headers.set("X-Frame-Options", "SAMEORIGIN");
  headers.set("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
}

/** A signed-in response must never be stored by a browser or a shared cache: documents, `.data`
 * and files alike. "Signed in" = the request carries a session cookie (valid or not). */
export function privateNoStore(request: Request, headers: Headers) {
  const cookie = request.headers.get("cookie") ?? "";
  if (/(?:^|;\s*)(?:__Host-)?session=/.test(cookie))
    headers.set("Cache-Control", "private, no-store");
}
