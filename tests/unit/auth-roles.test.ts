import { auditLog, userRoles } from "@db/schema";
import {
  canManageAcademy,
  canOverseeDistrict,
  canViewAcademy,
  inScope,
} from "~/modules/auth/permissions";
import { HQ_TABS, menuFor, visibleEntries } from "~/components/nav";
import { grantRole, revokeRole } from "~/modules/auth/roles.server";
import { listAudit } from "~/modules/auth/audit.server";
import { createTestDb } from "@tests/factories/db";
import { createAcademy, seedDistricts } from "@tests/factories/org";
import { createActor, createUser } from "@tests/factories/users";

let db: ReturnType<typeof createTestDb>;
beforeEach(() => {
  db = createTestDb();
});
afterEach(() => db.cleanup());

async function world() {
  const d = seedDistricts(db);
  const a = createAcademy(db, d.huli!.id);
  const b = createAcademy(db, d.huli!.id);
  const c = createAcademy(db, d.siming!.id);
  return { d, a, b, c };
}

describe("role scopes", () => {
  it("a manager of academy A is refused on academy B", async () => {
    const { a, b } = await world();
    const manager = await createActor(db, [{ role: "academy_manager", academy: a.id }]);
    expect(canManageAcademy(manager, a.id)).toBe(true);
    expect(canManageAcademy(manager, b.id)).toBe(false);
    expect(inScope(manager, { type: "academy", academyId: b.id, districtId: b.districtId })).toBe(
      false,
    );
    expect(canViewAcademy(manager, b)).toBe(false);
  });

  it("a manager of several academies acts on each of them", async () => {
    const { a, b, c } = await world();
    const manager = await createActor(db, [
      { role: "academy_manager", academy: a.id },
      { role: "academy_manager", academy: c.id },
    ]);
    expect(canManageAcademy(manager, a.id)).toBe(true);
    expect(canManageAcademy(manager, c.id)).toBe(true);
    expect(canManageAcademy(manager, b.id)).toBe(false);
  });

  it("district staff oversee their district only and do not manage academies", async () => {
    const { d, a, c } = await world();
    const staff = await createActor(db, [{ role: "district_staff", district: d.huli!.id }]);
    expect(canOverseeDistrict(staff, d.huli!.id)).toBe(true);
    expect(canOverseeDistrict(staff, d.siming!.id)).toBe(false);
    expect(canViewAcademy(staff, a)).toBe(true);
    expect(canViewAcademy(staff, c)).toBe(false);
    expect(canManageAcademy(staff, a.id)).toBe(false);
  });

  it("HQ admins act everywhere; HQ editors oversee but do not manage academies", async () => {
    const { d, a } = await world();
    const admin = await createActor(db, [{ role: "hq_admin" }]);
    const editor = await createActor(db, [{ role: "hq_editor" }]);
    expect(inScope(admin, { type: "city" })).toBe(true);
    expect(canManageAcademy(admin, a.id)).toBe(true);
    expect(inScope(editor, { type: "city" })).toBe(false);
    expect(canOverseeDistrict(editor, d.jimei!.id)).toBe(true);
    expect(canManageAcademy(editor, a.id)).toBe(false);
  });

  it("the menu shows what the roles allow", async () => {
    const { d, a } = await world();
    const pub = ["课程库", "找课程班", "社区活动", "找书院"];
    const labels = (actor: Parameters<typeof menuFor>[0]) => menuFor(actor).map((m) => m.label);
    const resident = await createActor(db);
    expect(labels(resident)).toEqual([...pub, "我的", "我的课程", "消息"]);
    const manager = await createActor(db, [{ role: "academy_manager", academy: a.id }]);
    expect(labels(manager)).toEqual([
      ...pub,
      "我的",
      "我的课程",
      "书院管理",
      "编写课程",
      "资源库",
      "消息",
    ]);
    const staff = await createActor(db, [{ role: "district_staff", district: d.huli!.id }]);
    expect(labels(staff)).toEqual([
      ...pub,
      "我的",
      "我的课程",
      "区指导中心",
      "编写课程",
      "资源库",
      "消息",
    ]);
    const admin = await createActor(db, [{ role: "hq_admin" }]);
    expect(labels(admin)).toEqual([...pub, "我的", "我的课程", "书院管理", "总部", "消息"]);
    const teacher = await createActor(db, [{ role: "teacher" }]);
    expect(labels(teacher)).toEqual([...pub, "我的", "我的课程", "我的授课", "资源库", "消息"]);
    expect(labels(null)).toEqual(pub);
  });

  it("the 总部 tabs offer 用户与角色 to HQ admins only (the page refuses editors)", async () => {
    const admin = await createActor(db, [{ role: "hq_admin" }]);
    const editor = await createActor(db, [{ role: "hq_editor" }]);
    expect(visibleEntries(HQ_TABS, admin).map((t) => t.to)).toContain("/hq/users");
    expect(visibleEntries(HQ_TABS, editor).map((t) => t.to)).not.toContain("/hq/users");
    expect(visibleEntries(HQ_TABS, editor).map((t) => t.to)).toContain("/hq/courses");
  });
});

