/**
 * Teacher pool (师资库): profiles linked to user accounts. HQ creates and edits profiles (name,
 * photo from the resource library, bio, organisation, volunteer or paid, categories, courses and
 * the districts a teacher will travel to) and deactivates them; a teacher edits their own bio.
 *
 * "Can teach a course" means: the course is on the teacher's list, or the teacher is registered
 * for the course's whole category. `findTeachersFor` (used by scheduling) adds "travels to the
 * district" and "active".
 */
import { containsAny } from "~/utils/sql";
import { and, asc, count, eq, exists, inArray, isNull, or, sql, type SQL } from "drizzle-orm";
import type { Conn, DB } from "@db/client";
import {
  categories,
  courses,
  courseVersions,
  districts,
  teacherCategories,
  teacherCourses,
  teacherDistricts,
  teachers,
  userRoles,
  users,
} from "@db/schema";
import { writeAudit } from "~/modules/auth/audit.server";
import { hasRole, staffDistrictIds, type Actor } from "~/modules/auth/permissions";
import { UserError, parseInput } from "~/utils/errors";
import { forbidden } from "~/utils/http";
import { isPublicImage } from "./resources.server";
import {
  canManageTeachers,
  ownBioSchema,
  parseCourseCodes,
  TEACHER_KIND_LABELS,
  teacherCreateSchema,
  teacherUpdateSchema,
  type ListTeachersQuery,
  type OwnBioInput,
  type TeacherCreateInput,
  type TeacherUpdateInput,
} from "./teachers";

export { canManageTeachers } from "./teachers";

function requireManager(actor: Actor) {
  if (!canManageTeachers(actor)) forbidden("只有总部可以管理师资库。");
}

type Links = { categoryIds: number[]; districtIds: number[]; courseIds: number[] };

/** Checks that every id/code names something that exists; returns course ids for the codes. */
function resolveLinks(
  db: Conn,
  input: {
    categoryIds: number[];
    districtIds: number[];
    courseCodes?: string;
    photoResourceId?: number;
  },
): Links {
  const codes = parseCourseCodes(input.courseCodes);
  if (input.categoryIds.length) {
    const found = db
      .select({ id: categories.id })
      .from(categories)
      .where(inArray(categories.id, input.categoryIds))
      .all();
    if (found.length !== input.categoryIds.length)
      throw new UserError("请选择存在的分类。", "categoryIds");
  }
  const found = db
    .select({ id: districts.id })
    .from(districts)
    .where(inArray(districts.id, input.districtIds))
    .all();
  if (found.length !== input.districtIds.length)
    throw new UserError("请选择存在的区。", "districtIds");
  let courseIds: number[] = [];
  if (codes.length) {
    const rows = db
      .select({ id: courses.id, code: courses.code })
      .from(courses)
      .where(inArray(courses.code, codes))
      .all();
    const known = new Set(rows.map((r) => r.code));
    const missing = codes.filter((c) => !known.has(c));
    if (missing.length)
      throw new UserError(`没有这些编号的课程：${missing.join("、")}。`, "courseCodes");
    courseIds = rows.map((r) => r.id);
  }
  if (input.photoResourceId !== undefined && !isPublicImage(db, input.photoResourceId)) {
    throw new UserError("照片必须是资源库中公开的图片。", "photoResourceId");
  }
  return { categoryIds: input.categoryIds, districtIds: input.districtIds, courseIds };
}

function writeLinks(tx: Conn, teacherId: number, links: Links) {
  tx.delete(teacherCategories).where(eq(teacherCategories.teacherId, teacherId)).run();
  tx.delete(teacherDistricts).where(eq(teacherDistricts.teacherId, teacherId)).run();
  tx.delete(teacherCourses).where(eq(teacherCourses.teacherId, teacherId)).run();
  for (const categoryId of links.categoryIds)
    tx.insert(teacherCategories).values({ teacherId, categoryId }).run();
  for (const districtId of links.districtIds)
    tx.insert(teacherDistricts).values({ teacherId, districtId }).run();
  for (const courseId of links.courseIds)
    tx.insert(teacherCourses).values({ teacherId, courseId }).run();
}

