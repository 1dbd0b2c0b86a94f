import { eq } from "drizzle-orm";
import { sessions } from "@db/schema";
import {
  deleteExpiredSessions,
  createSession,
  generateSessionToken,
  invalidateSession,
  invalidateUserSessions,
  SESSION_MS,
  sessionIdFromToken,
  validateSessionToken,
} from "~/modules/auth/session.server";
import { createTestDb } from "@tests/factories/db";
import { createUser } from "@tests/factories/users";

let db: ReturnType<typeof createTestDb>;
beforeEach(() => {
  db = createTestDb();
});
afterEach(() => db.cleanup());

describe("sessions (Lucia's guide)", () => {
  it("creates a session whose token validates to its user", async () => {
    const user = await createUser(db);
    const token = generateSessionToken();
    createSession(db, token, user.id);
    const result = validateSessionToken(db, token);
    expect(result?.user.id).toBe(user.id);
    expect(result?.fresh).toBe(false);
  });

  it("stores only the SHA-256 of the token, never the token", async () => {
    const user = await createUser(db);
    const token = generateSessionToken();
    createSession(db, token, user.id);
    const rows = db.$client.prepare("select * from sessions").all() as Record<string, unknown>[];
    expect(rows).toHaveLength(1);
    const dump = JSON.stringify(rows);
    expect(dump).not.toContain(token);
    expect(rows[0]!.id).toBe(sessionIdFromToken(token));
    expect(rows[0]!.id).toMatch(/^[0-9a-f]{64}$/);
  });

  it("generates 160-bit tokens that differ every time", () => {
    const tokens = new Set(Array.from({ length: 200 }, generateSessionToken));
    expect(tokens.size).toBe(200);
    for (const t of tokens) expect(t).toMatch(/^[a-z2-7]{32}$/);
  });

  it("rejects an expired session; the cleanup job deletes it, not the page view", async () => {
    const user = await createUser(db);
    const token = generateSessionToken();
    const now = Date.now();
    createSession(db, token, user.id, now - SESSION_MS - 1000);
    const live = generateSessionToken();
    createSession(db, live, user.id, now);
    expect(validateSessionToken(db, token, now)).toBeNull();
    expect(db.select().from(sessions).all()).toHaveLength(2);
    expect(deleteExpiredSessions(db, now)).toEqual({ deleted: 1 });
    expect(deleteExpiredSessions(db, now)).toEqual({ deleted: 0 });
    expect(db.select().from(sessions).all()).toHaveLength(1);
    expect(validateSessionToken(db, live, now)).not.toBeNull();
  });

  it("slides the expiry when past half its life", async () => {
    const user = await createUser(db);
    const token = generateSessionToken();
    const start = Date.now();
    const s = createSession(db, token, user.id, start);
    const later = start + SESSION_MS / 2 + 60_000;
    const result = validateSessionToken(db, token, later);
    expect(result?.fresh).toBe(true);
    expect(result?.session.expiresAt).toBe(later + SESSION_MS);
    const row = db.select().from(sessions).where(eq(sessions.id, s.id)).get()!;
    expect(row.expiresAt).toBe(later + SESSION_MS);
  });

  it("does not slide a young session", async () => {
    const user = await createUser(db);
    const token = generateSessionToken();
    const start = Date.now();
    const s = createSession(db, token, user.id, start);
    const result = validateSessionToken(db, token, start + 1000);
    expect(result?.fresh).toBe(false);
    expect(result?.session.expiresAt).toBe(s.expiresAt);
  });

  it("invalidates one session on logout and all of a user's on password change", async () => {
    const user = await createUser(db);
    const a = generateSessionToken();
    const b = generateSessionToken();
    const sa = createSession(db, a, user.id);
    createSession(db, b, user.id);
    invalidateSession(db, sa.id);
    expect(validateSessionToken(db, a)).toBeNull();
    expect(validateSessionToken(db, b)).not.toBeNull();
    invalidateUserSessions(db, user.id);
    expect(validateSessionToken(db, b)).toBeNull();
  });

  it("treats forged or malformed tokens as signed out", async () => {
    const user = await createUser(db);
    createSession(db, generateSessionToken(), user.id);
    expect(validateSessionToken(db, generateSessionToken())).toBeNull();
    expect(validateSessionToken(db, "' or 1=1 --")).toBeNull();
    expect(validateSessionToken(db, "")).toBeNull();
  });
});
