/** 家庭成员 input, pure: shared by the /me/family forms and the module. */
import { z } from "~/utils/zod";

export const RELATIONS = [
  "母亲",
  "父亲",
  "配偶",
  "子女",
  "祖父母",
  "外祖父母",
  "孙辈",
  "兄弟姐妹",
  "其他亲属",
] as const;

const blank = (v: unknown) => (v === "" || v == null ? undefined : v);

export function birthYearField(now = new Date()) {
  const thisYear = now.getFullYear();
  return z.coerce
    .number({ error: "请填写出生年份，例如 1950。" })
    .int("出生年份请填 4 位数字，例如 1950。")
    .min(1900, "出生年份不能早于 1900 年。")
    .max(thisYear, `出生年份不能晚于 ${thisYear} 年。`);
}

export const memberShape = {
  name: z
    .string({ error: "请填写家庭成员的姓名。" })
    .trim()
    .min(1, "请填写家庭成员的姓名。")
    .max(20, "姓名最多 20 个字。"),
  relation: z
    .string({ error: "请选择与您的关系。" })
    .trim()
    .min(1, "请选择与您的关系。")
    .max(10, "关系最多 10 个字。"),
  birthYear: birthYearField(),
  phone: z.preprocess(
    blank,
    z
      .string()
      .trim()
      .regex(/^1[3-9]\d{9}$/, "手机号码请填 11 位数字，以 13–19 开头；没有可以不填。")
      .optional(),
  ),
};

export const addMemberSchema = z.object({ intent: z.literal("add"), ...memberShape });
export const editMemberSchema = z.object({
  intent: z.literal("edit"),
  memberId: z.coerce.number().int().positive(),
  ...memberShape,
});
export const removeMemberSchema = z.object({
  intent: z.literal("remove"),
  memberId: z.coerce.number().int().positive(),
});
export const myBirthYearSchema = z.object({ intent: z.literal("me"), birthYear: birthYearField() });

export type MemberInput = { name: string; relation: string; birthYear: number; phone?: string };
