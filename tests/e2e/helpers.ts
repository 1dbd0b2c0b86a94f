import fs from "node:fs";
import path from "node:path";
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

/**
 * On /teach/checkin, the demo teacher's class in progress that the demo resident is enrolled in:
 * the seed's live class in the demo academy (金山社区书院, huli-001). The demo schedule gives the
 * same teacher other classes that can be live at the same time (a Saturday 14:30 class at 将军祠).
 */
export function demoLiveSession(teacher: Page) {
  return teacher
    .locator('[data-testid="nearby-session"][data-open="1"]', { hasText: "金山社区书院" })
    .first();
}

export async function login(
  page: Page,
  phone: string,
  password = DEMO_PASSWORD,
  redirectTo?: string,
) {
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
  if (!(await toggle.evaluate((el) => (el as HTMLDetailsElement).open)))
    await toggle.locator("summary").click();
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

const smsFile = path.resolve(
  import.meta.dirname,
  `../.tmp/sms-${process.env.E2E_PORT ?? 3100}.jsonl`,
);

/** The last code the development SMS sender wrote for this phone (waits up to 5 s for it). */
export async function readSmsCode(phone: string): Promise<string> {
  for (let i = 0; i < 50; i++) {
    const lines = fs.existsSync(smsFile)
      ? fs.readFileSync(smsFile, "utf8").trim().split("\n").filter(Boolean)
      : [];
    const hit = lines
      .map((l) => JSON.parse(l))
      .filter((m) => m.phone === phone && m.template === "code")
      .at(-1);
    if (hit) return hit.params.code;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no SMS code for ${phone} in ${smsFile}`);
}

/** Registers through /register as a person does: 获取验证码, read the SMS, fill the rest. */
export async function registerInBrowser(
  page: Page,
  o: { phone?: string; name: string; password?: string },
) {
  const phone = o.phone ?? uniquePhone();
  await page.goto("/register");
  await page.getByLabel("手机号码").fill(phone);
  await page.getByRole("button", { name: "获取验证码" }).click();
  await expect(page.getByRole("status")).toContainText("验证码已经发出");
  await page.getByLabel("短信验证码").fill(await readSmsCode(phone));
  await page.getByLabel("姓名").fill(o.name);
  await page.getByLabel("密码").fill(o.password ?? "gulangyu-piano-1");
  await page.getByRole("button", { name: "注册" }).click();
  await expect(page).toHaveURL(/\/me/);
  return phone;
}

/** Links inside the header's 主菜单 and inside every tab bar (`nav.tabs`) of a page. */
export function offeredLinks(html: string) {
  const links: string[] = [];
  for (const m of html.matchAll(/<nav\b([^>]*)>([\s\S]*?)<\/nav>/g)) {
    const attrs = m[1]!;
    if (!/aria-label="主菜单"|class="[^"]*\btabs\b/.test(attrs)) continue;
    for (const h of m[2]!.matchAll(/<a\b[^>]*\bhref="([^"]+)"/g))
      links.push(h[1]!.replace(/&amp;/g, "&"));
  }
  return links.filter((l) => l.startsWith("/") && !l.startsWith("//"));
}
