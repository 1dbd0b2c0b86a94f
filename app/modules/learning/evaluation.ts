/** 评价 input rules shared by the form (conform) and the module. */
import { z } from "~/utils/zod";

export const COMMENT_MAX = 1000;

export const RATING_LABELS: Record<number, string> = {
  1: "很不满意",
  2: "不太满意",
  3: "一般",
  4: "满意",
  5: "非常满意",
};

export const evaluationSchema = z.object({
  rating: z.coerce
    .number({ error: "请选择 1 到 5 颗星" })
    .int({ error: "请选择 1 到 5 颗星" })
    .min(1, { error: "请选择 1 到 5 颗星" })
    .max(5, { error: "评分只能是 1 到 5 颗星" }),
  comment: z
    .string()
    .trim()
    .max(COMMENT_MAX, {
      error: (iss) =>
        `评价内容最多 ${COMMENT_MAX} 字，现在有 ${String(
          (iss.input as string | undefined)?.length ?? "",
        )} 字，请删减后再提交。`,
    })
    .optional()
    .default(""),
  sessionId: z.coerce.number().int().positive().optional(),
});
export type EvaluationInput = z.infer<typeof evaluationSchema>;

export const hideSchema = z.object({
  intent: z.enum(["hide", "unhide"]),
  evaluationId: z.coerce.number().int().positive(),
  reason: z.string().trim().max(200, { error: "隐藏原因最多 200 字" }).optional().default(""),
});

/** The URL of a city or district overview: grouping, averages page, comments page. Odd values
 * fall back to the defaults, so the page never errors on its URL. */
export const overviewQuerySchema = z.object({
  by: z.enum(["academy", "course", "teacher", "run"]).catch("academy"),
  page: z.coerce.number().int().min(1).catch(1),
  cpage: z.coerce.number().int().min(1).catch(1),
});

/** 4.3 — an average with one decimal, or "—" when nobody rated. */
export function averageLabel(avg: number | null) {
  return avg == null ? "—" : avg.toFixed(1);
}

/** Characters as a person counts them (a Chinese character or an emoji is one). */
export function charCount(text: string) {
  return [...text].length;
}
