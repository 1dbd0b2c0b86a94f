import { createFirstHqAdmin } from "~/modules/auth/first-admin.server";
import { verifyPassword } from "~/modules/auth/password.server";
import { createTestDb, type TestDb } from "@tests/factories/db";

let db: TestDb;
beforeEach(() => {
  db = createTestDb();
});
afterEach(() => db.cleanup());

const counts = () => ({
  users: db.$client.prepare("SELECT count(*) AS n FROM users").get(),
  roles: db.$client.prepare("SELECT count(*) AS n FROM user_roles").get(),
  audit: db.$client.prepare("SELECT count(*) AS n FROM audit_log").get(),
});

describe("npm run admin:create", () => {
  it("makes the first HQ admin with their own password, audited, and only once", async () => {
    const { userId } = await createFirstHqAdmin(db, {
      phone: "13812345678",
      name: "林建国",
      password: "gulangyu-tide-42",
    });
    const role = db.$client
      .prepare("SELECT role, scope_type FROM user_roles WHERE user_id = ?")
      .get(userId);
    expect(role).toEqual({ role: "hq_admin", scope_type: "city" });
    const user = db.$client.prepare("SELECT password_hash FROM users WHERE id = ?").get(userId) as {
      password_hash: string;
    };
    expect(await verifyPassword(user.password_hash, "gulangyu-tide-42")).toBe(true);
    const audit = db.$client.prepare("SELECT action, target_id FROM audit_log").all();
    expect(audit).toEqual([{ action: "role.grant", target_id: String(userId) }]);

    const before = counts();
    await expect(
      createFirstHqAdmin(db, {
        phone: "13812345679",
        name: "第二位",
        password: "gulangyu-tide-43",
      }),
    ).rejects.toThrow("已经有总部管理员了");
    expect(counts()).toEqual(before);
  });

  it("refuses a weak password or a bad phone in Chinese and writes nothing", async () => {
    const before = counts();
    await expect(
      createFirstHqAdmin(db, { phone: "13812345678", name: "林建国", password: "13812345678" }),
    ).rejects.toThrow("密码不能和手机号码相同");
    await expect(
      createFirstHqAdmin(db, { phone: "12345", name: "林建国", password: "gulangyu-tide-42" }),
    ).rejects.toThrow("11 位手机号码");
    await expect(
      createFirstHqAdmin(db, { phone: "13812345678", name: "林建国", password: "short" }),
    ).rejects.toThrow("至少需要 8 个字符");
    expect(counts()).toEqual(before);
  });
});
