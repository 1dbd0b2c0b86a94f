/**
 * The seam between scheduling and enrolment. Scheduling notifies "the people enrolled in a run"
 * and shows "seats left" without knowing the enrolment tables; the enrolment module (issue 6)
 * replaces the bodies of these functions with queries on its own tables. Keep the signatures.
 */
import type { Conn } from "@db/client";

/** User ids to notify about a run's changes (confirmed and waitlisted learners, and whoever
 * enrolled a family member). Until enrolment exists: nobody. */
export function listRunParticipantUserIds(_conn: Conn, _runId: number): number[] {
  return [];
}

/** Confirmed seats per run (runs without enrolments may be missing from the map). */
export function seatsTakenByRun(_conn: Conn, _runIds: number[]): Map<number, number> {
  return new Map();
}

export type RosterEntry = { name: string; status: string; note?: string };

/** The roster a teacher sees on /teach. Until enrolment exists: empty. */
export function listRunRoster(_conn: Conn, _runId: number): RosterEntry[] {
  return [];
}
