import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq, sql } from "drizzle-orm";
import {
  auditLog,
  categories,
  courseEvents,
  courses,
  courseSearch,
  courseVersions,
} from "@db/schema";
import { saveDraft, submitForReview } from "~/modules/catalog/courses.server";
import { importCatalogContent } from "~/modules/catalog/import.server";
import { updateCategory } from "~/modules/catalog/categories.server";
import { searchLibrary } from "~/modules/catalog/search.server";
import { markdownToDoc } from "~/modules/catalog/richtext.server";
import { createTestDb } from "@tests/factories/db";
import { createActor } from "@tests/factories/users";

let db: ReturnType<typeof createTestDb>;
let dir: string;

const REAL = path.resolve(process.cwd(), "content");

function courseMd(
  code: string,
  title: string,
  body = "## 课程简介\n\n一门测试课程。\n\n- 第一讲\n- 第二讲\n",
) {
  return `---
code: ${code}
title: "${title}"
category: green-eco
audience: [全体, 长者]
sessions: 4
minutes: 90
summary: "${title}的简介。"
objectives:
  - "目标一"
  - "目标二"
tags: [环保, 社区]
---
${body}`;
}

function write(rel: string, text: string) {
  const p = path.join(dir, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, text);
}

/** Every catalog row that an import writes, for before/after comparison. */
function snapshot() {
  return {
    categories: db.select().from(categories).all(),
    courses: db.select().from(courses).all(),
    versions: db.select().from(courseVersions).all(),
    events: db.select().from(courseEvents).all(),
    search: db.select().from(courseSearch).all(),
    audit: db
      .select({ n: sql<number>`count(*)` })
      .from(auditLog)
      .get()!.n,
  };
}

