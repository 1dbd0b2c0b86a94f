/**
 * The network itself (issue 15 part 6): HQ admins create, edit, close and reopen academies;
 * district centre staff only within their own district; managers, residents and HQ editors are
 * refused (403) with nothing changed. Every write leaves its audit row.
 */
import { eq, sql } from "drizzle-orm";
import { academies, auditLog, branches, classSessions } from "@db/schema";
import type { Actor } from "~/modules/auth/permissions";
import { toAcademyInput, academyInputSchema, type AcademyInput } from "~/modules/org/academies";
import {
  closeAcademy,
  createAcademy,
  getAcademyForAdmin,
  listAcademiesForAdmin,
  reopenAcademy,
  updateAcademy,
} from "~/modules/org/academies-admin.server";
import { weekly } from "~/modules/org/opening-hours";
import { academyDirectory } from "~/modules/org/org.server";
import { academyChoices } from "~/modules/scheduling/demand.server";
import { cancelSession } from "~/modules/scheduling/runs.server";
import { isoWeekday } from "~/utils/time";
import { createTestDb } from "@tests/factories/db";
import { statusOf, userErrorOf } from "@tests/factories/community-groups";
import {
  createRoom,
  daysFromToday,
  scheduleRun,
  schedulingWorld,
} from "@tests/factories/scheduling";
import { createActor } from "@tests/factories/users";

let db: ReturnType<typeof createTestDb>;
beforeEach(() => {
  db = createTestDb();
});
afterEach(() => db.cleanup());

function input(districtId: number, patch: Partial<AcademyInput> = {}): AcademyInput {
  return {
    name: "新港社区书院",
    districtId,
    subdistrictId: undefined,
    community: "新港社区",
    address: "新港路 88 号",
    phone: "0592-5551234",
    population: 12000,
    description: "",
    hours: weekly([[9 * 60, 21 * 60]], [2, 3, 4, 5, 6, 7]),
    branches: [{ name: "新港第一分院", address: "新港路 12 号楼一层" }],
    ...patch,
  };
}

function snapshot() {
  return {
    academies: db.all(sql`SELECT * FROM academies ORDER BY id`),
    branches: db.all(sql`SELECT * FROM branches ORDER BY id`),
    audit: db.get<{ n: number }>(sql`SELECT count(*) AS n FROM audit_log`)!.n,
  };
}

async function world() {
  const w = await schedulingWorld(db);
  const hqAdmin = await createActor(db, [{ role: "hq_admin" }]);
  return { ...w, hqAdmin };
}

describe("academies: create and edit", () => {
  it("HQ creates an academy with its hours, branches and a slug of its district, audited", async () => {
    const w = await world();
    const row = createAcademy(db, w.hqAdmin, input(w.d.huli!.id));
    const a = db.select().from(academies).where(eq(academies.id, row.id)).get()!;
    expect(a.slug).toMatch(/^huli-\d{3}$/);
    expect(a.openingHours).toBe("周二至周日 9:00–21:00");
    expect(a.openingSchedule![0]).toEqual([]);
    expect(a.openingSchedule![1]).toEqual([[540, 1260]]);
    expect(
      db
        .select()
        .from(branches)
        .where(eq(branches.academyId, a.id))
        .all()
        .map((b) => b.name),
    ).toEqual(["新港第一分院"]);
    const audit = db.select().from(auditLog).where(eq(auditLog.action, "academy.create")).all();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorId: w.hqAdmin.id, targetId: String(a.id) });
    expect(audit[0]!.summary).toContain("周二至周日 9:00–21:00");
    // A second one in 湖里 gets the next number.
    const second = createAcademy(db, w.hqAdmin, input(w.d.huli!.id, { name: "新港二社区书院" }));
    expect(Number(second.slug.slice(5))).toBe(Number(row.slug.slice(5)) + 1);
  });

  it("refuses a duplicate name in the district and a 街道 of another district, nothing saved", async () => {
    const w = await world();
    createAcademy(db, w.hqAdmin, input(w.d.huli!.id));
    const before = snapshot();
    expect(userErrorOf(() => createAcademy(db, w.hqAdmin, input(w.d.huli!.id)))).toEqual({
      message: "本区已经有一所「新港社区书院」。",
      field: "name",
    });
    const simingStreet = db.get<{ id: number }>(
      sql`SELECT id FROM subdistricts WHERE district_id = ${w.d.siming!.id} LIMIT 1`,
    )!.id;
    expect(
      userErrorOf(() =>
        createAcademy(
          db,
          w.hqAdmin,
          input(w.d.huli!.id, { name: "别的书院", subdistrictId: simingStreet }),
        ),
      ).field,
    ).toBe("subdistrictId");
    expect(snapshot()).toEqual(before);
  });

  it("edits hours and branches (matched by name), audits what changed, and keeps a branch that still has a room", async () => {
    const w = await world();
    const row = createAcademy(db, w.hqAdmin, input(w.d.huli!.id));
    const branch = db.select().from(branches).where(eq(branches.academyId, row.id)).get()!;
    updateAcademy(
      db,
      w.hqAdmin,
      row.id,
      input(w.d.huli!.id, {
        hours: weekly([[510, 1230]]),
        branches: [
          { name: "新港第一分院", address: "新港路 14 号" },
          { name: "新港第二分院", address: "新港路 30 号" },
        ],
      }),
    );
    const a = db.select().from(academies).where(eq(academies.id, row.id)).get()!;
    expect(a.openingHours).toBe("每天 8:30–20:30");
    expect(db.select().from(branches).where(eq(branches.id, branch.id)).get()!.address).toBe(
      "新港路 14 号",
    );
    const audit = db.select().from(auditLog).where(eq(auditLog.action, "academy.update")).get()!;
    expect(audit.summary).toContain("开放时间 周二至周日 9:00–21:00 → 每天 8:30–20:30");
    expect(audit.summary).toContain("新增分院「新港第二分院」");

    createRoom(db, row.id, { name: "分院活动室", branchId: branch.id });
    const before = snapshot();
    const e = userErrorOf(() =>
      updateAcademy(db, w.hqAdmin, row.id, input(w.d.huli!.id, { branches: [] })),
    );
    expect(e.field).toBe("branches");
    expect(e.message).toContain("还有教室「分院活动室」");
    expect(snapshot()).toEqual(before);
  });

  it("keeps the form's input when the opening hours are bad (the parsed form refuses, the module is never called)", () => {
    const parsed = academyInputSchema.safeParse({
      intent: "save",
      name: "书院",
      districtId: "2",
      community: "社区",
      address: "某某路 1 号",
      hours2: "9:00-12:00，10:00-13:00",
    });
    expect(parsed.success).toBe(false);
    const ok = academyInputSchema.parse({
      intent: "save",
      name: "书院",
      districtId: "2",
      community: "社区",
      address: "某某路 1 号",
      hours2: "9:00-12:00，14:00-21:00",
      branches: "甲分院 | 某某路 2 号",
    });
    expect(toAcademyInput(ok).hours[1]).toEqual([
      [540, 720],
      [840, 1260],
    ]);
  });
});

