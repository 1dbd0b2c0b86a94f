import { eq } from "drizzle-orm";
import type { DB } from "@db/client";
import { categories, courses, courseVersions, type SourceLevel } from "@db/schema";
import { publishVersion } from "~/modules/catalog/courses.server";
import { docToText, markdownToDoc, renderDocHtml } from "~/modules/catalog/richtext.server";

let seq = 0;

export const TEST_CATEGORIES = [
  { slug: "red-heritage", name: "红色传承", color: "#B91C1C" },
  { slug: "green-eco", name: "绿色环保", color: "#15803D" },
  { slug: "virtue", name: "品德修养", color: "#1D4ED8" },
  { slug: "minnan-culture", name: "闽南文化", color: "#9A3412" },
  { slug: "healthy-living", name: "健康生活", color: "#0F766E" },
  { slug: "law-safety", name: "法治与安全", color: "#6D28D9" },
] as const;

/** The six categories (without the starter courses); returns them by slug. Safe to call twice. */
export function seedCategories(db: DB) {
  TEST_CATEGORIES.forEach((c, i) => {
    db.insert(categories)
      .values({ ...c, description: `${c.name}类课程`, sortOrder: i + 1 })
      .onConflictDoNothing()
      .run();
  });
  const rows = db.select().from(categories).all();
  return Object.fromEntries(rows.map((r) => [r.slug, r])) as Record<string, (typeof rows)[number]>;
}

export function createCategory(db: DB, overrides: Partial<typeof categories.$inferInsert> = {}) {
  seq++;
  return db
    .insert(categories)
    .values({
      slug: `cat-${seq}`,
      name: `测试分类${seq}`,
      color: "#334155",
      sortOrder: 100 + seq,
      ...overrides,
    })
    .returning()
    .get();
}

export type CourseBuild = {
  code?: string;
  title?: string;
  /** Category slug (created among the six if missing) or id. */
  category?: string | number;
  sourceLevel?: SourceLevel;
  ownerType?: "city" | "district" | "academy";
  ownerId?: number;
  summary?: string;
  audience?: string[];
  tags?: string[];
  objectives?: string[];
  sessions?: number;
  minutesPerSession?: number;
  /** Markdown for the syllabus (教学大纲). */
  body?: string;
  /** "published" (default) goes through the real publish path: search index and audit included. */
  status?: "draft" | "review" | "published";
  createdBy?: number | null;
};

/**
 * A course with one version, built through the module's invariants. Returns the course row (with
 * `currentVersionId` set when published) and its version.
 */
export function createCourse(db: DB, b: CourseBuild = {}) {
  seq++;
  let categoryId: number;
  if (typeof b.category === "number") categoryId = b.category;
  else {
    const slug = b.category ?? "green-eco";
    let cat = db.select().from(categories).where(eq(categories.slug, slug)).get();
    if (!cat) cat = seedCategories(db)[slug] ?? createCategory(db, { slug });
    categoryId = cat.id;
  }
  const md = b.body ?? `## 课程简介\n\n测试课程 ${seq} 的教学大纲。\n\n- 第一讲\n- 第二讲\n`;
  const doc = markdownToDoc(md);
  const t = Date.now();
  const level = b.sourceLevel ?? "city";
  const ownerType =
    b.ownerType ?? (level === "city" ? "city" : level === "community" ? "academy" : "district");
  return db.transaction(
    (tx) => {
      const course = tx
        .insert(courses)
        .values({
          code: b.code ?? `TS-${String(seq).padStart(4, "0")}`,
          categoryId,
          sourceLevel: level,
          ownerType,
          ownerId: b.ownerId ?? 0,
          createdBy: b.createdBy ?? null,
          createdAt: t,
          updatedAt: t,
        })
        .returning()
        .get();
      let version = tx
        .insert(courseVersions)
        .values({
          courseId: course.id,
          versionNo: 1,
          status: b.status === "draft" ? "draft" : "review",
          title: b.title ?? `测试课程${seq}`,
          summary: b.summary ?? `测试课程${seq}的简介`,
          audience: b.audience ?? ["全体"],
          sessions: b.sessions ?? 4,
          minutesPerSession: b.minutesPerSession ?? 90,
          objectives: b.objectives ?? ["了解课程内容"],
          tags: b.tags ?? [],
          body: doc,
          bodyHtml: renderDocHtml(doc),
          bodyText: docToText(doc),
          editedBy: b.createdBy ?? null,
          createdAt: t,
          updatedAt: t,
        })
        .returning()
        .get();
      if ((b.status ?? "published") === "published")
        version = publishVersion(tx, course, version, null, null, "publish");
      const row = tx.select().from(courses).where(eq(courses.id, course.id)).get()!;
      return { course: row, version };
    },
    { behavior: "immediate" },
  );
}
