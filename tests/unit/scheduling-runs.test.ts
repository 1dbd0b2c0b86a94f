import { createCourse } from "@tests/factories/catalog";
import { eq } from "drizzle-orm";
import { classRuns, classSessions, courses, courseVersions, notifications } from "@db/schema";
import {
  searchClasses,
  upcomingClassesForAcademy,
  weeklyMenu,
  academyWeek,
  getClassDetail,
} from "~/modules/scheduling/finder.server";
import { listMessages, markRead, notify } from "~/modules/auth/notifications.server";
import { getRunForEditor, setRunStatus, updateRun } from "~/modules/scheduling/runs.server";
import { canRunMove, RUN_TRANSITIONS } from "~/modules/scheduling/states";
import { createRunSchema } from "~/modules/scheduling/runs";
import { currentIsoWeek, isoWeekOf, isoWeekMonday, localParts } from "~/utils/time";
import {
  markWant,
  wantPanel,
  withdrawWant,
  demandForAcademy,
} from "~/modules/scheduling/demand.server";
import { UserError } from "~/utils/errors";
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

function message(fn: () => unknown) {
  try {
    fn();
  } catch (e) {
    if (e instanceof UserError) return e.message;
    throw e;
  }
  return "ok";
}

const settingsOf = (run: typeof classRuns.$inferSelect, patch: object = {}) => ({
  ...runDefaults,
  roomId: run.roomId,
  capacity: run.capacity,
  guestTeacher: run.guestTeacher,
  minAge: undefined,
  maxAge: undefined,
  enrollOpensAt: undefined,
  enrollClosesAt: undefined,
  cancelDeadlineAt: undefined,
  ...patch,
});