describe("granting and revoking", () => {
  it("HQ admin grants and revokes, each written to the audit log with IP", async () => {
    const { a } = await world();
    const admin = await createActor(db, [{ role: "hq_admin" }]);
    const target = await createUser(db, { name: "郑老师" });
    const g = grantRole(
      db,
      admin,
      { userId: target.id, role: "academy_manager", scopeId: a.id },
      "203.0.113.5",
    );
    expect(g.scopeType).toBe("academy");
    revokeRole(db, admin, g.id, "203.0.113.6");
    expect(
      db
        .select()
        .from(userRoles)
        .all()
        .filter((r) => r.userId === target.id),
    ).toHaveLength(0);
    const log = db.select().from(auditLog).all();
    expect(log.map((l) => [l.action, l.ip, l.actorId])).toEqual([
      ["role.grant", "203.0.113.5", admin.id],
      ["role.revoke", "203.0.113.6", admin.id],
    ]);
    expect(log[0]!.summary).toContain("郑老师");
    expect(log[0]!.summary).toContain(a.name);
    expect(listAudit(db, { q: "郑老师" }).total).toBe(2);
  });

  it("refuses non-admins with 403 and writes nothing", async () => {
    const { a } = await world();
    const editor = await createActor(db, [{ role: "hq_editor" }]);
    const target = await createUser(db);
    const thrown = (() => {
      try {
        grantRole(db, editor, { userId: target.id, role: "hq_admin" }, null);
      } catch (e) {
        return e;
      }
    })();
    expect(thrown).toBeInstanceOf(Response);
    expect((thrown as Response).status).toBe(403);
    expect(db.select().from(auditLog).all()).toHaveLength(0);
    void a;
  });

  it("requires a scope for district and academy roles, and refuses duplicates", async () => {
    await world();
    const admin = await createActor(db, [{ role: "hq_admin" }]);
    const target = await createUser(db);
    expect(() => grantRole(db, admin, { userId: target.id, role: "district_staff" }, null)).toThrow(
      "请选择区。",
    );
    expect(() =>
      grantRole(db, admin, { userId: target.id, role: "academy_manager", scopeId: 99999 }, null),
    ).toThrow("请选择一个存在的书院。");
    grantRole(db, admin, { userId: target.id, role: "teacher" }, null);
    expect(() => grantRole(db, admin, { userId: target.id, role: "teacher" }, null)).toThrow(
      /已经是/,
    );
    expect(db.select().from(auditLog).all()).toHaveLength(1);
  });

  it("an admin cannot revoke their own admin role", async () => {
    const admin = await createActor(db, [{ role: "hq_admin" }]);
    const own = db
      .select()
      .from(userRoles)
      .all()
      .find((r) => r.userId === admin.id)!;
    expect(() => revokeRole(db, admin, own.id, null)).toThrow("不能撤销自己的总部管理员角色");
  });
});
