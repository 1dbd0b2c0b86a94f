import { sql } from "drizzle-orm";
import { classSessions, rooms } from "@db/schema";
import {
  createRoom as createRoomFn,
  setRoomArchived,
  updateRoom,
} from "~/modules/org/rooms.server";
import { addClosedDates, addHolidays } from "~/modules/scheduling/calendar.server";
import { demandForAcademy } from "~/modules/scheduling/demand.server";
import { academyWeek, listAcademyRuns, listDistrictRuns } from "~/modules/scheduling/finder.server";
import {
  createOrder,
  getOrderDetail,
  listAcademyOrders,
  listDistrictOrders,
  withdrawOrder,
} from "~/modules/scheduling/orders.server";
import { requireManagedAcademy } from "~/modules/scheduling/access.server";
import {
  addRecurrence,
  addSession,
  cancelSession,
  getRunForEditor,
  moveSession,
  setRunStatus,
  updateRun,
} from "~/modules/scheduling/runs.server";
import { createTestDb } from "@tests/factories/db";
import { createActor } from "@tests/factories/users";
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

function statusOf(fn: () => unknown) {
  try {
    fn();
  } catch (e) {
    if (e instanceof Response) return e.status;
    throw e;
  }
  return 200;
}

const roomInput = {
  name: "新教室",
  capacity: 20,
  floor: "",
  stepFree: false,
  equipment: [],
  openingHours: "",
  note: "",
};

