/**
 * Calendar and wall-clock helpers for Asia/Shanghai. Calendar dates are "YYYY-MM-DD" strings and
 * are computed with UTC arithmetic (no time zone involved); instants are UTC ms converted to and
 * from Asia/Shanghai wall-clock time with @date-fns/tz, so the server's TZ never matters.
 */
import { TZDate } from "@date-fns/tz";
import { formatCalendarDate, formatDateTime, formatDateTimeRange, TIME_ZONE } from "~/utils/dates";

const DAY = 86_400_000;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;

export const WEEKDAY_LABELS = ["", "周一", "周二", "周三", "周四", "周五", "周六", "周日"] as const;
export const DAYPARTS = ["morning", "afternoon", "evening"] as const;
export type Daypart = (typeof DAYPARTS)[number];
export const DAYPART_LABELS: Record<Daypart, string> = {
  morning: "上午",
  afternoon: "下午",
  evening: "晚上",
};
/** Start-minute ranges of the dayparts: morning before 12:00, afternoon before 18:00, evening after. */
export const DAYPART_MINUTES: Record<Daypart, [number, number]> = {
  morning: [0, 12 * 60],
  afternoon: [12 * 60, 18 * 60],
  evening: [18 * 60, 24 * 60],
};

export function isValidDate(date: string) {
  const m = DATE_RE.exec(date);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

export function isValidTime(time: string) {
  return TIME_RE.test(time);
}

function dayNumber(date: string) {
  const m = DATE_RE.exec(date);
  if (!m) throw new Error(`bad date ${date}`);
  return Math.floor(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / DAY);
}

function fromDayNumber(n: number) {
  return new Date(n * DAY).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number) {
  return fromDayNumber(dayNumber(date) + days);
}

export function daysBetween(from: string, to: string) {
  return dayNumber(to) - dayNumber(from);
}

/** ISO weekday of a calendar date: 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: string) {
  const d = new Date(dayNumber(date) * DAY).getUTCDay();
  return d === 0 ? 7 : d;
}

export function minutesOf(time: string) {
  const m = TIME_RE.exec(time);
  if (!m) throw new Error(`bad time ${time}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

export function timeOfMinutes(min: number) {
  return `${String(Math.floor(min / 60)).padStart(2, "0")}:${String(min % 60).padStart(2, "0")}`;
}

/** The UTC instant of an Asia/Shanghai wall-clock date and time. */
export function wallToUtc(date: string, time: string) {
  const m = DATE_RE.exec(date);
  const t = TIME_RE.exec(time);
  if (!m || !t) throw new Error(`bad date/time ${date} ${time}`);
  return new TZDate(
    Number(m[1]),
    Number(m[2]) - 1,
    Number(m[3]),
    Number(t[1]),
    Number(t[2]),
    TIME_ZONE,
  ).getTime();
}

/** An instant as Asia/Shanghai calendar date, ISO weekday, minute of the day and "HH:mm". */
export function localParts(ms: number): LocalParts {
  // A TZDate costs about 10 µs; the parts of each minute are kept (frozen, shared) until the
  // table is full, then it starts over.
  const key = Math.floor(ms / 60_000);
  const hit = localPartsCache.get(key);
  if (hit) return hit;
  const d = new TZDate(ms, TIME_ZONE);
  const date = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
  const minute = d.getHours() * 60 + d.getMinutes();
  const day = d.getDay();
  const out = Object.freeze({
    date,
    weekday: day === 0 ? 7 : day,
    minute,
    time: timeOfMinutes(minute),
  });
  if (localPartsCache.size >= LOCAL_PARTS_CACHE_MAX) localPartsCache.clear();
  localPartsCache.set(key, out);
  return out;
}
type LocalParts = Readonly<{ date: string; weekday: number; minute: number; time: string }>;
const LOCAL_PARTS_CACHE_MAX = 20_000;
const localPartsCache = new Map<number, LocalParts>();

export function todayLocal(now = Date.now()) {
  return localParts(now).date;
}

export function daypartOf(minute: number): Daypart {
  if (minute < DAYPART_MINUTES.morning[1]) return "morning";
  if (minute < DAYPART_MINUTES.afternoon[1]) return "afternoon";
  return "evening";
}

/** ISO 8601 week of a calendar date: the week belongs to the year of its Thursday. */
export function isoWeekOf(date: string) {
  const thursday = addDays(date, 4 - isoWeekday(date));
  const year = Number(thursday.slice(0, 4));
  const week = Math.floor(daysBetween(`${year}-01-01`, thursday) / 7) + 1;
  return { year, week };
}

export function formatIsoWeek(w: { year: number; week: number }) {
  return `${w.year}-W${String(w.week).padStart(2, "0")}`;
}

/** The Monday of an ISO week. */
export function isoWeekMonday(year: number, week: number) {
  const jan4 = `${year}-01-04`;
  const firstMonday = addDays(jan4, 1 - isoWeekday(jan4));
  return addDays(firstMonday, (week - 1) * 7);
}

/** "2026-W48" → its Monday, or null when malformed or out of range. */
export function parseIsoWeek(value: string | null | undefined) {
  const m = /^(\d{4})-W(\d{2})$/.exec(value ?? "");
  if (!m) return null;
  const year = Number(m[1]);
  const week = Number(m[2]);
  if (year < 2000 || year > 2100 || week < 1) return null;
  const monday = isoWeekMonday(year, week);
  // Week 53 exists only in some years.
  if (isoWeekOf(monday).year !== year) return null;
  return { year, week, monday };
}

/** The ISO week containing `ms` (Asia/Shanghai). */
export function currentIsoWeek(now = Date.now()) {
  const w = isoWeekOf(todayLocal(now));
  return { ...w, monday: isoWeekMonday(w.year, w.week) };
}

/** 11月27日 周五 — a calendar date, in the site's one date style (~/utils/dates). */
export function shortDateLabel(date: string) {
  return formatCalendarDate(date);
}

/** "12月1日 周二 19:00–20:30" (Asia/Shanghai), in the site's one date style. */
export function formatSessionRange(startsAt: number, endsAt: number) {
  return formatDateTimeRange(startsAt, endsAt);
}

/** "12月1日 周二 19:00" (Asia/Shanghai), in the site's one date style. */
export function formatMoment(ms: number) {
  return formatDateTime(ms);
}

/** The value of an <input type="datetime-local"> for an instant, in Asia/Shanghai. */
export function toLocalInput(ms: number | null | undefined) {
  if (ms == null) return "";
  const a = localParts(ms);
  return `${a.date}T${a.time}`;
}

/** "2026年11月23日" */
export function longDateLabel(date: string) {
  return `${date.slice(0, 4)}年${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日`;
}

/** `?week=2026-W48` (or nothing: the current week) with its neighbours, for week pages. */
export function resolveWeek(param: string | null | undefined, now = Date.now()) {
  const current = currentIsoWeek(now);
  const parsed = parseIsoWeek(param) ?? current;
  const monday = parsed.monday;
  return {
    week: formatIsoWeek(parsed),
    monday,
    sunday: addDays(monday, 6),
    prev: formatIsoWeek(isoWeekOf(addDays(monday, -7))),
    next: formatIsoWeek(isoWeekOf(addDays(monday, 7))),
    current: formatIsoWeek(current),
    label: `${longDateLabel(monday)} – ${Number(addDays(monday, 6).slice(5, 7))}月${Number(addDays(monday, 6).slice(8, 10))}日`,
    invalid: !!param && !parseIsoWeek(param),
  };
}
