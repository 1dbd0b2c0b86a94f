/**
 * The manager's roster (issue 14) in a browser without JavaScript, on the phone and the desktop:
 * numbers are masked in the page and in its data; 显示全部完整号码 and 显示号码 are plain form
 * POSTs that show the full numbers as tap-to-call links and write one audit row each; a reload
 * hides them again (a GET writes nothing).
 */
import Database from "better-sqlite3";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { DEMO, DEMO_PASSWORD } from "./helpers";

test.use({ javaScriptEnabled: false });

const dbFileOf = (baseURL: string | undefined) =>
  path.resolve(import.meta.dirname, `../.tmp/e2e-${new URL(baseURL!).port}.sqlite`);
/** A whole mainland mobile number (not part of a longer number such as a timestamp). */
const FULL = /(?<!\d)1[3-9]\d{9}(?!\d)/g;

function query<T>(baseURL: string | undefined, sql: string, ...args: unknown[]) {
  const db = new Database(dbFileOf(baseURL), { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all(...args) as T[];
  } finally {
    db.close();
  }
}
const views = (baseURL: string | undefined) =>
  query<{ n: number }>(
    baseURL,
    "SELECT count(*) AS n FROM audit_log WHERE action = 'roster.phone-view'",
  )[0]!.n;

async function signIn(page: Page, phone: string) {
  const res = await page.request.post("/login", {
    form: { phone, password: DEMO_PASSWORD, redirectTo: "" },
    maxRedirects: 0,
  });
  expect(res.status(), "login redirects").toBe(302);
}

test("the manager's roster is masked; 显示全部完整号码 and 显示号码 work without JavaScript, audited, and a reload hides the numbers", async ({
  page,
  baseURL,
}) => {
  // A class of the demo manager's academy with at least two people on its roster.
  const [run] = query<{ id: number; n: number }>(
    baseURL,
    `SELECT r.id AS id, count(*) AS n FROM class_runs r JOIN academies a ON a.id = r.academy_id
       JOIN enrollments e ON e.run_id = r.id AND e.status IN ('confirmed', 'waitlisted', 'lottery_pending')
     WHERE a.slug = 'huli-001' GROUP BY r.id HAVING count(*) >= 2 ORDER BY r.id LIMIT 1`,
  );
  expect(run, "the demo has a class with people on its roster").toBeTruthy();
  const url = `/manage/huli-001/runs/${run!.id}/roster`;
  await signIn(page, DEMO.manager);

  const before = views(baseURL);
  await page.goto(url);
  const others = (html: string) => (html.match(FULL) ?? []).filter((p) => p !== DEMO.manager); // their own is theirs
  expect(
    others(await page.content()),
    "no one else's full number anywhere in the page or its data",
  ).toEqual([]);
  await expect(page.getByTestId("masked-phone").first()).toHaveText(/^1\d\d\*{4}\d{4}$/);
  await expect(page.getByTestId("full-phone")).toHaveCount(0);
  expect(views(baseURL), "opening the roster (a GET) writes no audit row").toBe(before);

  // Everyone at once.
  await page.getByRole("button", { name: /显示全部完整号码/ }).click();
  await expect(page.getByTestId("reveal-notice")).toContainText(`已显示 ${run!.n} 个完整号码`);
  const links = page.getByTestId("full-phone");
  await expect(links).toHaveCount(run!.n);
  const first = await links.first().textContent();
  expect(first).toMatch(/^1[3-9]\d{9}$/);
  await expect(links.first()).toHaveAttribute("href", `tel:${first}`);
  expect(views(baseURL)).toBe(before + 1);

  // A reload (GET) hides them again and writes nothing.
  await page.goto(url);
  await expect(page.getByTestId("full-phone")).toHaveCount(0);
  expect(views(baseURL)).toBe(before + 1);

  // One person.
  await page
    .getByRole("button", { name: /^显示号码/ })
    .first()
    .click();
  await expect(page.getByTestId("full-phone")).toHaveCount(1);
  await expect(page.getByTestId("reveal-notice")).toContainText("已显示 1 个完整号码");
  expect(views(baseURL)).toBe(before + 2);
  const [last] = query<{ summary: string; actor: string }>(
    baseURL,
    `SELECT a.summary AS summary, u.phone AS actor FROM audit_log a JOIN users u ON u.id = a.actor_id WHERE a.action = 'roster.phone-view' ORDER BY a.id DESC LIMIT 1`,
  );
  expect(last).toMatchObject({ actor: DEMO.manager });
  expect(last!.summary).toContain("1 人");
});

test("HQ admins read the roster but are offered no 显示完整号码, and a forged POST is refused", async ({
  page,
  baseURL,
}) => {
  const [run] = query<{ id: number }>(
    baseURL,
    `SELECT r.id AS id FROM class_runs r JOIN academies a ON a.id = r.academy_id
       JOIN enrollments e ON e.run_id = r.id AND e.status = 'confirmed' WHERE a.slug = 'huli-001' ORDER BY r.id LIMIT 1`,
  );
  const url = `/manage/huli-001/runs/${run!.id}/roster`;
  await signIn(page, DEMO.hqAdmin);
  await page.goto(url);
  await expect(page.getByTestId("masked-phone").first()).toBeVisible();
  await expect(page.getByRole("button", { name: /显示全部完整号码|显示号码/ })).toHaveCount(0);
  const res = await page.request.post(url, {
    form: { intent: "reveal-phones" },
    headers: { Origin: new URL(baseURL!).origin },
  });
  expect(res.status()).toBe(403);
  expect((await res.text()).match(FULL)).toBeNull();
});
