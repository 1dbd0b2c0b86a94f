import { eq, sql } from "drizzle-orm";
import { classRuns, classSessions } from "@db/schema";
import {
  addRecurrence,
  addSession,
  cancelSession,
  moveSession,
} from "~/modules/scheduling/runs.server";
import { addClosedDates } from "~/modules/scheduling/calendar.server";
import { UserError } from "~/utils/errors";
import { createTestDb } from "@tests/factories/db";
import { createAcademy } from "@tests/factories/org";
import { createActor } from "@tests/factories/users";
import {
  acceptedOrder,
  createRoom,
  daysFromToday,
  scheduleRun,
  schedulingWorld,
} from "@tests/factories/scheduling";

let db: ReturnType<typeof createTestDb>;
beforeEach(() => {
  db = createTestDb();
});
afterEach(() => db.cleanup());

const sessionCount = () =>
  db
    .select({ n: sql<number>`count(*)` })
    .from(classSessions)
    .get()!.n;
const runCount = () =>
  db
    .select({ n: sql<number>`count(*)` })
    .from(classRuns)
    .get()!.n;

function refusal(fn: () => unknown) {
  try {
    fn();
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  throw new Error("expected a refusal");
}

/** Next date (from 7 days ahead) that falls on an ISO weekday. */
function nextWeekday(weekday: number) {
  for (let i = 7; i < 14; i++) {
    const d = daysFromToday(i);
    const wd = new Date(`${d}T00:00:00Z`).getUTCDay() || 7;
    if (wd === weekday) return d;
  }
  throw new Error("unreachable");
}

describe("room conflicts", () => {
  it("refuses a second class in the same room at an overlapping time, in Chinese, naming the other class and the next free slot", async () => {
    const w = await schedulingWorld(db);
    const date = nextWeekday(2);
    scheduleRun(db, w.managerA, w.a.id, {
      courseId: w.course.id,
      roomId: w.roomA.id,
      guestTeacher: "林老师",
      startDate: date,
      weekdays: [2],
      startTime: "10:00",
      endTime: "11:30",
      weeks: 4,
    });
    const e = refusal(() =>
      scheduleRun(db, w.managerA, w.a.id, {
        courseId: w.other.course.id,
        roomId: w.roomA.id,
        guestTeacher: "王老师",
        startDate: date,
        weekdays: [2],
        startTime: "11:00",
        endTime: "12:00",
        weeks: 2,
      }),
    );
    expect(e.message).toContain("时间冲突");
    expect(e.message).toContain("教室「多功能厅」");
    expect(e.message).toContain("「百年党史在厦门」（湖边社区书院·多功能厅）");
    // 10:00–11:30 is taken, so the next free hour on the half hour is 11:30–12:30 the same day.
    expect(e.message).toMatch(/建议改到 \d+月\d+日 周二 11:30–12:30/);
    expect(e.field).toBe("startDate");
  });

  it("lets touching sessions share a room: 10:00–11:00 then 11:00–12:00", async () => {
    const w = await schedulingWorld(db);
    const date = nextWeekday(3);
    scheduleRun(db, w.managerA, w.a.id, {
      courseId: w.course.id,
      roomId: w.roomA.id,
      guestTeacher: "林老师",
      startDate: date,
      weekdays: [3],
      startTime: "10:00",
      endTime: "11:00",
    });
    scheduleRun(db, w.managerA, w.a.id, {
      courseId: w.other.course.id,
      roomId: w.roomA.id,
      guestTeacher: "王老师",
      startDate: date,
      weekdays: [3],
      startTime: "11:00",
      endTime: "12:00",
    });
    scheduleRun(db, w.managerA, w.a.id, {
      courseId: w.other.course.id,
      roomId: w.roomA.id,
      guestTeacher: "王老师",
      startDate: date,
      weekdays: [3],
      startTime: "09:00",
      endTime: "10:00",
    });
    expect(sessionCount()).toBe(3);
  });

  it("lets another room of the same academy take the same time", async () => {
    const w = await schedulingWorld(db);
    const room2 = createRoom(db, w.a.id, { name: "书画室", capacity: 20 });
    const date = nextWeekday(4);
    scheduleRun(db, w.managerA, w.a.id, {
      courseId: w.course.id,
      roomId: w.roomA.id,
      guestTeacher: "林老师",
      startDate: date,
      weekdays: [4],
      startTime: "19:00",
      endTime: "20:30",
    });
    scheduleRun(db, w.managerA, w.a.id, {
      courseId: w.other.course.id,
      roomId: room2.id,
      guestTeacher: "王老师",
      startDate: date,
      weekdays: [4],
      startTime: "19:00",
      endTime: "20:30",
    });
    expect(sessionCount()).toBe(2);
  });

  it("creates a recurrence whole or not at all: one clash in week 5 leaves nothing behind", async () => {
    const w = await schedulingWorld(db);
    const date = nextWeekday(2);
    const later = new Date(`${date}T00:00:00Z`);
    later.setUTCDate(later.getUTCDate() + 28);
    const week5 = later.toISOString().slice(0, 10);
    scheduleRun(db, w.managerA, w.a.id, {
      courseId: w.course.id,
      roomId: w.roomA.id,
      guestTeacher: "林老师",
      startDate: week5,
      weekdays: [4],
      startTime: "19:30",
      endTime: "20:00",
    });
    expect(runCount()).toBe(1);
    const e = refusal(() =>
      scheduleRun(db, w.managerA, w.a.id, {
        courseId: w.other.course.id,
        roomId: w.roomA.id,
        guestTeacher: "王老师",
        startDate: date,
        weekdays: [2, 4],
        startTime: "19:00",
        endTime: "20:30",
        weeks: 6,
      }),
    );
    expect(e.message).toContain("时间冲突");
    expect(runCount()).toBe(1);
    expect(sessionCount()).toBe(1);
  });

  it("ignores cancelled sessions and cancelled runs", async () => {
    const w = await schedulingWorld(db);
    const date = nextWeekday(5);
    scheduleRun(db, w.managerA, w.a.id, {
      courseId: w.course.id,
      roomId: w.roomA.id,
      guestTeacher: "林老师",
      startDate: date,
      weekdays: [5],
      startTime: "09:00",
      endTime: "10:30",
    });
    const s = db.select().from(classSessions).get()!;
    cancelSession(db, w.managerA, s.id, { reason: "台风停课" });
    scheduleRun(db, w.managerA, w.a.id, {
      courseId: w.other.course.id,
      roomId: w.roomA.id,
      guestTeacher: "王老师",
      startDate: date,
      weekdays: [5],
      startTime: "09:00",
      endTime: "10:30",
    });
    expect(sessionCount()).toBe(2);
  });

  it("moving a session checks the room but not against itself", async () => {
    const w = await schedulingWorld(db);
    const date = nextWeekday(2);
    const { run } = scheduleRun(db, w.managerA, w.a.id, {
      courseId: w.course.id,
      roomId: w.roomA.id,
      guestTeacher: "林老师",
      startDate: date,
      weekdays: [2],
      startTime: "09:00",
      endTime: "10:00",
    });
    scheduleRun(db, w.managerA, w.a.id, {
      courseId: w.other.course.id,
      roomId: w.roomA.id,
      guestTeacher: "王老师",
      startDate: date,
      weekdays: [2],
      startTime: "14:00",
      endTime: "15:00",
    });
    const mine = db.select().from(classSessions).where(eq(classSessions.runId, run.id)).get()!;
    moveSession(db, w.managerA, mine.id, { date, startTime: "09:30", endTime: "10:30" });
    const e = refusal(() =>
      moveSession(db, w.managerA, mine.id, { date, startTime: "14:30", endTime: "15:30" }),
    );
    expect(e.message).toContain("「垃圾分类我先行」");
    expect(e.field).toBe("date");
    const after = db.select().from(classSessions).where(eq(classSessions.id, mine.id)).get()!;
    expect(after.startMinute).toBe(9 * 60 + 30);
    expect(after.movedFrom).toBe(mine.startsAt);
  });

  it("does not suggest a closed date", async () => {
    const w = await schedulingWorld(db);
    const date = nextWeekday(6);
    const next = new Date(`${date}T00:00:00Z`);
    next.setUTCDate(next.getUTCDate() + 1);
    const sunday = next.toISOString().slice(0, 10);
    addClosedDates(db, w.managerA, w.a.id, { from: sunday, reason: "社区活动" });
    scheduleRun(db, w.managerA, w.a.id, {
      courseId: w.course.id,
      roomId: w.roomA.id,
      guestTeacher: "林老师",
      startDate: date,
      weekdays: [6],
      startTime: "08:00",
      endTime: "21:30",
    });
    const e = refusal(() =>
      addSession(db, w.managerA, db.select().from(classRuns).get()!.id, {
        date,
        startTime: "19:00",
        endTime: "20:00",
      }),
    );
    // Saturday is full and Sunday is closed: the suggestion is Monday 08:00.
    expect(e.message).toMatch(/建议改到 \d+月\d+日 周一 08:00–09:00/);
  });
});

describe("teacher conflicts", () => {
  it("refuses the same pool teacher at an overlapping time in another academy, across districts", async () => {
    const w = await schedulingWorld(db);
    const date = nextWeekday(2);
    const oa = acceptedOrder(db, w.managerA, w.hq, w.a.id, w.course.id, w.teacher.id);
    const ob = acceptedOrder(db, w.managerB, w.hq, w.b.id, w.course.id, w.teacher.id);
    scheduleRun(db, w.managerA, w.a.id, {
      courseId: w.course.id,
      orderId: oa.id,
      roomId: w.roomA.id,
      startDate: date,
      weekdays: [2],
      startTime: "19:00",
      endTime: "20:30",
      weeks: 3,
    });
    const e = refusal(() =>
      scheduleRun(db, w.managerB, w.b.id, {
        courseId: w.course.id,
        orderId: ob.id,
        roomId: w.roomB.id,
        startDate: date,
        weekdays: [2],
        startTime: "20:00",
        endTime: "21:00",
      }),
    );
    expect(e.message).toContain("陈美玲老师");
    expect(e.message).toContain("「百年党史在厦门」（湖边社区书院·多功能厅）");
    expect(e.message).toContain("建议改到");
    expect(runCount()).toBe(1);
  });

  it("lets the teacher go from one academy to the next when the sessions only touch", async () => {
    const w = await schedulingWorld(db);
    const date = nextWeekday(3);
    const oa = acceptedOrder(db, w.managerA, w.hq, w.a.id, w.course.id, w.teacher.id);
    const ob = acceptedOrder(db, w.managerB, w.hq, w.b.id, w.other.course.id, w.teacher.id);
    scheduleRun(db, w.managerA, w.a.id, {
      courseId: w.course.id,
      orderId: oa.id,
      roomId: w.roomA.id,
      startDate: date,
      weekdays: [3],
      startTime: "10:00",
      endTime: "11:00",
    });
    scheduleRun(db, w.managerB, w.b.id, {
      courseId: w.other.course.id,
      orderId: ob.id,
      roomId: w.roomB.id,
      startDate: date,
      weekdays: [3],
      startTime: "11:00",
      endTime: "12:00",
    });
    expect(runCount()).toBe(2);
  });

  it("checks the teacher when a session is moved or added", async () => {
    const w = await schedulingWorld(db);
    const date = nextWeekday(4);
    const oa = acceptedOrder(db, w.managerA, w.hq, w.a.id, w.course.id, w.teacher.id);
    const ob = acceptedOrder(db, w.managerB, w.hq, w.b.id, w.other.course.id, w.teacher.id);
    scheduleRun(db, w.managerA, w.a.id, {
      courseId: w.course.id,
      orderId: oa.id,
      roomId: w.roomA.id,
      startDate: date,
      weekdays: [4],
      startTime: "09:00",
      endTime: "10:00",
    });
    const { run } = scheduleRun(db, w.managerB, w.b.id, {
      courseId: w.other.course.id,
      orderId: ob.id,
      roomId: w.roomB.id,
      startDate: date,
      weekdays: [4],
      startTime: "15:00",
      endTime: "16:00",
    });
    const s = db.select().from(classSessions).where(eq(classSessions.runId, run.id)).get()!;
    expect(
      refusal(() =>
        moveSession(db, w.managerB, s.id, { date, startTime: "09:30", endTime: "10:30" }),
      ).message,
    ).toContain("陈美玲老师");
    expect(
      refusal(() =>
        addSession(db, w.managerB, run.id, { date, startTime: "08:30", endTime: "09:30" }),
      ).message,
    ).toContain("陈美玲老师");
    expect(
      refusal(() =>
        addRecurrence(db, w.managerB, run.id, {
          startDate: date,
          weekdays: [4],
          startTime: "09:00",
          endTime: "09:30",
          weeks: 2,
        }),
      ).message,
    ).toContain("陈美玲老师");
    expect(sessionCount()).toBe(2);
  });

  it("a guest teacher (not in the pool) is not checked city-wide", async () => {
    const w = await schedulingWorld(db);
    const c = createAcademy(db, w.d.huli!.id);
    const mc = await createActor(db, [{ role: "academy_manager", academy: c.id }]);
    const roomC = createRoom(db, c.id);
    const date = nextWeekday(5);
    scheduleRun(db, w.managerA, w.a.id, {
      courseId: w.course.id,
      roomId: w.roomA.id,
      guestTeacher: "林老师",
      startDate: date,
      weekdays: [5],
      startTime: "09:00",
      endTime: "10:00",
    });
    scheduleRun(db, mc, c.id, {
      courseId: w.course.id,
      roomId: roomC.id,
      guestTeacher: "林老师",
      startDate: date,
      weekdays: [5],
      startTime: "09:00",
      endTime: "10:00",
    });
    expect(runCount()).toBe(2);
  });
});
