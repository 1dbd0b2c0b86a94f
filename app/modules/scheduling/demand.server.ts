/** 想学: residents say what they want to learn at an academy near them; managers see the demand. */
import { and, desc, eq, inArray, like, or, sql, type SQL } from "drizzle-orm";
import { memoUntilChange, type DB } from "@db/client";
import {
  academies,
  categories,
  courseOrders,
  courses,
  courseVersions,
  courseWants,
  districts,
} from "@db/schema";
import type { Actor } from "~/modules/auth/permissions";
import { UserError } from "~/utils/errors";
import { notFound } from "~/utils/http";
import { assertManagesAcademy } from "./access.server";
import { getCourseForScheduling, shownVersionId } from "~/modules/catalog/read.server";

export const DEMAND_PAGE_SIZE = 20;

/** What the 想学 panel on a course page shows. `actor` may be null (signed out). */
export function wantPanel(db: DB, actor: Actor | null, courseCode: string) {
  const course = getCourseForScheduling(db, { code: courseCode });
  // A never-published course (draft, in review) has no 想学 panel: its title stays private.
  if (!course || (!course.orderable && !course.retired)) notFound("没有找到这门课程。");
  const total = db
    .select({ n: sql<number>`count(*)` })
    .from(courseWants)
    .where(eq(courseWants.courseId, course.courseId))
    .get()!.n;
  const mine = actor
    ? (db
        .select({
          academyId: courseWants.academyId,
          academyName: academies.name,
          academySlug: academies.slug,
        })
        .from(courseWants)
        .innerJoin(academies, eq(academies.id, courseWants.academyId))
        .where(and(eq(courseWants.userId, actor.id), eq(courseWants.courseId, course.courseId)))
        .get() ?? null)
    : null;
  const focusAcademyId = mine?.academyId ?? actor?.homeAcademyId ?? null;
  const atAcademy = focusAcademyId
    ? db
        .select({ n: sql<number>`count(*)` })
        .from(courseWants)
        .where(
          and(eq(courseWants.courseId, course.courseId), eq(courseWants.academyId, focusAcademyId)),
        )
        .get()!.n
    : 0;
  const focusAcademy = focusAcademyId
    ? (db
        .select({ id: academies.id, name: academies.name })
        .from(academies)
        .where(eq(academies.id, focusAcademyId))
        .get() ?? null)
    : null;
  return {
    course: {
      id: course.courseId,
      code: course.code,
      title: course.title,
      orderable: course.orderable,
    },
    total,
    /** Neighbours: people who want it at the same academy (the resident's, or their home academy). */
    neighbours: mine ? Math.max(0, atAcademy - 1) : atAcademy,
    focusAcademy,
    mine,
    signedIn: !!actor,
    homeAcademyId: actor?.homeAcademyId ?? null,
  };
}

/**
 * Academies to choose from, grouped by district (the home academy is preselected by the form).
 * Kept until the network changes: the class finder re-renders on every enrolment in a class it
 * shows, and this read of 201 academies (a join sorted in a temporary B-tree, about 0.3 ms) was
 * its dearest query. The list is shared: callers filter it, never change it.
 */
export function academyChoices(db: DB): readonly AcademyChoice[] {
  return choices(db, "", () =>
    db
      .select({ id: academies.id, name: academies.name, districtName: districts.name })
      .from(academies)
      .innerJoin(districts, eq(districts.id, academies.districtId))
      .orderBy(districts.sortOrder, academies.slug)
      .all(),
  );
}
type AcademyChoice = { id: number; name: string; districtName: string };
const choices = memoUntilChange<AcademyChoice[]>(1, ["network"]);