describe("academies: the finders' academy choices", () => {
  it("show a new or renamed academy on the next read, and are kept through writes elsewhere", async () => {
    const w = await world();
    const before = academyChoices(db);
    // A write outside the network (a new account) keeps the same list: nothing re-read.
    await createActor(db, []);
    expect(academyChoices(db)).toBe(before);

    const row = createAcademy(db, w.hqAdmin, input(w.d.huli!.id));
    const added = academyChoices(db);
    expect(added).toHaveLength(before.length + 1);
    expect(added.find((a) => a.id === row.id)).toEqual({
      id: row.id,
      name: "新港社区书院",
      districtName: w.d.huli!.name,
    });
    updateAcademy(db, w.hqAdmin, row.id, input(w.d.huli!.id, { name: "新港东社区书院" }));
    expect(academyChoices(db).find((a) => a.id === row.id)?.name).toBe("新港东社区书院");
  });
});

describe("academies: who may", () => {
  it("lets district staff create and edit in their own district only, and never move an academy out", async () => {
    const w = await world();
    const mine = createAcademy(db, w.huliStaff, input(w.d.huli!.id));
    expect(getAcademyForAdmin(db, w.huliStaff, mine.id).academy.name).toBe("新港社区书院");
    const before = snapshot();
    expect(
      statusOf(() => createAcademy(db, w.huliStaff, input(w.d.siming!.id, { name: "思明的书院" }))),
    ).toBe(403);
    expect(
      userErrorOf(() => updateAcademy(db, w.huliStaff, mine.id, input(w.d.siming!.id))).field,
    ).toBe("districtId");
    expect(statusOf(() => updateAcademy(db, w.huliStaff, w.b.id, input(w.d.siming!.id)))).toBe(403);
    expect(statusOf(() => closeAcademy(db, w.huliStaff, w.b.id, { reason: "合并" }))).toBe(403);
    expect(statusOf(() => getAcademyForAdmin(db, w.huliStaff, w.b.id))).toBe(403);
    expect(
      statusOf(() => listAcademiesForAdmin(db, w.huliStaff, { districtId: w.d.siming!.id })),
    ).toBe(403);
    expect(statusOf(() => listAcademiesForAdmin(db, w.huliStaff, {}))).toBe(403);
    expect(snapshot()).toEqual(before);
  });

  it("refuses managers (even of the academy), HQ editors and residents every operation: 403, nothing changed", async () => {
    const w = await world();
    const before = snapshot();
    const people: [string, Actor][] = [
      ["manager", w.managerA],
      ["hq editor", w.hq],
      ["resident", w.resident],
    ];
    for (const [who, actor] of people) {
      const got = [
        statusOf(() => createAcademy(db, actor, input(w.d.huli!.id))),
        statusOf(() => updateAcademy(db, actor, w.a.id, input(w.d.huli!.id))),
        statusOf(() => closeAcademy(db, actor, w.a.id, { reason: "合并" })),
        statusOf(() => reopenAcademy(db, actor, w.a.id)),
        statusOf(() => getAcademyForAdmin(db, actor, w.a.id)),
        statusOf(() => listAcademiesForAdmin(db, actor, { districtId: w.d.huli!.id })),
      ];
      expect({ who, got }).toEqual({ who, got: [403, 403, 403, 403, 403, 403] });
    }
    expect(snapshot()).toEqual(before);
  });

  it("lists with search, status filter and pages of 30", async () => {
    const w = await world();
    for (let i = 1; i <= 32; i++)
      createAcademy(
        db,
        w.hqAdmin,
        input(w.d.jimei!.id, { name: `集美${i}号社区书院`, branches: [] }),
      );
    const p1 = listAcademiesForAdmin(db, w.hqAdmin, { districtId: w.d.jimei!.id });
    expect([p1.total, p1.pages, p1.rows.length]).toEqual([32, 2, 30]);
    expect(
      listAcademiesForAdmin(db, w.hqAdmin, { districtId: w.d.jimei!.id, page: 2 }).rows,
    ).toHaveLength(2);
    expect(listAcademiesForAdmin(db, w.hqAdmin, { q: "集美12号" }).rows.map((r) => r.name)).toEqual(
      ["集美12号社区书院"],
    );
    expect(listAcademiesForAdmin(db, w.hqAdmin, { q: "湖边" }).rows.map((r) => r.name)).toEqual([
      "湖边社区书院",
    ]);
    closeAcademy(db, w.hqAdmin, w.a.id, { reason: "与相邻书院合并" });
    expect(
      listAcademiesForAdmin(db, w.hqAdmin, { status: "closed" }).rows.map((r) => r.name),
    ).toEqual(["湖边社区书院"]);
    expect(
      listAcademiesForAdmin(db, w.huliStaff, { districtId: w.d.huli!.id, status: "open" }).total,
    ).toBe(0);
  });
});

