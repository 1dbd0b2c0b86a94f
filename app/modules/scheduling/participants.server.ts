/**
 * The seam between scheduling and enrolment. Scheduling notifies "the people enrolled in a run"
 * and shows "seats left" without knowing the enrolment tables; the bodies below are the
 * enrolment module's queries on its own tables. Keep the signatures.
 */
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { type Conn } from "@db/client";
import { enrollments, familyMembers, users } from "@db/schema";
import { activeUserIds, confirmedCountsOf, rebalanceRun } from "~/modules/enrollment/seats.server";

/** User ids to notify about a run's changes (confirmed, waitlisted and lottery learners, and whoever
 * enrolled a family member). Walk-ins without an account are not notified. */
export function listRunParticipantUserIds(conn: Conn, runId: number): number[] {
  return activeUserIds(conn, runId);
}

/** After a run's settings changed (a larger capacity frees seats): promote the waitlist into the
 * free seats and keep the run's status in step, inside the caller's transaction. Returns who moved up. */
export function afterRunSettingsChanged(conn: Conn, runId: number, now = Date.now()) {
  return rebalanceRun(conn, runId, now);
}

/** Confirmed seats per run (runs without enrolments may be missing from the map); noted for the
 * page cache (confirmedCountsOf). */
export function seatsTakenByRun(conn: Conn, runIds: number[]): Map<number, number> {
  return confirmedCountsOf(conn, "run", runIds);
}

export type RosterEntry = { name: string; status: string; note?: string };

/** The roster a teacher sees on /teach: confirmed learners, then the waitlist in order. */
export function listRunRoster(conn: Conn, runId: number): RosterEntry[] {
  const rows = conn
    .select({
      status: enrollments.status,
      walkinName: enrollments.walkinName,
      ownerName: users.name,
      memberName: familyMembers.name,
      relation: familyMembers.relation,
    })
    .from(enrollments)
    .leftJoin(users, eq(users.id, enrollments.userId))
    .leftJoin(familyMembers, eq(familyMembers.id, enrollments.familyMemberId))
    .where(
      and(eq(enrollments.runId, runId), inArray(enrollments.status, ["confirmed", "waitlisted"])),
    )
    .orderBy(
      sql`CASE ${enrollments.status} WHEN 'confirmed' THEN 0 ELSE 1 END`,
      asc(enrollments.queueKey),
      asc(enrollments.id),
    )
    .all();
  let position = 0;
  return rows.map((r) => {
    const waitlisted = r.status === "waitlisted";
    if (waitlisted) position++;
    const name = r.walkinName ?? r.memberName ?? r.ownerName ?? "学员";
    const note = r.walkinName
      ? "现场报名"
      : r.memberName
        ? `${r.relation}，由 ${r.ownerName} 代报`
        : undefined;
    return {
      name,
      status: waitlisted ? `候补第 ${position} 位` : "已报名",
      ...(note ? { note } : {}),
    };
  });
}