/** Gives the account the teacher role (city scope) unless it has it. */
function ensureTeacherRole(tx: Conn, userId: number, grantedBy: number | null) {
  const has = tx
    .select({ id: userRoles.id })
    .from(userRoles)
    .where(and(eq(userRoles.userId, userId), eq(userRoles.role, "teacher")))
    .get();
  if (!has) {
    tx.insert(userRoles)
      .values({
        userId,
        role: "teacher",
        scopeType: "city",
        scopeId: 0,
        grantedBy,
        grantedAt: Date.now(),
      })
      .run();
    return true;
  }
  return false;
}

/**
 * HQ adds an existing account (found by phone) to the pool. The account gets the teacher role in
 * the same transaction; both are audited.
 */
export function createTeacher(
  db: DB,
  actor: Actor,
  raw: TeacherCreateInput | Record<string, unknown>,
  ip: string | null,
) {
  requireManager(actor);
  const input = parseInput(teacherCreateSchema, raw);
  return db.transaction(
    (tx) => {
      const user = tx
        .select({ id: users.id, name: users.name })
        .from(users)
        .where(eq(users.phone, input.phone))
        .get();
      if (!user) {
        throw new UserError(
          "没有用这个手机号注册的账号。请先请教师在本站注册，再把他加入师资库。",
          "phone",
        );
      }
      const existing = tx
        .select({ id: teachers.id })
        .from(teachers)
        .where(eq(teachers.userId, user.id))
        .get();
      if (existing) throw new UserError(`这个账号（${user.name}）已经在师资库中了。`, "phone");
      const links = resolveLinks(tx, input);
      const row = tx
        .insert(teachers)
        .values({
          userId: user.id,
          displayName: input.displayName,
          bio: input.bio,
          organisation: input.organisation,
          kind: input.kind,
          photoResourceId: input.photoResourceId ?? null,
          active: true,
          createdAt: Date.now(),
        })
        .returning()
        .get();
      writeLinks(tx, row.id, links);
      const granted = ensureTeacherRole(tx, user.id, actor.id);
      writeAudit(tx, actor.id, ip, {
        action: "teacher.create",
        targetType: "teacher",
        targetId: row.id,
        summary: `将 ${input.displayName}（${input.phone}）加入师资库${granted ? "，并授予教师角色" : ""}`,
        detail: { userId: user.id, kind: input.kind, ...links },
      });
      return row;
    },
    { behavior: "immediate" },
  );
}

/** HQ edits a profile: every field and the lists. */
export function updateTeacher(
  db: DB,
  actor: Actor,
  teacherId: number,
  raw: TeacherUpdateInput | Record<string, unknown>,
  ip: string | null,
) {
  requireManager(actor);
  const input = parseInput(teacherUpdateSchema, raw);
  db.transaction(
    (tx) => {
      const before = tx.select().from(teachers).where(eq(teachers.id, teacherId)).get();
      if (!before) throw new UserError("这位教师不在师资库中。");
      const links = resolveLinks(tx, input);
      tx.update(teachers)
        .set({
          displayName: input.displayName,
          bio: input.bio,
          organisation: input.organisation,
          kind: input.kind,
          photoResourceId: input.photoResourceId ?? null,
        })
        .where(eq(teachers.id, teacherId))
        .run();
      writeLinks(tx, teacherId, links);
      writeAudit(tx, actor.id, ip, {
        action: "teacher.update",
        targetType: "teacher",
        targetId: teacherId,
        summary: `修改教师资料：${input.displayName}`,
        detail: {
          before: {
            displayName: before.displayName,
            organisation: before.organisation,
            kind: before.kind,
          },
          after: {
            displayName: input.displayName,
            organisation: input.organisation,
            kind: input.kind,
            ...links,
          },
        },
      });
    },
    { behavior: "immediate" },
  );
}

