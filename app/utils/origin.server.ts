import { config } from "./config.server";

/**
 * The site's public origin for absolute links and QR codes: PUBLIC_URL when set, else the
 * request's own origin. Our server builds the request URL from the socket and, only for
 * TRUST_PROXY hops, from X-Forwarded-Proto/Host; forwarded headers are never read here.
 */
export function publicOrigin(request: Request) {
  return config().PUBLIC_URL ?? new URL(request.url).origin;
}
