import { and, eq } from "drizzle-orm";
import type { DB } from "@db/client";
import { academies, districts, userRoles, users, type Role } from "@db/schema";
import { forbidden } from "~/utils/http";
import { UserError } from "~/utils/errors";
import { writeAudit } from "./audit.server";
import { isHqAdmin, ROLE_LABELS, ROLE_SCOPE, type Actor } from "./permissions";

function scopeLabel(db: DB, scopeType: string, scopeId: number) {
  if (scopeType === "district") {
    const d = db
      .select({ name: districts.name })
      .from(districts)
      .where(eq(districts.id, scopeId))
      .get();
    if (!d) throw new UserError("请选择一个存在的区。", "scopeId");
    return d.name;
  }
  if (scopeType === "academy") {
    const a = db
      .select({ name: academies.name })
      .from(academies)
      .where(eq(academies.id, scopeId))
      .get();
    if (!a) throw new UserError("请选择一个存在的书院。", "scopeId");
    return a.name;
  }
  return "全市";
}

/** HQ admins grant a role at the scope the role belongs to; audited in the same transaction. */
export function grantRole(
  db: DB,
  actor: Actor,
  input: { userId: number; role: Role; scopeId?: number },
  ip: string | null,
) {
  if (!isHqAdmin(actor)) forbidden();
  const scopeType = ROLE_SCOPE[input.role];
  const scopeId = scopeType === "city" ? 0 : (input.scopeId ?? 0);
  if (scopeType !== "city" && !scopeId) {
    throw new UserError(scopeType === "district" ? "请选择区。" : "请选择书院。", "scopeId");
  }
  const target = db
    .select({ id: users.id, name: users.name, phone: users.phone })
    .from(users)
    .where(eq(users.id, input.userId))
    .get();
  if (!target) throw new UserError("找不到这个用户。");
  const where = scopeLabel(db, scopeType, scopeId);
  return db.transaction(
    (tx) => {
      const existing = tx
        .select({ id: userRoles.id })
        .from(userRoles)
        .where(
          and(
            eq(userRoles.userId, target.id),
            eq(userRoles.role, input.role),
            eq(userRoles.scopeType, scopeType),
            eq(userRoles.scopeId, scopeId),
          ),
        )
        .get();
      if (existing)
        throw new UserError(`${target.name} 已经是${where}的${ROLE_LABELS[input.role]}。`, "role");
      const row = tx
        .insert(userRoles)
        .values({
          userId: target.id,
          role: input.role,
          scopeType,
          scopeId,
          grantedBy: actor.id,
          grantedAt: Date.now(),
        })
        .returning()
        .get();
      writeAudit(tx, actor.id, ip, {
        action: "role.grant",
        targetType: "user",
        targetId: target.id,
        summary: `授予 ${target.name}（${target.phone}）${where}${ROLE_LABELS[input.role]}角色`,
        detail: { role: input.role, scopeType, scopeId },
      });
      return row;
    },
    { behavior: "immediate" },
  );
}

export function revokeRole(db: DB, actor: Actor, grantId: number, ip: string | null) {
  if (!isHqAdmin(actor)) forbidden();
  const grant = db.select().from(userRoles).where(eq(userRoles.id, grantId)).get();
  if (!grant) throw new UserError("这个角色已经被撤销了。");
  if (grant.userId === actor.id && grant.role === "hq_admin") {
    throw new UserError("不能撤销自己的总部管理员角色，请让另一位管理员操作。");
  }
  const target = db
    .select({ name: users.name, phone: users.phone })
    .from(users)
    .where(eq(users.id, grant.userId))
    .get()!;
  const where = scopeLabel(db, grant.scopeType, grant.scopeId);
  db.transaction(
    (tx) => {
      tx.delete(userRoles).where(eq(userRoles.id, grantId)).run();
      writeAudit(tx, actor.id, ip, {
        action: "role.revoke",
        targetType: "user",
        targetId: grant.userId,
        summary: `撤销 ${target.name}（${target.phone}）${where}${ROLE_LABELS[grant.role]}角色`,
        detail: { role: grant.role, scopeType: grant.scopeType, scopeId: grant.scopeId },
      });
    },
    { behavior: "immediate" },
  );
}

/** A person's grants with the name of the district or academy each is scoped to. */
export function listUserRoles(db: DB, userId: number) {
  const grants = db.select().from(userRoles).where(eq(userRoles.userId, userId)).all();
  return grants.map((g) => ({
    id: g.id,
    role: g.role,
    label: ROLE_LABELS[g.role],
    scope: g.scopeType === "city" ? "全市" : scopeLabel(db, g.scopeType, g.scopeId),
    grantedAt: g.grantedAt,
  }));
}
