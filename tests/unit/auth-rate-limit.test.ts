import { openDatabase, type DB } from "@db/client";
import { rateLimitDelays, rateLimits } from "@db/schema";
import {
  authLimiters,
  consume,
  deleteExpiredLimits,
  PhoneThrottle,
  retryMessage,
  sharedLimiter,
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
    const t = new PhoneThrottle(db, "test-phone", 5, 900_000);
    for (let i = 0; i < 5; i++) t.fail("p", 0);
    expect(t.waitMs("p", 0)).toBe(1000);
    t.fail("p", 0);
    expect(t.waitMs("p", 0)).toBe(2000);
    for (let i = 0; i < 10; i++) t.fail("p", 0);
    expect(t.waitMs("p", 0)).toBe(60_000);
    expect(t.waitMs("p", 900_001)).toBe(0);
    // A faded count starts again from one failure.
    t.fail("p", 900_001);
    expect(t.failures("p", 900_001)).toBe(1);
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
    const limiter = authLimiters(db).registerIp;
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
    const limiter = sharedLimiter(db, { keyPrefix: "test", points: 2, duration: 60 });
    await consume(limiter, "k");
    await consume(limiter, "k");
    await expect(consume(limiter, "k")).rejects.toThrow("尝试次数过多，请 1 分钟后再试。");
  });

  // Counted by another connection, every count made the app's connection drop its page cache at
  // its next read; PRAGMA data_version moves exactly when another connection has committed.
  it("counts on the app's own connection, without a flush, and leaves it flushing (FULL)", async () => {
    const version = () => db.$client.pragma("data_version", { simple: true });
    const before = version();
    const limiter = sharedLimiter(db, { keyPrefix: "own", points: 5, duration: 60 });
    await consume(limiter, "k");
    new PhoneThrottle(db, "own-phone", 5, 60_000).fail("13800000000");
    expect(version()).toBe(before);
    expect(
      db
        .select()
        .from(rateLimits)
        .all()
        .map((r) => r.key),
    ).toContain("own:k");
    expect(db.$client.pragma("synchronous", { simple: true })).toBe(2); // FULL again
  });

  // app/patches/rate-limiter-flexible+11.4.0.patch: the library compiled its upsert on every
  // attempt (about 40 µs of the 80 an enrol attempt's limit cost). A spy that calls through
  // counts the real connection's compilations.
  it("compiles each of its statements once per connection, not once per attempt", async () => {
    const prepare = vi.spyOn(db.$client, "prepare");
    try {
      const limiter = sharedLimiter(db, { keyPrefix: "compile", points: 100, duration: 60 });
      for (let i = 0; i < 5; i++) await consume(limiter, `k${i % 2}`);
      for (let i = 0; i < 3; i++) await limiter.get("k0");
      for (let i = 0; i < 2; i++) await limiter.delete("k1");
      // The upsert, the read and the delete, once each; and the counts are right.
      const compiled = prepare.mock.calls.filter(([text]) => String(text).includes("rate_limits"));
      expect(compiled.length).toBeLessThanOrEqual(3);
      const other = sharedLimiter(db, { keyPrefix: "compile", points: 100, duration: 60 });
      expect((await other.get("k0"))?.consumedPoints).toBe(3);
      expect(await other.get("k1")).toBeNull();
    } finally {
      prepare.mockRestore();
    }
  });
});

describe("registration per phone", () => {
  it("limits attempts to register the same phone from many IPs", async () => {
    const limiter = authLimiters(db).registerPhone;
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

describe("limits shared by every server process (WEB_CONCURRENCY > 1)", () => {
  // Two connections to one database file stand for two server processes: each has its own
  // limiter objects and its own connections; only the database is shared.
  let other: DB;
  beforeEach(() => {
    other = openDatabase(db.file);
  });
  afterEach(() => {
    other.$client.close();
  });

  it("PhoneThrottle: failures counted by either process add up, and a reset clears both", () => {
    const a = new PhoneThrottle(db, "login-phone", 5, 900_000);
    const b = new PhoneThrottle(other, "login-phone", 5, 900_000);
    for (let i = 0; i < 3; i++) a.fail("13811110000", 1_000);
    for (let i = 0; i < 3; i++) b.fail("13811110000", 2_000);
    // 6 failures: past the 5 free ones, one second after the last (at 2 s), seen by both.
    expect(a.failures("13811110000", 2_000)).toBe(6);
    expect(b.waitMs("13811110000", 2_000)).toBe(2_000);
    expect(a.waitMs("13811110000", 2_500)).toBe(1_500);
    b.reset("13811110000");
    expect(a.failures("13811110000", 2_500)).toBe(0);
    expect(a.waitMs("13811110000", 2_500)).toBe(0);
  });

  it("the (IP, phone) pair's 5 failures are 5 across both processes, not 5 each", async () => {
    await registerWithSms(
      db,
      { phone: "13811110011", name: "王伯", password: "right-password-1" },
      "192.0.2.9",
    );
    const mine = await login(
      db,
      { phone: "13811110011", password: "right-password-1" },
      "192.0.2.9",
    );
    // Alternate between the processes, from one IP with the owner's device (no phone delay).
    for (let i = 0; i < 5; i++)
      await expect(
        login(
          i % 2 ? other : db,
          { phone: "13811110011", password: "wrong" },
          "198.51.100.60",
          mine.device,
        ),
      ).rejects.toThrow("手机号或密码不正确。");
    for (const conn of [db, other])
      await expect(
        login(
          conn,
          { phone: "13811110011", password: "right-password-1" },
          "198.51.100.60",
          mine.device,
        ),
      ).rejects.toThrow(/尝试次数过多，请 \d+ 分钟后再试/);
  });

  it("a fixed-window limit counted in one process refuses in the other", async () => {
    const a = sharedLimiter(db, { keyPrefix: "both", points: 3, duration: 60 });
    const b = sharedLimiter(other, { keyPrefix: "both", points: 3, duration: 60 });
    await consume(a, "k");
    await consume(b, "k");
    await consume(a, "k");
    await expect(consume(b, "k")).rejects.toThrow("尝试次数过多，请 1 分钟后再试。");
    expect(authLimiters(db).registerIp).not.toBe(authLimiters(other).registerIp);
  });

  it("the counts live in our migrated tables, and the cleanup deletes only ended windows", async () => {
    const now = Date.now();
    const t = new PhoneThrottle(db, "login-phone", 5, 60_000);
    t.fail("old", now - 120_000);
    t.fail("new", now);
    await consume(sharedLimiter(db, { keyPrefix: "short", points: 5, duration: 1 }), "x");
    await consume(sharedLimiter(db, { keyPrefix: "long", points: 5, duration: 3600 }), "x");
    const keys = () => ({
      limits: other
        .select({ key: rateLimits.key })
        .from(rateLimits)
        .all()
        .map((r) => r.key)
        .sort(),
      delays: other
        .select({ key: rateLimitDelays.key })
        .from(rateLimitDelays)
        .all()
        .map((r) => r.key)
        .sort(),
    });
    expect(keys()).toEqual({
      limits: ["long:x", "short:x"],
      delays: ["login-phone:new", "login-phone:old"],
    });
    expect(deleteExpiredLimits(db, now + 2_000)).toEqual({ limits: 1, delays: 1 });
    expect(keys()).toEqual({ limits: ["long:x"], delays: ["login-phone:new"] });
    expect(deleteExpiredLimits(db, now + 2_000)).toEqual({ limits: 0, delays: 0 });
  });
});
