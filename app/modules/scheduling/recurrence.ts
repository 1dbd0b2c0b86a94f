/**
 * The recurrence builder (pure): every chosen weekday at a time, for N weeks or until a date,
 * skipping closed dates (HQ's public holidays and the academy's own closed days).
 */
import { UserError } from "~/utils/errors";
import { addDays, daysBetween, isoWeekday, isValidDate, isValidTime, minutesOf, wallToUtc, WEEKDAY_LABELS } from "~/utils/time";

export const MAX_RECURRENCE_WEEKS = 52;

export type RecurrenceInput = {
  /** First possible date (YYYY-MM-DD, Asia/Shanghai). */
  startDate: string;
  /** ISO weekdays, 1 = Monday … 7 = Sunday. */
  weekdays: number[];
  startTime: string;
  endTime: string;
  /** Either a number of weeks counted from startDate … */
  weeks?: number | null;
  /** … or a last date (inclusive). */
  until?: string | null;
  /** 开放时间外: allow dates and times outside the academy's opening hours (audited by the caller). */
  outsideHours?: boolean;
};

export type PlannedSession = { date: string; startsAt: number; endsAt: number };
export type SkippedDate = { date: string; reason: string };

/** Validates the input; every message is Chinese and names its form field. */
export function validateRecurrence(input: RecurrenceInput) {
  if (!isValidDate(input.startDate)) throw new UserError("请填写开始日期。", "startDate");
  const weekdays = [...new Set(input.weekdays)].sort((a, b) => a - b);
  if (weekdays.length === 0) throw new UserError("请至少选择一个上课的星期。", "weekdays");
  if (weekdays.some((d) => !Number.isInteger(d) || d < 1 || d > 7)) throw new UserError("星期只能是周一到周日。", "weekdays");
  if (!isValidTime(input.startTime)) throw new UserError("请按 时:分 填写开始时间，例如 09:30。", "startTime");
  if (!isValidTime(input.endTime)) throw new UserError("请按 时:分 填写结束时间，例如 11:00。", "endTime");
  if (minutesOf(input.endTime) <= minutesOf(input.startTime)) {
    throw new UserError("结束时间必须晚于开始时间。", "endTime");
  }
  const hasWeeks = input.weeks != null;
  const hasUntil = input.until != null && input.until !== "";
  if (hasWeeks === hasUntil) throw new UserError("请填写周数或截止日期（二选一）。", "weeks");
  let lastDate: string;
  if (hasWeeks) {
    const weeks = input.weeks!;
    if (!Number.isInteger(weeks) || weeks < 1) throw new UserError("周数至少为 1。", "weeks");
    if (weeks > MAX_RECURRENCE_WEEKS) throw new UserError(`一次最多排 ${MAX_RECURRENCE_WEEKS} 周的课。`, "weeks");
    lastDate = addDays(input.startDate, weeks * 7 - 1);
  } else {
    if (!isValidDate(input.until!)) throw new UserError("截止日期格式不对。", "until");
    if (input.until! < input.startDate) throw new UserError("截止日期不能早于开始日期。", "until");
    if (daysBetween(input.startDate, input.until!) >= MAX_RECURRENCE_WEEKS * 7) {
      throw new UserError(`一次最多排 ${MAX_RECURRENCE_WEEKS} 周的课，请把截止日期提前。`, "until");
    }
    lastDate = input.until!;
  }
  return { weekdays, lastDate };
}

/**
 * Expands a recurrence into sessions, in date order. `closed` maps closed dates to their reason
 * (holiday name or the academy's note). The result is the same whatever the process's TZ.
 */
export function expandRecurrence(input: RecurrenceInput, closed: ReadonlyMap<string, string> = new Map()) {
  const { weekdays, lastDate } = validateRecurrence(input);
  const sessions: PlannedSession[] = [];
  const skipped: SkippedDate[] = [];
  for (let date = input.startDate; date <= lastDate; date = addDays(date, 1)) {
    if (!weekdays.includes(isoWeekday(date))) continue;
    const reason = closed.get(date);
    if (reason !== undefined) {
      skipped.push({ date, reason });
      continue;
    }
    sessions.push({ date, startsAt: wallToUtc(date, input.startTime), endsAt: wallToUtc(date, input.endTime) });
  }
  return { sessions, skipped, lastDate };
}

/** "每周二、周四 19:00–20:30" */
export function describeRecurrence(weekdays: number[], startTime: string, endTime: string) {
  return `每${[...weekdays].sort((a, b) => a - b).map((d) => WEEKDAY_LABELS[d]).join("、")} ${startTime}–${endTime}`;
}
