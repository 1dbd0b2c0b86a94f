import { and, eq, sql } from "drizzle-orm";
import {
  auditLog,
  courseProposals,
  courseVersions,
  courses,
  notifications,
  proposalVotes,
  surveyResponses,
} from "@db/schema";
import { publishCourse } from "~/modules/catalog/courses.server";
import {
  addComment,
  adoptIntoCityLibrary,
  answerSurvey,
  castVote,
  closeDueProposals,
  createSurvey,
  draftCoursesForNotice,
  getProposalPage,
  parseQuestions,
  startNotice,
  surveyResults,
} from "~/modules/community/proposals.server";
import { proposalOutcome } from "~/modules/community/groups-labels";
import { createActor } from "@tests/factories/users";
import { createTestDb } from "@tests/factories/db";
import { groupsWorld, userErrorOf } from "@tests/factories/community-groups";

let db: ReturnType<typeof createTestDb>;
beforeEach(() => {
  db = createTestDb();
});
afterEach(() => db.cleanup());

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 2, 2, 0); // 2026-11-02 10:00 Shanghai

function notice(
  w: Awaited<ReturnType<typeof groupsWorld>>,
  opts: { days?: number; thresholdPercent?: number; minVotes?: number } = {},
) {
  return startNotice(
    db,
    w.managerA,
    w.a.id,
    {
      courseId: w.draftA.course.id,
      days: opts.days ?? 7,
      thresholdPercent: opts.thresholdPercent ?? 60,
      minVotes: opts.minVotes ?? 3,
    },
    null,
    T0,
  );
}

const versionStatus = (courseId: number) =>
  db.select().from(courseVersions).where(eq(courseVersions.courseId, courseId)).get()!.status;

describe("needs survey", () => {
  it("each resident answers once; a required question left empty is a message next to it", async () => {
    const w = await groupsWorld(db);
    const s = createSurvey(
      db,
      w.managerA,
      w.a.id,
      {
        title: "您想学什么？",
        questions: "最想学的方向：闽南文化/健康生活/手工艺*\n您方便的时间*\n其他建议",
      },
      null,
    );
    expect(s.questions.map((q) => [q.kind, q.required])).toEqual([
      ["choice", true],
      ["text", true],
      ["text", false],
    ]);
    expect(userErrorOf(() => answerSurvey(db, w.r1, s.id, { q1: "闽南文化", q2: "  " }))).toEqual({
      message: "“您方便的时间”是必答题，请填写。",
      field: "q2",
    });
    expect(userErrorOf(() => answerSurvey(db, w.r1, s.id, { q1: "跳伞", q2: "周末" })).field).toBe(
      "q1",
    );
    // A radio left unchosen is simply missing from the form: the same message next to it.
    expect(userErrorOf(() => answerSurvey(db, w.r1, s.id, { q2: "周末" }))).toEqual({
      message: "“最想学的方向”是必答题，请填写。",
      field: "q1",
    });
    expect(
      db
        .select({ n: sql<number>`count(*)` })
        .from(surveyResponses)
        .get()!.n,
    ).toBe(0);
    answerSurvey(db, w.r1, s.id, { q1: "闽南文化", q2: "周六上午" });
    expect(
      userErrorOf(() => answerSurvey(db, w.r1, s.id, { q1: "健康生活", q2: "晚上" })).message,
    ).toBe("您已经填写过这份调查了，每人只能填一次。谢谢！");
    answerSurvey(db, w.r2, s.id, { q1: "闽南文化", q2: "晚上", q3: "想学南音" });
    const res = surveyResults(db, w.managerA, s.id);
    expect(res.responses).toBe(2);
    expect(res.questions[0]!.counts).toEqual([
      { option: "闽南文化", n: 2 },
      { option: "健康生活", n: 0 },
      { option: "手工艺", n: 0 },
    ]);
    expect(() => parseQuestions("")).toThrow("请至少写一个问题。");
  });
});

