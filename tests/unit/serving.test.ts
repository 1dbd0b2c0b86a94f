/**
 * Per-request work the server no longer does, checked on the built app answering real HTTP in
 * this process: static files are looked for only under public/'s own entries (a page costs no
 * failed stat), and a rendered page leaves no abort timer behind (each one kept the whole render
 * alive for 5 s after the response was sent).
 */
import fs from "node:fs";
import type http from "node:http";
import zlib from "node:zlib";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import { createApp, publicPathFilter, type AppOptions } from "~/modules/ops/http.server";
import { servingMiddleware } from "~/utils/serving.server";
import { ensureBuild, httpGetBytes } from "@tests/factories/built-server";
import { createTestDb, type TestDb } from "@tests/factories/db";

describe("which paths look for a file in public/", () => {
  it("only those under one of its entries", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "academy-public-"));
    try {
      fs.writeFileSync(path.join(dir, "favicon.ico"), "x");
      fs.mkdirSync(path.join(dir, "build"));
      const inPublic = publicPathFilter(dir);
      expect(inPublic("/favicon.ico")).toBe(true);
      expect(inPublic("/%66avicon.ico")).toBe(true);
      expect(inPublic("/build/entry.client-ABC.js")).toBe(true);
      expect(inPublic("/%E0%A4%A")).toBe(true); // malformed: express.static answers it as before
      for (const p of ["/", "/help", "/courses/FA-0001", "/favicon.ico.bak", "/builds"])
        expect(inPublic(p), p).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** Our Express app with `options` on a free port; its base URL and how to close it. */
async function listen(options: AppOptions) {
  const server = createApp(options).listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => void server.close(),
  };
}

describe("the built app behind our Express app", () => {
  let db: TestDb;
  let build: ServerBuild;
  let url = "";
  let close = () => {};
  const saved = process.env.DATABASE_PATH;

  beforeAll(async () => {
    ensureBuild();
    db = createTestDb();
    process.env.DATABASE_PATH = db.file;
    build = (await import(
      pathToFileURL(path.resolve("build/server/index.js")).href
    )) as ServerBuild;
    ({ base: url, close } = await listen({ build }));
  }, 300_000);

  /** The app as the server entry mounts it (`options` may rearrange the middleware); a raw GET of
   * /courses with the Accept-Encoding given. */
  async function servedCourses(options: AppOptions) {
    const served = await listen(options);
    onTestFinished(served.close);
    return (encoding?: string) =>
      httpGetBytes(`${served.base}/courses`, encoding ? { "accept-encoding": encoding } : {});
  }
  afterAll(() => {
    close();
    process.env.DATABASE_PATH = saved;
    db?.cleanup();
  });

  it("still serves public files, and pages from Remix", async () => {
    const icon = await fetch(`${url}/favicon.ico`);
    expect(icon.status).toBe(200);
    expect(icon.headers.get("cache-control")).toMatch(/max-age=3600/);
    await icon.arrayBuffer();
    const help = await fetch(`${url}/help`);
    expect(help.status).toBe(200);
    expect(await help.text()).toContain("<html");
    const missing = await fetch(`${url}/favicon.ico.bak`);
    expect(missing.status).toBe(404);
    await missing.arrayBuffer();
  });

  it("sends a cached page as gzip compressed once, with a fresh nonce in every response", async () => {
    // The server as the entry mounts it: with compression and the HTML cache.
    const get = await servedCourses({ build, ...servingMiddleware(build) });
    const browser = "gzip, deflate, br";
    await get(browser); // rendered and stored
    const first = await get(browser); // the first hit asking for gzip: compressed on the fly
    expect(first.headers["x-cache"]).toBe("HIT");
    expect(first.headers["content-encoding"]).toBe("br");
    const pages = [await get(browser), await get(browser)];
    const plain = await get();
    expect(plain.headers["content-encoding"]).toBeUndefined();
    const html = (r: { headers: http.IncomingHttpHeaders; body: Buffer }) => {
      const nonce = /'nonce-([^']+)'/.exec(String(r.headers["content-security-policy"]))![1]!;
      const body = (
        r.headers["content-encoding"] === "gzip" ? zlib.gunzipSync(r.body) : r.body
      ).toString();
      const inBody = [...body.matchAll(/nonce="([^"]+)"/g)].map((m) => m[1]);
      expect(inBody.length).toBeGreaterThan(0);
      expect(new Set(inBody)).toEqual(new Set([nonce]));
      return { nonce, page: body.replaceAll(nonce, "NONCE") };
    };
    for (const r of pages) {
      expect(r.headers["x-cache"]).toBe("HIT");
      expect(r.headers["content-encoding"]).toBe("gzip");
      expect(r.headers.vary).toMatch(/accept-encoding/i);
      expect(Number(r.headers["content-length"])).toBe(r.body.length);
      expect(r.body.length).toBeLessThan(plain.body.length / 2);
    }
    const [a, b, p] = [html(pages[0]!), html(pages[1]!), html(plain)];
    expect(a.nonce).not.toBe(b.nonce);
    expect(a.page).toBe(p.page);
    expect(b.page).toBe(p.page);
    // A browser that refuses gzip gets brotli made for it, as before.
    const br = await get("br, gzip;q=0");
    expect(br.headers["content-encoding"]).toBe("br");
    expect(html({ ...br, body: zlib.brotliDecompressSync(br.body) }).page).toBe(p.page);
  });

  it("sends a hit that needs no compressing before the compression middleware; the others go through it", async () => {
    const { cache, beforeStatic, beforeRemix } = servingMiddleware(build);
    const [early, ...rest] = beforeStatic;
    // A tripwire where the compression middleware stands: which requests went on past the early half.
    const passed: string[] = [];
    const tripwire = (req: http.IncomingMessage, _res: unknown, next: () => void) => {
      passed.push(`${req.url} ${req.headers["accept-encoding"] ?? "-"}`);
      next();
    };
    const get = await servedCourses({
      build,
      beforeStatic: [early!, tripwire, ...rest],
      beforeRemix,
    });
    const browser = "gzip, deflate, br";
    await get(browser); // a miss: rendered behind compression
    expect(passed).toEqual([`/courses ${browser}`]);
    const first = await get(browser); // a hit with no gzip made yet: compressed on the fly
    expect(first.headers["content-encoding"]).toBe("br");
    expect(passed).toHaveLength(2);
    const ready = [await get(browser), await get(), await get("identity")];
    expect(passed).toHaveLength(2);
    expect(cache!.stats()).toMatchObject({ hits: 4, misses: 1 });
    expect(ready.map((r) => r.headers["content-encoding"])).toEqual(["gzip", undefined, undefined]);
    for (const r of [first, ...ready]) {
      expect(r.headers["x-cache"]).toBe("HIT");
      expect(r.headers.vary).toBe("Accept-Encoding");
      expect(r.headers["content-security-policy"]).toMatch(/'nonce-[^']+'/);
    }
    expect(zlib.gunzipSync(ready[0]!.body).length).toBe(ready[1]!.body.length);
  });

  it("leaves no timer behind once a page is sent", async () => {
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
    for (let i = 0; i < 3; i++) await (await fetch(`${url}/help`)).text();
    const before = timers();
    for (let i = 0; i < 30; i++) await (await fetch(`${url}/help`)).text();
    // Before the fix every page left a 5-second abort timer: 30 more here.
    expect(timers() - before).toBeLessThan(5);
  });

  it("hands each loader the request itself, not two copies of it (server-runtime patch)", async () => {
    // Unpatched, Remix rebuilt the Request twice for each loader it ran (stripping ?index and
    // ?_routes that are not there): 3 constructions for /help's one loader, 9 for a 4-loader page.
    const Original = globalThis.Request;
    let made = 0;
    globalThis.Request = class extends Original {
      constructor(...args: ConstructorParameters<typeof Request>) {
        super(...args);
        made++;
      }
    } as typeof Request;
    try {
      await (await fetch(`${url}/help`)).text();
      made = 0;
      for (let i = 0; i < 10; i++) await (await fetch(`${url}/help`)).text();
      expect(made / 10).toBe(1); // the adapter's own Request for the incoming request
      made = 0;
      // With ?index in the address Remix still strips it, in a copy, as before.
      await (await fetch(`${url}/help?index`)).text();
      expect(made).toBeGreaterThan(1);
    } finally {
      globalThis.Request = Original;
    }
  });
});
