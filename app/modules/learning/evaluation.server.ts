/**
 * 评价: a learner rates a run 1–5 once per enrolment, after attending (or after a held session of
 * a run they have a seat in), with an optional comment. Managers and HQ see averages per run,
 * course, teacher and academy; a manager may hide a comment (audited), nobody may edit one.
 */
import { and, asc, desc, eq, sql, type SQL } from "drizzle-orm";
import { prepared, type Conn, type DB } from "@db/client";
import {
  academies,
  attendance,
  classRuns,
  classSessions,
  courses,
  courseVersions,
  districts,
  enrollments,
  evaluations,
  familyMembers,
  runTeachers,
  teachers,
  users,
} from "@db/schema";
import { writeAudit } from "~/modules/auth/audit.server";
import {
  canManageAcademy,
  canOverseeDistrict,
  canViewAcademy,
  isHq,
  isHqAdmin,
  type Actor,
} from "~/modules/auth/permissions";
import { UserError, userErrorOf } from "~/utils/errors";
import { forbidden, notFound } from "~/utils/http";
import { charCount, COMMENT_MAX, evaluationSchema, type EvaluationInput } from "./evaluation";
import { learnerName, loadRun } from "./staff.server";

type EnrollmentRow = typeof enrollments.$inferSelect;

function ownEnrollment(conn: Conn, actor: Actor, enrollmentId: number): EnrollmentRow {
  const e = conn.select().from(enrollments).where(eq(enrollments.id, enrollmentId)).get();
  if (!e || e.userId !== actor.id) notFound("没有找到这条报名记录。");
  return e;
}

/** Whether the enrolment may be rated now, and if not, why (in Chinese). */
function eligibility(conn: Conn, e: EnrollmentRow, now: number) {
  const attended = conn
    .select({ n: sql<number>`count(*)` })
    .from(attendance)
    .where(and(eq(attendance.enrollmentId, e.id), eq(attendance.present, true)))
    .get()!.n;
  const heldEnded = conn
    .select({ n: sql<number>`count(*)` })
    .from(classSessions)
    .where(
      and(
        eq(classSessions.runId, e.runId),
        eq(classSessions.status, "scheduled"),
        sql`${classSessions.endsAt} <= ${now}`,
      ),
    )
    .get()!.n;
  if (attended > 0 || (e.status === "confirmed" && heldEnded > 0)) return null;
  if (e.status === "waitlisted" || e.status === "lottery_pending")
    return "候补或待抽签的报名还不能评价：上过课之后才能评价。";
  if (e.status !== "confirmed") return "这条报名已取消，没有上过课，不能评价。";
  return "上过课之后才能评价：签到后或第一次课结束后再来吧。";
}

/** The session an evaluation follows: the given one if it belongs to the run and has started,
 * else the latest started session of the run. */
function followedSession(conn: Conn, runId: number, sessionId: number | undefined, now: number) {
  if (sessionId) {
    const s = conn
      .select({ id: classSessions.id })
      .from(classSessions)
      .where(
        and(
          eq(classSessions.id, sessionId),
          eq(classSessions.runId, runId),
          sql`${classSessions.startsAt} <= ${now}`,
        ),
      )
      .get();
    if (s) return s.id;
  }
  return (
    conn
      .select({ id: classSessions.id })
      .from(classSessions)
      .where(
        and(
          eq(classSessions.runId, runId),
          eq(classSessions.status, "scheduled"),
          sql`${classSessions.startsAt} <= ${now}`,
        ),
      )
      .orderBy(desc(classSessions.startsAt))
      .get()?.id ?? null
  );
}

