/**
 * The HTML cache for signed-out visitors (app/utils/html-cache.server.ts) in front of the built app,
 * answering real requests in this process against a real database: every response gets its own
 * nonce, a write shows on the next view, and nothing personal or unusual is ever stored.
 */
import path from "node:path";
import zlib from "node:zlib";
import { pathToFileURL } from "node:url";
import { eq, like } from "drizzle-orm";
import type { ServerBuild } from "@remix-run/node";
import { changeStamp, getDb, openDatabase } from "@db/client";
import { academies } from "@db/schema";
import { seedDemoAcademies } from "@db/demo/academies";
import { importOrgContent } from "~/modules/org/import.server";
import {
  CACHE_CHECKED_HEADER,
  CACHE_TOPICS_HEADER,
  cachedRemixHandler,
  createHtmlCache,
  htmlCacheKey,
  keyedCookies,
  NONCE_PLACEHOLDER,
  type HtmlCache,
} from "~/utils/html-cache.server";
import { noteCheck } from "@db/read-checks";
import { ensureBuild } from "@tests/factories/built-server";
import { createTestDb, type TestDb } from "@tests/factories/db";

let db: TestDb;
let cache: HtmlCache;
let handle: (request: Request) => Promise<Response>;
const saved = process.env.DATABASE_PATH;

beforeAll(async () => {
  ensureBuild();
  db = createTestDb();
  importOrgContent(db);
  seedDemoAcademies(db);
  process.env.DATABASE_PATH = db.file;
  const build = (await import(
    pathToFileURL(path.resolve("build/server/index.js")).href
  )) as ServerBuild;
  cache = createHtmlCache({ stamp: () => changeStamp(getDb()) });
  handle = cachedRemixHandler(build, cache, "production");
}, 300_000);
afterAll(() => {
  process.env.DATABASE_PATH = saved;
  db?.cleanup();
});
beforeEach(() => cache.clear());

const get = async (p: string, headers: Record<string, string> = {}) => {
  const res = await handle(new Request(`http://localhost${p}`, { headers }));
  return { res, body: await res.text() };
};

/** The nonce in the CSP header and every nonce attribute in the body. */
function nonces(r: { res: Response; body: string }) {
  const header = /'nonce-([^']+)'/.exec(r.res.headers.get("content-security-policy") ?? "")?.[1];
  const inBody = [...r.body.matchAll(/nonce="([^"]+)"/g)].map((m) => m[1]);
  return { header, inBody };
}

