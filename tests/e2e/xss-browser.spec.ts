/**
 * The XSS corpus in a real browser (issue 14). tests/integration/xss.test.ts parses pages with
 * happy-dom, where no script runs; here Chromium loads and hydrates them. The whole corpus
 * (tests/factories/xss.ts XSS_PAYLOADS: every vector, bare and breaking out of " and ') is stored in every free-text field of
 * the trust world (tests/factories/trust-world.ts), its own database and built server, so the
 * other specs' pages stay clean; every page that shows them is opened as a role that sees it. The
 * test fails on any dialog (alert/confirm/prompt), any Content-Security-Policy violation (a
 * `securitypolicyviolation` listener added before any page script, and Chromium's console
 * refusals), any element or attribute from a payload in the live DOM (after React hydrated), and
 * any request to another host (a payload's `src`/`href` being followed).
 *
 * Viewport-independent: desktop project only (@desktop, see tests/playwright.config.ts).
 */
import { expect, test, type BrowserContext, type Page } from "@playwright/test";
import { ensureBuild, startBuiltServer, type BuiltServer } from "@tests/factories/built-server";
import { prepareTrustWorld, type RoleName, type TrustWorld } from "@tests/factories/trust-world";
import { domProblems, storeXssPayloads, XSS_PAGES, XSS_PAYLOADS } from "@tests/factories/xss";

let world: TrustWorld;
let server: BuiltServer;

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  test.setTimeout(300_000);
  ensureBuild();
  world = await prepareTrustWorld();
  storeXssPayloads(world, XSS_PAYLOADS);
  server = await startBuiltServer({ dbFile: world.file, env: { LOG_LEVEL: "fatal" } });
});

test.afterAll(async () => {
  await server?.stop();
  world?.cleanup();
});

/** A browser context as a role, with every listener the check needs; `problems` collects what they hear. */
async function watched(context: BrowserContext, role: RoleName, problems: string[]) {
  const origin = new URL(server.url);
  if (role !== "anonymous")
    await context.addCookies([{ name: "session", value: world.tokens[role], url: server.url }]);
  // Before any page script: CSP refusals are reported to the console, where Playwright hears them.
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      console.error(
        `securitypolicyviolation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`,
      );
    });
  });
  // A payload's URL followed (an <img src>, a <base>, a <link>): refused and reported.
  await context.route(
    (url) => url.host !== origin.host,
    (route) => {
      problems.push(`a request to another host: ${route.request().url().slice(0, 80)}`);
      return route.abort();
    },
  );
  const page = await context.newPage();
  let where = "";
  page.on("dialog", (d) => {
    problems.push(`${where}: a ${d.type()} dialog (${d.message().slice(0, 40)})`);
    void d.dismiss().catch(() => {});
  });
  page.on("console", (m) => {
    if (/securitypolicyviolation|Content Security Policy/i.test(m.text()))
      problems.push(`${where}: ${m.text().slice(0, 160)}`);
  });
  page.on("pageerror", (e) =>
    problems.push(`${where}: a script error: ${e.message.slice(0, 120)}`),
  );
  return { page, at: (path: string) => (where = `${path} as ${role}`) };
}

/** Opens a page and lets it hydrate; then the live DOM must hold nothing from a payload. */
async function openAndCheck(page: Page, path: string, problems: string[]) {
  const res = await page.goto(path, { waitUntil: "networkidle" });
  expect(res?.status(), path).toBe(200);
  // Hydrated: React has attached (the root loader's data was consumed) and effects have run.
  await page.waitForFunction(() => document.readyState === "complete");
  for (const p of (await page.evaluate(`(${domProblems.toString()})(document)`)) as string[])
    problems.push(`${path}: ${p}`);
  return ((await page.evaluate(() => document.body.innerText)) as string).includes("alert(1)");
}

test(
  "the corpus in Chromium: every payload in every free-text field; no dialog, CSP violation, injected element or foreign request on any page that shows them",
  { tag: "@desktop" },
  async ({ browser }) => {
    test.setTimeout(180_000);
    expect(XSS_PAYLOADS.length, "the issue asks for at least 100 payloads").toBeGreaterThanOrEqual(
      100,
    );
    const problems: string[] = [];
    let shown = 0;
    const byRole = new Map<RoleName, string[]>();
    for (const [role, path] of XSS_PAGES)
      byRole.set(role, [...(byRole.get(role) ?? []), path(world)]);
    for (const [role, paths] of byRole) {
      const context = await browser.newContext({ baseURL: server.url });
      const { page, at } = await watched(context, role, problems);
      for (const path of paths) {
        at(path);
        if (await openAndCheck(page, path, problems)) shown++;
      }
      await context.close();
    }
    expect(problems).toEqual([]);
    // The payloads really are on the pages (as text), or the check would prove nothing.
    expect(shown, "pages that display the stored payloads").toBeGreaterThanOrEqual(
      XSS_PAGES.length - 4,
    );
    console.log(
      `xss in Chromium: ${XSS_PAYLOADS.length} payloads in stored fields, ${XSS_PAGES.length} pages loaded, ${shown} showing them`,
    );
  },
);

test(
  "the browser check is not blind: an unescaped payload, a dialog and a CSP refusal are all caught",
  { tag: "@desktop" },
  async ({ browser }) => {
    const problems: string[] = [];
    const context = await browser.newContext({ baseURL: server.url });
    const { page, at } = await watched(context, "anonymous", problems);
    at("/help");
    expect(await openAndCheck(page, "/help", problems)).toBe(false);
    expect(problems).toEqual([]);
    // What a hole would look like: markup put into the page unescaped (our CSP refuses its inline
    // handler), and a script that did run (Playwright's own evaluate is not subject to the CSP).
    await page.evaluate(() =>
      document
        .querySelector("main")!
        .insertAdjacentHTML(
          "beforeend",
          '<img data-xss src="/favicon.ico?x" onerror="alert(1)" onload="alert(1)">',
        ),
    );
    await page.evaluate(() => setTimeout(() => window.alert("xss"), 0));
    await expect.poll(() => problems.join("\n")).toMatch(/securitypolicyviolation/);
    await expect.poll(() => problems.join("\n")).toMatch(/alert dialog/);
    const found = (await page.evaluate(`(${domProblems.toString()})(document)`)) as string[];
    expect(found).toEqual(
      expect.arrayContaining(["<img data-xss> from a payload", "<img onerror=…>"]),
    );
    await context.close();
  },
);
