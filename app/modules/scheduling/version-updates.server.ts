/**
 * A new version of a library course (issue 15, item 7). Runs keep the version they were ordered
 * with; when HQ publishes a new one, the managers of every academy with an upcoming run on an
 * older version get a 消息 saying what changed, and may move those runs to the new version in
 * one audited action.
 */
import { and, eq, ne, notInArray, sql } from "drizzle-orm";
import type { Conn, DB } from "@db/client";
import { academies, classRuns, courses, courseVersions, userRoles } from "@db/schema";
import { writeAudit } from "~/modules/auth/audit.server";
import { canManageAcademy, type Actor } from "~/modules/auth/permissions";
import type { Published } from "~/modules/catalog/courses.server";
import { UserError } from "~/utils/errors";
import { forbidden } from "~/utils/http";
import { notifyMany } from "~/modules/auth/notifications.server";

const ENDED = ["finished", "cancelled"] as const;

/** Runs of a course at an academy that have not ended, have a session still ahead, and are pinned to another version. */
function upcomingOnOtherVersion(
  conn: Conn,
  courseId: number,
  versionId: number,
  now: number,
  academyId?: number,
) {
  return conn
    .select({
      id: classRuns.id,
      academyId: classRuns.academyId,
      versionId: classRuns.courseVersionId,
    })
    .from(classRuns)
    .where(
      and(
        eq(classRuns.courseId, courseId),
        ne(classRuns.courseVersionId, versionId),
        notInArray(classRuns.status, [...ENDED]),
        academyId ? eq(classRuns.academyId, academyId) : undefined,
        sql`EXISTS (SELECT 1 FROM class_sessions s WHERE s.run_id = ${classRuns.id} AND s.starts_at > ${now})`,
      ),
    )
    .orderBy(classRuns.id)
    .all();
}

/** Called by publishCourse inside its transaction: one 消息 to each affected academy's managers. */
export function notifyAcademiesOfNewVersion(tx: Conn, p: Published, now = Date.now()) {
  if (!p.previous) return 0;
  const runs = upcomingOnOtherVersion(tx, p.course.id, p.version.id, now);
  const byAcademy = new Map<number, number[]>();
  for (const r of runs) byAcademy.set(r.academyId, [...(byAcademy.get(r.academyId) ?? []), r.id]);
  for (const [academyId, runIds] of byAcademy) {
    const academy = tx
      .select({ slug: academies.slug })
      .from(academies)
      .where(eq(academies.id, academyId))
      .get();
    const managers = tx
      .select({ userId: userRoles.userId })
      .from(userRoles)
      .where(and(eq(userRoles.role, "academy_manager"), eq(userRoles.scopeId, academyId)))
      .all()
      .map((m) => m.userId);
    notifyMany(tx, managers, {
      title: `课程“${p.version.title}”（${p.course.code}）发布了第 ${p.version.versionNo} 版`,
      body:
        `${p.diffSummary}贵书院有 ${runIds.length} 个尚未结课的班仍使用旧版本，它们保持原版本不变；` +
        "如需改用新版，请在开课页面点“改用新版本”，一次改好本书院这门课的所有未结课班。",
      link: academy ? `/manage/${academy.slug}/runs/${runIds[0]}` : null,
    });
  }
  return byAcademy.size;
}

/** Moves this run, and every other upcoming run of its course at its academy, to the course's
 * current version; audited. */
export function moveRunsToCurrentVersion(
  db: DB,
  actor: Actor,
  runId: number,
  ip: string | null,
  now = Date.now(),
) {
  const run = db
    .select({ academyId: classRuns.academyId, courseId: classRuns.courseId })
    .from(classRuns)
    .where(eq(classRuns.id, runId))
    .get();
  if (!run) throw new UserError("没有找到这个班。");
  const { academyId, courseId } = run;
  if (!canManageAcademy(actor, academyId)) forbidden("只有本书院的管理员可以调整开课。");
  return db.transaction(
    (tx) => {
      const course = tx
        .select({
          code: courses.code,
          currentVersionId: courses.currentVersionId,
          retiredAt: courses.retiredAt,
        })
        .from(courses)
        .where(eq(courses.id, courseId))
        .get();
      if (!course?.currentVersionId || course.retiredAt)
        throw new UserError("这门课程已停用，没有可以改用的新版本。");
      const current = tx
        .select({ versionNo: courseVersions.versionNo, title: courseVersions.title })
        .from(courseVersions)
        .where(eq(courseVersions.id, course.currentVersionId))
        .get()!;
      const runs = upcomingOnOtherVersion(tx, courseId, course.currentVersionId, now, academyId);
      if (!runs.length) throw new UserError("本书院这门课已经没有使用旧版本的未结课班了。");
      for (const r of runs) {
        tx.update(classRuns)
          .set({ courseVersionId: course.currentVersionId, updatedAt: now })
          .where(eq(classRuns.id, r.id))
          .run();
      }
      writeAudit(tx, actor.id, ip, {
        action: "run.version-move",
        targetType: "course",
        targetId: courseId,
        summary: `${runs.length} 个班改用课程 ${course.code}“${current.title}”第 ${current.versionNo} 版`,
        detail: {
          academyId,
          runIds: runs.map((r) => r.id),
          from: runs.map((r) => r.versionId),
          to: course.currentVersionId,
        },
      });
      return { moved: runs.length, versionNo: current.versionNo };
    },
    { behavior: "immediate" },
  );
}

/** For the run page: whether a newer version exists and how many of this academy's runs would move. */
export function versionMoveOffer(
  db: Conn,
  academyId: number,
  courseId: number,
  runVersionId: number,
  now = Date.now(),
) {
  const course = db
    .select({ currentVersionId: courses.currentVersionId, retiredAt: courses.retiredAt })
    .from(courses)
    .where(eq(courses.id, courseId))
    .get();
  if (!course?.currentVersionId || course.retiredAt || course.currentVersionId === runVersionId)
    return null;
  const current = db
    .select({ versionNo: courseVersions.versionNo })
    .from(courseVersions)
    .where(eq(courseVersions.id, course.currentVersionId))
    .get();
  const runs = upcomingOnOtherVersion(db, courseId, course.currentVersionId, now, academyId);
  if (!current || !runs.length) return null;
  return { versionNo: current.versionNo, runs: runs.length };
}
