import { asc, eq } from "drizzle-orm";
import type { DB } from "@db/client";
import { academies, districts } from "@db/schema";
import { importOrgContent } from "~/modules/org/import.server";

let seq = 0;

/** Imports the real districts from content/org and returns them by code. */
export function seedDistricts(db: DB) {
  importOrgContent(db);
  const rows = db.select().from(districts).orderBy(asc(districts.sortOrder)).all();
  return Object.fromEntries(rows.map((d) => [d.code, d])) as Record<string, (typeof rows)[number]>;
}

export function createAcademy(
  db: DB,
  districtId: number,
  overrides: Partial<typeof academies.$inferInsert> = {},
) {
  seq++;
  return db
    .insert(academies)
    .values({
      slug: `test-${process.pid}-${seq}`,
      name: `测试${seq}社区书院`,
      districtId,
      community: `测试${seq}社区`,
      address: `测试路${seq}号`,
      openingHours: "每天 9:00–21:00",
      population: 10000,
      createdAt: Date.now(),
      ...overrides,
    })
    .returning()
    .get();
}

export function getDistrict(db: DB, code: string) {
  return db.select().from(districts).where(eq(districts.code, code)).get()!;
}
