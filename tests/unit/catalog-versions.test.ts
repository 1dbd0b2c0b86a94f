import { isUserError } from "~/utils/errors";
import { and, eq, sql } from "drizzle-orm";
import { auditLog, courseEvents, courses, courseSearch, courseVersions } from "@db/schema";
import {
  createCourse,
  diffCourseVersions,
  discardDraft,
  getCourseForEditor,
  getCourseOverview,
  getCourseVersion,
  getPublicCourse,
  getPublicCourseVersion,
  publishCourse,
  restoreCourse,
  retireCourse,
  saveDraft,
  submitForReview,
  withdrawReview,
} from "~/modules/catalog/courses.server";
import { markdownToDoc } from "~/modules/catalog/richtext.server";
import { searchLibrary } from "~/modules/catalog/search.server";
import { createTestDb } from "@tests/factories/db";
import { seedCategories } from "@tests/factories/catalog";
import { createActor } from "@tests/factories/users";
import type { Actor } from "~/modules/auth/permissions";

let db: ReturnType<typeof createTestDb>;
let editor: Actor;
/** Another HQ editor: publishes what `editor` wrote (four eyes). */
let reviewer: Actor;
let cats: ReturnType<typeof seedCategories>;

const fields = (over: Record<string, unknown> = {}) => ({
  title: "社区垃圾分类实操课",
  summary: "学会厦门生活垃圾四分类。",
  audience: ["全体"],
  sessions: 4,
  minutesPerSession: 90,
  objectives: ["分清四类垃圾"],
  tags: ["垃圾分类"],
  body: markdownToDoc("## 第一讲\n\n认识四分类。\n\n- 可回收物\n- 厨余垃圾"),
  ...over,
});

beforeEach(async () => {
  db = createTestDb();
  cats = seedCategories(db);
  editor = await createActor(db, [{ role: "hq_editor" }]);
  reviewer = await createActor(db, [{ role: "hq_editor" }]);
});
afterEach(() => db.cleanup());

function newCourse(code = "LS-0101") {
  return createCourse(
    db,
    editor,
    { code, categoryId: cats["green-eco"]!.id, sourceLevel: "city", ...fields() },
    "127.0.0.1",
  );
}

function publishFlow(courseId: number) {
  submitForReview(db, editor, courseId);
  return publishCourse(db, reviewer, courseId, "127.0.0.1");
}

