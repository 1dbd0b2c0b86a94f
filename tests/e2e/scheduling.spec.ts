import { expect, test, type Browser, type Page } from "@playwright/test";
import { DEMO, login } from "./helpers";

const COURSE = { code: "PD-0010", title: "经营幸福家庭：夫妻沟通与家务共担" };
const OTHER = { code: "PD-0011" };
const ACADEMY = "huli-001";
const ROOM = `家庭教室${Date.now() % 100000}`;

/** Today in Asia/Shanghai plus `days`, as YYYY-MM-DD. */
function shanghaiDate(days: number) {
  const today = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(new Date());
  const d = new Date(`${today}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The Monday at least a week ahead, and its ISO week ("2026-W50"). */
function nextMonday() {
  for (let i = 7; i < 14; i++) {
    const date = shanghaiDate(i);
    if (new Date(`${date}T00:00:00Z`).getUTCDay() === 1) {
      const d = new Date(`${date}T00:00:00Z`);
      const thursday = new Date(d);
      thursday.setUTCDate(d.getUTCDate() + 3);
      const year = thursday.getUTCFullYear();
      const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / 86_400_000 / 7) + 1;
      return { date, week: `${year}-W${String(week).padStart(2, "0")}` };
    }
  }
  throw new Error("unreachable");
}

async function as(browser: Browser, phone: string): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 375, height: 812 },
    locale: "zh-CN",
    timezoneId: "Asia/Shanghai",
  });
  const page = await context.newPage();
  await login(page, phone);
  return page;
}

test.describe("academy scheduling: 想学 → 点单 → 受理 → 开课 → 课程菜单", () => {
  test.describe.configure({ mode: "serial" });

  test("from a resident's 想学 to a printed weekly menu", async ({ browser }) => {
    test.setTimeout(180_000);
    const monday = nextMonday();

    // 1. A resident marks 想学 on the course page; the home academy is preselected.
    const resident = await as(browser, DEMO.resident);
    await resident.goto(`/courses/${COURSE.code}`);
    const panel = resident.getByTestId("want-panel");
    await expect(panel.getByLabel("在哪所书院学")).toHaveValue(/\d+/);
    await expect(panel.getByLabel("在哪所书院学").locator("option:checked")).toHaveText(
      /金山社区书院/,
    );
    await panel.getByRole("button", { name: "我想学" }).click();
    await expect(panel.getByRole("heading", { name: "您已标记想学" })).toBeVisible();
    await expect(panel.getByTestId("want-summary")).toContainText("金山社区书院");

    // 2. The manager sees the demand and orders the course for a term.
    const manager = await as(browser, DEMO.manager);
    await manager.goto(`/manage/${ACADEMY}/demand`);
    await manager.getByRole("searchbox").fill(COURSE.code);
    await manager.getByRole("button", { name: "查找" }).click();
    const row = manager.getByRole("row").filter({ hasText: COURSE.title });
    await expect(row.getByTestId("want-count")).toHaveText(/^[1-9]\d*$/);
    await row.getByRole("link", { name: "点单" }).click();
    await expect(manager.getByRole("heading", { name: COURSE.title })).toBeVisible();
    await manager.getByLabel("周二").check();
    await manager.getByLabel("周四").check();
    await manager.getByLabel("晚上").check();
    await manager.getByLabel("备注（给总部或区指导中心）").fill("二十多位居民想学，希望安排在晚上");
    await manager.getByRole("button", { name: "提交点单" }).click();
    await expect(manager.getByText("点单已提交")).toBeVisible();
    const order = manager.getByTestId("order-row").filter({ hasText: COURSE.title });
    await expect(order.getByText("待受理")).toBeVisible();

    // 3. HQ assigns a pool teacher who teaches it in 湖里 and accepts.
    const hq = await as(browser, DEMO.hqAdmin);
    await hq.goto("/hq/orders?state=submitted");
    await hq
      .getByTestId("order-row")
      .filter({ hasText: COURSE.title })
      .filter({ hasText: "金山社区书院" })
      .getByRole("link", { name: COURSE.title })
      .click();
    const teacherRadio = hq.getByRole("radio").first();
    await expect(teacherRadio).toBeChecked();
    const teacherName = ((await teacherRadio.locator("xpath=..").textContent()) ?? "")
      .replace(/（.*$/, "")
      .trim();
    await hq.getByRole("button", { name: "受理" }).click();
    await expect(hq.getByText("已受理并安排教师")).toBeVisible();
    await expect(hq.getByText(`授课教师：${teacherName}`)).toBeVisible();

    // 4. The manager adds a room and schedules the run twice a week for 6 weeks in it.
    await manager.goto(`/manage/${ACADEMY}/rooms`);
    await manager.getByLabel("教室名称").fill(ROOM);
    await manager.getByLabel("容纳人数").fill("24");
    await manager.getByLabel("无障碍（平层或有电梯，轮椅可到）").check();
    await manager.getByRole("button", { name: "添加教室" }).click();
    await expect(manager.getByText("教室已添加")).toBeVisible();

    await manager.goto(`/manage/${ACADEMY}/orders?state=accepted`);
    await manager
      .getByTestId("order-row")
      .filter({ hasText: COURSE.title })
      .getByRole("link", { name: "排课" })
      .click();
    await expect(manager.getByRole("heading", { name: COURSE.title })).toBeVisible();
    await manager.getByLabel("从哪天开始").fill(monday.date);
    await expect(manager.getByLabel("周二")).toBeChecked(); // the order's preferred weekdays
    await expect(manager.getByLabel("周四")).toBeChecked();
    await manager.getByLabel("开始时间").fill("17:15");
    await manager.getByLabel("结束时间").fill("18:45");
    await manager.getByLabel("连续几周").fill("6");
    await manager
      .getByLabel("教室", { exact: true })
      .selectOption({ label: `${ROOM}（24 人，无障碍）` });
    await manager.getByLabel("名额").fill("30");
    await manager.getByRole("button", { name: "排课" }).click();
    // Over the room's 24 seats without confirming overflow: refused, input kept.
    await expect(manager.getByText(`教室「${ROOM}」只能坐 24 人`)).toBeVisible();
    await expect(manager.getByLabel("连续几周")).toHaveValue("6");
    await manager.getByLabel("名额").fill("24");
    await manager.getByRole("button", { name: "排课" }).click();
    await expect(manager.getByText(/已开班，排了 12 次课/)).toBeVisible();
    await expect(manager.getByTestId("session-item")).toHaveCount(12);
    await expect(manager.getByTestId("session-item").first()).toContainText("周二 17:15–18:45");
    const runUrl = manager.url();

    // 5. Another class in the same room at an overlapping time is refused, naming the class and a free slot.
    await manager.goto(`/manage/${ACADEMY}/runs/new?course=${OTHER.code}`);
    await manager.getByLabel("从哪天开始").fill(monday.date);
    await manager.getByLabel("周二").check();
    await manager.getByLabel("开始时间").fill("18:00");
    await manager.getByLabel("结束时间").fill("19:00");
    await manager.getByLabel("连续几周").fill("1");
    await manager
      .getByLabel("教室", { exact: true })
      .selectOption({ label: `${ROOM}（24 人，无障碍）` });
    await manager.getByLabel("名额").fill("20");
    await manager.getByLabel("本书院自己的讲师（不在师资库）").fill("社区志愿者 王老师");
    await manager.getByRole("button", { name: "排课" }).click();
    const clash = manager.getByText(/^时间冲突/);
    await expect(clash).toBeVisible();
    await expect(clash).toContainText(`教室「${ROOM}」`);
    await expect(clash).toContainText(`「${COURSE.title}」（金山社区书院·${ROOM}）`);
    await expect(clash).toContainText(/建议改到 \d+月\d+日 周二 19:00–20:00/);
    await expect(manager.getByLabel("本书院自己的讲师（不在师资库）")).toHaveValue(
      "社区志愿者 王老师",
    );

    // The run shows on the manager's week view and on the resident's class finder.
    await manager.goto(`/manage/${ACADEMY}?week=${monday.week}`);
    await expect(
      manager.locator(".week-list").getByTestId("week-session").filter({ hasText: COURSE.title }),
    ).toHaveCount(2);
    await resident.goto(`/classes?q=${encodeURIComponent("幸福家庭")}&academy=home`);
    await expect(
      resident.getByTestId("class-card").filter({ hasText: COURSE.title }),
    ).toBeVisible();

    // 6. The weekly course menu lists the class and prints on A4.
    const menuPage = resident;
    await menuPage.goto(`/academies/${ACADEMY}/menu?week=${monday.week}`);
    const menu = menuPage.getByTestId("course-menu");
    await expect(menu).toContainText(COURSE.title);
    await expect(menu).toContainText("17:15–18:45");
    await expect(menu.locator("svg").first()).toBeVisible(); // the QR code
    await expect(menuPage.locator('link[rel="stylesheet"][href*="menu"]')).toHaveCount(1);
    await menuPage.emulateMedia({ media: "print" });
    await expect(menuPage.locator(".site-header")).toBeHidden();
    await expect(menuPage.locator(".menu-tools")).toBeHidden();
    await expect(menu).toContainText(COURSE.title);
    const pdf = await menuPage.pdf({ format: "A4", preferCSSPageSize: true });
    expect(pdf.subarray(0, 4).toString()).toBe("%PDF");
    // One A4 sheet for the week.
    expect((pdf.toString("latin1").match(/\/Type\s*\/Page[^s]/g) ?? []).length).toBe(1);
    await menuPage.emulateMedia({ media: "screen" });

    // Someone who does not manage this academy (here the 湖里 district centre) gets 403 on the run editor.
    expect(runUrl).toMatch(/\/runs\/\d+/);
    const other = await as(browser, DEMO.district);
    const res = await other.goto(runUrl);
    expect(res?.status()).toBe(403);
  });
});
