/**
 * Accessibility (issue 14), on the phone (375 px) and the desktop (1280 px) project:
 * - axe (@axe-core/playwright) with the WCAG 2.0/2.1/2.2 A and AA tags on the main pages of every
 *   role, in normal and in 长辈模式 (large text): zero violations, and no script error (a page
 *   that fails to hydrate);
 * - the text-size minimums on the same pages: 18 px body text and 44 × 44 px targets; in 长辈模式
 *   22 px and 60 × 60 px (overflow.spec.ts checks the targets on every page the menus reach, at 375 px);
 * desktop only (@desktop, width-independent):
 * - a keyboard-only journey: a resident signs in, finds a class and enrols, with Tab and Enter only;
 * - time zones: the server runs with TZ=UTC (tests/playwright.config.ts); a class's times still
 *   read in Asia/Shanghai.
 */
import Database from "better-sqlite3";
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { DEMO, DEMO_PASSWORD, registerInBrowser } from "./helpers";

const dbFileOf = (baseURL: string | undefined) =>
  path.resolve(import.meta.dirname, `../.tmp/e2e-${new URL(baseURL!).port}.sqlite`);

const WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"];

const PAGES: { who: string; phone: string | null; paths: string[] }[] = [
  {
    who: "anonymous",
    phone: null,
    paths: [
      "/",
      "/courses",
      "/classes",
      "/activities",
      "/academies",
      "/login",
      "/register",
      "/help",
    ],
  },
  {
    who: "resident",
    phone: DEMO.resident,
    paths: ["/me", "/me/classes", "/me/family", "/me/messages", "/me/activities"],
  },
  { who: "teacher", phone: DEMO.teacher, paths: ["/teach"] },
  {
    who: "manager",
    phone: DEMO.manager,
    paths: ["/manage/huli-001", "/manage/huli-001/runs", "/manage/huli-001/activities"],
  },
  { who: "district staff", phone: DEMO.district, paths: ["/district", "/district/runs"] },
  { who: "hq_editor", phone: DEMO.hqEditor, paths: ["/hq", "/hq/courses"] },
  { who: "hq_admin", phone: DEMO.hqAdmin, paths: ["/hq/users", "/hq/audit"] },
];

async function signIn(page: Page, phone: string | null) {
  if (!phone) return;
  const res = await page.request.post("/login", {
    form: { phone, password: DEMO_PASSWORD, redirectTo: "" },
    maxRedirects: 0,
  });
  expect(res.status(), "login redirects").toBe(302);
}

/**
 * What a person taps: buttons, links styled as buttons or chips, menu entries, form controls and the
 * labels of ticks and choices. Text links inside sentences are not targets (WCAG 2.5.8 exempts them).
 * app/styles/app.css gives the same list 60 × 60 px in 长辈模式.
 */
const TARGETS = [
  "button",
  ".button",
  "summary",
  "select",
  "textarea",
  'input:not([type="hidden"]):not([type="checkbox"]):not([type="radio"]):not([type="file"])',
  "nav a",
  ".check-chip",
  ".choice",
  ".checkbox",
  ".rating-option",
  ".attendance-row",
  ".pick-link",
  ".filter-bar a",
  ".jump-list a",
  ".category-chip",
  ".category-badge-link",
  ".breadcrumbs a",
  ".inline-chips .tag",
  ".resource-list a",
  ".tel-link",
  ".card-link",
  ".district-list h2 a",
  ".period-presets a",
  ".export-links a",
  ".sort-link",
  ".session-chip",
  ".checkin-url a",
].join(", ");

/**
 * The text-size minimums (README「Accessibility」; issue 14, MIIT 适老化): body text 18 px and
 * targets ≥ 44 × 44 px; in 长辈模式 body text 22 px and targets ≥ 60 × 60 px. Body text is the
 * page's own size and every paragraph, list item, cell and definition in <main>, except what the
 * design marks as secondary (hints, muted notes, tags).
 */
