import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { auditLog, sessions, smsCodes, users } from "@db/schema";
import { authLimiters } from "~/modules/auth/rate-limit.server";
import { validateSessionToken } from "~/modules/auth/session.server";
import { DevSmsSender, smsSenderFromEnv } from "~/modules/auth/sms.server";
import {
  CODE_SENT_MESSAGE,
  requestSmsCode,
  resetSmsLimiters,
  SMS_CODE_TTL_MS,
} from "~/modules/auth/sms-codes.server";
import { login, registerUser, resetPassword } from "~/modules/auth/users.server";
import { createTestDb, type TestDb } from "@tests/factories/db";
import { CaptureSender, registerWithSms } from "@tests/factories/users";

let db: TestDb;
let sender: CaptureSender;
beforeEach(() => {
  db = createTestDb();
  sender = new CaptureSender();
});
afterEach(() => db.cleanup());

const count = (t: typeof users | typeof sessions | typeof smsCodes) =>
  db.select().from(t).all().length;

describe("registration verifies the phone with an SMS code", () => {
  it("a right code registers once; the same code again is refused", async () => {
    await requestSmsCode(db, { phone: "13811110001", purpose: "register" }, "10.1.0.1", sender);
    const code = sender.lastCode("13811110001")!;
    expect(code).toMatch(/^\d{6}$/);
    const r = await registerUser(
      db,
      { phone: "13811110001", name: "陈伯", password: "gulangyu-morning", code },
      "10.1.0.1",
    );
    expect(validateSessionToken(db, r.token)?.user.name).toBe("陈伯");
    // Reused: the code is spent.
    db.delete(users).run();
    await expect(
      registerUser(
        db,
        { phone: "13811110001", name: "陈伯", password: "gulangyu-morning", code },
        "10.1.0.1",
      ),
    ).rejects.toThrow("验证码已失效");
    expect(count(users)).toBe(0);
  });

  it("a wrong code creates nothing and counts a try; the 5th wrong try kills the code", async () => {
    await requestSmsCode(db, { phone: "13811110002", purpose: "register" }, "10.1.0.2", sender);
    const code = sender.lastCode("13811110002")!;
    const wrong = code === "000000" ? "111111" : "000000";
    for (let i = 1; i <= 4; i++) {
      await expect(
        registerUser(
          db,
          { phone: "13811110002", name: "林姐", password: "gulangyu-morning", code: wrong },
          "10.1.0.2",
        ),
      ).rejects.toThrow("验证码不正确");
    }
    await expect(
      registerUser(
        db,
        { phone: "13811110002", name: "林姐", password: "gulangyu-morning", code: wrong },
        "10.1.0.2",
      ),
    ).rejects.toThrow("输错次数过多");
    await authLimiters(db).registerPhone.delete("13811110002"); // past the registration throttle, to reach the code rule
    await expect(
      registerUser(
        db,
        { phone: "13811110002", name: "林姐", password: "gulangyu-morning", code },
        "10.1.0.2",
      ),
    ).rejects.toThrow("输错次数过多");
    expect(count(users)).toBe(0);
    expect(count(sessions)).toBe(0);
    expect(db.select().from(smsCodes).get()!.attempts).toBe(5);
  });

  it("an expired code (older than 10 minutes) is refused", async () => {
    await requestSmsCode(
      db,
      { phone: "13811110003", purpose: "register" },
      "10.1.0.3",
      sender,
      Date.now() - SMS_CODE_TTL_MS - 1,
    );
    const code = sender.lastCode("13811110003")!;
    await expect(
      registerUser(
        db,
        { phone: "13811110003", name: "王", password: "gulangyu-morning", code },
        "10.1.0.3",
      ),
    ).rejects.toThrow("验证码已失效");
    expect(count(users)).toBe(0);
  });

  it("answers the same whether or not the phone is registered, and sends no code to a registered phone", async () => {
    await registerWithSms(
      db,
      { phone: "13811110004", name: "老张", password: "gulangyu-morning" },
      "10.1.0.4",
    );
    resetSmsLimiters(db);
    const taken = await requestSmsCode(
      db,
      { phone: "13811110004", purpose: "register" },
      "10.1.0.4",
      sender,
    );
    const fresh = await requestSmsCode(
      db,
      { phone: "13811110005", purpose: "register" },
      "10.1.0.4",
      sender,
    );
    expect(taken).toEqual(fresh);
    expect(taken.message).toBe(CODE_SENT_MESSAGE.register);
    expect(sender.sent.map((m) => m.phone)).toEqual(["13811110005"]);
    const resetKnown = await requestSmsCode(
      db,
      { phone: "13811110004", purpose: "reset" },
      "10.1.0.4",
      sender,
    );
    const resetUnknown = await requestSmsCode(
      db,
      { phone: "13811110009", purpose: "reset" },
      "10.1.0.4",
      sender,
    );
    expect(resetKnown).toEqual(resetUnknown);
    expect(sender.sent.map((m) => m.phone)).toEqual(["13811110005", "13811110004"]);
  });

  it("limits code requests per phone and per IP with a Chinese message", async () => {
    for (let i = 0; i < 5; i++)
      await requestSmsCode(
        db,
        { phone: "13811110006", purpose: "register" },
        `10.2.0.${i}`,
        sender,
      );
    await expect(
      requestSmsCode(db, { phone: "13811110006", purpose: "register" }, "10.2.0.99", sender),
    ).rejects.toThrow(/尝试次数过多，请 \d+ 分钟后再试/);
    resetSmsLimiters(db);
    for (let i = 0; i < 20; i++)
      await requestSmsCode(
        db,
        { phone: `1381112${String(i).padStart(4, "0")}`, purpose: "register" },
        "10.3.0.1",
        sender,
      );
    await expect(
      requestSmsCode(db, { phone: "13811129999", purpose: "register" }, "10.3.0.1", sender),
    ).rejects.toThrow(/尝试次数过多/);
  });
});

