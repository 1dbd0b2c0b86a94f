/**
 * Opening hours enforced (issue 15 part 6): a run, a session (added or moved) and an activity
 * outside the academy's opening hours are refused with a Chinese message on the right field and
 * nothing written; ticking 开放时间外 lets them through with an audit row in the same transaction.
 * A closed academy takes no new runs, sessions, activities or orders.
 */
import { and, eq, sql } from "drizzle-orm";
import { academies, activities, auditLog, classRuns, classSessions, courseOrders } from "@db/schema";
import { academyInputSchema } from "~/modules/org/academies";
import { formatWeeklyHours, parseDayRanges, weekly, withinHours } from "~/modules/org/opening-hours";
import { createActivity, updateActivity } from "~/modules/community/activities.server";
import { createOrder } from "~/modules/scheduling/orders.server";
import { addRecurrence, addSession, moveSession } from "~/modules/scheduling/runs.server";
import { isoWeekday } from "~/utils/time";
import { createTestDb } from "@tests/factories/db";
import { activityInput } from "@tests/factories/activities";
import { userErrorOf } from "@tests/factories/community-groups";
import { daysFromToday, scheduleRun, schedulingWorld } from "@tests/factories/scheduling";

let db: ReturnType<typeof createTestDb>;
beforeEach(() => {
  db = createTestDb();
});
afterEach(() => db.cleanup());

/** 周二至周日 9:00–21:00, closed on Mondays: the academy of the issue. */
const TUE_TO_SUN = weekly([[9 * 60, 21 * 60]], [2, 3, 4, 5, 6, 7]);

/** The first date at least `min` days ahead that falls on ISO weekday `wd`. */
function next(wd: number, min = 3) {
  for (let i = min; ; i++) if (isoWeekday(daysFromToday(i)) === wd) return daysFromToday(i);
}

function counts() {
  const n = (t: string) => db.get<{ n: number }>(sql.raw(`SELECT count(*) AS n FROM ${t}`))!.n;
  return { runs: n("class_runs"), sessions: n("class_sessions"), activities: n("activities"), audit: n("audit_log"), orders: n("course_orders") };
}

function overrides() {
  return db.select().from(auditLog).where(eq(auditLog.action, "opening-hours.override")).all();
}

async function world() {
  const w = await schedulingWorld(db);
  db.update(academies).set({ openingSchedule: TUE_TO_SUN, openingHours: formatWeeklyHours(TUE_TO_SUN) }).where(eq(academies.id, w.a.id)).run();
  const base = { courseId: w.course.id, roomId: w.roomA.id, guestTeacher: "林老师" };
  return { ...w, base };
}

describe("opening hours, the pure rules", () => {
  it("reads a day's ranges, and refuses overlaps, an end before the start and nonsense in Chinese", () => {
    expect(parseDayRanges("14:30-21:00，8:30-12:00")).toEqual([
      [510, 720],
      [870, 1260],
    ]);
    expect(parseDayRanges("")).toEqual([]);
    expect(parseDayRanges("休息")).toEqual([]);
    expect(parseDayRanges("9:00-12:00, 11:00-13:00", "周三：")).toBe("周三：9:00–12:00 和 11:00–13:00 重叠了，请合并成一段或改开。");
    expect(parseDayRanges("21:00-9:00", "周一：")).toBe("周一：21:00–9:00：结束时间必须晚于开始时间。");
    expect(parseDayRanges("全天")).toContain("看不懂");
  });

  it("labels the week the way the academy's sign does", () => {
    expect(formatWeeklyHours(TUE_TO_SUN)).toBe("周二至周日 9:00–21:00");
    expect(formatWeeklyHours(weekly([[510, 1230]]))).toBe("每天 8:30–20:30");
    const split = weekly([[510, 720], [870, 1260]], [2, 3, 4, 5, 6, 7]);
    split[5] = [[540, 720]];
    expect(formatWeeklyHours(split)).toBe("周二至周五 8:30–12:00、14:30–21:00；周六 9:00–12:00；周日 8:30–12:00、14:30–21:00");
    expect(withinHours(TUE_TO_SUN, 1, 600, 660)).toBe(false);
    expect(withinHours(TUE_TO_SUN, 2, 1170, 1260)).toBe(true);
    expect(withinHours(TUE_TO_SUN, 2, 1171, 1261)).toBe(false);
  });

  it("puts each bad day's message on its own field of the academy form, and asks for at least one open day", () => {
    const form = { intent: "save", name: "测试书院", districtId: "1", community: "测试社区", address: "测试路 1 号", population: "100", branches: "" };
    const bad = academyInputSchema.safeParse({ ...form, hours2: "9:00-21:00", hours3: "9:00-12:00,11:00-13:00", hours4: "18:00-9:00" });
    expect(bad.success).toBe(false);
    const byField = Object.fromEntries(bad.error!.issues.map((i) => [String(i.path[0]), i.message]));
    expect(byField.hours3).toBe("周三：9:00–12:00 和 11:00–13:00 重叠了，请合并成一段或改开。");
    expect(byField.hours4).toBe("周四：18:00–9:00：结束时间必须晚于开始时间。");
    const none = academyInputSchema.safeParse(form);
    expect(none.error!.issues.find((i) => i.path[0] === "hours1")!.message).toContain("请至少填写一天的开放时间");
  });
});

