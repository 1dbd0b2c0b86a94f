import { expect, test, type Page } from "@playwright/test";
import { DEMO, login } from "./helpers";

/** A tiny but well-formed PDF (the upload checks magic bytes, not the extension). */
function pdfBuffer() {
  return Buffer.from(
    "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n" +
      "3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n",
  );
}

/** Waits for the next autosave request to come back, then for the status to say so. */
async function waitForAutosave(page: Page) {
  await page.waitForResponse(
    (r) => r.url().includes("/draft") && r.request().method() === "POST" && r.status() === 200,
  );
  await expect(page.getByTestId("save-status")).toContainText("已保存");
}

test.describe("course library", () => {
  test("HQ editor writes, uploads and submits; a colleague publishes (four eyes); a resident finds it by a 2-character search", async ({
    page,
    browser,
  }) => {
    const stamp = String(Date.now()).slice(-4);
    const code = `EE-${stamp}`;
    const title = `鹭猫环保手作课${stamp}`;

    await login(page, DEMO.hqEditor);
    await page.goto("/hq/courses");
    await page.getByRole("link", { name: "新建课程" }).click();
    await expect(page).toHaveURL(/\/hq\/courses\/new/);
    await page.getByLabel("课程名称").fill(title);
    await page.getByLabel("课程编号").fill(code);
    await page.getByLabel("分类").selectOption({ label: "绿色环保" });
    await page.getByLabel("课程简介").fill("用旧物做手工，学会垃圾减量。");
    await page.getByLabel("学习目标").fill("会用三种旧物改造方法\n在家坚持垃圾减量");
    await page.getByLabel("标签").fill("旧物改造，手工");
    await page.getByRole("button", { name: "保存并撰写大纲" }).click();
    await expect(page).toHaveURL(/\/hq\/courses\/\d+\/edit\?created=1/);
    const courseId = page.url().match(/courses\/(\d+)\/edit/)![1];

    // The rich editor: a heading, a bullet list and a link.
    const editor = page.getByRole("textbox", { name: "教学大纲" });
    await editor.click();
    await page.getByRole("button", { name: "标题", exact: true }).click();
    await page.keyboard.type("课程安排");
    await page.keyboard.press("Enter");
    await page.getByRole("button", { name: "项目列表" }).click();
    await page.keyboard.type("第一讲 认识旧物");
    await page.keyboard.press("Enter");
    await page.keyboard.type("第二讲 动手改造");
    await page.keyboard.press("Enter");
    await page.keyboard.press("Enter");
    await page.keyboard.type("参考：");
    const saved = waitForAutosave(page);
    await page.getByRole("button", { name: "链接" }).click();
    await page.getByLabel("链接地址").fill("https://www.xm.gov.cn/");
    await page.getByRole("button", { name: "确定", exact: true }).click();
    await saved;
    await expect(editor.locator("h2")).toHaveText("课程安排");
    await expect(editor.locator("ul li")).toHaveCount(2);
    await expect(editor.locator('a[href="https://www.xm.gov.cn/"]')).toBeVisible();

    // Upload a PDF into the resource library, attached to this course.
    await page.goto("/hq/resources/new");
    const upload = page.locator("section", {
      has: page.getByRole("heading", { name: "上传文件" }),
    });
    await upload.getByLabel("选择文件").setInputFiles({
      name: "旧物改造讲义.pdf",
      mimeType: "application/pdf",
      buffer: pdfBuffer(),
    });
    await upload.getByLabel(/挂在课程下/).fill(code);
    await upload.getByRole("button", { name: "上传" }).click();
    await expect(page).not.toHaveURL(/\/hq\/resources\/new/);

    // Submit for review, then publish, each behind a confirmation.
    await page.goto(`/hq/courses/${courseId}`);
    await expect(page.getByTestId("overview-resources")).toContainText("旧物改造讲义");
    await page.locator("summary", { hasText: "提交审核" }).click();
    await page.getByRole("button", { name: "确定提交审核" }).click();
    await expect(page.getByText("已提交审核")).toBeVisible();
    // Four eyes: the editor who wrote it is not offered 发布; the HQ admin publishes.
    await expect(page.getByText("按“四眼原则”需由另一位总部同事审核发布")).toBeVisible();
    await expect(page.locator("summary", { hasText: /^发布$/ })).toHaveCount(0);
    await page.context().clearCookies();
    await login(page, DEMO.hqAdmin, undefined, `/hq/courses/${courseId}`);
    await page.locator("summary", { hasText: /^发布$/ }).click();
    await page.getByRole("button", { name: "确定发布" }).click();
    await expect(page.getByText("已发布。课程库和搜索已更新")).toBeVisible();
    await expect(page.getByTestId("live-version")).toContainText("第 1 版");
    await expect(page.getByTestId("history")).toContainText("发布课程");

    // A resident, not logged in, on another phone.
    const visitor = await browser.newContext({
      viewport: { width: 375, height: 812 },
      locale: "zh-CN",
    });
    const p2 = await visitor.newPage();
    await p2.goto("/courses");
    await p2.getByRole("searchbox", { name: "搜索课程" }).fill("鹭猫");
    await p2.getByRole("button", { name: "搜索" }).click();
    await expect(p2).toHaveURL(/q=%E9%B9%AD%E7%8C%AB/);
    await expect(p2.getByTestId("result-count")).toContainText("共 1 门课程");
    await p2.getByRole("link", { name: new RegExp(title) }).click();
    await expect(p2).toHaveURL(new RegExp(`/courses/${code}$`));
    await expect(p2.getByRole("heading", { level: 1 })).toHaveText(title);
    const body = p2.locator(".course-body");
    await expect(body.locator("h2")).toHaveText("课程安排");
    await expect(body.locator("li")).toHaveCount(2);
    await expect(body.locator('a[href="https://www.xm.gov.cn/"]')).toHaveAttribute(
      "rel",
      /noopener/,
    );
    await expect(p2.getByTestId("course-resources")).toContainText("旧物改造讲义");
    await visitor.close();
  });

  test("editing a published course autosaves a new draft that survives a reload; the library keeps the published version", async ({
    page,
  }) => {
    await login(page, DEMO.hqEditor);
    await page.goto("/courses/JK-0001");
    const liveTitle = await page.getByRole("heading", { level: 1 }).textContent();

    await page.goto("/hq/courses?q=JK-0001");
    await page.getByRole("link", { name: liveTitle! }).click();
    await page.getByRole("link", { name: /编辑/ }).click();
    await expect(page.getByText("您的修改会保存为第 2 版草稿")).toBeVisible();

    const editor = page.getByRole("textbox", { name: "教学大纲" });
    await editor.click();
    await page.keyboard.press("Control+End");
    await page.keyboard.press("Enter");
    const saved = waitForAutosave(page);
    await page.keyboard.type("自动保存的新段落");
    await saved;
    await page.getByLabel("课程名称").fill(`${liveTitle}（修订）`);
    await waitForAutosave(page);

    await page.reload();
    await expect(page.getByLabel("课程名称")).toHaveValue(`${liveTitle}（修订）`);
    await expect(page.getByRole("textbox", { name: "教学大纲" })).toContainText("自动保存的新段落");
    await expect(page.getByTestId("save-status")).toContainText("已保存");

    // The public page still shows version 1 until the draft is published.
    await page.goto("/courses/JK-0001");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(liveTitle!);
  });

  test("district centre staff write a 区级流动课程 and submit it; only HQ publishes it", async ({
    page,
    browser,
  }) => {
    const stamp = String(Date.now()).slice(-4);
    const code = `HL-${stamp}`;
    const title = `湖里社区反诈宣讲${stamp}`;
    await login(page, DEMO.district);
    await page.goto("/courses");
    await page.getByRole("link", { name: "编写与管理课程 →" }).click();
    await expect(page).toHaveURL(/\/hq\/courses$/);
    await page.getByRole("link", { name: "新建课程" }).click();
    // toHaveText waits for the new page; allTextContents() would read whatever is there now.
    await expect(page.getByLabel("课程来源").locator("option")).toHaveText([
      "区级流动课程",
      "街道巡回课程",
    ]);
    await page.getByLabel("课程名称").fill(title);
    await page.getByLabel("课程编号").fill(code);
    await page.getByLabel("分类").selectOption({ label: "法治与安全" });
    await page.getByLabel("课程简介").fill("识破常见电信诈骗套路。");
    await page.getByLabel("学习目标").fill("认识三类常见骗局");
    await page.getByRole("button", { name: "保存并撰写大纲" }).click();
    await expect(page).toHaveURL(/\/edit\?created=1/);
    await page.getByRole("textbox", { name: "教学大纲" }).click();
    const saved = waitForAutosave(page);
    await page.keyboard.type("第一讲：冒充客服退款。");
    await saved;
    await page.getByRole("link", { name: "完成，去提交审核" }).click();
    await page.locator("summary", { hasText: "提交审核" }).click();
    await page.getByRole("button", { name: "确定提交审核" }).click();
    await expect(page.getByText("已提交审核")).toBeVisible();
    await expect(page.locator("summary", { hasText: /^发布$/ })).toHaveCount(0);
    const overview = page.url();

    const hq = await browser.newContext({ viewport: { width: 375, height: 812 }, locale: "zh-CN" });
    const p2 = await hq.newPage();
    await login(p2, DEMO.hqEditor);
    await p2.goto("/hq/courses?status=review");
    await p2.getByRole("link", { name: title }).click();
    await p2.locator("summary", { hasText: /^发布$/ }).click();
    await p2.getByRole("button", { name: "确定发布" }).click();
    await expect(p2.getByText("已发布。")).toBeVisible();
    await p2.goto(`/courses/${code}`);
    await expect(p2.getByText("区级流动课程 · 湖里区")).toBeVisible();
    await hq.close();

    // The district staff see it published, and cannot open HQ-only pages.
    await page.goto(overview);
    await expect(page.getByTestId("live-version")).toContainText("第 1 版");
    const res = await page.goto("/hq/categories");
    expect(res?.status()).toBe(403);
  });

  test("search never errors: 500 characters and punctuation only get a Chinese note", async ({
    page,
  }) => {
    await page.goto(`/courses?q=${encodeURIComponent("太极拳".repeat(170))}`);
    await expect(page.getByText("搜索词太长，只按前 100 个字搜索。")).toBeVisible();
    await page.goto(`/courses?q=${encodeURIComponent("！？。……%&*")}`);
    await expect(page.getByText(/搜索词里只有标点或符号/)).toBeVisible();
    await page.goto(`/courses?q=${encodeURIComponent("太极拳")}`);
    await expect(page.getByTestId("course-card").first()).toContainText("太极拳");
  });
});