/** What /me/evaluate/:enrollmentId shows. */
export function evaluationForm(db: DB, actor: Actor, enrollmentId: number, now = Date.now()) {
  const e = ownEnrollment(db, actor, enrollmentId);
  const run = loadRun(db, e.runId)!;
  const member = e.familyMemberId
    ? db
        .select({ name: familyMembers.name, relation: familyMembers.relation })
        .from(familyMembers)
        .where(eq(familyMembers.id, e.familyMemberId))
        .get()
    : null;
  const existing =
    db.select().from(evaluations).where(eq(evaluations.enrollmentId, e.id)).get() ?? null;
  return {
    enrollmentId: e.id,
    runId: run.runId,
    title: run.title,
    academyName: run.academyName,
    learner: member ? `${member.relation} ${member.name}` : null,
    existing: existing
      ? {
          rating: existing.rating,
          comment: existing.comment,
          createdAt: existing.createdAt,
          hidden: existing.hiddenAt != null,
        }
      : null,
    blocked: existing ? null : eligibility(db, e, now),
  };
}

/** Records an evaluation. Refuses a rating outside 1–5, a comment over 1,000 characters, a second
 * evaluation of the same enrolment and an enrolment that has not been to class. */
export function submitEvaluation(
  db: DB,
  actor: Actor,
  enrollmentId: number,
  input: Partial<Record<keyof EvaluationInput, unknown>>,
  now = Date.now(),
) {
  const parsed = evaluationSchema.safeParse(input);
  if (!parsed.success) throw userErrorOf(parsed.error);
  const value = parsed.data;
  if (charCount(value.comment) > COMMENT_MAX)
    throw new UserError(`评价内容最多 ${COMMENT_MAX} 字，请删减后再提交。`, "comment");
  return db.transaction(
    (tx) => {
      const e = ownEnrollment(tx, actor, enrollmentId);
      if (
        tx
          .select({ id: evaluations.id })
          .from(evaluations)
          .where(eq(evaluations.enrollmentId, e.id))
          .get()
      ) {
        throw new UserError("您已经评价过这门课了。每次报名只能评价一次，提交后不能修改。");
      }
      const blocked = eligibility(tx, e, now);
      if (blocked) throw new UserError(blocked);
      const row = tx
        .insert(evaluations)
        .values({
          enrollmentId: e.id,
          sessionId: followedSession(tx, e.runId, value.sessionId, now),
          authorId: actor.id,
          rating: value.rating,
          comment: value.comment,
          createdAt: now,
        })
        .onConflictDoNothing()
        .returning({ id: evaluations.id })
        .get();
      if (!row) throw new UserError("您已经评价过这门课了。每次报名只能评价一次，提交后不能修改。");
      return row.id;
    },
    { behavior: "immediate" },
  );
}

/** Hides (or shows again) a comment: the academy's managers and HQ admins; audited. The text is
 * never changed. */
export function setEvaluationHidden(
  db: DB,
  actor: Actor,
  evaluationId: number,
  input: { hidden: boolean; reason?: string },
  ip: string | null = null,
  now = Date.now(),
) {
  db.transaction(
    (tx) => {
      const row = tx
        .select({ ev: evaluations, runId: enrollments.runId })
        .from(evaluations)
        .innerJoin(enrollments, eq(enrollments.id, evaluations.enrollmentId))
        .where(eq(evaluations.id, evaluationId))
        .get();
      if (!row) notFound("没有找到这条评价。");
      const run = loadRun(tx, row.runId)!;
      if (!canManageAcademy(actor, run.academyId)) forbidden("只有这所书院的管理员可以隐藏评价。");
      if (input.hidden === (row.ev.hiddenAt != null)) return;
      const reason = (input.reason ?? "").trim().slice(0, 200);
      tx.update(evaluations)
        .set(
          input.hidden
            ? { hiddenAt: now, hiddenBy: actor.id, hiddenReason: reason }
            : { hiddenAt: null, hiddenBy: null, hiddenReason: "" },
        )
        .where(eq(evaluations.id, evaluationId))
        .run();
      writeAudit(tx, actor.id, ip, {
        action: input.hidden ? "evaluation.hide" : "evaluation.unhide",
        targetType: "evaluation",
        targetId: evaluationId,
        summary: `${input.hidden ? "隐藏" : "恢复显示"}「${run.title}」的一条评价（${
          row.ev.rating
        } 星）${reason ? `：${reason}` : ""}`,
        detail: { runId: run.runId, rating: row.ev.rating, comment: row.ev.comment, reason },
      });
    },
    { behavior: "immediate" },
  );
}

