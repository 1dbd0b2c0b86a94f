/**
 * 请假 (issue 15 part 3): a resident asks for leave for one upcoming session online (also for a
 * family member), before it starts, and may withdraw it; the roll call shows it and has three
 * states (出席 / 请假 / 缺席); staff may mark 请假 too; an excused absence never counts towards the
 * no-show policy; records, exports and statistics show the three states, and the rollups still
 * equal a full recount.
 */
import { and, count, eq } from "drizzle-orm";
import { attendance, auditLog, notifications } from "@db/schema";
import {
  academyAttendanceOverview,
  noShowRestriction,
  runAttendance,
  saveSessionAttendance,
  sessionAttendance,
} from "~/modules/learning/attendance.server";
import { learningRecord } from "~/modules/learning/record.server";
import { exportRunRoster } from "~/modules/learning/roster-export.server";
import { DEFAULT_POLICY } from "~/modules/learning/rules";
import { leavePage, LEAVE_TOO_LATE, requestLeave, withdrawLeave } from "~/modules/learning/leave.server";
import { leaveRequestSchema } from "~/modules/learning/leave";
import { DEFINITIONS } from "~/modules/stats/definitions";
import { makePeriod } from "~/modules/stats/period";
import { checkRollups } from "~/modules/stats/rollups.server";
import { computeFigures } from "~/modules/stats/stats.server";
import { academyDashboard } from "~/modules/stats/dashboards.server";
import type { TestDb } from "@tests/factories/db";
import {
  addFamilyMember,
  createWorldRun,
  DAY,
  enrol,
  freshLearningWorld,
  HOUR,
  markExcused,
  markPresent,
  MIN,
  type LearningWorld,
} from "@tests/factories/learning";

let db: TestDb;
let w: LearningWorld;
const NOW = Date.UTC(2026, 10, 27, 4); // 2026-11-27 12:00 in Xiamen

beforeEach(async () => ({ db, w } = await freshLearningWorld()));
afterEach(() => db.cleanup());

/** A run with two sessions tomorrow and in a week; the resident holds a seat. */
function upcoming() {
  const { run, sessions } = createWorldRun(db, w, { starts: [NOW + DAY, NOW + 7 * DAY] });
  const mine = enrol(db, run.id, { userId: w.resident.id });
  return { run, sessions, mine, session: sessions[0]! };
}

const tally = () => ({
  attendance: db.select({ n: count() }).from(attendance).get()!.n,
  audit: db.select({ n: count() }).from(auditLog).get()!.n,
  messages: db.select({ n: count() }).from(notifications).get()!.n,
});

async function thrown(fn: () => unknown) {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error("expected a refusal");
}

