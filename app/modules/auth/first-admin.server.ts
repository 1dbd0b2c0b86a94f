import { eq, sql } from "drizzle-orm";
import type { DB } from "@db/client";
import { userRoles, users } from "@db/schema";
import { UserError, userErrorOf } from "~/utils/errors";
import { z } from "~/utils/zod";
import { writeAudit } from "./audit.server";
import { hashPassword } from "./password.server";
import { assertPasswordAllowed } from "./password-policy.server";
import { nameField, passwordField, phoneField } from "./validation";

const inputSchema = z.object({ phone: phoneField, name: nameField, password: passwordField });

/**
 * `npm run admin:create`: makes the first HQ admin of a production database (DEMO=0), with the
 * operator's own password. Only while no hq_admin exists — afterwards grants go through
 * /hq/users, audited with the granting admin. User, role and audit row are one transaction.
 */
export async function createFirstHqAdmin(
  db: DB,
  input: { phone: string; name: string; password: string },
) {
  const parsed = inputSchema.safeParse(input);
  if (!parsed.success) throw userErrorOf(parsed.error);
  const { phone, name, password } = parsed.data;
  assertPasswordAllowed(password, phone, "password");
  const passwordHash = await hashPassword(password);
  return db.transaction(
    (tx) => {
      const admins = tx.get<{ n: number }>(
        sql`SELECT count(*) AS n FROM user_roles WHERE role = 'hq_admin'`,
      )!.n;
      if (admins > 0) throw new UserError("已经有总部管理员了：请让他在「用户与角色」里授权。");
      const now = Date.now();
      const existing = tx.select({ id: users.id }).from(users).where(eq(users.phone, phone)).get();
      const userId = existing
        ? existing.id
        : tx
            .insert(users)
            .values({ phone, name, passwordHash, createdAt: now })
            .returning({ id: users.id })
            .get().id;
      if (existing) tx.update(users).set({ passwordHash }).where(eq(users.id, userId)).run();
      tx.insert(userRoles)
        .values({
          userId,
          role: "hq_admin",
          scopeType: "city",
          scopeId: 0,
          grantedBy: null,
          grantedAt: now,
        })
        .run();
      writeAudit(tx, null, null, {
        action: "role.grant",
        targetType: "user",
        targetId: userId,
        summary: `命令行创建第一位总部管理员 ${name}`,
        detail: { role: "hq_admin", scopeType: "city", scopeId: 0, via: "admin:create" },
      });
      return { userId };
    },
    { behavior: "immediate" },
  );
}
