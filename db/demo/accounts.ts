import { asc, eq, sql } from "drizzle-orm";
import type { DB } from "@db/client";
import { academies, districts, userRoles, users, type Role } from "@db/schema";
import { hashPassword } from "~/modules/auth/password.server";

export const DEMO_PASSWORD = "xiamen-2015";

export const DEMO_ACCOUNTS: {
  phone: string;
  name: string;
  role: Role;
  scope?: "huli" | "huli-academy";
}[] = [
  { phone: "13900000001", name: "总部管理员", role: "hq_admin" },
  { phone: "13900000002", name: "总部课程编辑", role: "hq_editor" },
  { phone: "13900000003", name: "湖里区指导中心", role: "district_staff", scope: "huli" },
  { phone: "13900000004", name: "书院管理员", role: "academy_manager", scope: "huli-academy" },
  { phone: "13900000005", name: "教师", role: "teacher" },
  { phone: "13900000006", name: "居民", role: "resident" },
];

/** The demo manager's academy: the first 湖里 academy. */
export function demoAcademy(db: DB) {
  const huli = db.select().from(districts).where(eq(districts.code, "huli")).get()!;
  return db
    .select()
    .from(academies)
    .where(eq(academies.districtId, huli.id))
    .orderBy(asc(academies.slug))
    .limit(1)
    .get()!;
}

/** Creates the six demo accounts (only when missing). */
export async function seedDemoAccounts(db: DB) {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const huli = db.select().from(districts).where(eq(districts.code, "huli")).get()!;
  const academy = demoAcademy(db);
  let created = 0;
  db.transaction(
    (tx) => {
      for (const a of DEMO_ACCOUNTS) {
        if (tx.select({ id: users.id }).from(users).where(eq(users.phone, a.phone)).get()) continue;
        const u = tx
          .insert(users)
          .values({
            phone: a.phone,
            name: a.name,
            passwordHash,
            isDemo: true,
            homeAcademyId: academy.id,
            createdAt: Date.now(),
          })
          .returning({ id: users.id })
          .get();
        const scopeType =
          a.scope === "huli" ? "district" : a.scope === "huli-academy" ? "academy" : "city";
        const scopeId = a.scope === "huli" ? huli.id : a.scope === "huli-academy" ? academy.id : 0;
        tx.insert(userRoles)
          .values({ userId: u.id, role: a.role, scopeType, scopeId, grantedAt: Date.now() })
          .run();
        created++;
      }
    },
    { behavior: "immediate" },
  );
  return { created };
}

export function countUsers(db: DB) {
  return db
    .select({ n: sql<number>`count(*)` })
    .from(users)
    .get()!.n;
}
