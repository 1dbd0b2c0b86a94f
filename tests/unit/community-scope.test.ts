import { sql } from "drizzle-orm";
import {
  auditLog,
  courseProposals,
  courseVersions,
  meetings,
  needsSurveys,
  organisationMembers,
  organisations,
  organisationStageChanges,
  topics,
  topicTasks,
  volunteerHours,
  volunteerSignups,
} from "@db/schema";
import { markdownToDoc } from "~/modules/catalog/richtext.server";
import {
  acceptTopic,
  addAddendum,
  addTask,
  closeMeeting,
  closeTopic,
  createTopic,
  decideTopic,
  listManagedTopics,
  raiseTopic,
  saveMinutes,
  scheduleMeeting,
  setTopicVisibility,
  updateTask,
} from "~/modules/community/deliberation.server";
import {
  applyToJoin,
  changeLeader,
  changeStage,
  createOrganisation,
  decideApplication,
  listManagedOrganisations,
} from "~/modules/community/organisations.server";
import {
  closeSurvey,
  createSurvey,
  draftCoursesForNotice,
  listManagedProposals,
  startNotice,
  surveyResults,
  withdrawNotice,
} from "~/modules/community/proposals.server";
import {
  confirmVolunteer,
  listAcademyVolunteers,
  recordVolunteerHours,
  volunteerWithOrganisation,
} from "~/modules/community/volunteers.server";
import { createTestDb } from "@tests/factories/db";
import { groupsWorld, phoneOf, statusOf } from "@tests/factories/community-groups";

let db: ReturnType<typeof createTestDb>;
beforeEach(() => {
  db = createTestDb();
});
afterEach(() => db.cleanup());

const TABLES = {
  organisations,
  organisationMembers,
  organisationStageChanges,
  topics,
  meetings,
  topicTasks,
  needsSurveys,
  courseProposals,
  volunteerSignups,
  volunteerHours,
  auditLog,
  courseVersions,
};

function snapshot() {
  return Object.fromEntries(
    Object.entries(TABLES).map(([k, t]) => [
      k,
      JSON.stringify(
        db
          .select()
          .from(t)
          .orderBy(sql`1`)
          .all(),
      ),
    ]),
  );
}

describe("groups scope checks", () => {
  it("a manager of academy A gets 403 on B's organisations, topics, proposals and volunteers, and nothing changes", async () => {
    const w = await groupsWorld(db);
    const B = w.managerB;
    const org = createOrganisation(
      db,
      B,
      w.b.id,
      { name: "莲花合唱团", type: "culture", leaderPhone: phoneOf(db, w.r1.id) },
      null,
    );
    const app = applyToJoin(db, w.r2, org.id, {});
    const proposed = raiseTopic(db, w.r3, w.b.id, { title: "加装电梯" });
    const topic = createTopic(db, B, w.b.id, { title: "停车管理", visibility: "public" }, null);
    const meeting = scheduleMeeting(
      db,
      B,
      topic.id,
      { kind: "hearing", date: "2026-01-10", time: "19:00", roomId: w.roomB.id },
      null,
    );
    const task = addTask(
      db,
      B,
      topic.id,
      { title: "划线", owner: "物业", dueDate: "2026-02-01" },
      null,
    );
    const survey = createSurvey(db, B, w.b.id, { title: "需求调查", questions: "想学什么*" }, null);
    const proposal = startNotice(
      db,
      B,
      w.b.id,
      { courseId: w.draftB.course.id, days: 7, thresholdPercent: 60, minVotes: 1 },
      null,
    );
    const signup = volunteerWithOrganisation(db, w.r3, org.id, {});
    const before = snapshot();

    const A = w.managerA;
    const doc = JSON.stringify(markdownToDoc("捣乱"));
    const attempts: [string, () => unknown][] = [
      [
        "register an organisation in B",
        () =>
          createOrganisation(
            db,
            A,
            w.b.id,
            { name: "捣乱团", type: "other", leaderPhone: phoneOf(db, w.r2.id) },
            null,
          ),
      ],
      ["list B's organisations", () => listManagedOrganisations(db, A, w.b.id)],
      [
        "change B's organisation stage",
        () => changeStage(db, A, org.id, { to: "incubating" }, null),
      ],
      ["decide an application in B", () => decideApplication(db, A, app.id, true, null)],
      ["change B's organisation leader", () => changeLeader(db, A, org.id, w.r1.id, null)],
      ["list B's topics", () => listManagedTopics(db, A, w.b.id)],
      ["raise a manager topic in B", () => createTopic(db, A, w.b.id, { title: "捣乱议题" }, null)],
      ["accept B's topic", () => acceptTopic(db, A, proposed.id, "public", null)],
      ["close B's topic", () => closeTopic(db, A, topic.id, { reason: "捣乱" }, null)],
      ["decide B's topic", () => decideTopic(db, A, topic.id, "捣乱结果", null)],
      ["hide B's topic", () => setTopicVisibility(db, A, topic.id, "internal", null)],
      [
        "schedule a meeting in B",
        () =>
          scheduleMeeting(
            db,
            A,
            topic.id,
            { kind: "council", date: "2026-01-11", time: "19:00", place: "广场" },
            null,
          ),
      ],
      ["write B's minutes", () => saveMinutes(db, A, meeting.id, doc)],
      ["close B's meeting", () => closeMeeting(db, A, meeting.id, null)],
      ["add an addendum in B", () => addAddendum(db, A, meeting.id, doc, null)],
      [
        "add a task in B",
        () => addTask(db, A, topic.id, { title: "捣乱", owner: "我", dueDate: "2026-02-01" }, null),
      ],
      ["update B's task", () => updateTask(db, A, task.id, { status: "done" }, null)],
      [
        "publish a survey in B",
        () => createSurvey(db, A, w.b.id, { title: "捣乱调查", questions: "问题一" }, null),
      ],
      ["read B's survey results", () => surveyResults(db, A, survey.id)],
      ["close B's survey", () => closeSurvey(db, A, survey.id, null)],
      ["list B's draft courses", () => draftCoursesForNotice(db, A, w.b.id)],
      [
        "start a notice in B",
        () =>
          startNotice(
            db,
            A,
            w.b.id,
            { courseId: w.draftB.course.id, days: 7, thresholdPercent: 60, minVotes: 1 },
            null,
          ),
      ],
      ["list B's proposals", () => listManagedProposals(db, A, w.b.id)],
      ["withdraw B's notice", () => withdrawNotice(db, A, proposal.id, null)],
      ["list B's volunteers", () => listAcademyVolunteers(db, A, w.b.id)],
      ["confirm B's volunteer", () => confirmVolunteer(db, A, signup.id, null)],
      [
        "record hours in B",
        () => recordVolunteerHours(db, A, signup.id, { serviceDate: "2026-01-10", hours: 2 }, null),
      ],
    ];
    for (const [what, fn] of attempts) expect(statusOf(fn), what).toBe(403);
    expect(snapshot()).toEqual(before);
    // B's own manager can.
    expect(statusOf(() => listManagedOrganisations(db, B, w.b.id))).toBe(200);
    expect(statusOf(() => changeStage(db, B, org.id, { to: "incubating" }, null))).toBe(200);
  });
});
