import { sql } from "drizzle-orm";
import { check, index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { users } from "./auth";

/** The six library categories (红色传承, 绿色环保, 品德修养 …), editable by HQ. */
export const categories = sqliteTable(
  "categories",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    slug: text("slug").notNull(),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    color: text("color").notNull(),
    sortOrder: integer("sort_order").notNull().default(0),
    retiredAt: integer("retired_at"),
  },
  (t) => [
    uniqueIndex("categories_slug_unique").on(t.slug),
    uniqueIndex("categories_name_unique").on(t.name),
  ],
);

export const SOURCE_LEVELS = ["city", "district", "subdistrict", "community"] as const;
export type SourceLevel = (typeof SOURCE_LEVELS)[number];

/** A library course. Its content lives in versions; `currentVersionId` is the published one. */
export const courses = sqliteTable(
  "courses",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    code: text("code").notNull(),
    categoryId: integer("category_id")
      .notNull()
      .references(() => categories.id),
    sourceLevel: text("source_level", { enum: SOURCE_LEVELS }).notNull().default("city"),
    /** Owning organisation: the city (0), a district or an academy. */
    ownerType: text("owner_type", { enum: ["city", "district", "academy"] })
      .notNull()
      .default("city"),
    ownerId: integer("owner_id").notNull().default(0),
    currentVersionId: integer("current_version_id"),
    retiredAt: integer("retired_at"),
    createdBy: integer("created_by").references(() => users.id),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("courses_code_unique").on(t.code),
    index("courses_category_idx").on(t.categoryId),
  ],
);

export const VERSION_STATUSES = ["draft", "review", "published", "superseded", "retired"] as const;
export type VersionStatus = (typeof VERSION_STATUSES)[number];

/** One version of a course's content. A published version is never edited again. */
export const courseVersions = sqliteTable(
  "course_versions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    courseId: integer("course_id")
      .notNull()
      .references(() => courses.id, { onDelete: "cascade" }),
    versionNo: integer("version_no").notNull(),
    status: text("status", { enum: VERSION_STATUSES }).notNull().default("draft"),
    title: text("title").notNull(),
    summary: text("summary").notNull().default(""),
    audience: text("audience", { mode: "json" })
      .$type<string[]>()
      .notNull()
      .default(sql`'[]'`),
    sessions: integer("sessions").notNull().default(1),
    minutesPerSession: integer("minutes_per_session").notNull().default(90),
    objectives: text("objectives", { mode: "json" })
      .$type<string[]>()
      .notNull()
      .default(sql`'[]'`),
    tags: text("tags", { mode: "json" })
      .$type<string[]>()
      .notNull()
      .default(sql`'[]'`),
    coverResourceId: integer("cover_resource_id"),
    /** The tiptap document (教学大纲), validated against the editor schema. */
    body: text("body", { mode: "json" }).notNull(),
    /** Server-rendered HTML of `body` (generateHTML) and its plain text for search. */
    bodyHtml: text("body_html").notNull().default(""),
    bodyText: text("body_text").notNull().default(""),
    editedBy: integer("edited_by").references(() => users.id),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    publishedAt: integer("published_at"),
    publishedBy: integer("published_by").references(() => users.id),
  },
  (t) => [
    uniqueIndex("course_versions_unique").on(t.courseId, t.versionNo),
    index("course_versions_status_idx").on(t.status),
    // At most one working version (draft or in review) and one published version per course.
    uniqueIndex("course_versions_one_working")
      .on(t.courseId)
      .where(sql`status in ('draft', 'review')`),
    uniqueIndex("course_versions_one_published")
      .on(t.courseId)
      .where(sql`status = 'published'`),
    check("course_versions_sessions_check", sql`${t.sessions} >= 1 AND ${t.sessions} <= 200`),
    check(
      "course_versions_minutes_check",
      sql`${t.minutesPerSession} >= 10 AND ${t.minutesPerSession} <= 600`,
    ),
  ],
);

/** Who did what to a course and when (created, saved, submitted, published, retired …). Autosaves
 * by the same person within a few minutes are folded into one row. */
export const COURSE_EVENT_ACTIONS = [
  "create",
  "save",
  "submit",
  "withdraw",
  "publish",
  "retire",
  "restore",
  "discard",
  "import",
] as const;
export const courseEvents = sqliteTable(
  "course_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    courseId: integer("course_id")
      .notNull()
      .references(() => courses.id, { onDelete: "cascade" }),
    versionId: integer("version_id").references(() => courseVersions.id, { onDelete: "set null" }),
    versionNo: integer("version_no"),
    actorId: integer("actor_id").references(() => users.id, { onDelete: "set null" }),
    action: text("action", { enum: COURSE_EVENT_ACTIONS }).notNull(),
    summary: text("summary").notNull().default(""),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("course_events_course_idx").on(t.courseId, t.createdAt)],
);

/**
 * The public library's listing index: one row per course whose current version is published,
 * written in the same transaction as publish/retire. The FTS5 tables course_fts (trigram) and
 * course_fts_ngram (1–2 character grams) share its rowid = course id; they are created in the
 * custom migration "search_fts" because drizzle cannot express virtual tables.
 */
