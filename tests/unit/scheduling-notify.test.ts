import { eq } from "drizzle-orm";
import { classRuns, classSessions, enrollments, notifications } from "@db/schema";
import { enroll } from "~/modules/enrollment/enroll.server";
import { listRunParticipantUserIds } from "~/modules/scheduling/participants.server";
import {
  addSession,
  cancelSession,
  moveSession,
  setRunStatus,
  updateRun,
} from "~/modules/scheduling/runs.server";
import { localParts } from "~/utils/time";
import { createTestDb } from "@tests/factories/db";
import { createResident } from "@tests/factories/enrollment";
import {
  daysFromToday,
  runDefaults,
  scheduleRun,
  schedulingWorld,
} from "@tests/factories/scheduling";

let db: ReturnType<typeof createTestDb>;
beforeEach(() => {
  db = createTestDb();
});
afterEach(() => db.cleanup());

const inbox = (userId: number) =>
  db.select().from(notifications).where(eq(notifications.userId, userId)).all();

describe("moved and cancelled sessions reach the enrolled residents' 消息", () => {
  it("moving, cancelling and adding a session and cancelling the run notify every enrolled person, nobody else", async () => {
    const w = await schedulingWorld(db);
    const { run } = scheduleRun(db, w.managerA, w.a.id, {
      courseId: w.course.id,
      roomId: w.roomA.id,
      guestTeacher: "林老师",
      startDate: daysFromToday(8),
      weekdays: [1, 2, 3, 4, 5, 6, 7],
      startTime: "19:00",
      endTime: "20:30",
      capacity: 1,
    });
    const first = await createResident(db);
    const second = await createResident(db);
    const bystander = await createResident(db);
    await enroll(db, first, { runId: run.id });
    await enroll(db, second, { runId: run.id }); // waitlisted: still told
    expect(new Set(listRunParticipantUserIds(db, run.id))).toEqual(new Set([first.id, second.id]));

    const [s1, s2] = db
      .select()
      .from(classSessions)
      .where(eq(classSessions.runId, run.id))
      .orderBy(classSessions.startsAt)
      .all();
    const d1 = localParts(s1!.startsAt).date;
    moveSession(db, w.managerA, s1!.id, {
      date: d1,
      startTime: "09:30",
      endTime: "11:00",
      note: "晚上停电检修",
    });
    for (const p of [first, second]) {
      const msg = inbox(p.id).at(-1)!;
      expect(msg.title).toBe("调课通知：「百年党史在厦门」");
      expect(msg.body).toContain("09:30–11:00");
      expect(msg.body).toContain("晚上停电检修");
      expect(msg.link).toBe(`/classes/${run.id}`);
    }
    cancelSession(db, w.managerA, s2!.id, { reason: "台风停课" });
    expect(inbox(first.id).at(-1)!).toMatchObject({ title: "停课通知：「百年党史在厦门」" });
    expect(inbox(first.id).at(-1)!.body).toContain("台风停课");
    addSession(db, w.managerA, run.id, {
      date: daysFromToday(20),
      startTime: "19:00",
      endTime: "20:30",
    });
    expect(inbox(second.id).at(-1)!.title).toBe("加课通知：「百年党史在厦门」");
    setRunStatus(db, w.managerA, run.id, { to: "cancelled", reason: "教师生病" });
    expect(inbox(first.id).at(-1)!.body).toContain("教师生病");
    expect(inbox(first.id)).toHaveLength(4);
    expect(inbox(bystander.id)).toHaveLength(0);
  });
});

describe("raising a run's capacity", () => {
  it("promotes the waitlist into the new seats in the same edit, first come first served, and tells them", async () => {
    const w = await schedulingWorld(db);
    const { run } = scheduleRun(db, w.managerA, w.a.id, {
      courseId: w.course.id,
      roomId: w.roomA.id,
      guestTeacher: "林老师",
      startDate: daysFromToday(8),
      weekdays: [2],
      startTime: "19:00",
      endTime: "20:30",
      capacity: 1,
    });
    const [first, second, third] = [
      await createResident(db),
      await createResident(db),
      await createResident(db),
    ];
    for (const p of [first, second, third]) await enroll(db, p, { runId: run.id });
    const statusOf = (userId: number) =>
      db.select().from(enrollments).where(eq(enrollments.userId, userId)).get()!.status;
    expect([statusOf(first.id), statusOf(second.id), statusOf(third.id)]).toEqual([
      "confirmed",
      "waitlisted",
      "waitlisted",
    ]);
    expect(db.select().from(classRuns).where(eq(classRuns.id, run.id)).get()!.status).toBe("full");

    const current = db.select().from(classRuns).where(eq(classRuns.id, run.id)).get()!;
    updateRun(db, w.managerA, run.id, {
      ...runDefaults,
      roomId: current.roomId,
      guestTeacher: current.guestTeacher,
      minAge: undefined,
      maxAge: undefined,
      enrollOpensAt: undefined,
      enrollClosesAt: undefined,
      cancelDeadlineAt: undefined,
      capacity: 2,
    });
    expect([statusOf(first.id), statusOf(second.id), statusOf(third.id)]).toEqual([
      "confirmed",
      "confirmed",
      "waitlisted",
    ]);
    expect(inbox(second.id).at(-1)!.title).toContain("候补");
    expect(inbox(third.id)).toHaveLength(0);
    expect(db.select().from(classRuns).where(eq(classRuns.id, run.id)).get()!.status).toBe("full");
  });
});
