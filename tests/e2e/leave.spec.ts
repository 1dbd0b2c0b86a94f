import { expect, test } from "@playwright/test";
import { DEMO, DEMO_PASSWORD, demoLiveSession, login } from "./helpers";

/**
 * 请假 (issue 15 part 3): the demo resident asks for leave for the next session of the demo
 * teacher's class in progress (seeded with one weekly session after today's), a bad reason is
 * refused next to the field with the input kept, and the teacher's roll call shows 请假 with
 * the reason. Then the resident withdraws it and the roll call no longer shows it.
 */
test("a resident asks for leave on a phone and the teacher sees it on the roll call", async ({
  browser,
}) => {
  const teacherCtx = await browser.newContext();
  const teacher = await teacherCtx.newPage();
  await login(teacher, DEMO.teacher, DEMO_PASSWORD, "/teach/checkin");
  const live = demoLiveSession(teacher);
  await expect(live).toBeVisible();
  const runHref = await live.locator('a[href^="/teach/runs/"]').first().getAttribute("href");
  const runId = /\/teach\/runs\/(\d+)/.exec(runHref ?? "")?.[1];
  expect(runId).toBeTruthy();

  const residentCtx = await browser.newContext();
  const resident = await residentCtx.newPage();
  await login(resident, DEMO.resident, DEMO_PASSWORD, `/classes/${runId}`);
  await resident.getByTestId("enrol-self").getByTestId("leave-link").click();
  await expect(resident.getByRole("heading", { name: "请假", exact: true })).toBeVisible();
  const option = resident.locator('input[name="sessionId"]').first();
  const sessionId = await option.getAttribute("value");
  await option.check();
  // Too long a reason: a Chinese message next to the field, the text kept.
  const reason = resident.getByLabel(/请假原因/);
  await reason.fill("长".repeat(101));
  await resident.getByRole("button", { name: "提交请假" }).click();
  await expect(resident.getByText("请假原因最多 100 个字。")).toBeVisible();
  await expect(reason).toHaveValue("长".repeat(101));
  await reason.fill("去医院复查");
  await resident.getByRole("button", { name: "提交请假" }).click();
  await expect(resident.getByTestId("leave-done")).toContainText("已请假");
  await expect(resident.getByTestId("leave-item")).toContainText("去医院复查");

  // The teacher's roll call for that session: 请假, asked online, with the reason.
  await teacher.goto(`/teach/sessions/${sessionId}/attendance`);
  const row = teacher.getByTestId("attendance-row").filter({ hasText: "去医院复查" });
  await expect(row).toHaveAttribute("data-state", "excused");
  await expect(row).toContainText("居民");
  await expect(row).toContainText("本人在线请假");
  await expect(row.getByRole("radio", { name: "请假" })).toBeChecked();
  // Three states offered for every learner.
  await expect(row.getByRole("radio")).toHaveCount(3);

  // Withdrawn before the start: gone from the roll call.
  await resident.getByRole("button", { name: "撤销请假" }).click();
  await expect(resident.getByTestId("leave-withdrawn")).toContainText("已撤销请假");
  await teacher.reload();
  await expect(teacher.getByTestId("attendance-row").filter({ hasText: "去医院复查" })).toHaveCount(
    0,
  );

  await teacherCtx.close();
  await residentCtx.close();
});

test("without JavaScript the leave form answers from the server: the message next to the field, the text kept", async ({
  browser,
}) => {
  const ctx = await browser.newContext({ javaScriptEnabled: false });
  const page = await ctx.newPage();
  await page.goto(`/login?redirectTo=${encodeURIComponent("/me/classes")}`);
  await page.getByLabel("手机号码").fill(DEMO.resident);
  await page.getByLabel("密码").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "登录" }).click();
  await page.waitForURL(/\/me\/classes/);
  await page.getByRole("link", { name: "请假", exact: true }).first().click();
  await page.waitForURL(/\/me\/leave\/\d+$/);
  await page.locator('input[name="sessionId"]').first().check();
  await page.getByLabel(/请假原因/).fill("因".repeat(120));
  await page.getByRole("button", { name: "提交请假" }).click();
  await expect(page.getByText("请假原因最多 100 个字。")).toBeVisible();
  await expect(page.getByLabel(/请假原因/)).toHaveValue("因".repeat(120));
  await ctx.close();
});
