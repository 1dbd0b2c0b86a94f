import { RateLimiterMemory } from "rate-limiter-flexible";
import { authLimiters, consume, retryMessage } from "~/modules/auth/rate-limit.server";
import { login } from "~/modules/auth/users.server";
import { createTestDb } from "@tests/factories/db";
import { registerWithSms } from "@tests/factories/users";

let db: ReturnType<typeof createTestDb>;
beforeEach(() => {
  db = createTestDb();
});
afterEach(() => db.cleanup());

describe("rate limits", () => {
  it("says in Chinese when to retry", () => {
    expect(retryMessage(30_000)).toBe("尝试次数过多，请 1 分钟后再试。");
    expect(retryMessage(14 * 60_000 + 1)).toBe("尝试次数过多，请 15 分钟后再试。");
  });

  it("blocks a phone after 5 wrong passwords, even the right one, from any IP", async () => {
    await registerWithSms(db, { phone: "13811112222", name: "陈伯", password: "right-password-1" }, "192.0.2.1");
    for (let i = 0; i < 5; i++) {
      await expect(login(db, { phone: "13811112222", password: "wrong-password" }, `192.0.2.${10 + i}`)).rejects.toThrow(
        /手机号或密码不正确|尝试次数过多/,
      );
    }
    await expect(login(db, { phone: "13811112222", password: "right-password-1" }, "192.0.2.99")).rejects.toThrow(
      /尝试次数过多，请 \d+ 分钟后再试/,
    );
  });

  it("a successful login resets the phone's counter", async () => {
    await registerWithSms(db, { phone: "13811113333", name: "林姐", password: "right-password-1" }, "192.0.2.2");
    for (let i = 0; i < 3; i++) await login(db, { phone: "13811113333", password: "wrong-password" }, "192.0.2.20").catch(() => {});
    await login(db, { phone: "13811113333", password: "right-password-1" }, "192.0.2.20");
    for (let i = 0; i < 4; i++) await login(db, { phone: "13811113333", password: "wrong-password" }, "192.0.2.20").catch(() => {});
    expect((await login(db, { phone: "13811113333", password: "right-password-1" }, "192.0.2.20")).user.name).toBe("林姐");
  });

  it("limits registrations per IP", async () => {
    const limiter = authLimiters().registerIp;
    const ip = "198.51.100.7";
    for (let i = 0; i < limiter.points; i++) await consume(limiter, ip);
    await expect(
      registerWithSms(db, { phone: "13811114444", name: "新用户", password: "right-password-1" }, ip),
    ).rejects.toThrow(/尝试次数过多/);
  });

  it("consume throws the Chinese message once points are used", async () => {
    const limiter = new RateLimiterMemory({ points: 2, duration: 60 });
    await consume(limiter, "k");
    await consume(limiter, "k");
    await expect(consume(limiter, "k")).rejects.toThrow("尝试次数过多，请 1 分钟后再试。");
  });
});

describe("registration per phone", () => {
  it("limits attempts to register the same phone from many IPs", async () => {
    const limiter = authLimiters().registerPhone;
    for (let i = 0; i < limiter.points; i++) await consume(limiter, "13811115555");
    await expect(
      registerWithSms(db, { phone: "13811115555", name: "新用户", password: "right-password-1" }, "198.51.100.99"),
    ).rejects.toThrow(/尝试次数过多/);
  });
});
