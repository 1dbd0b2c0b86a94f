import { listAudit, maskPhonesIn } from "~/modules/auth/audit.server";
import { grantRole } from "~/modules/auth/roles.server";
import { rosterSheet } from "~/modules/learning/roster-export.server";
import { createTestDb } from "@tests/factories/db";
import { createAcademy, seedDistricts } from "@tests/factories/org";
import { createActor, createUser } from "@tests/factories/users";

let db: ReturnType<typeof createTestDb>;
beforeEach(() => {
  db = createTestDb();
});
afterEach(() => db.cleanup());

describe("phone numbers are masked by default", () => {
  it("maskPhonesIn masks every mobile number in a text, nothing else", () => {
    expect(maskPhonesIn("授予 王五（13812345678）角色；电话 15900001111")).toBe(
      "授予 王五（138****5678）角色；电话 159****1111",
    );
    expect(maskPhonesIn("订单 123456789012 · 2026")).toBe("订单 123456789012 · 2026");
  });

  it("/hq/audit's list never prints a full number, even for rows written with one", async () => {
    const d = seedDistricts(db);
    const a = createAcademy(db, d.huli!.id);
    const admin = await createActor(db, [{ role: "hq_admin" }]);
    const target = await createUser(db, { name: "郑老师", phone: "13712345678" });
    grantRole(
      db,
      admin,
      { userId: target.id, role: "academy_manager", scopeId: a.id },
      "203.0.113.5",
    );
    const { rows } = listAudit(db, {});
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      expect(r.summary).not.toMatch(/1[3-9]\d{9}/);
      expect(r.actorPhone ?? "").not.toMatch(/1[3-9]\d{9}/);
    }
    expect(rows.some((r) => r.summary.includes("137****5678"))).toBe(true);
  });

  it("roster exports show full numbers to the academy's managers only; district centres, HQ readers and teachers get masked ones", () => {
    const learner = {
      name: "王秀英",
      phone: "13812345678",
      status: "confirmed",
      walkin: false,
      familyMemberId: null,
      relation: null,
      ownerName: null,
      position: null,
      createdAt: Date.UTC(2026, 10, 1),
      marks: {},
      attended: 0,
      rate: null,
      noShows: 0,
    };
    const data = (role: string) =>
      ({
        role,
        run: { title: "书法", runId: 1 },
        sessions: [],
        confirmed: [learner],
        waitlisted: [],
        pending: [],
        ended: [],
      }) as never;
    const phoneCell = (role: string) => rosterSheet(data(role)).rows[0]![3];
    expect(phoneCell("manager")).toBe("13812345678");
    for (const role of ["viewer", "teacher"]) expect(phoneCell(role)).toBe("138****5678");
  });
});
