/** The header (issue 10): a bar on wide screens, a menu on phones, without JavaScript too. */
import { expect, request as http, test } from "@playwright/test";
import { DEMO, DEMO_PASSWORD, isPhone, login, openMenu, registerInBrowser } from "./helpers";

test("the header offers its navigation on every width, and marks the current page", async ({
  page,
}) => {
  await page.goto("/classes");
  const nav = page.getByRole("navigation", { name: "主菜单" });
  const classes = nav.getByRole("link", { name: "找课程班", exact: true });
  if (isPhone(page)) {
    // Closed until 菜单 is tapped.
    await expect(classes).toBeHidden();
    await page.getByRole("banner").getByText("菜单", { exact: true }).click();
  } else {
    // No 菜单 button on a wide screen: the bar is simply there (defect 1).
    await expect(page.getByTestId("menu-toggle")).toBeHidden();
  }
  for (const label of ["课程库", "找课程班", "找书院", "登录", "注册"])
    await expect(nav.getByRole("link", { name: label, exact: true })).toBeVisible();
  await expect(classes).toHaveAttribute("aria-current", "page");
  await expect(nav.locator('[aria-current="page"]')).toHaveCount(1);
});

test("signed in, the bar shows the person's sections, 消息 and 退出登录; aria-current follows the page", async ({
  page,
}) => {
  await login(page, DEMO.manager);
  await page.goto("/me/classes");
  await openMenu(page);
  const nav = page.getByRole("navigation", { name: "主菜单" });
  for (const label of ["我的", "我的课程", "书院管理", "编写课程"])
    await expect(nav.getByRole("link", { name: label, exact: true })).toBeVisible();
  await expect(nav.getByRole("link", { name: /^消息/ })).toBeVisible();
  await expect(nav.getByRole("button", { name: "退出登录" })).toBeVisible();
  await expect(nav.locator('[aria-current="page"]')).toHaveText("我的课程");
  // A page under a section marks the section: the run list is part of 书院管理, its tab is 开课.
  await page.goto("/manage/huli-001/runs");
  await openMenu(page);
  await expect(nav.locator('[aria-current="page"]')).toHaveText("书院管理");
  await expect(
    page.getByRole("navigation", { name: "书院管理" }).locator('[aria-current="page"]'),
  ).toHaveText("开课");
});

test("the phone menu closes after following a link, so it never covers the next page (defect 2)", async ({
  page,
}) => {
  await page.goto("/");
  await openMenu(page);
  await page
    .getByRole("navigation", { name: "主菜单" })
    .getByRole("link", { name: "找课程班", exact: true })
    .click();
  await expect(page).toHaveURL(/\/classes$/);
  if (isPhone(page)) {
    await expect(
      page
        .getByRole("navigation", { name: "主菜单" })
        .getByRole("link", { name: "课程库", exact: true }),
    ).toBeHidden();
    expect(
      await page.getByTestId("menu-toggle").evaluate((d) => (d as HTMLDetailsElement).open),
    ).toBe(false);
  }
  // The search button is reachable, not under a menu panel.
  await page
    .getByRole("main")
    .getByRole("button", { name: "搜索" })
    .click({ trial: true, timeout: 3000 });
});

test("without JavaScript the menu opens, its links work and the next page starts closed", async ({
  browser,
  baseURL,
}, info) => {
  const context = await browser.newContext({
    javaScriptEnabled: false,
    viewport: info.project.use.viewport!,
    baseURL,
  });
  const page = await context.newPage();
  await page.goto("/courses");
  await openMenu(page);
  const nav = page.getByRole("navigation", { name: "主菜单" });
  await nav.getByRole("link", { name: "找书院", exact: true }).click();
  await expect(page).toHaveURL(/\/academies$/);
  // The closed menu is out of the accessibility tree on a phone: read the attribute off the DOM.
  await expect(page.locator('#site-nav a[href="/academies"]')).toHaveAttribute(
    "aria-current",
    "page",
  );
  if (isPhone(page))
    await expect(nav.getByRole("link", { name: "课程库", exact: true })).toBeHidden();
  else await expect(nav.getByRole("link", { name: "课程库", exact: true })).toBeVisible();
  await context.close();
});

