/**
 * Running it for real (issue 13): the demo banner on demo data, /hq/system for the HQ admin only,
 * and a 500 page whose 错误编号 is in the server's JSON log (stdout, which the Playwright config
 * writes to tests/.tmp/server-<port>.log).
 */
import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { DEMO, login, openMenu } from "./helpers";

function logFile(baseURL: string | undefined) {
  const port = new URL(baseURL!).port;
  return path.resolve(import.meta.dirname, `../.tmp/server-${port}.log`);
}

test("every page on demo data carries the 演示数据 banner, signed in or not", async ({ page }) => {
  for (const url of ["/", "/courses", "/login"]) {
    await page.goto(url);
    await expect(page.getByText("演示数据", { exact: true }).first()).toBeVisible();
  }
  await login(page, DEMO.resident);
  await page.goto("/me");
  await expect(page.getByText("演示数据", { exact: true }).first()).toBeVisible();
});

test("an HQ admin sees /hq/system: version, uptime, database size, jobs; an HQ editor is neither offered nor let in", async ({
  page,
}) => {
  await login(page, DEMO.hqAdmin);
  await page.goto("/hq");
  await page.getByRole("link", { name: "系统状态" }).click();
  await expect(page).toHaveURL(/\/hq\/system$/);
  await expect(page.getByRole("heading", { name: "系统状态", level: 1 })).toBeVisible();
  for (const label of ["版本", "运行时间", "数据库大小", "最近备份"])
    await expect(page.locator("dt", { hasText: label })).toBeVisible();
  await expect(page.getByRole("cell", { name: "enrollment.reminders" })).toBeVisible();

  await page.context().clearCookies();
  await login(page, DEMO.hqEditor);
  await page.goto("/hq");
  await openMenu(page);
  await expect(page.getByRole("link", { name: "系统状态" })).toHaveCount(0);
  const r = await page.goto("/hq/system");
  expect(r?.status()).toBe(403);
});

test("a 500 page shows an 错误编号 that the server's log line carries, and /hq/system lists it", async ({
  page,
  baseURL,
}) => {
  await login(page, DEMO.hqAdmin);
  await page.goto("/hq/system");
  await page.getByRole("button", { name: "记录一条测试错误" }).click();
  const code = page.locator("#error-id");
  await expect(code).toBeVisible();
  const errorId = (await code.textContent())!.trim();
  expect(errorId).toMatch(/^[0-9A-Z]{8}$/);

  // The JSON log line for the error names the same number (written by pino to stdout).
  let line: Record<string, unknown> | undefined;
  await expect
    .poll(() => {
      const lines = fs
        .readFileSync(logFile(baseURL), "utf8")
        .split("\n")
        .filter((l) => l.startsWith("{"));
      line = lines
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .find((l) => l.errorId === errorId && l.level === "error");
      return Boolean(line);
    })
    .toBe(true);
  expect(JSON.stringify(line)).toContain("测试错误");

  await page.goto("/hq/system");
  await expect(page.getByRole("cell", { name: errorId })).toBeVisible();
});
