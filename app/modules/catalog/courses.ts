/**
 * Pure course rules shared by routes and the server module: labels, input schemas, and who may
 * author or publish which course. No database access here.
 */
import {
  SOURCE_LEVELS,
  VERSION_STATUSES,
  type SourceLevel,
  type VersionStatus,
} from "@db/schema/catalog";
import { isHq, managedAcademyIds, staffDistrictIds, type Actor } from "~/modules/auth/permissions";
import { z } from "~/utils/zod";

export { SOURCE_LEVELS, VERSION_STATUSES, type SourceLevel, type VersionStatus };

export const SOURCE_LEVEL_LABELS: Record<SourceLevel, string> = {
  city: "市总部课程",
  district: "区级流动课程",
  subdistrict: "街道巡回课程",
  community: "社区特色课程",
};

export const STATUS_LABELS: Record<VersionStatus, string> = {
  draft: "草稿",
  review: "审核中",
  published: "已发布",
  superseded: "已被新版本取代",
  retired: "已停用",
};

/** Who a course is for (适用对象). */
export const AUDIENCES = ["全体", "长者", "青少年", "亲子", "党员", "妇女", "新市民"] as const;
export type Audience = (typeof AUDIENCES)[number];

/** Audience in the list's own order, without repeats (so a re-save never shows as a change). */
export function sortAudience<T extends string>(a: readonly T[]): T[] {
  const order = (x: string) => {
    const i = (AUDIENCES as readonly string[]).indexOf(x);
    return i < 0 ? AUDIENCES.length : i;
  };
  return [...new Set(a)].sort((x, y) => order(x) - order(y));
}

export const COURSE_CODE_RE = /^[A-Z]{2,4}-\d{4}$/;
export const COURSE_PAGE_SIZE = 20;

export const OWNER_TYPE_FOR_LEVEL: Record<SourceLevel, "city" | "district" | "academy"> = {
  city: "city",
  district: "district",
  subdistrict: "district",
  community: "academy",
};

export type CourseOwner = {
  sourceLevel: SourceLevel;
  ownerType: "city" | "district" | "academy";
  ownerId: number;
};

/**
 * Authoring (create, edit drafts, submit for review): HQ for every course; district centre staff
 * for 区级流动/街道巡回 courses of their own district; academy managers for 社区特色 courses of
 * their own academy.
 */
export function canAuthorCourse(actor: Actor | null | undefined, course: CourseOwner) {
  if (!actor) return false;
  if (isHq(actor)) return true;
  if (course.ownerType === "district") {
    return (
      course.sourceLevel !== "city" &&
      course.sourceLevel !== "community" &&
      staffDistrictIds(actor).includes(course.ownerId)
    );
  }
  if (course.ownerType === "academy") {
    return course.sourceLevel === "community" && managedAcademyIds(actor).includes(course.ownerId);
  }
  return false;
}

/** Only headquarters puts a version into the city library (publish, retire, restore). */
export function canPublishCourses(actor: Actor | null | undefined) {
  return isHq(actor);
}

/** Anyone who may write at least one kind of course (opens /hq/courses to them). */
export function canAuthorSomeCourse(actor: Actor | null | undefined) {
  return isHq(actor) || staffDistrictIds(actor).length > 0 || managedAcademyIds(actor).length > 0;
}

/** The source levels a person may create, most senior first. */
export function authorableLevels(actor: Actor | null | undefined): SourceLevel[] {
  if (isHq(actor)) return [...SOURCE_LEVELS];
  const levels: SourceLevel[] = [];
  if (staffDistrictIds(actor).length > 0) levels.push("district", "subdistrict");
  if (managedAcademyIds(actor).length > 0) levels.push("community");
  return levels;
}

// ---------------------------------------------------------------------------------------------
// Input

const lineList = (max: number, maxLen: number, label: string) =>
  z
    .array(
      z
        .string()
        .trim()
        .max(maxLen, { error: `每条${label}不能超过 ${maxLen} 个字` }),
    )
    .transform((a) => a.filter((s) => s.length > 0))
    .pipe(z.array(z.string()).max(max, { error: `${label}最多 ${max} 条` }));