/** Deactivate (no new assignments, hidden from public pages) or reactivate; audited. */
export function setTeacherActive(
  db: DB,
  actor: Actor,
  teacherId: number,
  active: boolean,
  ip: string | null,
) {
  requireManager(actor);
  db.transaction(
    (tx) => {
      const t = tx.select().from(teachers).where(eq(teachers.id, teacherId)).get();
      if (!t) throw new UserError("这位教师不在师资库中。");
      if (t.active === active)
        throw new UserError(active ? "这位教师已经是在册状态。" : "这位教师已经停用了。");
      tx.update(teachers).set({ active }).where(eq(teachers.id, teacherId)).run();
      writeAudit(tx, actor.id, ip, {
        action: active ? "teacher.reactivate" : "teacher.deactivate",
        targetType: "teacher",
        targetId: teacherId,
        summary: `${active ? "恢复" : "停用"}教师：${t.displayName}`,
      });
    },
    { behavior: "immediate" },
  );
}

/** The signed-in teacher's own profile, or null when they are not in the pool. */
export function getOwnTeacher(db: Conn, actor: Actor) {
  return db.select().from(teachers).where(eq(teachers.userId, actor.id)).get() ?? null;
}

/** A teacher edits their own bio — nothing else, and nobody else's. */
export function updateOwnBio(
  db: DB,
  actor: Actor,
  raw: OwnBioInput | Record<string, unknown>,
  ip: string | null,
) {
  if (!hasRole(actor, "teacher")) forbidden("只有教师可以编辑自己的简介。");
  const input = parseInput(ownBioSchema, raw);
  db.transaction(
    (tx) => {
      const t = getOwnTeacher(tx, actor);
      if (!t) throw new UserError("您还不在师资库中，暂时不能编辑简介。请联系总部把您加入师资库。");
      tx.update(teachers).set({ bio: input.bio }).where(eq(teachers.id, t.id)).run();
      writeAudit(tx, actor.id, ip, {
        action: "teacher.bio",
        targetType: "teacher",
        targetId: t.id,
        summary: `${t.displayName} 修改了自己的简介`,
      });
    },
    { behavior: "immediate" },
  );
}

// ---------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------

function linksOf(db: Conn, teacherIds: number[]) {
  if (!teacherIds.length)
    return {
      cats: new Map<number, { id: number; name: string }[]>(),
      dists: new Map<number, { id: number; name: string }[]>(),
    };
  const cats = new Map<number, { id: number; name: string }[]>();
  for (const r of db
    .select({ teacherId: teacherCategories.teacherId, id: categories.id, name: categories.name })
    .from(teacherCategories)
    .innerJoin(categories, eq(categories.id, teacherCategories.categoryId))
    .where(inArray(teacherCategories.teacherId, teacherIds))
    .orderBy(asc(categories.sortOrder))
    .all()) {
    cats.set(r.teacherId, [...(cats.get(r.teacherId) ?? []), { id: r.id, name: r.name }]);
  }
  const dists = new Map<number, { id: number; name: string }[]>();
  for (const r of db
    .select({ teacherId: teacherDistricts.teacherId, id: districts.id, name: districts.name })
    .from(teacherDistricts)
    .innerJoin(districts, eq(districts.id, teacherDistricts.districtId))
    .where(inArray(teacherDistricts.teacherId, teacherIds))
    .orderBy(asc(districts.sortOrder))
    .all()) {
    dists.set(r.teacherId, [...(dists.get(r.teacherId) ?? []), { id: r.id, name: r.name }]);
  }
  return { cats, dists };
}

