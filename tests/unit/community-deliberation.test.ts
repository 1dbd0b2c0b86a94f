import { eq, sql } from "drizzle-orm";
import {
  auditLog,
  meetingAddenda,
  meetings,
  notifications,
  topics,
  volunteerHours as volunteerHoursTable,
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
  FROZEN_MINUTES,
  getTopicPage,
  listPublicTopics,
  raiseTopic,
  recordPresence,
  saveMinutes,
  scheduleMeeting,
  updateTask,
} from "~/modules/community/deliberation.server";
import { createOrganisation } from "~/modules/community/organisations.server";
import {
  confirmVolunteer,
  recordVolunteerHours,
  volunteerService,
  volunteerWithOrganisation,
} from "~/modules/community/volunteers.server";
import { createTestDb } from "@tests/factories/db";
import { groupsWorld, phoneOf, statusOf, userErrorOf } from "@tests/factories/community-groups";

let db: ReturnType<typeof createTestDb>;
beforeEach(() => {
  db = createTestDb();
});
afterEach(() => db.cleanup());

const doc = (md: string) => JSON.stringify(markdownToDoc(md));

describe("deliberation", () => {
  it("a resident's topic is accepted or closed with a reason, and the raiser is told", async () => {
    const w = await groupsWorld(db);
    const t1 = raiseTopic(db, w.r1, w.a.id, {
      title: "3 号楼加装电梯",
      description: "老人上下楼困难",
    });
    expect(t1.status).toBe("proposed");
    // Others don't see a topic waiting for acceptance.
    expect(statusOf(() => getTopicPage(db, w.r2, t1.id))).toBe(404);
    expect(statusOf(() => getTopicPage(db, w.r1, t1.id))).toBe(200);
    acceptTopic(db, w.managerA, t1.id, "public", null);
    expect(listPublicTopics(db, w.a.id).map((t) => t.title)).toEqual(["3 号楼加装电梯"]);
    const t2 = raiseTopic(db, w.r2, w.a.id, { title: "广场舞音量" });
    expect(userErrorOf(() => closeTopic(db, w.managerA, t2.id, { reason: "" }, null)).field).toBe(
      "reason",
    );
    closeTopic(db, w.managerA, t2.id, { reason: "已转交物业处理" }, null);
    expect(db.select().from(topics).where(eq(topics.id, t2.id)).get()).toMatchObject({
      status: "closed",
      closeReason: "已转交物业处理",
    });
    expect(
      db.select().from(notifications).where(eq(notifications.userId, w.r2.id)).all()[0]!.body,
    ).toContain("已转交物业处理");
    // The schema holds the rule too.
    expect(() =>
      db.update(topics).set({ closeReason: "" }).where(eq(topics.id, t2.id)).run(),
    ).toThrow(/CHECK/);
  });

  it("a closed meeting's minutes are frozen; later changes are dated addenda; tasks run until done", async () => {
    const w = await groupsWorld(db);
    const topic = createTopic(
      db,
      w.managerA,
      w.a.id,
      { title: "楼道堆物清理", visibility: "public" },
      null,
    );
    const m = scheduleMeeting(
      db,
      w.managerA,
      topic.id,
      {
        kind: "council",
        date: "2026-01-10",
        time: "19:30",
        roomId: w.roomA.id,
        invitePhones: `${phoneOf(db, w.r1.id)}\n${phoneOf(db, w.r2.id)}`,
        guests: "物业 王经理",
      },
      null,
    );
    expect(
      db.select().from(notifications).where(eq(notifications.userId, w.r1.id)).all()[0]!.title,
    ).toBe("会议通知：议事会“楼道堆物清理”");
    expect(
      userErrorOf(() =>
        scheduleMeeting(
          db,
          w.managerA,
          topic.id,
          {
            kind: "council",
            date: "2026-01-10",
            time: "19:30",
            roomId: w.roomA.id,
            invitePhones: "13000000009",
          },
          null,
        ),
      ).field,
    ).toBe("invitePhones");
    expect(
      userErrorOf(() =>
        scheduleMeeting(
          db,
          w.managerA,
          topic.id,
          { kind: "hearing", date: "2026-01-10", time: "19:30", roomId: w.roomB.id },
          null,
        ),
      ).field,
    ).toBe("roomId");

    saveMinutes(db, w.managerA, m.id, doc("## 议定事项\n\n- 本周六集中清理"));
    const page = getTopicPage(db, w.managerA, topic.id);
    const [meeting] = page.meetings;
    recordPresence(db, w.managerA, m.id, [meeting!.invited[0]!.id, meeting!.invited[2]!.id]);
    closeMeeting(db, w.managerA, m.id, null);
    expect(userErrorOf(() => saveMinutes(db, w.managerA, m.id, doc("改写")))).toEqual({
      message: FROZEN_MINUTES,
      field: "minutes",
    });
    expect(db.select().from(meetings).where(eq(meetings.id, m.id)).get()!.minutesText).toContain(
      "本周六集中清理",
    );
    expect(userErrorOf(() => recordPresence(db, w.managerA, m.id, [])).message).toContain("已定稿");
    addAddendum(db, w.managerA, m.id, doc("清理时间改为周日上午。"), null);
    expect(
      db
        .select({ n: sql<number>`count(*)` })
        .from(meetingAddenda)
        .get()!.n,
    ).toBe(1);

    const task = addTask(
      db,
      w.managerA,
      topic.id,
      { title: "张贴清理通知", owner: "物业公司", dueDate: "2026-01-15" },
      null,
      m.id,
    );
    updateTask(db, w.managerA, task.id, { status: "doing", progress: "已张贴 3 栋" }, null);
    updateTask(db, w.managerA, task.id, { status: "done", progress: "全部完成" }, null);
    expect(
      userErrorOf(() => updateTask(db, w.managerA, task.id, { status: "doing" }, null)).message,
    ).toBe("这个事项已经完成并关闭了。");
    decideTopic(db, w.managerA, topic.id, "每月第一个周六集中清理楼道", null);

    // A resident of the academy sees the outcome and progress, with names masked.
    const pub = getTopicPage(db, w.r3, topic.id);
    expect(pub.topic).toMatchObject({ status: "decided", outcome: "每月第一个周六集中清理楼道" });
    expect(pub.tasks).toMatchObject([{ status: "done", progress: "全部完成" }]);
    expect(pub.meetings[0]!.presentCount).toBe(2);
    expect(pub.meetings[0]!.minutesHtml).toContain("本周六集中清理");
    expect(pub.meetings[0]!.addenda).toHaveLength(1);
    expect(pub.meetings[0]!.invited.map((p) => p.name)).not.toContain(w.r1.name);
    expect(pub.meetings[0]!.invited.map((p) => p.name)).toContain("物业 王经理");
    expect(listPublicTopics(db, w.a.id)[0]!.tasks).toEqual({ total: 1, done: 1 });
    expect(
      db
        .select()
        .from(auditLog)
        .all()
        .map((a) => a.action),
    ).toEqual(
      expect.arrayContaining([
        "topic.create",
        "meeting.schedule",
        "meeting.close",
        "meeting.addendum",
        "topic.task",
        "topic.task.update",
        "topic.decide",
      ]),
    );
  });

  it("an internal topic is hidden from residents (403) and from the public list", async () => {
    const w = await groupsWorld(db);
    const t = createTopic(
      db,
      w.managerA,
      w.a.id,
      { title: "停车管理方案（内部）", visibility: "internal" },
      null,
    );
    expect(statusOf(() => getTopicPage(db, w.r1, t.id))).toBe(403);
    expect(statusOf(() => getTopicPage(db, null, t.id))).toBe(403);
    expect(statusOf(() => getTopicPage(db, w.huliStaff, t.id))).toBe(200);
    expect(listPublicTopics(db, w.a.id)).toEqual([]);
  });
});