beforeEach(() => {
  db = createTestDb();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "catalog-content-"));
  for (const f of fs.readdirSync(path.join(REAL, "categories"))) {
    write(`categories/${f}`, fs.readFileSync(path.join(REAL, "categories", f), "utf8"));
  }
  write("courses/green-eco/LS-9001.md", courseMd("LS-9001", "阳台种菜入门"));
  write("courses/green-eco/LS-9002.md", courseMd("LS-9002", "节水节电小妙招"));
});
afterEach(() => {
  db.cleanup();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("content import", () => {
  test("first import creates categories and publishes each course as version 1 by the system", () => {
    const r = importCatalogContent(db, dir);
    expect(r.errors).toEqual([]);
    expect(r.categoriesCreated).toBe(6);
    expect(r.coursesCreated).toBe(2);
    const v = db.select().from(courseVersions).all();
    expect(v.map((x) => [x.versionNo, x.status, x.publishedBy])).toEqual([
      [1, "published", null],
      [1, "published", null],
    ]);
    expect(searchLibrary(db, { q: "种菜" }).rows.map((x) => x.code)).toEqual(["LS-9001"]);
    expect(
      db.select().from(auditLog).where(eq(auditLog.action, "course.publish")).all(),
    ).toHaveLength(2);
  });

  test("running it twice changes nothing", () => {
    importCatalogContent(db, dir);
    const before = snapshot();
    const r = importCatalogContent(db, dir);
    expect(r).toMatchObject({
      categoriesCreated: 0,
      categoriesUpdated: 0,
      coursesCreated: 0,
      draftsUpdated: 0,
      unchanged: 2,
    });
    expect(snapshot()).toEqual(before);
  });

  test("a changed file updates a draft; the published version is untouched; a further change updates the same draft", () => {
    importCatalogContent(db, dir);
    const published = db
      .select()
      .from(courseVersions)
      .where(eq(courseVersions.title, "阳台种菜入门"))
      .get()!;
    write("courses/green-eco/LS-9001.md", courseMd("LS-9001", "阳台种菜入门（修订）"));
    const r = importCatalogContent(db, dir);
    expect(r.draftsUpdated).toBe(1);
    expect(r.unchanged).toBe(1);
    const course = db.select().from(courses).where(eq(courses.code, "LS-9001")).get()!;
    const versions = db
      .select()
      .from(courseVersions)
      .where(eq(courseVersions.courseId, course.id))
      .all();
    expect(versions.map((v) => [v.versionNo, v.status, v.title])).toEqual([
      [1, "published", "阳台种菜入门"],
      [2, "draft", "阳台种菜入门（修订）"],
    ]);
    expect(
      db.select().from(courseVersions).where(eq(courseVersions.id, published.id)).get(),
    ).toEqual(published);
    expect(course.currentVersionId).toBe(published.id);
    expect(searchLibrary(db, { q: "修订" }).total).toBe(0);

    write("courses/green-eco/LS-9001.md", courseMd("LS-9001", "阳台种菜入门（再次修订）"));
    importCatalogContent(db, dir);
    const again = db
      .select()
      .from(courseVersions)
      .where(eq(courseVersions.courseId, course.id))
      .all();
    expect(again).toHaveLength(2);
    expect(again[1]!.title).toBe("阳台种菜入门（再次修订）");
    // And once more unchanged: nothing.
    const before = snapshot();
    importCatalogContent(db, dir);
    expect(snapshot()).toEqual(before);
  });

  test("a file change moves a course in review back to draft with the file's content", async () => {
    importCatalogContent(db, dir);
    const hq = await createActor(db, [{ role: "hq_editor" }]);
    const course = db.select().from(courses).where(eq(courses.code, "LS-9002")).get()!;
    saveDraft(db, hq, course.id, {
      title: "编辑改的名称",
      summary: "简介",
      audience: ["全体"],
      sessions: 2,
      minutesPerSession: 60,
      objectives: ["目标"],
      tags: [],
      body: markdownToDoc("正文"),
    });
    submitForReview(db, hq, course.id);
    write("courses/green-eco/LS-9002.md", courseMd("LS-9002", "节水节电小妙招（新版）"));
    importCatalogContent(db, dir);
    const v = db.select().from(courseVersions).where(eq(courseVersions.courseId, course.id)).all();
    expect(v.map((x) => [x.versionNo, x.status, x.title])).toEqual([
      [1, "published", "节水节电小妙招"],
      [2, "draft", "节水节电小妙招（新版）"],
    ]);
  });

  test("HQ's rename of a category survives restarts until the file itself changes", async () => {
    importCatalogContent(db, dir);
    const hq = await createActor(db, [{ role: "hq_editor" }]);
    const cat = db.select().from(categories).where(eq(categories.slug, "green-eco")).get()!;
    updateCategory(
      db,
      hq,
      cat.id,
      { name: "生态环保", description: cat.description, color: cat.color },
      null,
    );
    importCatalogContent(db, dir);
    expect(db.select().from(categories).where(eq(categories.id, cat.id)).get()!.name).toBe(
      "生态环保",
    );
  });

  test("a broken file is reported in Chinese and skipped; the others still import", () => {
    write(
      "courses/green-eco/LS-9003.md",
      '---\ncode: LS-9003\ntitle: ""\ncategory: green-eco\n---\n正文',
    );
    write("courses/green-eco/LS-9004.md", courseMd("LS-9005", "文件名不对"));
    write(
      "courses/green-eco/LS-9006.md",
      courseMd("LS-9006", "分类不存在").replace("category: green-eco", "category: nowhere"),
    );
    const r = importCatalogContent(db, dir);
    expect(r.coursesCreated).toBe(2);
    expect(r.errors.map((e) => e.file).sort()).toEqual([
      "courses/green-eco/LS-9003.md",
      "courses/green-eco/LS-9004.md",
      "courses/green-eco/LS-9006.md",
    ]);
    expect(r.errors.find((e) => e.file.endsWith("LS-9004.md"))!.message).toMatch(/文件名应与编号/);
    expect(r.errors.find((e) => e.file.endsWith("LS-9006.md"))!.message).toMatch(
      /没有英文标识为 nowhere 的分类/,
    );
    expect(db.select().from(courses).all()).toHaveLength(2);
  });

  test("the real starter library imports cleanly: six categories, at least ten courses each", () => {
    const r = importCatalogContent(db, REAL);
    expect(r.errors).toEqual([]);
    const perCat = db
      .select({ slug: categories.slug, n: sql<number>`count(${courses.id})` })
      .from(categories)
      .leftJoin(courses, eq(courses.categoryId, categories.id))
      .groupBy(categories.id)
      .all();
    expect(perCat).toHaveLength(6);
    for (const c of perCat) expect(c.n, c.slug).toBeGreaterThanOrEqual(10);
    expect(searchLibrary(db, { q: "" }).total).toBe(r.coursesCreated);
  });
});
