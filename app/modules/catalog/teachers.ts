/** Teacher pool (师资库): pure helpers, permissions and input schemas. */
import { hasRole, isHq, type Actor } from "~/modules/auth/permissions";
import { z } from "~/utils/zod";

export const TEACHER_KINDS = ["volunteer", "paid"] as const;
export type TeacherKind = (typeof TEACHER_KINDS)[number];
export const TEACHER_KIND_LABELS: Record<TeacherKind, string> = {
  volunteer: "志愿者讲师",
  paid: "聘请讲师",
};

/** HQ keeps the pool. */
export function canManageTeachers(actor: Actor | null | undefined) {
  return isHq(actor);
}

/** Who may see the /me/teacher page: teachers (with or without a profile yet). */
export function isTeacher(actor: Actor | null | undefined) {
  return hasRole(actor, "teacher");
}

export const BIO_MAX = 1000;

const bio = z
  .string()
  .trim()
  .max(BIO_MAX, { error: `简介不能超过 ${BIO_MAX} 个字。` })
  .optional()
  .transform((s) => s ?? "");

/** A checkbox group: nothing checked → [], one checked → [value], several → [values]. */
const asArray = (v: unknown) => (v == null || v === "" ? [] : Array.isArray(v) ? v : [v]);

const ids = (message: string) =>
  z.preprocess(
    asArray,
    z
      .array(
        z.coerce.number({ error: message }).int({ error: message }).positive({ error: message }),
        { error: message },
      )
      .max(50, { error: message })
      .transform((a) => [...new Set(a)]),
  );

/** "LS-0001, ls-0002\nMN-0003" → ["LS-0001", "LS-0002", "MN-0003"]. */
export function parseCourseCodes(raw: string | undefined): string[] {
  return [
    ...new Set(
      (raw ?? "")
        .split(/[\s,，、;；]+/)
        .map((s) => s.trim().toUpperCase())
        .filter(Boolean),
    ),
  ];
}

/** Course codes as typed (a string, so forms keep it as typed); the module splits it. */
const courseCodes = z
  .string()
  .max(3000, { error: "课程编号太多了，请分批填写。" })
  .optional()
  .refine((s) => parseCourseCodes(s).every((c) => /^[A-Z]{2,4}-\d{3,5}$/.test(c)), {
    error: "课程编号格式不正确，例如 LS-0001；多个编号用逗号或换行分开。",
  })
  .refine((s) => parseCourseCodes(s).length <= 200, { error: "一位教师最多登记 200 门课程。" });

export const teacherProfileFields = {
  displayName: z
    .string({ error: "请填写姓名。" })
    .trim()
    .min(1, { error: "请填写姓名。" })
    .max(30, { error: "姓名不能超过 30 个字。" }),
  bio,
  organisation: z
    .string()
    .trim()
    .max(60, { error: "所在单位不能超过 60 个字。" })
    .optional()
    .transform((s) => s ?? ""),
  kind: z.enum(TEACHER_KINDS, { error: "请选择志愿者讲师或聘请讲师。" }),
  photoResourceId: z.coerce
    .number({ error: "请从资源库选择照片。" })
    .int()
    .positive()
    .optional()
    .or(z.literal("").transform(() => undefined)),
  categoryIds: ids("请选择存在的分类。"),
  districtIds: ids("请选择存在的区。").refine((a) => a.length > 0, {
    error: "请至少选择一个愿意前往授课的区。",
  }),
  courseCodes,
};

export const teacherUpdateSchema = z.object(teacherProfileFields);
export type TeacherUpdateInput = z.input<typeof teacherUpdateSchema>;

export const teacherCreateSchema = z.object({
  phone: z
    .string({ error: "请填写教师注册时使用的手机号。" })
    .trim()
    .regex(/^1\d{10}$/, { error: "请填写 11 位手机号。" }),
  ...teacherProfileFields,
});
export type TeacherCreateInput = z.input<typeof teacherCreateSchema>;

export const ownBioSchema = z.object({ bio });
export type OwnBioInput = z.input<typeof ownBioSchema>;

export const listTeachersQuery = z.object({
  q: z.string().trim().max(30).catch(""),
  category: z.coerce.number().int().positive().optional().catch(undefined),
  district: z.coerce.number().int().positive().optional().catch(undefined),
  kind: z.enum(TEACHER_KINDS).optional().catch(undefined),
  status: z.enum(["active", "inactive", "all"]).catch("active"),
  page: z.coerce.number().int().min(1).max(10_000).catch(1),
});
export type ListTeachersQuery = z.output<typeof listTeachersQuery>;