// ---- Averages and comments ---------------------------------------------------------------------

export type EvalScope = { academyId: number } | { districtId: number } | { city: true };
export const AVERAGE_GROUPS = ["run", "course", "teacher", "academy"] as const;
export type AverageGroup = (typeof AVERAGE_GROUPS)[number];
export const AVERAGE_GROUP_LABELS: Record<AverageGroup, string> = {
  run: "按班级",
  course: "按课程",
  teacher: "按教师",
  academy: "按书院",
};
export const EVAL_PAGE_SIZE = 20;

function scopeWhere(scope: EvalScope): SQL | undefined {
  if ("academyId" in scope) return eq(classRuns.academyId, scope.academyId);
  if ("districtId" in scope) return eq(academies.districtId, scope.districtId);
  return undefined;
}

export type AverageRow = {
  key: number;
  label: string;
  sub: string;
  count: number;
  average: number;
  link: string | null;
};

/** Average rating and count per run, course, teacher or academy within the scope, most rated first. */
export function evaluationAverages(db: DB, scope: EvalScope, by: AverageGroup, page = 1) {
  const where = scopeWhere(scope);
  const avg = sql<number>`avg(${evaluations.rating})`;
  const n = sql<number>`count(*)`;
  const from = () =>
    db
      .select({
        key:
          by === "run"
            ? classRuns.id
            : by === "course"
              ? courses.id
              : by === "teacher"
                ? teachers.id
                : academies.id,
        label:
          by === "run" || by === "course"
            ? sql<string>`max(${courseVersions.title})`
            : by === "teacher"
              ? sql<string>`max(${teachers.displayName})`
              : sql<string>`max(${academies.name})`,
        sub:
          by === "run" || by === "course"
            ? sql<string>`max(${academies.name})`
            : sql<string>`max(${districts.name})`,
        slug: sql<string>`max(${academies.slug})`,
        count: n,
        average: avg,
      })
      .from(evaluations)
      .innerJoin(enrollments, eq(enrollments.id, evaluations.enrollmentId))
      .innerJoin(classRuns, eq(classRuns.id, enrollments.runId))
      .innerJoin(courseVersions, eq(courseVersions.id, classRuns.courseVersionId))
      .innerJoin(courses, eq(courses.id, classRuns.courseId))
      .innerJoin(academies, eq(academies.id, classRuns.academyId))
      .innerJoin(districts, eq(districts.id, academies.districtId));
  const grouped =
    by === "teacher"
      ? from()
          .innerJoin(runTeachers, eq(runTeachers.runId, classRuns.id))
          .innerJoin(teachers, eq(teachers.id, runTeachers.teacherId))
      : from();
  const key =
    by === "run"
      ? classRuns.id
      : by === "course"
        ? courses.id
        : by === "teacher"
          ? teachers.id
          : academies.id;
  const all = grouped.where(where).groupBy(key).orderBy(desc(n), desc(avg), asc(key)).all();
  const p = Math.max(1, page);
  const rows: AverageRow[] = all.slice((p - 1) * EVAL_PAGE_SIZE, p * EVAL_PAGE_SIZE).map((r) => ({
    key: r.key,
    label: r.label,
    sub: by === "course" || "academyId" in scope ? "" : r.sub,
    count: r.count,
    average: r.average,
    link:
      by === "run"
        ? `/classes/${r.key}`
        : by === "course"
          ? null
          : by === "academy"
            ? `/academies/${r.slug}`
            : null,
  }));
  return {
    rows,
    page: p,
    pages: Math.max(1, Math.ceil(all.length / EVAL_PAGE_SIZE)),
    total: all.length,
  };
}

