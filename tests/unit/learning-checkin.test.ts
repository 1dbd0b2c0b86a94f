import { and, eq } from "drizzle-orm";
import { attendance, auditLog, serverSecrets } from "@db/schema";
import {
  checkinSecret,
  checkIn,
  checkinPrompt,
  checkinScreen,
} from "~/modules/learning/checkin.server";
import { CHECKIN_SLOT_MS, signCheckinToken } from "~/modules/learning/checkin-token";
import { saveSessionAttendance, sessionAttendance } from "~/modules/learning/attendance.server";
import type { TestDb } from "@tests/factories/db";
import {
  addFamilyMember,
  createRunWithSessions,
  createWorldRun,
  addEnrollment,
  freshLearningWorld,
  HOUR,
  MIN,
  type LearningWorld,
} from "@tests/factories/learning";

let db: TestDb;
let w: LearningWorld;
const T = Date.UTC(2026, 10, 27, 6, 30); // a session 14:30–16:00 in Xiamen

beforeEach(async () => ({ db, w } = await freshLearningWorld()));
afterEach(() => db.cleanup());

function world() {
  const { run, sessions } = createWorldRun(db, w, {
    starts: [T, T + 7 * 24 * HOUR],
  });
  const mine = addEnrollment(db, run.id, { userId: w.resident.id });
  return { run, session: sessions[0]!, next: sessions[1]!, mine };
}

const rows = () => db.select().from(attendance).all();
const token = (sessionId: number, at: number) => signCheckinToken(checkinSecret(db), sessionId, at);

