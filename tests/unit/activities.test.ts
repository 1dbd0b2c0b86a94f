import { eq, sql } from "drizzle-orm";
import {
  activities,
  activityAttendance,
  activityRegistrations,
  auditLog,
  classSessions,
  notifications,
  resources,
  volunteerSignups,
} from "@db/schema";
import {
  cancelActivity,
  createActivity,
  markActivityAttendance,
  recordHeadcount,
  saveActivityReport,
  updateActivity,
} from "~/modules/community/activities.server";
import { countParticipations } from "~/modules/community/activities-participation.server";
import {
  addActivityWalkIn,
  activityCheckIn,
  activityCheckinPrompt,
  activityCheckinScreen,
  activityCheckinSecret,
  cancelActivityRegistration,
  registerForActivity,
} from "~/modules/community/activities-registration.server";
import { activityNoShowTimes, noShowRestriction } from "~/modules/learning/attendance.server";
import { signCheckinToken } from "~/modules/learning/checkin-token";
import { DEFAULT_POLICY } from "~/modules/learning/rules";
import {
  myActivityVolunteering,
  volunteerForActivity,
} from "~/modules/community/volunteers.server";
import { checkinSecret } from "~/modules/learning/checkin.server";
import type { Actor } from "~/modules/auth/permissions";
import { UserError } from "~/utils/errors";
import { activityInput, activitySnapshot, insertActivity } from "@tests/factories/activities";
import { createTestDb } from "@tests/factories/db";
import { addFamilyMember } from "@tests/factories/learning";
import { daysFromToday, scheduleRun, schedulingWorld } from "@tests/factories/scheduling";
import { createActor } from "@tests/factories/users";

const MIN = 60_000;
const DAY = 86_400_000;

let db: ReturnType<typeof createTestDb>;
beforeEach(() => {
  db = createTestDb();
});
afterEach(() => db.cleanup());

