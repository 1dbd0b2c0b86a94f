import { expect, type Page } from "@playwright/test";

export const DEMO_PASSWORD = "xiamen-2015";
export const DEMO = {
  hqAdmin: "13900000001",
  hqEditor: "13900000002",
  district: "13900000003",
  manager: "13900000004",
  teacher: "13900000005",
  resident: "13900000006",
} as const;

export async function login(page: Page, phone: string, password = DEMO_PASSWORD, redirectTo?: string) {
  await page.goto(redirectTo ? `/login?redirectTo=${encodeURIComponent(redirectTo)}` : "/login");
  await page.getByLabel("手机号码").fill(phone);
  await page.getByLabel("密码").fill(password);
  await page.getByRole("button", { name: "登录" }).click();
  await expect(page).not.toHaveURL(/\/login/);
}

/** Opens the header menu on a phone (the 菜单 <details>); on a wide screen the bar is always shown. */
export async function openMenu(page: Page) {
  const toggle = page.getByTestId("menu-toggle");
  if (!(await toggle.isVisible())) return;
  if (!(await toggle.evaluate((el) => (el as HTMLDetailsElement).open))) await toggle.locator("summary").click();
}

/** True on the phone project (375 px wide). */
export function isPhone(page: Page) {
  return (page.viewportSize()?.width ?? 0) < 900;
}

let seq = 0;
/** A phone number unique to this run and worker. */
export function uniquePhone() {
  seq++;
  const stamp = String(Date.now()).slice(-5);
  return `137${stamp}${String(process.pid % 10).padStart(1, "0")}${String(seq).padStart(2, "0")}`;
}
