import type { Role } from "@db/schema/auth";

export { ROLES, type Role } from "@db/schema/auth";

export type RoleGrant = { role: Role; scopeType: "city" | "district" | "academy"; scopeId: number };

export type Actor = {
  id: number;
  name: string;
  phone: string;
  homeAcademyId: number | null;
  roles: RoleGrant[];
};

export const ROLE_LABELS: Record<Role, string> = {
  hq_admin: "总部管理员",
  hq_editor: "总部课程编辑",
  district_staff: "区指导中心",
  academy_manager: "书院管理员",
  teacher: "教师",
  resident: "居民",
};

/** Which scope each role is granted at. */
export const ROLE_SCOPE: Record<Role, "city" | "district" | "academy"> = {
  hq_admin: "city",
  hq_editor: "city",
  district_staff: "district",
  academy_manager: "academy",
  teacher: "city",
  resident: "city",
};

export function hasRole(actor: Actor | null | undefined, role: Role) {
  return !!actor?.roles.some((r) => r.role === role);
}

export function isHqAdmin(actor: Actor | null | undefined) {
  return hasRole(actor, "hq_admin");
}

export function isHq(actor: Actor | null | undefined) {
  return hasRole(actor, "hq_admin") || hasRole(actor, "hq_editor");
}

export function managedAcademyIds(actor: Actor | null | undefined): number[] {
  return (actor?.roles ?? []).filter((r) => r.role === "academy_manager").map((r) => r.scopeId);
}

export function staffDistrictIds(actor: Actor | null | undefined): number[] {
  return (actor?.roles ?? []).filter((r) => r.role === "district_staff").map((r) => r.scopeId);
}

/** HQ admins act everywhere; a manager only on the academies granted to them. */
export function canManageAcademy(actor: Actor | null | undefined, academyId: number) {
  return isHqAdmin(actor) || managedAcademyIds(actor).includes(academyId);
}

/** HQ sees every district; district staff their own. */
export function canOverseeDistrict(actor: Actor | null | undefined, districtId: number) {
  return isHq(actor) || staffDistrictIds(actor).includes(districtId);
}

/** Reading an academy's management data: its managers, its district centre, HQ. */
export function canViewAcademy(
  actor: Actor | null | undefined,
  academy: { id: number; districtId: number },
) {
  return canManageAcademy(actor, academy.id) || canOverseeDistrict(actor, academy.districtId);
}

export type Scope =
  | { type: "city" }
  | { type: "district"; districtId: number }
  | { type: "academy"; academyId: number; districtId: number };

/** True when the actor may act at this scope: city → HQ admin; district → its staff or HQ;
 * academy → its managers or HQ admin. */
export function inScope(actor: Actor | null | undefined, scope: Scope) {
  if (!actor) return false;
  switch (scope.type) {
    case "city":
      return isHqAdmin(actor);
    case "district":
      return canOverseeDistrict(actor, scope.districtId);
    case "academy":
      return canManageAcademy(actor, scope.academyId);
  }
}

// The header menu and tab bars, each entry with the check its route uses: ./nav.ts