describe("course versions", () => {
  test("a new course starts as draft version 1 and is not public until published", () => {
    const { course, version } = newCourse();
    expect(version.versionNo).toBe(1);
    expect(version.status).toBe("draft");
    expect(course.currentVersionId).toBeNull();
    expect(getPublicCourse(db, course.code)).toBeNull();
    expect(searchLibrary(db, { q: "垃圾分类" }).total).toBe(0);
  });

  test("publishing needs review first, then makes the version current and searchable", () => {
    const { course } = newCourse();
    expect(() => publishCourse(db, reviewer, course.id, null)).toThrow(/请先提交审核/);
    submitForReview(db, editor, course.id);
    const v = publishCourse(db, reviewer, course.id, null);
    expect(v.status).toBe("published");
    const row = db.select().from(courses).where(eq(courses.id, course.id)).get()!;
    expect(row.currentVersionId).toBe(v.id);
    expect(getPublicCourse(db, "LS-0101")!.version.title).toBe("社区垃圾分类实操课");
    expect(searchLibrary(db, { q: "垃圾分类" }).rows.map((r) => r.code)).toEqual(["LS-0101"]);
  });

  test("a published version is immutable: editing creates a new draft version and leaves it untouched", () => {
    const { course } = newCourse();
    const v1 = publishFlow(course.id);
    const before = db.select().from(courseVersions).where(eq(courseVersions.id, v1.id)).get();
    const editorView = getCourseForEditor(db, editor, course.id)!;
    expect(editorView.startsNewDraft).toBe(true);
    expect(editorView.nextVersionNo).toBe(2);
    const saved = saveDraft(db, editor, course.id, {
      ...fields({ title: "垃圾分类实操课（第二版）" }),
      revision: editorView.revision,
    });
    expect(saved.created).toBe(true);
    expect(saved.version.versionNo).toBe(2);
    expect(saved.version.status).toBe("draft");
    expect(db.select().from(courseVersions).where(eq(courseVersions.id, v1.id)).get()).toEqual(
      before,
    );
    // The library still shows version 1 until version 2 is published.
    expect(getPublicCourse(db, "LS-0101")!.version.versionNo).toBe(1);
    expect(searchLibrary(db, { q: "第二版" }).total).toBe(0);
    // Saving again updates the same draft, not a third version.
    const again = saveDraft(db, editor, course.id, {
      ...fields({ title: "垃圾分类实操课（第二版修订）" }),
      revision: saved.revision,
    });
    expect(again.created).toBe(false);
    expect(again.version.id).toBe(saved.version.id);
    expect(
      db
        .select({ n: sql<number>`count(*)` })
        .from(courseVersions)
        .where(eq(courseVersions.courseId, course.id))
        .get()!.n,
    ).toBe(2);
  });

  test("pinning: an old version id stays readable after a newer version is published", () => {
    const { course } = newCourse();
    const v1 = publishFlow(course.id);
    saveDraft(db, editor, course.id, fields({ title: "垃圾分类第二版" }));
    const v2 = publishFlow(course.id);
    expect(getCourseVersion(db, v1.id)!.status).toBe("superseded");
    expect(getCourseVersion(db, v1.id)!.title).toBe("社区垃圾分类实操课");
    expect(getCourseVersion(db, v2.id)!.status).toBe("published");
    const old = getPublicCourseVersion(db, "LS-0101", 1)!;
    expect(old.version.title).toBe("社区垃圾分类实操课");
    expect(old.isCurrent).toBe(false);
    expect(getPublicCourse(db, "LS-0101")!.version.id).toBe(v2.id);
    expect(
      db.select().from(courseSearch).where(eq(courseSearch.courseId, course.id)).get()!.versionId,
    ).toBe(v2.id);
    // Only one published version per course, enforced by the schema too.
    expect(() =>
      db
        .update(courseVersions)
        .set({ status: "published" })
        .where(eq(courseVersions.id, v1.id))
        .run(),
    ).toThrow(/UNIQUE/);
  });

  test("drafts are never readable publicly by version number", () => {
    const { course } = newCourse();
    publishFlow(course.id);
    saveDraft(db, editor, course.id, fields({ title: "未发布的草稿" }));
    expect(getPublicCourseVersion(db, "LS-0101", 2)).toBeNull();
  });

  test("a version in review cannot be edited until withdrawn", () => {
    const { course } = newCourse();
    submitForReview(db, editor, course.id);
    expect(() => saveDraft(db, editor, course.id, fields())).toThrow(/审核中/);
    withdrawReview(db, editor, course.id);
    expect(saveDraft(db, editor, course.id, fields({ title: "改过的名称" })).version.title).toBe(
      "改过的名称",
    );
  });

  test("submitting an incomplete draft names what is missing", () => {
    const { course } = newCourse();
    saveDraft(
      db,
      editor,
      course.id,
      fields({ summary: "", objectives: [], body: markdownToDoc("") }),
    );
    expect(() => submitForReview(db, editor, course.id)).toThrow(
      "提交审核前请填写：课程简介、学习目标、教学大纲。",
    );
  });

  test("a stale editor does not overwrite someone else's newer draft", async () => {
    const other = await createActor(db, [{ role: "hq_editor" }]);
    const { course } = newCourse();
    const start = getCourseForEditor(db, editor, course.id)!.revision;
    saveDraft(db, other, course.id, { ...fields({ title: "别人先保存" }), revision: start });
    expect(() =>
      saveDraft(db, editor, course.id, { ...fields({ title: "我后保存" }), revision: start }),
    ).toThrow(/刚刚修改了/);
    // The draft route answers 409 by this code, not by the sentence.
    expect(
      userErrorCode(() =>
        saveDraft(db, editor, course.id, { ...fields({ title: "我后保存" }), revision: start }),
      ),
    ).toBe("stale_draft");
    expect(
      userErrorCode(() => saveDraft(db, editor, course.id, { ...fields({ title: "" }) })),
    ).toBeUndefined();
    expect(getCourseForEditor(db, editor, course.id)!.version.title).toBe("别人先保存");
  });

  test("retire removes the course from the library in the same transaction; restore brings it back; both audited", () => {
    const { course } = newCourse();
    const v1 = publishFlow(course.id);
    retireCourse(db, editor, course.id, "10.0.0.1");
    const row = db.select().from(courses).where(eq(courses.id, course.id)).get()!;
    expect(row.currentVersionId).toBeNull();
    expect(row.retiredAt).not.toBeNull();
    expect(getCourseVersion(db, v1.id)!.status).toBe("retired");
    expect(searchLibrary(db, { q: "垃圾分类" }).total).toBe(0);
    expect(getPublicCourse(db, "LS-0101")!.course.retired).toBe(true);
    restoreCourse(db, editor, course.id, "10.0.0.1");
    expect(searchLibrary(db, { q: "垃圾分类" }).total).toBe(1);
    const actions = db
      .select({ action: auditLog.action, actorId: auditLog.actorId, ip: auditLog.ip })
      .from(auditLog)
      .where(eq(auditLog.targetId, String(course.id)))
      .all();
    expect(actions.map((a) => a.action)).toEqual([
      "course.publish",
      "course.retire",
      "course.restore",
    ]);
    expect(actions.map((a) => a.actorId)).toEqual([reviewer.id, editor.id, editor.id]);
  });

  test("a failing publish writes neither the version, the index nor the audit row", () => {
    const { course } = newCourse();
    submitForReview(db, editor, course.id);
    // Break the search index mid-transaction: the publish must roll back as a whole.
    db.run(sql`drop table course_fts_ngram`);
    expect(() => publishCourse(db, reviewer, course.id, null)).toThrow();
    expect(
      db.select().from(courses).where(eq(courses.id, course.id)).get()!.currentVersionId,
    ).toBeNull();
    expect(
      db.select().from(courseVersions).where(eq(courseVersions.courseId, course.id)).get()!.status,
    ).toBe("review");
    expect(
      db.select().from(auditLog).where(eq(auditLog.action, "course.publish")).all(),
    ).toHaveLength(0);
    expect(db.select().from(courseSearch).all()).toHaveLength(0);
  });

  test("history records who did what and when; the overview offers the next steps", () => {
    const { course } = newCourse();
    saveDraft(db, editor, course.id, fields({ title: "改名一次" }));
    saveDraft(db, editor, course.id, fields({ title: "改名两次" })); // folded into one "save" row
    submitForReview(db, editor, course.id);
    const o = getCourseOverview(db, editor, course.id)!;
    expect(o.events.map((e) => e.action)).toEqual(["submit", "save", "create"]);
    expect(o.events.every((e) => e.actorName === editor.name)).toBe(true);
    // Four eyes: the last editor is told a colleague publishes; the colleague is offered it.
    expect(o.can.publish).toBe(false);
    expect(o.can.publishByOther).toBe(true);
    expect(getCourseOverview(db, reviewer, course.id)!.can.publish).toBe(true);
    expect(o.can.submit).toBe(false);
    expect(o.versions[0]!.editorName).toBe(editor.name);
  });

  test("diff between two versions shows the changed text", () => {
    const { course } = newCourse();
    publishFlow(course.id);
    saveDraft(
      db,
      editor,
      course.id,
      fields({
        title: "社区垃圾分类实践课",
        body: markdownToDoc("## 第一讲\n\n认识四分类和易错物品。"),
      }),
    );
    const d = diffCourseVersions(db, editor, course.id, 1, 2)!;
    const added = d.lines.filter((l) => l.kind === "add").map((l) => l.text);
    const removed = d.lines.filter((l) => l.kind === "del").map((l) => l.text);
    expect(added).toContain("课程名称：社区垃圾分类实践课");
    expect(removed).toContain("课程名称：社区垃圾分类实操课");
    expect(added).toContain("认识四分类和易错物品。");
    const titleLine = d.lines.find((l) => l.kind === "add" && l.text.startsWith("课程名称"))!;
    expect(
      titleLine
        .segments!.filter((s) => s.kind === "add")
        .map((s) => s.text)
        .join(""),
    ).toBe("践");
  });

  test("discarding the only draft of a never-published course deletes it; a later draft leaves the course", () => {
    const a = newCourse("LS-0201");
    expect(discardDraft(db, editor, a.course.id, null).courseGone).toBe(true);
    expect(db.select().from(courses).where(eq(courses.code, "LS-0201")).get()).toBeUndefined();
    const b = newCourse("LS-0202");
    publishFlow(b.course.id);
    saveDraft(db, editor, b.course.id, fields({ title: "不要了的草稿" }));
    expect(discardDraft(db, editor, b.course.id, null).courseGone).toBe(false);
    expect(getPublicCourse(db, "LS-0202")!.version.versionNo).toBe(1);
    expect(
      db
        .select()
        .from(courseEvents)
        .where(and(eq(courseEvents.courseId, b.course.id), eq(courseEvents.action, "discard")))
        .all(),
    ).toHaveLength(1);
  });
});

