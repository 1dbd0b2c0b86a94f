import { asc, eq, sql } from "drizzle-orm";
import { prepared, type DB } from "@db/client";
import { academies, branches, city, districts, subdistricts } from "@db/schema";
import { canManageAcademy, isHq, staffDistrictIds, type Actor } from "~/modules/auth/permissions";
import { forbidden, notFound } from "~/utils/http";

export function getCity(db: DB) {
  return db.select().from(city).where(eq(city.id, 1)).get() ?? null;
}

const districtsInOrder = prepared((db) => db.select().from(districts).orderBy(asc(districts.sortOrder)).prepare());

/** The six districts in their official order (filters on most pages list them). */
export function listDistricts(db: DB) {
  return districtsInOrder(db).all();
}

export function getDistrictByCode(db: DB, code: string) {
  return db.select().from(districts).where(eq(districts.code, code)).get() ?? null;
}

export function getDistrict(db: DB, id: number) {
  return db.select().from(districts).where(eq(districts.id, id)).get() ?? null;
}

/** Every academy with its district and sub-district, ordered by district then name. */
export function listAcademies(db: DB, opts: { districtId?: number } = {}) {
  return db
    .select({
      id: academies.id,
      slug: academies.slug,
      name: academies.name,
      community: academies.community,
      address: academies.address,
      openingHours: academies.openingHours,
      phone: academies.phone,
      population: academies.population,
      districtId: academies.districtId,
      districtName: districts.name,
      districtCode: districts.code,
      subdistrictName: subdistricts.name,
    })
    .from(academies)
    .innerJoin(districts, eq(academies.districtId, districts.id))
    .leftJoin(subdistricts, eq(academies.subdistrictId, subdistricts.id))
    .where(opts.districtId ? eq(academies.districtId, opts.districtId) : undefined)
    .orderBy(asc(districts.sortOrder), asc(subdistricts.sortOrder), asc(academies.slug))
    .all();
}

/**
 * The public academy directory (/academies): without a district, the six districts with their
 * 街道/镇 and how many academies each holds (a first screen a phone can use); with one, that
 * district's academies grouped by 街道/镇, only the fields a card shows.
 */
export function academyDirectory(db: DB, opts: { districtId?: number } = {}) {
  const rows = db
    .select({
      slug: academies.slug,
      name: academies.name,
      address: academies.address,
      districtId: academies.districtId,
      subdistrictId: academies.subdistrictId,
      subdistrictName: subdistricts.name,
      closed: sql<number>`${academies.closedAt} IS NOT NULL`,
    })
    .from(academies)
    .leftJoin(subdistricts, eq(academies.subdistrictId, subdistricts.id))
    .where(opts.districtId ? eq(academies.districtId, opts.districtId) : undefined)
    // Closed academies stay listed (residents look for theirs), after the open ones, marked 已关闭.
    .orderBy(asc(academies.districtId), asc(subdistricts.sortOrder), sql`${academies.closedAt} IS NOT NULL`, asc(academies.slug))
    .all();
  const groups = listDistricts(db)
    .filter((d) => !opts.districtId || d.id === opts.districtId)
    .map((d) => {
      const mine = rows.filter((r) => r.districtId === d.id);
      const subs = new Map<string, { id: string; name: string; academies: { slug: string; name: string; address: string; closed: boolean }[] }>();
      for (const r of mine) {
        const id = `s${r.subdistrictId ?? 0}`;
        let g = subs.get(id);
        if (!g) subs.set(id, (g = { id, name: r.subdistrictName ?? "其他", academies: [] }));
        g.academies.push({ slug: r.slug, name: r.name, address: r.address, closed: !!r.closed });
      }
      return { code: d.code, name: d.name, count: mine.length, subdistricts: [...subs.values()] };
    });
  return { total: rows.length, groups };
}

export function countAcademiesByDistrict(db: DB) {
  return db
    .select({ districtId: academies.districtId, n: sql<number>`count(*)` })
    .from(academies)
    .groupBy(academies.districtId)
    .all();
}

const academyBySlug = prepared((db) =>
  db
    .select({
      academy: academies,
      districtName: districts.name,
      districtCode: districts.code,
      centreName: districts.centreName,
      subdistrictName: subdistricts.name,
    })
    .from(academies)
    .innerJoin(districts, eq(academies.districtId, districts.id))
    .leftJoin(subdistricts, eq(academies.subdistrictId, subdistricts.id))
    .where(eq(academies.slug, sql.placeholder("slug")))
    .prepare()
);
const branchesOfAcademy = prepared((db) =>
  db.select().from(branches).where(eq(branches.academyId, sql.placeholder("academyId"))).orderBy(asc(branches.name)).prepare()
);

/** The academy of a URL, with its district, 街道 and branches (every academy page asks). */
export function getAcademyBySlug(db: DB, slug: string) {
  const row = academyBySlug(db).get({ slug });
  if (!row) return null;
  const branchRows = branchesOfAcademy(db).all({ academyId: row.academy.id });
  return { ...row.academy, districtName: row.districtName, districtCode: row.districtCode, centreName: row.centreName, subdistrictName: row.subdistrictName, branches: branchRows };
}

export function getAcademy(db: DB, id: number) {
  return db.select().from(academies).where(eq(academies.id, id)).get() ?? null;
}

export function getAcademiesByIds(db: DB, ids: number[]) {
  if (ids.length === 0) return [];
  return db
    .select({ id: academies.id, slug: academies.slug, name: academies.name, districtId: academies.districtId })
    .from(academies)
    .where(sql`${academies.id} in (${sql.join(ids.map((i) => sql`${i}`), sql`, `)})`)
    .orderBy(asc(academies.slug))
    .all();
}

export const NOT_YOUR_ACADEMY = "您不是这所书院的管理员，不能操作它的课程和教室。";

/** Managers of the academy (and HQ admins) may change its rooms, courses and activities. */
export function assertManagesAcademy(actor: Actor, academyId: number) {
  if (!canManageAcademy(actor, academyId)) forbidden(NOT_YOUR_ACADEMY);
}

/** The district a /district page shows: `?d=<id>` among the person's own districts (HQ: any), else their first. */
export function requireStaffDistrict(db: DB, actor: Actor, param: string | null) {
  const own = staffDistrictIds(actor);
  const wanted = Number(param) || null;
  const id = wanted && (own.includes(wanted) || isHq(actor)) ? wanted : own[0];
  if (!id) forbidden("只有区指导中心的工作人员可以访问这里。");
  const district = getDistrict(db, id);
  if (!district) notFound("没有这个区。");
  return { district, choices: own.map((d) => getDistrict(db, d)!).filter(Boolean) };
}
