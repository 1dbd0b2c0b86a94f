import { expect, test } from "@playwright/test";
import { login, readSmsCode, uniquePhone } from "./helpers";

test.describe("everyday paths on a phone", () => {
  test("register with an SMS code and a home academy; /classes opens on that district", async ({
    page,
  }) => {
    const phone = uniquePhone();
    await page.goto("/register");
    await page.getByLabel("手机号码").fill(phone);
    await page.getByLabel("姓名").fill("郑阿姨");
    await page.getByRole("button", { name: "获取验证码" }).click();
    await expect(page.getByRole("status")).toContainText("验证码已经发出");
    await expect(page.getByLabel("姓名")).toHaveValue("郑阿姨");
    await page.getByLabel("短信验证码").fill(await readSmsCode(phone));
    await page.getByLabel("密码").fill("gulangyu-piano-1");
    await page.getByLabel("区", { exact: true }).selectOption({ label: "集美区" });
    await page.getByLabel("名称或地址").fill("社区");
    const academy = page.getByLabel(/^书院（/);
    const first = academy.locator("option").nth(1);
    const label = (await first.textContent())!;
    expect(label).toContain("集美区");
    await academy.selectOption({ label });
    await page.screenshot({ path: "tests/.output/everyday-register-375.png", fullPage: true });
    await page.getByRole("button", { name: "注册" }).click();
    await expect(page).toHaveURL(/\/me\?welcome=1/);

    await page.goto("/me/academy");
    await expect(page.getByTestId("home-academy")).toContainText(label.split("（")[0]!);

    await page.goto("/classes");
    await expect(page.locator("#f-district")).toHaveValue("jimei");
    // 全部区 still shows the whole city.
    await page.goto("/classes?district=");
    await expect(page.locator("#f-district")).toHaveValue("");
  });

  test("the academy picker narrows without JavaScript", async ({ browser }) => {
    const context = await browser.newContext({
      javaScriptEnabled: false,
      viewport: { width: 375, height: 812 },
    });
    const page = await context.newPage();
    await page.goto("/register");
    await page.getByLabel("姓名").fill("没有脚本的人");
    await page.getByLabel("区", { exact: true }).selectOption({ label: "海沧区" });
    await page.getByRole("button", { name: "筛选书院" }).click();
    await expect(page.getByLabel("姓名")).toHaveValue("没有脚本的人");
    const options = await page
      .getByLabel(/^书院（/)
      .locator("option")
      .allTextContents();
    expect(options.length).toBeGreaterThan(1);
    for (const o of options.slice(1)) expect(o).toContain("海沧区");
    await context.close();
  });

  test("a password typed while the code is on its way is kept", async ({ page }) => {
    const phone = uniquePhone();
    await page.goto("/register");
    await page.waitForFunction(() => "__remixRouter" in window); // hydrated: the form posts by fetch
    // The code request is held back until the password is typed (a slow network, a busy server).
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    await page.route("**/register.data*", async (route) => {
      await held;
      await route.continue();
    });
    await page.getByLabel("手机号码").fill(phone);
    await page.getByRole("button", { name: "获取验证码" }).click();
    await page.getByLabel("密码").fill("typed-while-waiting");
    release();
    await expect(page.getByRole("status")).toContainText("验证码已经发出");
    await expect(page.getByLabel("密码")).toHaveValue("typed-while-waiting");
    await page.unroute("**/register.data*");
    await page.getByLabel("短信验证码").fill(await readSmsCode(phone));
    await page.getByLabel("姓名").fill("慢网络");
    await page.getByRole("button", { name: "注册" }).click();
    await expect(page).toHaveURL(/\/me/);
  });

  test("reset a forgotten password by SMS code", async ({ page, browser }) => {
    // An account, signed in elsewhere.
    const phone = uniquePhone();
    await page.goto("/register");
    await page.getByLabel("手机号码").fill(phone);
    await page.getByRole("button", { name: "获取验证码" }).click();
    await page.getByLabel("短信验证码").fill(await readSmsCode(phone));
    await page.getByLabel("姓名").fill("忘性大");
    await page.getByLabel("密码").fill("old-password-2026");
    await page.getByRole("button", { name: "注册" }).click();
    await expect(page).toHaveURL(/\/me/);

    const other = await browser.newContext({ viewport: { width: 375, height: 812 } });
    const p2 = await other.newPage();
    await p2.goto("/login");
    await p2.getByRole("link", { name: "忘记密码" }).click();
    await expect(p2).toHaveURL(/\/forgot-password/);
    await p2.getByLabel("手机号码").fill(phone);
    await p2.getByRole("button", { name: "获取验证码" }).click();
    await expect(p2.getByRole("status")).toContainText("验证码已经发出");
    // A wrong code: a Chinese message, the phone kept.
    await p2
      .getByLabel("短信验证码")
      .fill("000000" === (await readSmsCode(phone)) ? "111111" : "000000");
    await p2.getByLabel("新密码").fill("new-password-2026");
    await p2.getByRole("button", { name: "设置新密码" }).click();
    await expect(p2.getByText("验证码不正确")).toBeVisible();
    await expect(p2.getByLabel("手机号码")).toHaveValue(phone);
    await p2.getByLabel("短信验证码").fill(await readSmsCode(phone));
    await p2.getByLabel("新密码").fill("new-password-2026");
    await p2.getByRole("button", { name: "设置新密码" }).click();
    await expect(p2).toHaveURL(/\/login\?reset=1/);
    await p2.screenshot({ path: "tests/.output/everyday-reset-375.png", fullPage: true });
    await login(p2, phone, "new-password-2026");
    await other.close();

    // The first device was signed out by the reset.
    await page.goto("/me");
    await expect(page).toHaveURL(/\/login/);
  });
});