describe("four eyes", () => {
  test("the last editor of a version cannot publish it; a colleague can; SELF_PUBLISH=1 allows it", () => {
    const { course } = newCourse("LS-0301");
    submitForReview(db, editor, course.id);
    expect(() => publishCourse(db, editor, course.id, null)).toThrow(/四眼原则/);
    expect(
      db.select().from(auditLog).where(eq(auditLog.action, "course.publish")).all(),
    ).toHaveLength(0);
    process.env.SELF_PUBLISH = "1";
    try {
      expect(publishCourse(db, editor, course.id, null).status).toBe("published");
    } finally {
      delete process.env.SELF_PUBLISH;
    }
  });

  test("the change summary names what changed between versions", () => {
    const { course } = newCourse("LS-0302");
    publishFlow(course.id);
    saveDraft(
      db,
      editor,
      course.id,
      fields({
        title: "垃圾分类进阶",
        sessions: 6,
        body: markdownToDoc("## 第一讲\n\n认识四分类。\n\n- 可回收物\n- 厨余垃圾\n- 有害垃圾"),
      }),
    );
    submitForReview(db, editor, course.id);
    const seen: string[] = [];
    publishCourse(db, reviewer, course.id, null, (_tx, p) => seen.push(p.diffSummary));
    expect(seen[0]).toContain("课程名称改为“垃圾分类进阶”");
    expect(seen[0]).toContain("课次改为 6 次");
    expect(seen[0]).toMatch(/教学大纲（新增 \d+ 行、删除 \d+ 行）/);
  });
});

function userErrorCode(fn: () => unknown) {
  try {
    fn();
  } catch (e) {
    if (isUserError(e)) return e.code;
    throw e;
  }
  throw new Error("expected a UserError");
}