describe("runs", () => {
  it("refuses capacity above the room's unless overflow is confirmed, and capacity 0", async () => {
    const w = await schedulingWorld(db);
    const base = {
      courseId: w.course.id,
      roomId: w.roomA.id,
      guestTeacher: "林老师",
      startDate: daysFromToday(8),
      weekdays: [1],
      startTime: "09:00",
      endTime: "10:00",
    };
    expect(message(() => scheduleRun(db, w.managerA, w.a.id, { ...base, capacity: 41 }))).toBe(
      "教室「多功能厅」只能坐 40 人。如果确实要加座，请勾选“确认超出教室容量（加座）”。",
    );
    const { run } = scheduleRun(db, w.managerA, w.a.id, {
      ...base,
      capacity: 45,
      overflowConfirmed: true,
    });
    expect(run.capacity).toBe(45);
    const parsed = createRunSchema.safeParse({
      intent: "create",
      courseId: "1",
      roomId: "1",
      capacity: "0",
      startDate: "2027-01-05",
      weekdays: "2",
      startTime: "09:00",
      endTime: "10:00",
      weeks: "1",
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.find((i) => i.path[0] === "capacity")!.message).toBe(
      "名额至少为 1。",
    );
    expect(() =>
      db.update(classRuns).set({ capacity: 0 }).where(eq(classRuns.id, run.id)).run(),
    ).toThrow(/CHECK/);
  });

  it("refuses sessions in the past, end before start, and the schema refuses > 52 weeks", async () => {
    const w = await schedulingWorld(db);
    const base = {
      courseId: w.course.id,
      roomId: w.roomA.id,
      guestTeacher: "林老师",
      weekdays: [1, 2, 3, 4, 5, 6, 7],
      startTime: "09:00",
      endTime: "10:00",
    };
    expect(
      message(() => scheduleRun(db, w.managerA, w.a.id, { ...base, startDate: daysFromToday(-3) })),
    ).toContain("已经过去了，不能把课排在过去的时间");
    expect(
      message(() =>
        scheduleRun(db, w.managerA, w.a.id, {
          ...base,
          startDate: daysFromToday(3),
          endTime: "08:00",
        }),
      ),
    ).toBe("结束时间必须晚于开始时间。");
    expect(db.select().from(classRuns).all()).toHaveLength(0);
    const parsed = createRunSchema.safeParse({
      intent: "create",
      courseId: "1",
      roomId: "1",
      capacity: "10",
      startDate: "2027-01-05",
      weekdays: "2",
      startTime: "09:00",
      endTime: "10:00",
      weeks: "53",
    });
    expect(parsed.error!.issues.find((i) => i.path[0] === "weeks")!.message).toBe(
      "一次最多排 52 周的课。",
    );
    // The database refuses a session that ends before it starts.
    const { run } = scheduleRun(db, w.managerA, w.a.id, { ...base, startDate: daysFromToday(3) });
    const s = db.select().from(classSessions).where(eq(classSessions.runId, run.id)).get()!;
    expect(() =>
      db
        .update(classSessions)
        .set({ endsAt: s.startsAt - 1 })
        .where(eq(classSessions.id, s.id))
        .run(),
    ).toThrow(/CHECK/);
    expect(() =>
      db.update(classSessions).set({ endsAt: s.startsAt }).where(eq(classSessions.id, s.id)).run(),
    ).toThrow(/CHECK/);
  });

  it("keeps the pinned course version when the run is edited and when the library publishes a new version", async () => {
    const w = await schedulingWorld(db);
    const { run } = scheduleRun(db, w.managerA, w.a.id, {
      courseId: w.course.id,
      roomId: w.roomA.id,
      guestTeacher: "林老师",
      startDate: daysFromToday(8),
      weekdays: [3],
      startTime: "09:00",
      endTime: "10:00",
    });
    // HQ publishes version 2 (version 1 is superseded).
    db.update(courseVersions)
      .set({ status: "superseded" })
      .where(eq(courseVersions.id, w.version.id))
      .run();
    const v2 = db
      .insert(courseVersions)
      .values({
        courseId: w.course.id,
        versionNo: 2,
        status: "published",
        title: "百年党史在厦门（第二版）",
        body: { type: "doc", content: [] },
        createdAt: Date.now(),
        updatedAt: Date.now(),
      })
      .returning()
      .get();
    db.update(courses).set({ currentVersionId: v2.id }).where(eq(courses.id, w.course.id)).run();
    updateRun(db, w.managerA, run.id, settingsOf(run, { capacity: 25, localNotes: "请带老花镜" }));
    const after = db.select().from(classRuns).where(eq(classRuns.id, run.id)).get()!;
    expect(after.courseVersionId).toBe(w.version.id);
    expect(after.capacity).toBe(25);
    expect(getRunForEditor(db, w.managerA, run.id).version.title).toBe("百年党史在厦门");
  });

  it("moves through draft → open → full → closed → finished, and cancels only with a reason", async () => {
    const w = await schedulingWorld(db);
    expect(canRunMove("draft", "finished")).toBe(false);
    expect(RUN_TRANSITIONS.cancelled).toEqual([]);
    const { run } = scheduleRun(db, w.managerA, w.a.id, {
      courseId: w.course.id,
      roomId: w.roomA.id,
      guestTeacher: "林老师",
      startDate: daysFromToday(8),
      weekdays: [3],
      startTime: "09:00",
      endTime: "10:00",
      publish: false,
    });
    expect(run.status).toBe("draft");
    expect(message(() => setRunStatus(db, w.managerA, run.id, { to: "finished" }))).toBe(
      "这个班草稿，不能改为「已结课」。",
    );
    for (const to of ["open", "full", "closed", "open"] as const)
      setRunStatus(db, w.managerA, run.id, { to });
    expect(
      message(() => setRunStatus(db, w.managerA, run.id, { to: "cancelled", reason: " " })),
    ).toBe("请写明取消开课的原因，已报名的居民会收到它。");
    setRunStatus(db, w.managerA, run.id, { to: "cancelled", reason: "教师生病" });
    const after = db.select().from(classRuns).where(eq(classRuns.id, run.id)).get()!;
    expect(after).toMatchObject({ status: "cancelled", cancelReason: "教师生病" });
    expect(message(() => updateRun(db, w.managerA, run.id, settingsOf(run)))).toBe(
      "这个班已取消，不能再修改。",
    );
    // A cancelled run frees its room.
    scheduleRun(db, w.managerA, w.a.id, {
      courseId: w.other.course.id,
      roomId: w.roomA.id,
      guestTeacher: "王老师",
      startDate: daysFromToday(8),
      weekdays: [3],
      startTime: "09:00",
      endTime: "10:00",
    });
  });

  it("needs a teacher: a pool teacher comes through an order, otherwise the academy's own lecturer", async () => {
    const w = await schedulingWorld(db);
    const base = {
      courseId: w.course.id,
      roomId: w.roomA.id,
      startDate: daysFromToday(8),
      weekdays: [3],
      startTime: "09:00",
      endTime: "10:00",
    };
    expect(message(() => scheduleRun(db, w.managerA, w.a.id, base))).toBe(
      "请选择授课教师，或填写本书院自己的讲师姓名。",
    );
    expect(
      message(() => scheduleRun(db, w.managerA, w.a.id, { ...base, teacherIds: [w.teacher.id] })),
    ).toContain("需要通过点单");
  });

  it("an edited room moves the upcoming sessions after a clash check", async () => {
    const w = await schedulingWorld(db);
    const { run } = scheduleRun(db, w.managerA, w.a.id, {
      courseId: w.course.id,
      roomId: w.roomA.id,
      guestTeacher: "林老师",
      startDate: daysFromToday(8),
      weekdays: [3, 5],
      startTime: "09:00",
      endTime: "10:00",
      weeks: 2,
    });
    const small = db
      .insert((await import("@db/schema")).rooms)
      .values({ academyId: w.a.id, name: "小教室", capacity: 10, createdAt: Date.now() })
      .returning()
      .get();
    expect(
      message(() => updateRun(db, w.managerA, run.id, settingsOf(run, { roomId: small.id }))),
    ).toContain("只能坐 10 人");
    updateRun(db, w.managerA, run.id, settingsOf(run, { roomId: small.id, capacity: 10 }));
    expect(
      new Set(
        db
          .select()
          .from(classSessions)
          .all()
          .map((s) => s.roomId),
      ),
    ).toEqual(new Set([small.id]));
  });
});

describe("finding and showing classes", () => {
  it("filters by district, weekday, time of day, category and search, and hides drafts", async () => {
    const w = await schedulingWorld(db);
    const d = daysFromToday(8);
    const wd = localParts(Date.parse(`${d}T12:00:00+08:00`)).weekday;
    scheduleRun(db, w.managerA, w.a.id, {
      courseId: w.course.id,
      roomId: w.roomA.id,
      guestTeacher: "林老师",
      startDate: d,
      weekdays: [wd],
      startTime: "19:00",
      endTime: "20:00",
    });
    scheduleRun(db, w.managerB, w.b.id, {
      courseId: w.other.course.id,
      roomId: w.roomB.id,
      guestTeacher: "王老师",
      startDate: d,
      weekdays: [wd],
      startTime: "09:00",
      endTime: "10:00",
    });
    scheduleRun(db, w.managerB, w.b.id, {
      courseId: w.course.id,
      roomId: w.roomB.id,
      guestTeacher: "王老师",
      startDate: d,
      weekdays: [wd],
      startTime: "14:00",
      endTime: "15:00",
      publish: false,
    });
    const titles = (f: Parameters<typeof searchClasses>[1]) =>
      searchClasses(db, f).rows.map((r) => r.title);
    expect(titles({})).toEqual(["垃圾分类我先行", "百年党史在厦门"]);
    expect(titles({ districtId: w.d.huli!.id })).toEqual(["百年党史在厦门"]);
    expect(titles({ daypart: "evening" })).toEqual(["百年党史在厦门"]);
    expect(titles({ daypart: "morning" })).toEqual(["垃圾分类我先行"]);
    expect(titles({ daypart: "afternoon" })).toEqual([]);
    expect(titles({ weekday: wd })).toHaveLength(2);
    expect(titles({ weekday: (wd % 7) + 1 })).toEqual([]);
    expect(titles({ categoryId: w.other.course.categoryId })).toEqual(["垃圾分类我先行"]);
    expect(titles({ q: "党史" })).toEqual(["百年党史在厦门"]);
    expect(titles({ q: "垃圾分类" })).toEqual(["垃圾分类我先行"]);
    expect(titles({ q: "！！" })).toHaveLength(2);
    const first = searchClasses(db, {}).rows[0]!;
    expect(first.seatsLeft).toBe(20);
    expect(upcomingClassesForAcademy(db, w.b.id).map((r) => r.title)).toEqual(["垃圾分类我先行"]);
  });

  it("puts the week's public sessions on the menu and every session on the manager's week view", async () => {
    const w = await schedulingWorld(db);
    const d = daysFromToday(8);
    scheduleRun(db, w.managerA, w.a.id, {
      courseId: w.course.id,
      roomId: w.roomA.id,
      guestTeacher: "林老师",
      startDate: d,
      weekdays: [1, 2, 3, 4, 5, 6, 7],
      startTime: "19:00",
      endTime: "20:00",
    });
    scheduleRun(db, w.managerA, w.a.id, {
      courseId: w.other.course.id,
      roomId: w.roomA.id,
      guestTeacher: "王老师",
      startDate: d,
      weekdays: [1, 2, 3, 4, 5, 6, 7],
      startTime: "09:00",
      endTime: "10:00",
      publish: false,
    });
    const wk = isoWeekOf(d);
    const monday = isoWeekMonday(wk.year, wk.week);
    const menu = weeklyMenu(db, w.a.id, monday);
    const menuTitles = menu.days.flatMap((x) => x.sessions.map((s) => s.title));
    expect(menuTitles.length).toBeGreaterThan(0);
    expect(new Set(menuTitles)).toEqual(new Set(["百年党史在厦门"]));
    const week = academyWeek(db, w.managerA, w.a.id, monday);
    expect(new Set(week.sessions.map((s) => s.title))).toEqual(
      new Set(["百年党史在厦门", "垃圾分类我先行"]),
    );
    expect(week.rooms.map((r) => r.name)).toEqual(["多功能厅"]);
    expect(currentIsoWeek().monday <= monday).toBe(true);
  });

  it("shows drafts only to staff and a public run to anyone", async () => {
    const w = await schedulingWorld(db);
    const { run } = scheduleRun(db, w.managerA, w.a.id, {
      courseId: w.course.id,
      roomId: w.roomA.id,
      guestTeacher: "林老师",
      startDate: daysFromToday(8),
      weekdays: [2],
      startTime: "19:00",
      endTime: "20:00",
      publish: false,
    });
    expect(() => getClassDetail(db, null, run.id)).toThrow(Response);
    expect(getClassDetail(db, w.managerA, run.id).canManage).toBe(true);
    setRunStatus(db, w.managerA, run.id, { to: "open" });
    const detail = getClassDetail(db, null, run.id);
    expect(detail).toMatchObject({ seatsLeft: 20, canManage: false });
    expect(detail.version.title).toBe("百年党史在厦门");
  });
});

describe("想学 and 消息", () => {
  it("marks, moves and withdraws 想学, and the manager sees the ranking", async () => {
    const w = await schedulingWorld(db);
    const r1 = await createActor(db, []);
    const r2 = await createActor(db, []);
    markWant(db, r1, { courseId: w.course.id, academyId: w.a.id });
    markWant(db, r2, { courseId: w.course.id, academyId: w.b.id });
    markWant(db, r2, { courseId: w.course.id, academyId: w.a.id });
    markWant(db, r2, { courseId: w.other.course.id, academyId: w.a.id });
    const demand = demandForAcademy(db, w.managerA, w.a.id);
    expect(demand.rows.map((r) => [r.title, r.n])).toEqual([
      ["百年党史在厦门", 2],
      ["垃圾分类我先行", 1],
    ]);
    expect(demand.people).toBe(2);
    const panel = wantPanel(db, r1, w.course.code);
    expect(panel).toMatchObject({ total: 2, neighbours: 1, mine: { academyId: w.a.id } });
    withdrawWant(db, r1, w.course.id);
    expect(wantPanel(db, r1, w.course.code)).toMatchObject({ total: 1, mine: null });
  });

  it("after a search, the people and course counts are both the search's, the academy's whole demand apart (issue 10, defect 7)", async () => {
    const w = await schedulingWorld(db);
    const [r1, r2, r3] = [
      await createActor(db, []),
      await createActor(db, []),
      await createActor(db, []),
    ];
    // 百年党史在厦门: r1 only. 垃圾分类我先行: r2 and r3. At another academy: r1 for 垃圾分类 (never counted here).
    markWant(db, r1, { courseId: w.course.id, academyId: w.a.id });
    markWant(db, r2, { courseId: w.other.course.id, academyId: w.a.id });
    markWant(db, r3, { courseId: w.other.course.id, academyId: w.a.id });
    markWant(db, r1, { courseId: w.other.course.id, academyId: w.b.id });
    const everything = demandForAcademy(db, w.managerA, w.a.id);
    expect(everything).toMatchObject({ people: 3, total: 2, all: null });
    const searched = demandForAcademy(db, w.managerA, w.a.id, { q: "党史" });
    expect(searched.rows.map((r) => r.title)).toEqual(["百年党史在厦门"]);
    expect(searched).toMatchObject({ people: 1, total: 1, all: { people: 3, total: 2 } });
    const none = demandForAcademy(db, w.managerA, w.a.id, { q: "太极" });
    expect(none).toMatchObject({ rows: [], people: 0, total: 0, all: { people: 3, total: 2 } });
  });

  it("a never-published course has no 想学 panel: 404, its draft title not shown", async () => {
    const draft = createCourse(db, { status: "draft", title: "尚未发布的草稿课" });
    const r1 = await createActor(db, []);
    for (const who of [null, r1]) {
      let thrown: unknown;
      try {
        wantPanel(db, who, draft.course.code);
      } catch (e) {
        thrown = e;
      }
      expect((thrown as Response).status).toBe(404);
      expect(await (thrown as Response).text()).not.toContain("草稿");
    }
  });

  it("notify writes to the person's inbox; they read and mark only their own", async () => {
    const w = await schedulingWorld(db);
    notify(db, w.resident.id, { title: "调课通知", body: "改到周四", link: "/classes/1" });
    notify(db, w.managerA.id, { title: "别人的消息" });
    const inbox = listMessages(db, w.resident);
    expect(inbox.rows.map((m) => m.title)).toEqual(["调课通知"]);
    expect(inbox.unread).toBe(1);
    const other = db
      .select()
      .from(notifications)
      .where(eq(notifications.userId, w.managerA.id))
      .get()!;
    markRead(db, w.resident, other.id);
    expect(
      db.select().from(notifications).where(eq(notifications.id, other.id)).get()!.readAt,
    ).toBeNull();
    markRead(db, w.resident);
    expect(listMessages(db, w.resident).unread).toBe(0);
  });
});
