/**
 * Room and teacher clashes. Called inside the write transaction that inserts or moves sessions, so
 * two managers cannot book the same room or teacher at once. Intervals are half-open [start, end):
 * 10:00–11:00 and 11:00–12:00 touch but do not clash. Rooms are shared with activities
 * (群众性活动, community module): a class session and an activity in the same room clash both ways,
 * through this one check (the community module calls `assertNoClash` with `excludeActivityIds`).
 */
import { and, eq, gt, inArray, lt, ne, notInArray } from "drizzle-orm";
import type { Conn } from "@db/client";
import {
  academies,
  activities,
  classRuns,
  classSessions,
  courseVersions,
  rooms,
  runTeachers,
  teachers,
} from "@db/schema";
import { UserError } from "~/utils/errors";
import { closedDatesMap } from "./calendar.server";
import { localParts, shortDateLabel, timeOfMinutes, wallToUtc, addDays } from "~/utils/time";

export type Slot = { startsAt: number; endsAt: number };
export type ClashQuery = Slot & {
  roomId: number;
  teacherIds: number[];
  /** Sessions being moved or replaced: they do not clash with themselves. */
  excludeSessionIds?: number[];
  /** Activities being edited: they do not clash with themselves. */
  excludeActivityIds?: number[];
};

export type Clash = {
  kind: "room" | "teacher";
  /** The other booking: a class session (sessionId, runId) or an activity (activityId). */
  sessionId: number | null;
  runId: number | null;
  activityId?: number;
  title: string;
  academyName: string;
  roomName: string;
  teacherName?: string;
  startsAt: number;
  endsAt: number;
};

const clashColumns = {
  sessionId: classSessions.id,
  runId: classSessions.runId,
  title: courseVersions.title,
  academyName: academies.name,
  roomName: rooms.name,
  startsAt: classSessions.startsAt,
  endsAt: classSessions.endsAt,
};

function liveOverlapping(q: Slot & { excludeSessionIds?: number[] }) {
  return and(
    eq(classSessions.status, "scheduled"),
    ne(classRuns.status, "cancelled"),
    lt(classSessions.startsAt, q.endsAt),
    gt(classSessions.endsAt, q.startsAt),
    q.excludeSessionIds?.length ? notInArray(classSessions.id, q.excludeSessionIds) : undefined,
  );
}

/** The first session that clashes with the slot: the room first, then any of the teachers city-wide. */
export function findClash(conn: Conn, q: ClashQuery): Clash | null {
  const room = conn
    .select(clashColumns)
    .from(classSessions)
    .innerJoin(classRuns, eq(classRuns.id, classSessions.runId))
    .innerJoin(courseVersions, eq(courseVersions.id, classRuns.courseVersionId))
    .innerJoin(academies, eq(academies.id, classRuns.academyId))
    .innerJoin(rooms, eq(rooms.id, classSessions.roomId))
    .where(and(eq(classSessions.roomId, q.roomId), liveOverlapping(q)))
    .orderBy(classSessions.startsAt)
    .limit(1)
    .get();
  const activity = roomActivityClash(conn, q);
  if (room && (!activity || room.startsAt <= activity.startsAt)) return { kind: "room", ...room };
  if (activity) return activity;
  if (q.teacherIds.length === 0) return null;
  const teacher = conn
    .select({ ...clashColumns, teacherName: teachers.displayName })
    .from(classSessions)
    .innerJoin(classRuns, eq(classRuns.id, classSessions.runId))
    .innerJoin(runTeachers, eq(runTeachers.runId, classSessions.runId))
    .innerJoin(teachers, eq(teachers.id, runTeachers.teacherId))
    .innerJoin(courseVersions, eq(courseVersions.id, classRuns.courseVersionId))
    .innerJoin(academies, eq(academies.id, classRuns.academyId))
    .innerJoin(rooms, eq(rooms.id, classSessions.roomId))
    .where(and(inArray(runTeachers.teacherId, q.teacherIds), liveOverlapping(q)))
    .orderBy(classSessions.startsAt)
    .limit(1)
    .get();
  return teacher ? { kind: "teacher", ...teacher } : null;
}

function liveActivities(q: Slot & { excludeActivityIds?: number[] }) {
  return and(
    eq(activities.status, "scheduled"),
    lt(activities.startsAt, q.endsAt),
    gt(activities.endsAt, q.startsAt),
    q.excludeActivityIds?.length ? notInArray(activities.id, q.excludeActivityIds) : undefined,
  );
}

/** The first scheduled activity in the room overlapping the slot. */
function roomActivityClash(conn: Conn, q: ClashQuery): Clash | null {
  const a = conn
    .select({
      activityId: activities.id,
      title: activities.title,
      academyName: academies.name,
      roomName: rooms.name,
      startsAt: activities.startsAt,
      endsAt: activities.endsAt,
    })
    .from(activities)
    .innerJoin(academies, eq(academies.id, activities.academyId))
    .innerJoin(rooms, eq(rooms.id, activities.roomId))
    .where(and(eq(activities.roomId, q.roomId), liveActivities(q)))
    .orderBy(activities.startsAt)
    .limit(1)
    .get();
  return a ? { kind: "room", sessionId: null, runId: null, ...a } : null;
}

