/**
 * An organisation's activities and their total participations (参与人次), by the activities
 * slice's one participation rule (`countParticipations`, scope organisation).
 */
import { and, desc, eq } from "drizzle-orm";
import type { Conn } from "@db/client";
import { activities } from "@db/schema";
import { countParticipations } from "./activities-participation.server";

export type OrgActivity = { id: number; title: string; startsAt: number; participations: number };

export function organisationActivityStats(
  conn: Conn,
  orgId: number,
  limit = 20,
): { activities: OrgActivity[]; totalParticipations: number; count: number } {
  const counted = countParticipations(conn, {
    scope: { kind: "organisation", id: orgId },
    perActivity: true,
  });
  const rows = conn
    .select({ id: activities.id, title: activities.title, startsAt: activities.startsAt })
    .from(activities)
    .where(and(eq(activities.organisationId, orgId), eq(activities.status, "scheduled")))
    .orderBy(desc(activities.startsAt))
    .limit(limit)
    .all();
  return {
    activities: rows.map((r) => ({
      ...r,
      participations: counted.byActivity?.get(r.id)?.total ?? 0,
    })),
    totalParticipations: counted.total,
    count: counted.activities,
  };
}
