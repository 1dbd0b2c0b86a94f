/**
 * Imports the starter library from content/ (categories/*.md, courses/<slug>/<CODE>.md) on every
 * start and by `npm run db:seed`. Idempotent by slug/code and by file hash:
 * - an unchanged file changes nothing (so HQ's own edits in the product survive restarts);
 * - a course seen for the first time is created and published by the system as version 1;
 * - a changed file updates the course's draft (or starts one): the published version is never touched.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import matter from "gray-matter";
import { and, desc, eq } from "drizzle-orm";
import type { Conn, DB } from "@db/client";
import { catalogImports, categories, courseEvents, courses, courseVersions } from "@db/schema";
import { z } from "~/utils/zod";
import { AUDIENCES, COURSE_CODE_RE, sortAudience } from "./courses";
import { publishVersion, workingVersion } from "./courses.server";
import { versionText } from "./diff";
import { docToText, markdownToDoc, renderDocHtml, validateDoc } from "./richtext.server";
import { indexCourse } from "./search.server";

export const CATALOG_CONTENT_DIR = path.resolve(process.cwd(), "content");

const categoryFile = z.object({
  slug: z.string().regex(/^[a-z][a-z0-9-]{1,30}$/),
  name: z.string().trim().min(2).max(12),
  description: z.string().trim().max(200).default(""),
  color: z.string().regex(/^#[0-9a-fA-F]{6}$/),
  order: z.number().int(),
});

const list = z.preprocess(
  (v) => (v == null ? [] : Array.isArray(v) ? v : [v]),
  z.array(z.coerce.string().trim().min(1)),
);

const courseFile = z.object({
  code: z.string().regex(COURSE_CODE_RE, { error: "编号格式应为如 HS-0012" }),
  title: z.string().trim().min(2).max(60),
  category: z.string().min(1),
  audience: list.pipe(z.array(z.enum(AUDIENCES)).min(1)),
  sessions: z.number().int().min(1).max(200),
  minutes: z.number().int().min(10).max(600),
  summary: z.string().trim().max(300).default(""),
  objectives: list.pipe(z.array(z.string().max(120)).max(12)),
  tags: list.pipe(z.array(z.string().max(20)).max(12)),
});

export type ImportReport = {
  categoriesCreated: number;
  categoriesUpdated: number;
  coursesCreated: number;
  draftsUpdated: number;
  unchanged: number;
  errors: { file: string; message: string }[];
};

const sha = (s: string) => crypto.createHash("sha256").update(s).digest("hex");

function mdFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of fs
    .readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...mdFiles(p));
    else if (e.name.endsWith(".md")) out.push(p);
  }
  return out;
}

function lastHash(tx: Conn, kind: "category" | "course", key: string) {
  return tx
    .select({ hash: catalogImports.hash })
    .from(catalogImports)
    .where(and(eq(catalogImports.kind, kind), eq(catalogImports.key, key)))
    .get()?.hash;
}

function recordHash(tx: Conn, kind: "category" | "course", key: string, hash: string) {
  tx.insert(catalogImports)
    .values({ kind, key, hash, importedAt: Date.now() })
    .onConflictDoUpdate({
      target: [catalogImports.kind, catalogImports.key],
      set: { hash, importedAt: Date.now() },
    })
    .run();
}

function issueText(e: z.ZodError) {
  return e.issues.map((i) => `${i.path.join(".") || "文件"}：${i.message}`).join("；");
}

type ParsedCourse = {
  file: string;
  hash: string;
  meta: z.infer<typeof courseFile>;
  body: { doc: unknown; html: string; text: string };
};

function parseCourseFile(
  file: string,
  root: string,
  raw: string,
): ParsedCourse | { file: string; message: string } {
  const rel = path.relative(root, file);
  try {
    const fm = matter(raw);
    const meta = courseFile.safeParse(fm.data);
    if (!meta.success) return { file: rel, message: issueText(meta.error) };
    if (path.basename(file, ".md") !== meta.data.code)
      return { file: rel, message: `文件名应与编号 ${meta.data.code} 一致` };
    const doc = markdownToDoc(fm.content);
    const valid = validateDoc(doc);
    if (!valid.ok) return { file: rel, message: valid.message };
    return {
      file: rel,
      hash: sha(raw),
      meta: meta.data,
      body: { doc: valid.doc, html: renderDocHtml(valid.doc), text: docToText(valid.doc) },
    };
  } catch (e) {
    return { file: rel, message: e instanceof Error ? e.message : String(e) };
  }
}

export function importCatalogContent(db: DB, dir = CATALOG_CONTENT_DIR): ImportReport {
  const report: ImportReport = {
    categoriesCreated: 0,
    categoriesUpdated: 0,
    coursesCreated: 0,
    draftsUpdated: 0,
    unchanged: 0,
    errors: [],
  };

  // Parse everything before writing: a broken file is reported and skipped, never half-imported.
  const catFiles = mdFiles(path.join(dir, "categories")).map((file) => {
    const raw = fs.readFileSync(file, "utf8");
    const parsed = categoryFile.safeParse(matter(raw).data);
    return { file: path.relative(dir, file), hash: sha(raw), parsed };
  });
  // Files whose hash matches the last import are not even parsed (this runs on every start).
  const known = new Map(
    db
      .select({ key: catalogImports.key, hash: catalogImports.hash })
      .from(catalogImports)
      .where(eq(catalogImports.kind, "course"))
      .all()
      .map((r) => [r.key, r.hash]),
  );
  const courseFiles: (ParsedCourse | { file: string; message: string })[] = [];
  for (const f of mdFiles(path.join(dir, "courses"))) {
    const raw = fs.readFileSync(f, "utf8");
    if (known.get(path.basename(f, ".md")) === sha(raw)) {
      report.unchanged++;
      continue;
    }
    courseFiles.push(parseCourseFile(f, dir, raw));
  }

  db.transaction(
    (tx) => {
      for (const { file, hash, parsed } of catFiles) {
        if (!parsed.success) {
          report.errors.push({ file, message: issueText(parsed.error) });
          continue;
        }
        const c = parsed.data;
        if (lastHash(tx, "category", c.slug) === hash) continue;
        const existing = tx.select().from(categories).where(eq(categories.slug, c.slug)).get();
        const clash = tx.select().from(categories).where(eq(categories.name, c.name)).get();
        if (clash && clash.slug !== c.slug) {
          report.errors.push({ file, message: `分类名称“${c.name}”已被分类 ${clash.slug} 使用` });
          continue;
        }
        const values = {
          name: c.name,
          description: c.description,
          color: c.color,
          sortOrder: c.order,
        };
        if (!existing) {
          tx.insert(categories)
            .values({ slug: c.slug, ...values })
            .run();
          report.categoriesCreated++;
        } else {
          tx.update(categories).set(values).where(eq(categories.id, existing.id)).run();
          report.categoriesUpdated++;
        }
        recordHash(tx, "category", c.slug, hash);
      }

      for (const p of courseFiles) {
        if (!("meta" in p)) {
          report.errors.push(p);
          continue;
        }
        const { meta } = p;
        if (lastHash(tx, "course", meta.code) === p.hash) {
          report.unchanged++;
          continue;
        }
        const category = tx
          .select()
          .from(categories)
          .where(eq(categories.slug, meta.category))
          .get();
        if (!category) {
          report.errors.push({ file: p.file, message: `没有英文标识为 ${meta.category} 的分类` });
          continue;
        }
        const fields = {
          title: meta.title,
          summary: meta.summary,
          audience: sortAudience(meta.audience),
          sessions: meta.sessions,
          minutesPerSession: meta.minutes,
          objectives: meta.objectives,
          tags: [...new Set(meta.tags)],
          body: p.body.doc,
          bodyHtml: p.body.html,
          bodyText: p.body.text,
        };
        const t = Date.now();
        const course = tx.select().from(courses).where(eq(courses.code, meta.code)).get();
        if (!course) {
          const c = tx
            .insert(courses)
            .values({
              code: meta.code,
              categoryId: category.id,
              sourceLevel: "city",
              ownerType: "city",
              ownerId: 0,
              createdAt: t,
              updatedAt: t,
            })
            .returning()
            .get();
          const v = tx
            .insert(courseVersions)
            .values({
              courseId: c.id,
              versionNo: 1,
              status: "review",
              ...fields,
              createdAt: t,
              updatedAt: t,
            })
            .returning()
            .get();
          tx.insert(courseEvents)
            .values({
              courseId: c.id,
              versionId: v.id,
              versionNo: 1,
              actorId: null,
              action: "import",
              summary: `从内容文件 ${p.file} 导入`,
              createdAt: t,
            })
            .run();
          publishVersion(tx, c, v, null, null, "import");
          report.coursesCreated++;
          recordHash(tx, "course", meta.code, p.hash);
          continue;
        }

        if (course.categoryId !== category.id) {
          tx.update(courses)
            .set({ categoryId: category.id, updatedAt: t })
            .where(eq(courses.id, course.id))
            .run();
          if (course.currentVersionId) indexCourse(tx, course.id);
        }
        const working = workingVersion(tx, course.id);
        const latest =
          working ??
          tx
            .select()
            .from(courseVersions)
            .where(eq(courseVersions.courseId, course.id))
            .orderBy(desc(courseVersions.versionNo))
            .get();
        const same =
          latest &&
          versionText(latest) === versionText(fields) &&
          JSON.stringify(latest.body) === JSON.stringify(fields.body);
        if (!same) {
          if (working) {
            tx.update(courseVersions)
              .set({
                ...fields,
                status: "draft",
                editedBy: null,
                updatedAt: Math.max(t, working.updatedAt + 1),
              })
              .where(eq(courseVersions.id, working.id))
              .run();
            tx.insert(courseEvents)
              .values({
                courseId: course.id,
                versionId: working.id,
                versionNo: working.versionNo,
                actorId: null,
                action: "import",
                summary: `内容文件 ${p.file} 有更新：第 ${working.versionNo} 版草稿已按文件更新`,
                createdAt: t,
              })
              .run();
          } else {
            const no = (latest?.versionNo ?? 0) + 1;
            const v = tx
              .insert(courseVersions)
              .values({
                courseId: course.id,
                versionNo: no,
                status: "draft",
                ...fields,
                createdAt: t,
                updatedAt: t,
              })
              .returning()
              .get();
            tx.insert(courseEvents)
              .values({
                courseId: course.id,
                versionId: v.id,
                versionNo: no,
                actorId: null,
                action: "import",
                summary: `内容文件 ${p.file} 有更新：生成第 ${no} 版草稿，待总部审核发布`,
                createdAt: t,
              })
              .run();
          }
          report.draftsUpdated++;
        } else report.unchanged++;
        recordHash(tx, "course", meta.code, p.hash);
      }
    },
    { behavior: "immediate" },
  );
  return report;
}

export function importSummary(r: ImportReport) {
  const lines = [
    `课程库：分类新增 ${r.categoriesCreated}、更新 ${r.categoriesUpdated}；课程新增并发布 ${r.coursesCreated}，草稿更新 ${r.draftsUpdated}，未变 ${r.unchanged}`,
  ];
  for (const e of r.errors) lines.push(`课程库内容文件有误，已跳过：${e.file}：${e.message}`);
  return lines;
}
