import { sha256 } from "@oslojs/crypto/sha2";
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from "@oslojs/encoding";
import { eq, sql } from "drizzle-orm";
import { prepared, type Conn, type DB } from "@db/client";
import { sessions, users } from "@db/schema";
import { config } from "~/utils/config.server";

/** Sessions as Lucia's guide (lucia-auth.com) teaches. */
export const SESSION_COOKIE = "session";
export const SESSION_DAYS = 30;
const DAY = 24 * 60 * 60 * 1000;
export const SESSION_MS = SESSION_DAYS * DAY;

export function generateSessionToken(): string {
  const bytes = new Uint8Array(20);
  crypto.getRandomValues(bytes);
  return encodeBase32LowerCaseNoPadding(bytes);
}

export function sessionIdFromToken(token: string): string {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(token)));
}

export function createSession(db: Conn, token: string, userId: number, now = Date.now()) {
  const session = {
    id: sessionIdFromToken(token),
    userId,
    expiresAt: now + SESSION_MS,
    createdAt: now,
  };
  db.insert(sessions).values(session).run();
  return session;
}

export type SessionUser = { id: number; name: string; phone: string; homeAcademyId: number | null };

const sessionById = prepared((db) =>
  db
    .select({
      session: sessions,
      user: {
        id: users.id,
        name: users.name,
        phone: users.phone,
        homeAcademyId: users.homeAcademyId,
      },
    })
    .from(sessions)
    .innerJoin(users, eq(sessions.userId, users.id))
    .where(eq(sessions.id, sql.placeholder("id")))
    .prepare(),
);

/** Returns the session and its user (null when expired), sliding one past half its life. */
export function validateSessionToken(db: DB, token: string, now = Date.now()) {
  if (!/^[a-z2-7]{32}$/.test(token)) return null;
  const id = sessionIdFromToken(token);
  const row = sessionById(db).get({ id });
  if (!row) return null;
  const { session, user } = row;
  // Expired: signed out. The row goes with the hourly cleanup job (a page view writes nothing
  // but its own session's expiry slide).
  if (now >= session.expiresAt) return null;
  let fresh = false;
  if (now >= session.expiresAt - SESSION_MS / 2) {
    session.expiresAt = now + SESSION_MS;
    db.update(sessions).set({ expiresAt: session.expiresAt }).where(eq(sessions.id, id)).run();
    fresh = true;
  }
  return { session, user: user as SessionUser, fresh };
}

export function invalidateSession(db: DB, sessionId: string) {
  db.delete(sessions).where(eq(sessions.id, sessionId)).run();
}

export function invalidateUserSessions(db: Conn, userId: number) {
  db.delete(sessions).where(eq(sessions.userId, userId)).run();
}

/**
 * Cookies are `Secure` when the request came over HTTPS (our server trusts X-Forwarded-Proto only
 * for TRUST_PROXY hops) or PUBLIC_URL is https. Plain-HTTP use on a LAN (no PUBLIC_URL) works with
 * plain cookies; with an https PUBLIC_URL the login page over http says to use the https address.
 */
export function cookieSecure(request: Request) {
  return config().PUBLIC_URL?.startsWith("https:") || new URL(request.url).protocol === "https:";
}

/** `__Host-session` when Secure (bound to this host, path /), else `session`. */
export function sessionCookieName(request: Request) {
  return cookieSecure(request) ? `__Host-${SESSION_COOKIE}` : SESSION_COOKIE;
}

/** On an http request while PUBLIC_URL is https, a login could not be kept: the https login page to use. */
export function insecureLoginTarget(request: Request): string | null {
  const publicUrl = config().PUBLIC_URL;
  if (!publicUrl?.startsWith("https:") || new URL(request.url).protocol === "https:") return null;
  return `${publicUrl}/login`;
}

export function sessionCookie(request: Request, token: string, expiresAt: number) {
  const parts = [
    `${sessionCookieName(request)}=${token}`,
    "HttpOnly",
    "SameSite=Lax",
    "Path=/",
    `Expires=${new Date(expiresAt).toUTCString()}`,
  ];
  if (cookieSecure(request)) parts.push("Secure");
  return parts.join("; ");
}

export function blankSessionCookie(request: Request) {
  const parts = [
    `${sessionCookieName(request)}=`,
    "HttpOnly",
    "SameSite=Lax",
    "Path=/",
    "Max-Age=0",
  ];
  if (cookieSecure(request)) parts.push("Secure");
  return parts.join("; ");
}

export function readCookie(request: Request, name: string): string | null {
  const header = request.headers.get("cookie");
  if (!header) return null;
  for (const part of header.split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === name) return decodeURIComponent(v.join("="));
  }
  return null;
}

/** Deletes expired sessions (the hourly job; a page view never deletes another person's row). */
export function deleteExpiredSessions(db: DB, now = Date.now()) {
  return {
    deleted: db
      .delete(sessions)
      .where(sql`${sessions.expiresAt} <= ${now}`)
      .run().changes,
  };
}