/** Courses on a teacher's list, with the published title where there is one. */
function coursesOf(db: Conn, teacherId: number, opts: { publishedOnly: boolean }) {
  const rows = db
    .select({
      id: courses.id,
      code: courses.code,
      title: courseVersions.title,
      retiredAt: courses.retiredAt,
      published: sql<number>`${courses.currentVersionId} IS NOT NULL`,
    })
    .from(teacherCourses)
    .innerJoin(courses, eq(courses.id, teacherCourses.courseId))
    .leftJoin(
      courseVersions,
      sql`${courseVersions.id} = coalesce(${courses.currentVersionId}, (select max(cv.id) from ${courseVersions} cv where cv.course_id = ${courses.id}))`,
    )
    .where(eq(teacherCourses.teacherId, teacherId))
    .orderBy(asc(courses.code))
    .all();
  return rows
    .filter((r) => !opts.publishedOnly || (r.published && !r.retiredAt))
    .map((r) => ({
      id: r.id,
      code: r.code,
      title: r.title ?? r.code,
      live: !!r.published && !r.retiredAt,
    }));
}

/** The public profile (/teachers/:id): active teachers only, published courses only. */
export function getPublicTeacher(db: DB, teacherId: number) {
  const t = db
    .select()
    .from(teachers)
    .where(and(eq(teachers.id, teacherId), eq(teachers.active, true)))
    .get();
  if (!t) return null;
  const { cats, dists } = linksOf(db, [t.id]);
  return {
    id: t.id,
    displayName: t.displayName,
    bio: t.bio,
    organisation: t.organisation,
    kind: t.kind,
    kindLabel: TEACHER_KIND_LABELS[t.kind],
    photoResourceId:
      t.photoResourceId && isPublicImage(db, t.photoResourceId) ? t.photoResourceId : null,
    categories: cats.get(t.id) ?? [],
    districts: dists.get(t.id) ?? [],
    courses: coursesOf(db, t.id, { publishedOnly: true }),
  };
}

/** Everything HQ edits, with the account it belongs to. */
export function getTeacherForEdit(db: DB, actor: Actor, teacherId: number) {
  requireManager(actor);
  const row = db
    .select({ t: teachers, phone: users.phone, accountName: users.name })
    .from(teachers)
    .innerJoin(users, eq(users.id, teachers.userId))
    .where(eq(teachers.id, teacherId))
    .get();
  if (!row) return null;
  const { cats, dists } = linksOf(db, [teacherId]);
  return {
    ...row.t,
    phone: row.phone,
    accountName: row.accountName,
    categoryIds: (cats.get(teacherId) ?? []).map((c) => c.id),
    districtIds: (dists.get(teacherId) ?? []).map((d) => d.id),
    courses: coursesOf(db, teacherId, { publishedOnly: false }),
  };
}

export const TEACHERS_PAGE_SIZE = 20;

/** HQ's list: search by name, phone or organisation; filter by category, district, kind, status. */
/**
 * The teacher pool. HQ sees all of it (with phone numbers); district centre staff see the active
 * teachers who serve their district (query.district must be one of theirs), without phone numbers.
 */