function minimums({ body, target, targets }: { body: number; target: number; targets: string }) {
  const problems: string[] = [];
  const px = (el: Element) => parseFloat(getComputedStyle(el).fontSize);
  const text = (el: Element) => (el.textContent ?? "").trim().replace(/\s+/g, " ").slice(0, 16);
  if (Math.abs(px(document.body) - body) > 0.5) problems.push(`body text ${px(document.body)} px`);
  const secondary =
    ".hint, .muted, .small-text, small, .tag, .badge, .category-badge, .visually-hidden, .skip-link, [hidden], .stat-explain, .stat-change";
  for (const el of Array.from(document.querySelectorAll("main p, main li, main td, main dd"))) {
    const r = el.getBoundingClientRect();
    if (!r.width || !r.height || el.closest(secondary) || !text(el)) continue;
    if (px(el) < body - 0.5)
      problems.push(
        `${px(el)} px text <${el.tagName.toLowerCase()}.${el.className}> 「${text(el)}」`,
      );
  }
  for (const el of Array.from(document.querySelectorAll<HTMLElement>(targets))) {
    const r = el.getBoundingClientRect();
    if (!r.width || !r.height || el.closest(".visually-hidden, .skip-link, [hidden]")) continue;
    if (r.height < target - 0.5 || r.width < target - 0.5)
      problems.push(
        `${Math.round(r.width)}×${Math.round(r.height)} <${el.tagName.toLowerCase()}.${el.className}> 「${text(el)}」`,
      );
  }
  return problems;
}

// One visit per page serves both checks (the e2e suite's run time), each reported on its own.
for (const mode of ["normal", "large"] as const) {
  const want = mode === "large" ? { body: 22, target: 60 } : { body: 18, target: 44 };
  for (const role of PAGES) {
    test(`axe WCAG 2.2 AA and the ${want.body} px text / ${want.target} px target minimums: ${role.who}'s main pages, ${mode === "large" ? "长辈模式" : "normal text"}`, async ({
      page,
      context,
      baseURL,
    }) => {
      await context.addCookies([{ name: "text-size", value: mode, url: baseURL! }]);
      await signIn(page, role.phone);
      const found: string[] = [];
      const small: string[] = [];
      page.on("pageerror", (e) =>
        found.push(`${page.url()}: script error ${e.message.slice(0, 100)}`),
      );
      for (const p of role.paths) {
        const res = await page.goto(p);
        expect(res?.status(), p).toBe(200);
        if (mode === "large") await expect(page.locator("html")).toHaveClass(/large-text/);
        for (const problem of await page.evaluate(minimums, { ...want, targets: TARGETS }))
          small.push(`${p}: ${problem}`);
        const result = await new AxeBuilder({ page }).withTags(WCAG).analyze();
        for (const v of result.violations)
          found.push(
            `${p}: ${v.id} (${v.impact}) ${v.help} — ${v.nodes
              .slice(0, 3)
              .map((n) => n.target.join(" "))
              .join(" | ")}`,
          );
      }
      expect.soft(found, "axe violations and script errors").toEqual([]);
      expect(
        small,
        `${mode === "large" ? "长辈模式" : "normal text"} minimums: ${want.body} px body text, ${want.target} × ${want.target} px targets`,
      ).toEqual([]);
    });
  }
}

/** Presses Tab until the focused element matches (at most `max` presses). */
async function tabTo(page: Page, what: string, matches: (el: Element) => boolean, max = 120) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press("Tab");
    if (await page.evaluate(`(${matches.toString()})(document.activeElement)`)) return;
  }
  throw new Error(`Tab never reached ${what}`);
}

test(
  "keyboard only: a resident signs in, finds a class and enrols",
  { tag: "@desktop" },
  async ({ page, browser, baseURL }) => {
    // An open first-come class with seats and no age or residency rule, starting in the future.
    const db = new Database(dbFileOf(baseURL), { readonly: true, fileMustExist: true });
    const now = Date.now();
    const run = db
      .prepare(
        `SELECT r.id AS id, v.title AS title FROM class_runs r JOIN course_versions v ON v.id = r.course_version_id
       WHERE r.status = 'open' AND r.enrol_mode = 'first_come' AND r.residents_first = 0 AND r.min_age IS NULL AND r.max_age IS NULL
         AND (r.enrol_opens_at IS NULL OR r.enrol_opens_at < ?) AND (r.enrol_closes_at IS NULL OR r.enrol_closes_at > ?)
         AND r.capacity - (SELECT count(*) FROM enrollments e WHERE e.run_id = r.id AND e.status = 'confirmed') >= 3
         AND (SELECT min(s.starts_at) FROM class_sessions s WHERE s.run_id = r.id) > ?
       ORDER BY r.id LIMIT 1`,
      )
      .get(now, now + 3_600_000, now + 3_600_000) as { id: number; title: string } | undefined;
    db.close();
    expect(run, "the demo has an open class with seats").toBeTruthy();

    // The account is made beforehand (registration is another journey); from here on, keys only.
    const setup = await browser.newPage({ baseURL });
    const phone = await registerInBrowser(setup, {
      name: "键盘用户",
      password: "gulangyu-piano-1",
    });
    await setup.close();

    await page.goto("/login");
    await tabTo(page, "the phone field", (el) => (el as HTMLInputElement).name === "phone");
    await page.keyboard.type(phone);
    await tabTo(page, "the password field", (el) => (el as HTMLInputElement).name === "password");
    await page.keyboard.type("gulangyu-piano-1");
    await page.keyboard.press("Enter");
    await expect(page).not.toHaveURL(/\/login/);

    await tabTo(
      page,
      "the 找课程/报名 link to /classes",
      (el) => el.getAttribute("href") === "/classes",
    );
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(/\/classes$/);
    await tabTo(page, "the class search box", (el) => (el as HTMLInputElement).name === "q");
    await page.keyboard.type(run!.title);
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(/q=/);
    const href = `/classes/${run!.id}`;
    await tabTo(
      page,
      `the link to ${href}`,
      new Function("el", `return el.getAttribute("href") === ${JSON.stringify(href)}`) as (
        el: Element,
      ) => boolean,
    );
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(new RegExp(`/classes/${run!.id}`));
    await tabTo(
      page,
      "the 我要报名 button",
      (el) => el.tagName === "BUTTON" && (el.textContent ?? "").includes("我要报名"),
    );
    await page.keyboard.press("Enter");
    await expect(page.getByTestId("enrol-outcome")).toContainText("已确认报名");
  },
);