describe("asking for leave", () => {
  it("before the start: an excused mark with the reason, audited, confirmed by 消息, on the teacher's roll call", () => {
    const { session, mine } = upcoming();
    const out = requestLeave(db, w.resident, { enrollmentId: mine.id, sessionId: session.id, reason: "去医院复查" }, "1.2.3.4", NOW);
    expect(out.sessionId).toBe(session.id);
    expect(db.select().from(attendance).get()).toMatchObject({
      sessionId: session.id,
      enrollmentId: mine.id,
      present: false,
      excused: true,
      method: "leave",
      note: "去医院复查",
      markedBy: w.resident.id,
    });
    const audit = db.select().from(auditLog).where(eq(auditLog.action, "attendance.leave")).all();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorId: w.resident.id, targetId: String(session.id), ip: "1.2.3.4" });
    expect(audit[0]!.summary).toContain("去医院复查");
    const msg = db.select().from(notifications).where(eq(notifications.userId, w.resident.id)).all();
    expect(msg.map((m) => m.title)).toEqual(["已请假：闽南语入门"]);
    expect(msg[0]!.link).toBe(`/me/leave/${mine.id}`);
    // The roll call (from 30 minutes before the start) shows 请假 with the reason.
    const roll = sessionAttendance(db, w.teacher, session.id, session.startsAt - 10 * MIN);
    expect(roll.rows.find((r) => r.enrollmentId === mine.id)).toMatchObject({ state: "excused", note: "去医院复查", method: "leave" });
    expect(roll.excused).toBe(1);
    // The leave page lists it as withdrawable; a second request says it is already there.
    const page = leavePage(db, w.resident, mine.id, NOW);
    expect(page.sessions.map((s) => [s.sessionId, s.state])).toEqual([
      [session.id, "excused"],
      [page.sessions[1]!.sessionId, null],
    ]);
    expect(() => requestLeave(db, w.resident, { enrollmentId: mine.id, sessionId: session.id, reason: "" }, null, NOW)).toThrow("这次课已经请过假了");
  });

  it("for a family member they enrolled", () => {
    const { run, session } = upcoming();
    const mother = addFamilyMember(db, w.resident);
    const hers = enrol(db, run.id, { userId: w.resident.id, familyMemberId: mother.id });
    requestLeave(db, w.resident, { enrollmentId: hers.id, sessionId: session.id, reason: "" }, null, NOW);
    expect(db.select().from(attendance).where(eq(attendance.enrollmentId, hers.id)).get()).toMatchObject({ excused: true, note: "" });
    expect(db.select().from(auditLog).where(eq(auditLog.action, "attendance.leave")).get()!.summary).toContain("为母亲王秀兰请假");
  });

  it("after the session started is refused in Chinese and writes nothing", async () => {
    const { session, mine } = upcoming();
    const before = tally();
    for (const at of [session.startsAt, session.startsAt + 5 * MIN, session.endsAt + HOUR]) {
      const e = await thrown(() => requestLeave(db, w.resident, { enrollmentId: mine.id, sessionId: session.id, reason: "来不了" }, null, at));
      expect(e).toMatchObject({ name: "UserError", message: LEAVE_TOO_LATE, field: "sessionId" });
    }
    expect(tally()).toEqual(before);
  });

  it("someone else's enrolment is a 403 and writes nothing; a session of another class is refused", async () => {
    const { run, session, mine } = upcoming();
    const theirs = enrol(db, run.id, { userId: w.neighbour.id });
    const before = tally();
    expect(await thrown(() => requestLeave(db, w.resident, { enrollmentId: theirs.id, sessionId: session.id, reason: "" }, null, NOW))).toMatchObject({ status: 403 });
    expect(await thrown(() => leavePage(db, w.resident, theirs.id, NOW))).toMatchObject({ status: 403 });
    expect(await thrown(() => requestLeave(db, w.teacher, { enrollmentId: mine.id, sessionId: session.id, reason: "" }, null, NOW))).toMatchObject({ status: 403 });
    const other = createWorldRun(db, w, { starts: [NOW + 2 * DAY] });
    expect(() => requestLeave(db, w.resident, { enrollmentId: mine.id, sessionId: other.sessions[0]!.id, reason: "" }, null, NOW)).toThrow("请选择这个班的一次课");
    // A waitlisted person has no seat to take leave from.
    const waiting = enrol(db, other.run.id, { userId: w.resident.id }, { status: "waitlisted" });
    expect(() => requestLeave(db, w.resident, { enrollmentId: waiting.id, sessionId: other.sessions[0]!.id, reason: "" }, null, NOW)).toThrow("已确认名额");
    expect(tally()).toEqual(before);
  });

  it("the form's reason is at most 100 characters, with a Chinese message", () => {
    const long = leaveRequestSchema.safeParse({ intent: "leave", sessionId: "3", reason: "长".repeat(101) });
    expect(long.success).toBe(false);
    expect(long.error!.issues[0]!.message).toBe("请假原因最多 100 个字。");
    const none = leaveRequestSchema.safeParse({ intent: "leave", reason: "" });
    expect(none.error!.issues[0]!.message).toBe("请选择要请假的那次课。");
    expect(leaveRequestSchema.parse({ intent: "leave", sessionId: "3" })).toEqual({ intent: "leave", sessionId: 3, reason: "" });
  });

  it("the database refuses a mark that is both present and excused", () => {
    const { session, mine } = upcoming();
    expect(() =>
      db.$client.prepare(`INSERT INTO attendance (session_id, enrollment_id, present, excused, method, marked_at) VALUES (?, ?, 1, 1, 'roster', 0)`).run(session.id, mine.id)
    ).toThrow(/present, excused/);
    expect(() =>
      db.$client.prepare(`INSERT INTO attendance (session_id, enrollment_id, present, excused, method, marked_at) VALUES (?, ?, 0, 0, 'leave', 0)`).run(session.id, mine.id)
    ).toThrow(/leave row is excused/);
  });
});

