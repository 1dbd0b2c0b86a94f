/**
 * OWASP's "device cookie": a browser that signed in to an account gets a signed cookie naming that
 * account, and a later login from it skips the per-phone delays (the (IP, phone) limit still
 * applies). So strangers' wrong guesses never keep the owner out of their own account.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { eq } from "drizzle-orm";
import type { Conn } from "@db/client";
import { serverSecrets } from "@db/schema";
import { cookieSecure } from "./session.server";

export const DEVICE_COOKIE = "device";
const DEVICE_MS = 180 * 24 * 3600_000;
const cache = new WeakMap<object, string>();

export function deviceSecret(conn: Conn): string {
  const client = (conn as unknown as { $client?: object }).$client ?? conn;
  const hit = cache.get(client);
  if (hit) return hit;
  conn
    .insert(serverSecrets)
    .values({ name: "device", value: randomBytes(32).toString("base64url"), createdAt: Date.now() })
    .onConflictDoNothing()
    .run();
  const value = conn
    .select({ value: serverSecrets.value })
    .from(serverSecrets)
    .where(eq(serverSecrets.name, "device"))
    .get()!.value;
  cache.set(client, value);
  return value;
}

function mac(secret: string, userId: number, expiresAt: number) {
  return createHmac("sha256", secret)
    .update(`device:${userId}:${expiresAt}`)
    .digest()
    .subarray(0, 16)
    .toString("base64url");
}

export function signDevice(conn: Conn, userId: number, now = Date.now()) {
  const expiresAt = now + DEVICE_MS;
  return `${userId}.${expiresAt}.${mac(deviceSecret(conn), userId, expiresAt)}`;
}

/** True when `value` is a device cookie this server issued to `userId` and it has not expired. */
export function isTrustedDevice(
  conn: Conn,
  value: string | null | undefined,
  userId: number,
  now = Date.now(),
) {
  const m = /^([1-9]\d{0,9})\.(\d{13})\.([A-Za-z0-9_-]{22})$/.exec(value ?? "");
  if (!m || Number(m[1]) !== userId || Number(m[2]) < now) return false;
  const given = Buffer.from(m[3]!, "base64url");
  const expected = Buffer.from(mac(deviceSecret(conn), userId, Number(m[2])), "base64url");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function deviceCookie(request: Request, value: string) {
  const parts = [
    `${DEVICE_COOKIE}=${value}`,
    "HttpOnly",
    "SameSite=Lax",
    "Path=/",
    `Max-Age=${DEVICE_MS / 1000}`,
  ];
  if (cookieSecure(request)) parts.push("Secure");
  return parts.join("; ");
}