describe("academies: close and reopen", () => {
  it("refuses to close while classes are ahead, closes with a reason once they are cancelled, and reopens; all audited", async () => {
    const w = await world();
    let date = daysFromToday(3);
    for (let i = 4; isoWeekday(date) !== 2; i++) date = daysFromToday(i);
    const { run } = scheduleRun(db, w.managerA, w.a.id, {
      courseId: w.course.id,
      roomId: w.roomA.id,
      guestTeacher: "林老师",
      startDate: date,
      weekdays: [2],
      startTime: "09:00",
      endTime: "10:30",
    });
    const before = snapshot();
    const e = userErrorOf(() => closeAcademy(db, w.hqAdmin, w.a.id, { reason: "与相邻书院合并" }));
    expect(e.message).toContain("还有 1 次课、0 场活动没有举办");
    expect(userErrorOf(() => closeAcademy(db, w.hqAdmin, w.a.id, { reason: " " })).field).toBe(
      "reason",
    );
    expect(snapshot()).toEqual(before);

    const s = db.select().from(classSessions).where(eq(classSessions.runId, run.id)).get()!;
    cancelSession(db, w.managerA, s.id, { reason: "书院合并" });
    closeAcademy(db, w.huliStaff, w.a.id, { reason: "与相邻书院合并" });
    const closed = db.select().from(academies).where(eq(academies.id, w.a.id)).get()!;
    expect(closed.closedAt).not.toBeNull();
    expect(closed.closedReason).toBe("与相邻书院合并");
    expect(
      userErrorOf(() => closeAcademy(db, w.hqAdmin, w.a.id, { reason: "再关一次" })).message,
    ).toBe("这所书院已经关闭了。");
    // The public directory still lists it, marked closed.
    const listed = academyDirectory(db, {
      districtId: w.d.huli!.id,
    }).groups[0]!.subdistricts.flatMap((g) => g.academies);
    expect(listed.find((a) => a.name === "湖边社区书院")!.closed).toBe(true);

    reopenAcademy(db, w.hqAdmin, w.a.id);
    expect(db.select().from(academies).where(eq(academies.id, w.a.id)).get()!.closedAt).toBeNull();
    const audit = db
      .select()
      .from(auditLog)
      .where(sql`${auditLog.action} IN ('academy.close', 'academy.reopen')`)
      .all();
    expect(audit.map((r) => [r.action, r.actorId])).toEqual([
      ["academy.close", w.huliStaff.id],
      ["academy.reopen", w.hqAdmin.id],
    ]);
    expect(audit[1]!.summary).toContain("原关闭原因：与相邻书院合并");
    // Open again: it takes classes.
    scheduleRun(db, w.managerA, w.a.id, {
      courseId: w.course.id,
      roomId: w.roomA.id,
      guestTeacher: "林老师",
      startDate: date,
      weekdays: [2],
      startTime: "14:00",
      endTime: "15:30",
    });
  });
});
