import { eq, sql } from "drizzle-orm";
import {
  auditLog,
  notifications,
  organisationMembers,
  organisationStageChanges,
  organisations,
} from "@db/schema";
import {
  applyToJoin,
  changeStage,
  createOrganisation,
  decideApplication,
  districtOrganisationsByStage,
  getOrganisationPage,
  leaveOrganisation,
  listAcademyOrganisations,
} from "~/modules/community/organisations.server";
import { createTestDb } from "@tests/factories/db";
import { groupsWorld, phoneOf, statusOf, userErrorOf } from "@tests/factories/community-groups";

let db: ReturnType<typeof createTestDb>;
beforeEach(() => {
  db = createTestDb();
});
afterEach(() => db.cleanup());

const count = (
  t:
    | typeof organisationMembers
    | typeof organisations
    | typeof organisationStageChanges
    | typeof auditLog,
) =>
  db
    .select({ n: sql<number>`count(*)` })
    .from(t)
    .get()!.n;

describe("organisation membership", () => {
  it("a resident applies, the leader approves, joining twice is refused in Chinese, members leave themselves", async () => {
    const w = await groupsWorld(db);
    const org = createOrganisation(
      db,
      w.managerA,
      w.a.id,
      { name: "金山合唱团", type: "culture", description: "", leaderPhone: phoneOf(db, w.r1.id) },
      null,
    );
    expect(getOrganisationPage(db, null, org.id).memberCount).toBe(1); // the leader

    const app = applyToJoin(db, w.r2, org.id, { note: "我会唱女高音" });
    expect(app.status).toBe("pending");
    // The leader got a message.
    expect(
      db
        .select()
        .from(notifications)
        .where(eq(notifications.userId, w.r1.id))
        .all()
        .some((n) => n.title.includes("申请加入")),
    ).toBe(true);
    expect(userErrorOf(() => applyToJoin(db, w.r2, org.id, {}))).toEqual({
      message: "您已经申请过了，请等待负责人审核，不用重复申请。",
      field: "note",
    });

    // Another resident may not decide; the leader may.
    expect(statusOf(() => decideApplication(db, w.r3, app.id, true, null))).toBe(403);
    decideApplication(db, w.r1, app.id, true, null);
    expect(getOrganisationPage(db, w.r2, org.id)).toMatchObject({
      memberCount: 2,
      myStatus: "active",
    });
    expect(
      db
        .select()
        .from(notifications)
        .where(eq(notifications.userId, w.r2.id))
        .all()
        .map((n) => n.title),
    ).toContain("您已加入“金山合唱团”");
    expect(userErrorOf(() => applyToJoin(db, w.r2, org.id, {})).message).toBe(
      "您已经是这个组织的成员了，不用重复加入。",
    );
    expect(userErrorOf(() => decideApplication(db, w.r1, app.id, false, null)).message).toBe(
      "这份申请已经处理过了。",
    );

    leaveOrganisation(db, w.r2, org.id);
    expect(getOrganisationPage(db, w.r2, org.id)).toMatchObject({ memberCount: 1, myStatus: null });
    // The leader cannot walk away without a successor.
    expect(userErrorOf(() => leaveOrganisation(db, w.r1, org.id)).message).toContain("负责人");
    // Re-applying after leaving is allowed; the manager can decline it.
    const again = applyToJoin(db, w.r2, org.id, {});
    decideApplication(db, w.managerA, again.id, false, null);
    expect(getOrganisationPage(db, w.r2, org.id).myStatus).toBeNull();
  });

  it("the UNIQUE index itself refuses a second live membership", async () => {
    const w = await groupsWorld(db);
    const org = createOrganisation(
      db,
      w.managerA,
      w.a.id,
      { name: "太极拳队", type: "sports", leaderPhone: phoneOf(db, w.r1.id) },
      null,
    );
    expect(() =>
      db
        .insert(organisationMembers)
        .values({
          organisationId: org.id,
          userId: w.r1.id,
          status: "pending",
          appliedAt: Date.now(),
        })
        .run(),
    ).toThrow(/UNIQUE/);
  });

  it("an unknown leader phone or a duplicate name is a message on its field and stores nothing", async () => {
    const w = await groupsWorld(db);
    const before = [count(organisations), count(organisationMembers), count(auditLog)];
    expect(
      userErrorOf(() =>
        createOrganisation(
          db,
          w.managerA,
          w.a.id,
          { name: "书法社", type: "interest", leaderPhone: "13000000000" },
          null,
        ),
      ).field,
    ).toBe("leaderPhone");
    expect([count(organisations), count(organisationMembers), count(auditLog)]).toEqual(before);
    createOrganisation(
      db,
      w.managerA,
      w.a.id,
      { name: "书法社", type: "interest", leaderPhone: phoneOf(db, w.r1.id) },
      null,
    );
    expect(
      userErrorOf(() =>
        createOrganisation(
          db,
          w.managerA,
          w.a.id,
          { name: "书法社", type: "interest", leaderPhone: phoneOf(db, w.r2.id) },
          null,
        ),
      ),
    ).toEqual({
      message: "本书院已有名为“书法社”的组织。",
      field: "name",
    });
  });
});

