/** Scope checks shared by the scheduling functions. A refusal is a 403 page, never a silent filter. */
import type { DB } from "@db/client";
import { canViewAcademy, type Actor } from "~/modules/auth/permissions";
import { assertManagesAcademy, getAcademyBySlug } from "~/modules/org/org.server";
import { forbidden, notFound } from "~/utils/http";

// Rooms (org) and scheduling share the manager check; it lives with the academies.
export { assertManagesAcademy, NOT_YOUR_ACADEMY } from "~/modules/org/org.server";

/** The academy of `/manage/:academy` for its manager (or an HQ admin); 404 / 403 otherwise. */
const managedCache = new WeakMap<Actor, Map<string, NonNullable<ReturnType<typeof getAcademyBySlug>>>>();

export function requireManagedAcademy(db: DB, actor: Actor, slug: string) {
  // The actor object lives for one request; the layout and the page loaders share this lookup.
  const cached = managedCache.get(actor)?.get(slug);
  if (cached) return cached;
  const academy = getAcademyBySlug(db, slug);
  if (!academy) notFound("没有找到这所书院。");
  assertManagesAcademy(actor, academy.id);
  if (!managedCache.has(actor)) managedCache.set(actor, new Map());
  managedCache.get(actor)!.set(slug, academy);
  return academy;
}

/** Managers, their district centre and HQ may read an academy's schedule data. */
export function assertViewsAcademy(actor: Actor, academy: { id: number; districtId: number }) {
  if (!canViewAcademy(actor, academy)) forbidden("您没有权限查看这所书院的排课信息。");
}

/** Lives with the districts (org) so the academy pages can use it; kept here for the other district pages. */
export { requireStaffDistrict } from "~/modules/org/org.server";
