import { and, asc, eq, isNull } from "drizzle-orm";
import type { DB } from "@db/client";
import { academies, districts, subdistricts, users } from "@db/schema";
import { UserError } from "~/utils/errors";
import { formatDate } from "~/utils/dates";
import { writeAudit } from "./audit.server";
import type { Actor } from "./permissions";

export const HOME_CHANGE_INTERVAL_MS = 30 * 24 * 60 * 60 * 1000;

export function academyIsOpen(db: DB, academyId: number) {
  return !!db
    .select({ id: academies.id })
    .from(academies)
    .where(and(eq(academies.id, academyId), isNull(academies.closedAt)))
    .get();
}

export type DirectoryAcademy = {
  id: number;
  name: string;
  community: string;
  address: string;
  districtId: number;
  districtName: string;
  subdistrictId: number | null;
  subdistrictName: string | null;
};

/** Every open academy with its district and 街道, for the 我的书院 picker (district → street → academy). */
export function academyDirectory(db: DB) {
  const rows: DirectoryAcademy[] = db
    .select({
      id: academies.id,
      name: academies.name,
      community: academies.community,
      address: academies.address,
      districtId: academies.districtId,
      districtName: districts.name,
      subdistrictId: academies.subdistrictId,
      subdistrictName: subdistricts.name,
    })
    .from(academies)
    .innerJoin(districts, eq(academies.districtId, districts.id))
    .leftJoin(subdistricts, eq(academies.subdistrictId, subdistricts.id))
    .where(isNull(academies.closedAt))
    .orderBy(asc(districts.sortOrder), asc(subdistricts.sortOrder), asc(academies.name))
    .all();
  const districtList = db
    .select({ id: districts.id, name: districts.name })
    .from(districts)
    .orderBy(asc(districts.sortOrder))
    .all();
  const streets = db
    .select({ id: subdistricts.id, name: subdistricts.name, districtId: subdistricts.districtId })
    .from(subdistricts)
    .orderBy(asc(subdistricts.sortOrder))
    .all();
  return { academies: rows, districts: districtList, streets };
}

/** The district code of a resident's home academy (the finders' default district). */
export function homeDistrictCode(db: DB, homeAcademyId: number | null | undefined) {
  if (!homeAcademyId) return null;
  return (
    db
      .select({ code: districts.code })
      .from(academies)
      .innerJoin(districts, eq(academies.districtId, districts.id))
      .where(eq(academies.id, homeAcademyId))
      .get()?.code ?? null
  );
}

export function getHomeAcademy(db: DB, actor: Actor) {
  const user = db
    .select({ homeAcademyId: users.homeAcademyId, changedAt: users.homeAcademyChangedAt })
    .from(users)
    .where(eq(users.id, actor.id))
    .get();
  const academy = user?.homeAcademyId
    ? (db
        .select({
          id: academies.id,
          name: academies.name,
          slug: academies.slug,
          address: academies.address,
          districtName: districts.name,
        })
        .from(academies)
        .innerJoin(districts, eq(academies.districtId, districts.id))
        .where(eq(academies.id, user.homeAcademyId))
        .get() ?? null)
    : null;
  const nextChangeAt = user?.changedAt ? user.changedAt + HOME_CHANGE_INTERVAL_MS : null;
  return { academy, nextChangeAt };
}

/**
 * 我的书院: the first choice is free; after that a resident changes it at most once per 30 days.
 * Each choice is audited in the same transaction.
 */
export function setHomeAcademy(
  db: DB,
  actor: Actor,
  academyId: number,
  ip: string | null,
  now = Date.now(),
) {
  db.transaction(
    (tx) => {
      const user = tx
        .select({ homeAcademyId: users.homeAcademyId, changedAt: users.homeAcademyChangedAt })
        .from(users)
        .where(eq(users.id, actor.id))
        .get();
      if (!user) throw new UserError("账号不存在，请重新登录。");
      const target = tx
        .select({ id: academies.id, name: academies.name })
        .from(academies)
        .where(and(eq(academies.id, academyId), isNull(academies.closedAt)))
        .get();
      if (!target) throw new UserError("请选择一个正在开放的书院。", "homeAcademyId");
      if (user.homeAcademyId === academyId)
        throw new UserError("这已经是您的书院了。", "homeAcademyId");
      const isChange = user.homeAcademyId != null;
      if (isChange && user.changedAt != null && now - user.changedAt < HOME_CHANGE_INTERVAL_MS) {
        throw new UserError(
          `我的书院每 30 天只能更换一次，${formatDate(user.changedAt + HOME_CHANGE_INTERVAL_MS)} 之后可以再换。`,
          "homeAcademyId",
        );
      }
      tx.update(users)
        .set({ homeAcademyId: academyId, homeAcademyChangedAt: isChange ? now : user.changedAt })
        .where(eq(users.id, actor.id))
        .run();
      writeAudit(tx, actor.id, ip, {
        action: isChange ? "home_academy.change" : "home_academy.set",
        targetType: "user",
        targetId: actor.id,
        summary: `${isChange ? "更换" : "选择"}我的书院为 ${target.name}`,
        detail: { from: user.homeAcademyId, to: academyId },
      });
    },
    { behavior: "immediate" },
  );
}
