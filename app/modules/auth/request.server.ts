import { redirect } from "@remix-run/node";
import { getDb } from "@db/client";
import { forbidden } from "~/utils/http";
import { loadActor } from "./users.server";
import type { Actor } from "./permissions";
import { readCookie, SESSION_COOKIE, sessionCookie, validateSessionToken } from "./session.server";

type Resolved = { actor: Actor | null; sessionId: string | null; refreshCookie: string | null };
const cache = new WeakMap<Request, Resolved>();

/** Reads the session cookie once per request; a forged, unknown or expired token is just "signed out". */
export function resolveSession(request: Request): Resolved {
  const hit = cache.get(request);
  if (hit) return hit;
  const token = readCookie(request, SESSION_COOKIE);
  let resolved: Resolved = { actor: null, sessionId: null, refreshCookie: null };
  if (token) {
    const db = getDb();
    const result = validateSessionToken(db, token);
    if (result) {
      resolved = {
        actor: loadActor(db, result.user),
        sessionId: result.session.id,
        refreshCookie: result.fresh ? sessionCookie(token, result.session.expiresAt) : null,
      };
    }
  }
  cache.set(request, resolved);
  return resolved;
}

export function getActor(request: Request): Actor | null {
  return resolveSession(request).actor;
}

/** The signed-in person, or a redirect to the login page that comes back here. */
export function requireActor(request: Request): Actor {
  const actor = getActor(request);
  if (!actor) {
    const url = new URL(request.url);
    throw redirect(`/login?redirectTo=${encodeURIComponent(url.pathname + url.search)}`);
  }
  return actor;
}

/** Like requireActor, plus a 403 page when the check fails. */
export function requireActorWith(request: Request, allowed: (actor: Actor) => boolean): Actor {
  const actor = requireActor(request);
  if (!allowed(actor)) forbidden();
  return actor;
}
