import { eq } from "drizzle-orm";
import { sessions, users } from "@db/schema";
import { ARGON2_OPTIONS, hashPassword, verifyPassword } from "~/modules/auth/password.server";
import { validateSessionToken } from "~/modules/auth/session.server";
import { commonPasswords } from "~/modules/auth/password-policy.server";
import { createActor } from "@tests/factories/users";
import { changePassword, login, loadActor, registerUser } from "~/modules/auth/users.server";
import { registerSchema } from "~/modules/auth/validation";
import { UserError } from "~/utils/errors";
import { createTestDb } from "@tests/factories/db";
import { registerWithSms } from "@tests/factories/users";

let db: ReturnType<typeof createTestDb>;
let ipSeq = 0;
const ip = () => `10.0.0.${++ipSeq}`;
beforeEach(() => {
  db = createTestDb();
});
afterEach(() => db.cleanup());

describe("password hashing", () => {
  it("uses argon2id with OWASP's parameters (m=19456 KiB, t=2, p=1)", async () => {
    expect(ARGON2_OPTIONS).toMatchObject({
      algorithm: 2,
      memoryCost: 19456,
      timeCost: 2,
      parallelism: 1,
    });
    const hash = await hashPassword("长长的一句密码 2026");
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(hash, "长长的一句密码 2026")).toBe(true);
    expect(await verifyPassword(hash, "wrong password")).toBe(false);
  });
});

describe("registration input", () => {
  const base = {
    phone: "13812345678",
    code: "123456",
    name: "王阿姨",
    password: "gulangyu-sunrise",
  };
  it.each([
    [{ phone: "1381234567" }, "phone", "11 位"],
    [{ phone: "12812345678" }, "phone", "11 位"],
    [{ phone: "138123456789" }, "phone", "11 位"],
    [{ password: "short" }, "password", "至少需要 8 个字符"],
    [{ password: "12345678" }, "password", "太常见"],
    [{ password: "Password" }, "password", "太常见"],
    [{ name: "  " }, "name", "请输入姓名"],
  ])("refuses %o with a Chinese message on %s", (patch, field, message) => {
    const r = registerSchema.safeParse({ ...base, ...patch });
    expect(r.success).toBe(false);
    const issue = r.error!.issues.find((i) => i.path[0] === field);
    expect(issue?.message).toContain(message);
  });

  it.each([
    ["          ", "密码不能全是空格"],
    ["aaaaaaaaaa", "密码不能是同一个字符重复"],
    ["哈哈哈哈哈哈哈哈", "密码不能是同一个字符重复"],
  ])("refuses %j in the form schema", (password, message) => {
    const r = registerSchema.safeParse({ ...base, password });
    expect(r.error?.issues.find((i) => i.path[0] === "password")?.message).toBe(message);
  });

  it("refuses the phone number as the password", () => {
    const r = registerSchema.safeParse({ ...base, phone: "13812345678", password: "13812345678" });
    expect(r.error?.issues.find((i) => i.path[0] === "password")?.message).toBe(
      "密码不能和手机号码相同",
    );
  });

  it("checks the server's list of 6,000 common passwords (not only the short list the browser knows)", async () => {
    expect(commonPasswords().size).toBeGreaterThan(5000);
    for (const pw of ["sunshine", "baseball", "trustno1", "football1"]) {
      expect(registerSchema.safeParse({ ...base, password: pw }).success).toBe(true);
      await expect(
        registerUser(db, { phone: "13812340000", name: "甲", password: pw, code: "123456" }, ip()),
      ).rejects.toThrow("这个密码太常见");
    }
    const actor = await createActor(db);
    await expect(
      changePassword(
        db,
        actor,
        { currentPassword: "test-password-1", newPassword: actor.phone },
        "192.0.2.250",
      ),
    ).rejects.toThrow("密码不能和手机号码相同");
    await expect(
      changePassword(
        db,
        actor,
        { currentPassword: "test-password-1", newPassword: "iloveyou2" },
        "192.0.2.250",
      ),
    ).rejects.toThrow("这个密码太常见");
    expect(db.select().from(users).all()).toHaveLength(1);
  });

  it("accepts any long-enough password without composition rules", () => {
    expect(registerSchema.safeParse({ ...base, password: "abcdefghij" }).success).toBe(true);
  });
});

describe("accounts", () => {
  it("registers, logs in, and refuses a taken phone without creating anything", async () => {
    const r = await registerWithSms(
      db,
      { phone: "13812345678", name: "王阿姨", password: "gulangyu-sunrise" },
      ip(),
    );
    expect(validateSessionToken(db, r.token)?.user.name).toBe("王阿姨");
    await expect(
      registerWithSms(
        db,
        { phone: "13812345678", name: "李四", password: "another-password" },
        ip(),
      ),
    ).rejects.toThrow("验证码不正确");
    expect(db.select().from(users).all()).toHaveLength(1);
    const l = await login(db, { phone: "13812345678", password: "gulangyu-sunrise" }, ip());
    expect(l.user.name).toBe("王阿姨");
  });

  it("gives one message for a wrong password and an unknown phone", async () => {
    await registerWithSms(
      db,
      { phone: "13812345678", name: "王阿姨", password: "gulangyu-sunrise" },
      ip(),
    );
    const wrong = await login(db, { phone: "13812345678", password: "nope-nope-nope" }, ip()).catch(
      (e) => e,
    );
    const unknown = await login(
      db,
      { phone: "13900009999", password: "nope-nope-nope" },
      ip(),
    ).catch((e) => e);
    expect(wrong).toBeInstanceOf(UserError);
    expect(wrong.message).toBe("手机号或密码不正确。");
    expect(unknown.message).toBe(wrong.message);
  });

  it("changing the password signs out every other session", async () => {
    const r = await registerWithSms(
      db,
      { phone: "13812345678", name: "王阿姨", password: "gulangyu-sunrise" },
      ip(),
    );
    const other = await login(db, { phone: "13812345678", password: "gulangyu-sunrise" }, ip());
    const user = db.select().from(users).where(eq(users.phone, "13812345678")).get()!;
    const actor = loadActor(db, user);
    await expect(
      changePassword(db, actor, {
        currentPassword: "bad-current",
        newPassword: "new-password-2026",
      }),
    ).rejects.toThrow("当前密码不正确");
    const changed = await changePassword(db, actor, {
      currentPassword: "gulangyu-sunrise",
      newPassword: "new-password-2026",
    });
    expect(validateSessionToken(db, r.token)).toBeNull();
    expect(validateSessionToken(db, other.token)).toBeNull();
    expect(validateSessionToken(db, changed.token)).not.toBeNull();
    expect(db.select().from(sessions).all()).toHaveLength(1);
    await expect(
      login(db, { phone: "13812345678", password: "gulangyu-sunrise" }, ip()),
    ).rejects.toThrow();
    expect(
      (await login(db, { phone: "13812345678", password: "new-password-2026" }, ip())).user.id,
    ).toBe(user.id);
  });
});
