/**
 * What scheduling needs to know about the library, read from the catalog tables in one place.
 * When the catalog module exports equivalents (teachers.server.ts `findTeachersFor`, …) these
 * functions delegate or can be replaced without touching routes.
 */
import { and, asc, eq, inArray, isNull, like, or, sql } from "drizzle-orm";
import { prepared, type Conn } from "@db/client";
import { categories, courses, courseVersions, teachers } from "@db/schema";
import { findTeachersFor as catalogFindTeachersFor } from "~/modules/catalog/teachers.server";

export type SchedulableCourse = {
  courseId: number;
  code: string;
  title: string;
  summary: string;
  categoryId: number;
  categoryName: string;
  categoryColor: string;
  sourceLevel: "city" | "district" | "subdistrict" | "community";
  ownerType: "city" | "district" | "academy";
  ownerId: number;
  versionId: number;
  versionNo: number;
  sessions: number;
  minutesPerSession: number;
  audience: string[];
  /** Current version published and course not retired. */
  orderable: boolean;
  retired: boolean;
};

/** The version to show for a course: its current one, or (retired, or never published) its latest. */
export const shownVersionId = sql`coalesce(${courses.currentVersionId}, (select v2.id from course_versions v2 where v2.course_id = ${courses.id} order by v2.version_no desc limit 1))`;

const courseColumns = {
  courseId: courses.id,
  code: courses.code,
  title: courseVersions.title,
  summary: courseVersions.summary,
  categoryId: categories.id,
  categoryName: categories.name,
  categoryColor: categories.color,
  sourceLevel: courses.sourceLevel,
  ownerType: courses.ownerType,
  ownerId: courses.ownerId,
  versionId: courseVersions.id,
  versionNo: courseVersions.versionNo,
  versionStatus: courseVersions.status,
  sessions: courseVersions.sessions,
  minutesPerSession: courseVersions.minutesPerSession,
  audience: courseVersions.audience,
  retiredAt: courses.retiredAt,
};

type CourseRow = Omit<SchedulableCourse, "orderable" | "retired"> & {
  versionStatus: string;
  retiredAt: number | null;
};

function toCourse(row: CourseRow): SchedulableCourse {
  const { versionStatus, retiredAt, ...rest } = row;
  const retired = retiredAt != null || versionStatus === "retired";
  return { ...rest, retired, orderable: !retired && versionStatus === "published" };
}

/** A course with its current version (or its latest, when retired or unpublished), by id or code. */
export function getCourseForScheduling(
  conn: Conn,
  key: { id?: number; code?: string },
): SchedulableCourse | null {
  const row = conn
    .select(courseColumns)
    .from(courses)
    .innerJoin(courseVersions, sql`${courseVersions.id} = ${shownVersionId}`)
    .innerJoin(categories, eq(categories.id, courses.categoryId))
    .where(
      key.id != null ? eq(courses.id, key.id) : eq(courses.code, (key.code ?? "").toUpperCase()),
    )
    .get();
  return row ? toCourse(row as CourseRow) : null;
}

/** A pinned version with its course and category, for class pages and menus. */
export function getPinnedVersion(conn: Conn, versionId: number) {
  return pinnedVersion(conn).get({ id: versionId }) ?? null;
}
const pinnedVersion = prepared((conn: Conn) =>
  conn
    .select({
      versionId: courseVersions.id,
      versionNo: courseVersions.versionNo,
      status: courseVersions.status,
      title: courseVersions.title,
      summary: courseVersions.summary,
      audience: courseVersions.audience,
      objectives: courseVersions.objectives,
      tags: courseVersions.tags,
      sessions: courseVersions.sessions,
      minutesPerSession: courseVersions.minutesPerSession,
      bodyHtml: courseVersions.bodyHtml,
      courseId: courses.id,
      code: courses.code,
      currentVersionId: courses.currentVersionId,
      sourceLevel: courses.sourceLevel,
      categoryName: categories.name,
      categoryColor: categories.color,
    })
    .from(courseVersions)
    .innerJoin(courses, eq(courses.id, courseVersions.courseId))
    .innerJoin(categories, eq(categories.id, courses.categoryId))
    .where(eq(courseVersions.id, sql.placeholder("id")))
    .prepare(),
);

/** The title of a pinned version (no body): what notices and runs name a class by. */
export function pinnedTitle(conn: Conn, versionId: number): string | null {
  return pinnedTitleQuery(conn).get({ id: versionId })?.title ?? null;
}
const pinnedTitleQuery = prepared((conn: Conn) =>
  conn
    .select({ title: courseVersions.title })
    .from(courseVersions)
    .where(eq(courseVersions.id, sql.placeholder("id")))
    .prepare(),
);

/** Published, not retired courses matching a title or code fragment (the run editor's course picker). */
export function findSchedulableCourses(conn: Conn, q: string, limit = 20): SchedulableCourse[] {
  const term = q.trim().slice(0, 50);
  const rows = conn
    .select(courseColumns)
    .from(courses)
    .innerJoin(courseVersions, eq(courseVersions.id, courses.currentVersionId))
    .innerJoin(categories, eq(categories.id, courses.categoryId))
    .where(
      and(
        eq(courseVersions.status, "published"),
        isNull(courses.retiredAt),
        term
          ? or(
              like(courseVersions.title, `%${term}%`),
              like(courses.code, `%${term.toUpperCase()}%`),
            )
          : undefined,
      ),
    )
    .orderBy(asc(courses.code))
    .limit(limit)
    .all();
  return rows.map((r) => toCourse(r as CourseRow));
}

export type PoolTeacher = { id: number; userId: number; displayName: string; organisation: string };

/**
 * The pool teachers who can teach a course (listed for the course, or for its category) and will
 * travel to a district: the catalog's own `findTeachersFor`.
 */
export function findTeachersFor(
  conn: Conn,
  input: { courseId: number; districtId: number },
): PoolTeacher[] {
  return catalogFindTeachersFor(conn, input);
}

export function getTeachersByIds(conn: Conn, ids: number[]): PoolTeacher[] {
  if (ids.length === 0) return [];
  return conn
    .select({
      id: teachers.id,
      userId: teachers.userId,
      displayName: teachers.displayName,
      organisation: teachers.organisation,
    })
    .from(teachers)
    .where(inArray(teachers.id, ids))
    .all();
}

/** The teacher profile of a user account, if they are in the pool. */
export function teacherOfUser(conn: Conn, userId: number) {
  return (
    conn
      .select({ id: teachers.id, displayName: teachers.displayName })
      .from(teachers)
      .where(eq(teachers.userId, userId))
      .get() ?? null
  );
}

export function listCategories(conn: Conn) {
  return conn
    .select({ id: categories.id, name: categories.name, slug: categories.slug })
    .from(categories)
    .where(isNull(categories.retiredAt))
    .orderBy(asc(categories.sortOrder))
    .all();
}
