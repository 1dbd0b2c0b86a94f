import { expect, test } from "@playwright/test";
import { DEMO, DEMO_PASSWORD, login } from "./helpers";

/**
 * Activities on a 375 × 812 phone. The demo seed gives the demo academy (the demo manager's) an open
 * event under way (邻里节百家宴) and a registered talk starting 25 minutes after the seed (反诈宣讲进社区).
 */
test.use({ viewport: { width: 375, height: 812 } });

test("a resident finds an activity, registers and checks in by QR; the manager sees the check-in", async ({
  browser,
}) => {
  const residentCtx = await browser.newContext({ viewport: { width: 375, height: 812 } });
  const resident = await residentCtx.newPage();
  await login(resident, DEMO.resident, DEMO_PASSWORD, "/activities");
  await expect(resident.getByRole("heading", { level: 1, name: "社区活动" })).toBeVisible();
  await resident
    .getByTestId("activity-list")
    .getByRole("link", { name: /反诈宣讲进社区/ })
    .first()
    .click();
  await expect(resident.getByRole("heading", { level: 1, name: "反诈宣讲进社区" })).toBeVisible();
  await resident.screenshot({ path: "tests/.output/activity-page-375.png", fullPage: true });
  const who = resident.getByLabel("为谁报名");
  if (await who.count()) await who.selectOption({ label: "本人" });
  await resident.getByTestId("register-button").click();
  await expect(resident.getByTestId("register-result")).toContainText("报名成功");
  await expect(resident.getByTestId("my-registrations")).toContainText("本人：已报名");

  // The manager shows the QR code for it.
  const managerCtx = await browser.newContext();
  const manager = await managerCtx.newPage();
  await login(manager, DEMO.manager, DEMO_PASSWORD, "/manage");
  const activityPath = new URL(resident.url()).pathname;
  const id = activityPath.split("/").pop();
  const slug = await resident.getByRole("link", { name: "管理这个活动 →" }).count();
  expect(slug).toBe(0);
  await manager.goto(activityPath);
  await manager.getByRole("link", { name: "管理这个活动 →" }).click();
  await manager.getByRole("link", { name: "扫码签到屏" }).click();
  await expect(manager.locator(".checkin-qr-image svg")).toBeVisible();
  const url = await manager.getByTestId("checkin-url").getAttribute("href");
  expect(url).toMatch(new RegExp(`/activities/checkin/${id}\\.\\d+\\.[\\w-]{22}$`));

  // The resident scans: the code opens the check-in page with themself ticked.
  await resident.goto(new URL(url!).pathname);
  await expect(resident.getByRole("heading", { name: "活动签到" })).toBeVisible();
  await resident.getByRole("button", { name: "签到", exact: true }).click();
  await expect(resident.getByTestId("checkin-done")).toContainText("签到成功");
  await resident.goto(new URL(resident.url()).pathname);
  await expect(resident.getByTestId("checkin-already")).toContainText("您已签到");
  await resident.screenshot({ path: "tests/.output/activity-checkin-375.png", fullPage: true });

  await manager.reload();
  await expect(manager.getByTestId("checkin-count").locator("strong")).toHaveText("1");
  // 我报名的活动 lists it.
  await resident.goto("/me/activities");
  await expect(resident.getByTestId("my-upcoming-activities")).toContainText("反诈宣讲进社区");
  await residentCtx.close();
  await managerCtx.close();
});

test("the manager records a headcount (a negative one is refused in Chinese) and sees the participation count", async ({
  page,
}) => {
  await login(page, DEMO.manager, DEMO_PASSWORD, "/manage");
  // An odd page number is a Chinese 400, not a 500 (the list pages all go through parsePage).
  const odd = await page.request.get("/manage/huli-001/activities?page=1e999");
  expect(odd.status()).toBe(400);
  expect(await odd.text()).toContain("页码不正确");
  // The list's filter marks the one chosen, and only that one.
  await page.goto("/manage/huli-001/activities?when=past");
  const filters = page.getByRole("navigation", { name: "活动列表" });
  await expect(filters.getByRole("link", { name: "已举办" })).toHaveAttribute(
    "aria-current",
    "true",
  );
  await expect(filters.locator("[aria-current]")).toHaveCount(1);
  await page.goto("/activities");
  await page
    .getByTestId("activity-list")
    .getByRole("link", { name: /邻里节百家宴/ })
    .first()
    .click();
  await page.getByRole("link", { name: "管理这个活动 →" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "邻里节百家宴" })).toBeVisible();
  const field = page.getByLabel("现场总人数（含已扫码签到的人）");
  await field.fill("-3");
  await page.getByRole("button", { name: "保存人数" }).click();
  await expect(page.getByText("现场人数不能是负数。")).toBeVisible();
  await expect(field).toHaveValue("-3");
  await field.fill("60");
  await page.getByRole("button", { name: "保存人数" }).click();
  await expect(page.getByTestId("activity-done")).toContainText("现场人数已登记");
  await expect(page.getByTestId("participation-total")).toHaveText("60");
  await page.screenshot({ path: "tests/.output/activity-manage-375.png", fullPage: true });
  // The public page shows the same count.
  await page.getByRole("link", { name: "居民看到的活动页" }).click();
  await expect(page.getByTestId("activity-participations")).toHaveText("60");
});

test("a resident signs up as a volunteer; the manager adds a walk-in who turned up (a bad phone is refused next to the field); 我的居民组织 opens from /me", async ({
  browser,
}) => {
  const residentCtx = await browser.newContext({ viewport: { width: 375, height: 812 } });
  const resident = await residentCtx.newPage();
  await login(resident, DEMO.resident, DEMO_PASSWORD, "/activities");
  await resident
    .getByTestId("activity-list")
    .getByRole("link", { name: /反诈宣讲进社区/ })
    .first()
    .click();
  await resident.getByLabel("想做的事或特长（可不填）").fill("帮忙维持秩序");
  await resident.getByTestId("volunteer-button").click();
  await expect(resident.getByTestId("volunteer-result")).toContainText("志愿者报名已提交");
  await expect(resident.getByTestId("volunteer-state")).toContainText("等待书院确认");
  const activityPath = new URL(resident.url()).pathname;
  await resident.goto("/me");
  await resident.getByTestId("me-organisations-link").click();
  await expect(resident.getByRole("heading", { level: 1, name: "我的居民组织" })).toBeVisible();

  const managerCtx = await browser.newContext({ viewport: { width: 375, height: 812 } });
  const manager = await managerCtx.newPage();
  await login(manager, DEMO.manager, DEMO_PASSWORD, "/manage/huli-001/volunteers");
  await expect(manager.getByRole("link", { name: "活动「反诈宣讲进社区」" }).first()).toBeVisible();
  await manager.goto(`/manage/huli-001/activities/${activityPath.split("/").pop()}`);
  const name = manager.getByLabel("姓名", { exact: true });
  await name.fill("陈阿伯");
  await manager.getByLabel("手机号码").fill("123");
  await manager.getByTestId("walkin-button").click();
  await expect(manager.getByText("请填写 11 位手机号码。")).toBeVisible();
  await expect(name).toHaveValue("陈阿伯");
  await manager.getByLabel("手机号码").fill(`139${String(Date.now()).slice(-8)}`);
  await manager.getByTestId("walkin-button").click();
  await expect(manager.getByTestId("activity-done")).toContainText("已加入报名名单，并记为到场");
  await expect(manager.locator("#roster")).toContainText("陈阿伯");
  await expect(manager.locator("#roster")).toContainText("现场报名");
  await residentCtx.close();
  await managerCtx.close();
});
