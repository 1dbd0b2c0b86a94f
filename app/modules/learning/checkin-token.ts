/**
 * 签到 tokens. A token names one session and one 30-second slot and carries an HMAC-SHA-256 of
 * both under the server's check-in secret:  `<sessionId>.<slot>.<mac>` (mac = 16 bytes, base64url).
 * A token is accepted in its own slot and the next one (grace for scanning), so a screenshot is
 * useless after at most a minute; changing the session id or the slot breaks the mac.
 * The session's own window (30 minutes before its start until its end) is checked separately.
 * Server-only (node:crypto): import it from *.server.ts files only.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export const CHECKIN_SLOT_MS = 30_000;
/** Check-in opens this long before a session starts and closes when it ends. */
export const CHECKIN_OPENS_BEFORE_MS = 30 * 60_000;

export const slotOf = (now: number) => Math.floor(now / CHECKIN_SLOT_MS);

function mac(secret: string, sessionId: number, slot: number) {
  return createHmac("sha256", secret)
    .update(`checkin:${sessionId}:${slot}`)
    .digest()
    .subarray(0, 16)
    .toString("base64url");
}

export function signCheckinToken(secret: string, sessionId: number, now: number) {
  const slot = slotOf(now);
  return `${sessionId}.${slot}.${mac(secret, sessionId, slot)}`;
}

/** When the code on screen changes next (ms epoch). */
export function nextRotation(now: number) {
  return (slotOf(now) + 1) * CHECKIN_SLOT_MS;
}

export type TokenCheck =
  | { ok: true; sessionId: number; slot: number }
  | { ok: false; reason: "malformed" | "forged" | "expired"; sessionId?: number };

const TOKEN_RE = /^([1-9]\d{0,9})\.(\d{1,12})\.([A-Za-z0-9_-]{22})$/;

export function verifyCheckinToken(secret: string, token: string, now: number): TokenCheck {
  const m = TOKEN_RE.exec(token);
  if (!m) return { ok: false, reason: "malformed" };
  const sessionId = Number(m[1]);
  const slot = Number(m[2]);
  const given = Buffer.from(m[3]!, "base64url");
  const expected = Buffer.from(mac(secret, sessionId, slot), "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, reason: "forged" };
  const current = slotOf(now);
  // A slot from the future cannot have been shown on any screen.
  if (slot > current) return { ok: false, reason: "forged" };
  if (slot < current - 1) return { ok: false, reason: "expired", sessionId };
  return { ok: true, sessionId, slot };
}

/**
 * A scan pass: what a valid scan turns into, so the person has time to log in and tick family
 * members without the 30-second code running out under them. It names the session, expires
 * after `PASS_TTL_MS` and is only ever minted from a valid rotating token:
 * `p.<sessionId>.<expiresAt>.<mac>`.
 */
export const PASS_TTL_MS = 10 * 60_000;

/** The pass is bound to the browser that scanned: `browser` is that browser's random cookie value
 * (CHECKIN_BROWSER_COOKIE), so a relayed screenshot of the pass is useless on another phone. */
function passMac(secret: string, sessionId: number, expiresAt: number, browser: string) {
  return createHmac("sha256", secret)
    .update(`checkin-pass:${sessionId}:${expiresAt}:${browser}`)
    .digest()
    .subarray(0, 16)
    .toString("base64url");
}

export function signCheckinPass(secret: string, sessionId: number, now: number, browser = "") {
  const expiresAt = now + PASS_TTL_MS;
  return `p.${sessionId}.${expiresAt}.${passMac(secret, sessionId, expiresAt, browser)}`;
}

export const CHECKIN_BROWSER_COOKIE = "checkin_browser";
const BROWSER_RE = /^[A-Za-z0-9_-]{22}$/;
/** The browser's check-in cookie value if well-formed, else "" (then passes bind to nothing). */
export function checkinBrowser(value: string | null | undefined) {
  return value && BROWSER_RE.test(value) ? value : "";
}

const PASS_RE = /^p\.([1-9]\d{0,9})\.(\d{13})\.([A-Za-z0-9_-]{22})$/;

export function isPass(token: string) {
  return token.startsWith("p.");
}

/** Verifies a rotating token or a scan pass. */
export function verifyCheckinCode(
  secret: string,
  token: string,
  now: number,
  browser = "",
): TokenCheck {
  if (!isPass(token)) return verifyCheckinToken(secret, token, now);
  const m = PASS_RE.exec(token);
  if (!m) return { ok: false, reason: "malformed" };
  const sessionId = Number(m[1]);
  const expiresAt = Number(m[2]);
  const given = Buffer.from(m[3]!, "base64url");
  const expected = Buffer.from(passMac(secret, sessionId, expiresAt, browser), "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, reason: "forged" };
  if (expiresAt - now > PASS_TTL_MS) return { ok: false, reason: "forged" };
  if (now > expiresAt) return { ok: false, reason: "expired", sessionId };
  return { ok: true, sessionId, slot: slotOf(now) };
}

export type SessionWindow = { startsAt: number; endsAt: number; status: string };
export type WindowProblem = "cancelled" | "not_open" | "closed";

export function checkinOpensAt(s: Pick<SessionWindow, "startsAt">) {
  return s.startsAt - CHECKIN_OPENS_BEFORE_MS;
}

/** null when check-in is open for this session at `now`. */
export function checkinWindowProblem(s: SessionWindow, now: number): WindowProblem | null {
  if (s.status === "cancelled") return "cancelled";
  if (now < checkinOpensAt(s)) return "not_open";
  if (now > s.endsAt) return "closed";
  return null;
}

export const TOKEN_MESSAGES: Record<"malformed" | "forged" | "expired" | WindowProblem, string> = {
  malformed: "这个签到码无效。请扫描上课现场屏幕上的二维码。",
  forged: "这个签到码无效。请扫描上课现场屏幕上的二维码。",
  expired: "这个签到码已过期（二维码每 30 秒更新一次）。请重新扫描现场屏幕上的二维码。",
  cancelled: "这次课已取消，不需要签到。",
  not_open: "签到还没有开始：上课前 30 分钟开放签到。",
  closed: "这次课已经结束，不能再签到。如需补记出勤，请联系老师或书院管理员。",
};
