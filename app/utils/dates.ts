/**
 * The one way a person reads a date or a time on this site: month, day, weekday and time in
 * Asia/Shanghai, from Intl — 「12月4日 周五 09:00」. The year is added only when it is not the
 * current year (「2025年12月4日 周四」). Every page, message and export a person reads uses these;
 * the server's own TZ never matters.
 */
export const TIME_ZONE = "Asia/Shanghai";

const fmt = new Intl.DateTimeFormat("zh-CN", {
  timeZone: TIME_ZONE,
  year: "numeric",
  month: "numeric",
  day: "numeric",
  weekday: "short",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
});

type Parts = {
  year: string;
  month: string;
  day: string;
  weekday: string;
  hour: string;
  minute: string;
  second: string;
};

function parts(ms: number): Parts {
  // formatToParts costs about 5 µs and a week page formats the same few instants hundreds of times:
  // the parts of each second are kept (frozen, shared) until the table is full, then it starts over.
  const key = Math.floor(ms / 1000);
  const hit = partsCache.get(key);
  if (hit) return hit;
  const out: Record<string, string> = {};
  for (const p of fmt.formatToParts(new Date(ms))) out[p.type] = p.value;
  if (partsCache.size >= PARTS_CACHE_MAX) partsCache.clear();
  partsCache.set(key, Object.freeze(out as Parts));
  return out as Parts;
}
const PARTS_CACHE_MAX = 20_000;
const partsCache = new Map<number, Parts>();

function dayOf(p: Parts, now: number) {
  const year = p.year === parts(now).year ? "" : `${p.year}年`;
  return `${year}${p.month}月${p.day}日 ${p.weekday}`;
}

/** 12月4日 周五 */
export function formatDate(ms: number, now = Date.now()) {
  return dayOf(parts(ms), now);
}

/** 12月4日 周五 09:00 */
export function formatDateTime(ms: number, now = Date.now()) {
  const p = parts(ms);
  return `${dayOf(p, now)} ${p.hour}:${p.minute}`;
}

/** 12月4日 周五 09:00–10:30 (the end's day is spelled out when it differs). */
export function formatDateTimeRange(startMs: number, endMs: number, now = Date.now()) {
  const a = parts(startMs);
  const b = parts(endMs);
  const sameDay = a.year === b.year && a.month === b.month && a.day === b.day;
  return `${dayOf(a, now)} ${a.hour}:${a.minute}–${sameDay ? "" : `${dayOf(b, now)} `}${b.hour}:${b.minute}`;
}

/** 09:00 (or 09:00:05 with seconds, for a save status). */
export function formatTime(ms: number, opts: { seconds?: boolean } = {}) {
  const p = parts(ms);
  return `${p.hour}:${p.minute}${opts.seconds ? `:${p.second}` : ""}`;
}

/** A calendar date "2026-12-04" (no time zone involved) → 12月4日 周五. */
export function formatCalendarDate(date: string, now = Date.now()) {
  return formatDate(Date.parse(`${date}T12:00:00+08:00`), now);
}

/** The formal date on a printed certificate: 2026年12月4日 (always with the year, no weekday). */
export function formatFormalDate(ms: number) {
  const p = parts(ms);
  return `${p.year}年${p.month}月${p.day}日`;
}
