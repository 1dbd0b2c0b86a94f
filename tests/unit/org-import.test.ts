import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { academies, city, districts, subdistricts } from "@db/schema";
import { importOrgContent, ORG_CONTENT_DIR } from "~/modules/org/import.server";
import { DEMO_ACADEMIES_PER_DISTRICT, seedDemoAcademies } from "@db/demo/academies";
import { listAcademies } from "~/modules/org/org.server";
import { createTestDb } from "@tests/factories/db";

let db: ReturnType<typeof createTestDb>;
beforeEach(() => {
  db = createTestDb();
});
afterEach(() => db.cleanup());

const snapshot = () => ({
  city: db.select().from(city).all(),
  districts: db.select().from(districts).all(),
  subdistricts: db.select().from(subdistricts).all(),
});

describe("org content import", () => {
  it("imports the six districts and their sub-districts", () => {
    importOrgContent(db);
    const ds = db.select().from(districts).all();
    expect(ds.map((d) => d.name).sort()).toEqual(
      ["同安区", "思明区", "海沧区", "湖里区", "翔安区", "集美区"].sort(),
    );
    const subs = db.select().from(subdistricts).all();
    expect(subs.map((s) => s.name)).toContain("鼓浪屿街道");
    expect(subs.length).toBeGreaterThanOrEqual(36);
    expect(db.select().from(city).get()?.address).toContain("白鹭洲");
  });

  it("is idempotent: running it twice changes nothing", () => {
    expect(importOrgContent(db).changes).toBeGreaterThan(0);
    const first = snapshot();
    expect(importOrgContent(db).changes).toBe(0);
    expect(snapshot()).toEqual(first);
  });

  it("applies an edited file as an update, not a duplicate", () => {
    importOrgContent(db);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "org-"));
    fs.copyFileSync(path.join(ORG_CONTENT_DIR, "city.json"), path.join(dir, "city.json"));
    const data = JSON.parse(fs.readFileSync(path.join(ORG_CONTENT_DIR, "districts.json"), "utf8"));
    data[1].centre = "湖里区社区书院指导中心（新址）";
    fs.writeFileSync(path.join(dir, "districts.json"), JSON.stringify(data));
    expect(importOrgContent(db, dir).changes).toBe(1);
    expect(db.select().from(districts).all()).toHaveLength(6);
    expect(
      db
        .select()
        .from(districts)
        .all()
        .find((d) => d.code === "huli")!.centreName,
    ).toContain("新址");
    fs.rmSync(dir, { recursive: true });
  });

  it("generates 201 demo academies once, spread over the districts", () => {
    importOrgContent(db);
    expect(seedDemoAcademies(db).created).toBe(201);
    expect(seedDemoAcademies(db).created).toBe(0);
    const rows = listAcademies(db);
    expect(rows).toHaveLength(201);
    expect(new Set(rows.map((a) => a.slug)).size).toBe(201);
    for (const [code, n] of Object.entries(DEMO_ACADEMIES_PER_DISTRICT)) {
      expect(rows.filter((a) => a.districtCode === code)).toHaveLength(n);
    }
    expect(
      db
        .select()
        .from(academies)
        .all()
        .every((a) => a.isDemo && a.population > 0 && a.subdistrictId),
    ).toBe(true);
  });
});