describe("withdrawing leave", () => {
  it("before the start removes the mark (audited, 消息); after the start it is refused and nothing changes", async () => {
    const { session, mine } = upcoming();
    requestLeave(db, w.resident, { enrollmentId: mine.id, sessionId: session.id, reason: "出差" }, null, NOW);
    withdrawLeave(db, w.resident, { enrollmentId: mine.id, sessionId: session.id }, "5.6.7.8", NOW + HOUR);
    expect(db.select().from(attendance).all()).toEqual([]);
    expect(db.select().from(auditLog).where(eq(auditLog.action, "attendance.leave_withdraw")).get()).toMatchObject({ actorId: w.resident.id, ip: "5.6.7.8" });
    expect(db.select().from(notifications).all().map((m) => m.title)).toEqual(["已请假：闽南语入门", "已撤销请假：闽南语入门"]);
    expect(() => withdrawLeave(db, w.resident, { enrollmentId: mine.id, sessionId: session.id }, null, NOW + HOUR)).toThrow("没有请假");

    requestLeave(db, w.resident, { enrollmentId: mine.id, sessionId: session.id, reason: "" }, null, NOW + 2 * HOUR);
    const before = tally();
    expect(() => withdrawLeave(db, w.resident, { enrollmentId: mine.id, sessionId: session.id }, null, session.startsAt + MIN)).toThrow(LEAVE_TOO_LATE);
    expect(tally()).toEqual(before);
  });

  it("a leave the academy recorded cannot be withdrawn online; someone else cannot withdraw mine", async () => {
    const { run, session, mine } = upcoming();
    markExcused(db, session.id, mine.id, { method: "manager" });
    expect(() => withdrawLeave(db, w.resident, { enrollmentId: mine.id, sessionId: session.id }, null, NOW)).toThrow("书院登记");
    const { sessions } = { sessions: [session] };
    const theirs = enrol(db, run.id, { userId: w.neighbour.id });
    requestLeave(db, w.neighbour, { enrollmentId: theirs.id, sessionId: sessions[0]!.id, reason: "" }, null, NOW);
    expect(await thrown(() => withdrawLeave(db, w.resident, { enrollmentId: theirs.id, sessionId: session.id }, null, NOW))).toMatchObject({ status: 403 });
    expect(db.select().from(attendance).where(eq(attendance.enrollmentId, theirs.id)).get()).toMatchObject({ excused: true });
  });
});

describe("the roll call has three states", () => {
  it("staff mark 出席 / 请假 / 缺席; a resident's leave stays unless changed; a QR check-in turns a leave into 出席", () => {
    const { run, session, mine } = upcoming();
    const b = enrol(db, run.id, { walkinName: "现场阿姨", walkinPhone: "13912345678" });
    const c = enrol(db, run.id, { userId: w.neighbour.id });
    requestLeave(db, w.resident, { enrollmentId: mine.id, sessionId: session.id, reason: "看病" }, null, NOW);
    const at = session.startsAt + 10 * MIN;
    // The teacher marks the walk-in 请假 (a phone call) and the neighbour 出席; the resident is left as is.
    const r = saveSessionAttendance(db, w.teacher, session.id, new Map([[b.id, "excused" as const], [c.id, "present" as const]]), null, at);
    expect(r).toMatchObject({ present: 1, excused: 2, total: 3, changed: 2 });
    const state = () => Object.fromEntries(sessionAttendance(db, w.teacher, session.id, at).rows.map((x) => [x.enrollmentId, [x.state, x.method, x.note]]));
    expect(state()).toEqual({ [mine.id]: ["excused", "leave", "看病"], [b.id]: ["excused", "roster", ""], [c.id]: ["present", "roster", ""] });
    expect(db.select().from(auditLog).where(eq(auditLog.action, "attendance.mark")).get()!.summary).toMatch(/出席 1、请假 2、缺席 0 \/ 3 人/);
    // The older list of present ids: everyone else 缺席, except those on leave.
    saveSessionAttendance(db, w.manager, session.id, [c.id], null, at + MIN);
    expect(state()[b.id]![0]).toBe("excused");
    saveSessionAttendance(db, w.manager, session.id, new Map([[b.id, "absent" as const]]), null, at + 2 * MIN);
    expect(state()[b.id]![0]).toBe("absent");
    // The resident came after all: 出席 replaces the leave.
    saveSessionAttendance(db, w.teacher, session.id, new Map([[mine.id, "present" as const]]), null, at + 3 * MIN);
    expect(state()[mine.id]).toEqual(["present", "roster", ""]);
  });

  it("another academy's manager (and a resident) cannot mark, and nothing changes", async () => {
    const { session, mine } = upcoming();
    requestLeave(db, w.resident, { enrollmentId: mine.id, sessionId: session.id, reason: "" }, null, NOW);
    const before = db.select().from(attendance).all();
    const at = session.startsAt + 10 * MIN;
    for (const actor of [w.otherManager, w.resident, w.otherTeacher])
      expect(await thrown(() => saveSessionAttendance(db, actor, session.id, new Map([[mine.id, "absent" as const]]), null, at))).toMatchObject({ status: 403 });
    // Pinned to their own academy (the /manage/:academy routes), even this academy's session is not found.
    expect(await thrown(() => saveSessionAttendance(db, w.manager, session.id, new Map([[mine.id, "absent" as const]]), null, at, w.other.id))).toMatchObject({ status: 404 });
    expect(db.select().from(attendance).all()).toEqual(before);
    expect(db.select().from(auditLog).where(eq(auditLog.action, "attendance.mark")).all()).toEqual([]);
  });
});