describe("the HTML cache", () => {
  it("serves the second anonymous view from the cache, each visitor with a nonce of their own", async () => {
    const seen = new Set<string>();
    let first = "";
    for (let i = 0; i < 3; i++) {
      const r = await get("/academies?district=huli");
      expect(r.res.status).toBe(200);
      const { header, inBody } = nonces(r);
      expect(header).toMatch(/^[A-Za-z0-9+/=]{20,}$/);
      expect(inBody.length).toBeGreaterThan(0);
      expect(new Set(inBody)).toEqual(new Set([header]));
      expect(r.body).not.toContain(NONCE_PLACEHOLDER);
      expect(r.res.headers.get("content-security-policy")).not.toContain(NONCE_PLACEHOLDER);
      seen.add(header!);
      // Apart from the nonce, every visitor gets the same page.
      const normalised = r.body.replaceAll(header!, "N");
      if (i === 0) first = normalised;
      else expect(normalised).toBe(first);
    }
    expect(seen.size).toBe(3);
    expect(cache.stats()).toMatchObject({ misses: 1, hits: 2, stored: 1 });
  });

  it("shows a write on the next view, whether this process or another one wrote", async () => {
    const before = await get("/academies?district=huli");
    const one = db
      .select()
      .from(academies)
      .where(like(academies.slug, "huli-%"))
      .orderBy(academies.slug)
      .limit(1)
      .get()!;
    expect(before.body).toContain(one.name);
    // Another connection (a second process, a seed run) commits.
    const other = openDatabase(db.file);
    other.update(academies).set({ name: "改名测试社区书院" }).where(eq(academies.id, one.id)).run();
    other.$client.close();
    const after = await get("/academies?district=huli");
    expect(after.body).toContain("改名测试社区书院");
    // The server's own connection writes.
    getDb()
      .update(academies)
      .set({ name: "再次改名社区书院" })
      .where(eq(academies.id, one.id))
      .run();
    expect((await get("/academies?district=huli")).body).toContain("再次改名社区书院");
    expect(cache.stats().hits).toBe(0);
  });

  it("keeps a page per text size", async () => {
    const normal = await get("/academies");
    const large = await get("/academies", { cookie: "text-size=large" });
    expect(large.body).not.toBe(
      normal.body.replaceAll(nonces(normal).header!, nonces(large).header!),
    );
    expect(cache.stats()).toMatchObject({ misses: 2, stored: 2 });
  });

  it("never stores a signed-in view, a view with any other cookie, or a page that is not a 200", async () => {
    await get("/academies", { cookie: "session=abcdefghijklmnopqrstuvwxyz234567" });
    await get("/academies", {
      cookie: "text-size=large; session=abcdefghijklmnopqrstuvwxyz234567",
    });
    await get("/academies", { cookie: "device=x" });
    // A forged session goes through the cache (keyed on its token) but is never stored: only a
    // valid session's view of a page that opts in is (html-cache-signed-in.test.ts).
    expect(cache.stats()).toMatchObject({ bypassed: 1, misses: 2, stored: 0 });
    const missing = await get("/no-such-page-here");
    expect(missing.res.status).toBe(404);
    expect(missing.body).not.toContain(NONCE_PLACEHOLDER);
    expect(nonces(missing).inBody.every((n) => n === nonces(missing).header)).toBe(true);
    expect(cache.stats().stored).toBe(0);
  });
});