function refusal(fn: () => unknown) {
  try {
    fn();
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  throw new Error("expected a refusal");
}

async function asyncRefusal(fn: () => Promise<unknown>) {
  try {
    await fn();
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  throw new Error("expected a refusal");
}

function statusOf(fn: () => unknown) {
  try {
    fn();
  } catch (e) {
    if (e instanceof Response) return e.status;
    throw e;
  }
  return 200;
}

/** Scan the activity's code at `at` (during the activity) and tick the given people. */
function scan(actor: Actor, activityId: number, at: number, keys?: string[]) {
  const code = signCheckinToken(activityCheckinSecret(db), activityId, at);
  const prompt = activityCheckinPrompt(db, actor, code, at);
  if (prompt.kind !== "ready") throw new Error(`not ready: ${JSON.stringify(prompt)}`);
  return activityCheckIn(
    db,
    actor,
    { code: prompt.pass, keys: keys ?? prompt.people.map((p) => p.key) },
    at,
  );
}

describe("participations (参与人次)", () => {
  it("count check-ins + registered attendance + the unidentified part of the headcount, never a person twice", async () => {
    const w = await schedulingWorld(db);
    const now = Date.now();
    const [u1, u2, u3, u4, u5] = await Promise.all([1, 2, 3, 4, 5].map(() => createActor(db)));
    addFamilyMember(db, u1!, "王秀英", "母亲");

    // 1. An open event 5 days ago: u1 + his mother and u2 scan (3), headcount 10 → 7 more. Total 10.
    const open = insertActivity(db, w.a.id, { startsAt: now - 5 * DAY }, now);
    const during = open.startsAt + 10 * MIN;
    expect(scan(u1!, open.id, during).checkedIn).toEqual([u1!.name, "王秀英"]);
    scan(u2!, open.id, during);
    // A replayed scan counts nothing.
    expect(scan(u2!, open.id, during + MIN).already).toEqual([u2!.name]);
    recordHeadcount(
      db,
      w.managerA,
      open.id,
      { headcount: 10, confirmLarge: false },
      null,
      open.endsAt + MIN,
    );

    // 2. A registered event 3 days ago, 5 seats, 4 registered: r1, r2 scan; the manager ticks r1 and r3
    // (r1 stays a check-in), r4 absent; a headcount of 2 is below the 3 identified → nothing more. Total 3.
    const reg = insertActivity(
      db,
      w.a.id,
      { startsAt: now - 3 * DAY, registration: true, capacity: 5, roomId: w.roomA.id, place: "" },
      now,
    );
    const before = reg.startsAt - DAY;
    for (const u of [u1!, u2!, u3!, u4!])
      await registerForActivity(db, u, { activityId: reg.id }, before);
    scan(u1!, reg.id, reg.startsAt + 5 * MIN);
    scan(u2!, reg.id, reg.startsAt + 6 * MIN);
    const regIds = db
      .select()
      .from(activityRegistrations)
      .where(eq(activityRegistrations.activityId, reg.id))
      .orderBy(activityRegistrations.id)
      .all()
      .map((r) => r.id);
    markActivityAttendance(
      db,
      w.managerA,
      reg.id,
      [regIds[0]!, regIds[2]!],
      null,
      reg.startsAt + 30 * MIN,
    );
    recordHeadcount(
      db,
      w.managerA,
      reg.id,
      { headcount: 2, confirmLarge: false },
      null,
      reg.endsAt,
    );

    // 3. A cancelled event with a headcount: never counted.
    insertActivity(
      db,
      w.a.id,
      { startsAt: now - 2 * DAY, status: "cancelled", cancelReason: "台风", headcount: 50 },
      now,
    );
    // 4. 40 days ago, one scan, no headcount: 1 (outside a 30-day period).
    const old = insertActivity(db, w.a.id, { startsAt: now - 40 * DAY }, now);
    scan(u5!, old.id, old.startsAt + MIN);
    // 5. Academy B (another district): headcount 20, nobody scanned. Total 20.
    insertActivity(db, w.b.id, { startsAt: now - 1 * DAY, headcount: 20 }, now);
    // 6. Upcoming: nothing yet.
    insertActivity(db, w.a.id, { startsAt: now + DAY }, now);

    expect(countParticipations(db)).toEqual({
      activities: 5,
      checkins: 6,
      registeredAttendance: 1,
      unregistered: 27,
      total: 34,
    });
    expect(countParticipations(db, { from: now - 30 * DAY, to: now }).total).toBe(33);
    expect(countParticipations(db, { scope: { kind: "academy", id: w.a.id } }).total).toBe(14);
    expect(countParticipations(db, { scope: { kind: "district", id: w.d.huli!.id } }).total).toBe(
      14,
    );
    expect(countParticipations(db, { scope: { kind: "district", id: w.d.siming!.id } }).total).toBe(
      20,
    );
    const per = countParticipations(db, { activityIds: [open.id, reg.id], perActivity: true });
    expect(per.byActivity!.get(open.id)).toEqual({
      activities: 1,
      checkins: 3,
      registeredAttendance: 0,
      unregistered: 7,
      total: 10,
    });
    expect(per.byActivity!.get(reg.id)).toEqual({
      activities: 1,
      checkins: 2,
      registeredAttendance: 1,
      unregistered: 0,
      total: 3,
    });
    // The untick of a person who scanned did not undo the scan; r4 is recorded absent.
    const marks = db
      .select()
      .from(activityAttendance)
      .where(eq(activityAttendance.activityId, reg.id))
      .all();
    expect(marks.filter((m) => m.present)).toHaveLength(3);
    expect(marks.filter((m) => !m.present).map((m) => m.registrationId)).toEqual([regIds[3]]);
  });
});

describe("registration through the enrolment seats", () => {
  it("fills the capacity, waitlists the rest in order, registers a family member, and promotes on cancel with a message", async () => {
    const w = await schedulingWorld(db);
    const a = insertActivity(db, w.a.id, { registration: true, capacity: 2 });
    const [u1, u2, u3] = await Promise.all([1, 2, 3].map(() => createActor(db)));
    const mother = addFamilyMember(db, u1!, "王秀英", "母亲");
    expect((await registerForActivity(db, u1!, { activityId: a.id })).status).toBe("confirmed");
    expect(
      (await registerForActivity(db, u1!, { activityId: a.id, memberId: mother.id })).status,
    ).toBe("confirmed");
    const r3 = await registerForActivity(db, u2!, { activityId: a.id });
    expect(r3).toMatchObject({ status: "waitlisted", position: 1 });
    expect(await registerForActivity(db, u3!, { activityId: a.id })).toMatchObject({
      status: "waitlisted",
      position: 2,
    });

    const snap = activitySnapshot(db);
    const dup = await asyncRefusal(() =>
      registerForActivity(db, u1!, { activityId: a.id, memberId: mother.id }),
    );
    expect(dup.message).toContain("母亲王秀英已经报过这个活动了");
    expect(activitySnapshot(db)).toEqual(snap);

    cancelActivityRegistration(db, u1!, { activityId: a.id, memberId: mother.id });
    const rows = db
      .select()
      .from(activityRegistrations)
      .where(eq(activityRegistrations.activityId, a.id))
      .all();
    expect(
      rows
        .filter((r) => r.status === "confirmed")
        .map((r) => r.userId)
        .sort(),
    ).toEqual([u1!.id, u2!.id].sort());
    const msg = db.select().from(notifications).where(eq(notifications.userId, u2!.id)).all();
    expect(msg.map((m) => m.title)).toEqual([`候补转正：「${a.title}」`]);
  });

  it("refuses registering for an open event, after the start, or for someone else's family member", async () => {
    const w = await schedulingWorld(db);
    const u = await createActor(db);
    const other = await createActor(db);
    const stranger = addFamilyMember(db, other, "李阿婆", "母亲");
    const open = insertActivity(db, w.a.id);
    const reg = insertActivity(db, w.a.id, { registration: true, capacity: 3 });
    const snap = activitySnapshot(db);
    expect(
      (await asyncRefusal(() => registerForActivity(db, u, { activityId: open.id }))).message,
    ).toContain("不需要报名");
    expect(
      (await asyncRefusal(() => registerForActivity(db, u, { activityId: reg.id }, reg.startsAt)))
        .message,
    ).toContain("报名已经截止");
    expect(
      (
        await asyncRefusal(() =>
          registerForActivity(db, u, { activityId: reg.id, memberId: stranger.id }),
        )
      ).message,
    ).toContain("家庭");
    expect(activitySnapshot(db)).toEqual(snap);
  });
});

describe("rooms are shared by classes and activities", () => {
  function nextTuesday() {
    for (let i = 7; i < 14; i++) {
      const d = daysFromToday(i);
      if ((new Date(`${d}T00:00:00Z`).getUTCDay() || 7) === 2) return d;
    }
    throw new Error("unreachable");
  }

  it("refuses an activity over a class session in the same room, naming the class, and writes nothing", async () => {
    const w = await schedulingWorld(db);
    const date = nextTuesday();
    scheduleRun(db, w.managerA, w.a.id, {
      courseId: w.course.id,
      roomId: w.roomA.id,
      guestTeacher: "林老师",
      startDate: date,
      weekdays: [2],
      startTime: "10:00",
      endTime: "11:30",
    });
    const snap = activitySnapshot(db);
    const e = refusal(() =>
      createActivity(
        db,
        w.managerA,
        w.a.id,
        activityInput({
          roomId: w.roomA.id,
          place: "",
          date,
          startTime: "11:00",
          endTime: "12:00",
        }),
      ),
    );
    expect(e.message).toContain("时间冲突：教室「多功能厅」");
    expect(e.message).toContain("「百年党史在厦门」（湖边社区书院·多功能厅）");
    expect(e.message).toMatch(/建议改到 \d+月\d+日 周二 11:30–12:30/);
    expect(e.field).toBe("date");
    expect(activitySnapshot(db)).toEqual(snap);
    // Touching is fine: 11:30–12:30.
    createActivity(
      db,
      w.managerA,
      w.a.id,
      activityInput({ roomId: w.roomA.id, place: "", date, startTime: "11:30", endTime: "12:30" }),
    );
  });

  it("refuses a class session over an activity in the same room, naming the activity; a cancelled activity frees the room", async () => {
    const w = await schedulingWorld(db);
    const date = nextTuesday();
    const { ids } = createActivity(
      db,
      w.managerA,
      w.a.id,
      activityInput({
        title: "亲子绘本共读",
        roomId: w.roomA.id,
        place: "",
        date,
        startTime: "14:00",
        endTime: "16:00",
      }),
    );
    const sessionsBefore = db
      .select({ n: sql<number>`count(*)` })
      .from(classSessions)
      .get()!.n;
    const e = refusal(() =>
      scheduleRun(db, w.managerA, w.a.id, {
        courseId: w.course.id,
        roomId: w.roomA.id,
        guestTeacher: "林老师",
        startDate: date,
        weekdays: [2],
        startTime: "15:00",
        endTime: "16:30",
        weeks: 3,
      }),
    );
    expect(e.message).toContain("时间冲突：教室「多功能厅」");
    expect(e.message).toContain("活动「亲子绘本共读」（湖边社区书院·多功能厅）");
    expect(
      db
        .select({ n: sql<number>`count(*)` })
        .from(classSessions)
        .get()!.n,
    ).toBe(sessionsBefore);
    // Another academy's room is another room.
    scheduleRun(db, w.managerB, w.b.id, {
      courseId: w.course.id,
      roomId: w.roomB.id,
      guestTeacher: "林老师",
      startDate: date,
      weekdays: [2],
      startTime: "15:00",
      endTime: "16:30",
    });
    cancelActivity(db, w.managerA, ids[0]!, { reason: "场地维修", scope: "this" });
    scheduleRun(db, w.managerA, w.a.id, {
      courseId: w.course.id,
      roomId: w.roomA.id,
      guestTeacher: "林老师",
      startDate: date,
      weekdays: [2],
      startTime: "15:00",
      endTime: "16:30",
    });
  });

  it("a repeating activity with one clashing date is refused whole; editing an activity does not clash with itself", async () => {
    const w = await schedulingWorld(db);
    const date = nextTuesday();
    const third = daysFromToday(0, new Date(`${date}T12:00:00Z`).getTime() + 14 * DAY);
    scheduleRun(db, w.managerA, w.a.id, {
      courseId: w.course.id,
      roomId: w.roomA.id,
      guestTeacher: "林老师",
      startDate: third,
      weekdays: [2],
      startTime: "19:00",
      endTime: "20:00",
    });
    const snap = activitySnapshot(db);
    const e = refusal(() =>
      createActivity(
        db,
        w.managerA,
        w.a.id,
        activityInput({
          roomId: w.roomA.id,
          place: "",
          date,
          startTime: "19:30",
          endTime: "21:00",
          repeat: true,
          weekdays: [2],
          weeks: 4,
        }),
      ),
    );
    expect(e.message).toContain("百年党史在厦门");
    expect(activitySnapshot(db)).toEqual(snap);
    const { ids } = createActivity(
      db,
      w.managerA,
      w.a.id,
      activityInput({
        roomId: w.roomA.id,
        place: "",
        date,
        startTime: "08:00",
        endTime: "09:00",
        repeat: true,
        weekdays: [2],
        weeks: 4,
      }),
    );
    expect(ids).toHaveLength(4);
    updateActivity(db, w.managerA, ids[0]!, {
      ...activityInput({
        roomId: w.roomA.id,
        place: "",
        date,
        startTime: "08:00",
        endTime: "09:30",
      }),
    });
    expect(
      db.select().from(activities).where(eq(activities.id, ids[0]!)).get()!.endsAt,
    ).toBeGreaterThan(0);
  });
});

describe("bad input", () => {
  it("refuses an end before the start, a negative headcount, and asks to confirm a headcount above 10× the room", async () => {
    const w = await schedulingWorld(db);
    const snap0 = activitySnapshot(db);
    const e = refusal(() =>
      createActivity(
        db,
        w.managerA,
        w.a.id,
        activityInput({ startTime: "11:00", endTime: "10:00" }),
      ),
    );
    expect([e.message, e.field]).toEqual(["结束时间必须晚于开始时间。", "endTime"]);
    expect(
      refusal(() => createActivity(db, w.managerA, w.a.id, activityInput({ place: "" }))).field,
    ).toBe("place");
    expect(
      refusal(() => createActivity(db, w.managerA, w.a.id, activityInput({ registration: true })))
        .field,
    ).toBe("capacity");
    expect(activitySnapshot(db)).toEqual(snap0);

    const a = insertActivity(db, w.a.id, {
      startsAt: Date.now() - DAY,
      roomId: w.roomA.id,
      place: "",
    });
    const snap = activitySnapshot(db);
    const neg = refusal(() =>
      recordHeadcount(db, w.managerA, a.id, { headcount: -1, confirmLarge: false }),
    );
    expect([neg.message, neg.field]).toEqual(["现场人数不能是负数。", "headcount"]);
    const big = refusal(() =>
      recordHeadcount(db, w.managerA, a.id, { headcount: 401, confirmLarge: false }),
    );
    expect(big.field).toBe("confirmLarge");
    expect(big.message).toContain("超过了场地容量（40 人）的 10 倍");
    expect(activitySnapshot(db)).toEqual(snap);
    recordHeadcount(db, w.managerA, a.id, { headcount: 400, confirmLarge: false });
    recordHeadcount(db, w.managerA, a.id, { headcount: 401, confirmLarge: true });
    expect(db.select().from(activities).where(eq(activities.id, a.id)).get()!.headcount).toBe(401);
  });

  it("a report must be a valid tiptap document and photos public images; a good one is shown as HTML", async () => {
    const w = await schedulingWorld(db);
    const a = insertActivity(db, w.a.id, { startsAt: Date.now() - DAY });
    const img = db
      .insert(resources)
      .values({
        title: "合影",
        kind: "image",
        mime: "image/png",
        storedName: "test-photo.png",
        visibility: "public",
        createdAt: Date.now(),
      })
      .returning()
      .get();
    const snap = activitySnapshot(db);
    expect(
      refusal(() => saveActivityReport(db, w.managerA, a.id, { report: "{not json", photoIds: [] }))
        .field,
    ).toBe("report");
    const doc = JSON.stringify({
      type: "doc",
      content: [
        { type: "paragraph", content: [{ type: "text", text: "六十位居民参加了游园会。" }] },
      ],
    });
    expect(
      refusal(() =>
        saveActivityReport(db, w.managerA, a.id, { report: doc, photoIds: [img.id + 1000] }),
      ).field,
    ).toBe("photoIds");
    expect(activitySnapshot(db)).toEqual(snap);
    saveActivityReport(db, w.managerA, a.id, { report: doc, photoIds: [img.id] });
    expect(db.select().from(activities).where(eq(activities.id, a.id)).get()!.reportHtml).toBe(
      "<p>六十位居民参加了游园会。</p>",
    );
  });
});

describe("check-in", () => {
  it("a class session's code does not open an activity; a registered activity refuses people who did not register", async () => {
    const w = await schedulingWorld(db);
    const a = insertActivity(db, w.a.id, { registration: true, capacity: 5 });
    const u = await createActor(db);
    const at = a.startsAt + MIN;
    const classCode = signCheckinToken(checkinSecret(db), a.id, at);
    expect(activityCheckinPrompt(db, u, classCode, at)).toMatchObject({ kind: "refused" });
    const code = signCheckinToken(activityCheckinSecret(db), a.id, at);
    expect(activityCheckinPrompt(db, null, code, at)).toMatchObject({ kind: "login" });
    const p = activityCheckinPrompt(db, u, code, at);
    expect(p.kind === "refused" && p.message).toContain("需要报名参加");
    const late = a.endsAt + MIN;
    expect(
      activityCheckinPrompt(db, u, signCheckinToken(activityCheckinSecret(db), a.id, late), late),
    ).toMatchObject({ kind: "refused", message: "这个活动已经结束，不能再签到。" });
  });

  it("a pass is bound to the browser that scanned: relayed to another browser it is refused (issue 14)", async () => {
    const w = await schedulingWorld(db);
    const a = insertActivity(db, w.a.id, { registration: false });
    const u = await createActor(db);
    const at = a.startsAt + MIN;
    const scanner = "A".repeat(22);
    const other = "B".repeat(22);
    // Scanned signed out on the venue's poster: the login link carries a pass made for this browser.
    const first = activityCheckinPrompt(
      db,
      null,
      signCheckinToken(activityCheckinSecret(db), a.id, at),
      at,
      scanner,
    );
    if (first.kind !== "login") throw new Error("expected the login step");
    expect(activityCheckinPrompt(db, u, first.pass, at + MIN, other)).toMatchObject({
      kind: "refused",
    });
    expect(activityCheckinPrompt(db, u, first.pass, at + MIN, "")).toMatchObject({
      kind: "refused",
    });
    expect(() =>
      activityCheckIn(db, u, { code: first.pass, keys: ["u"], browser: other }, at + MIN),
    ).toThrow();
    const mine = activityCheckinPrompt(db, u, first.pass, at + MIN, scanner);
    expect(mine.kind).toBe("ready");
    expect(
      activityCheckIn(db, u, { code: first.pass, keys: ["u"], browser: scanner }, at + MIN)
        .checkedIn,
    ).toHaveLength(1);
  });
});

describe("scope", () => {
  it("a manager of academy A gets 403 on B's activities, and nothing changes", async () => {
    const w = await schedulingWorld(db);
    const past = insertActivity(db, w.b.id, {
      startsAt: Date.now() - DAY,
      registration: true,
      capacity: 5,
      roomId: w.roomB.id,
      place: "",
    });
    const future = insertActivity(db, w.b.id, { registration: true, capacity: 5 });
    const u = await createActor(db);
    await registerForActivity(db, u, { activityId: future.id });
    const snap = activitySnapshot(db);
    const attempts: [string, () => unknown][] = [
      ["create in B", () => createActivity(db, w.managerA, w.b.id, activityInput())],
      ["edit", () => updateActivity(db, w.managerA, future.id, activityInput())],
      [
        "cancel",
        () => cancelActivity(db, w.managerA, future.id, { reason: "捣乱", scope: "rest" }),
      ],
      [
        "headcount",
        () => recordHeadcount(db, w.managerA, past.id, { headcount: 3, confirmLarge: false }),
      ],
      ["roll-call", () => markActivityAttendance(db, w.managerA, past.id, [])],
      ["report", () => saveActivityReport(db, w.managerA, past.id, { report: "", photoIds: [] })],
      [
        "walk-in",
        () =>
          addActivityWalkIn(db, w.managerA, {
            activityId: future.id,
            name: "张三",
            phone: "13811112222",
          }),
      ],
    ];
    for (const [what, fn] of attempts) expect([what, statusOf(fn)]).toEqual([what, 403]);
    await expect(
      activityCheckinScreen(db, w.managerA, future.id, "http://x"),
    ).rejects.toMatchObject({ status: 403 });
    // A resident is no manager either; B's own manager is.
    expect(
      statusOf(() => recordHeadcount(db, u, past.id, { headcount: 3, confirmLarge: false })),
    ).toBe(403);
    expect(activitySnapshot(db)).toEqual(snap);
    expect(
      statusOf(() =>
        recordHeadcount(db, w.managerB, past.id, { headcount: 3, confirmLarge: false }),
      ),
    ).toBe(200);
  });
});

describe("no-show policy (the same as for classes)", () => {
  it("a registered activity missed without cancelling is a no-show; three put the person on waitlists only", async () => {
    const w = await schedulingWorld(db);
    const now = Date.now();
    const [u, other] = await Promise.all([createActor(db), createActor(db)]);
    const past = (daysAgo: number) =>
      insertActivity(
        db,
        w.a.id,
        { startsAt: now - daysAgo * DAY, registration: true, capacity: 5 },
        now,
      );
    const both = async (a: { id: number; startsAt: number }) => {
      for (const x of [u, other])
        await registerForActivity(db, x, { activityId: a.id }, a.startsAt - DAY);
    };
    // Not no-shows: attended (scanned); nobody recorded anything; the activity was cancelled;
    // the seat was given back before the start; an open event the person did not come to.
    const attended = past(40);
    await both(attended);
    scan(u, attended.id, attended.startsAt + MIN);
    await both(past(35));
    const cancelled = past(30);
    await both(cancelled);
    scan(other, cancelled.id, cancelled.startsAt + MIN);
    db.update(activities)
      .set({ status: "cancelled", cancelReason: "台风" })
      .where(eq(activities.id, cancelled.id))
      .run();
    const gaveBack = past(25);
    await both(gaveBack);
    cancelActivityRegistration(db, u, { activityId: gaveBack.id }, gaveBack.startsAt - MIN);
    scan(other, gaveBack.id, gaveBack.startsAt + MIN);
    const open = insertActivity(db, w.a.id, { startsAt: now - 22 * DAY }, now);
    scan(other, open.id, open.startsAt + MIN);
    expect(activityNoShowTimes(db, { userId: u.id }, 0, now)).toEqual([]);
    expect(noShowRestriction(db, u.id, now, null, DEFAULT_POLICY)).toBeNull();

    // Three no-shows: recorded by someone else's scan, by the manager's roll call, by a scan again.
    const m1 = past(20);
    await both(m1);
    scan(other, m1.id, m1.startsAt + MIN);
    const m2 = past(10);
    await both(m2);
    markActivityAttendance(db, w.managerA, m2.id, [], null, m2.startsAt + 30 * MIN);
    expect(noShowRestriction(db, u.id, now, null, DEFAULT_POLICY)).toBeNull();
    const m3 = past(5);
    await both(m3);
    scan(other, m3.id, m3.startsAt + MIN);
    expect(activityNoShowTimes(db, { userId: u.id }, 0, now)).toEqual(
      [m1, m2, m3].map((a) => a.endsAt),
    );
    const r = noShowRestriction(db, u.id, now, null, DEFAULT_POLICY)!;
    expect(r.count).toBe(3);
    expect(r.message).toMatch(/90 天内有 3 次/);
    // The other person scanned every time: no restriction.
    expect(noShowRestriction(db, other.id, now, null, DEFAULT_POLICY)).toBeNull();

    // Enrolment applies it: a free seat, yet the restricted person is waitlisted with the reason.
    const next = insertActivity(
      db,
      w.a.id,
      { startsAt: now + 3 * DAY, registration: true, capacity: 10 },
      now,
    );
    const out = await registerForActivity(db, u, { activityId: next.id }, now);
    expect(out).toMatchObject({ status: "waitlisted", position: 1 });
    expect(out.restricted).toContain("只能进入候补名单");
    expect((await registerForActivity(db, other, { activityId: next.id }, now)).status).toBe(
      "confirmed",
    );
  });
});

describe("现场报名 (walk-in) at an activity", () => {
  it("adds a walk-in or an account by phone, marks them present once check-in is open, waitlists when full, refuses twice", async () => {
    const w = await schedulingWorld(db);
    const now = Date.now();
    const resident = await createActor(db);
    const a = insertActivity(
      db,
      w.a.id,
      { startsAt: now + 10 * MIN, registration: true, capacity: 2 },
      now,
    );
    // Check-in is open (10 minutes before the start): the walk-in is standing there.
    const walk = addActivityWalkIn(
      db,
      w.managerA,
      { activityId: a.id, name: "陈阿伯", phone: "13812345678" },
      null,
      now,
    );
    expect(walk).toMatchObject({
      status: "confirmed",
      present: true,
      account: false,
      name: "陈阿伯",
    });
    const acct = addActivityWalkIn(
      db,
      w.managerA,
      { activityId: a.id, name: "随便写", phone: resident.phone },
      null,
      now,
    );
    expect(acct).toMatchObject({ status: "confirmed", account: true, name: resident.name });
    const msg = db.select().from(notifications).where(eq(notifications.userId, resident.id)).all();
    expect(msg.map((m) => m.title)).toEqual([`书院为您报名：「${a.title}」`]);
    // Full: the third person waits.
    expect(
      addActivityWalkIn(
        db,
        w.managerA,
        { activityId: a.id, name: "林阿姨", phone: "13812345679" },
        null,
        now,
      ),
    ).toMatchObject({
      status: "waitlisted",
      position: 1,
      present: false,
    });
    // Present rows count in participations as registered attendance.
    expect(countParticipations(db, { activityIds: [a.id] }).registeredAttendance).toBe(2);
    expect(
      db.select().from(auditLog).where(eq(auditLog.action, "activity.walkin")).all(),
    ).toHaveLength(3);

    const snap = activitySnapshot(db);
    const twice = refusal(() =>
      addActivityWalkIn(
        db,
        w.managerA,
        { activityId: a.id, name: "陈阿伯", phone: "13812345678" },
        null,
        now,
      ),
    );
    expect([twice.field, twice.message]).toEqual(["phone", "手机号 13812345678 已经在名单上了。"]);
    expect(
      refusal(() =>
        addActivityWalkIn(
          db,
          w.managerA,
          { activityId: a.id, name: "x", phone: resident.phone },
          null,
          now,
        ),
      ).message,
    ).toContain("已经在名单上了");
    expect(
      refusal(() =>
        addActivityWalkIn(
          db,
          w.managerA,
          { activityId: a.id, name: "", phone: "13800000000" },
          null,
          now,
        ),
      ).field,
    ).toBe("name");
    expect(
      refusal(() =>
        addActivityWalkIn(
          db,
          w.managerA,
          { activityId: a.id, name: "王", phone: "12345" },
          null,
          now,
        ),
      ).field,
    ).toBe("phone");
    const open = insertActivity(db, w.a.id, { startsAt: now + DAY }, now);
    expect(
      refusal(() =>
        addActivityWalkIn(
          db,
          w.managerA,
          { activityId: open.id, name: "王", phone: "13800000001" },
          null,
          now,
        ),
      ).message,
    ).toContain("现场人数");
    expect(
      refusal(() =>
        addActivityWalkIn(
          db,
          w.managerA,
          { activityId: a.id, name: "王", phone: "13800000001" },
          null,
          a.endsAt,
        ),
      ).message,
    ).toContain("已经结束");
    const snapAfter = activitySnapshot(db);
    expect({ ...snapAfter, activities: snapAfter.activities.length }).toEqual({
      ...snap,
      activities: snap.activities.length + 1,
    });

    // Days before the event a walk-in only gets a seat, no presence.
    const later = insertActivity(
      db,
      w.a.id,
      { startsAt: now + 2 * DAY, registration: true, capacity: 5 },
      now,
    );
    expect(
      addActivityWalkIn(
        db,
        w.managerA,
        { activityId: later.id, name: "陈阿伯", phone: "13812345678" },
        null,
        now,
      ).present,
    ).toBe(false);
  });
});

describe("我要当志愿者 for an activity", () => {
  it("signs up once per person, not for a cancelled or finished activity, with a real foreign key", async () => {
    const w = await schedulingWorld(db);
    const now = Date.now();
    const u = await createActor(db);
    const a = insertActivity(db, w.a.id, {}, now);
    expect(myActivityVolunteering(db, u, a.id)).toBeNull();
    const s = volunteerForActivity(db, u, a.id, { note: "会摄影" }, now);
    expect(s).toMatchObject({
      academyId: w.a.id,
      activityId: a.id,
      status: "applied",
      note: "会摄影",
    });
    expect(myActivityVolunteering(db, u, a.id)).toMatchObject({ status: "applied" });
    const twice = refusal(() => volunteerForActivity(db, u, a.id, {}, now));
    expect([twice.field, twice.message]).toEqual([
      "note",
      "您已经报名做这个活动的志愿者了，不用重复报名。",
    ]);
    expect(refusal(() => volunteerForActivity(db, u, a.id, {}, a.endsAt)).message).toContain(
      "已经结束",
    );
    const gone = insertActivity(db, w.a.id, { status: "cancelled", cancelReason: "下雨" }, now);
    expect(refusal(() => volunteerForActivity(db, u, gone.id, {}, now)).message).toContain(
      "已经取消",
    );
    expect(statusOf(() => volunteerForActivity(db, u, 999_999, {}, now))).toBe(404);
    // volunteer_signups.activity_id → activities: a made-up id is refused by SQLite itself.
    expect(() =>
      db
        .insert(volunteerSignups)
        .values({ userId: u.id, academyId: w.a.id, activityId: 999_999, createdAt: now })
        .run(),
    ).toThrow(/FOREIGN KEY/);
    expect(db.select().from(volunteerSignups).all()).toHaveLength(1);
  });
});
