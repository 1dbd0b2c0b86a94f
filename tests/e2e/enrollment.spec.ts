import Database from "better-sqlite3";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { DEMO_PASSWORD, login, registerInBrowser } from "./helpers";

/**
 * On a 375 × 812 phone: a new resident registers their mother (我的家庭), puts her on the waitlist of
 * a full class, another learner cancels their seat, the mother is promoted and 消息 says so.
 * The database is only read, to pick a full class and one of its learners.
 */
/** Each project has its own server and database (tests/playwright.config.ts); the port names the file. */
function dbFileOf(baseURL: string | undefined) {
  return path.resolve(import.meta.dirname, `../.tmp/e2e-${new URL(baseURL!).port}.sqlite`);
}

type Pick = { runId: number; title: string; holderPhone: string };

/** A full first-come class whose window is open, with no waitlist, and a demo learner holding a seat. */
function pickFullClass(baseURL: string | undefined): Pick {
  const db = new Database(dbFileOf(baseURL), { readonly: true, fileMustExist: true });
  try {
    const now = Date.now();
    const row = db
      .prepare(
        `SELECT r.id AS runId, v.title AS title, u.phone AS holderPhone
         FROM class_runs r
         JOIN course_versions v ON v.id = r.course_version_id
         JOIN enrollments e ON e.run_id = r.id AND e.status = 'confirmed' AND e.family_member_id IS NULL
         JOIN users u ON u.id = e.user_id AND u.phone LIKE '1360000%'
         WHERE r.status = 'full' AND r.enrol_mode = 'first_come' AND r.residents_first = 0
           AND r.min_age IS NULL AND r.max_age IS NULL
           AND (r.enrol_opens_at IS NULL OR r.enrol_opens_at < ?) AND (r.enrol_closes_at IS NULL OR r.enrol_closes_at > ?)
           AND (r.cancel_deadline_at IS NULL OR r.cancel_deadline_at > ?)
           AND (SELECT min(s.starts_at) FROM class_sessions s WHERE s.run_id = r.id AND s.status = 'scheduled') > ?
           AND NOT EXISTS (SELECT 1 FROM enrollments w WHERE w.run_id = r.id AND w.status IN ('waitlisted', 'lottery_pending'))
         ORDER BY r.id DESC LIMIT 1`,
      )
      .get(now, now + 3_600_000, now + 3_600_000, now + 3_600_000) as Pick | undefined;
    if (!row) throw new Error("the demo seed has no full class without a waitlist");
    return row;
  } finally {
    db.close();
  }
}

async function registerResident(page: Page, name: string) {
  return registerInBrowser(page, { name });
}