describe("opening hours enforced on runs and sessions", () => {
  it("refuses a Monday class at an academy open 周二至周日, writes nothing, and allows it with 开放时间外 (audited)", async () => {
    const w = await world();
    const monday = next(1);
    const before = counts();
    const e = userErrorOf(() => scheduleRun(db, w.managerA, w.a.id, { ...w.base, startDate: monday, weekdays: [1], startTime: "19:00", endTime: "20:30", weeks: 2 }));
    expect(e.field).toBe("weekdays");
    expect(e.message).toContain("书院周一不开放");
    expect(e.message).toContain("书院开放时间：周二至周日 9:00–21:00");
    expect(e.message).toContain("请勾选“开放时间外”");
    expect(counts()).toEqual(before);

    const { run } = scheduleRun(db, w.managerA, w.a.id, { ...w.base, startDate: monday, weekdays: [1], startTime: "19:00", endTime: "20:30", weeks: 2, outsideHours: true });
    expect(db.select().from(classSessions).where(eq(classSessions.runId, run.id)).all()).toHaveLength(2);
    const audit = overrides();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorId: w.managerA.id, targetType: "run", targetId: String(run.id) });
    expect(audit[0]!.summary).toContain("在开放时间外安排");
  });

  it("refuses a time past closing on an open day (on the start time field) and accepts one inside without an override row", async () => {
    const w = await world();
    const tuesday = next(2);
    const e = userErrorOf(() => scheduleRun(db, w.managerA, w.a.id, { ...w.base, startDate: tuesday, weekdays: [2], startTime: "20:00", endTime: "21:30" }));
    expect(e.field).toBe("startTime");
    expect(e.message).toContain("超出书院周二的开放时间（9:00–21:00）");
    expect(db.select().from(classRuns).all()).toHaveLength(0);
    scheduleRun(db, w.managerA, w.a.id, { ...w.base, startDate: tuesday, weekdays: [2], startTime: "19:30", endTime: "21:00" });
    expect(db.select().from(classRuns).all()).toHaveLength(1);
    expect(overrides()).toHaveLength(0);
  });

  it("checks every date of a recurrence: one Monday among Tuesdays refuses the whole batch", async () => {
    const w = await world();
    const tuesday = next(2);
    const { run } = scheduleRun(db, w.managerA, w.a.id, { ...w.base, startDate: tuesday, weekdays: [2], startTime: "09:00", endTime: "10:30" });
    const before = counts();
    const e = userErrorOf(() => addRecurrence(db, w.managerA, run.id, { startDate: tuesday, weekdays: [1, 3], startTime: "14:00", endTime: "15:30", weeks: 3 }));
    expect(e.field).toBe("weekdays");
    expect(counts()).toEqual(before);
    const r = addRecurrence(db, w.managerA, run.id, { startDate: tuesday, weekdays: [1, 3], startTime: "14:00", endTime: "15:30", weeks: 3, outsideHours: true });
    expect(r.added).toBe(6);
    expect(overrides()).toHaveLength(1);
    expect(overrides()[0]!.summary).toContain("增加的课");
  });

  it("refuses adding or moving a single session outside the hours (on the date field) unless ticked", async () => {
    const w = await world();
    const tuesday = next(2);
    const monday = next(1, 10);
    const { run } = scheduleRun(db, w.managerA, w.a.id, { ...w.base, startDate: tuesday, weekdays: [2], startTime: "09:00", endTime: "10:30" });
    const before = counts();
    const add = userErrorOf(() => addSession(db, w.managerA, run.id, { date: monday, startTime: "09:00", endTime: "10:30" }));
    expect(add.field).toBe("date");
    expect(add.message).toContain("书院周一不开放");
    expect(counts()).toEqual(before);
    const session = db.select().from(classSessions).where(eq(classSessions.runId, run.id)).get()!;
    const move = userErrorOf(() => moveSession(db, w.managerA, session.id, { date: monday, startTime: "09:00", endTime: "10:30" }));
    expect(move.field).toBe("date");
    const late = userErrorOf(() => moveSession(db, w.managerA, session.id, { date: tuesday, startTime: "07:00", endTime: "08:30" }));
    expect(late.field).toBe("startTime");
    expect(db.select().from(classSessions).where(eq(classSessions.id, session.id)).get()!.startsAt).toBe(session.startsAt);
    expect(counts()).toEqual(before);

    const id = addSession(db, w.managerA, run.id, { date: monday, startTime: "09:00", endTime: "10:30", outsideHours: true });
    moveSession(db, w.managerA, session.id, { date: monday, startTime: "14:00", endTime: "15:30", outsideHours: true });
    const rows = overrides();
    expect(rows.map((r) => [r.targetType, r.targetId])).toEqual([
      ["session", String(id)],
      ["session", String(session.id)],
    ]);
  });

  it("does not check an academy whose hours were never set per weekday", async () => {
    const w = await world();
    const monday = next(1);
    scheduleRun(db, w.managerB, w.b.id, { courseId: w.course.id, roomId: w.roomB.id, guestTeacher: "林老师", startDate: monday, weekdays: [1], startTime: "06:00", endTime: "07:00" });
    expect(db.select().from(classRuns).where(eq(classRuns.academyId, w.b.id)).all()).toHaveLength(1);
    expect(overrides()).toHaveLength(0);
  });
});

