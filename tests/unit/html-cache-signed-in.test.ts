/**
 * The HTML cache for signed-in views (app/utils/html-cache.server.ts): the built server, started as
 * production starts it, over real HTTP against a real database with real sessions (made by a
 * second connection, as another process would). A view goes back only to the browser holding that
 * session, any write (a sign-out included) ends it, only pages that opt in
 * (`handle.cacheSignedIn`) are kept, and never past the session's expiry. A response served from
 * the cache says `X-Cache: HIT`.
 */
import { eq } from "drizzle-orm";
import { openDatabase, type DB } from "@db/client";
import { users } from "@db/schema";
import { seed } from "@db/seed";
import {
  createSession,
  generateSessionToken,
  invalidateSession,
  sessionIdFromToken,
} from "~/modules/auth/session.server";
import {
  CACHE_SIGNED_IN_HEADER,
  createHtmlCache,
  keyedCookies,
  NONCE_PLACEHOLDER,
} from "~/utils/html-cache.server";
import { ensureBuild, startBuiltServer, type BuiltServer } from "@tests/factories/built-server";
import { createTestDb, type TestDb } from "@tests/factories/db";
import { createUser } from "@tests/factories/users";

let db: TestDb;
let other: DB;
let server: BuiltServer;

beforeAll(async () => {
  ensureBuild();
  db = createTestDb();
  await seed(db, { demo: "force" });
  server = await startBuiltServer({ dbFile: db.file, env: { JOBS: "0" } });
  other = openDatabase(db.file);
}, 600_000);
afterAll(async () => {
  other?.$client.close();
  await server?.stop();
  db?.cleanup();
});

async function signedIn(name: string) {
  const user = await createUser(other, { name });
  const token = generateSessionToken();
  createSession(other, token, user.id);
  return { user, token, cookie: `session=${token}; device=abc` };
}

async function get(p: string, cookie?: string) {
  const res = await fetch(server.url + p, {
    headers: cookie ? { cookie } : {},
    redirect: "manual",
  });
  const body = await res.text();
  const nonce = /'nonce-([^']+)'/.exec(res.headers.get("content-security-policy") ?? "")?.[1];
  return { res, body, nonce, hit: res.headers.get("x-cache") === "HIT" };
}

describe("signed-in views in the HTML cache", () => {
  it("serves a viewer's repeat view from the cache, to that session only, with a fresh nonce", async () => {
    const a = await signedIn("缓存甲居民");
    const b = await signedIn("缓存乙居民");
    const first = await get("/me", a.cookie);
    const again = await get("/me", a.cookie);
    const other = await get("/me", b.cookie);
    const otherAgain = await get("/me", b.cookie);
    for (const r of [first, again, other, otherAgain]) {
      expect(r.res.status).toBe(200);
      expect(r.res.headers.get("cache-control")).toBe("private, no-store");
      expect(r.res.headers.has(CACHE_SIGNED_IN_HEADER)).toBe(false);
      expect(r.body).not.toContain(NONCE_PLACEHOLDER);
      expect(new Set([...r.body.matchAll(/nonce="([^"]+)"/g)].map((m) => m[1]))).toEqual(
        new Set([r.nonce]),
      );
    }
    expect([first.hit, again.hit, other.hit, otherAgain.hit]).toEqual([false, true, false, true]);
    expect(first.body).toContain("缓存甲居民");
    expect(again.body).toContain("缓存甲居民");
    expect(otherAgain.body).toContain("缓存乙居民");
    expect(otherAgain.body).not.toContain("缓存甲居民");
    expect(new Set([first.nonce, again.nonce, other.nonce, otherAgain.nonce]).size).toBe(4);
    expect(again.body.replaceAll(again.nonce!, "N")).toBe(first.body.replaceAll(first.nonce!, "N"));
    // Signed out, the same URL is the login redirect, never someone's cached page.
    expect((await get("/me")).res.status).toBe(302);
  });

  it("shows any write on the next view, and a signed-out session gets the login page", async () => {
    const a = await signedIn("缓存丙居民");
    await get("/me", a.cookie);
    expect((await get("/me", a.cookie)).hit).toBe(true);
    other.update(users).set({ name: "缓存丙改名" }).where(eq(users.id, a.user.id)).run();
    const renamed = await get("/me", a.cookie);
    expect(renamed.hit).toBe(false);
    expect(renamed.body).toContain("缓存丙改名");
    expect((await get("/me", a.cookie)).hit).toBe(true);
    // Another process ends the session (a sign-out elsewhere, an admin's revocation).
    invalidateSession(other, sessionIdFromToken(a.token));
    const after = await get("/me", a.cookie);
    expect(after.res.status).toBe(302);
    expect(after.res.headers.get("location")).toMatch(/^\/login\?redirectTo=%2Fme&expired=1/);
  });

  it("never keeps a signed-in page whose route does not opt in, nor a forged session's view", async () => {
    const a = await signedIn("缓存丁居民");
    const runId = /href="\/classes\/(\d+)"/.exec((await get("/classes")).body)?.[1];
    expect(runId).toBeDefined();
    const forgedCookie = "session=abcdefghijklmnopqrstuvwxyz234567";
    for (let i = 0; i < 2; i++) {
      const mine = await get("/me/classes", a.cookie);
      expect(mine.res.status).toBe(200);
      expect(mine.hit).toBe(false);
      const forged = await get(`/classes/${runId}`, forgedCookie);
      expect(forged.res.status).toBe(200);
      expect(forged.hit).toBe(false);
    }
    // The same class page, opted in, is kept for a real session.
    await get(`/classes/${runId}`, a.cookie);
    expect((await get(`/classes/${runId}`, a.cookie)).hit).toBe(true);
  });
});

describe("a signed-in entry's limits", () => {
  const page = (until: number | null) => async (nonce: string) =>
    new Response(`<script nonce="${nonce}"></script>`, {
      headers: {
        "content-type": "text/html; charset=utf-8",
        "cache-control": "private, no-store",
        ...(until ? { [CACHE_SIGNED_IN_HEADER]: String(until) } : {}),
      },
    });
  const req = () =>
    new Request("http://localhost/x", {
      headers: { cookie: "session=abcdefghijklmnopqrstuvwxyz234567" },
    });

  it("is kept until the session expires, even inside the time limit", async () => {
    const c = createHtmlCache({ stamp: () => "s", ttlMs: 60_000 });
    await c.handle(req(), page(Date.now() + 40));
    await c.handle(req(), page(Date.now() + 40));
    expect(c.stats()).toMatchObject({ stored: 1, hits: 1 });
    await new Promise((r) => setTimeout(r, 50));
    await c.handle(req(), page(null));
    expect(c.stats()).toMatchObject({ stored: 1, hits: 1, misses: 2 });
  });

  it("is not stored without the page's opt-in (no expiry header)", async () => {
    const c = createHtmlCache({ stamp: () => "s" });
    await c.handle(req(), page(null));
    await c.handle(req(), page(null));
    expect(c.stats()).toMatchObject({ stored: 0, hits: 0 });
  });

  it("keys a session's view on its token; the device cookie alone is not a session", () => {
    expect(keyedCookies("session=a; device=x")).toEqual(["session=a"]);
    expect(keyedCookies("device=x")).toBeNull();
    expect(keyedCookies("text-size=large; __Host-session=b")).toEqual([
      "text-size=large",
      "__Host-session=b",
    ]);
    expect(keyedCookies("session=a; flash=x")).toBeNull();
  });
});