async function refusedWith(fn: () => unknown, text: RegExp) {
  let error: unknown;
  try {
    await fn();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(Error);
  expect((error as Error).message).toMatch(text);
}

describe("check-in window", () => {
  it("refuses before 30 minutes ahead of the start, accepts during the session, refuses after its end", async () => {
    const { session, mine } = world();
    const early = T - 31 * MIN;
    expect(checkinPrompt(db, w.resident, token(session.id, early), early)).toEqual({
      kind: "refused",
      message: expect.stringMatching(/上课前 30 分钟开放签到/),
    });
    await refusedWith(
      () =>
        checkIn(
          db,
          w.resident,
          { code: token(session.id, early), enrollmentIds: [mine.id] },
          early,
        ),
      /上课前 30 分钟/,
    );
    const late = session.endsAt + 1;
    await refusedWith(
      () =>
        checkIn(db, w.resident, { code: token(session.id, late), enrollmentIds: [mine.id] }, late),
      /已经结束/,
    );
    expect(rows()).toHaveLength(0);

    const opening = T - 30 * MIN;
    const r = checkIn(
      db,
      w.resident,
      { code: token(session.id, opening), enrollmentIds: [mine.id] },
      opening,
    );
    expect(r.checkedIn).toEqual([w.resident.name]);
    expect(rows()).toMatchObject([
      {
        sessionId: session.id,
        enrollmentId: mine.id,
        present: true,
        method: "qr",
        markedBy: w.resident.id,
      },
    ]);
  });

  it("the teacher's screen shows a code only while check-in is open", async () => {
    const { session } = world();
    const before = await checkinScreen(
      db,
      w.teacher,
      session.id,
      "http://test.local",
      T - 2 * HOUR,
    );
    expect(before.code).toBeNull();
    expect(before.problem).toMatch(/还没有开始/);
    const during = await checkinScreen(
      db,
      w.teacher,
      session.id,
      "http://test.local",
      T + 10 * MIN,
    );
    expect(during.code!.url).toMatch(/^http:\/\/test\.local\/checkin\/\d+\.\d+\.[\w-]{22}$/);
    expect(during.code!.svg).toMatch(/^<svg/);
    expect(during.expected).toBe(1);
  });
});

describe("rotation and replay", () => {
  it("refuses a code from two slots ago (a screenshot) and counts nothing", async () => {
    const { session, mine } = world();
    const shown = T + 5 * MIN;
    const old = token(session.id, shown);
    expect(
      checkIn(db, w.resident, { code: old, enrollmentIds: [mine.id] }, shown + CHECKIN_SLOT_MS)
        .checkedIn,
    ).toHaveLength(1);
    db.delete(attendance).run();
    await refusedWith(
      () =>
        checkIn(
          db,
          w.resident,
          { code: old, enrollmentIds: [mine.id] },
          shown + 2 * CHECKIN_SLOT_MS,
        ),
      /已过期/,
    );
    expect(checkinPrompt(db, w.resident, old, shown + 2 * CHECKIN_SLOT_MS)).toMatchObject({
      kind: "refused",
      message: expect.stringMatching(/已过期/),
    });
    expect(rows()).toHaveLength(0);
  });

  it("a second scan does not count twice and says 您已签到", () => {
    const { session, mine } = world();
    const at = T + 5 * MIN;
    const first = checkIn(
      db,
      w.resident,
      { code: token(session.id, at), enrollmentIds: [mine.id] },
      at,
    );
    expect(first.checkedIn).toHaveLength(1);
    const again = checkIn(
      db,
      w.resident,
      { code: token(session.id, at + 3 * MIN), enrollmentIds: [mine.id] },
      at + 3 * MIN,
    );
    expect(again.checkedIn).toHaveLength(0);
    expect(again.already).toEqual([{ name: w.resident.name, at, self: true }]);
    expect(rows()).toHaveLength(1);
    expect(rows()[0]!.markedAt).toBe(at);
    const prompt = checkinPrompt(db, w.resident, token(session.id, at + 4 * MIN), at + 4 * MIN);
    expect(prompt).toMatchObject({ kind: "ready", allPresent: true });
  });

  it("a pass from the scan survives logging in for ten minutes, not longer", async () => {
    const { session, mine } = world();
    const at = T + 5 * MIN;
    const prompt = checkinPrompt(db, null, token(session.id, at), at);
    expect(prompt.kind).toBe("login");
    const pass = (prompt as { pass: string }).pass;
    expect(
      checkIn(db, w.resident, { code: pass, enrollmentIds: [mine.id] }, at + 4 * MIN).checkedIn,
    ).toHaveLength(1);
    db.delete(attendance).run();
    await refusedWith(
      () => checkIn(db, w.resident, { code: pass, enrollmentIds: [mine.id] }, at + 11 * MIN),
      /已过期/,
    );
  });
});

describe("a pass is bound to the browser that scanned", () => {
  it("a relayed screenshot of the pass checks nobody in on another phone", async () => {
    const { session, mine } = world();
    const at = T + 5 * MIN;
    const scanner = "AAAAAAAAAAAAAAAAAAAAAA";
    const prompt = checkinPrompt(db, null, token(session.id, at), at, scanner);
    const pass = (prompt as { pass: string }).pass;
    // Another browser (another cookie, or none) opening the relayed pass is refused.
    for (const other of ["BBBBBBBBBBBBBBBBBBBBBB", ""]) {
      expect(checkinPrompt(db, w.resident, pass, at + MIN, other).kind).toBe("refused");
      await refusedWith(
        () =>
          checkIn(
            db,
            w.resident,
            { code: pass, enrollmentIds: [mine.id], browser: other },
            at + MIN,
          ),
        /无效|伪造|不正确|签到码/,
      );
    }
    expect(db.select().from(attendance).all()).toHaveLength(0);
    // The scanning browser itself goes on.
    expect(
      checkIn(db, w.resident, { code: pass, enrollmentIds: [mine.id], browser: scanner }, at + MIN)
        .checkedIn,
    ).toHaveLength(1);
  });
});

describe("foreign and forged codes", () => {
  it("a code for another session the person is not enrolled in is refused", async () => {
    const { mine } = world();
    const elsewhere = createRunWithSessions(db, w, {
      academyId: w.other.id,
      roomId: w.otherRoom.id,
      starts: [T],
    });
    const at = T + 5 * MIN;
    const code = token(elsewhere.sessions[0]!.id, at);
    expect(checkinPrompt(db, w.resident, code, at)).toMatchObject({
      kind: "refused",
      message: expect.stringMatching(/没有报名这个班/),
    });
    await refusedWith(
      () => checkIn(db, w.resident, { code, enrollmentIds: [mine.id] }, at),
      /没有报名这个班/,
    );
    expect(rows()).toHaveLength(0);
  });

  it("a code for the run's next session does not check in to today's", async () => {
    const { next, mine } = world();
    const at = T + 5 * MIN;
    // The next session is a week away: its code is outside its window today.
    await refusedWith(
      () => checkIn(db, w.resident, { code: token(next.id, at), enrollmentIds: [mine.id] }, at),
      /还没有开始/,
    );
    expect(rows()).toHaveLength(0);
  });

  it("a forged mac, a swapped session id and another secret are refused", async () => {
    const { session, mine } = world();
    const at = T + 5 * MIN;
    const good = token(session.id, at);
    const [, slot, mac] = good.split(".");
    const forged = [
      `${session.id}.${slot}.${"A".repeat(22)}`,
      `${session.id + 1}.${slot}.${mac}`,
      good.slice(0, -2) + "xy",
    ];
    for (const code of forged) {
      expect(checkinPrompt(db, w.resident, code, at)).toMatchObject({
        kind: "refused",
        message: expect.stringMatching(/无效/),
      });
      await refusedWith(
        () => checkIn(db, w.resident, { code, enrollmentIds: [mine.id] }, at),
        /无效/,
      );
    }
    expect(rows()).toHaveLength(0);
  });

  it("the secret is generated once, stored and reused", () => {
    const a = checkinSecret(db);
    expect(a.length).toBeGreaterThanOrEqual(32);
    expect(db.select().from(serverSecrets).all()).toHaveLength(1);
    expect(checkinSecret(db)).toBe(a);
  });
});

describe("family members", () => {
  it("are offered and checked in with the person; another household's enrolment is refused", async () => {
    const { run, session, mine } = world();
    const mother = addFamilyMember(db, w.resident, "王秀兰", "母亲");
    const hers = addEnrollment(db, run.id, { userId: w.resident.id, familyMemberId: mother.id });
    const theirs = addEnrollment(db, run.id, { userId: w.neighbour.id });
    const at = T;
    const prompt = checkinPrompt(db, w.resident, token(session.id, at), at);
    expect(prompt.kind).toBe("ready");
    if (prompt.kind !== "ready") return;
    expect(prompt.people.map((p) => [p.name, p.relation])).toEqual([
      [w.resident.name, null],
      ["王秀兰", "母亲"],
    ]);
    await refusedWith(
      () => checkIn(db, w.resident, { code: prompt.pass, enrollmentIds: [mine.id, theirs.id] }, at),
      /自己报名的家人/,
    );
    expect(rows()).toHaveLength(0);
    const r = checkIn(db, w.resident, { code: prompt.pass, enrollmentIds: [mine.id, hers.id] }, at);
    expect(r.checkedIn.sort()).toEqual([w.resident.name, "王秀兰"].sort());
    expect(rows()).toHaveLength(2);
  });

  it("a waitlisted person is told they have no seat", () => {
    const { run, session } = world();
    addEnrollment(db, run.id, { userId: w.neighbour.id }, { status: "waitlisted" });
    expect(checkinPrompt(db, w.neighbour, token(session.id, T), T)).toMatchObject({
      kind: "refused",
      message: expect.stringMatching(/候补名单/),
    });
  });
});

describe("who may open the check-in screen and tick the roster", () => {
  it("the run's teacher and the academy's manager; not another teacher, another academy's manager or a resident", async () => {
    const { session } = world();
    const at = T;
    await expect(checkinScreen(db, w.teacher, session.id, "http://x", at)).resolves.toMatchObject({
      role: "teacher",
    });
    await expect(checkinScreen(db, w.manager, session.id, "http://x", at)).resolves.toMatchObject({
      role: "manager",
    });
    await expect(checkinScreen(db, w.hqAdmin, session.id, "http://x", at)).resolves.toMatchObject({
      role: "manager",
    });
    for (const actor of [w.otherTeacher, w.otherManager, w.resident, w.hqEditor]) {
      await expect(checkinScreen(db, actor, session.id, "http://x", at)).rejects.toMatchObject({
        status: 403,
      });
    }
    // The /manage/:academy route pins the academy: another academy's URL is a 404.
    await expect(
      checkinScreen(db, w.manager, session.id, "http://x", at, w.other.id),
    ).rejects.toMatchObject({ status: 404 });
  });

  it("ticking the roster marks present and absent, keeps one row each and is audited", () => {
    const { run, session, mine } = world();
    const b = addEnrollment(db, run.id, { walkinName: "现场阿姨", walkinPhone: "13912345678" });
    const at = T + 10 * MIN;
    expect(sessionAttendance(db, w.teacher, session.id, at).rows.map((r) => r.present)).toEqual([
      null,
      null,
    ]);
    const r = saveSessionAttendance(db, w.teacher, session.id, [mine.id], "1.2.3.4", at);
    expect(r).toEqual({ present: 1, excused: 0, total: 2, changed: 2 });
    expect(
      db.select().from(attendance).where(eq(attendance.enrollmentId, b.id)).get(),
    ).toMatchObject({ present: false, method: "roster" });
    // Correcting: the walk-in came after all.
    saveSessionAttendance(db, w.manager, session.id, [mine.id, b.id], null, at + MIN);
    expect(rows()).toHaveLength(2);
    expect(
      db
        .select()
        .from(attendance)
        .where(and(eq(attendance.enrollmentId, b.id)))
        .get(),
    ).toMatchObject({ present: true, method: "manager" });
    expect(
      db.select().from(auditLog).where(eq(auditLog.action, "attendance.mark")).all(),
    ).toHaveLength(2);
    expect(() => saveSessionAttendance(db, w.resident, session.id, [mine.id], null, at)).toThrow();
    expect(() =>
      saveSessionAttendance(db, w.teacher, session.id, [mine.id], null, T - 2 * HOUR),
    ).toThrow(/上课前 30 分钟/);
  });
});