export function evaluationTotals(db: DB, scope: EvalScope) {
  const r = db
    .select({
      count: sql<number>`count(*)`,
      average: sql<number | null>`avg(${evaluations.rating})`,
      comments: sql<number>`sum(CASE WHEN length(${evaluations.comment}) > 0 THEN 1 ELSE 0 END)`,
    })
    .from(evaluations)
    .innerJoin(enrollments, eq(enrollments.id, evaluations.enrollmentId))
    .innerJoin(classRuns, eq(classRuns.id, enrollments.runId))
    .innerJoin(academies, eq(academies.id, classRuns.academyId))
    .where(scopeWhere(scope))
    .get()!;
  const dist = db
    .select({ rating: evaluations.rating, n: sql<number>`count(*)` })
    .from(evaluations)
    .innerJoin(enrollments, eq(enrollments.id, evaluations.enrollmentId))
    .innerJoin(classRuns, eq(classRuns.id, enrollments.runId))
    .innerJoin(academies, eq(academies.id, classRuns.academyId))
    .where(scopeWhere(scope))
    .groupBy(evaluations.rating)
    .all();
  return {
    count: r.count,
    average: r.average,
    comments: r.comments ?? 0,
    distribution: [1, 2, 3, 4, 5].map((k) => dist.find((d) => d.rating === k)?.n ?? 0),
  };
}

/** Comments (newest first) with the run and the learner's name; hidden ones included, marked. */
export function listEvaluationComments(
  db: DB,
  scope: EvalScope,
  opts: { page?: number; runId?: number } = {},
) {
  const page = Math.max(1, opts.page ?? 1);
  const where = and(
    scopeWhere(scope),
    opts.runId ? eq(classRuns.id, opts.runId) : undefined,
    sql`length(${evaluations.comment}) > 0`,
  );
  const hider = sql<
    string | null
  >`(SELECT name FROM ${users} h WHERE h.id = ${evaluations.hiddenBy})`;
  const rows = db
    .select({
      id: evaluations.id,
      rating: evaluations.rating,
      comment: evaluations.comment,
      createdAt: evaluations.createdAt,
      hiddenAt: evaluations.hiddenAt,
      hiddenReason: evaluations.hiddenReason,
      hiddenByName: hider,
      runId: classRuns.id,
      academyId: classRuns.academyId,
      title: courseVersions.title,
      academyName: academies.name,
      learner: learnerName,
    })
    .from(evaluations)
    .innerJoin(enrollments, eq(enrollments.id, evaluations.enrollmentId))
    .leftJoin(users, eq(users.id, enrollments.userId))
    .leftJoin(familyMembers, eq(familyMembers.id, enrollments.familyMemberId))
    .innerJoin(classRuns, eq(classRuns.id, enrollments.runId))
    .innerJoin(courseVersions, eq(courseVersions.id, classRuns.courseVersionId))
    .innerJoin(academies, eq(academies.id, classRuns.academyId))
    .where(where)
    .orderBy(desc(evaluations.createdAt), desc(evaluations.id))
    .limit(EVAL_PAGE_SIZE)
    .offset((page - 1) * EVAL_PAGE_SIZE)
    .all();
  const total = db
    .select({ n: sql<number>`count(*)` })
    .from(evaluations)
    .innerJoin(enrollments, eq(enrollments.id, evaluations.enrollmentId))
    .innerJoin(classRuns, eq(classRuns.id, enrollments.runId))
    .innerJoin(academies, eq(academies.id, classRuns.academyId))
    .where(where)
    .get()!.n;
  // A learner's name is shown as 王* to the page's readers: the comment matters, not who wrote it.
  return {
    rows: rows.map((r) => ({ ...r, learner: maskName(r.learner) })),
    page,
    pages: Math.max(1, Math.ceil(total / EVAL_PAGE_SIZE)),
    total,
  };
}

export function maskName(name: string | null) {
  if (!name) return "学员";
  const chars = [...name];
  return chars[0] + "*".repeat(Math.max(1, chars.length - 1));
}

/** /manage/:academy/evaluations. */
type EvaluationsOptions = { by?: AverageGroup; page?: number; commentsPage?: number };