describe("public notice (公示)", () => {
  it("one vote per resident, only inside the window", async () => {
    const w = await groupsWorld(db);
    const p = notice(w);
    expect(userErrorOf(() => castVote(db, w.r1, p.id, { choice: "support" }, T0 - 1)).message).toBe(
      "公示还没有开始，暂不能投票。",
    );
    castVote(db, w.r1, p.id, { choice: "support" }, T0 + DAY);
    expect(userErrorOf(() => castVote(db, w.r1, p.id, { choice: "oppose" }, T0 + DAY))).toEqual({
      message: "您已经投过票了，每人只能投一次。",
      field: "choice",
    });
    expect(
      userErrorOf(() => castVote(db, w.r2, p.id, { choice: "support" }, T0 + 7 * DAY)),
    ).toEqual({ message: "公示期已结束，不能再投票。", field: "choice" });
    expect(userErrorOf(() => addComment(db, w.r2, p.id, { body: "好" }, T0 + 8 * DAY)).field).toBe(
      "body",
    );
    addComment(db, w.r2, p.id, { body: "希望安排在周末" }, T0 + DAY);
    expect(
      db
        .select({ n: sql<number>`count(*)` })
        .from(proposalVotes)
        .get()!.n,
    ).toBe(1);
    expect(() =>
      db
        .insert(proposalVotes)
        .values({ proposalId: p.id, userId: w.r1.id, choice: "oppose", createdAt: T0 })
        .run(),
    ).toThrow(/UNIQUE/);
    const page = getProposalPage(db, w.r1, p.id, T0 + DAY);
    expect(page).toMatchObject({
      myVote: "support",
      open: true,
      counts: { support: 1, oppose: 0 },
    });
    expect(page.comments).toHaveLength(1);
    expect(page.trail.map((t) => t.action)).toEqual(["proposal.notice"]);
  });

  it("the job accepts at the threshold, sends the draft to HQ review, tells voters, and is idempotent", async () => {
    const w = await groupsWorld(db);
    const p = notice(w, { thresholdPercent: 60, minVotes: 3 });
    const r4 = await createActor(db, []);
    const r5 = await createActor(db, []);
    for (const [who, choice] of [
      [w.r1, "support"],
      [w.r2, "support"],
      [w.r3, "support"],
      [r4, "oppose"],
      [r5, "oppose"],
    ] as const)
      castVote(db, who, p.id, { choice }, T0 + DAY);
    // Not yet due: nothing happens.
    expect(closeDueProposals(db, T0 + 7 * DAY - 1)).toEqual([]);
    expect(versionStatus(w.draftA.course.id)).toBe("draft");
    const decided = closeDueProposals(db, T0 + 7 * DAY);
    expect(decided).toEqual([
      { id: p.id, outcome: "accepted", support: 3, oppose: 2, submitted: true },
    ]);
    expect(versionStatus(w.draftA.course.id)).toBe("review");
    // Running the job again (or from another process) decides nothing more.
    expect(closeDueProposals(db, T0 + 8 * DAY)).toEqual([]);
    const row = db.select().from(courseProposals).where(eq(courseProposals.id, p.id)).get()!;
    expect(row).toMatchObject({
      status: "accepted",
      supportCount: 3,
      opposeCount: 2,
      decidedAt: T0 + 7 * DAY,
    });
    expect(
      db
        .select()
        .from(notifications)
        .where(eq(notifications.userId, r5.id))
        .all()
        .map((n) => n.title),
    ).toEqual(["课程公示结果：“社区口述史工作坊”通过"]);
    const page = getProposalPage(db, null, p.id, T0 + 8 * DAY);
    expect(page.trail.map((t) => t.action)).toEqual([
      "proposal.notice",
      "proposal.accepted",
      "proposal.submit_review",
    ]);
    expect(page.course.state).toBe("review");
    // A second notice can't start on a course in review.
    expect(draftCoursesForNotice(db, w.managerA, w.a.id)).toEqual([]);

    // HQ publishes it as the academy's 社区特色课程, then adopts it into the city library.
    expect(userErrorOf(() => adoptIntoCityLibrary(db, w.hq, p.id, null)).message).toContain(
      "请先审核发布",
    );
    publishCourse(db, w.hq, w.draftA.course.id, null);
    expect(
      db.select().from(courses).where(eq(courses.id, w.draftA.course.id)).get()!.sourceLevel,
    ).toBe("community");
    adoptIntoCityLibrary(db, w.hq, p.id, null);
    expect(db.select().from(courses).where(eq(courses.id, w.draftA.course.id)).get()).toMatchObject(
      { sourceLevel: "city", ownerType: "city", ownerId: 0 },
    );
    expect(
      db
        .select()
        .from(auditLog)
        .where(
          and(eq(auditLog.targetType, "course_proposal"), eq(auditLog.action, "proposal.adopt")),
        )
        .all(),
    ).toHaveLength(1);
  });

  it("below the threshold or below the minimum turnout the proposal fails and the draft stays a draft", async () => {
    const w = await groupsWorld(db);
    const p = notice(w, { thresholdPercent: 67, minVotes: 2 });
    castVote(db, w.r1, p.id, { choice: "support" }, T0 + DAY);
    castVote(db, w.r2, p.id, { choice: "oppose" }, T0 + DAY);
    expect(closeDueProposals(db, T0 + 7 * DAY)).toMatchObject([
      { outcome: "rejected", support: 1, oppose: 1 },
    ]);
    expect(versionStatus(w.draftA.course.id)).toBe("draft");
    expect(proposalOutcome({ support: 2, oppose: 1, thresholdPercent: 67, minVotes: 2 })).toBe(
      "rejected",
    ); // 66.7 %
    expect(proposalOutcome({ support: 2, oppose: 1, thresholdPercent: 66, minVotes: 2 })).toBe(
      "accepted",
    );
    expect(proposalOutcome({ support: 2, oppose: 0, thresholdPercent: 50, minVotes: 3 })).toBe(
      "rejected",
    );
    expect(proposalOutcome({ support: 0, oppose: 0, thresholdPercent: 1, minVotes: 0 })).toBe(
      "rejected",
    );
  });

  it("a notice needs an academy draft with a summary, objectives and syllabus; bad numbers are field messages", async () => {
    const w = await groupsWorld(db);
    expect(
      userErrorOf(() =>
        startNotice(
          db,
          w.managerA,
          w.a.id,
          { courseId: w.draftB.course.id, days: 7, thresholdPercent: 60, minVotes: 3 },
          null,
          T0,
        ),
      ).field,
    ).toBe("courseId");
    expect(
      userErrorOf(() =>
        startNotice(
          db,
          w.managerA,
          w.a.id,
          { courseId: w.draftA.course.id, days: 0, thresholdPercent: 60, minVotes: 3 },
          null,
          T0,
        ),
      ),
    ).toEqual({ message: "公示至少 1 天。", field: "days" });
    expect(
      userErrorOf(() =>
        startNotice(
          db,
          w.managerA,
          w.a.id,
          { courseId: w.draftA.course.id, days: 7, thresholdPercent: 101, minVotes: 3 },
          null,
          T0,
        ),
      ).field,
    ).toBe("thresholdPercent");
    db.update(courseVersions)
      .set({ objectives: [] })
      .where(eq(courseVersions.courseId, w.draftA.course.id))
      .run();
    expect(userErrorOf(() => notice(w)).message).toBe("公示前请在课程编辑页填写：学习目标。");
    expect(
      db
        .select({ n: sql<number>`count(*)` })
        .from(courseProposals)
        .get()!.n,
    ).toBe(0);
  });
});

describe("the scheduled job", () => {
  it("is registered with the job runner and closes due notices when it runs", async () => {
    const { registerAllJobs } = await import("~/modules/ops/job-list.server");
    const { registeredJobs } = await import("~/modules/ops/jobs.server");
    registerAllJobs();
    const job = registeredJobs().find((j) => j.name === "community.close-proposals")!;
    expect(job.schedule).toBe("* * * * *");
    const w = await groupsWorld(db);
    const p = notice(w, { minVotes: 0, thresholdPercent: 50 });
    castVote(db, w.r1, p.id, { choice: "support" }, T0 + DAY);
    expect(await job.run(db, T0 + DAY)).toEqual({ decided: 0, accepted: 0 });
    expect(await job.run(db, T0 + 7 * DAY)).toEqual({ decided: 1, accepted: 1 });
    expect(await job.run(db, T0 + 7 * DAY)).toEqual({ decided: 0, accepted: 0 });
    expect(versionStatus(w.draftA.course.id)).toBe("review");
  });
});