describe("forgotten password", () => {
  it("resets with the SMS code, revokes every session, audits, and the old password stops working", async () => {
    const first = await registerWithSms(
      db,
      { phone: "13811110010", name: "黄阿姨", password: "old-password-2026" },
      "10.4.0.1",
    );
    const second = await login(
      db,
      { phone: "13811110010", password: "old-password-2026" },
      "10.4.0.2",
    );
    await requestSmsCode(db, { phone: "13811110010", purpose: "reset" }, "10.4.0.3", sender);
    await resetPassword(
      db,
      {
        phone: "13811110010",
        code: sender.lastCode("13811110010")!,
        password: "new-password-2026",
      },
      "10.4.0.3",
    );
    expect(validateSessionToken(db, first.token)).toBeNull();
    expect(validateSessionToken(db, second.token)).toBeNull();
    expect(count(sessions)).toBe(0);
    await expect(
      login(db, { phone: "13811110010", password: "old-password-2026" }, "10.4.0.4"),
    ).rejects.toThrow("手机号或密码不正确");
    expect(
      (await login(db, { phone: "13811110010", password: "new-password-2026" }, "10.4.0.4")).user
        .name,
    ).toBe("黄阿姨");
    const audit = db.select().from(auditLog).where(eq(auditLog.action, "password.reset")).all();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.ip).toBe("10.4.0.3");
  });

  it("a wrong code changes nothing; an unknown phone gets the same answer", async () => {
    await registerWithSms(
      db,
      { phone: "13811110011", name: "苏伯", password: "old-password-2026" },
      "10.4.0.5",
    );
    const before = db.select().from(users).get()!.passwordHash;
    await requestSmsCode(db, { phone: "13811110011", purpose: "reset" }, "10.4.0.5", sender);
    const code = sender.lastCode("13811110011")!;
    const wrong = code === "000000" ? "111111" : "000000";
    const known = await resetPassword(
      db,
      { phone: "13811110011", code: wrong, password: "new-password-2026" },
      "10.4.0.5",
    ).catch((e) => e);
    expect(known.message).toContain("验证码不正确");
    await requestSmsCode(db, { phone: "13811110099", purpose: "reset" }, "10.4.0.5", sender);
    const unknown = await resetPassword(
      db,
      { phone: "13811110099", code: wrong, password: "new-password-2026" },
      "10.4.0.5",
    ).catch((e) => e);
    expect(unknown.message).toBe(known.message);
    expect(db.select().from(users).get()!.passwordHash).toBe(before);
    expect(count(sessions)).toBe(1);
  });
});

describe("SMS senders", () => {
  it("the development sender writes the text to its file", async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "sms-")), "out.jsonl");
    const spy = vi.spyOn(console, "info").mockImplementation(() => {});
    await new DevSmsSender(file).send({
      phone: "13811110020",
      template: "code",
      params: { code: "246810" },
    });
    spy.mockRestore();
    const line = JSON.parse(fs.readFileSync(file, "utf8").trim());
    expect(line).toMatchObject({
      phone: "13811110020",
      template: "code",
      params: { code: "246810" },
    });
    expect(line.text).toContain("246810");
  });

  it("Alibaba Cloud is off unless configured, and names what is missing", () => {
    expect(smsSenderFromEnv({}).name).toBe("dev");
    expect(() => smsSenderFromEnv({ SMS_PROVIDER: "aliyun" })).toThrow(/SMS_ALIYUN_ACCESS_KEY_ID/);
    const s = smsSenderFromEnv({
      SMS_PROVIDER: "aliyun",
      SMS_ALIYUN_ACCESS_KEY_ID: "id",
      SMS_ALIYUN_ACCESS_KEY_SECRET: "secret",
      SMS_ALIYUN_SIGN_NAME: "厦门社区书院",
      SMS_ALIYUN_TEMPLATE_CODE: "SMS_1",
      SMS_ALIYUN_TEMPLATE_PROMOTED: "SMS_2",
    });
    expect(s.name).toBe("aliyun");
  });
});
