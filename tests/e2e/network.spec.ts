/**
 * The network itself (issue 15 part 6), in a real browser on the built app:
 * HQ creates an academy with opening hours (bad hours first: a Chinese message on the day, the
 * input kept), gives the demo manager that academy, and the manager is refused a Monday class
 * (the academy is closed on Mondays) until they tick 开放时间外 — which lands in the audit log.
 * Then HQ closes the academy with a reason and the public page says 已关闭; reopening undoes it.
 * Screenshots at 1280 px, 375 px and in 长辈模式 go to tests/.output/network-*.png.
 */
import path from "node:path";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { DEMO, login } from "./helpers";

const NAME = `海韵${Date.now() % 100000}社区书院`;
const COURSE = "PD-0011";
const shots = path.resolve(import.meta.dirname, "../.output");

function shanghaiDate(days: number) {
  const today = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(new Date());
  const d = new Date(`${today}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** A Monday at least 8 days ahead that is not near a holiday we know of. */
function nextMonday() {
  for (let i = 8; i < 15; i++) {
    const date = shanghaiDate(i);
    if (new Date(`${date}T00:00:00Z`).getUTCDay() === 1) return date;
  }
  throw new Error("unreachable");
}

async function as(
  browser: Browser,
  phone: string,
  opts: { width?: number; large?: boolean } = {},
): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: opts.width ?? 1280, height: 900 },
    locale: "zh-CN",
    timezoneId: "Asia/Shanghai",
  });
  const page = await context.newPage();
  await login(page, phone);
  if (opts.large)
    await context.addCookies([
      { name: "text-size", value: "large", url: new URL(page.url()).origin },
    ]);
  return page;
}

// The journey is the desktop one (the phone project leaves out @desktop); phone screenshots are taken inside it.
test.describe("academies and opening hours", { tag: "@desktop" }, () => {
  test.describe.configure({ mode: "serial" });

  test("HQ creates an academy with opening hours; its manager is refused a Monday class until 开放时间外 is ticked", async ({
    browser,
  }) => {
    test.setTimeout(180_000);
    const hq = await as(browser, DEMO.hqAdmin);
    await hq.goto("/hq");
    await hq.getByRole("link", { name: "书院", exact: true }).click();
    await expect(hq).toHaveURL(/\/hq\/academies$/);
    await expect(hq.getByRole("status")).toContainText("共 201 所书院");
    await hq.getByRole("link", { name: "新建书院" }).click();

    // Bad hours first: overlapping ranges on 周三 and an end before the start on 周四.
    await hq.getByLabel("书院名称").fill(NAME);
    await hq.getByLabel("所在区").selectOption({ label: "湖里区" });
    await hq.getByLabel("所在社区").fill("海韵社区");
    await hq.getByLabel("地址", { exact: true }).fill("厦门市湖里区海韵路 18 号");
    await hq.getByLabel("电话", { exact: true }).fill("0592-5550188");
    await hq.getByLabel("常住人口").fill("12800");
    await expect(hq.getByLabel("周一")).toHaveValue("");
    await expect(hq.getByLabel("周二")).toHaveValue("09:00-21:00");
    await hq.getByLabel("周三").fill("09:00-12:00，11:00-17:00");
    await hq.getByLabel("周四").fill("21:00-09:00");
    await hq
      .getByLabel("分院（每行一个：分院名称 | 地址）")
      .fill("海韵第一分院 | 海韵路 20 号楼一层");
    await hq.screenshot({ path: path.join(shots, "network-new-desktop.png"), fullPage: true });
    await hq.getByRole("button", { name: "建立书院" }).click();
    await expect(
      hq.getByText("周三：9:00–12:00 和 11:00–17:00 重叠了，请合并成一段或改开。"),
    ).toBeVisible();
    await expect(hq.getByText("周四：21:00–9:00：结束时间必须晚于开始时间。")).toBeVisible();
    await expect(hq.getByLabel("书院名称")).toHaveValue(NAME);
    await expect(hq.getByLabel("周三")).toHaveValue("09:00-12:00，11:00-17:00");
    await hq.screenshot({ path: path.join(shots, "network-errors-desktop.png"), fullPage: true });

    // Without JavaScript the server answers the same (the form is a plain POST).
    await hq.getByLabel("周三").fill("09:00-12:00，14:30-21:00");
    await hq.getByLabel("周四").fill("09:00-21:00");
    await hq.getByRole("button", { name: "建立书院" }).click();
    await expect(hq.getByRole("status")).toHaveText("书院已建好。");
    await expect(hq.getByRole("heading", { level: 1 })).toContainText(NAME);
    await expect(hq.getByLabel("周三")).toHaveValue("09:00-12:00，14:30-21:00");
    const slug = (await hq.getByRole("link", { name: "公开页面" }).getAttribute("href"))!
      .split("/")
      .pop()!;

    // HQ gives the demo manager the new academy.
    await hq.goto(`/hq/users?q=${DEMO.manager}`);
    await hq.getByRole("link", { name: "管理角色" }).first().click();
    await hq.getByLabel("角色", { exact: true }).selectOption({ label: "书院管理员" });
    await hq.getByLabel("书院（书院管理员角色）").selectOption({ label: NAME });
    await hq.getByRole("button", { name: "授予" }).click();
    await expect(hq.getByText(`${NAME}`).first()).toBeVisible();

    // The manager adds a room and schedules a Monday class: refused next to the weekdays.
    const manager = await as(browser, DEMO.manager);
    await manager.goto(`/manage/${slug}/rooms`);
    await manager.getByLabel("教室名称").fill("海韵活动室");
    await manager.getByLabel("容纳人数").fill("30");
    await manager.getByRole("button", { name: "添加教室" }).click();
    await expect(manager.getByText("海韵活动室").first()).toBeVisible();
    await manager.goto(`/manage/${slug}/runs/new?course=${COURSE}`);
    const monday = nextMonday();
    await expect(
      manager.getByText(
        "书院开放时间：周二 9:00–21:00；周三 9:00–12:00、14:30–21:00；周四至周日 9:00–21:00",
      ),
    ).toBeVisible();
    await manager.getByLabel("从哪天开始").fill(monday);
    await manager.getByLabel("周一").check();
    await manager.getByLabel("开始时间").fill("19:00");
    await manager.getByLabel("结束时间").fill("20:30");
    await manager.getByLabel("连续几周").fill("2");
    await manager
      .getByLabel("教室", { exact: true })
      .selectOption({ label: "海韵活动室（30 人）" });
    await manager.getByLabel("名额").fill("20");
    await manager.getByLabel("本书院自己的讲师（不在师资库）").fill("社区志愿者 林老师");
    await manager.getByRole("button", { name: "排课" }).click();
    const refusal = manager.locator(".field.has-error").filter({ hasText: "每周哪几天上课" });
    await expect(refusal).toContainText("书院周一不开放");
    await expect(refusal).toContainText("请勾选“开放时间外”");
    await expect(manager.getByLabel("本书院自己的讲师（不在师资库）")).toHaveValue(
      "社区志愿者 林老师",
    );
    await manager.screenshot({
      path: path.join(shots, "network-refused-desktop.png"),
      fullPage: true,
    });

    // Ticking 开放时间外 lets it through.
    await manager.getByLabel(/开放时间外：确认安排在书院开放时间以外/).check();
    await manager.getByRole("button", { name: "排课" }).click();
    await expect(manager).toHaveURL(/\/runs\/\d+\?done=created/);
    await expect(manager.getByTestId("session-item")).toHaveCount(2);

    // The override is in the audit log.
    await hq.goto(`/hq/audit?q=${encodeURIComponent("开放时间外")}`);
    await expect(hq.getByText(`${NAME} 在开放时间外安排`).first()).toBeVisible();

    // The manager cancels the two sessions; HQ closes the academy, the public page says so, then reopens it.
    for (let i = 0; i < 2; i++) {
      const item = manager
        .getByTestId("session-item")
        .filter({ hasNot: manager.locator(".badge.danger") })
        .first();
      await item.locator("summary", { hasText: "停课" }).click();
      await item.getByLabel("停课原因（会发给学员）").fill("书院调整");
      await item.getByRole("button", { name: "确认停课" }).click();
      await expect(manager.getByText("这次课已停课")).toBeVisible();
    }
    await hq.goto(`/hq/academies?q=${encodeURIComponent(NAME)}`);
    await hq.getByRole("link", { name: NAME }).click();
    await hq.getByText("关闭书院", { exact: true }).click();
    await hq.getByRole("button", { name: "确认关闭" }).click();
    await expect(
      hq.getByText("请写明关闭原因。").or(hq.getByText("请写明关闭原因（至少 2 个字）。")),
    ).toBeVisible();
    await hq.getByLabel("关闭原因").fill("与相邻书院合并");
    await hq.getByRole("button", { name: "确认关闭" }).click();
    await expect(hq.getByRole("status")).toHaveText("书院已关闭。");
    await hq.goto(`/academies/${slug}`);
    await expect(hq.getByRole("heading", { level: 1 })).toContainText("已关闭");
    await expect(hq.getByText("与相邻书院合并")).toBeVisible();
    await hq.goto(`/hq/academies?q=${encodeURIComponent(NAME)}`);
    await hq.getByRole("link", { name: NAME }).click();
    await hq.getByRole("button", { name: "重新开放" }).click();
    await expect(hq.getByRole("status")).toHaveText("书院已重新开放。");

    // The same pages on a 375 px phone and in 长辈模式.
    const phone = await as(browser, DEMO.hqAdmin, { width: 375, large: true });
    await phone.goto("/hq/academies?district=2");
    await phone.screenshot({
      path: path.join(shots, "network-list-phone-large.png"),
      fullPage: true,
    });
    await phone.goto(`/hq/academies?q=${encodeURIComponent(NAME)}`);
    await phone.getByRole("link", { name: NAME }).click();
    await phone.screenshot({
      path: path.join(shots, "network-edit-phone-large.png"),
      fullPage: true,
    });
    const width = await phone.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(375);
    const district = await as(browser, DEMO.district, { width: 375 });
    await district.goto("/district/academies");
    await expect(district.getByRole("heading", { level: 1 })).toContainText("湖里区的书院");
    await district.screenshot({
      path: path.join(shots, "network-district-phone.png"),
      fullPage: true,
    });
  });
});
