/**
 * An academy's opening hours (开放时间), pure: per ISO weekday (index 0 = 周一 … 6 = 周日) a list
 * of [start, end) minute ranges of the Asia/Shanghai day. Stored as JSON in academies.opening_schedule;
 * the readable label (academies.opening_hours, "周二至周日 9:00–21:00") is always derived from it.
 * Runs, sessions and activities must sit inside one range of their weekday unless the manager ticks
 * 开放时间外 (checked in ./opening-hours.server.ts).
 */
import { addDays, isoWeekday, localParts, timeOfMinutes, wallToUtc } from "~/utils/time";

export type DayRanges = [number, number][];
export type WeeklyHours = DayRanges[];

export const WEEKDAY_NAMES = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"] as const;
/** Form field names of the seven days: hours1 (周一) … hours7 (周日). */
export const HOURS_FIELDS = ["hours1", "hours2", "hours3", "hours4", "hours5", "hours6", "hours7"] as const;

/** The override box on run, session and activity forms. */
export const OUTSIDE_HOURS_LABEL = "开放时间外：确认安排在书院开放时间以外（会记入审计日志）";

const TIME = /^([01]?\d|2[0-4])[:：]([0-5]\d)$/;

function minutesOfText(t: string) {
  const m = TIME.exec(t.trim());
  if (!m) return null;
  const v = Number(m[1]) * 60 + Number(m[2]);
  return v > 24 * 60 ? null : v;
}

/** 540 → "9:00", 1440 → "24:00". */
export function clock(min: number) {
  return `${Math.floor(min / 60)}:${String(min % 60).padStart(2, "0")}`;
}

/** 540 → "09:00", for inputs. */
export function clock2(min: number) {
  return `${String(Math.floor(min / 60)).padStart(2, "0")}:${String(min % 60).padStart(2, "0")}`;
}

/**
 * One day's text, e.g. "9:00-12:00，14:30-21:00" (empty or 休息 = closed). Ranges separated by
 * comma, 、, ; or spaces; a range by -, –, —, ~ or 至. Returns the sorted ranges or a Chinese message.
 */
export function parseDayRanges(text: string, dayName = ""): DayRanges | string {
  const raw = text.trim();
  if (raw === "" || raw === "休息" || raw === "闭馆" || raw === "不开放") return [];
  const parts = raw.split(/[,，、;；\s]+/).filter(Boolean);
  const out: DayRanges = [];
  for (const part of parts) {
    const m = /^(.+?)\s*(?:-|–|—|~|～|至|到)\s*(.+)$/.exec(part);
    const start = m ? minutesOfText(m[1]!) : null;
    const end = m ? minutesOfText(m[2]!) : null;
    if (!m || start == null || end == null) return `${dayName}“${part}”看不懂，请按 9:00-12:00 这样填写，多段用逗号隔开。`;
    if (end <= start) return `${dayName}${clock(start)}–${clock(end)}：结束时间必须晚于开始时间。`;
    out.push([start, end]);
  }
  out.sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < out.length; i++) {
    const prev = out[i - 1]!;
    const cur = out[i]!;
    if (cur[0] < prev[1]) {
      return `${dayName}${clock(prev[0])}–${clock(prev[1])} 和 ${clock(cur[0])}–${clock(cur[1])} 重叠了，请合并成一段或改开。`;
    }
  }
  if (out.length > 4) return `${dayName}最多分 4 段。`;
  return out;
}

/** The text a day's input shows for its ranges ("09:00-12:00，14:30-21:00", "" when closed). */
export function dayRangesText(ranges: DayRanges) {
  return ranges.map(([a, b]) => `${clock2(a)}-${clock2(b)}`).join("，");
}

function rangesKey(r: DayRanges) {
  return r.map(([a, b]) => `${a}-${b}`).join(",");
}

/** "周二至周日 9:00–21:00", "周一至周五 8:30–12:00、14:30–17:30；周六 9:00–12:00", "暂未开放". */
export function formatWeeklyHours(hours: WeeklyHours) {
  const groups: { from: number; to: number; key: string; ranges: DayRanges }[] = [];
  hours.forEach((ranges, i) => {
    if (!ranges.length) return;
    const key = rangesKey(ranges);
    const last = groups.at(-1);
    if (last && last.key === key && last.to === i - 1) last.to = i;
    else groups.push({ from: i, to: i, key, ranges });
  });
  if (!groups.length) return "暂未开放";
  const dayLabel = (g: { from: number; to: number }) =>
    g.from === 0 && g.to === 6
      ? "每天"
      : g.from === g.to
        ? WEEKDAY_NAMES[g.from]!
        : g.to === g.from + 1
          ? `${WEEKDAY_NAMES[g.from]}、${WEEKDAY_NAMES[g.to]}`
          : `${WEEKDAY_NAMES[g.from]}至${WEEKDAY_NAMES[g.to]}`;
  return groups.map((g) => `${dayLabel(g)} ${g.ranges.map(([a, b]) => `${clock(a)}–${clock(b)}`).join("、")}`).join("；");
}