/** Splits a textarea (one item per line) into items. */
export function splitLines(s: unknown): string[] {
  if (Array.isArray(s)) return s.map(String);
  if (typeof s !== "string") return [];
  return s
    .split(/\r?\n/)
    .map((x) => x.trim())
    .filter(Boolean);
}

/** Splits a tag field on commas, 、, ，, semicolons or spaces. */
export function splitTags(s: unknown): string[] {
  if (Array.isArray(s)) return s.map(String);
  if (typeof s !== "string") return [];
  return [
    ...new Set(
      s
        .split(/[,，、;；\s]+/)
        .map((x) => x.trim())
        .filter(Boolean),
    ),
  ];
}

export const codeField = z
  .string({ error: "请填写课程编号" })
  .trim()
  .toUpperCase()
  .min(1, { error: "请填写课程编号", abort: true })
  .regex(COURSE_CODE_RE, { error: "课程编号格式为 2–4 个大写字母、短横线和 4 位数字，如 HS-0012" });

/** The versioned content of a course (everything but the rich body). */
export const versionFieldsSchema = z.object({
  title: z
    .string({ error: "请填写课程名称" })
    .trim()
    .min(1, { error: "请填写课程名称", abort: true })
    .min(2, { error: "课程名称至少 2 个字" })
    .max(60, { error: "课程名称不能超过 60 个字" }),
  summary: z.string().trim().max(300, { error: "课程简介不能超过 300 个字" }).default(""),
  audience: z
    .array(z.enum(AUDIENCES, { error: "请选择列表中的适用对象" }), {
      error: "请至少选择一类适用对象",
    })
    .min(1, { error: "请至少选择一类适用对象" })
    .transform(sortAudience),
  sessions: z.coerce
    .number({ error: "请填写建议课次" })
    .int({ error: "课次须为整数" })
    .min(1, { error: "课次至少 1 次" })
    .max(200, { error: "课次不能超过 200 次" }),
  minutesPerSession: z.coerce
    .number({ error: "请填写每次时长" })
    .int({ error: "时长须为整数分钟" })
    .min(10, { error: "每次至少 10 分钟" })
    .max(600, { error: "每次不能超过 600 分钟" }),
  objectives: lineList(12, 120, "学习目标").default([]),
  tags: z
    .array(z.string().trim().min(1).max(20, { error: "每个标签不能超过 20 个字" }))
    .max(12, { error: "标签最多 12 个" })
    .default([]),
  coverResourceId: z.coerce.number().int().positive().nullable().optional(),
});
export type VersionFields = z.infer<typeof versionFieldsSchema>;

/** Course-level fields, not versioned: which category the course sits in, who owns it. */
export const courseFieldsSchema = z.object({
  code: codeField,
  categoryId: z.coerce.number({ error: "请选择分类" }).int().positive({ error: "请选择分类" }),
  sourceLevel: z.enum(SOURCE_LEVELS, { error: "请选择课程来源" }),
  /** District id for 区级/街道 courses, academy id for 社区特色 courses; ignored for city courses. */
  ownerId: z.coerce.number().int().nonnegative().optional(),
});
export type CourseFields = z.infer<typeof courseFieldsSchema>;

/** Form versions: textareas and comma lists become arrays before the same checks. */
const formArrays = {
  audience: z.preprocess(
    (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]),
    versionFieldsSchema.shape.audience,
  ),
  objectives: z.preprocess(splitLines, versionFieldsSchema.shape.objectives),
  tags: z.preprocess(splitTags, versionFieldsSchema.shape.tags),
};

export const newCourseFormSchema = courseFieldsSchema.extend({
  ...versionFieldsSchema.shape,
  ...formArrays,
});

/** The edit form: category and (until first published) code, plus the version fields and body. */
export const editCourseFormSchema = versionFieldsSchema.extend({
  ...formArrays,
  code: codeField.optional(),
  categoryId: courseFieldsSchema.shape.categoryId,
  body: z.string({ error: "正文内容缺失，请刷新页面后再试" }),
  /** The draft's updatedAt the editor started from ("" when editing the published version). */
  revision: z.string().optional(),
});

export function levelOwnerLabel(level: SourceLevel, ownerName: string | null) {
  return level === "city"
    ? SOURCE_LEVEL_LABELS.city
    : `${SOURCE_LEVEL_LABELS[level]}${ownerName ? ` · ${ownerName}` : ""}`;
}
