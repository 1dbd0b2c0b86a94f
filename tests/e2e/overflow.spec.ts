/**
 * On a 375 px phone (the phone project only, see tests/playwright.config.ts), for every role: every
 * page its header and tab bars offer, and the detail pages those lists lead to, fit the screen in
 * both text sizes — no horizontal scrolling of the page (issue 10) — every button, menu entry,
 * tab and form control is at least 44 × 44 px (60 × 60 px in 长辈模式), and no date is written in the old 「2026/12/04」 style.
 */
import { expect, test, type Page } from "@playwright/test";
import { DEMO, DEMO_PASSWORD, offeredLinks } from "./helpers";

const ROLES: { who: string; phone: string | null; start: string[] }[] = [
  { who: "anonymous", phone: null, start: ["/", "/help"] },
  { who: "resident", phone: DEMO.resident, start: ["/", "/me/family", "/me/academy"] },
  { who: "teacher", phone: DEMO.teacher, start: ["/"] },
  { who: "manager", phone: DEMO.manager, start: ["/", "/manage/huli-001"] },
  { who: "district staff", phone: DEMO.district, start: ["/"] },
  { who: "hq_editor", phone: DEMO.hqEditor, start: ["/"] },
  { who: "hq_admin", phone: DEMO.hqAdmin, start: ["/"] },
];

/** Detail pages: the first link of each kind found on the pages the menus offer. */
const DETAIL = [
  /^\/classes\/\d+$/,
  /^\/courses\/[A-Z]+-\d+$/,
  /^\/academies\/[a-z]+-\d+$/,
  /^\/activities\/\d+$/,
  /^\/manage\/[a-z]+-\d+\/runs\/\d+$/,
  /^\/manage\/[a-z]+-\d+\/runs\/\d+\/roster$/,
  /^\/manage\/[a-z]+-\d+\/runs\/\d+\/attendance$/,
  /^\/teach\/runs\/\d+$/,
  /^\/hq\/courses\/\d+$/,
  /^\/hq\/users\/\d+$/,
  /^\/hq\/teachers\/\d+$/,
  /^\/hq\/orders\/\d+$/,
  /^\/academies\/[a-z]+-\d+\/menu$/,
];

/** The pages to measure: the menus' and tab bars' links (as the crawl walks them), then one of each detail kind. */
async function pagesFor(page: Page, start: string[]) {
  const seen = new Set<string>();
  const queue = [...start];
  const details = new Map<RegExp, string>();
  while (queue.length && seen.size < 80) {
    const path = queue.shift()!;
    if (seen.has(path)) continue;
    seen.add(path);
    const res = await page.request.get(path);
    if (res.status() !== 200 || !(res.headers()["content-type"] ?? "").includes("text/html"))
      continue;
    const html = await res.text();
    for (const link of offeredLinks(html))
      if (!seen.has(link) && !queue.includes(link)) queue.push(link);
    for (const m of html.matchAll(/href="(\/[^"#?]*)"/g)) {
      const kind = DETAIL.find((re) => re.test(m[1]!));
      if (kind && !details.has(kind)) details.set(kind, m[1]!);
    }
  }
  return [...seen, ...details.values()].filter((p) => !/\.(csv|xlsx|ics)$/.test(p));
}

/** What does not fit: the page's horizontal overflow, and controls smaller than `target` px square
 * (44; 60 in 长辈模式, MIIT 适老化). */
function measure(target: number) {
  const width = window.innerWidth;
  const problems: string[] = [];
  const sw = document.scrollingElement!.scrollWidth;
  if (sw > width) {
    // Name the widest element so a failure says where to look.
    let widest = "";
    let right = width;
    for (const el of Array.from(document.body.querySelectorAll<HTMLElement>("*"))) {
      const r = el.getBoundingClientRect();
      if (r.right > right + 0.5 && r.width > 0) {
        right = r.right;
        widest = `${el.tagName.toLowerCase()}.${el.className}`.slice(0, 60);
      }
    }
    problems.push(`scrollWidth ${sw} > ${width} (widest: ${widest})`);
  }
  const controls = document.querySelectorAll<HTMLElement>(
    'button, .button, summary, select, textarea, input:not([type="hidden"]):not([type="checkbox"]):not([type="radio"]):not([type="file"]), nav a, .check-chip',
  );
  for (const el of Array.from(controls)) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue; // not shown (a closed menu, another layout)
    if (el.closest(".visually-hidden, .skip-link, [hidden]")) continue;
    if (r.height < target - 0.5 || r.width < target - 0.5)
      problems.push(
        `${Math.round(r.width)}×${Math.round(r.height)} ${el.tagName.toLowerCase()} 「${(el.textContent ?? "").trim().slice(0, 16)}」`,
      );
  }
  // Defect 6: one date style everywhere (「12月4日 周五 09:00」), never 「2026/12/04 09:00」.
  const slashDate = /\d{4}\/\d{1,2}\/\d{1,2}/.exec(document.body.innerText);
  if (slashDate) problems.push(`date in the old style: ${slashDate[0]}`);
  return problems;
}

// Independent read-only checks: let both workers share them.
test.describe.configure({ mode: "parallel" });

for (const role of ROLES) {
  for (const large of [false, true]) {
    test(`${role.who}, ${large ? "长辈模式" : "标准字号"}: every main page fits 375 px, with ${large ? 60 : 44} px targets and one date style`, async ({
      page,
      context,
      baseURL,
    }) => {
      test.setTimeout(240_000);
      if (role.phone) {
        const res = await page.request.post("/login", {
          form: { phone: role.phone, password: DEMO_PASSWORD, redirectTo: "" },
          maxRedirects: 0,
        });
        expect(res.status(), "login redirects").toBe(302);
      }
      const paths = await pagesFor(page, role.start);
      expect(paths.length, "the menus and lists lead to pages").toBeGreaterThanOrEqual(
        role.phone ? 8 : 6,
      );
      if (large) await context.addCookies([{ name: "text-size", value: "large", url: baseURL! }]);
      const failures: string[] = [];
      for (const path of paths) {
        const res = await page.goto(path);
        if (!res || res.status() !== 200) continue; // the crawl (crawl.spec.ts) answers for statuses
        expect(
          await page.evaluate(() => document.documentElement.classList.contains("large-text")),
        ).toBe(large);
        for (const p of await page.evaluate(measure, large ? 60 : 44))
          failures.push(`${path}: ${p}`);
      }
      expect(failures, `pages that do not fit a 375 px phone for ${role.who}`).toEqual([]);
    });
  }
}
