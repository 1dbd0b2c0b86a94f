/**
 * The seam between enrolment and the no-show policy (issue 6, second half). A person under the
 * policy may join waitlists only: enrolment puts them on the waitlist even when seats are free,
 * and waitlist promotion passes over them. Until the policy exists: nobody is restricted.
 * Keep the signature; the learning module replaces the body with a query on its own tables.
 */
import type { Conn } from "@db/client";

export type Restriction = { until: number; reason: string };

export function waitlistOnlyRestriction(
  _conn: Conn,
  _person: { userId: number; familyMemberId: number | null },
  _now: number,
): Restriction | null {
  return null;
}