describe("opening hours enforced on activities", () => {
  it("refuses a Monday activity and a repeated one with a Monday, and lets the ticked one through with an audit row", async () => {
    const w = await world();
    const monday = next(1);
    const before = counts();
    const one = userErrorOf(() => createActivity(db, w.managerA, w.a.id, activityInput({ date: monday })));
    expect(one.field).toBe("date");
    expect(one.message).toContain("如确需在开放时间外办活动");
    const series = userErrorOf(() => createActivity(db, w.managerA, w.a.id, activityInput({ date: next(2), repeat: true, weekdays: [1, 2], weeks: 2 })));
    expect(series.field).toBe("weekdays");
    expect(counts()).toEqual(before);

    const { ids } = createActivity(db, w.managerA, w.a.id, activityInput({ date: monday, outsideHours: true }));
    expect(overrides()).toMatchObject([{ targetType: "activity", targetId: String(ids[0]) }]);
  });

  it("refuses moving an activity to a closed hour; an unchanged time needs no tick", async () => {
    const w = await world();
    const tuesday = next(2);
    const { ids } = createActivity(db, w.managerA, w.a.id, activityInput({ date: tuesday }));
    const e = userErrorOf(() => updateActivity(db, w.managerA, ids[0]!, activityInput({ date: tuesday, startTime: "21:00", endTime: "22:00" })));
    expect(e.field).toBe("startTime");
    expect(db.select().from(activities).where(eq(activities.id, ids[0]!)).get()!.startMinute).toBe(9 * 60);
    // The academy's hours shrink later: editing the title alone is still allowed.
    const narrow = weekly([[14 * 60, 21 * 60]], [2, 3, 4, 5, 6, 7]);
    db.update(academies).set({ openingSchedule: narrow }).where(eq(academies.id, w.a.id)).run();
    updateActivity(db, w.managerA, ids[0]!, activityInput({ date: tuesday, title: "新名字" }));
    expect(db.select().from(activities).where(eq(activities.id, ids[0]!)).get()!.title).toBe("新名字");
    expect(overrides()).toHaveLength(0);
  });
});

describe("a closed academy", () => {
  it("takes no new run, session, activity or order", async () => {
    const w = await world();
    const tuesday = next(2);
    const { run } = scheduleRun(db, w.managerA, w.a.id, { ...w.base, startDate: tuesday, weekdays: [2], startTime: "09:00", endTime: "10:30" });
    db.update(academies).set({ closedAt: Date.now(), closedReason: "场地改造" }).where(eq(academies.id, w.a.id)).run();
    const before = counts();
    expect(userErrorOf(() => scheduleRun(db, w.managerA, w.a.id, { ...w.base, startDate: tuesday, weekdays: [2], startTime: "14:00", endTime: "15:30" })).message).toMatch(/这所书院已于 .* 关闭（场地改造），不能再开课。/);
    expect(userErrorOf(() => addSession(db, w.managerA, run.id, { date: tuesday, startTime: "14:00", endTime: "15:30" })).message).toContain("不能再加课");
    expect(userErrorOf(() => createActivity(db, w.managerA, w.a.id, activityInput({ date: tuesday }))).message).toContain("不能再办活动");
    expect(userErrorOf(() => createOrder(db, w.managerA, w.a.id, { courseId: w.course.id, term: "2027 年春季", weekdays: [2], dayparts: ["evening"], note: "" })).message).toContain("不能再点单");
    expect(counts()).toEqual(before);
    expect(db.select().from(courseOrders).where(and(eq(courseOrders.academyId, w.a.id))).all()).toHaveLength(0);
  });
});