test(
  "time zone: the server runs with TZ=UTC and a class's first session reads in Asia/Shanghai time",
  { tag: "@desktop" },
  async ({ page, baseURL }) => {
    const db = new Database(dbFileOf(baseURL), { readonly: true, fileMustExist: true });
    // A session whose UTC and Shanghai clock times differ in the hour (all do: +8 h) and in the date (before 08:00 Shanghai is the previous UTC day).
    const s = db
      .prepare(
        `SELECT s.run_id AS runId, s.starts_at AS startsAt FROM class_sessions s JOIN class_runs r ON r.id = s.run_id WHERE r.status IN ('open', 'full') ORDER BY s.starts_at DESC LIMIT 1`,
      )
      .get() as { runId: number; startsAt: number };
    db.close();
    const shanghai = new Intl.DateTimeFormat("zh-CN", {
      timeZone: "Asia/Shanghai",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    }).format(s.startsAt);
    const utc = new Intl.DateTimeFormat("zh-CN", {
      timeZone: "UTC",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    }).format(s.startsAt);
    expect(shanghai).not.toBe(utc);
    await page.goto(`/classes/${s.runId}`);
    const html = await page.content();
    expect(html, `the page shows ${shanghai} (Asia/Shanghai), not only ${utc} (UTC)`).toContain(
      shanghai,
    );
  },
);

test(
  "axe is not blind: a page with an unlabelled field and an image without alt text fails",
  { tag: "@desktop" },
  async ({ page }) => {
    // Hydrated first: React would remove nodes it did not render.
    await page.goto("/help", { waitUntil: "networkidle" });
    await page.evaluate(() => {
      const main = document.querySelector("main") ?? document.body;
      main.insertAdjacentHTML(
        "beforeend",
        '<img src="/favicon.ico"><input type="text"><p style="color:#bbb;background:#fff">浅灰色的字</p>',
      );
    });
    const ids = (await new AxeBuilder({ page }).withTags(WCAG).analyze()).violations.map(
      (v) => v.id,
    );
    expect(ids).toEqual(expect.arrayContaining(["image-alt", "label", "color-contrast"]));
  },
);

test(
  "the minimums check is not blind: small text, a small button and a 44 px button in 长辈模式 fail",
  { tag: "@desktop" },
  async ({ page, context, baseURL }) => {
    await context.addCookies([{ name: "text-size", value: "large", url: baseURL! }]);
    await page.goto("/help", { waitUntil: "networkidle" });
    expect(await page.evaluate(minimums, { body: 22, target: 60, targets: TARGETS })).toEqual([]);
    await page.evaluate(() => {
      const main = document.querySelector("main")!;
      main.insertAdjacentHTML(
        "beforeend",
        '<p style="font-size:15px">小字说明</p><button style="min-height:0;min-width:0;padding:0">小</button><a class="button" style="min-height:0 !important;height:44px;padding:0 8px">四十四</a>',
      );
    });
    const found = await page.evaluate(minimums, { body: 22, target: 60, targets: TARGETS });
    expect(found.join("\n")).toMatch(/15 px text <p\.> 「小字说明」/);
    expect(found.join("\n")).toMatch(/<button\.> 「小」/);
    expect(found.join("\n")).toMatch(/×44 <a\.button> 「四十四」/);
  },
);
