/**
 * Issue 10's numbered defects 4, 5, 7 and 8, the folded /classes filters and the weekly menu's
 * wording, in the browser on both projects (375 px phone and 1280 px desktop). The database is
 * only read, to pick classes in the state a defect needs.
 */
import Database from "better-sqlite3";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { DEMO, isPhone, login, registerInBrowser } from "./helpers";

function readDb<T>(baseURL: string | undefined, fn: (db: Database.Database) => T): T {
  const file = path.resolve(import.meta.dirname, `../.tmp/e2e-${new URL(baseURL!).port}.sqlite`);
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

/** Open first-come classes anyone may join (no age rule, no residents-first window) with a free seat. */
const OPEN_TO_ALL = `
  r.status = 'open' AND r.enrol_mode = 'first_come' AND r.residents_first = 0 AND r.min_age IS NULL AND r.max_age IS NULL
  AND (r.enrol_opens_at IS NULL OR r.enrol_opens_at < @now) AND (r.enrol_closes_at IS NULL OR r.enrol_closes_at > @soon)
  AND (SELECT count(*) FROM enrollments e WHERE e.run_id = r.id AND e.status = 'confirmed') < r.capacity - 2
  AND EXISTS (SELECT 1 FROM class_sessions s WHERE s.run_id = r.id AND s.status = 'scheduled' AND s.starts_at > @soon)`;
const FIRST = `(SELECT min(s.starts_at) FROM class_sessions s WHERE s.run_id = r.id AND s.status = 'scheduled')`;

function pickRun(baseURL: string | undefined, where: string, order: "ASC" | "DESC"): number {
  const now = Date.now();
  const row = readDb(baseURL, (db) =>
    db
      .prepare(
        `SELECT r.id AS id FROM class_runs r WHERE ${OPEN_TO_ALL} AND ${where} ORDER BY r.id ${order} LIMIT 1`,
      )
      .get({ now, soon: now + 3_600_000 }),
  ) as { id: number } | undefined;
  if (!row) throw new Error(`the demo seed has no open class where ${where}`);
  return row.id;
}

const enrollButton = (page: Page) => page.locator("form.enrol-form").first().getByRole("button");

test("defect 4: enrolling after the first session says so before the tap, asks for a tick, and the facts box agrees", async ({
  page,
  baseURL,
}) => {
  // A class that has started (its first session is over) and still takes enrolments.
  const runId = pickRun(baseURL, `${FIRST} < @now AND r.cancel_deadline_at IS NULL`, "ASC");
  await registerInBrowser(page, { name: "黄晓燕" });
  await page.goto(`/classes/${runId}`);
  await expect(page.getByTestId("cancel-fact")).toContainText("截止，现在报名后不能自己取消");
  await expect(page.getByTestId("cancel-fact")).not.toContainText("第一次课开始前可取消");
  const warning = page.getByTestId("late-warning");
  await expect(warning).toContainText("第一次课已于");
  await expect(warning).toContainText("不能自己取消");

  // Without the tick the browser does not post (the box is required)…
  await enrollButton(page).click();
  await expect(page).not.toHaveURL(/result=/);
  // …and a post that skips it anyway (no JavaScript, a crafted form) is refused by the server.
  const raw = await page.request.post(`/classes/${runId}`, {
    form: { intent: "enroll" },
    maxRedirects: 0,
  });
  expect(raw.status()).toBe(302);
  expect(raw.headers()["location"]).toContain("reason=late_unconfirmed");

  await warning.getByLabel("我知道报名后不能自己取消").check();
  await enrollButton(page).click();
  await expect(page).toHaveURL(/result=confirmed/);
  // Now enrolled: no cancel button, and the reason why.
  await expect(
    page.getByText("已过取消截止时间，不能再取消报名；某一次课不能来，可以在课前在线请假。"),
  ).toBeVisible();
  await expect(page.getByTestId("enrol-self").getByTestId("leave-link")).toBeVisible();
  await expect(page.getByRole("button", { name: /取消报名/ })).toHaveCount(0);
});

test("defect 4: before the deadline there is no warning and no tick to give", async ({
  page,
  baseURL,
}) => {
  const runId = pickRun(
    baseURL,
    `${FIRST} > @soon AND (r.cancel_deadline_at IS NULL OR r.cancel_deadline_at > @soon)`,
    "DESC",
  );
  await login(page, DEMO.teacher);
  await page.goto(`/classes/${runId}`);
  await expect(page.getByTestId("cancel-fact")).toContainText("可取消");
  await expect(page.getByTestId("cancel-fact")).not.toContainText("截止，现在报名后");
  await expect(page.getByTestId("late-warning")).toHaveCount(0);
});

test("defect 5: 我的课程 — a cancelled enrolment has no 下次上课, a finished class one 已结课 badge", async ({
  page,
  baseURL,
}) => {
  const runId = pickRun(
    baseURL,
    `${FIRST} > @soon AND (r.cancel_deadline_at IS NULL OR r.cancel_deadline_at > @soon)`,
    "DESC",
  );
  await registerInBrowser(page, { name: "郑美玲" });
  await page.goto(`/classes/${runId}`);
  await enrollButton(page).click();
  await expect(page).toHaveURL(/result=confirmed/);

  await page.goto("/me/classes");
  const card = page.locator(`[data-testid="my-class"][data-run="${runId}"]`);
  await expect(card.getByTestId("my-class-badge")).toHaveText("已报名");
  await expect(card.getByTestId("my-class-next")).toContainText("下次上课");
  await card.getByText("取消报名", { exact: true }).click();
  await card.getByRole("button", { name: "确认取消报名" }).click();
  await expect(page.getByRole("status")).toContainText("已取消");
  const cancelled = page.locator(`[data-testid="my-class"][data-run="${runId}"]`);
  await expect(cancelled.getByTestId("my-class-badge")).toHaveText("已取消");
  await expect(cancelled.getByTestId("my-class-next")).toHaveCount(0);
  await expect(cancelled).not.toContainText("下次上课");

  // The demo resident's finished class: one grey 已结课, no green 已报名, no next session.
  const finished = readDb(baseURL, (db) =>
    db
      .prepare(
        `SELECT e.run_id AS id FROM enrollments e JOIN users u ON u.id = e.user_id JOIN class_runs r ON r.id = e.run_id
         WHERE u.phone = ? AND r.status = 'finished' AND e.status = 'confirmed' LIMIT 1`,
      )
      .get(DEMO.resident),
  ) as { id: number } | undefined;
  expect(finished, "the demo resident has a finished class").toBeTruthy();
  await page.context().clearCookies();
  await login(page, DEMO.resident);
  await page.goto("/me/classes");
  const done = page.locator(`[data-testid="my-class"][data-run="${finished!.id}"]`);
  await expect(done.getByTestId("my-class-badge")).toHaveText("已结课");
  await expect(done.getByTestId("my-class-badge")).not.toHaveClass(/\bok\b/);
  expect(((await done.innerText()).match(/已结课/g) ?? []).length).toBe(1);
  await expect(done).not.toContainText("已报名");
  await expect(done.getByTestId("my-class-next")).toHaveCount(0);
});

test("defect 7: 居民想学 after a search counts the search's people and courses, the whole demand apart", async ({
  page,
}) => {
  await login(page, DEMO.manager);
  await page.goto("/manage/huli-001/demand");
  const whole = /共有 (\d+) 位居民在.+标记了想学 (\d+) 门课程/.exec(
    await page.getByTestId("demand-summary").innerText(),
  );
  expect(whole).not.toBeNull();
  const [people, courses] = [Number(whole![1]), Number(whole![2])];

  await page.getByRole("searchbox").fill("党");
  await page.getByRole("button", { name: "查找" }).click();
  await expect(page).toHaveURL(/q=/);
  const summary = await page.getByTestId("demand-summary").innerText();
  const found = /与“党”相关：(\d+) 位居民在.+标记了想学其中 (\d+) 门课程/.exec(summary);
  expect(found, summary).not.toBeNull();
  const counts = (await page.getByTestId("want-count").allInnerTexts()).map(Number);
  // The course count is the list's; the people are those who want one of those courses.
  expect(Number(found![2])).toBe(counts.length);
  expect(Number(found![1])).toBeGreaterThanOrEqual(Math.max(...counts));
  expect(Number(found![1])).toBeLessThanOrEqual(counts.reduce((a, b) => a + b, 0));
  expect(Number(found![1])).toBeLessThan(people);
  // The academy's whole demand stays visible, labelled as such.
  await expect(page.getByTestId("demand-all")).toHaveText(
    new RegExp(`全部：${people} 位居民想学 ${courses} 门课程`),
  );
});

test("defect 8: the order form's term defaults to the term the class will be held in", async ({
  page,
  baseURL,
}) => {
  // A city course the academy has no open order for (one open order per course; other specs order PD-0010).
  const course = readDb(baseURL, (db) =>
    db
      .prepare(
        `SELECT c.code AS code FROM courses c
         WHERE c.current_version_id IS NOT NULL AND c.retired_at IS NULL AND c.source_level = 'city' AND c.code <> 'PD-0010'
           AND NOT EXISTS (SELECT 1 FROM course_orders o JOIN academies a ON a.id = o.academy_id
                           WHERE o.course_id = c.id AND a.slug = 'huli-001' AND o.state IN ('submitted', 'accepted'))
         ORDER BY c.code DESC LIMIT 1`,
      )
      .get(),
  ) as { code: string };
  await login(page, DEMO.manager);
  await page.goto(`/manage/huli-001/orders/new?course=${course.code}`);
  // Today + two weeks (from an order to its first class), in Shanghai, decides the season.
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone: "Asia/Shanghai",
    year: "numeric",
    month: "numeric",
  }).formatToParts(new Date(Date.now() + 14 * 86_400_000));
  const year = Number(parts.find((p) => p.type === "year")!.value);
  const month = Number(parts.find((p) => p.type === "month")!.value);
  const expected =
    month === 12
      ? `${year} 年冬季`
      : month <= 2
        ? `${year - 1} 年冬季`
        : month <= 5
          ? `${year} 年春季`
          : month <= 8
            ? `${year} 年夏季`
            : `${year} 年秋季`;
  const term = page.getByLabel("开课学期");
  await expect(term).toHaveValue(expected);
  await expect(page.getByText("冬季 12 月至次年 2 月")).toBeVisible();
  // The manager can choose a later term; the order keeps it.
  const later = (await term.locator("option").allInnerTexts())[1]!;
  await term.selectOption(later);
  await page.getByRole("button", { name: "提交点单" }).click();
  await expect(page.getByText("点单已提交")).toBeVisible();
  await expect(
    page.getByTestId("order-row").filter({ hasText: course.code }).first(),
  ).toContainText(`学期：${later}`);
});