test.describe("enrolment on a phone", () => {
  test("a resident enrols their mother onto a full class's waitlist; a cancellation promotes her and 消息 says so", async ({
    page,
    browser,
    baseURL,
  }) => {
    const target = pickFullClass(baseURL);

    // 1. Register, then add 母亲 under 我的家庭.
    await registerResident(page, "陈志明");
    await page.goto(`/me/family?redirectTo=${encodeURIComponent(`/classes/${target.runId}`)}`);
    const add = page.locator("form#add");
    await add.getByLabel("姓名").fill("王秀英");
    await add.getByLabel("与您的关系").fill("母亲");
    await add.getByLabel("出生年份").fill("1950");
    await add.getByRole("button", { name: "添加" }).click();
    await expect(page.getByText("已添加「王秀英」")).toBeVisible();
    await expect(page.getByTestId("family-member")).toContainText("母亲 · 王秀英");

    // 2. Back to the class: it is full, so the mother joins the waitlist, first in line.
    await page.getByRole("link", { name: "返回课程报名" }).click();
    await expect(page).toHaveURL(new RegExp(`/classes/${target.runId}`));
    await expect(page.getByTestId("enrol-seats")).toContainText("已满");
    const motherRow = page.locator('[data-testid^="enrol-member-"]');
    await motherRow.getByRole("button", { name: "为母亲（王秀英）加入候补" }).click();
    await expect(page).toHaveURL(/result=waitlisted/);
    const outcome = page.getByTestId("enrol-outcome");
    await expect(outcome).toHaveAttribute("data-result", "waitlisted");
    await expect(outcome).toContainText("候补第 1 位");
    await expect(motherRow.getByTestId("enrol-status")).toHaveText("候补第 1 位");

    // 我的课程 lists the waitlist place with its position.
    await page.goto("/me/classes");
    const item = page.locator(`[data-testid="my-class"][data-run="${target.runId}"]`);
    await expect(item).toHaveAttribute("data-status", "waitlisted");
    await expect(item).toContainText("候补第 1 位");
    await expect(item).toContainText("母亲（王秀英）");

    // 3. Someone holding a seat cancels it from their 我的课程, with one confirmation.
    const other = await browser.newContext({
      viewport: { width: 375, height: 812 },
      locale: "zh-CN",
      timezoneId: "Asia/Shanghai",
    });
    const otherPage = await other.newPage();
    await login(otherPage, target.holderPhone, DEMO_PASSWORD);
    await otherPage.goto("/me/classes");
    const seat = otherPage.locator(
      `[data-testid="my-class"][data-run="${target.runId}"][data-status="confirmed"]`,
    );
    await seat.getByText("取消报名", { exact: true }).click();
    await seat.getByRole("button", { name: "确认取消报名" }).click();
    await expect(otherPage.getByText("空出的名额已自动让给候补第一位")).toBeVisible();
    await other.close();

    // 4. The mother has the seat now, and 消息 tells her son.
    await page.goto("/me/classes");
    await expect(item).toHaveAttribute("data-status", "confirmed");
    await page.goto("/me/messages");
    await expect(page.getByText(`候补转正：「${target.title}」`)).toBeVisible();
    await expect(page.getByText("母亲王秀英").first()).toBeVisible();

    // 5. The class page shows her seat; no horizontal scrolling on the phone.
    await page.goto(`/classes/${target.runId}`);
    await expect(motherRow.getByTestId("enrol-status")).toHaveText("已报名");
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - window.innerWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
  });

  test("without JavaScript: enrol, a refusal in Chinese on the page the post redirects to, cancel with one confirmation", async ({
    browser,
    baseURL,
  }) => {
    const target = pickFullClass(baseURL);
    const context = await browser.newContext({
      javaScriptEnabled: false,
      viewport: { width: 375, height: 812 },
      locale: "zh-CN",
    });
    const page = await context.newPage();
    await registerResident(page, "林秀梅");
    await page.goto(`/classes/${target.runId}`);
    await page.getByTestId("enrol-self").getByRole("button", { name: "加入候补" }).click();
    await expect(page).toHaveURL(/result=waitlisted&position=\d+/);
    await expect(page.getByTestId("enrol-outcome")).toHaveAttribute("data-result", "waitlisted");
    // The same post again (a double tap, a script) is refused, and the page says why.
    const res = await page.request.post(`/classes/${target.runId}`, {
      form: { intent: "enroll" },
      headers: { Origin: new URL(baseURL!).origin },
      maxRedirects: 0,
    });
    expect([302, 303]).toContain(res.status());
    const location = res.headers()["location"]!;
    expect(location).toContain("result=refused");
    expect(location).toContain("reason=already_enrolled");
    await page.goto(location);
    await expect(page.getByTestId("enrol-outcome")).toHaveAttribute("data-result", "refused");
    await expect(page.getByTestId("enrol-outcome")).toContainText("已经报过名了");
    // Leave the waitlist: one confirmation (a <details>, no script needed).
    await page.getByTestId("enrol-self").getByText("退出候补").click();
    await page.getByTestId("enrol-self").getByRole("button", { name: "确认取消" }).click();
    await expect(page.getByTestId("enrol-outcome")).toHaveAttribute("data-result", "cancelled");
    await expect(
      page.getByTestId("enrol-self").getByRole("button", { name: "加入候补" }),
    ).toBeVisible();
    await context.close();
  });
});