describe("请假 never counts as a no-show", () => {
  /** A held, recorded session (someone else present) `daysAgo` days ago with the resident's seat. */
  function held(daysAgo: number) {
    const { run, sessions } = createWorldRun(db, w, { starts: [NOW - daysAgo * DAY] });
    const other = enrol(db, run.id, { walkinName: "别人", walkinPhone: `1390000${String(daysAgo).padStart(4, "0")}` });
    markPresent(db, sessions[0]!.id, other.id);
    return { run, session: sessions[0]!, mine: enrol(db, run.id, { userId: w.resident.id }) };
  }

  it("three excused absences (online or by staff) make no restriction; three 缺席 do", () => {
    const a = held(60);
    markExcused(db, a.session.id, a.mine.id, { method: "leave", note: "住院" });
    const b = held(30);
    markExcused(db, b.session.id, b.mine.id, { method: "roster" });
    const c = held(5);
    markExcused(db, c.session.id, c.mine.id, { method: "manager" });
    expect(noShowRestriction(db, w.resident.id, NOW, null, DEFAULT_POLICY)).toBeNull();
    const grid = runAttendance(db, w.manager, c.run.id, NOW);
    const me = grid.confirmed.find((l) => l.enrollmentId === c.mine.id)!;
    expect(me.marks[c.session.id]).toBe("excused");
    expect([me.noShows, me.excused, me.rate]).toEqual([0, 1, 0]);
    expect(grid.summary).toMatchObject({ noShows: 0, excused: 1, noShowRate: 0, attendanceRate: 0.5 });
    const overview = academyAttendanceOverview(db, w.manager, w.academy, {}, NOW).rows.find((r) => r.runId === c.run.id)!;
    expect(overview).toMatchObject({ seatSessions: 2, present: 1, excused: 1, noShows: 0, noShowRate: 0 });
    // The same three as 缺席 (staff change their mind): the policy applies.
    db.$client.prepare(`UPDATE attendance SET excused = 0, method = 'roster', note = '' WHERE enrollment_id IN (?, ?, ?)`).run(a.mine.id, b.mine.id, c.mine.id);
    expect(noShowRestriction(db, w.resident.id, NOW, null, DEFAULT_POLICY)?.count).toBe(3);
  });

  it("an online leave alone does not make a session recorded: nobody becomes a no-show through it", () => {
    for (const d of [40, 20, 10]) {
      const { run, sessions } = createWorldRun(db, w, { starts: [NOW - d * DAY] });
      enrol(db, run.id, { userId: w.resident.id });
      const neighbour = enrol(db, run.id, { userId: w.neighbour.id });
      markExcused(db, sessions[0]!.id, neighbour.id, { method: "leave" });
    }
    expect(noShowRestriction(db, w.resident.id, NOW, null, DEFAULT_POLICY)).toBeNull();
  });
});

