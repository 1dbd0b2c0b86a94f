import path from "node:path";
import { expect, test, type Browser } from "@playwright/test";
import { openDatabase } from "@db/client";
import { closeDueProposals } from "~/modules/community/proposals.server";
import { DEMO, login } from "./helpers";

/** Each Playwright project has its own server and database, named by its port. */
const dbFileOf = (baseURL: string | undefined) =>
  path.resolve(import.meta.dirname, `../.tmp/e2e-${new URL(baseURL!).port}.sqlite`);
const DAY = 86_400_000;

async function as(browser: Browser, phone: string) {
  const context = await browser.newContext({
    viewport: { width: 375, height: 812 },
    locale: "zh-CN",
    timezoneId: "Asia/Shanghai",
  });
  const page = await context.newPage();
  await login(page, phone);
  return { page, context };
}

test("a resident applies to join a group and its leader approves", async ({ browser }) => {
  const stamp = String(Date.now()).slice(-6);
  const name = `金山合唱团${stamp}`;
  const leaderPhone = "13600000001";

  // The academy manager registers the organisation with a resident as its leader.
  const manager = await as(browser, DEMO.manager);
  await manager.page.goto("/manage/huli-001/organisations");
  await manager.page.getByLabel("组织名称").fill(name);
  await manager.page.getByLabel("类型").selectOption({ label: "文艺团队" });
  await manager.page.getByLabel("负责人手机号").fill("13000000000");
  await manager.page.getByRole("button", { name: /登记/ }).click();
  // An unknown phone: a message next to the field, the name kept.
  await expect(manager.page.getByText("这个手机号还没有注册。请负责人先注册账号。")).toBeVisible();
  await expect(manager.page.getByLabel("组织名称")).toHaveValue(name);
  await manager.page.getByLabel("负责人手机号").fill(leaderPhone);
  await manager.page.getByRole("button", { name: /登记/ }).click();
  await expect(manager.page).toHaveURL(/\/organisations\/\d+/);
  const orgUrl = new URL(manager.page.url()).pathname;
  await expect(manager.page.getByTestId("org-stage")).toContainText("筹备");

  // A resident finds it on the academy page and applies.
  const resident = await as(browser, DEMO.resident);
  await resident.page.goto("/academies/huli-001");
  await resident.page.getByRole("link", { name }).click();
  await expect(resident.page).toHaveURL(orgUrl);
  await resident.page.getByLabel("留言（选填）").fill("我会唱女高音");
  await resident.page.getByRole("button", { name: "申请加入" }).click();
  await expect(resident.page.getByRole("status")).toContainText("申请已提交");
  await expect(resident.page.getByText("您的入会申请正在等待负责人审核。")).toBeVisible();

  // The leader sees the application in 消息 and on the page, and approves it.
  const leader = await as(browser, leaderPhone);
  await leader.page.goto("/me/messages");
  await expect(leader.page.getByText(`居民 申请加入“${name}”`).first()).toBeVisible();
  await leader.page.goto(orgUrl);
  await expect(leader.page.getByTestId("org-pending")).toContainText("我会唱女高音");
  await leader.page.getByRole("button", { name: "同意 居民 加入" }).click();
  await expect(leader.page.getByRole("status")).toContainText("已处理");
  await expect(leader.page.getByTestId("org-members")).toHaveText("2 人");

  // The resident is told and is now a member.
  await resident.page.goto("/me/messages");
  await expect(resident.page.getByText(`您已加入“${name}”`).first()).toBeVisible();
  await resident.page.goto(orgUrl);
  await expect(resident.page.getByText("您是这个组织的成员。")).toBeVisible();

  // The manager moves it to 孵化中; the change is dated on the page.
  await manager.page.goto(orgUrl);
  await manager.page.getByLabel("新阶段").selectOption({ label: "孵化中" });
  await manager.page.getByRole("button", { name: "变更阶段" }).click();
  await expect(manager.page.getByTestId("org-stage")).toContainText("孵化中");
  await expect(manager.page.getByText(/筹备 → 孵化中/)).toBeVisible();
  for (const c of [manager, resident, leader]) await c.context.close();
});

