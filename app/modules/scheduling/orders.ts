/** 点单 input (pure). */
import { z } from "~/utils/zod";
import { DAYPARTS } from "./time";

const many = (v: unknown) => (v == null || v === "" ? [] : Array.isArray(v) ? v : [v]);

export const orderSchema = z.object({
  courseId: z.coerce.number({ error: "请选择课程。" }).int().positive("请选择课程。"),
  term: z.string({ error: "请填写开课学期，例如 2027 年春季。" }).trim().min(1, "请填写开课学期，例如 2027 年春季。").max(30, "学期最多 30 个字。"),
  weekdays: z.preprocess(many, z.array(z.coerce.number().int().min(1).max(7)).max(7)),
  dayparts: z.preprocess(many, z.array(z.enum(DAYPARTS)).max(3)),
  note: z.string().trim().max(500, "备注最多 500 个字。").default(""),
});
export type OrderInput = z.infer<typeof orderSchema>;

/** The term a manager most likely orders for: the coming season. */
export function suggestedTerm(now = new Date()) {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth() + 1;
  if (m >= 11) return `${y + 1} 年春季`;
  if (m <= 4) return `${y} 年春季`;
  if (m <= 7) return `${y} 年秋季`;
  return `${y} 年冬季`;
}
