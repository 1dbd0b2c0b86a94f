import { eq } from "drizzle-orm";
import { academies, auditLog, users } from "@db/schema";
import {
  academyDirectory,
  getHomeAcademy,
  homeDistrictCode,
  HOME_CHANGE_INTERVAL_MS,
  setHomeAcademy,
} from "~/modules/auth/home-academy.server";
import { loadActor } from "~/modules/auth/users.server";
import { createTestDb, type TestDb } from "@tests/factories/db";
import { createAcademy, seedDistricts } from "@tests/factories/org";
import { createActor, registerWithSms } from "@tests/factories/users";

let db: TestDb;
beforeEach(() => {
  db = createTestDb();
});
afterEach(() => db.cleanup());

describe("我的书院", () => {
  it("registration stores the chosen academy and audits it", async () => {
    const d = seedDistricts(db);
    const a = createAcademy(db, d.huli!.id);
    await registerWithSms(
      db,
      { phone: "13811120001", name: "王阿姨", password: "gulangyu-morning", homeAcademyId: a.id },
      "10.5.0.1",
    );
    const u = db.select().from(users).where(eq(users.phone, "13811120001")).get()!;
    expect(u.homeAcademyId).toBe(a.id);
    expect(homeDistrictCode(db, u.homeAcademyId)).toBe("huli");
    expect(
      db.select().from(auditLog).where(eq(auditLog.action, "home_academy.set")).all(),
    ).toHaveLength(1);
  });

  it("a closed academy is neither offered nor accepted, and nothing is written", async () => {
    const d = seedDistricts(db);
    const closed = createAcademy(db, d.huli!.id, { closedAt: Date.now(), closedReason: "合并" });
    expect(academyDirectory(db).academies.map((x) => x.id)).not.toContain(closed.id);
    await expect(
      registerWithSms(
        db,
        {
          phone: "13811120002",
          name: "李",
          password: "gulangyu-morning",
          homeAcademyId: closed.id,
        },
        "10.5.0.2",
      ),
    ).rejects.toThrow("请选择一个正在开放的书院");
    expect(db.select().from(users).all()).toHaveLength(0);
  });

  it("changes at most once per 30 days, each change audited; a refused change writes nothing", async () => {
    const d = seedDistricts(db);
    const [a, b, c] = [
      createAcademy(db, d.huli!.id),
      createAcademy(db, d.siming!.id),
      createAcademy(db, d.jimei!.id),
    ];
    const actor = await createActor(db);
    const t0 = Date.now();
    setHomeAcademy(db, actor, a.id, "10.5.0.3", t0); // first choice: free
    setHomeAcademy(db, actor, b.id, "10.5.0.3", t0 + 1000); // a change
    const auditsBefore = db.select().from(auditLog).all().length;
    expect(() =>
      setHomeAcademy(db, actor, c.id, "10.5.0.3", t0 + HOME_CHANGE_INTERVAL_MS - 1),
    ).toThrow("每 30 天只能更换一次");
    expect(db.select().from(users).where(eq(users.id, actor.id)).get()!.homeAcademyId).toBe(b.id);
    expect(db.select().from(auditLog).all()).toHaveLength(auditsBefore);
    setHomeAcademy(db, actor, c.id, "10.5.0.3", t0 + 1000 + HOME_CHANGE_INTERVAL_MS);
    const changes = db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, "home_academy.change"))
      .all();
    expect(changes.map((x) => x.detail)).toEqual([
      { from: a.id, to: b.id },
      { from: b.id, to: c.id },
    ]);
    const fresh = loadActor(db, { ...actor, homeAcademyId: c.id });
    expect(getHomeAcademy(db, fresh).academy?.id).toBe(c.id);
  });

  it("refuses an unknown academy with a Chinese message", async () => {
    seedDistricts(db);
    const actor = await createActor(db);
    expect(() => setHomeAcademy(db, actor, 99999, null)).toThrow("请选择一个正在开放的书院");
    expect(db.select().from(academies).all()).toHaveLength(0);
  });
});