/** Whether [startMinute, endMinute) of an ISO weekday (1–7) lies inside one opening range. */
export function withinHours(hours: WeeklyHours, weekday: number, startMinute: number, endMinute: number) {
  const ranges = hours[weekday - 1] ?? [];
  return ranges.some(([a, b]) => a <= startMinute && endMinute <= b);
}

/** Seven days of the same ranges: `everyDay([[540, 1260]])`; `days` limits it to some ISO weekdays. */
export function weekly(ranges: DayRanges, days: number[] = [1, 2, 3, 4, 5, 6, 7]): WeeklyHours {
  return [1, 2, 3, 4, 5, 6, 7].map((d) => (days.includes(d) ? ranges.map((r) => [...r] as [number, number]) : []));
}

/** Validates a stored value (JSON from the database) and returns it, or null when unusable. */
export function asWeeklyHours(value: unknown): WeeklyHours | null {
  if (!Array.isArray(value) || value.length !== 7) return null;
  for (const day of value) {
    if (!Array.isArray(day)) return null;
    for (const r of day) {
      if (!Array.isArray(r) || r.length !== 2 || !Number.isInteger(r[0]) || !Number.isInteger(r[1]) || r[0] < 0 || r[1] > 1440 || r[1] <= r[0]) return null;
    }
  }
  return value as WeeklyHours;
}

/**
 * The start minute nearest `preferred` at which `minutes` fit inside one range of the day
 * (`ranges`), or null when no range is long enough.
 */
export function fitInDay(ranges: DayRanges, preferred: number, minutes: number) {
  let best: number | null = null;
  for (const [a, b] of ranges) {
    if (b - a < minutes) continue;
    const m = Math.min(Math.max(preferred, a), b - minutes);
    if (best == null || Math.abs(m - preferred) < Math.abs(best - preferred)) best = m;
  }
  return best;
}

/**
 * Where a demo generator puts something it wanted on `date` at `preferred`: the nearest start
 * inside the hours that day, else the same on the next open day (up to a week on; with
 * direction -1 the previous open day, so a past event stays in the past). null when
 * the academy is never open long enough.
 */
export function placeInHours(hours: WeeklyHours, date: string, preferred: number, minutes: number, direction: 1 | -1 = 1) {
  for (let i = 0; i < 7; i++) {
    const d = addDays(date, i * direction);
    const m = fitInDay(hours[isoWeekday(d) - 1] ?? [], preferred, minutes);
    if (m != null) return { date: d, minute: m };
  }
  return null;
}

/**
 * The "class happening now" of the demo: a slot of `minutes` that contains `now` and began about
 * 15 minutes ago, kept inside the opening range `now` falls in. When the academy is closed now
 * (or has no hours) it is simply 15 minutes ago, and `inside` is false: the demo then places it
 * with the 开放时间外 override, audited like a manager's. Starts on a 5-minute mark.
 */
export function liveSlot(hours: WeeklyHours | null, now: number, minutes: number) {
  const plain = Math.floor((now - 15 * 60_000) / 300_000) * 300_000;
  if (!hours) return { startsAt: plain, inside: true };
  const p = localParts(now);
  const wanted = Math.floor((p.minute - 15) / 5) * 5;
  for (const [a, b] of hours[p.weekday - 1] ?? []) {
    if (a <= p.minute && p.minute < b && b - a >= minutes) {
      return { startsAt: wallToUtc(p.date, timeOfMinutes(Math.min(Math.max(wanted, a), b - minutes))), inside: true };
    }
  }
  return { startsAt: plain, inside: false };
}

/** The first start at or after `from` (on a 5-minute mark) where `minutes` fit inside the hours. */
export function nextSlotFrom(hours: WeeklyHours, from: number, minutes: number) {
  const p = localParts(from);
  const at = Math.ceil(p.minute / 5) * 5;
  for (const [a, b] of hours[p.weekday - 1] ?? []) {
    const start = Math.max(a, at);
    if (start + minutes <= b) return wallToUtc(p.date, timeOfMinutes(start));
  }
  const next = placeInHours(hours, addDays(p.date, 1), 0, minutes);
  return next ? wallToUtc(next.date, timeOfMinutes(next.minute)) : null;
}
