import { redirect } from "@remix-run/node";
import { getDb } from "@db/client";
import { requestContext } from "~/utils/log.server";
import { forbidden } from "~/utils/http";
import { loadActor } from "./users.server";
import type { Actor } from "./permissions";
import {
  blankSessionCookie,
  readCookie,
  sessionCookie,
  sessionCookieName,
  validateSessionToken,
} from "./session.server";

type Resolved = {
  actor: Actor | null;
  sessionId: string | null;
  refreshCookie: string | null;
  /** A session cookie came with the request but is expired, revoked or forged. */
  stale: boolean;
};
const cache = new WeakMap<Request, Resolved>();
/**
 * Per HTTP request (its log context): Remix hands every loader its own copy of the Request, so the
 * WeakMap above alone would validate the session again for each loader of a page (root, layout,
 * page). Only for GET/HEAD, which run no action: an action may sign out or end sessions, and
 * the loaders after it must see that.
 */
const perHttpRequest = new WeakMap<object, { token: string | null; resolved: Resolved }>();

/** Reads the session cookie once per request; a forged, unknown or expired token is just "signed out". */
export function resolveSession(request: Request): Resolved {
  const hit = cache.get(request);
  if (hit) return hit;
  const token = readCookie(request, sessionCookieName(request));
  const ctx = request.method === "GET" || request.method === "HEAD" ? requestContext() : undefined;
  const shared = ctx ? perHttpRequest.get(ctx) : undefined;
  if (shared && shared.token === token) {
    cache.set(request, shared.resolved);
    return shared.resolved;
  }
  let resolved: Resolved = { actor: null, sessionId: null, refreshCookie: null, stale: !!token };
  if (token) {
    const db = getDb();
    const result = validateSessionToken(db, token);
    if (result) {
      const log = requestContext();
      if (log) {
        log.userId = result.user.id; // for the request's log line
        log.sessionExpiresAt = result.session.expiresAt; // a signed-in view's cache limit
      }
      resolved = {
        actor: loadActor(db, result.user),
        sessionId: result.session.id,
        refreshCookie: result.fresh
          ? sessionCookie(request, token, result.session.expiresAt)
          : null,
        stale: false,
      };
    }
  }
  cache.set(request, resolved);
  if (ctx) perHttpRequest.set(ctx, { token, resolved });
  return resolved;
}

export function getActor(request: Request): Actor | null {
  return resolveSession(request).actor;
}

/** The signed-in person, or a redirect to the login page that comes back here. */
export function requireActor(request: Request): Actor {
  const { actor, stale } = resolveSession(request);
  if (!actor) {
    const url = new URL(request.url);
    const to = `/login?redirectTo=${encodeURIComponent(url.pathname + url.search)}`;
    // An expired or revoked session: say so on the login page and drop the dead cookie.
    if (stale)
      throw redirect(`${to}&expired=1`, { headers: { "Set-Cookie": blankSessionCookie(request) } });
    throw redirect(to);
  }
  return actor;
}

/** Like requireActor, plus a 403 page when the check fails. */
export function requireActorWith(request: Request, allowed: (actor: Actor) => boolean): Actor {
  const actor = requireActor(request);
  if (!allowed(actor)) forbidden();
  return actor;
}
