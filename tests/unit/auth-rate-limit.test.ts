import { RateLimiterMemory } from "rate-limiter-flexible";
import {
  authLimiters,
  consume,
  PhoneThrottle,
  retryMessage,
} from "~/modules/auth/rate-limit.server";
import { changePassword, login } from "~/modules/auth/users.server";
import { createActor } from "@tests/factories/users";
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

  it("strangers' wrong passwords from many IPs never lock the owner out (OWASP: no lockout as a weapon)", async () => {
    await registerWithSms(
      db,
      { phone: "13811112222", name: "陈伯", password: "right-password-1" },
      "192.0.2.1",
    );
    const mine = await login(
      db,
      { phone: "13811112222", password: "right-password-1" },
      "192.0.2.1",
    );
    // 30 wrong guesses, each from a new IP (a botnet): the phone's delay grows, nobody is locked out.
    for (let i = 0; i < 30; i++) {
      await expect(
        login(db, { phone: "13811112222", password: "wrong-password" }, `203.0.113.${i + 1}`),
      ).rejects.toThrow(/手机号或密码不正确|尝试次数过多/);
    }
    // The owner's own browser (device cookie from an earlier sign-in) gets in at once, from any IP.
    const back = await login(
      db,
      { phone: "13811112222", password: "right-password-1" },
      "192.0.2.77",
      mine.device,
    );
    expect(back.user.name).toBe("陈伯");
  });

  it("a new device waits seconds, never minutes, and the right password then works", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      const t0 = new Date("2026-12-01T02:00:00Z").getTime();
      vi.setSystemTime(t0);
      await registerWithSms(
        db,
        { phone: "13811116666", name: "黄姨", password: "right-password-1" },
        "192.0.2.3",
      );
      for (let i = 0; i < 5; i++)
        await login(db, { phone: "13811116666", password: "wrong" }, `203.0.113.${i + 50}`).catch(
          () => {},
        );
      const refused = await login(
        db,
        { phone: "13811116666", password: "right-password-1" },
        "192.0.2.88",
      ).catch((e) => e);
      expect(refused.message).toMatch(/请 \d+ 秒后再试/);
      vi.setSystemTime(t0 + 61_000);
      expect(
        (await login(db, { phone: "13811116666", password: "right-password-1" }, "192.0.2.88")).user
          .name,
      ).toBe("黄姨");
    } finally {
      vi.useRealTimers();
    }
  });

  it("the (IP, phone) pair is refused strictly after 5 failures, even with the right password", async () => {
    await registerWithSms(
      db,
      { phone: "13811117777", name: "苏叔", password: "right-password-1" },
      "192.0.2.4",
    );
    const mine = await login(
      db,
      { phone: "13811117777", password: "right-password-1" },
      "192.0.2.4",
    );
    for (let i = 0; i < 5; i++)
      await login(
        db,
        { phone: "13811117777", password: "wrong" },
        "198.51.100.200",
        mine.device,
      ).catch(() => {});
    await expect(
      login(
        db,
        { phone: "13811117777", password: "right-password-1" },
        "198.51.100.200",
        mine.device,
      ),
    ).rejects.toThrow(/尝试次数过多，请 \d+ 分钟后再试/);
    // Another IP with the owner's device is unaffected.
    expect(
      (
        await login(
          db,
          { phone: "13811117777", password: "right-password-1" },
          "192.0.2.4",
          mine.device,
        )
      ).user.name,
    ).toBe("苏叔");
  });

  it("a forged or someone else's device cookie earns no trust", async () => {
    await registerWithSms(
      db,
      { phone: "13811118888", name: "甲", password: "right-password-1" },
      "192.0.2.5",
    );
    await registerWithSms(
      db,
      { phone: "13811119999", name: "乙", password: "right-password-1" },
      "192.0.2.5",
    );
    const other = await login(
      db,
      { phone: "13811119999", password: "right-password-1" },
      "192.0.2.5",
    );
    for (let i = 0; i < 6; i++)
      await login(db, { phone: "13811118888", password: "wrong" }, `203.0.113.${i + 100}`).catch(
        () => {},
      );
    for (const device of [
      other.device,
      other.device.replace(/.$/, "A"),
      "1.9999999999999.xxxxxxxxxxxxxxxxxxxxxx",
    ]) {
      await expect(
        login(db, { phone: "13811118888", password: "right-password-1" }, "192.0.2.66", device),
      ).rejects.toThrow(/尝试次数过多/);
    }
  });

  it("the phone's delays grow 1 s, 2 s, 4 s … up to 60 s", () => {
    const t = new PhoneThrottle(5, 900_000);
    for (let i = 0; i < 5; i++) t.fail("p", 0);
    expect(t.waitMs("p", 0)).toBe(1000);
    t.fail("p", 0);
    expect(t.waitMs("p", 0)).toBe(2000);
    for (let i = 0; i < 10; i++) t.fail("p", 0);
    expect(t.waitMs("p", 0)).toBe(60_000);
    expect(t.waitMs("p", 900_001)).toBe(0);
  });

  it("a successful login resets the phone's counter", async () => {
    await registerWithSms(
      db,
      { phone: "13811113333", name: "林姐", password: "right-password-1" },
      "192.0.2.2",
    );
    for (let i = 0; i < 3; i++)
      await login(db, { phone: "13811113333", password: "wrong-password" }, "192.0.2.20").catch(
        () => {},
      );
    await login(db, { phone: "13811113333", password: "right-password-1" }, "192.0.2.20");
    for (let i = 0; i < 4; i++)
      await login(db, { phone: "13811113333", password: "wrong-password" }, "192.0.2.20").catch(
        () => {},
      );
    expect(
      (await login(db, { phone: "13811113333", password: "right-password-1" }, "192.0.2.20")).user
        .name,
    ).toBe("林姐");
  });

  it("limits registrations per IP", async () => {
    const limiter = authLimiters().registerIp;
    const ip = "198.51.100.7";
    for (let i = 0; i < limiter.points; i++) await consume(limiter, ip);
    await expect(
      registerWithSms(
        db,
        { phone: "13811114444", name: "新用户", password: "right-password-1" },
        ip,
      ),
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
      registerWithSms(
        db,
        { phone: "13811115555", name: "新用户", password: "right-password-1" },
        "198.51.100.99",
      ),
    ).rejects.toThrow(/尝试次数过多/);
  });
});

describe("/me/password's current-password check", () => {
  it("is throttled like login: the 6th try from one IP is refused even when right", async () => {
    const actor = await createActor(db);
    for (let i = 0; i < 5; i++) {
      await expect(
        changePassword(
          db,
          actor,
          { currentPassword: "wrong-one", newPassword: "a-new-password-9" },
          "198.51.100.31",
        ),
      ).rejects.toThrow("当前密码不正确。");
    }
    await expect(
      changePassword(
        db,
        actor,
        { currentPassword: "test-password-1", newPassword: "a-new-password-9" },
        "198.51.100.31",
      ),
    ).rejects.toThrow(/尝试次数过多/);
  });
});
