/**
 * Per-request work the server no longer does, checked on the built app answering real HTTP in
 * this process: static files are looked for only under public/'s own entries (a page costs no
 * failed stat), and a rendered page leaves no abort timer behind (each one kept the whole render
 * alive for 5 s after the response was sent).
 */
import fs from "node:fs";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import { createApp, publicPathFilter } from "~/modules/ops/http.server";
import { ensureBuild } from "@tests/factories/built-server";
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

describe("the built app behind our Express app", () => {
  let db: TestDb;
  let url = "";
  let close = () => {};
  const saved = process.env.DATABASE_PATH;

  beforeAll(async () => {
    ensureBuild();
    db = createTestDb();
    process.env.DATABASE_PATH = db.file;
    const build = (await import(
      pathToFileURL(path.resolve("build/server/index.js")).href
    )) as ServerBuild;
    const server = createApp({ build }).listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => server.close();
  }, 300_000);
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
