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
  (t) => [uniqueIndex("categories_slug_unique").on(t.slug), uniqueIndex("categories_name_unique").on(t.name)],
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
    ownerType: text("owner_type", { enum: ["city", "district", "academy"] }).notNull().default("city"),
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
    audience: text("audience", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
    sessions: integer("sessions").notNull().default(1),
    minutesPerSession: integer("minutes_per_session").notNull().default(90),
    objectives: text("objectives", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
    tags: text("tags", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
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
    check("course_versions_sessions_check", sql`${t.sessions} >= 1 AND ${t.sessions} <= 200`),
    check("course_versions_minutes_check", sql`${t.minutesPerSession} >= 10 AND ${t.minutesPerSession} <= 600`),
  ],
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
    kind: text("kind", { enum: ["volunteer", "paid"] }).notNull().default("volunteer"),
    active: integer("active", { mode: "boolean" }).notNull().default(true),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [uniqueIndex("teachers_user_unique").on(t.userId)],
);

/** Which courses a teacher can teach, and which districts they will travel to. */
export const teacherCourses = sqliteTable(
  "teacher_courses",
  {
    teacherId: integer("teacher_id").notNull().references(() => teachers.id, { onDelete: "cascade" }),
    courseId: integer("course_id").notNull().references(() => courses.id, { onDelete: "cascade" }),
  },
  (t) => [uniqueIndex("teacher_courses_pk").on(t.teacherId, t.courseId), index("teacher_courses_course_idx").on(t.courseId)],
);

export const teacherCategories = sqliteTable(
  "teacher_categories",
  {
    teacherId: integer("teacher_id").notNull().references(() => teachers.id, { onDelete: "cascade" }),
    categoryId: integer("category_id").notNull().references(() => categories.id),
  },
  (t) => [uniqueIndex("teacher_categories_pk").on(t.teacherId, t.categoryId)],
);

export const teacherDistricts = sqliteTable(
  "teacher_districts",
  {
    teacherId: integer("teacher_id").notNull().references(() => teachers.id, { onDelete: "cascade" }),
    districtId: integer("district_id").notNull(),
  },
  (t) => [uniqueIndex("teacher_districts_pk").on(t.teacherId, t.districtId)],
);
