import { expect, test } from "@playwright/test";
import { DEMO, login } from "./helpers";

test("HQ opens the city statistics, changes the period and downloads the XLSX", async ({
  page,
}) => {
  await login(page, DEMO.hqAdmin, undefined, "/hq/stats");
  await page.goto("/hq/stats");
  await expect(page.getByRole("heading", { name: "全市统计" })).toBeVisible();
  await expect(page.locator('[data-figure="participations"] .stat-explain')).toContainText(
    "活动参与人次",
  );
  await page.getByRole("link", { name: "本年", exact: true }).click();
  await expect(page).toHaveURL(/p=year/);
  await expect(page.getByRole("link", { name: "本年", exact: true })).toHaveAttribute(
    "aria-current",
    "true",
  );
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "下载全部统计表（Excel）" }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^统计-全市-\d{4}-01至\d{4}-\d{2}-统计报表\.xlsx$/);
  const path = await file.path();
  const fs = await import("node:fs");
  expect(fs.readFileSync(path!).subarray(0, 2).toString()).toBe("PK");
});

test("district staff see their own district only", async ({ page }) => {
  await login(page, DEMO.district, undefined, "/district/stats");
  await page.goto("/district/stats");
  await expect(page.getByRole("heading", { name: /湖里区/ })).toBeVisible();
  const table = page.locator("#table-academies");
  // Every 湖里 academy and no other: as many rows as the open data API counts in 湖里 (the demo's 40,
  // plus any a desktop journey such as network.spec.ts created there).
  const huli = (await (await page.request.get("/api/v1/academies?district=huli")).json()) as {
    meta: { total: number };
  };
  expect(huli.meta.total).toBeGreaterThanOrEqual(40);
  await expect(table.locator("tbody tr")).toHaveCount(huli.meta.total);
  const other = await page.goto("/district/stats?district=siming");
  expect(other?.status()).toBe(403);
  const hq = await page.goto("/hq/stats");
  expect(hq?.status()).toBe(403);
});

test("the charts' data tables are readable on a phone", async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 812 }); // on the desktop project too
  await login(page, DEMO.manager, undefined, "/manage/huli-001/stats");
  await page.goto("/manage/huli-001/stats?p=year");
  // Charts are images (/stats/chart) the browser loads beside the page.
  const chart = page.locator("figure.chart-box img.chart-img").first();
  await expect(chart).toBeVisible();
  await expect
    .poll(() => chart.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
    .toBeGreaterThan(0);
  await expect(chart).toHaveAttribute("alt", /月度参与人次趋势/);
  const box = (await chart.boundingBox())!;
  expect(box.width).toBeLessThanOrEqual(375);
  const table = page.locator("#table-trend");
  await expect(table.locator("caption")).toContainText("月度趋势");
  await expect(table.locator("tbody tr").first()).toBeVisible();
  // The page itself does not scroll sideways; wide tables scroll inside their own region.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
  const font = await table
    .locator("td")
    .first()
    .evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  expect(font).toBeGreaterThanOrEqual(16);
  await page.screenshot({ path: "tests/.output/stats-phone.png", fullPage: false });
});

test("the dashboard's rows hydrate quietly and follow the period picker without reloading", async ({
  page,
}) => {
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`script error: ${e.message}`));
  await login(page, DEMO.hqAdmin, undefined, "/hq/stats");
  await page.goto("/hq/stats?p=month");
  await page.waitForFunction(() => "__remixRouter" in window);
  const rows = (id: string) => page.locator(`#table-${id} tbody`).innerHTML();
  const monthRows = await rows("summary");
  expect(monthRows).toContain('<th scope="row">开课门次</th>');
  // A client-side navigation: the rows come from the loader's data, rendered in the browser.
  await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));
  await page.getByRole("link", { name: "本年", exact: true }).click();
  await expect(page.locator("#table-summary thead")).toContainText(/本期（\d{4}年1–\d{1,2}月）/);
  expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
  const inBrowser = { summary: await rows("summary"), districts: await rows("districts") };
  expect(inBrowser.summary).not.toBe(monthRows);
  expect(inBrowser.districts).toContain('<a href="/hq/stats/district/');
  // The same rows as the server renders for that address.
  await page.reload();
  await page.waitForFunction(() => "__remixRouter" in window);
  expect({ summary: await rows("summary"), districts: await rows("districts") }).toEqual(inBrowser);
  expect(problems).toEqual([]);
});