/** Totals, averages grouped `by`, and the comments of one scope: what every overview shows. */
function evaluationsOverview(
  db: DB,
  scope: EvalScope,
  by: AverageGroup,
  opts: EvaluationsOptions,
  canHide: boolean,
) {
  return {
    by,
    totals: evaluationTotals(db, scope),
    averages: evaluationAverages(db, scope, by, opts.page),
    comments: listEvaluationComments(db, scope, { page: opts.commentsPage }),
    canHide,
  };
}

/** /manage/:academy/evaluations: one academy, for its managers (who may hide comments). */
export function academyEvaluations(
  db: DB,
  actor: Actor,
  academy: { id: number; districtId: number },
  opts: EvaluationsOptions = {},
) {
  if (!canViewAcademy(actor, academy)) forbidden("您没有权限查看这所书院的评价。");
  const by = opts.by && opts.by !== "academy" ? opts.by : "run";
  return evaluationsOverview(
    db,
    { academyId: academy.id },
    by,
    opts,
    canManageAcademy(actor, academy.id),
  );
}

/** /district/evaluations: the academies of one district, for its centre's staff and HQ; read-only
 * (hiding a comment stays with the academy's managers and HQ admins). */
export function districtEvaluations(
  db: DB,
  actor: Actor,
  districtId: number,
  opts: EvaluationsOptions = {},
) {
  if (!canOverseeDistrict(actor, districtId)) forbidden("您没有权限查看这个区的评价。");
  return evaluationsOverview(db, { districtId }, opts.by ?? "academy", opts, false);
}

/** /hq/evaluations: the city or one district. */
export function cityEvaluations(
  db: DB,
  actor: Actor,
  opts: EvaluationsOptions & { districtId?: number } = {},
) {
  if (!isHq(actor)) forbidden();
  const scope: EvalScope = opts.districtId ? { districtId: opts.districtId } : { city: true };
  return evaluationsOverview(db, scope, opts.by ?? "academy", opts, isHqAdmin(actor));
}

/** 往期学员评价 on a class page: the course's average over every run, and its latest comments that
 * no manager has hidden (names masked). Public. */
export function courseReviews(db: DB, courseId: number, limit = 5) {
  const q = courseReviewQueries(db);
  const totals = q.totals.get({ course: courseId })!;
  const comments = q.comments
    .all({ course: courseId, limit })
    .map((c) => ({ ...c, learner: maskName(c.learner) }));
  return { count: totals.count, average: totals.average, comments };
}
const courseReviewQueries = prepared((db: DB) => ({
  totals: db
    .select({
      count: sql<number>`count(*)`,
      average: sql<number | null>`avg(${evaluations.rating})`,
    })
    .from(evaluations)
    .innerJoin(enrollments, eq(enrollments.id, evaluations.enrollmentId))
    .innerJoin(classRuns, eq(classRuns.id, enrollments.runId))
    .where(eq(classRuns.courseId, sql.placeholder("course")))
    .prepare(),
  comments: db
    .select({
      id: evaluations.id,
      rating: evaluations.rating,
      comment: evaluations.comment,
      createdAt: evaluations.createdAt,
      academyName: academies.name,
      learner: learnerName,
    })
    .from(evaluations)
    .innerJoin(enrollments, eq(enrollments.id, evaluations.enrollmentId))
    .leftJoin(users, eq(users.id, enrollments.userId))
    .leftJoin(familyMembers, eq(familyMembers.id, enrollments.familyMemberId))
    .innerJoin(classRuns, eq(classRuns.id, enrollments.runId))
    .innerJoin(academies, eq(academies.id, classRuns.academyId))
    .where(
      and(
        eq(classRuns.courseId, sql.placeholder("course")),
        sql`${evaluations.hiddenAt} IS NULL`,
        sql`length(${evaluations.comment}) > 0`,
      ),
    )
    .orderBy(desc(evaluations.createdAt), desc(evaluations.id))
    .limit(sql.placeholder("limit"))
    .prepare(),
}));
