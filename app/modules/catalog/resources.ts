/** Resource library (资源库): pure helpers and input schemas shared by routes and the module. */
import type { ResourceKind, ResourceVisibility } from "@db/schema";
import {
  hasRole,
  isHq,
  managedAcademyIds,
  staffDistrictIds,
  type Actor,
} from "~/modules/auth/permissions";
import { z } from "~/utils/zod";

export const RESOURCE_KIND_LABELS: Record<ResourceKind, string> = {
  pdf: "PDF",
  pptx: "演示文稿",
  docx: "文档",
  image: "图片",
  audio: "音频",
  video_link: "视频链接",
};

export const RESOURCE_VISIBILITY_LABELS: Record<ResourceVisibility, string> = {
  public: "公开",
  teachers: "仅教师",
};

/** HQ keeps the library. */
export function canManageResources(actor: Actor | null | undefined) {
  return isHq(actor);
}

/** The people who teach or run courses: they browse the library and see teachers-only resources. */
export function canBrowseResources(actor: Actor | null | undefined) {
  return (
    isHq(actor) ||
    hasRole(actor, "teacher") ||
    hasRole(actor, "academy_manager") ||
    hasRole(actor, "district_staff")
  );
}

/** Public resources are for everyone; teachers-only ones for the people who teach or run courses. */
export function canSeeResource(
  actor: Actor | null | undefined,
  r: { visibility: ResourceVisibility },
) {
  return r.visibility === "public" || canBrowseResources(actor);
}

/** Who may upload at all: HQ, district staff and academy managers (each for their own courses). */
export function canUploadResources(actor: Actor | null | undefined) {
  return isHq(actor) || hasRole(actor, "district_staff") || hasRole(actor, "academy_manager");
}

/** The library's pages serve two paths: HQ's /hq/resources and the staff's /resources. */
export function libraryBase(request: Request) {
  return new URL(request.url).pathname.startsWith("/hq/") ? "/hq/resources" : "/resources";
}

/** The check for a library page: under /hq only HQ (a POST skips the 总部 layout's loader, so
 * loaders and actions both check it); under /resources the given one. */
export function libraryCheck(request: Request, check: (a: Actor) => boolean) {
  return libraryBase(request) === "/hq/resources" ? isHq : check;
}

/** HQ uploads for any course and for the shared library; district staff for their district's
 * courses (区级流动课程), managers for their academy's own courses (社区特色课程). */
export function canUploadForCourse(
  actor: Actor | null | undefined,
  course: { ownerType: "city" | "district" | "academy"; ownerId: number } | null,
) {
  if (isHq(actor)) return true;
  if (!course) return false;
  if (course.ownerType === "district") return staffDistrictIds(actor).includes(course.ownerId);
  if (course.ownerType === "academy") return managedAcademyIds(actor).includes(course.ownerId);
  return false;
}

export function formatBytes(n: number) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10 * 1024 ? 1 : 0)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export const COURSE_CODE_RE = /^[A-Z]{2,4}-\d{3,5}$/;

const title = z
  .string({ error: "请填写标题。" })
  .trim()
  .max(100, { error: "标题不能超过 100 个字。" });

const courseCode = z
  .string()
  .trim()
  .toUpperCase()
  .max(20, { error: "课程编号格式不正确，例如 LS-0001。" })
  .refine((s) => s === "" || COURSE_CODE_RE.test(s), {
    error: "课程编号格式不正确，例如 LS-0001。",
  })
  .optional()
  .transform((s) => (s ? s : undefined));

const visibility = z.enum(["public", "teachers"], { error: "请选择谁可以查看。" });

/** The fields of an uploaded file (the title may be left empty: the file name is used). */
export const fileResourceSchema = z.object({
  title: title.optional().transform((s) => s ?? ""),
  visibility,
  courseCode,
});
export type FileResourceInput = z.input<typeof fileResourceSchema>;

/**
 * Video links: any https:// address (video platforms change and differ by district — 哔哩哔哩,
 * 腾讯视频, 学习强国, 央视频, 视频号 …), no http:// (mixed content, tampering), no user:password@.
 */
export function isAllowedVideoUrl(raw: string) {
  // eslint-disable-next-line no-control-regex -- control characters are what this refuses
  if (raw.length > 2000 || /[\s\u0000-\u001f\u007f]/.test(raw)) return false;
  if (!/^https:\/\//i.test(raw)) return false;
  try {
    const u = new URL(raw);
    return (
      u.protocol === "https:" &&
      !!u.hostname &&
      !u.username &&
      !u.password &&
      u.hostname.includes(".")
    );
  } catch {
    return false;
  }
}

export const videoLinkSchema = z.object({
  title: title.min(1, { error: "请填写标题。" }),
  url: z
    .string({ error: "请填写视频地址。" })
    .trim()
    .min(1, { error: "请填写视频地址。" })
    .refine(isAllowedVideoUrl, { error: "视频地址必须是以 https:// 开头的完整网址。" }),
  visibility,
  courseCode,
});
export type VideoLinkInput = z.input<typeof videoLinkSchema>;

export const updateResourceSchema = z.object({
  title: title.min(1, { error: "请填写标题。" }),
  visibility,
  courseCode,
});
export type UpdateResourceInput = z.input<typeof updateResourceSchema>;

export const RESOURCE_FILTERS = {
  kinds: ["pdf", "pptx", "docx", "image", "audio", "video_link"] as const,
  scopes: ["course", "shared"] as const,
};

export const listResourcesQuery = z.object({
  q: z.string().trim().max(50).catch(""),
  kind: z.enum(RESOURCE_FILTERS.kinds).optional().catch(undefined),
  visibility: z.enum(["public", "teachers"]).optional().catch(undefined),
  scope: z.enum(RESOURCE_FILTERS.scopes).optional().catch(undefined),
  /** 我的课程: courses I teach, my academies run or own, my district owns. */
  mine: z.enum(["1"]).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(10_000).catch(1),
});
export type ListResourcesQuery = z.output<typeof listResourcesQuery>;
