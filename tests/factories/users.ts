import { eq } from "drizzle-orm";
import type { DB } from "@db/client";
import { userRoles, users, type Role } from "@db/schema";
import { hashPassword } from "~/modules/auth/password.server";
import { loadActor } from "~/modules/auth/users.server";

let seq = 0;
let cachedHash: string | undefined;

/** A user with an 11-digit phone unique in this process; password "test-password-1". */
export async function createUser(db: DB, overrides: Partial<{ phone: string; name: string; password: string }> = {}) {
  seq++;
  const password = overrides.password ?? "test-password-1";
  const passwordHash =
    overrides.password === undefined ? (cachedHash ??= await hashPassword("test-password-1")) : await hashPassword(password);
  return db
    .insert(users)
    .values({
      phone: overrides.phone ?? `138${String(process.pid % 10000).padStart(4, "0")}${String(seq).padStart(4, "0")}`,
      name: overrides.name ?? `测试用户${seq}`,
      passwordHash,
      createdAt: Date.now(),
    })
    .returning()
    .get();
}

export function grant(db: DB, userId: number, role: Role, scope: { district?: number; academy?: number } = {}) {
  const scopeType = scope.district ? "district" : scope.academy ? "academy" : "city";
  const scopeId = scope.district ?? scope.academy ?? 0;
  db.insert(userRoles).values({ userId, role, scopeType, scopeId, grantedAt: Date.now() }).run();
}

/** A user with the given roles, returned as the Actor that module functions take. */
export async function createActor(db: DB, roles: { role: Role; district?: number; academy?: number }[] = []) {
  const user = await createUser(db);
  for (const r of roles) grant(db, user.id, r.role, r);
  const row = db.select().from(users).where(eq(users.id, user.id)).get()!;
  return loadActor(db, { id: row.id, name: row.name, phone: row.phone, homeAcademyId: row.homeAcademyId });
}