/** Marks (or moves to another academy) the resident's 想学 for a published course. */
export function markWant(db: DB, actor: Actor, input: { courseId: number; academyId: number }) {
  return db.transaction(
    (tx) => {
      const course = getCourseForScheduling(tx, { id: input.courseId });
      if (!course || !course.orderable) throw new UserError("这门课程目前没有发布，不能标记想学。");
      const academy = tx
        .select({ id: academies.id })
        .from(academies)
        .where(eq(academies.id, input.academyId))
        .get();
      if (!academy) throw new UserError("请选择一所书院。", "academyId");
      tx.insert(courseWants)
        .values({
          userId: actor.id,
          courseId: course.courseId,
          academyId: academy.id,
          createdAt: Date.now(),
        })
        .onConflictDoUpdate({
          target: [courseWants.userId, courseWants.courseId],
          set: { academyId: academy.id },
        })
        .run();
      return course.code;
    },
    { behavior: "immediate" },
  );
}

export function withdrawWant(db: DB, actor: Actor, courseId: number) {
  db.delete(courseWants)
    .where(and(eq(courseWants.userId, actor.id), eq(courseWants.courseId, courseId)))
    .run();
}

/** Library courses ranked by 想学 at an academy, with any open order of the academy for them. */
export function demandForAcademy(
  db: DB,
  actor: Actor,
  academyId: number,
  opts: { page?: number; q?: string | null } = {},
) {
  assertManagesAcademy(actor, academyId);
  const page = Math.max(1, opts.page ?? 1);
  const q = (opts.q ?? "").trim().slice(0, 50).replace(/[%_]/g, "");
  const match = q
    ? or(like(courseVersions.title, `%${q}%`), like(courses.code, `%${q.toUpperCase()}%`))
    : undefined;
  /** Distinct courses and people among the academy's 想学 rows that `where` keeps. */
  const counts = (where: SQL | undefined) =>
    db
      .select({
        total: sql<number>`count(distinct ${courseWants.courseId})`,
        people: sql<number>`count(distinct ${courseWants.userId})`,
      })
      .from(courseWants)
      .innerJoin(courses, eq(courses.id, courseWants.courseId))
      .innerJoin(courseVersions, sql`${courseVersions.id} = ${shownVersionId}`)
      .where(and(eq(courseWants.academyId, academyId), where))
      .get()!;
  const count = sql<number>`count(*)`.as("n");
  const rows = db
    .select({
      courseId: courses.id,
      code: courses.code,
      title: courseVersions.title,
      categoryName: categories.name,
      retiredAt: courses.retiredAt,
      sourceLevel: courses.sourceLevel,
      n: count,
      latest: sql<number>`max(${courseWants.createdAt})`,
    })
    .from(courseWants)
    .innerJoin(courses, eq(courses.id, courseWants.courseId))
    .innerJoin(courseVersions, sql`${courseVersions.id} = ${shownVersionId}`)
    .innerJoin(categories, eq(categories.id, courses.categoryId))
    .where(and(eq(courseWants.academyId, academyId), match))
    .groupBy(courses.id)
    .orderBy(desc(sql`n`), desc(sql`max(${courseWants.createdAt})`))
    .limit(DEMAND_PAGE_SIZE)
    .offset((page - 1) * DEMAND_PAGE_SIZE)
    .all();
  // People and courses are counted over the same rows as the list: with a search, both are the
  // search's figures, never the academy's total beside a filtered count (issue 10, defect 7).
  const { total, people } = counts(match);
  const ids = rows.map((r) => r.courseId);
  const orders = ids.length
    ? db
        .select({ courseId: courseOrders.courseId, state: courseOrders.state, id: courseOrders.id })
        .from(courseOrders)
        .where(
          and(
            eq(courseOrders.academyId, academyId),
            inArray(courseOrders.courseId, ids),
            inArray(courseOrders.state, ["submitted", "accepted"]),
          ),
        )
        .all()
    : [];
  const orderByCourse = new Map(orders.map((o) => [o.courseId, o]));
  return {
    rows: rows.map((r) => ({
      ...r,
      retired: r.retiredAt != null,
      openOrder: orderByCourse.get(r.courseId) ?? null,
    })),
    total,
    people,
    /** With a search: the academy's whole demand, shown apart from the search's figures; else null. */
    all: q ? counts(undefined) : null,
    page,
    pages: Math.max(1, Math.ceil(total / DEMAND_PAGE_SIZE)),
    q,
  };
}
