import ExcelJS from "exceljs";
import { eq } from "drizzle-orm";
import { auditLog } from "@db/schema";
import {
  calendarFeed,
  certificate,
  learningRecord,
  removeCalendarFeed,
  resetCalendarToken,
  teachingService,
} from "~/modules/learning/record.server";
import { volunteerService } from "~/modules/community/volunteers.server";
import { exportRunRoster } from "~/modules/learning/roster-export.server";
import type { TestDb } from "@tests/factories/db";
import {
  addFamilyMember,
  cancelSessionRow,
  createRunWithSessions,
  createWorldRun,
  DAY,
  addEnrollment,
  freshLearningWorld,
  HOUR,
  markPresent,
  type LearningWorld,
} from "@tests/factories/learning";

let db: TestDb;
let w: LearningWorld;
const NOW = Date.UTC(2026, 10, 27, 12);

beforeEach(async () => ({ db, w } = await freshLearningWorld()));
afterEach(() => db.cleanup());

/** A five-session run, all in the past, 90 minutes each; the resident attended `present` of them. */
function finishedRun(present: number[], opts: { cancel?: number[]; future?: boolean } = {}) {
  const starts = [35, 28, 21, 14, 7].map((d) => NOW - d * DAY);
  if (opts.future) starts[4] = NOW + 7 * DAY;
  const { run, sessions } = createWorldRun(db, w, {
    starts,
  });
  const e = addEnrollment(db, run.id, { userId: w.resident.id });
  const helper = addEnrollment(db, run.id, { walkinName: "班长", walkinPhone: "13900002222" });
  sessions.forEach((s, i) => {
    markPresent(db, s.id, helper.id);
    if (present.includes(i)) markPresent(db, s.id, e.id);
  });
  for (const i of opts.cancel ?? []) cancelSessionRow(db, sessions[i]!.id);
  return { run, sessions, e };
}

describe("completion and hours on the learning record", () => {
  it("attending 4 of 5 held sessions (80 %) completes the run; hours are the attended sessions' durations", () => {
    const { e } = finishedRun([0, 1, 2, 3]);
    const r = learningRecord(db, w.resident, NOW);
    expect(r.past).toHaveLength(1);
    expect(r.past[0]!.progress).toMatchObject({
      held: 5,
      attended: 4,
      completed: true,
      attendedMinutes: 360,
    });
    expect(r.totals).toEqual({ minutes: 360, sessions: 4, completed: 1 });
    const cert = certificate(db, w.resident, e.id, NOW);
    expect(cert).toMatchObject({
      learner: w.resident.name,
      title: "闽南语入门",
      academyName: "湖边社区书院",
      attended: 4,
      planned: 5,
      minutes: 360,
    });
    expect(cert.number).toMatch(/^XMSQ-2026-\d{6}$/);
  });

  it("3 of 5 is not completed and has no certificate", () => {
    const { e } = finishedRun([0, 1, 2]);
    expect(learningRecord(db, w.resident, NOW).past[0]!.progress.completed).toBe(false);
    expect(() => certificate(db, w.resident, e.id, NOW)).toThrow();
  });

  it("cancelled sessions are not counted as held", () => {
    const { e } = finishedRun([0, 1, 2], { cancel: [3] });
    const p = learningRecord(db, w.resident, NOW).past[0]!.progress;
    expect(p).toMatchObject({ planned: 4, held: 4, attended: 3, completed: false });
    expect(() => certificate(db, w.resident, e.id, NOW)).toThrow();
  });

  it("when two of five sessions are cancelled, 3 attended of 3 held completes the run", () => {
    const { e } = finishedRun([0, 1, 2], { cancel: [3, 4] });
    expect(certificate(db, w.resident, e.id, NOW)).toMatchObject({
      attended: 3,
      planned: 3,
      minutes: 270,
    });
  });

  it("a run with sessions still to come is not completed yet", () => {
    finishedRun([0, 1, 2, 3], { future: true });
    expect(learningRecord(db, w.resident, NOW).past[0]!.progress).toMatchObject({
      over: false,
      completed: false,
    });
  });

  it("someone else cannot print my certificate", () => {
    const { e } = finishedRun([0, 1, 2, 3, 4]);
    expect(() => certificate(db, w.neighbour, e.id, NOW)).toThrow();
  });

  it("shows upcoming classes for me and my family, and waitlists", () => {
    const { run } = createRunWithSessions(db, w, {
      academyId: w.academy.id,
      roomId: w.room.id,
      starts: [NOW + DAY, NOW + 8 * DAY],
    });
    const mother = addFamilyMember(db, w.resident);
    addEnrollment(db, run.id, { userId: w.resident.id, familyMemberId: mother.id });
    const full = createRunWithSessions(db, w, {
      academyId: w.academy.id,
      roomId: w.room.id,
      starts: [NOW + 2 * DAY],
    });
    addEnrollment(db, full.run.id, { userId: w.resident.id }, { status: "waitlisted" });
    const r = learningRecord(db, w.resident, NOW);
    expect(r.upcoming.map((u) => [u.startsAt, u.learner])).toEqual([
      [NOW + DAY, "母亲 王秀兰"],
      [NOW + 8 * DAY, "母亲 王秀兰"],
    ]);
    expect(r.waiting).toMatchObject([{ runId: full.run.id, status: "waitlisted" }]);
  });
});

