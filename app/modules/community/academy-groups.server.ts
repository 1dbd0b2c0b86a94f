/** What the academy page shows of the groups slice: organisations, public topics, proposals, open surveys. */
import type { DB } from "@db/client";
import { listPublicTopics } from "./deliberation.server";
import { listAcademyOrganisations } from "./organisations.server";
import { listAcademyProposals, listSurveys } from "./proposals.server";

export function academyGroupsSummary(db: DB, academyId: number) {
  return {
    organisations: listAcademyOrganisations(db, academyId),
    topics: listPublicTopics(db, academyId, 6),
    proposals: listAcademyProposals(db, academyId, 5),
    surveys: listSurveys(db, academyId, { openOnly: true }).slice(0, 3),
  };
}