export function listTeachers(db: DB, actor: Actor, query: ListTeachersQuery) {
  const hq = canManageTeachers(actor);
  if (!hq) {
    if (!query.district || !staffDistrictIds(actor).includes(query.district))
      forbidden("区指导中心只能查看本区的师资。");
    query = { ...query, status: "active" };
  }
  const where: SQL[] = [];
  const q = query.q.trim();
  if (q)
    where.push(
      containsAny(
        q,
        hq
          ? [teachers.displayName, teachers.organisation, users.phone]
          : [teachers.displayName, teachers.organisation],
      )!,
    );
  if (query.status === "active") where.push(eq(teachers.active, true));
  if (query.status === "inactive") where.push(eq(teachers.active, false));
  if (query.kind) where.push(eq(teachers.kind, query.kind));
  if (query.category) {
    where.push(
      exists(
        db
          .select({ one: sql`1` })
          .from(teacherCategories)
          .where(
            and(
              eq(teacherCategories.teacherId, teachers.id),
              eq(teacherCategories.categoryId, query.category),
            ),
          ),
      ),
    );
  }
  if (query.district) {
    where.push(
      exists(
        db
          .select({ one: sql`1` })
          .from(teacherDistricts)
          .where(
            and(
              eq(teacherDistricts.teacherId, teachers.id),
              eq(teacherDistricts.districtId, query.district),
            ),
          ),
      ),
    );
  }
  const cond = where.length ? and(...where) : undefined;
  const total = db
    .select({ n: count() })
    .from(teachers)
    .innerJoin(users, eq(users.id, teachers.userId))
    .where(cond)
    .get()!.n;
  const pages = Math.max(1, Math.ceil(total / TEACHERS_PAGE_SIZE));
  const page = Math.min(query.page, pages);
  const rows = db
    .select({
      id: teachers.id,
      displayName: teachers.displayName,
      organisation: teachers.organisation,
      kind: teachers.kind,
      active: teachers.active,
      phone: users.phone,
      courseCount: sql<number>`(select count(*) from ${teacherCourses} tc where tc.teacher_id = ${teachers.id})`,
    })
    .from(teachers)
    .innerJoin(users, eq(users.id, teachers.userId))
    .where(cond)
    .orderBy(asc(teachers.displayName), asc(teachers.id))
    .limit(TEACHERS_PAGE_SIZE)
    .offset((page - 1) * TEACHERS_PAGE_SIZE)
    .all();
  const { cats, dists } = linksOf(
    db,
    rows.map((r) => r.id),
  );
  return {
    rows: rows.map((r) => ({
      ...r,
      phone: hq ? r.phone : null,
      categories: cats.get(r.id) ?? [],
      districts: dists.get(r.id) ?? [],
    })),
    total,
    page,
    pages,
  };
}

export type PoolTeacher = {
  id: number;
  userId: number;
  displayName: string;
  organisation: string;
  kind: "volunteer" | "paid";
  photoResourceId: number | null;
};

const poolColumns = {
  id: teachers.id,
  userId: teachers.userId,
  displayName: teachers.displayName,
  organisation: teachers.organisation,
  kind: teachers.kind,
  photoResourceId: teachers.photoResourceId,
};

/** Active teachers who list this course (for the course page: "teachers who teach it"). */
export function listTeachersForCourse(db: Conn, courseId: number): PoolTeacher[] {
  return db
    .select(poolColumns)
    .from(teacherCourses)
    .innerJoin(teachers, eq(teachers.id, teacherCourses.teacherId))
    .where(and(eq(teacherCourses.courseId, courseId), eq(teachers.active, true)))
    .orderBy(asc(teachers.displayName), asc(teachers.id))
    .all();
}

/**
 * Active teachers who can teach the course (it is on their list, or they cover its category) and
 * will travel to the district. Teachers who list the course itself come first.
 */
export function findTeachersFor(
  db: Conn,
  input: { courseId: number; districtId: number },
): PoolTeacher[] {
  const course = db
    .select({ categoryId: courses.categoryId })
    .from(courses)
    .where(eq(courses.id, input.courseId))
    .get();
  if (!course) return [];
  const listsCourse = sql<number>`exists (select 1 from ${teacherCourses} tc where tc.teacher_id = ${teachers.id} and tc.course_id = ${input.courseId})`;
  return db
    .select(poolColumns)
    .from(teachers)
    .where(
      and(
        eq(teachers.active, true),
        sql`exists (select 1 from ${teacherDistricts} td where td.teacher_id = ${teachers.id} and td.district_id = ${input.districtId})`,
        or(
          listsCourse,
          sql`exists (select 1 from ${teacherCategories} tk where tk.teacher_id = ${teachers.id} and tk.category_id = ${course.categoryId})`,
        ),
      ),
    )
    .orderBy(sql`${listsCourse} desc`, asc(teachers.displayName), asc(teachers.id))
    .all();
}

/** Form options: categories (not retired) and districts. */
export function teacherFormOptions(db: DB) {
  return {
    categories: db
      .select({ id: categories.id, name: categories.name })
      .from(categories)
      .where(isNull(categories.retiredAt))
      .orderBy(asc(categories.sortOrder))
      .all(),
    districts: db
      .select({ id: districts.id, name: districts.name })
      .from(districts)
      .orderBy(asc(districts.sortOrder))
      .all(),
  };
}
