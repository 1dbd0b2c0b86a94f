/**
 * An organisation's activities and their total participations (参与人次). The activities slice owns
 * the activities table and the one participation rule; this file is the only place the groups slice
 * reads them, so wiring them in is one change here.
 */
import type { Conn } from "@db/client";

export type OrgActivity = { id: number; title: string; startsAt: number; participations: number };

export function organisationActivityStats(_conn: Conn, _orgId: number): { activities: OrgActivity[]; totalParticipations: number } {
  // Until activities (with organisation_id) and the participation function are on main, an
  // organisation has no recorded activities.
  return { activities: [], totalParticipations: 0 };
}