test("keyboard order follows the header from left to right", async ({ page }) => {
  await page.goto("/academies");
  const focused = async () =>
    page.evaluate(() => (document.activeElement?.textContent ?? "").trim());
  await page.keyboard.press("Tab"); // skip link
  expect(await focused()).toBe("跳到正文");
  await page.keyboard.press("Tab");
  expect(await focused()).toContain("厦门社区书院");
  await page.keyboard.press("Tab");
  expect(await focused()).toBe("长辈模式");
  await page.keyboard.press("Tab");
  if (isPhone(page)) {
    expect(await focused()).toBe("菜单");
    await page.keyboard.press("Enter");
    await page.keyboard.press("Tab");
  }
  const order: string[] = [];
  for (let i = 0; i < 6; i++) {
    order.push(await focused());
    await page.keyboard.press("Tab");
  }
  expect(order).toEqual(["课程库", "找课程班", "社区活动", "找书院", "登录", "注册"]);
  if (isPhone(page)) {
    // Escape closes the menu and puts focus back on 菜单.
    await page.keyboard.press("Escape");
    expect(await focused()).toBe("菜单");
    await expect(
      page
        .getByRole("navigation", { name: "主菜单" })
        .getByRole("link", { name: "课程库", exact: true }),
    ).toBeHidden();
  }
});

test("长辈模式 header: the full name and single-line buttons, within the screen", async ({
  page,
  context,
  baseURL,
}) => {
  await context.addCookies([{ name: "text-size", value: "large", url: baseURL! }]);
  await login(page, DEMO.resident);
  await page.goto("/classes");
  const header = page.getByRole("banner");
  const name = header.locator(".brand-name");
  await expect(name).toHaveText("厦门社区书院");
  expect(await name.evaluate((el) => el.scrollWidth <= el.clientWidth + 1)).toBe(true);
  const buttons = [page.getByTestId("large-text-toggle")];
  if (isPhone(page)) buttons.push(header.locator("summary", { hasText: "菜单" }));
  for (const b of buttons) {
    // One line of 22 px text (line-height 1.2) plus padding and border stays under 2 lines.
    const box = (await b.boundingBox())!;
    expect(box.height, await b.innerText()).toBeLessThan(22 * 1.2 * 2 + 20);
  }
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
    page.viewportSize()!.width,
  );
  const headerBox = (await header.boundingBox())!;
  expect(headerBox.width).toBeLessThanOrEqual(page.viewportSize()!.width);
});

test("signed-in people see their unread 消息 count in the header; reading them clears it", async ({
  page,
  baseURL,
}) => {
  const phone = await registerInBrowser(page, { name: "陈阿姨" });
  await expect(page.getByTestId("unread-count")).toHaveCount(0);

  // A manager adds her to a class by phone: she is told in 消息.
  const manager = await http.newContext({ baseURL });
  await manager.post("/login", {
    form: { phone: DEMO.manager, password: DEMO_PASSWORD, redirectTo: "" },
  });
  const list = await (await manager.get("/manage/huli-001/runs?status=open")).text();
  const runId = /\/manage\/huli-001\/runs\/(\d+)/.exec(list)![1];
  const added = await manager.post(`/manage/huli-001/runs/${runId}/roster`, {
    form: { intent: "add", name: "陈阿姨", phone },
    maxRedirects: 0,
  });
  expect(added.status()).toBeLessThan(400);
  await manager.dispose();

  await page.goto("/classes");
  await expect(page.getByTestId("unread-count")).toContainText("1");
  if (isPhone(page)) await expect(page.getByTestId("menu-unread")).toContainText("1");
  await openMenu(page);
  await page
    .getByRole("navigation", { name: "主菜单" })
    .getByRole("link", { name: /^消息/ })
    .click();
  await expect(page).toHaveURL(/\/me\/messages$/);
  await page.getByRole("button", { name: "全部标为已读" }).click();
  await expect(page.getByTestId("unread-count")).toHaveCount(0);
  await expect(page.getByTestId("menu-unread")).toHaveCount(0);
});