/** Busy intervals of a room and teachers in a window, for the free-slot search. */
function busyIntervals(conn: Conn, q: ClashQuery, from: number, to: number): Slot[] {
  const window = liveOverlapping({
    startsAt: from,
    endsAt: to,
    excludeSessionIds: q.excludeSessionIds,
  });
  const roomBusy = conn
    .select({ startsAt: classSessions.startsAt, endsAt: classSessions.endsAt })
    .from(classSessions)
    .innerJoin(classRuns, eq(classRuns.id, classSessions.runId))
    .where(and(eq(classSessions.roomId, q.roomId), window))
    .all();
  const teacherBusy = q.teacherIds.length
    ? conn
        .select({ startsAt: classSessions.startsAt, endsAt: classSessions.endsAt })
        .from(classSessions)
        .innerJoin(classRuns, eq(classRuns.id, classSessions.runId))
        .innerJoin(runTeachers, eq(runTeachers.runId, classSessions.runId))
        .where(and(inArray(runTeachers.teacherId, q.teacherIds), window))
        .all()
    : [];
  const activityBusy = conn
    .select({ startsAt: activities.startsAt, endsAt: activities.endsAt })
    .from(activities)
    .where(
      and(
        eq(activities.roomId, q.roomId),
        liveActivities({ startsAt: from, endsAt: to, excludeActivityIds: q.excludeActivityIds }),
      ),
    )
    .all();
  return [...roomBusy, ...teacherBusy, ...activityBusy];
}

/** Earliest and latest wall-clock minutes a suggestion may use. */
export const DAY_START_MINUTE = 8 * 60;
export const DAY_END_MINUTE = 21 * 60 + 30;
const STEP_MINUTES = 30;
const SEARCH_DAYS = 14;

/**
 * The next free slot of the same length, at or after the requested start: later the same day,
 * then the following days (closed dates skipped), between 08:00 and 21:30, on the half hour.
 */
export function suggestNextFreeSlot(
  conn: Conn,
  q: ClashQuery & { academyId: number },
): Slot | null {
  const duration = q.endsAt - q.startsAt;
  const first = localParts(q.startsAt);
  const lastDate = addDays(first.date, SEARCH_DAYS);
  const busy = busyIntervals(conn, q, q.startsAt, wallToUtc(lastDate, "23:59"));
  const closed = closedDatesMap(conn, q.academyId, first.date, lastDate);
  const durationMin = Math.round(duration / 60_000);
  for (let day = 0, date = first.date; day <= SEARCH_DAYS; day++, date = addDays(date, 1)) {
    if (closed.has(date)) continue;
    let minute =
      day === 0 ? Math.ceil((first.minute + 1) / STEP_MINUTES) * STEP_MINUTES : DAY_START_MINUTE;
    minute = Math.max(minute, DAY_START_MINUTE);
    for (; minute + durationMin <= DAY_END_MINUTE; minute += STEP_MINUTES) {
      const startsAt = wallToUtc(date, timeOfMinutes(minute));
      const endsAt = startsAt + duration;
      if (!busy.some((b) => b.startsAt < endsAt && b.endsAt > startsAt))
        return { startsAt, endsAt };
    }
  }
  return null;
}

export function formatSlot(slot: Slot) {
  const a = localParts(slot.startsAt);
  const b = localParts(slot.endsAt);
  return `${shortDateLabel(a.date)} ${a.time}–${b.time}`;
}

/** The Chinese refusal: what clashes, with which class, and the next free slot. */
export function clashMessage(clash: Clash, suggestion: Slot | null) {
  const when = formatSlot(clash);
  const other = `${clash.activityId ? "活动" : ""}「${clash.title}」（${clash.academyName}·${clash.roomName}）`;
  const head =
    clash.kind === "room"
      ? `时间冲突：教室「${clash.roomName}」在 ${when} 已经安排了${other}。`
      : `时间冲突：${clash.teacherName ?? "这位教师"}老师在 ${when} 要给${other}上课。`;
  const tail = suggestion
    ? `建议改到 ${formatSlot(suggestion)}，那时${clash.kind === "room" ? "教室和教师" : "教师和教室"}都有空。`
    : "两周内没有找到空档，请换个教室或教师。";
  return `${head}${tail}`;
}

/** Throws the Chinese clash message (on `field`) when the slot clashes. Call inside the write transaction. */
export function assertNoClash(
  conn: Conn,
  q: ClashQuery & { academyId: number },
  field = "startTime",
) {
  const clash = findClash(conn, q);
  if (!clash) return;
  throw new UserError(clashMessage(clash, suggestNextFreeSlot(conn, q)), field);
}