describe("what may be stored", () => {
  const page =
    (headers: Record<string, string> = {}, status = 200) =>
    async (nonce: string) =>
      new Response(`<script nonce="${nonce}"></script>`, {
        status,
        headers: {
          "content-type": "text/html; charset=utf-8",
          "content-security-policy": `script-src 'nonce-${nonce}'`,
          ...headers,
        },
      });

  it("refuses responses that set a cookie, are private or no-store, or are not 200", async () => {
    const c = createHtmlCache({ stamp: () => "s" });
    const req = () => new Request("http://localhost/x");
    for (const render of [
      page({ "set-cookie": "a=b" }),
      page({ "cache-control": "private, no-store" }),
      page({ "cache-control": "no-store" }),
      page({}, 500),
    ]) {
      const res = await c.handle(req(), render);
      expect(await res.text()).not.toContain(NONCE_PLACEHOLDER);
    }
    expect(c.stats()).toMatchObject({ stored: 0, misses: 4 });
    await c.handle(req(), page());
    await c.handle(req(), page());
    expect(c.stats()).toMatchObject({ stored: 1, hits: 1 });
  });

  /** A render that waits until released; `calls` counts renders begun, each numbered in its body. */
  function gatedRenders() {
    const gates: (() => void)[] = [];
    let calls = 0;
    const render = async (nonce: string) => {
      const n = ++calls;
      await new Promise<void>((r) => gates.push(r));
      return new Response(`<p>v${n}</p><script nonce="${nonce}"></script>`, {
        headers: { "content-type": "text/html; charset=utf-8" },
      });
    };
    return { render, gates, calls: () => calls };
  }
  const tick = () => new Promise((r) => setTimeout(r, 5));

  it("renders a page once for misses that arrive together, each answer with a nonce of its own", async () => {
    const c = createHtmlCache({ stamp: () => "a" });
    const g = gatedRenders();
    const answers = Array.from({ length: 5 }, () =>
      c.handle(new Request("http://localhost/x"), g.render).then((r) => r.text()),
    );
    await tick();
    expect(g.calls()).toBe(1);
    g.gates.shift()!();
    const bodies = await Promise.all(answers);
    expect(bodies.every((b) => b.startsWith("<p>v1</p>"))).toBe(true);
    expect(new Set(bodies).size).toBe(5);
  });

  it("makes misses after a change wait for one more render, begun when the one under way ends", async () => {
    let stamp = "a";
    const c = createHtmlCache({ stamp: () => stamp });
    const g = gatedRenders();
    const get = () => c.handle(new Request("http://localhost/x"), g.render).then((r) => r.text());
    const first = get();
    await tick();
    stamp = "b"; // a write while the first render is under way
    const later = [get(), get(), get()];
    await tick();
    expect(g.calls()).toBe(1); // they neither share the stale render nor start their own yet
    g.gates.shift()!();
    expect(await first).toMatch(/^<p>v1<\/p>/);
    await tick();
    expect(g.calls()).toBe(2); // one render for all three, begun after the write
    stamp = "c";
    const last = get(); // a change during the second render: it queues a third
    await tick();
    g.gates.shift()!();
    for (const b of await Promise.all(later)) expect(b).toMatch(/^<p>v2<\/p>/);
    await tick();
    expect(g.calls()).toBe(3);
    g.gates.shift()!();
    expect(await last).toMatch(/^<p>v3<\/p>/);
    // Stored with the stamp its render began at: the next view is a hit.
    expect(await get()).toMatch(/^<p>v3<\/p>/);
    expect(g.calls()).toBe(3);
  });

  it("keeps a page whose checked topic moved while its checks hold, and only then", async () => {
    const counters = new Map([
      ["catalog", 1],
      ["seats", 1],
    ]);
    const c = createHtmlCache({ stamp: () => "g", counters: () => new Map(counters) });
    let shown = 3; // what the page's read returned; `now` is what the same read returns now
    let now: () => number = () => 3;
    let renders = 0;
    const render = async (nonce: string) => {
      renders++;
      shown = now();
      const seen = shown;
      noteCheck(() => now() === seen);
      return new Response(`<p>${shown}</p><script nonce="${nonce}"></script>`, {
        headers: {
          "content-type": "text/html; charset=utf-8",
          [CACHE_TOPICS_HEADER]: "catalog,seats",
          [CACHE_CHECKED_HEADER]: "seats",
        },
      });
    };
    const get = async () => {
      const res = await c.handle(new Request("http://localhost/x"), render);
      expect(res.headers.has(CACHE_CHECKED_HEADER)).toBe(false);
      return res.text();
    };
    await get();
    counters.set("seats", 2); // a seat taken elsewhere: the check holds
    expect(await get()).toMatch(/^<p>3<\/p>/);
    expect(c.stats()).toMatchObject({ hits: 1, checked: 1, misses: 1 });
    await get(); // nothing moved since: no check run
    expect(c.stats()).toMatchObject({ hits: 2, checked: 1 });

    counters.set("seats", 3);
    now = () => 4; // a seat taken in what the page shows
    expect(await get()).toMatch(/^<p>4<\/p>/);
    expect(c.stats()).toMatchObject({ hits: 2, misses: 2 });

    counters.set("catalog", 2); // an unchecked topic moved: the checks are not asked
    expect(await get()).toMatch(/^<p>4<\/p>/);
    expect(c.stats()).toMatchObject({ hits: 2, checked: 1, misses: 3 });

    counters.set("seats", 4);
    now = () => {
      throw new Error("the database is closed");
    };
    await expect(get()).rejects.toThrow("closed"); // a failing check is a miss, whose render fails
    expect(c.stats()).toMatchObject({ hits: 2, misses: 4 });
    expect(renders).toBe(4);
  });

  it("drops an entry when the stamp moves or it outlives the time limit", async () => {
    let stamp = "a";
    const c = createHtmlCache({ stamp: () => stamp, ttlMs: 50 });
    const req = () => new Request("http://localhost/x");
    await c.handle(req(), page());
    await c.handle(req(), page());
    stamp = "b";
    await c.handle(req(), page());
    expect(c.stats()).toMatchObject({ hits: 1, misses: 2 });
    await new Promise((r) => setTimeout(r, 60));
    await c.handle(req(), page());
    expect(c.stats()).toMatchObject({ hits: 1, misses: 3 });
  });

  it("sends gzip from an entry's second gzip hit on, counts its bytes, and leaves small pages alone", async () => {
    const c = createHtmlCache({ stamp: () => "a" });
    const big = async (nonce: string) =>
      new Response(`<script nonce="${nonce}"></script>${"<p>社区书院</p>".repeat(300)}`, {
        headers: { "content-type": "text/html; charset=utf-8" },
      });
    await c.handle(new Request("http://localhost/big"), big);
    await c.handle(new Request("http://localhost/small"), page());
    const key = (p: string) => htmlCacheKey(new Request(`http://localhost${p}`))!;
    const plainBytes = c.stats().bytes;
    expect(c.lookup(key("/big"), true)!.headers).not.toContainEqual(["content-encoding", "gzip"]);
    const second = c.lookup(key("/big"), true)!;
    expect(second.headers).toContainEqual(["content-encoding", "gzip"]);
    const html = zlib.gunzipSync(second.body).toString();
    const nonce = /nonce="([^"]+)"/.exec(html)![1]!;
    expect(nonce).not.toBe(NONCE_PLACEHOLDER);
    expect(html).toBe(`<script nonce="${nonce}"></script>${"<p>社区书院</p>".repeat(300)}`);
    expect(c.stats().bytes).toBeGreaterThan(plainBytes);
    expect(c.stats().gzipped).toBe(1);
    for (let i = 0; i < 3; i++)
      expect(c.lookup(key("/small"), true)!.headers).not.toContainEqual([
        "content-encoding",
        "gzip",
      ]);
    // Without gzip: the page's UTF-8 bytes, each hit with a nonce of its own.
    const plain = [c.lookup(key("/big"), false)!, c.lookup(key("/big"), false)!].map((hit) =>
      hit.body.toString(),
    );
    const plainNonces = plain.map((html) => /nonce="([^"]+)"/.exec(html)![1]!);
    expect(plainNonces[0]).not.toBe(plainNonces[1]);
    expect(plain[1]).toBe(
      `<script nonce="${plainNonces[1]}"></script>${"<p>社区书院</p>".repeat(300)}`,
    );
    c.clear();
    expect(c.stats()).toMatchObject({ bytes: 0, gzipped: 0 });
  });

  it("keys on URL, origin and the text-size cookie only; other requests are not cacheable", () => {
    expect(htmlCacheKey(new Request("http://a/x?q=1"))).not.toBe(
      htmlCacheKey(new Request("http://a/x?q=2")),
    );
    expect(htmlCacheKey(new Request("http://a/x"))).not.toBe(
      htmlCacheKey(new Request("http://b/x")),
    );
    expect(htmlCacheKey(new Request("http://a/x.data"))).toBeNull();
    expect(htmlCacheKey(new Request("http://a/x", { method: "POST" }))).toBeNull();
    expect(
      htmlCacheKey(new Request("http://a/x", { headers: { authorization: "Bearer x" } })),
    ).toBeNull();
  });

  it("lets the server's pre-check (raw Cookie header, before any web Request is built) agree with the key", () => {
    const headers = [
      undefined,
      "",
      "text-size=large",
      " text-size=large ; ",
      "session=abc",
      "text-size=large; session=abc",
      "device=x",
      "a",
      ";;",
      "__Host-session=x",
    ];
    for (const h of headers) {
      const key = htmlCacheKey(
        new Request("http://a/x", { headers: h === undefined ? {} : { cookie: h } }),
      );
      expect(keyedCookies(h) === null, `Cookie: ${h}`).toBe(key === null);
    }
  });
});
