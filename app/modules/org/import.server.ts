import fs from "node:fs";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import type { DB } from "@db/client";
import { city, districts, subdistricts } from "@db/schema";
import { z } from "~/utils/zod";

const districtFile = z.array(
  z.object({
    code: z.string().regex(/^[a-z]+$/),
    name: z.string().min(2),
    centre: z.string().min(2),
    order: z.number().int(),
    subdistricts: z.array(z.tuple([z.string().min(2), z.enum(["街道", "镇"])])),
  }),
);
const cityFile = z.object({
  name: z.string(),
  address: z.string(),
  phone: z.string().optional(),
  description: z.string().optional(),
});

export const ORG_CONTENT_DIR = path.resolve(process.cwd(), "content/org");

/** Imports the city, districts and sub-districts from content/org. Running it twice changes nothing. */
export function importOrgContent(db: DB, dir = ORG_CONTENT_DIR) {
  const cityData = cityFile.parse(JSON.parse(fs.readFileSync(path.join(dir, "city.json"), "utf8")));
  const data = districtFile.parse(
    JSON.parse(fs.readFileSync(path.join(dir, "districts.json"), "utf8")),
  );
  let changes = 0;
  db.transaction(
    (tx) => {
      const cur = tx.select().from(city).where(eq(city.id, 1)).get();
      const cityRow = {
        id: 1,
        name: cityData.name,
        address: cityData.address,
        phone: cityData.phone ?? null,
        description: cityData.description ?? null,
      };
      if (!cur) {
        tx.insert(city).values(cityRow).run();
        changes++;
      } else if (JSON.stringify(cur) !== JSON.stringify(cityRow)) {
        tx.update(city).set(cityRow).where(eq(city.id, 1)).run();
        changes++;
      }
      for (const d of data) {
        let row = tx.select().from(districts).where(eq(districts.code, d.code)).get();
        if (!row) {
          row = tx
            .insert(districts)
            .values({ code: d.code, name: d.name, centreName: d.centre, sortOrder: d.order })
            .returning()
            .get();
          changes++;
        } else if (
          row.name !== d.name ||
          row.centreName !== d.centre ||
          row.sortOrder !== d.order
        ) {
          tx.update(districts)
            .set({ name: d.name, centreName: d.centre, sortOrder: d.order })
            .where(eq(districts.id, row.id))
            .run();
          changes++;
        }
        d.subdistricts.forEach(([name, kind], i) => {
          const s = tx
            .select()
            .from(subdistricts)
            .where(and(eq(subdistricts.districtId, row.id), eq(subdistricts.name, name)))
            .get();
          if (!s) {
            tx.insert(subdistricts)
              .values({ districtId: row.id, name, kind, sortOrder: i + 1 })
              .run();
            changes++;
          } else if (s.kind !== kind || s.sortOrder !== i + 1) {
            tx.update(subdistricts)
              .set({ kind, sortOrder: i + 1 })
              .where(eq(subdistricts.id, s.id))
              .run();
            changes++;
          }
        });
      }
    },
    { behavior: "immediate" },
  );
  return { changes };
}
