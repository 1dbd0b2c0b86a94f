/**
 * Statistics periods are whole Asia/Shanghai calendar months: 本月, 本季度 (to date), 本年 (to
 * date) or a custom range of months (at most 5 years). The previous period is the same number
 * of months just before. Pure: no database.
 */
import { z } from "~/utils/zod";

export const PERIOD_KINDS = ["month", "quarter", "year", "custom"] as const;
export type PeriodKind = (typeof PERIOD_KINDS)[number];
export const PERIOD_LABELS: Record<PeriodKind, string> = {
  month: "本月",
  quarter: "本季度",
  year: "本年",
  custom: "自定义",
};
export const MAX_PERIOD_MONTHS = 60;

export type Period = { kind: PeriodKind; from: string; to: string; months: number; label: string };

const MONTH_RE = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function monthIndex(m: string) {
  const [, y, mm] = MONTH_RE.exec(m)!;
  return Number(y) * 12 + Number(mm) - 1;
}
export function monthOfIndex(i: number) {
  return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, "0")}`;
}
export function addMonths(m: string, n: number) {
  return monthOfIndex(monthIndex(m) + n);
}
/** The Asia/Shanghai calendar month of an instant. */
export function monthOfInstant(ms: number) {
  const d = new Date(ms + 8 * 3600_000);
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
}
/** UTC ms of the first instant of a month in Asia/Shanghai. */
export function monthStartMs(m: string) {
  const i = monthIndex(m);
  return Date.UTC(Math.floor(i / 12), i % 12, 1) - 8 * 3600_000;
}
export function monthsBetween(from: string, to: string) {
  const out: string[] = [];
  for (let i = monthIndex(from); i <= monthIndex(to); i++) out.push(monthOfIndex(i));
  return out;
}
export function monthLabel(m: string) {
  return `${m.slice(0, 4)}年${Number(m.slice(5, 7))}月`;
}

function label(from: string, to: string) {
  if (from === to) return monthLabel(from);
  if (from.slice(0, 4) === to.slice(0, 4))
    return `${from.slice(0, 4)}年${Number(from.slice(5))}–${Number(to.slice(5))}月`;
  return `${monthLabel(from)}–${monthLabel(to)}`;
}

export function makePeriod(kind: PeriodKind, from: string, to: string): Period {
  return { kind, from, to, months: monthIndex(to) - monthIndex(from) + 1, label: label(from, to) };
}

/** The period before: the same number of months, ending the month before `from`. */
export function previousPeriod(p: Period): Period {
  const to = addMonths(p.from, -1);
  return makePeriod("custom", addMonths(to, -(p.months - 1)), to);
}

const month = z.string().regex(MONTH_RE, "月份格式应为 YYYY-MM，例如 2026-03。");

/** The URL's period fields (p, from, to), shared by the pages, the exports and the API. */
export const periodQueryShape = {
  p: z.enum(PERIOD_KINDS, { message: "统计期应为 month、quarter、year 或 custom。" }).optional(),
  from: month.optional(),
  to: month.optional(),
};

export class PeriodError extends Error {
  code = "bad_period";
}

/** Resolves the URL's fields against today; a custom range needs from ≤ to, at most 5 years. */
export function resolvePeriod(
  q: { p?: PeriodKind; from?: string; to?: string },
  now = Date.now(),
): Period {
  const current = monthOfInstant(now);
  const kind = q.p ?? (q.from || q.to ? "custom" : "month");
  if (kind === "month") return makePeriod(kind, current, current);
  if (kind === "quarter") {
    const i = monthIndex(current);
    return makePeriod(kind, monthOfIndex(i - (i % 3)), current);
  }
  if (kind === "year") return makePeriod(kind, `${current.slice(0, 4)}-01`, current);
  const from = q.from ?? q.to ?? current;
  const to = q.to ?? current;
  if (monthIndex(to) < monthIndex(from))
    throw new PeriodError("统计期的结束月份早于开始月份，请重新选择。");
  if (monthIndex(to) - monthIndex(from) + 1 > MAX_PERIOD_MONTHS)
    throw new PeriodError("统计期最长 5 年（60 个月），请缩短范围。");
  return makePeriod("custom", from, to);
}

/** The URL query of a period (for links and export file names). */
export function periodSearch(p: Period) {
  return p.kind === "custom" ? `p=custom&from=${p.from}&to=${p.to}` : `p=${p.kind}`;
}
