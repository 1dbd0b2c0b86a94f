/**
 * Opening hours enforced (issue 15 part 6): every class session and activity an academy schedules
 * must sit inside its opening hours, unless the manager ticks 开放时间外 — then the write goes
 * through and an audit row names every slot outside the hours, in the same transaction. A closed
 * academy takes no new runs, sessions, activities or orders. Called inside the write transactions
 * of the scheduling and community modules.
 */
import { eq } from "drizzle-orm";
import type { Conn } from "@db/client";
import { academies } from "@db/schema";
import { writeAudit } from "~/modules/auth/audit.server";
import type { Actor } from "~/modules/auth/permissions";
import { localParts } from "~/utils/time";
import { formatDate, formatDateTimeRange } from "~/utils/dates";
import { UserError } from "~/utils/errors";
import { asWeeklyHours, clock, formatWeeklyHours, WEEKDAY_NAMES, withinHours, type WeeklyHours } from "./opening-hours";

export type Slot = { startsAt: number; endsAt: number };

const formatSlot = (s: Slot) => formatDateTimeRange(s.startsAt, s.endsAt);

/** The academy's weekly hours (null when never set: nothing is checked). */
export function academyWeeklyHours(conn: Conn, academyId: number): WeeklyHours | null {
  const row = conn.select({ s: academies.openingSchedule }).from(academies).where(eq(academies.id, academyId)).get();
  return row ? asWeeklyHours(row.s) : null;
}

/** Refuses anything new at a closed academy. `what` completes 不能再…: 开课、加课、办活动、点单. */
export function assertAcademyNotClosed(conn: Conn, academyId: number, what: string, field?: string) {
  const a = conn
    .select({ closedAt: academies.closedAt, closedReason: academies.closedReason })
    .from(academies)
    .where(eq(academies.id, academyId))
    .get();
  if (a?.closedAt != null) {
    throw new UserError(`这所书院已于 ${formatDate(a.closedAt)} 关闭（${a.closedReason ?? ""}），不能再${what}。`, field);
  }
}

/** Whether a slot lies inside the hours: the same Asia/Shanghai day, inside one range of its weekday. */
export function slotWithinHours(hours: WeeklyHours, slot: Slot) {
  const p = localParts(slot.startsAt);
  const endMinute = p.minute + Math.round((slot.endsAt - slot.startsAt) / 60_000);
  return withinHours(hours, p.weekday, p.minute, endMinute);
}

/** The slots outside the academy's hours (none when the academy has no hours set). */
export function slotsOutsideHours(conn: Conn, academyId: number, slots: Slot[]) {
  const hours = academyWeeklyHours(conn, academyId);
  if (!hours) return { hours, outside: [] as Slot[] };
  return { hours, outside: slots.filter((s) => !slotWithinHours(hours, s)) };
}

/** The Chinese refusal for the first slot outside the hours, and the field it belongs next to. */
export function outsideHoursRefusal(hours: WeeklyHours, slot: Slot, noun: string, fields: { day: string; time: string }) {
  const p = localParts(slot.startsAt);
  const day = WEEKDAY_NAMES[p.weekday - 1]!;
  const ranges = hours[p.weekday - 1] ?? [];
  const all = `书院开放时间：${formatWeeklyHours(hours)}。`;
  const tail = `如确需在开放时间外${noun}，请勾选“开放时间外”。`;
  if (!ranges.length) return new UserError(`${formatSlot(slot)}：书院${day}不开放。${all}${tail}`, fields.day);
  const open = ranges.map(([a, b]) => `${clock(a)}–${clock(b)}`).join("、");
  return new UserError(`${formatSlot(slot)} 超出书院${day}的开放时间（${open}）。${all}${tail}`, fields.time);
}

/**
 * The check itself: throws the refusal when a slot is outside the hours and `override` is off;
 * returns the slots outside (to audit with `auditOutsideHours` once the rows exist).
 */
export function checkOpeningHours(
  conn: Conn,
  p: { academyId: number; slots: Slot[]; override: boolean; noun: string; fields: { day: string; time: string } },
) {
  const { hours, outside } = slotsOutsideHours(conn, p.academyId, p.slots);
  if (hours && outside.length && !p.override) throw outsideHoursRefusal(hours, outside[0]!, p.noun, p.fields);
  return outside;
}

/** The audit row of a 开放时间外 override, in the transaction of the write it allowed. */
export function auditOutsideHours(
  conn: Conn,
  /** null: the demo generator (its "happening now" items at night). */
  actor: Actor | null,
  ip: string | null,
  p: { academyId: number; targetType: string; targetId: number | string; what: string; outside: Slot[] },
) {
  if (!p.outside.length) return;
  const name = conn.select({ name: academies.name }).from(academies).where(eq(academies.id, p.academyId)).get()?.name ?? "";
  const list = p.outside.slice(0, 5).map(formatSlot).join("、");
  writeAudit(conn, actor?.id ?? null, ip, {
    action: "opening-hours.override",
    targetType: p.targetType,
    targetId: p.targetId,
    summary: `${name} 在开放时间外安排${p.what}：${list}${p.outside.length > 5 ? ` 等 ${p.outside.length} 次` : ""}`,
    detail: { academyId: p.academyId, slots: p.outside },
  });
}
