/**
 * Library courses and their versions: draft → review → published → superseded/retired.
 *
 * Invariants (also in the schema): a published version is never edited; a course has at most one
 * working version (draft or review) and at most one published version; `courses.currentVersionId`
 * is the published version (null when never published or retired). Publishing, retiring and
 * restoring rewrite the search index and the audit log in the same transaction.
 */
import { containsAny } from "~/utils/sql";
import { and, asc, desc, eq, inArray, isNotNull, isNull, or, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import type { Conn, DB } from "@db/client";
import {
  academies,
  categories,
  courseEvents,
  courses,
  courseVersions,
  districts,
  users,
} from "@db/schema";
import { writeAudit } from "~/modules/auth/audit.server";
import { isHq, managedAcademyIds, staffDistrictIds, type Actor } from "~/modules/auth/permissions";
import { config } from "~/utils/config.server";
import { UserError, parseInput } from "~/utils/errors";
import { forbidden } from "~/utils/http";
import {
  authorableLevels,
  canAuthorCourse,
  canAuthorSomeCourse,
  canPublishCourses,
  courseFieldsSchema,
  codeField,
  OWNER_TYPE_FOR_LEVEL,
  SOURCE_LEVEL_LABELS,
  STATUS_LABELS,
  versionFieldsSchema,
  type CourseFields,
  type SourceLevel,
  type VersionFields,
  type VersionStatus,
} from "./courses";
import { diffVersionTexts, versionText } from "./diff";
import { docToText, renderDocHtml, validateDoc } from "./richtext.server";
import { emptyDoc, isEmptyDoc, type RichDoc } from "./richtext";
import {
  canManageResources,
  isPublicImage,
  listCourseResources,
  listImageResources,
} from "./resources.server";
import { listTeachersForCourse } from "./teachers.server";
import { indexCourse } from "./search.server";

export type Course = typeof courses.$inferSelect;
export type CourseVersion = typeof courseVersions.$inferSelect;

const SAVE_FOLD_MS = 10 * 60 * 1000;

// ---------------------------------------------------------------------------------------------
// Helpers

function now() {
  return Date.now();
}

export function getCourse(db: Conn, id: number) {
  return db.select().from(courses).where(eq(courses.id, id)).get() ?? null;
}

export function getCourseByCode(db: Conn, code: string) {
  return db.select().from(courses).where(eq(courses.code, code)).get() ?? null;
}

/** The draft or in-review version, if any. */
export function workingVersion(db: Conn, courseId: number) {
  return (
    db
      .select()
      .from(courseVersions)
      .where(
        and(
          eq(courseVersions.courseId, courseId),
          inArray(courseVersions.status, ["draft", "review"]),
        ),
      )
      .get() ?? null
  );
}

function latestVersionNo(db: Conn, courseId: number) {
  return db
    .select({ n: sql<number>`coalesce(max(${courseVersions.versionNo}), 0)` })
    .from(courseVersions)
    .where(eq(courseVersions.courseId, courseId))
    .get()!.n;
}

/** Any course version by id, whatever its state (scheduling pins runs to a version id). */
export function getCourseVersion(db: Conn, versionId: number) {
  return db.select().from(courseVersions).where(eq(courseVersions.id, versionId)).get() ?? null;
}

function requireCourse(db: Conn, id: number) {
  const c = getCourse(db, id);
  if (!c) throw new UserError("这门课程不存在，可能已被删除。");
  return c;
}

function requireAuthor(actor: Actor, c: Course) {
  if (!canAuthorCourse(actor, c)) forbidden("您没有编辑这门课程的权限。");
}

function requirePublisher(actor: Actor) {
  if (!canPublishCourses(actor)) forbidden("只有总部课程编辑可以发布或停用市级课程库中的课程。");
}

function prepareBody(raw: unknown): { doc: RichDoc; html: string; text: string } {
  if (raw === undefined || raw === null || raw === "") {
    const doc = emptyDoc();
    return { doc, html: renderDocHtml(doc), text: "" };
  }
  const r = validateDoc(raw);
  if (!r.ok) throw new UserError(r.message, "body");
  return { doc: r.doc, html: renderDocHtml(r.doc), text: docToText(r.doc) };
}

function assertCategory(db: Conn, categoryId: number, currentId?: number) {
  const cat = db.select().from(categories).where(eq(categories.id, categoryId)).get();
  if (!cat) throw new UserError("请选择一个存在的分类。", "categoryId");
  if (cat.retiredAt && cat.id !== currentId)
    throw new UserError(`分类“${cat.name}”已停用，请选择其他分类。`, "categoryId");
  return cat;
}

function assertCodeFree(db: Conn, code: string, exceptId?: number) {
  const dup = getCourseByCode(db, code);
  if (dup && dup.id !== exceptId)
    throw new UserError(`课程编号 ${code} 已被使用，请换一个。`, "code");
}

/** Where a course of this level belongs, checked against the actor's own scopes. */
function resolveOwner(db: Conn, actor: Actor, level: SourceLevel, ownerId: number | undefined) {
  const ownerType = OWNER_TYPE_FOR_LEVEL[level];
  if (ownerType === "city") {
    if (!isHq(actor)) forbidden("只有总部可以编写市总部课程。");
    return { ownerType, ownerId: 0 };
  }
  if (ownerType === "district") {
    const mine = staffDistrictIds(actor);
    const id = ownerId || (mine.length === 1 ? mine[0] : undefined);
    if (!id) throw new UserError("请选择课程所属的区。", "ownerId");
    if (!db.select({ id: districts.id }).from(districts).where(eq(districts.id, id)).get()) {
      throw new UserError("请选择一个存在的区。", "ownerId");
    }
    if (!isHq(actor) && !mine.includes(id)) forbidden("您只能为本区编写区级课程。");
    return { ownerType, ownerId: id };
  }
  const mine = managedAcademyIds(actor);
  const id = ownerId || (mine.length === 1 ? mine[0] : undefined);
  if (!id) throw new UserError("请选择课程所属的书院。", "ownerId");
  if (!db.select({ id: academies.id }).from(academies).where(eq(academies.id, id)).get()) {
    throw new UserError("请选择一个存在的书院。", "ownerId");
  }
  if (!isHq(actor) && !mine.includes(id)) forbidden("您只能为自己管理的书院编写社区特色课程。");
  return { ownerType, ownerId: id };
}

function logEvent(
  tx: Conn,
  e: {
    courseId: number;
    versionId: number | null;
    versionNo: number | null;
    actorId: number | null;
    action: (typeof courseEvents.$inferInsert)["action"];
    summary: string;
  },
) {
  const at = now();
  if (e.action === "save") {
    const last = tx
      .select()
      .from(courseEvents)
      .where(eq(courseEvents.courseId, e.courseId))
      .orderBy(desc(courseEvents.id))
      .limit(1)
      .get();
    if (
      last &&
      last.action === "save" &&
      last.actorId === e.actorId &&
      last.versionId === e.versionId &&
      at - last.createdAt < SAVE_FOLD_MS
    ) {
      tx.update(courseEvents)
        .set({ createdAt: at, summary: e.summary })
        .where(eq(courseEvents.id, last.id))
        .run();
      return;
    }
  }
  tx.insert(courseEvents)
    .values({ ...e, createdAt: at })
    .run();
}

function assertCover(db: Conn, coverResourceId: number | null | undefined) {
  if (coverResourceId && !isPublicImage(db, coverResourceId)) {
    throw new UserError("封面只能选资源库中公开的图片。", "coverResourceId");
  }
}

function versionValues(fields: VersionFields, body: { doc: RichDoc; html: string; text: string }) {
  return {
    title: fields.title,
    summary: fields.summary,
    audience: fields.audience,
    sessions: fields.sessions,
    minutesPerSession: fields.minutesPerSession,
    objectives: fields.objectives,
    tags: fields.tags,
    coverResourceId: fields.coverResourceId ?? null,
    body: body.doc,
    bodyHtml: body.html,
    bodyText: body.text,
  };
}

function isUniqueViolation(e: unknown) {
  return e instanceof Error && /UNIQUE constraint failed/.test(e.message);
}

// ---------------------------------------------------------------------------------------------
// Writing

export type CreateCourseInput = CourseFields & VersionFields & { body?: unknown };

/** Creates a course with its first draft. Bad input → UserError on its field, nothing stored. */
export function createCourse(
  db: DB,
  actor: Actor,
  raw: CreateCourseInput | Record<string, unknown>,
  _ip: string | null,
) {
  const course = parseInput(courseFieldsSchema, raw);
  const fields = parseInput(versionFieldsSchema, raw);
  const body = prepareBody((raw as { body?: unknown }).body);
  try {
    return db.transaction(
      (tx) => {
        const owner = resolveOwner(tx, actor, course.sourceLevel, course.ownerId);
        assertCategory(tx, course.categoryId);
        assertCodeFree(tx, course.code);
        assertCover(tx, fields.coverResourceId);
        const t = now();
        const row = tx
          .insert(courses)
          .values({
            code: course.code,
            categoryId: course.categoryId,
            sourceLevel: course.sourceLevel,
            ...owner,
            createdBy: actor.id,
            createdAt: t,
            updatedAt: t,
          })
          .returning()
          .get();
        const v = tx
          .insert(courseVersions)
          .values({
            courseId: row.id,
            versionNo: 1,
            status: "draft",
            ...versionValues(fields, body),
            editedBy: actor.id,
            createdAt: t,
            updatedAt: t,
          })
          .returning()
          .get();
        logEvent(tx, {
          courseId: row.id,
          versionId: v.id,
          versionNo: 1,
          actorId: actor.id,
          action: "create",
          summary: `新建课程“${fields.title}”（第 1 版草稿）`,
        });
        return { course: row, version: v };
      },
      { behavior: "immediate" },
    );
  } catch (e) {
    if (isUniqueViolation(e))
      throw new UserError(`课程编号 ${course.code} 已被使用，请换一个。`, "code");
    throw e;
  }
}

export type SaveDraftInput = VersionFields & {
  body: unknown;
  categoryId?: number;
  code?: string;
  /** String(updatedAt) of the draft the editor started from, "" if it started from the published version. */
  revision?: string;
};

/**
 * Saves the working draft. A course with no draft (only a published version) gets a new draft
 * version: the published one is never touched. A version in review must be withdrawn first.
 * With `revision`, a draft changed by someone else since the editor loaded it is not overwritten.
 */
export function saveDraft(
  db: DB,
  actor: Actor,
  courseId: number,
  raw: SaveDraftInput | Record<string, unknown>,
) {
  const fields = parseInput(versionFieldsSchema, raw);
  const input = raw as SaveDraftInput;
  const body = prepareBody(input.body);
  const code =
    input.code === undefined || input.code === "" ? undefined : parseInput(codeField, input.code);
  const categoryId = input.categoryId === undefined ? undefined : Number(input.categoryId);
  return db.transaction(
    (tx) => {
      const c = requireCourse(tx, courseId);
      requireAuthor(actor, c);
      const working = workingVersion(tx, courseId);
      if (working?.status === "review") {
        throw new UserError("这个版本正在审核中，不能修改。如需修改，请先撤回审核。");
      }
      if (input.revision !== undefined) {
        const expected = working ? String(working.updatedAt) : "";
        if (input.revision !== expected) {
          const who = working?.editedBy
            ? tx
                .select({ name: users.name })
                .from(users)
                .where(eq(users.id, working.editedBy))
                .get()?.name
            : null;
          throw new UserError(
            `${who ?? "其他人"}刚刚修改了这门课程的草稿。为免覆盖对方的修改，请刷新页面，在最新草稿上继续编辑。`,
            undefined,
            "stale_draft",
          );
        }
      }
      // Course-level fields: category any time; the code only until the course is first published.
      const courseSet: Partial<Course> = {};
      if (categoryId !== undefined && categoryId !== c.categoryId) {
        assertCategory(tx, categoryId, c.categoryId);
        courseSet.categoryId = categoryId;
      }
      if (code !== undefined && code !== c.code) {
        const everPublished = tx
          .select({ id: courseVersions.id })
          .from(courseVersions)
          .where(and(eq(courseVersions.courseId, courseId), isNotNull(courseVersions.publishedAt)))
          .get();
        if (everPublished)
          throw new UserError(
            "课程发布后编号不能再修改（书院的开课记录和居民的链接都用到它）。",
            "code",
          );
        assertCodeFree(tx, code, courseId);
        courseSet.code = code;
      }
      assertCover(tx, fields.coverResourceId);
      const t = Math.max(now(), (working?.updatedAt ?? 0) + 1);
      tx.update(courses)
        .set({ ...courseSet, updatedAt: t })
        .where(eq(courses.id, courseId))
        .run();
      if (courseSet.categoryId !== undefined && c.currentVersionId) indexCourse(tx, courseId);

      let version: CourseVersion;
      let created = false;
      if (working) {
        version = tx
          .update(courseVersions)
          .set({ ...versionValues(fields, body), editedBy: actor.id, updatedAt: t })
          .where(and(eq(courseVersions.id, working.id), eq(courseVersions.status, "draft")))
          .returning()
          .get();
      } else {
        const no = latestVersionNo(tx, courseId) + 1;
        version = tx
          .insert(courseVersions)
          .values({
            courseId,
            versionNo: no,
            status: "draft",
            ...versionValues(fields, body),
            editedBy: actor.id,
            createdAt: t,
            updatedAt: t,
          })
          .returning()
          .get();
        created = true;
      }
      logEvent(tx, {
        courseId,
        versionId: version.id,
        versionNo: version.versionNo,
        actorId: actor.id,
        action: created ? "create" : "save",
        summary: created
          ? `开始编写第 ${version.versionNo} 版草稿`
          : `保存第 ${version.versionNo} 版草稿`,
      });
      return { version, created, revision: String(version.updatedAt) };
    },
    { behavior: "immediate" },
  );
}

/** Draft → in review. The draft must be complete enough for a reviewer. */
export function submitForReview(db: DB, actor: Actor, courseId: number) {
  return db.transaction(
    (tx) => {
      const c = requireCourse(tx, courseId);
      requireAuthor(actor, c);
      const w = workingVersion(tx, courseId);
      if (!w) throw new UserError("没有可以提交的草稿。请先编辑并保存。");
      if (w.status === "review") throw new UserError(`第 ${w.versionNo} 版已经在审核中。`);
      const missing: string[] = [];
      if (!w.summary.trim()) missing.push("课程简介");
      if (w.objectives.length === 0) missing.push("学习目标");
      if (isEmptyDoc(w.body as RichDoc)) missing.push("教学大纲");
      if (missing.length) throw new UserError(`提交审核前请填写：${missing.join("、")}。`);
      tx.update(courseVersions)
        .set({ status: "review", updatedAt: now() })
        .where(eq(courseVersions.id, w.id))
        .run();
      logEvent(tx, {
        courseId,
        versionId: w.id,
        versionNo: w.versionNo,
        actorId: actor.id,
        action: "submit",
        summary: `提交第 ${w.versionNo} 版审核`,
      });
      return w.versionNo;
    },
    { behavior: "immediate" },
  );
}

/** In review → draft again (the author wants to change something, or the reviewer sends it back). */
export function withdrawReview(db: DB, actor: Actor, courseId: number) {
  return db.transaction(
    (tx) => {
      const c = requireCourse(tx, courseId);
      if (!canAuthorCourse(actor, c) && !canPublishCourses(actor))
        forbidden("您没有编辑这门课程的权限。");
      const w = workingVersion(tx, courseId);
      if (!w || w.status !== "review") throw new UserError("没有审核中的版本。");
      tx.update(courseVersions)
        .set({ status: "draft", updatedAt: now() })
        .where(eq(courseVersions.id, w.id))
        .run();
      logEvent(tx, {
        courseId,
        versionId: w.id,
        versionNo: w.versionNo,
        actorId: actor.id,
        action: "withdraw",
        summary: `第 ${w.versionNo} 版退回草稿`,
      });
    },
    { behavior: "immediate" },
  );
}

/** Four eyes: the last editor of a version does not publish it, unless SELF_PUBLISH=1. */
export function mayPublishOwnEdit(actor: Actor, v: { editedBy: number | null }) {
  return config().SELF_PUBLISH || v.editedBy !== actor.id;
}

/** What a publish did, for whoever acts on it in the same transaction (the scheduling module
 * tells academies whose upcoming runs keep the older version). */
export type Published = {
  course: Course;
  version: CourseVersion;
  previous: CourseVersion | null;
  diffSummary: string;
};

/**
 * Publishes the version in review: it becomes current, the previous one is superseded (kept
 * readable). `after` runs inside the same transaction.
 */
export function publishCourse(
  db: DB,
  actor: Actor,
  courseId: number,
  ip: string | null,
  after?: (tx: Conn, published: Published) => void,
) {
  requirePublisher(actor);
  return db.transaction(
    (tx) => {
      const c = requireCourse(tx, courseId);
      const w = workingVersion(tx, courseId);
      if (!w) throw new UserError("没有待发布的版本。");
      if (w.status !== "review")
        throw new UserError(`第 ${w.versionNo} 版还是草稿，请先提交审核，再发布。`);
      if (!mayPublishOwnEdit(actor, w)) {
        throw new UserError(
          `第 ${w.versionNo} 版最后由您编辑，按“四眼原则”需由另一位总部同事审核发布。`,
        );
      }
      const previous =
        tx
          .select()
          .from(courseVersions)
          .where(and(eq(courseVersions.courseId, c.id), eq(courseVersions.status, "published")))
          .get() ?? null;
      const version = publishVersion(tx, c, w, actor.id, ip, "publish");
      after?.(tx, {
        course: c,
        version,
        previous,
        diffSummary: previous ? changeSummary(previous, version) : "",
      });
      return version;
    },
    { behavior: "immediate" },
  );
}

/** One line naming what changed between two versions (fields, and how many syllabus lines). */
export function changeSummary(a: CourseVersion, b: CourseVersion) {
  const changed: string[] = [];
  if (a.title !== b.title) changed.push(`课程名称改为“${b.title}”`);
  if (a.summary !== b.summary) changed.push("课程简介");
  if (a.sessions !== b.sessions || a.minutesPerSession !== b.minutesPerSession)
    changed.push(`课次改为 ${b.sessions} 次、每次 ${b.minutesPerSession} 分钟`);
  if (JSON.stringify(a.audience) !== JSON.stringify(b.audience)) changed.push("适用对象");
  if (JSON.stringify(a.objectives) !== JSON.stringify(b.objectives)) changed.push("学习目标");
  const body = diffVersionTexts(a.bodyText, b.bodyText);
  const added = body.filter((l) => l.kind === "add").length;
  const removed = body.filter((l) => l.kind === "del").length;
  if (added || removed) changed.push(`教学大纲（新增 ${added} 行、删除 ${removed} 行）`);
  return changed.length ? `修改了：${changed.join("；")}。` : "内容没有实质变化。";
}

/** Shared by publishCourse and the content import (actorId null = the system). */
export function publishVersion(
  tx: Conn,
  c: Course,
  v: CourseVersion,
  actorId: number | null,
  ip: string | null,
  how: "publish" | "import",
) {
  const t = now();
  const prev = tx
    .select()
    .from(courseVersions)
    .where(and(eq(courseVersions.courseId, c.id), eq(courseVersions.status, "published")))
    .get();
  if (prev)
    tx.update(courseVersions)
      .set({ status: "superseded" })
      .where(eq(courseVersions.id, prev.id))
      .run();
  const published = tx
    .update(courseVersions)
    .set({
      status: "published",
      publishedAt: t,
      publishedBy: actorId,
      updatedAt: Math.max(t, v.updatedAt),
    })
    .where(eq(courseVersions.id, v.id))
    .returning()
    .get();
  tx.update(courses)
    .set({ currentVersionId: v.id, retiredAt: null, updatedAt: t })
    .where(eq(courses.id, c.id))
    .run();
  indexCourse(tx, c.id);
  const summary = `${how === "import" ? "内容导入：" : ""}发布课程 ${c.code}“${v.title}”第 ${v.versionNo} 版${prev ? `（取代第 ${prev.versionNo} 版）` : ""}`;
  logEvent(tx, {
    courseId: c.id,
    versionId: v.id,
    versionNo: v.versionNo,
    actorId,
    action: "publish",
    summary,
  });
  writeAudit(tx, actorId, ip, {
    action: "course.publish",
    targetType: "course",
    targetId: c.id,
    summary,
    detail: {
      code: c.code,
      versionId: v.id,
      versionNo: v.versionNo,
      supersededVersionId: prev?.id ?? null,
    },
  });
  return published;
}

/** Takes a course out of the library. Runs already pinned to its versions keep reading them. */
export function retireCourse(db: DB, actor: Actor, courseId: number, ip: string | null) {
  requirePublisher(actor);
  db.transaction(
    (tx) => {
      const c = requireCourse(tx, courseId);
      if (!c.currentVersionId || c.retiredAt)
        throw new UserError("这门课程目前没有发布中的版本，无需停用。");
      const v = getCourseVersion(tx, c.currentVersionId)!;
      const t = now();
      tx.update(courseVersions).set({ status: "retired" }).where(eq(courseVersions.id, v.id)).run();
      tx.update(courses)
        .set({ currentVersionId: null, retiredAt: t, updatedAt: t })
        .where(eq(courses.id, courseId))
        .run();
      indexCourse(tx, courseId);
      const summary = `停用课程 ${c.code}“${v.title}”（第 ${v.versionNo} 版下架）`;
      logEvent(tx, {
        courseId,
        versionId: v.id,
        versionNo: v.versionNo,
        actorId: actor.id,
        action: "retire",
        summary,
      });
      writeAudit(tx, actor.id, ip, {
        action: "course.retire",
        targetType: "course",
        targetId: courseId,
        summary,
        detail: { code: c.code, versionId: v.id },
      });
    },
    { behavior: "immediate" },
  );
}

/** Undoes a retirement: the last retired version is published again. */
export function restoreCourse(db: DB, actor: Actor, courseId: number, ip: string | null) {
  requirePublisher(actor);
  db.transaction(
    (tx) => {
      const c = requireCourse(tx, courseId);
      if (!c.retiredAt) throw new UserError("这门课程没有停用。");
      const v = tx
        .select()
        .from(courseVersions)
        .where(and(eq(courseVersions.courseId, courseId), eq(courseVersions.status, "retired")))
        .orderBy(desc(courseVersions.versionNo))
        .get();
      if (!v) throw new UserError("找不到可以恢复的版本，请编辑后重新发布。");
      const t = now();
      tx.update(courseVersions)
        .set({ status: "published" })
        .where(eq(courseVersions.id, v.id))
        .run();
      tx.update(courses)
        .set({ currentVersionId: v.id, retiredAt: null, updatedAt: t })
        .where(eq(courses.id, courseId))
        .run();
      indexCourse(tx, courseId);
      const summary = `恢复课程 ${c.code}“${v.title}”（第 ${v.versionNo} 版重新上架）`;
      logEvent(tx, {
        courseId,
        versionId: v.id,
        versionNo: v.versionNo,
        actorId: actor.id,
        action: "restore",
        summary,
      });
      writeAudit(tx, actor.id, ip, {
        action: "course.restore",
        targetType: "course",
        targetId: courseId,
        summary,
        detail: { code: c.code, versionId: v.id },
      });
    },
    { behavior: "immediate" },
  );
}

/** Throws away the draft. A course that was never published goes with it. Returns whether the course is gone. */
export function discardDraft(db: DB, actor: Actor, courseId: number, ip: string | null) {
  return db.transaction(
    (tx) => {
      const c = requireCourse(tx, courseId);
      requireAuthor(actor, c);
      const w = workingVersion(tx, courseId);
      if (!w || w.status !== "draft")
        throw new UserError(w ? "审核中的版本不能删除，请先撤回审核。" : "没有可以删除的草稿。");
      const others = tx
        .select({ n: sql<number>`count(*)` })
        .from(courseVersions)
        .where(and(eq(courseVersions.courseId, courseId), sql`${courseVersions.id} <> ${w.id}`))
        .get()!.n;
      tx.delete(courseEvents).where(eq(courseEvents.versionId, w.id)).run();
      tx.delete(courseVersions).where(eq(courseVersions.id, w.id)).run();
      const courseGone = others === 0;
      if (courseGone) tx.delete(courses).where(eq(courses.id, courseId)).run();
      else
        logEvent(tx, {
          courseId,
          versionId: null,
          versionNo: w.versionNo,
          actorId: actor.id,
          action: "discard",
          summary: `删除第 ${w.versionNo} 版草稿`,
        });
      writeAudit(tx, actor.id, ip, {
        action: courseGone ? "course.delete" : "course.discard_draft",
        targetType: "course",
        targetId: courseId,
        summary: courseGone
          ? `删除未发布的课程 ${c.code}“${w.title}”`
          : `删除课程 ${c.code} 的第 ${w.versionNo} 版草稿`,
      });
      return { courseGone };
    },
    { behavior: "immediate" },
  );
}

// ---------------------------------------------------------------------------------------------
// Reading: editors

const editors = alias(users, "editors");
const latest = alias(courseVersions, "latest");
const live = alias(courseVersions, "live");

function ownerName(db: Conn, c: { ownerType: string; ownerId: number }) {
  if (c.ownerType === "district")
    return (
      db.select({ name: districts.name }).from(districts).where(eq(districts.id, c.ownerId)).get()
        ?.name ?? null
    );
  if (c.ownerType === "academy")
    return (
      db.select({ name: academies.name }).from(academies).where(eq(academies.id, c.ownerId)).get()
        ?.name ?? null
    );
  return null;
}

/** Courses an actor may author (HQ: all). */
function authorScope(actor: Actor): SQL | undefined {
  if (isHq(actor)) return undefined;
  const parts: SQL[] = [];
  const ds = staffDistrictIds(actor);
  const as = managedAcademyIds(actor);
  if (ds.length)
    parts.push(
      and(
        eq(courses.ownerType, "district"),
        inArray(courses.ownerId, ds),
        inArray(courses.sourceLevel, ["district", "subdistrict"]),
      )!,
    );
  if (as.length)
    parts.push(
      and(
        eq(courses.ownerType, "academy"),
        inArray(courses.ownerId, as),
        eq(courses.sourceLevel, "community"),
      )!,
    );
  return parts.length ? or(...parts) : sql`0`;
}

export const EDITOR_PAGE_SIZE = 20;
export type EditorFilters = {
  q?: string;
  category?: number;
  status?: VersionStatus | "live";
  level?: SourceLevel;
  page?: number;
};

/** The editors' table: the newest version of each course they may author, with its state. */
export function listCoursesForEditors(db: DB, actor: Actor, f: EditorFilters) {
  const where: (SQL | undefined)[] = [authorScope(actor)];
  const q = f.q?.trim().slice(0, 50);
  if (q) where.push(containsAny(q, [courses.code, latest.title]));
  if (f.category) where.push(eq(courses.categoryId, f.category));
  if (f.level) where.push(eq(courses.sourceLevel, f.level));
  if (f.status === "live") where.push(isNotNull(courses.currentVersionId));
  else if (f.status) where.push(eq(latest.status, f.status));
  const cond = and(...where);
  const base = () =>
    db
      .select({
        id: courses.id,
        code: courses.code,
        sourceLevel: courses.sourceLevel,
        ownerType: courses.ownerType,
        ownerId: courses.ownerId,
        retiredAt: courses.retiredAt,
        categoryName: categories.name,
        categoryColor: categories.color,
        title: latest.title,
        versionNo: latest.versionNo,
        status: latest.status,
        updatedAt: latest.updatedAt,
        editorName: editors.name,
        liveVersionNo: live.versionNo,
        // The owning district or academy, joined here rather than looked up row by row.
        ownerName: sql<string | null>`coalesce(${districts.name}, ${academies.name})`,
      })
      .from(courses)
      .innerJoin(
        latest,
        sql`${latest.id} = (select v2.id from course_versions v2 where v2.course_id = ${courses.id} order by v2.version_no desc limit 1)`,
      )
      .innerJoin(categories, eq(categories.id, courses.categoryId))
      .leftJoin(editors, eq(editors.id, latest.editedBy))
      .leftJoin(live, eq(live.id, courses.currentVersionId))
      .leftJoin(
        districts,
        and(eq(courses.ownerType, "district"), eq(districts.id, courses.ownerId)),
      )
      .leftJoin(
        academies,
        and(eq(courses.ownerType, "academy"), eq(academies.id, courses.ownerId)),
      );
  const total = db
    .select({ n: sql<number>`count(*)` })
    .from(courses)
    .innerJoin(
      latest,
      sql`${latest.id} = (select v2.id from course_versions v2 where v2.course_id = ${courses.id} order by v2.version_no desc limit 1)`,
    )
    .where(cond)
    .get()!.n;
  const pages = Math.max(1, Math.ceil(total / EDITOR_PAGE_SIZE));
  const page = Math.min(pages, Math.max(1, f.page ?? 1));
  const rows = base()
    .where(cond)
    .orderBy(desc(latest.updatedAt), asc(courses.code))
    .limit(EDITOR_PAGE_SIZE)
    .offset((page - 1) * EDITOR_PAGE_SIZE)
    .all()
    .map((r) => ({
      ...r,
      statusLabel: STATUS_LABELS[r.status],
      levelLabel: SOURCE_LEVEL_LABELS[r.sourceLevel],
    }));
  return { rows, total, page, pages };
}

/** Everything the course overview shows: versions with who/when, the event history, what the actor may do. */
export function getCourseOverview(db: DB, actor: Actor, courseId: number) {
  const c = getCourse(db, courseId);
  if (!c) return null;
  if (!canAuthorCourse(actor, c)) forbidden("您没有查看这门课程编辑记录的权限。");
  const publishers = alias(users, "publishers");
  const versions = db
    .select({
      id: courseVersions.id,
      versionNo: courseVersions.versionNo,
      status: courseVersions.status,
      title: courseVersions.title,
      createdAt: courseVersions.createdAt,
      updatedAt: courseVersions.updatedAt,
      publishedAt: courseVersions.publishedAt,
      editedBy: courseVersions.editedBy,
      editorName: editors.name,
      publisherName: publishers.name,
    })
    .from(courseVersions)
    .leftJoin(editors, eq(editors.id, courseVersions.editedBy))
    .leftJoin(publishers, eq(publishers.id, courseVersions.publishedBy))
    .where(eq(courseVersions.courseId, courseId))
    .orderBy(desc(courseVersions.versionNo))
    .all();
  const events = db
    .select({
      id: courseEvents.id,
      action: courseEvents.action,
      summary: courseEvents.summary,
      versionNo: courseEvents.versionNo,
      createdAt: courseEvents.createdAt,
      actorName: users.name,
    })
    .from(courseEvents)
    .leftJoin(users, eq(users.id, courseEvents.actorId))
    .where(eq(courseEvents.courseId, courseId))
    .orderBy(desc(courseEvents.createdAt), desc(courseEvents.id))
    .limit(200)
    .all();
  const category = db.select().from(categories).where(eq(categories.id, c.categoryId)).get()!;
  const working = versions.find((v) => v.status === "draft" || v.status === "review") ?? null;
  const current = versions.find((v) => v.id === c.currentVersionId) ?? null;
  const publisher = canPublishCourses(actor);
  return {
    course: { ...c, ownerName: ownerName(db, c), levelLabel: SOURCE_LEVEL_LABELS[c.sourceLevel] },
    category,
    resources: listCourseResources(db, c.id, { actor }),
    canUpload: canManageResources(actor),
    versions: versions.map((v) => ({ ...v, statusLabel: STATUS_LABELS[v.status] })),
    events,
    working,
    current,
    can: {
      edit: !working || working.status === "draft",
      submit: working?.status === "draft",
      withdraw: working?.status === "review",
      publish: publisher && working?.status === "review" && mayPublishOwnEdit(actor, working),
      /** In review, and this publisher edited it last: someone else publishes (four eyes). */
      publishByOther:
        publisher && working?.status === "review" && !mayPublishOwnEdit(actor, working),
      retire: publisher && !!c.currentVersionId && !c.retiredAt,
      restore: publisher && !!c.retiredAt && versions.some((v) => v.status === "retired"),
      discard: working?.status === "draft",
    },
  };
}

/** What the editor starts from: the draft if there is one, else a copy of the newest version. */
export function getCourseForEditor(db: DB, actor: Actor, courseId: number) {
  const c = getCourse(db, courseId);
  if (!c) return null;
  requireAuthor(actor, c);
  const working = workingVersion(db, courseId);
  const base =
    working ??
    db
      .select()
      .from(courseVersions)
      .where(eq(courseVersions.courseId, courseId))
      .orderBy(desc(courseVersions.versionNo))
      .get()!;
  const everPublished = !!db
    .select({ id: courseVersions.id })
    .from(courseVersions)
    .where(and(eq(courseVersions.courseId, courseId), isNotNull(courseVersions.publishedAt)))
    .get();
  return {
    course: { ...c, ownerName: ownerName(db, c), levelLabel: SOURCE_LEVEL_LABELS[c.sourceLevel] },
    version: base,
    categories: db
      .select({ id: categories.id, name: categories.name })
      .from(categories)
      .where(or(isNull(categories.retiredAt), eq(categories.id, c.categoryId)))
      .orderBy(asc(categories.sortOrder), asc(categories.id))
      .all(),
    images: listImageResources(db),
    /** True when saving will start a new draft version (the editor was opened on a published one). */
    startsNewDraft: !working,
    inReview: working?.status === "review",
    nextVersionNo: working ? working.versionNo : latestVersionNo(db, courseId) + 1,
    revision: working ? String(working.updatedAt) : "",
    codeLocked: everPublished,
  };
}

/** Any version, drafts included, for the people who may author the course (preview before review). */
export function getVersionForAuthors(db: DB, actor: Actor, courseId: number, versionNo: number) {
  const c = getCourse(db, courseId);
  if (!c) return null;
  requireAuthor(actor, c);
  const v = db
    .select()
    .from(courseVersions)
    .where(and(eq(courseVersions.courseId, courseId), eq(courseVersions.versionNo, versionNo)))
    .get();
  if (!v) return null;
  return { ...publicVersionView(db, c, v), statusLabel: STATUS_LABELS[v.status], courseId: c.id };
}

/** A text diff between two versions of one course (by version number). */
export function diffCourseVersions(
  db: DB,
  actor: Actor,
  courseId: number,
  fromNo: number,
  toNo: number,
) {
  const c = getCourse(db, courseId);
  if (!c) return null;
  requireAuthor(actor, c);
  const get = (no: number) =>
    db
      .select()
      .from(courseVersions)
      .where(and(eq(courseVersions.courseId, courseId), eq(courseVersions.versionNo, no)))
      .get();
  const a = get(fromNo);
  const b = get(toNo);
  if (!a || !b) return null;
  return {
    from: a.versionNo,
    to: b.versionNo,
    lines: diffVersionTexts(versionText(a), versionText(b)),
  };
}

// ---------------------------------------------------------------------------------------------
// Reading: the public library

function publicVersionView(db: DB, c: Course, v: CourseVersion) {
  const category = db.select().from(categories).where(eq(categories.id, c.categoryId)).get()!;
  return {
    course: {
      id: c.id,
      code: c.code,
      sourceLevel: c.sourceLevel,
      levelLabel: SOURCE_LEVEL_LABELS[c.sourceLevel],
      ownerName: ownerName(db, c),
      retired: !!c.retiredAt,
    },
    category: { slug: category.slug, name: category.name, color: category.color },
    version: {
      id: v.id,
      versionNo: v.versionNo,
      status: v.status,
      title: v.title,
      summary: v.summary,
      audience: v.audience,
      sessions: v.sessions,
      minutesPerSession: v.minutesPerSession,
      objectives: v.objectives,
      tags: v.tags,
      coverResourceId: v.coverResourceId,
      bodyHtml: v.bodyHtml,
      publishedAt: v.publishedAt,
    },
  };
}

/** Published history of a course (for "earlier versions" links): never drafts. */
function publicVersionList(db: DB, courseId: number) {
  return db
    .select({
      versionNo: courseVersions.versionNo,
      status: courseVersions.status,
      publishedAt: courseVersions.publishedAt,
    })
    .from(courseVersions)
    .where(and(eq(courseVersions.courseId, courseId), isNotNull(courseVersions.publishedAt)))
    .orderBy(desc(courseVersions.versionNo))
    .all();
}

/** The public page of a course: its current published version, or the retired one with a notice. */
export function getPublicCourse(db: DB, code: string) {
  const c = getCourseByCode(db, code.toUpperCase());
  if (!c) return null;
  const v = c.currentVersionId
    ? getCourseVersion(db, c.currentVersionId)
    : c.retiredAt
      ? db
          .select()
          .from(courseVersions)
          .where(and(eq(courseVersions.courseId, c.id), eq(courseVersions.status, "retired")))
          .orderBy(desc(courseVersions.versionNo))
          .get()
      : null;
  if (!v) return null;
  return { ...publicVersionView(db, c, v), history: publicVersionList(db, c.id) };
}

/** The public course page: the course, the resources this visitor may open, and the pool teachers who teach it. */
export function getPublicCoursePage(db: DB, actor: Actor | null, code: string) {
  const c = getPublicCourse(db, code);
  if (!c) return null;
  return {
    ...c,
    resources: listCourseResources(db, c.course.id, { actor }),
    teachers: listTeachersForCourse(db, c.course.id),
  };
}

/** An earlier (or current) published version, readable for ever: runs pin the version they ordered. */
export function getPublicCourseVersion(db: DB, code: string, versionNo: number) {
  const c = getCourseByCode(db, code.toUpperCase());
  if (!c) return null;
  const v = db
    .select()
    .from(courseVersions)
    .where(
      and(
        eq(courseVersions.courseId, c.id),
        eq(courseVersions.versionNo, versionNo),
        isNotNull(courseVersions.publishedAt),
      ),
    )
    .get();
  if (!v) return null;
  return {
    ...publicVersionView(db, c, v),
    history: publicVersionList(db, c.id),
    isCurrent: v.id === c.currentVersionId,
  };
}

/** For pickers elsewhere (scheduling): live courses by code or title. */
export function findLiveCourses(db: DB, q: string, limit = 20) {
  return db
    .select({
      id: courses.id,
      code: courses.code,
      versionId: live.id,
      title: live.title,
      versionNo: live.versionNo,
    })
    .from(courses)
    .innerJoin(live, eq(live.id, courses.currentVersionId))
    .where(and(isNull(courses.retiredAt), containsAny(q.slice(0, 50), [courses.code, live.title])))
    .orderBy(asc(courses.code))
    .limit(limit)
    .all();
}

/** /hq/courses: the table plus the lists its filters offer. */
export function getEditorsTablePage(db: DB, actor: Actor, f: EditorFilters) {
  if (!canAuthorSomeCourse(actor)) forbidden();
  return {
    ...listCoursesForEditors(db, actor, f),
    categories: db
      .select({ id: categories.id, name: categories.name, retiredAt: categories.retiredAt })
      .from(categories)
      .orderBy(asc(categories.sortOrder), asc(categories.id))
      .all(),
    levels: authorableLevels(actor),
  };
}

/** What the new-course form offers this person: categories, levels, and the districts/academies they may own courses for. */
export function getNewCourseOptions(db: DB, actor: Actor) {
  const levels = authorableLevels(actor);
  if (!levels.length) forbidden("您没有编写课程的权限。");
  const hq = isHq(actor);
  const ds = staffDistrictIds(actor);
  const as = managedAcademyIds(actor);
  return {
    levels,
    categories: db
      .select({ id: categories.id, name: categories.name })
      .from(categories)
      .where(isNull(categories.retiredAt))
      .orderBy(asc(categories.sortOrder), asc(categories.id))
      .all(),
    districts: db
      .select({ id: districts.id, name: districts.name })
      .from(districts)
      .where(hq ? undefined : inArray(districts.id, ds.length ? ds : [-1]))
      .orderBy(asc(districts.sortOrder))
      .all(),
    academies: db
      .select({ id: academies.id, name: academies.name, districtName: districts.name })
      .from(academies)
      .innerJoin(districts, eq(districts.id, academies.districtId))
      .where(hq ? undefined : inArray(academies.id, as.length ? as : [-1]))
      .orderBy(asc(districts.sortOrder), asc(academies.name))
      .all(),
    suggestedCode: suggestCode(db),
  };
}

/** The next free code in the HQ pattern for a prefix, e.g. HS-0012 (a hint, not a reservation). */
export function suggestCode(db: DB, prefix = "KC") {
  const rows = db
    .select({ code: courses.code })
    .from(courses)
    .where(sql`${courses.code} like ${`${prefix}-%`}`)
    .all();
  const max = rows.reduce((m, r) => Math.max(m, Number(r.code.split("-")[1]) || 0), 0);
  return `${prefix}-${String(max + 1).padStart(4, "0")}`;
}