test("a draft course goes through 公示 with votes and, closed by the scheduled job, becomes a course in HQ review", async ({
  browser,
  baseURL,
}) => {
  const stamp = String(Date.now()).slice(-4);
  const title = `社区茶艺课${stamp}`;
  const manager = await as(browser, DEMO.manager);
  const page = manager.page;

  // The manager writes a 社区特色 draft through the catalogue's author path.
  await page.goto("/hq/courses/new");
  await page.getByLabel("课程名称").fill(title);
  await page.getByLabel("课程编号").fill(`CY-${stamp}`);
  await page.getByLabel("分类").selectOption({ label: "闽南文化" });
  await page.getByLabel("课程来源").selectOption({ label: "社区特色课程" });
  await page.getByLabel("课程简介").fill("跟着社区老茶人学泡工夫茶。");
  await page.getByLabel("学习目标").fill("学会泡一壶工夫茶\n了解闽南茶俗");
  await page.getByRole("button", { name: "保存并撰写大纲" }).click();
  await expect(page).toHaveURL(/\/hq\/courses\/\d+\/edit\?created=1/);
  const editor = page.getByRole("textbox", { name: "教学大纲" });
  await editor.click();
  await page.keyboard.type("第一讲 认识茶具；第二讲 冲泡示范");
  await page.getByRole("button", { name: "保存草稿" }).click();
  await expect(page.getByTestId("save-status")).toContainText("已保存");

  // It goes to 公示 for 1 day; the outcome rule is fixed now.
  await page.goto("/manage/huli-001/proposals");
  const draft = await page
    .getByLabel("课程草稿")
    .locator("option", { hasText: title })
    .getAttribute("value");
  await page.getByLabel("课程草稿").selectOption(draft!);
  await page.getByLabel("公示天数").fill("1");
  await page.getByLabel("通过所需的支持比例（%）").fill("60");
  await page.getByLabel("最少投票人数").fill("2");
  await page.getByRole("button", { name: "开始公示" }).click();
  await expect(page).toHaveURL(/\/proposals\/\d+\?done=notice/);
  const proposalUrl = new URL(page.url()).pathname;
  await expect(page.getByTestId("proposal-status")).toHaveText("公示中");

  // Residents vote once each; a second vote is refused in Chinese.
  for (const [phone, choice] of [
    ["13600000002", "支持开设这门课"],
    ["13600000003", "支持开设这门课"],
    ["13600000004", "反对"],
  ] as const) {
    const r = await as(browser, phone);
    await r.page.goto(proposalUrl);
    await r.page.getByLabel(choice).check();
    await r.page.getByRole("button", { name: "投票" }).click();
    await expect(r.page.getByRole("status")).toContainText("您的投票已记录");
    await expect(r.page.getByTestId("my-vote")).toBeVisible();
    if (phone === "13600000002") {
      await r.page.getByLabel("发表意见").fill("希望周末上课");
      await r.page.getByRole("button", { name: "发表" }).click();
      await expect(r.page.getByText("希望周末上课")).toBeVisible();
    }
    await r.context.close();
  }
  await page.goto(proposalUrl);
  await expect(page.getByTestId("proposal-counts")).toContainText("支持 2 · 反对 1");

  // The notice ends: the scheduled job (the same function the job runner calls) decides it.
  const db = openDatabase(dbFileOf(baseURL));
  try {
    const decided = closeDueProposals(db, Date.now() + DAY + 60_000);
    const id = Number(proposalUrl.split("/").pop());
    expect(decided.find((d) => d.id === id)).toMatchObject({
      outcome: "accepted",
      support: 2,
      oppose: 1,
      submitted: true,
    });
  } finally {
    db.$client.close();
  }
  await page.goto(proposalUrl);
  await expect(page.getByTestId("proposal-status")).toHaveText("已通过，报总部审核");
  await expect(page.getByTestId("proposal-course-state")).toContainText("总部审核中");
  await expect(page.getByTestId("proposal-trail")).toContainText("公示期满（系统定时任务）");
  await expect(page.getByTestId("proposal-trail")).toContainText("提交总部审核");
  await manager.context.close();

  const hq = await as(browser, DEMO.hqEditor);
  // HQ finds it among the courses waiting for review.
  await hq.page.goto(`/hq/courses?q=${encodeURIComponent(title)}&status=review`);
  await expect(hq.page.getByRole("link", { name: title })).toBeVisible();
  await hq.context.close();
});

async function withoutJs(browser: Browser, phone: string) {
  const context = await browser.newContext({
    viewport: { width: 375, height: 812 },
    locale: "zh-CN",
    timezoneId: "Asia/Shanghai",
    javaScriptEnabled: false,
  });
  const page = await context.newPage();
  await login(page, phone);
  return { page, context };
}

test("before JavaScript: a survey answer with a required question left empty keeps the other answers; a meeting form says what is wrong next to the field", async ({
  browser,
}) => {
  const stamp = String(Date.now()).slice(-6);
  const manager = await withoutJs(browser, DEMO.manager);
  await manager.page.goto("/manage/huli-001/proposals");
  await manager.page.getByLabel("标题").fill(`春季想学什么${stamp}`);
  await manager.page.getByRole("button", { name: "发布调查" }).click();
  await expect(manager.page.getByText("调查已发布")).toBeVisible();
  const surveyPath = new URL(manager.page.url()).pathname;

  const resident = await withoutJs(browser, DEMO.resident);
  await resident.page.goto(surveyPath);
  await resident.page.getByTestId("survey-q2").getByLabel("周末").check();
  await resident.page.getByLabel("其他建议").fill("想学南音");
  await resident.page.getByRole("button", { name: "提交" }).click();
  const q1 = resident.page.getByTestId("survey-q1");
  await expect(q1.getByRole("alert")).toHaveText("“最想学的方向”是必答题，请填写。");
  await expect(resident.page.getByTestId("survey-q2").getByLabel("周末")).toBeChecked();
  await expect(resident.page.getByLabel("其他建议")).toHaveValue("想学南音");
  await q1.getByLabel("闽南文化").check();
  await resident.page.getByRole("button", { name: "提交" }).click();
  await expect(resident.page.getByText("谢谢您的回答")).toBeVisible();
  await resident.context.close();

  // The demo topic's held meeting: its minutes are frozen; an empty addendum is refused next to the editor.
  await manager.page.goto("/manage/huli-001/topics");
  await manager.page.locator("main a[href^='/manage/huli-001/topics/']").first().click();
  await manager.page.locator("a[href*='/meetings/']").first().click();
  await expect(manager.page.getByTestId("minutes-frozen")).toBeVisible();
  await manager.page.getByRole("button", { name: "添加补充说明" }).click();
  await expect(manager.page.locator(".field.has-error [role=alert]")).toBeVisible();
  await expect(manager.page.getByTestId("minutes-frozen")).toBeVisible();
  await manager.context.close();
});
