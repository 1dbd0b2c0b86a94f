/** 点单 input (pure). */
import { z } from "~/utils/zod";
import { addDays, DAYPARTS, todayLocal } from "~/utils/time";

/** 「2026 年冬季」: a year and one of the four seasons (termOf below). */
export const TERM_RE = /^\d{4} 年(春|夏|秋|冬)季$/;

const many = (v: unknown) => (v == null || v === "" ? [] : Array.isArray(v) ? v : [v]);

export const orderSchema = z.object({
  courseId: z.coerce.number({ error: "请选择课程。" }).int().positive("请选择课程。"),
  term: z
    .string({ error: "请选择开课学期。" })
    .trim()
    .min(1, "请选择开课学期。")
    .regex(TERM_RE, "请选择开课学期，例如 2026 年冬季。"),
  weekdays: z.preprocess(many, z.array(z.coerce.number().int().min(1).max(7)).max(7)),
  dayparts: z.preprocess(many, z.array(z.enum(DAYPARTS)).max(3)),
  note: z.string().trim().max(500, "备注最多 500 个字。").default(""),
});
export type OrderInput = z.infer<typeof orderSchema>;

/** What the form says under the choice, so a term's months are never guessed. */
export const TERM_MONTHS_HINT = "春季 3–5 月，夏季 6–8 月，秋季 9–11 月，冬季 12 月至次年 2 月。";

/**
 * Terms (学期) follow the seasons: 春季 March–May, 夏季 June–August, 秋季 September–November,
 * 冬季 December–February, named by the year of its December (2026 年冬季 = 2026-12-01 … 2027-02-28).
 */
export type Term = { label: string; from: string; to: string; name: string };

/** The term that contains an Asia/Shanghai calendar date (YYYY-MM-DD). */
export function termOf(date: string): Term {
  const y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7));
  const start = (year: number, month: number) => `${year}-${String(month).padStart(2, "0")}-01`;
  const end = (year: number, month: number) =>
    addDays(month === 12 ? start(year + 1, 1) : start(year, month + 1), -1);
  if (m === 12)
    return { label: `${y} 年冬季`, name: "冬季", from: start(y, 12), to: end(y + 1, 2) };
  if (m <= 2)
    return { label: `${y - 1} 年冬季`, name: "冬季", from: start(y - 1, 12), to: end(y, 2) };
  const [name, first] = m <= 5 ? ["春季", 3] : m <= 8 ? ["夏季", 6] : ["秋季", 9];
  return { label: `${y} 年${name}`, name, from: start(y, first), to: end(y, first + 2) };
}

/** A term and the next `count - 1` after it. */
export function termsFrom(date: string, count = 4): Term[] {
  const out = [termOf(date)];
  while (out.length < count) out.push(termOf(addDays(out.at(-1)!.to, 1)));
  return out;
}

/** From a submitted order to its first class: HQ or the centre accepts, a teacher is found, the academy schedules. */
export const ORDER_LEAD_DAYS = 14;

/**
 * The term a class ordered today will be held in: the one containing today + ORDER_LEAD_DAYS
 * (Asia/Shanghai). Ordered on 2026-12-03 → 2026 年冬季, not the next spring (issue 10, defect 8).
 */
export function suggestedTerm(now = Date.now()) {
  return termOf(addDays(todayLocal(now), ORDER_LEAD_DAYS)).label;
}

/** What the order form offers: the suggested term first, then the three after it. */
export function orderTermChoices(now = Date.now()) {
  return termsFrom(addDays(todayLocal(now), ORDER_LEAD_DAYS), 4).map((t) => t.label);
}