test("/classes: after filtering, the filters fold away and the count and first classes come first", async ({
  page,
}) => {
  await page.goto("/classes?district=");
  const filters = page.getByTestId("class-filters");
  await filters.locator("summary").click();
  await page.getByLabel("区", { exact: true }).selectOption({ label: "湖里区" });
  await page.getByLabel("时段").selectOption({ label: "晚上" });
  await page.getByRole("button", { name: "筛选", exact: true }).click();
  await expect(page).toHaveURL(/district=huli/);
  await expect(page).toHaveURL(/time=evening/);
  expect(await filters.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
  await expect(filters.locator("summary")).toContainText("湖里区 · 晚上");
  const height = page.viewportSize()!.height;
  const count = (await page.getByTestId("class-count").boundingBox())!;
  expect(count.y + count.height).toBeLessThan(height);
  const first = (await page.getByTestId("class-list").locator("li").first().boundingBox())!;
  expect(first.y).toBeLessThan(height - 100);
});

test("/classes without JavaScript: the filtered page opens with the filters folded", async ({
  browser,
  baseURL,
}, info) => {
  const context = await browser.newContext({
    javaScriptEnabled: false,
    viewport: info.project.use.viewport!,
    baseURL,
  });
  const page = await context.newPage();
  await page.goto("/classes?district=huli&weekday=2");
  const filters = page.getByTestId("class-filters");
  expect(await filters.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
  await expect(filters.locator("summary")).toContainText("湖里区 · 周二");
  const count = (await page.getByTestId("class-count").boundingBox())!;
  expect(count.y + count.height).toBeLessThan(page.viewportSize()!.height);
  await context.close();
});

test("weekly menu: the sign-up line points to the QR code where it really is", async ({ page }) => {
  await page.goto("/academies/huli-001/menu");
  const line = page.getByTestId("menu-signup");
  await expect(line).toContainText("扫上方二维码");
  await expect(page.getByTestId("course-menu")).not.toContainText("右上角");
  const qr = (await page.getByRole("img", { name: /^二维码/ }).boundingBox())!;
  const foot = (await line.boundingBox())!;
  expect(qr.y + qr.height).toBeLessThan(foot.y);
  if (isPhone(page)) {
    // On a phone the code sits under the title, so "右上" would be wrong; the address is a link instead.
    const title = (await page.getByRole("heading", { level: 1 }).boundingBox())!;
    expect(qr.y).toBeGreaterThan(title.y + title.height - 1);
  }
  await expect(line.getByRole("link")).toHaveAttribute("href", /\/academies\/huli-001$/);
});

test("the district centre's table: cards on a phone, headers on one line on a desktop (no 开/课)", async ({
  page,
}) => {
  await login(page, DEMO.district);
  await page.goto("/district");
  const table = page.locator("table.stack-table").first();
  const firstRow = table.locator("tbody tr").first();
  await expect(firstRow.locator('td[data-label="社区人口"]')).toHaveText(/\d/);
  if (isPhone(page)) {
    // One card per academy: rows are blocks, the header row is out of sight, each value is labelled.
    expect(await firstRow.evaluate((tr) => getComputedStyle(tr).display)).toBe("block");
    expect((await table.locator("thead").boundingBox())!.height).toBeLessThanOrEqual(1);
    const label = await firstRow
      .locator('td[data-label="社区人口"]')
      .evaluate((td) => getComputedStyle(td, "::before").content);
    expect(label).toBe('"社区人口"');
  } else {
    for (const th of await table.locator("thead th").all()) {
      // The height of the header's text (not its padding) in lines.
      const lines = await th.evaluate((el) => {
        const range = document.createRange();
        range.selectNodeContents(el);
        return Math.round(
          range.getBoundingClientRect().height / parseFloat(getComputedStyle(el).lineHeight),
        );
      });
      expect(lines, await th.innerText()).toBeLessThanOrEqual(1);
    }
  }
  const sw = await page.evaluate(() => document.scrollingElement!.scrollWidth);
  expect(sw).toBeLessThanOrEqual(page.viewportSize()!.width);
});
