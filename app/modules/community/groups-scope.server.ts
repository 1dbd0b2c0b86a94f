/** Scope checks shared by the groups slice (organisations, topics, proposals, volunteers).
 * A refusal is a 403 page, never a silent filter. */
import { eq } from "drizzle-orm";
import type { Conn } from "@db/client";
import { academies } from "@db/schema";
import { canManageAcademy, canViewAcademy, type Actor } from "~/modules/auth/permissions";
import { forbidden, notFound } from "~/utils/http";

export const NOT_YOUR_ACADEMY_COMMUNITY =
  "您不是这所书院的管理员，不能管理它的居民组织、议事和课程公示。";

export function assertManages(actor: Actor | null, academyId: number) {
  if (!actor || !canManageAcademy(actor, academyId)) forbidden(NOT_YOUR_ACADEMY_COMMUNITY);
}

export function academyRow(conn: Conn, academyId: number) {
  const a = conn
    .select({
      id: academies.id,
      slug: academies.slug,
      name: academies.name,
      districtId: academies.districtId,
    })
    .from(academies)
    .where(eq(academies.id, academyId))
    .get();
  if (!a) notFound("没有找到这所书院。");
  return a;
}

/** Managers, their district centre and HQ read an academy's internal community data. */
export function canSeeInternal(actor: Actor | null, academy: { id: number; districtId: number }) {
  return !!actor && canViewAcademy(actor, academy);
}