describe("organisation stages", () => {
  it("move one step at a time (or 注销), each dated and audited; a dissolved organisation takes no one", async () => {
    const w = await groupsWorld(db);
    const org = createOrganisation(
      db,
      w.managerA,
      w.a.id,
      { name: "志愿服务队", type: "volunteer", leaderPhone: phoneOf(db, w.r1.id) },
      null,
    );
    expect(
      userErrorOf(() => changeStage(db, w.managerA, org.id, { to: "established" }, null)),
    ).toEqual({
      message: "“筹备”之后只能转为“孵化中”或“已注销”。",
      field: "to",
    });
    changeStage(db, w.managerA, org.id, { to: "incubating", note: "有 12 名固定成员" }, null);
    changeStage(db, w.managerA, org.id, { to: "established" }, null);
    const pending = applyToJoin(db, w.r2, org.id, {});
    changeStage(db, w.managerA, org.id, { to: "dissolved", note: "成员搬迁" }, null);
    expect(
      userErrorOf(() => changeStage(db, w.managerA, org.id, { to: "established" }, null)).message,
    ).toBe("这个组织已注销，不能再变更阶段。");
    expect(userErrorOf(() => applyToJoin(db, w.r3, org.id, {})).message).toContain("已注销");
    // The pending application ended with it.
    expect(
      db.select().from(organisationMembers).where(eq(organisationMembers.id, pending.id)).get()!
        .status,
    ).toBe("declined");

    const page = getOrganisationPage(db, null, org.id);
    expect(page.history.map((h) => [h.from, h.to])).toEqual([
      [null, "preparing"],
      ["preparing", "incubating"],
      ["incubating", "established"],
      ["established", "dissolved"],
    ]);
    expect(page.history.every((h) => h.at > 0)).toBe(true);
    expect(
      db.select().from(auditLog).where(eq(auditLog.action, "organisation.stage")).all(),
    ).toHaveLength(3);
    // Residents see the academy's live organisations; the district sees all of them by stage.
    expect(listAcademyOrganisations(db, w.a.id)).toHaveLength(0);
    const district = districtOrganisationsByStage(db, w.huliStaff, w.d.huli!.id);
    expect(district.byStage.dissolved.map((o) => o.name)).toEqual(["志愿服务队"]);
    expect(statusOf(() => districtOrganisationsByStage(db, w.huliStaff, w.d.siming!.id))).toBe(403);
  });

  it("members' names are masked for the public and shown in full to the leader", async () => {
    const w = await groupsWorld(db);
    const org = createOrganisation(
      db,
      w.managerA,
      w.a.id,
      { name: "读书会", type: "interest", leaderPhone: phoneOf(db, w.r1.id) },
      null,
    );
    const full = db.select().from(organisations).where(eq(organisations.id, org.id)).get()!;
    expect(getOrganisationPage(db, w.r1, org.id).members[0]!.name).toBe(w.r1.name);
    expect(getOrganisationPage(db, null, org.id).members[0]!.name).not.toBe(w.r1.name);
    expect(full.stage).toBe("preparing");
  });
});

describe("organisation activities", () => {
  it("the organisation page lists its activities and their total participations by the activities' rule", async () => {
    const { insertActivity } = await import("@tests/factories/activities");
    const w = await groupsWorld(db);
    const org = createOrganisation(
      db,
      w.managerA,
      w.a.id,
      { name: "广场舞队", type: "sports", leaderPhone: phoneOf(db, w.r1.id) },
      null,
    );
    insertActivity(db, w.a.id, {
      organisationId: org.id,
      title: "广场舞展演",
      headcount: 35,
      startsAt: Date.now() - 86_400_000,
    });
    insertActivity(db, w.a.id, {
      organisationId: org.id,
      title: "广场舞教学",
      headcount: 12,
      startsAt: Date.now() - 2 * 86_400_000,
    });
    insertActivity(db, w.a.id, { title: "别的活动", headcount: 100 });
    const page = getOrganisationPage(db, null, org.id);
    expect(page.activities.totalParticipations).toBe(47);
    expect(page.activities.activities.map((a) => [a.title, a.participations])).toEqual([
      ["广场舞展演", 35],
      ["广场舞教学", 12],
    ]);
  });
});