export const courseSearch = sqliteTable(
  "course_search",
  {
    courseId: integer("course_id")
      .primaryKey()
      .references(() => courses.id, { onDelete: "cascade" }),
    versionId: integer("version_id")
      .notNull()
      .references(() => courseVersions.id),
    code: text("code").notNull(),
    categoryId: integer("category_id")
      .notNull()
      .references(() => categories.id),
    sourceLevel: text("source_level", { enum: SOURCE_LEVELS }).notNull(),
    title: text("title").notNull(),
    summary: text("summary").notNull(),
    /** Tags joined by spaces; audience wrapped as "|全体|长者|" for an exact LIKE match. */
    tags: text("tags").notNull(),
    audience: text("audience").notNull(),
    sessions: integer("sessions").notNull(),
    minutesPerSession: integer("minutes_per_session").notNull(),
    publishedAt: integer("published_at").notNull(),
  },
  (t) => [
    index("course_search_recent_idx").on(t.publishedAt, t.code),
    index("course_search_category_idx").on(t.categoryId, t.publishedAt),
    index("course_search_level_idx").on(t.sourceLevel),
  ],
);

/** Content files last imported (content/categories, content/courses), by key and hash, so an
 * unchanged file changes nothing and HQ's own edits survive a restart. */
export const catalogImports = sqliteTable(
  "catalog_imports",
  {
    kind: text("kind", { enum: ["category", "course"] }).notNull(),
    key: text("key").notNull(),
    hash: text("hash").notNull(),
    importedAt: integer("imported_at").notNull(),
  },
  (t) => [uniqueIndex("catalog_imports_pk").on(t.kind, t.key)],
);

/** Teacher pool (师资库): a profile linked to a user account. */
export const teachers = sqliteTable(
  "teachers",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    displayName: text("display_name").notNull(),
    bio: text("bio").notNull().default(""),
    photoResourceId: integer("photo_resource_id"),
    organisation: text("organisation").notNull().default(""),
    kind: text("kind", { enum: ["volunteer", "paid"] })
      .notNull()
      .default("volunteer"),
    active: integer("active", { mode: "boolean" }).notNull().default(true),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [uniqueIndex("teachers_user_unique").on(t.userId)],
);

/** Which courses a teacher can teach, and which districts they will travel to. */
export const teacherCourses = sqliteTable(
  "teacher_courses",
  {
    teacherId: integer("teacher_id")
      .notNull()
      .references(() => teachers.id, { onDelete: "cascade" }),
    courseId: integer("course_id")
      .notNull()
      .references(() => courses.id, { onDelete: "cascade" }),
  },
  (t) => [
    uniqueIndex("teacher_courses_pk").on(t.teacherId, t.courseId),
    index("teacher_courses_course_idx").on(t.courseId),
  ],
);

export const teacherCategories = sqliteTable(
  "teacher_categories",
  {
    teacherId: integer("teacher_id")
      .notNull()
      .references(() => teachers.id, { onDelete: "cascade" }),
    categoryId: integer("category_id")
      .notNull()
      .references(() => categories.id),
  },
  (t) => [uniqueIndex("teacher_categories_pk").on(t.teacherId, t.categoryId)],
);

export const teacherDistricts = sqliteTable(
  "teacher_districts",
  {
    teacherId: integer("teacher_id")
      .notNull()
      .references(() => teachers.id, { onDelete: "cascade" }),
    districtId: integer("district_id").notNull(),
  },
  (t) => [uniqueIndex("teacher_districts_pk").on(t.teacherId, t.districtId)],
);

export const RESOURCE_KINDS = ["pdf", "pptx", "docx", "image", "audio", "video_link"] as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];
export const RESOURCE_VISIBILITIES = ["public", "teachers"] as const;
export type ResourceVisibility = (typeof RESOURCE_VISIBILITIES)[number];

/**
 * Resource library (资源库): teaching files attached to a course or shared, and video links.
 * Files live under UPLOAD_DIR with a random `storedName`; the type comes from magic bytes.
 */
export const resources = sqliteTable(
  "resources",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    kind: text("kind", { enum: RESOURCE_KINDS }).notNull(),
    title: text("title").notNull(),
    /** The uploader's file name (shown and used in Content-Disposition); "" for a video link. */
    originalName: text("original_name").notNull().default(""),
    /** Random file name under UPLOAD_DIR; null for a video link. */
    storedName: text("stored_name"),
    mime: text("mime").notNull(),
    size: integer("size").notNull().default(0),
    sha256: text("sha256"),
    /** Attached to one course, or null when shared across the library. */
    courseId: integer("course_id").references(() => courses.id, { onDelete: "set null" }),
    visibility: text("visibility", { enum: RESOURCE_VISIBILITIES }).notNull().default("public"),
    /** The https address of a video link. */
    url: text("url"),
    uploadedBy: integer("uploaded_by").references(() => users.id),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("resources_stored_name_unique").on(t.storedName),
    index("resources_course_idx").on(t.courseId),
    index("resources_kind_idx").on(t.kind, t.createdAt),
    check(
      "resources_kind_payload_check",
      sql`(${t.kind} = 'video_link' AND ${t.url} IS NOT NULL AND ${t.storedName} IS NULL) OR (${t.kind} <> 'video_link' AND ${t.storedName} IS NOT NULL AND ${t.url} IS NULL)`,
    ),
    check("resources_size_check", sql`${t.size} >= 0`),
  ],
);
