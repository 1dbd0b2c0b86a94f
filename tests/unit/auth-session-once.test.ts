/**
 * A signed-in page runs several loaders (root, layout, page) and Remix hands each its own copy of
 * the Request, so `resolveSession` validates the session once per HTTP request through the
 * request's log context (app/modules/auth/request.server.ts), for GET and HEAD only. Observed
 * from outside: once the session row is gone, later loaders of the same GET still see the person
 * (the cache hit), the next request does not, and a POST (whose action may sign out) re-checks.
 */
import { eq } from "drizzle-orm";
import { getDb } from "@db/client";
import { sessions } from "@db/schema";
import { resolveSession } from "~/modules/auth/request.server";
import {
  createSession,
  generateSessionToken,
  sessionIdFromToken,
} from "~/modules/auth/session.server";
import { newId, runWithRequestContext, type RequestContext } from "~/utils/log.server";
import { createTestDb, type TestDb } from "@tests/factories/db";
import { createUser } from "@tests/factories/users";

let db: TestDb;
const saved = process.env.DATABASE_PATH;
beforeAll(() => {
  db = createTestDb();
  process.env.DATABASE_PATH = db.file;
});
afterAll(() => {
  process.env.DATABASE_PATH = saved;
  db?.cleanup();
});

const context = (method: string): RequestContext => ({
  requestId: newId(),
  method,
  route: null,
  userId: null,
  errorId: null,
  startedAt: Date.now(),
});
/** What Remix gives each loader: a new Request with the same URL, method and headers. */
const copy = (token: string, method = "GET") =>
  new Request("http://localhost/me", { method, headers: { cookie: `session=${token}` } });

async function signedIn() {
  const user = await createUser(getDb());
  const token = generateSessionToken();
  createSession(getDb(), token, user.id);
  const drop = () =>
    getDb()
      .delete(sessions)
      .where(eq(sessions.id, sessionIdFromToken(token)))
      .run();
  return { user, token, drop };
}

describe("the session, resolved once per HTTP request", () => {
  it("serves every loader of one GET from the first validation, and validates again for the next request", async () => {
    const { user, token, drop } = await signedIn();
    const ctx = context("GET");
    runWithRequestContext(ctx, () => {
      expect(resolveSession(copy(token)).actor?.id).toBe(user.id);
      expect(ctx.userId).toBe(user.id);
      drop();
      // The layout's and the page's loaders, each with their own Request copy.
      expect(resolveSession(copy(token)).actor?.id).toBe(user.id);
      expect(resolveSession(copy(token)).actor?.id).toBe(user.id);
    });
    runWithRequestContext(context("GET"), () => {
      const next = resolveSession(copy(token));
      expect(next.actor).toBeNull();
      expect(next.stale).toBe(true);
    });
  });

  it("never hands one request's person to a different cookie in the same request", async () => {
    const a = await signedIn();
    const b = await signedIn();
    runWithRequestContext(context("GET"), () => {
      expect(resolveSession(copy(a.token)).actor?.id).toBe(a.user.id);
      expect(resolveSession(copy(b.token)).actor?.id).toBe(b.user.id);
      expect(resolveSession(new Request("http://localhost/me")).actor).toBeNull();
    });
  });

  it("re-checks after an action: a POST's loaders see a session its action ended", async () => {
    const { user, token, drop } = await signedIn();
    runWithRequestContext(context("POST"), () => {
      expect(resolveSession(copy(token, "POST")).actor?.id).toBe(user.id);
      drop();
      expect(resolveSession(copy(token, "POST")).actor).toBeNull();
    });
  });

  it("outside a request (jobs, scripts) still resolves per Request object", async () => {
    const { user, token, drop } = await signedIn();
    const request = copy(token);
    expect(resolveSession(request).actor?.id).toBe(user.id);
    drop();
    expect(resolveSession(request).actor?.id).toBe(user.id);
    expect(resolveSession(copy(token)).actor).toBeNull();
  });
});