describe("volunteers", () => {
  it("confirmed community hours join the same 志愿服务时长 record teachers have", async () => {
    const w = await groupsWorld(db);
    const org = createOrganisation(
      db,
      w.managerA,
      w.a.id,
      { name: "环保志愿队", type: "volunteer", leaderPhone: phoneOf(db, w.r1.id) },
      null,
    );
    const s = volunteerWithOrganisation(db, w.r2, org.id, {});
    expect(userErrorOf(() => volunteerWithOrganisation(db, w.r2, org.id, {})).message).toBe(
      "您已经报名做这里的志愿者了，不用重复报名。",
    );
    expect(
      userErrorOf(() =>
        recordVolunteerHours(db, w.managerA, s.id, { serviceDate: "2026-01-10", hours: 2 }, null),
      ).message,
    ).toContain("请先确认");
    expect(volunteerService(db, w.r2.id)).toBeNull();
    confirmVolunteer(db, w.managerA, s.id, null);
    expect(
      userErrorOf(() =>
        recordVolunteerHours(db, w.managerA, s.id, { serviceDate: "2026-01-10", hours: 0 }, null),
      ).field,
    ).toBe("hours");
    expect(
      statusOf(() =>
        recordVolunteerHours(db, w.managerB, s.id, { serviceDate: "2026-01-10", hours: 2 }, null),
      ),
    ).toBe(403);
    recordVolunteerHours(
      db,
      w.managerA,
      s.id,
      { serviceDate: "2026-01-10", hours: 2.5, note: "垃圾分类督导" },
      null,
    );
    expect(volunteerService(db, w.r2.id)).toEqual({
      kind: null,
      sessions: 0,
      minutes: 150,
      runs: 0,
      teachingMinutes: 0,
      communityMinutes: 150,
      services: 1,
    });
    expect(() =>
      db
        .insert(volunteerHoursTable)
        .values({
          signupId: s.id,
          userId: w.r2.id,
          serviceDate: "2026-01-11",
          minutes: 0,
          confirmedAt: 1,
        })
        .run(),
    ).toThrow(/CHECK/);
  });
});