describe("scope checks", () => {
  it("a manager of academy A gets 403 on everything of academy B, and nothing changes", async () => {
    const w = await schedulingWorld(db);
    const date = daysFromToday(8);
    const { run } = scheduleRun(db, w.managerB, w.b.id, {
      courseId: w.course.id,
      roomId: w.roomB.id,
      guestTeacher: "林老师",
      startDate: date,
      weekdays: [1, 2, 3, 4, 5, 6, 7],
      startTime: "09:00",
      endTime: "10:00",
    });
    const session = db.select().from(classSessions).get()!;
    const before = db
      .select({ n: sql<number>`count(*)` })
      .from(classSessions)
      .get()!.n;
    const settings = {
      ...runDefaults,
      roomId: w.roomB.id,
      capacity: 10,
      minAge: undefined,
      maxAge: undefined,
      enrollOpensAt: undefined,
      enrollClosesAt: undefined,
      cancelDeadlineAt: undefined,
      guestTeacher: "林老师",
    };
    const attempts: [string, () => unknown][] = [
      ["open the run editor", () => getRunForEditor(db, w.managerA, run.id)],
      ["edit the run", () => updateRun(db, w.managerA, run.id, settings)],
      [
        "cancel the run",
        () => setRunStatus(db, w.managerA, run.id, { to: "cancelled", reason: "捣乱" }),
      ],
      [
        "move a session",
        () =>
          moveSession(db, w.managerA, session.id, { date, startTime: "11:00", endTime: "12:00" }),
      ],
      ["cancel a session", () => cancelSession(db, w.managerA, session.id, { reason: "捣乱" })],
      [
        "add a session",
        () => addSession(db, w.managerA, run.id, { date, startTime: "15:00", endTime: "16:00" }),
      ],
      [
        "add a recurrence",
        () =>
          addRecurrence(db, w.managerA, run.id, {
            startDate: date,
            weekdays: [1],
            startTime: "15:00",
            endTime: "16:00",
            weeks: 2,
          }),
      ],
      [
        "schedule in B",
        () =>
          scheduleRun(db, w.managerA, w.b.id, {
            courseId: w.course.id,
            roomId: w.roomB.id,
            guestTeacher: "王老师",
            startDate: date,
            weekdays: [1],
            startTime: "15:00",
            endTime: "16:00",
          }),
      ],
      [
        "order for B",
        () =>
          createOrder(db, w.managerA, w.b.id, {
            courseId: w.course.id,
            term: "2027 年春季",
            weekdays: [],
            dayparts: [],
            note: "",
          }),
      ],
      ["see B's orders", () => listAcademyOrders(db, w.managerA, w.b.id)],
      ["see B's runs", () => listAcademyRuns(db, w.managerA, w.b.id)],
      ["see B's week", () => academyWeek(db, w.managerA, w.b.id, date)],
      ["see B's demand", () => demandForAcademy(db, w.managerA, w.b.id)],
      ["add a room to B", () => createRoomFn(db, w.managerA, w.b.id, roomInput)],
      ["edit B's room", () => updateRoom(db, w.managerA, w.roomB.id, roomInput)],
      ["archive B's room", () => setRoomArchived(db, w.managerA, w.roomB.id, true)],
      [
        "close B for a day",
        () => addClosedDates(db, w.managerA, w.b.id, { from: date, reason: "x" }),
      ],
      ["open /manage/B", () => requireManagedAcademy(db, w.managerA, w.b.slug)],
    ];
    for (const [what, fn] of attempts) expect(statusOf(fn), what).toBe(403);
    expect(
      db
        .select({ n: sql<number>`count(*)` })
        .from(classSessions)
        .get()!.n,
    ).toBe(before);
    expect(
      db
        .select()
        .from(rooms)
        .all()
        .map((r) => r.name)
        .sort(),
    ).toEqual(["多功能厅", "研学教室"]);
    // B's own manager can do it.
    expect(statusOf(() => getRunForEditor(db, w.managerB, run.id))).toBe(200);
  });

  it("a manager cannot withdraw another academy's order or read it", async () => {
    const w = await schedulingWorld(db);
    const o = createOrder(db, w.managerB, w.b.id, {
      courseId: w.course.id,
      term: "2027 年春季",
      weekdays: [],
      dayparts: [],
      note: "",
    });
    expect(statusOf(() => withdrawOrder(db, w.managerA, o.id))).toBe(403);
    expect(statusOf(() => getOrderDetail(db, w.managerA, o.id))).toBe(403);
    expect(statusOf(() => getOrderDetail(db, w.managerB, o.id))).toBe(200);
  });

  it("district staff see their own district's runs and orders and get 403 on another district's", async () => {
    const w = await schedulingWorld(db);
    const date = daysFromToday(8);
    scheduleRun(db, w.managerA, w.a.id, {
      courseId: w.course.id,
      roomId: w.roomA.id,
      guestTeacher: "林老师",
      startDate: date,
      weekdays: [1, 2, 3, 4, 5, 6, 7],
      startTime: "09:00",
      endTime: "10:00",
    });
    const oB = createOrder(db, w.managerB, w.b.id, {
      courseId: w.course.id,
      term: "2027 年春季",
      weekdays: [],
      dayparts: [],
      note: "",
    });
    expect(listDistrictRuns(db, w.huliStaff, w.d.huli!.id).total).toBe(1);
    expect(statusOf(() => listDistrictRuns(db, w.huliStaff, w.d.siming!.id))).toBe(403);
    expect(statusOf(() => listDistrictOrders(db, w.huliStaff, w.d.siming!.id))).toBe(403);
    expect(statusOf(() => getOrderDetail(db, w.huliStaff, oB.id))).toBe(403);
    expect(statusOf(() => getOrderDetail(db, w.simingStaff, oB.id))).toBe(200);
    expect(listDistrictOrders(db, w.simingStaff, w.d.siming!.id).total).toBe(1);
    // District staff cannot run an academy's schedule.
    expect(
      statusOf(() =>
        scheduleRun(db, w.huliStaff, w.a.id, {
          courseId: w.course.id,
          roomId: w.roomA.id,
          guestTeacher: "x",
          startDate: date,
          weekdays: [1],
          startTime: "15:00",
          endTime: "16:00",
        }),
      ),
    ).toBe(403);
  });

  it("only HQ maintains the holiday list; residents and managers get 403", async () => {
    const w = await schedulingWorld(db);
    const resident = await createActor(db, []);
    for (const a of [resident, w.managerA, w.huliStaff]) {
      expect(
        statusOf(() =>
          addHolidays(db, a, { from: "2027-10-01", to: "2027-10-07", name: "国庆节" }),
        ),
      ).toBe(403);
    }
    expect(addHolidays(db, w.hq, { from: "2027-10-01", to: "2027-10-07", name: "国庆节" })).toBe(7);
  });
});