describe("records, exports and statistics show three states", () => {
  /** Four October sessions: 出席, 请假 (online), 缺席, 请假 (staff) for the resident; a helper always present. */
  function october() {
    const starts = [3, 10, 17, 24].map((d) => Date.UTC(2026, 9, d, 1));
    const { run, sessions } = createWorldRun(db, w, { starts, status: "finished" });
    const mine = enrol(db, run.id, { userId: w.resident.id }, { at: Date.UTC(2026, 8, 1) });
    const helper = enrol(db, run.id, { walkinName: "班长", walkinPhone: "13900002222" }, { at: Date.UTC(2026, 8, 1) });
    for (const s of sessions) markPresent(db, s.id, helper.id);
    markPresent(db, sessions[0]!.id, mine.id);
    requestLeave(db, w.resident, { enrollmentId: mine.id, sessionId: sessions[1]!.id, reason: "孙子生日" }, null, sessions[1]!.startsAt - DAY);
    markPresent(db, sessions[2]!.id, mine.id, false);
    saveSessionAttendance(db, w.teacher, sessions[3]!.id, new Map([[mine.id, "excused" as const], [helper.id, "present" as const]]), null, sessions[3]!.startsAt + MIN);
    return { run, sessions, mine };
  }

  it("the learning record counts 出席, 请假 and 缺席; upcoming sessions show 已请假", () => {
    const { mine } = october();
    const r = learningRecord(db, w.resident, NOW);
    const past = r.past.find((c) => c.enrollmentId === mine.id)!;
    expect(past.progress).toMatchObject({ recorded: 4, attendedRecorded: 1, excusedRecorded: 2, absentRecorded: 1, rate: 0.25 });
    const { session, mine: next } = upcoming();
    requestLeave(db, w.resident, { enrollmentId: next.id, sessionId: session.id, reason: "" }, null, NOW);
    const up = learningRecord(db, w.resident, NOW).upcoming;
    expect(up.map((u) => [u.sessionId, u.onLeave])).toEqual([
      [session.id, true],
      [up[1]!.sessionId, false],
    ]);
  });

  it("the roster CSV has 出席 / 请假 / 缺课 cells and a 请假次数 column", async () => {
    const { run } = october();
    const csv = (await exportRunRoster(db, w.manager, run.id, "csv", NOW)).body as string;
    const lines = csv.slice(1).trim().split("\r\n");
    expect(lines[0]).toMatch(/,出席次数,请假次数,出勤率,缺课（未请假）$/);
    const me = lines.find((l) => l.includes(w.resident.name))!;
    // 出席, 请假, 缺课 (a seat, attendance taken: the no-show), 请假; 1 出席, 2 请假, 25 %, 1 no-show.
    expect(me).toMatch(/,出席,请假,缺课,请假,1,2,25%,1$/);
  });

  it("statistics count 请假 apart, say how it is treated, and the rollups equal a full recount", () => {
    const { run, sessions, mine } = october();
    const period = makePeriod("custom", "2026-10", "2026-10");
    const scope = { type: "academy" as const, academyId: w.academy.id, districtId: w.academy.districtId };
    const f = computeFigures(db, scope, period, NOW);
    // 5 present (helper ×4, resident ×1), 2 请假, 1 缺席.
    expect([f.classAttendances, f.excused, f.absences]).toEqual([5, 2, 1]);
    expect(f.noShowRate).toBeCloseTo(1 / 8);
    expect(DEFINITIONS.excused.label).toBe("请假人次");
    expect(DEFINITIONS.excused.explain).toMatch(/不算爽约/);
    expect(DEFINITIONS.noShowRate.explain).toMatch(/缺席（未请假）人次 ÷（出席 \+ 请假 \+ 缺席）/);
    const dash = academyDashboard(db, w.manager, w.academy.id, period, NOW);
    expect(dash.cards.find((c) => c.key === "excused")).toMatchObject({ label: "请假人次", value: "2" });
    const runs = dash.tables.find((t) => t.id === "runs")!;
    const col = (h: string) => runs.headers.indexOf(h);
    const row = runs.rows[0]!;
    expect([row[col("出席人次")], row[col("请假人次")], row[col("缺席人次")]]).toEqual([5, 2, 1]);
    expect(checkRollups(db).ok).toBe(true);
    // Every kind of change keeps the rollups equal to a recount: 请假 → 出席, withdrawal, deletion.
    db.update(attendance).set({ present: true, excused: false, method: "roster", note: "" }).where(and(eq(attendance.sessionId, sessions[3]!.id), eq(attendance.enrollmentId, mine.id))).run();
    db.delete(attendance).where(and(eq(attendance.sessionId, sessions[1]!.id), eq(attendance.enrollmentId, mine.id))).run();
    markExcused(db, sessions[1]!.id, mine.id, { method: "manager" });
    expect(checkRollups(db)).toMatchObject({ ok: true, differences: [] });
    const g = computeFigures(db, scope, period, NOW + MIN);
    expect([g.classAttendances, g.excused, g.absences]).toEqual([6, 1, 1]);
    db.$client.prepare(`DELETE FROM class_runs WHERE id = ?`).run(run.id);
    expect(checkRollups(db).ok).toBe(true);
  });
});
