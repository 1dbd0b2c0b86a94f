import { expect, test } from "@playwright/test";
import { DEMO, login } from "./helpers";

/** A small but real PDF. */
function pdf(note: string) {
  return Buffer.from(
    `%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n% ${note}\ntrailer<</Root 1 0 R>>\n%%EOF\n`,
  );
}

/** The start of a Windows executable. */
function exe() {
  const b = Buffer.alloc(512);
  b.write("MZ", 0, "latin1");
  b.writeUInt32LE(0x80, 0x3c);
  b.write("PE\0\0", 0x80, "latin1");
  return b;
}

test("an HQ editor uploads a PDF, sees it listed and opens it; a disguised .exe is refused", async ({
  page,
  browser,
}) => {
  const stamp = Date.now().toString().slice(-6);
  const title = `垃圾分类讲义${stamp}`;
  await login(page, DEMO.hqEditor, undefined, "/hq/resources");
  await expect(page.getByRole("heading", { level: 1, name: "资源库" })).toBeVisible();
  await page.getByRole("link", { name: "上传资源" }).click();

  await page
    .getByLabel("选择文件")
    .setInputFiles({ name: "垃圾分类讲义.pdf", mimeType: "application/pdf", buffer: pdf(stamp) });
  await page.getByLabel("标题（可不填，默认用文件名）").fill(title);
  await page.getByRole("button", { name: "上传", exact: true }).click();
  await expect(page).toHaveURL(/\/hq\/resources\?uploaded=\d+/);
  await expect(page.getByRole("status").filter({ hasText: "已添加到资源库" })).toContainText(title);
  const row = page.getByTestId("resource-table").getByRole("row").filter({ hasText: title });
  await expect(row).toContainText("PDF");
  await expect(row).toContainText("垃圾分类讲义.pdf");

  // The resource route serves it with its real type, nosniff and a UTF-8 file name; anyone may
  // open a public resource.
  const href = await row.getByRole("link", { name: /打开/ }).getAttribute("href");
  expect(href).toMatch(/^\/resources\/\d+$/);
  const anonymous = await browser.newContext();
  const res = await anonymous.request.get(href!);
  expect(res.status()).toBe(200);
  expect(res.headers()["content-type"]).toBe("application/pdf");
  expect(res.headers()["x-content-type-options"]).toBe("nosniff");
  expect(res.headers()["content-disposition"]).toContain(
    `filename*=UTF-8''${encodeURIComponent("垃圾分类讲义.pdf")}`,
  );
  expect((await res.body()).subarray(0, 5).toString()).toBe("%PDF-");
  await anonymous.close();

  // Search finds it.
  await page.getByLabel("搜索").fill(stamp);
  await page.getByRole("button", { name: "筛选" }).click();
  await expect(page.getByRole("status").filter({ hasText: "共" })).toHaveText("共 1 个资源");

  // A Windows program renamed .pdf: refused in Chinese, nothing listed.
  await page.goto("/hq/resources/new");
  await page
    .getByLabel("选择文件")
    .setInputFiles({ name: `课程讲义${stamp}.pdf`, mimeType: "application/pdf", buffer: exe() });
  await page.getByRole("button", { name: "上传", exact: true }).click();
  await expect(page.getByRole("alert")).toContainText("这是一个可执行程序");
  await expect(page.getByLabel("选择文件")).toHaveAttribute("aria-invalid", "true");
  await page.goto(`/hq/resources?q=${encodeURIComponent(`课程讲义${stamp}`)}`);
  await expect(page.getByText("没有符合条件的资源")).toBeVisible();
});

test("a teachers-only resource is refused to a resident", async ({ page, browser }) => {
  const stamp = Date.now().toString().slice(-6);
  await login(page, DEMO.hqEditor, undefined, "/hq/resources/new");
  await page
    .getByLabel("选择文件")
    .setInputFiles({ name: `教案${stamp}.pdf`, mimeType: "application/pdf", buffer: pdf(stamp) });
  await page
    .getByRole("radio", { name: /仅教师/ })
    .first()
    .check();
  await page.getByRole("button", { name: "上传", exact: true }).click();
  await expect(page).toHaveURL(/uploaded=(\d+)/);
  const id = new URL(page.url()).searchParams.get("uploaded");

  const residentContext = await browser.newContext();
  const resident = await residentContext.newPage();
  await login(resident, DEMO.resident);
  const refused = await resident.request.get(`/resources/${id}`);
  expect(refused.status()).toBe(403);
  expect(await refused.text()).toContain("仅供教师使用");
  await residentContext.close();

  const teacherContext = await browser.newContext();
  const teacher = await teacherContext.newPage();
  await login(teacher, DEMO.teacher);
  const allowed = await teacher.request.get(`/resources/${id}`);
  expect(allowed.status()).toBe(200);
  await teacherContext.close();
});

test("the public teacher profile renders, and a teacher edits their own bio", async ({
  page,
  browser,
}) => {
  await login(page, DEMO.hqEditor, undefined, "/hq/teachers?q=%E6%9E%97%E6%99%93%E7%87%95");
  await page.getByRole("link", { name: "林晓燕" }).click();
  const profileHref = await page.getByRole("link", { name: "查看公开资料" }).getAttribute("href");
  expect(profileHref).toMatch(/^\/teachers\/\d+$/);

  // Signed out, on a phone: name, kind, categories, courses with links, districts.
  const visitor = await browser.newContext({ viewport: { width: 375, height: 812 } });
  const v = await visitor.newPage();
  await v.goto(profileHref!);
  await expect(v.getByRole("heading", { level: 1, name: "林晓燕" })).toBeVisible();
  await expect(v.getByText("志愿者讲师")).toBeVisible();
  await expect(v.getByRole("heading", { name: "能讲的课程" })).toBeVisible();
  const course = v.getByRole("region", { name: "能讲的课程" }).getByRole("link").first();
  await expect(course).toHaveAttribute("href", /^\/courses\/[A-Z]{2}-\d{4}$/);
  await expect(v.getByRole("region", { name: "可前往授课的区" })).toContainText("湖里区");

  // The demo teacher rewrites the bio; the public page shows it.
  const teacherContext = await browser.newContext();
  const t = await teacherContext.newPage();
  await login(t, DEMO.teacher, undefined, "/me/teacher");
  const bio = `我在湖里教垃圾分类，也带大家练八段锦。${Date.now()}`;
  await t.getByLabel("简介").fill(bio);
  await t.getByRole("button", { name: "保存简介" }).click();
  await expect(t.getByRole("status")).toContainText("简介已保存");
  await v.reload();
  await expect(v.getByText(bio)).toBeVisible();
  // A teacher cannot open HQ's pool pages.
  const hq = await t.goto("/hq/teachers");
  expect(hq?.status()).toBe(403);
  await teacherContext.close();
  await visitor.close();
});
