/**
 * The seam between enrolment and the no-show policy (issue 6, second half). A person under the
 * policy may join waitlists only: enrolment puts them on the waitlist even when seats are free,
 * and waitlist promotion passes over them. The policy itself (3 no-shows in 90 days → 30 days,
 * configurable by NO_SHOW_LIMIT / NO_SHOW_WINDOW_DAYS / NO_SHOW_PENALTY_DAYS) lives in
 * attendance.server.ts (`noShowRestriction`).
 */
import type { Conn } from "@db/client";
import { noShowRestriction } from "~/modules/learning/attendance.server";

export type Restriction = { until: number; reason: string };

export function waitlistOnlyRestriction(
  conn: Conn,
  person: { userId: number; familyMemberId: number | null },
  now: number,
): Restriction | null {
  const r = noShowRestriction(conn, person.userId, now, person.familyMemberId);
  return r ? { until: r.until, reason: r.message } : null;
}
