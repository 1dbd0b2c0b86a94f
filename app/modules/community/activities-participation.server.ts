/**
 * 参与人次 (participations) of activities — the one place the rule lives.
 *
 * For each activity that was not cancelled and starts in the period:
 *
 *   participations = check-ins                    (people who scanned the QR code: activity_attendance, method qr)
 *                  + registered attendance        (registered people the manager ticked present: method roster)
 *                  + unregistered attendees       (max(0, headcount − check-ins − registered attendance))
 *
 * The headcount is the manager's count of everyone at the event (现场总人数), people who checked
 * in included; only the part of it not already identified counts, so a person who checked in is
 * never counted again through the headcount. Each identified person is one row (UNIQUE per
 * registration and per unregistered person), so a second scan counts nothing. An activity
 * without a headcount contributes only the people identified. It counts visits, not unique
 * people: the same resident at two activities is two participations (the city's definition).
 *
 * Class attendance is not included: this is the activities' share of the city's 参与人次.
 */
import { sql, type SQL } from "drizzle-orm";
import type { Conn } from "@db/client";

export type ParticipationScope =
  | { kind: "city" }
  | { kind: "district"; id: number }
  | { kind: "academy"; id: number }
  | { kind: "organisation"; id: number };

export type ParticipationCount = {
  /** Activities counted (not cancelled, starting in the period). */
  activities: number;
  checkins: number;
  registeredAttendance: number;
  unregistered: number;
  /** checkins + registeredAttendance + unregistered. */
  total: number;
};

export type ParticipationQuery = {
  /** Period by activity start, UTC ms, half-open [from, to). Omit for all time. */
  from?: number;
  to?: number;
  scope?: ParticipationScope;
  /** Only these activities (e.g. one activity's page). */
  activityIds?: number[];
  /** Also return each activity's own figures. */
  perActivity?: boolean;
};

/**
 * Participations (参与人次) of activities in a period and scope (city, district, academy or
 * resident organisation), by the rule documented at the top of this file.
 */
export function countParticipations(
  conn: Conn,
  q: ParticipationQuery = {},
): ParticipationCount & { byActivity?: Map<number, ParticipationCount> } {
  const where: SQL[] = [sql`a.status = 'scheduled'`];
  if (q.from != null) where.push(sql`a.starts_at >= ${q.from}`);
  if (q.to != null) where.push(sql`a.starts_at < ${q.to}`);
  const scope = q.scope ?? { kind: "city" };
  if (scope.kind === "academy") where.push(sql`a.academy_id = ${scope.id}`);
  if (scope.kind === "organisation") where.push(sql`a.organisation_id = ${scope.id}`);
  if (scope.kind === "district")
    where.push(sql`a.academy_id IN (SELECT id FROM academies WHERE district_id = ${scope.id})`);
  if (q.activityIds)
    where.push(sql`a.id IN (SELECT value FROM json_each(${JSON.stringify(q.activityIds)}))`);
  const rows = conn.all<{ id: number; qr: number; roster: number; headcount: number | null }>(sql`
    SELECT a.id, a.headcount,
      (SELECT count(*) FROM activity_attendance t WHERE t.activity_id = a.id AND t.present = 1 AND t.method = 'qr') AS qr,
      (SELECT count(*) FROM activity_attendance t WHERE t.activity_id = a.id AND t.present = 1 AND t.method = 'roster') AS roster
    FROM activities a
    WHERE ${sql.join(where, sql` AND `)}`);
  const total: ParticipationCount = {
    activities: 0,
    checkins: 0,
    registeredAttendance: 0,
    unregistered: 0,
    total: 0,
  };
  const byActivity = q.perActivity ? new Map<number, ParticipationCount>() : undefined;
  for (const r of rows) {
    const unregistered = Math.max(0, (r.headcount ?? 0) - r.qr - r.roster);
    const one = {
      activities: 1,
      checkins: r.qr,
      registeredAttendance: r.roster,
      unregistered,
      total: r.qr + r.roster + unregistered,
    };
    total.activities++;
    total.checkins += one.checkins;
    total.registeredAttendance += one.registeredAttendance;
    total.unregistered += one.unregistered;
    total.total += one.total;
    byActivity?.set(r.id, one);
  }
  return byActivity ? { ...total, byActivity } : total;
}
