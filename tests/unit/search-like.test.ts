import { searchUsers } from "~/modules/auth/users.server";
import { listAudit, writeAudit } from "~/modules/auth/audit.server";
import { likePattern } from "~/utils/sql";
import { createTestDb } from "@tests/factories/db";
import { createUser } from "@tests/factories/users";

let db: ReturnType<typeof createTestDb>;
beforeEach(() => {
  db = createTestDb();
});
afterEach(() => db.cleanup());

describe("substring search (LIKE) treats % and _ as characters", () => {
  it("escapes LIKE's wildcards", () => {
    expect(likePattern("50%_a\\b")).toBe("%50\\%\\_a\\\\b%");
  });

  it("HQ's user search: % or _ finds nobody instead of everybody; names and phones still match", async () => {
    await createUser(db, { name: "陈阿伯", phone: "13811110001" });
    await createUser(db, { name: "林阿姨", phone: "13811110002" });
    expect(searchUsers(db, { q: "%" }).total).toBe(0);
    expect(searchUsers(db, { q: "_" }).total).toBe(0);
    expect(searchUsers(db, { q: "阿姨" }).rows.map((r) => r.name)).toEqual(["林阿姨"]);
    expect(searchUsers(db, { q: "0001" }).rows.map((r) => r.name)).toEqual(["陈阿伯"]);
    expect(searchUsers(db, { q: "  " }).total).toBe(2);
  });

  it("the audit log search does the same", () => {
    writeAudit(db, null, null, {
      action: "role.grant",
      targetType: "user",
      summary: "授予 100% 权限",
    });
    writeAudit(db, null, null, { action: "role.revoke", targetType: "user", summary: "撤销角色" });
    expect(listAudit(db, { q: "100%" }).total).toBe(1);
    expect(listAudit(db, { q: "%" }).total).toBe(1);
    expect(listAudit(db, { q: "role" }).total).toBe(2);
  });
});