describe("volunteer hours", () => {
  it("count the held, not cancelled sessions of the runs a teacher teaches", () => {
    finishedRun([], { cancel: [4] });
    createWorldRun(db, w, {
      starts: [NOW + DAY],
    });
    expect(volunteerService(db, w.teacher.id, NOW)).toEqual({
      kind: "volunteer",
      sessions: 4,
      minutes: 360,
      runs: 1,
      teachingMinutes: 360,
      communityMinutes: 0,
      services: 0,
    });
    expect(teachingService(db, w.teacher.id, NOW)).toEqual({
      kind: "volunteer",
      sessions: 4,
      runs: 1,
      minutes: 360,
    });
    expect(teachingService(db, w.resident.id, NOW)).toBeNull();
    expect(volunteerService(db, w.resident.id, NOW)).toBeNull();
  });
});

describe("calendar feed", () => {
  it("contains my confirmed sessions behind a secret token; resetting the token retires the old URL", () => {
    const { sessions } = createRunWithSessions(db, w, {
      academyId: w.academy.id,
      roomId: w.room.id,
      starts: [NOW + DAY, NOW + 8 * DAY],
    });
    addEnrollment(db, sessions[0]!.runId, { userId: w.resident.id });
    const other = createRunWithSessions(db, w, {
      academyId: w.academy.id,
      roomId: w.room.id,
      starts: [NOW + 3 * DAY],
    });
    addEnrollment(db, other.run.id, { userId: w.resident.id }, { status: "waitlisted" });
    const token = resetCalendarToken(db, w.resident, NOW);
    const ics = calendarFeed(db, token, "https://xm.example", NOW)!;
    expect(ics.match(/BEGIN:VEVENT/g)).toHaveLength(2);
    expect(ics).toContain("SUMMARY:闽南语入门");
    expect(ics).toContain(`UID:session-${sessions[0]!.id}@xm.example`);
    const d = new Date(NOW + DAY);
    const stamp = d.toISOString().replace(/[-:]/g, "").slice(0, 13);
    expect(ics).toContain(`DTSTART:${stamp}`);
    expect(ics).toMatch(/LOCATION:湖边社区书院 多功能厅/);
    expect(calendarFeed(db, "x".repeat(32), "https://xm.example", NOW)).toBeNull();
    const fresh = resetCalendarToken(db, w.resident, NOW);
    expect(calendarFeed(db, token, "https://xm.example", NOW)).toBeNull();
    expect(calendarFeed(db, fresh, "https://xm.example", NOW)).toContain("BEGIN:VEVENT");
    removeCalendarFeed(db, w.resident);
    expect(calendarFeed(db, fresh, "https://xm.example", NOW)).toBeNull();
  });

  it("includes the sessions a teacher teaches", () => {
    createWorldRun(db, w, {
      starts: [NOW + DAY],
    });
    const ics = calendarFeed(
      db,
      resetCalendarToken(db, w.teacher, NOW),
      "https://xm.example",
      NOW,
    )!;
    expect(ics).toContain("SUMMARY:授课：闽南语入门");
  });
});

describe("roster export", () => {
  it("CSV starts with a BOM, has Chinese headers and one row per learner with their attendance", async () => {
    const { run } = finishedRun([0, 1, 2, 3]);
    addEnrollment(db, run.id, { userId: w.neighbour.id }, { status: "waitlisted" });
    const csv = await exportRunRoster(db, w.manager, run.id, "csv", NOW);
    const text = csv.body as string;
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const lines = text.slice(1).trim().split("\r\n");
    expect(lines[0]).toMatch(
      /^序号,姓名,关系 \/ 报名人,电话,状态,候补位次,报名时间,.*,出席次数,请假次数,出勤率,缺课（未请假）$/,
    );
    expect(lines).toHaveLength(4);
    const me = lines.find((l) => l.includes(w.resident.name))!;
    expect(me).toContain(w.resident.phone);
    expect(me).toMatch(/出席,出席,出席,出席,缺课,4,0,80%,1$/);
    expect(lines.some((l) => l.includes("候补中"))).toBe(true);
    expect(csv.headers["Content-Disposition"]).toContain("filename*=UTF-8''");
    // The teacher's export masks phone numbers.
    const teacherCsv = (await exportRunRoster(db, w.teacher, run.id, "csv", NOW)).body as string;
    expect(teacherCsv).not.toContain(w.resident.phone);
    expect(teacherCsv).toContain(
      `${w.resident.phone.slice(0, 3)}****${w.resident.phone.slice(-4)}`,
    );
    await expect(exportRunRoster(db, w.resident, run.id, "csv", NOW)).rejects.toMatchObject({
      status: 403,
    });
    // The manager's export (full numbers) is audited, once, naming the class and the head count;
    // the teacher's masked one is not.
    const audits = db.select().from(auditLog).where(eq(auditLog.action, "roster.export")).all();
    expect(audits.map((a) => [a.actorId, a.targetId])).toEqual([[w.manager.id, String(run.id)]]);
    expect(audits[0]!.summary).toContain("含完整电话号码，3 人，CSV");
  });

  it("XLSX opens with exceljs and has the rows", async () => {
    const { run } = finishedRun([0, 1]);
    const xlsx = await exportRunRoster(db, w.manager, run.id, "xlsx", NOW);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.body as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    expect(ws.name).toBe("花名册与出勤");
    expect(ws.getRow(1).getCell(2).value).toBe("姓名");
    expect(ws.rowCount).toBe(3);
    const names = [ws.getRow(2).getCell(2).value, ws.getRow(3).getCell(2).value];
    expect(names).toContain(w.resident.name);
    expect(names).toContain("班长");
  });
});

it("hours of a session one hour long are one hour", () => {
  const { run, sessions } = createRunWithSessions(db, w, {
    academyId: w.academy.id,
    roomId: w.room.id,
    starts: [NOW - 2 * HOUR],
    minutes: 60,
  });
  const e = addEnrollment(db, run.id, { userId: w.resident.id });
  markPresent(db, sessions[0]!.id, e.id);
  expect(learningRecord(db, w.resident, NOW).totals.minutes).toBe(60);
});
