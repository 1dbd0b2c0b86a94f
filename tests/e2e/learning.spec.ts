import { expect, test } from "@playwright/test";
import { DEMO, DEMO_PASSWORD, demoLiveSession, login } from "./helpers";

/**
 * QR check-in and evaluation on a 375 × 812 phone. The demo seed gives the demo teacher
 * (13900000005) a class in the demo academy whose session started 15 minutes before the server
 * did, with the demo resident (13900000006) enrolled.
 */
test("the teacher shows the QR code, the resident's check-in URL marks them present, and they rate the class", async ({
  browser,
}) => {
  const teacherCtx = await browser.newContext();
  const teacher = await teacherCtx.newPage();
  await login(teacher, DEMO.teacher, DEMO_PASSWORD, "/teach/checkin");
  await expect(teacher).toHaveURL(/\/teach\/checkin$/);
  const live = demoLiveSession(teacher);
  await expect(live).toBeVisible();
  await live.getByRole("link", { name: "签到二维码" }).click();
  await expect(teacher.getByRole("heading", { name: "扫码签到" })).toBeVisible();
  await expect(teacher.locator(".checkin-qr-image svg")).toBeVisible();
  const url = await teacher.getByTestId("checkin-url").getAttribute("href");
  expect(url).toMatch(/\/checkin\/\d+\.\d+\.[\w-]{22}$/);
  const before = Number(
    (await teacher.getByTestId("checkin-count").locator("strong").textContent()) ?? "0",
  );

  // The resident scans (opens the URL), logs in and comes back to the check-in page.
  const residentCtx = await browser.newContext();
  const resident = await residentCtx.newPage();
  await resident.goto(new URL(url!).pathname);
  await expect(resident).toHaveURL(/\/login\?redirectTo=%2Fcheckin%2Fp\./);
  await resident.getByLabel("手机号码").fill(DEMO.resident);
  await resident.getByLabel("密码").fill(DEMO_PASSWORD);
  await resident.getByRole("button", { name: "登录" }).click();
  await expect(resident).toHaveURL(/\/checkin\/p\./);
  await expect(resident.getByRole("heading", { name: "课堂签到" })).toBeVisible();
  await resident.getByRole("button", { name: "签到", exact: true }).click();
  await expect(resident.getByTestId("checkin-done")).toContainText("签到成功");

  // A second scan does not count twice.
  await resident.goto(new URL(resident.url()).pathname);
  await expect(resident.getByTestId("checkin-already")).toContainText("您已签到");
  await expect(resident.getByRole("button", { name: "签到", exact: true })).toHaveCount(0);

  // The teacher's screen counts the resident (it refreshes itself; reload to not wait 30 s).
  await teacher.reload();
  await expect(teacher.getByTestId("checkin-count").locator("strong")).toHaveText(
    String(before + 1),
  );

  // The resident rates the class.
  await resident.getByRole("link", { name: "评价这门课" }).click();
  await expect(resident.getByRole("heading", { name: "评价这门课" })).toBeVisible();
  await resident.getByRole("button", { name: "提交评价" }).click();
  await expect(resident.getByText("请选择 1 到 5 颗星")).toBeVisible();
  await resident.getByLabel(/5 星/).check();
  await resident.getByLabel(/留言/).fill("老师讲得清楚，扫码签到很方便。");
  await resident.getByRole("button", { name: "提交评价" }).click();
  await expect(resident.getByTestId("evaluation-done")).toContainText("谢谢您的评价");

  // The learning record shows the attended session and the class as rated.
  await resident.goto("/me");
  await expect(resident.getByTestId("record-past")).toContainText("已评价");
  await resident.screenshot({ path: "tests/.output/learning-me.png", fullPage: true });
  await teacher.screenshot({ path: "tests/.output/learning-qr.png", fullPage: true });
  await teacherCtx.close();
  await residentCtx.close();
});

test("an expired or forged check-in code is refused in Chinese", async ({ page }) => {
  await login(page, DEMO.resident);
  await page.goto("/checkin/1.1.AAAAAAAAAAAAAAAAAAAAAA");
  await expect(page.getByTestId("checkin-refused")).toContainText("签到码无效");
});

test("the district centre reads its academies' evaluations, read-only", async ({ page }) => {
  await login(page, DEMO.district, DEMO_PASSWORD, "/district");
  await page
    .getByRole("navigation", { name: "区指导中心" })
    .getByRole("link", { name: "评价" })
    .click();
  await expect(page).toHaveURL(/\/district\/evaluations$/);
  await expect(page.getByRole("heading", { level: 2, name: "学员评价" })).toBeVisible();
  await expect(page.getByTestId("eval-average")).toHaveText(/^\d\.\d$/);
  await expect(page.getByRole("link", { name: "金山社区书院" }).first()).toBeVisible();
  await page.getByRole("link", { name: "按教师" }).click();
  await expect(page).toHaveURL(/by=teacher/);
  await expect(page.getByRole("link", { name: "按教师" })).toHaveAttribute("aria-current", "page");
  // Comments are listed, but hiding one stays with the academy's managers and HQ admins.
  await expect(page.getByTestId("eval-comment").first()).toBeVisible();
  await expect(page.getByRole("button", { name: "隐藏" })).toHaveCount(0);
  await expect(page.getByPlaceholder("隐藏原因（可不填）")).toHaveCount(0);
});

test("HQ reads the city's evaluations, narrows them to a district, and odd URL values fall back", async ({
  page,
}) => {
  await login(page, DEMO.hqAdmin, DEMO_PASSWORD, "/hq/evaluations?by=nonsense&page=abc&cpage=-2");
  await expect(page.getByRole("heading", { level: 1, name: "学员评价" })).toBeVisible();
  await expect(page.getByRole("link", { name: "按书院" })).toHaveAttribute("aria-current", "page");
  const city = Number(
    (await page
      .getByText(/条评价/)
      .first()
      .textContent())!.match(/（(\d+) 条评价/)![1],
  );
  expect(city).toBeGreaterThan(0);
  await expect(page.getByTestId("eval-comment").first()).toBeVisible();
  await page.getByLabel("区", { exact: true }).selectOption({ label: "思明区" });
  await page.getByRole("button", { name: "筛选" }).click();
  await expect(page).toHaveURL(/district=\d+/);
  // Read the count only once the filtered page has rendered (the URL can change a frame earlier).
  await expect(page.getByLabel("区", { exact: true })).toHaveValue(/\d+/);
  await expect
    .poll(async () =>
      Number(
        (await page
          .getByText(/条评价/)
          .first()
          .textContent())!.match(/（(\d+) 条评价/)![1],
      ),
    )
    .toBeLessThan(city);
});
