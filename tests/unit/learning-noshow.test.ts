import {
  academyAttendanceOverview,
  noShowRestriction,
  runAttendance,
} from "~/modules/learning/attendance.server";
import { DEFAULT_POLICY } from "~/modules/learning/rules";
import type { TestDb } from "@tests/factories/db";
import {
  addFamilyMember,
  cancelSessionRow,
  createRunWithSessions,
  createWorldRun,
  DAY,
  addEnrollment,
  freshLearningWorld,
  markPresent,
  type LearningWorld,
} from "@tests/factories/learning";

let db: TestDb;
let w: LearningWorld;
const NOW = Date.UTC(2026, 10, 27, 12);

beforeEach(async () => ({ db, w } = await freshLearningWorld()));
afterEach(() => db.cleanup());

/** A run with one session `daysAgo` days ago where someone else was marked present (attendance taken). */
function heldSession(daysAgo: number, opts: { recorded?: boolean } = {}) {
  const { run, sessions } = createWorldRun(db, w, {
    starts: [NOW - daysAgo * DAY],
  });
  if (opts.recorded !== false) {
    const other = addEnrollment(db, run.id, {
      walkinName: "别人",
      walkinPhone: `1390000${String(daysAgo).padStart(4, "0")}`,
    });
    markPresent(db, sessions[0]!.id, other.id);
  }
  return { run, session: sessions[0]! };
}

describe("no-show policy", () => {
  it("three no-shows within 90 days restrict the person to waitlists for 30 days, explained in Chinese", () => {
    for (const d of [60, 30, 5])
      addEnrollment(db, heldSession(d).run.id, { userId: w.resident.id });
    const r = noShowRestriction(db, w.resident.id, NOW, null, DEFAULT_POLICY)!;
    expect(r.count).toBe(3);
    // 30 days after the last no-show (its session ended 5 days ago, 90 minutes after it started).
    expect(r.until).toBe(NOW - 5 * DAY + 90 * 60_000 + 30 * DAY);
    expect(r.message).toMatch(/90 天内有 3 次/);
    expect(r.message).toMatch(/只能进入候补名单/);
    expect(noShowRestriction(db, w.resident.id, NOW + 26 * DAY, null, DEFAULT_POLICY)).toBeNull();
  });

  it("attended sessions, sessions nobody recorded, cancelled sessions and timely cancellations are not no-shows", () => {
    const a = heldSession(50);
    const e = addEnrollment(db, a.run.id, { userId: w.resident.id });
    markPresent(db, a.session.id, e.id);
    addEnrollment(db, heldSession(40, { recorded: false }).run.id, { userId: w.resident.id });
    const c = heldSession(30);
    addEnrollment(db, c.run.id, { userId: w.resident.id });
    cancelSessionRow(db, c.session.id);
    const d = heldSession(20);
    addEnrollment(
      db,
      d.run.id,
      { userId: w.resident.id },
      { status: "cancelled", cancelledAt: d.session.startsAt - DAY },
    );
    // A seat confirmed only after the session (promoted from the waitlist later) is not a no-show either.
    const f = heldSession(10);
    addEnrollment(db, f.run.id, { userId: w.resident.id }, { at: f.session.endsAt + DAY });
    expect(noShowRestriction(db, w.resident.id, NOW, null, DEFAULT_POLICY)).toBeNull();
    // …but cancelling after the session had already been missed does not undo the no-show.
    for (const days of [15, 12])
      addEnrollment(db, heldSession(days).run.id, { userId: w.resident.id });
    const g = heldSession(8);
    addEnrollment(
      db,
      g.run.id,
      { userId: w.resident.id },
      { status: "cancelled", cancelledAt: g.session.endsAt + DAY },
    );
    expect(noShowRestriction(db, w.resident.id, NOW, null, DEFAULT_POLICY)?.count).toBe(3);
  });

  it("counts a family member's no-shows for that member, not for the account holder", () => {
    const mother = addFamilyMember(db, w.resident);
    for (const d of [20, 10, 3])
      addEnrollment(db, heldSession(d).run.id, {
        userId: w.resident.id,
        familyMemberId: mother.id,
      });
    expect(noShowRestriction(db, w.resident.id, NOW, null, DEFAULT_POLICY)).toBeNull();
    const r = noShowRestriction(db, w.resident.id, NOW, mother.id, DEFAULT_POLICY, "母亲王秀兰")!;
    expect(r.message).toMatch(/^母亲王秀兰在 90 天内有 3 次/);
  });

  it("follows a configured policy", () => {
    for (const d of [20, 3]) addEnrollment(db, heldSession(d).run.id, { userId: w.resident.id });
    expect(noShowRestriction(db, w.resident.id, NOW, null, DEFAULT_POLICY)).toBeNull();
    const strict = { ...DEFAULT_POLICY, noShowLimit: 2, noShowPenaltyDays: 14 };
    expect(noShowRestriction(db, w.resident.id, NOW, null, strict)?.count).toBe(2);
    expect(
      noShowRestriction(db, w.resident.id, NOW, null, { ...DEFAULT_POLICY, noShowLimit: 0 }),
    ).toBeNull();
  });
});

describe("no-show rates for the manager", () => {
  it("per run: no-shows over seat-sessions of recorded held sessions", () => {
    const { run, sessions } = createWorldRun(db, w, {
      starts: [NOW - 14 * DAY, NOW - 7 * DAY, NOW + 7 * DAY],
    });
    const a = addEnrollment(db, run.id, { userId: w.resident.id });
    const b = addEnrollment(db, run.id, { userId: w.neighbour.id });
    addEnrollment(
      db,
      run.id,
      { walkinName: "候补阿姨", walkinPhone: "13900001111" },
      { status: "waitlisted" },
    );
    markPresent(db, sessions[0]!.id, a.id);
    markPresent(db, sessions[0]!.id, b.id);
    markPresent(db, sessions[1]!.id, a.id);
    // b missed session 2 → 1 no-show of 4 seat-sessions.
    const grid = runAttendance(db, w.manager, run.id, NOW);
    expect(grid.summary).toMatchObject({ held: 2, recorded: 2, planned: 3, noShows: 1 });
    expect(grid.summary.noShowRate).toBeCloseTo(0.25);
    const bRow = grid.confirmed.find((l) => l.enrollmentId === b.id)!;
    expect(bRow.marks[sessions[1]!.id]).toBe("noshow");
    expect(bRow.rate).toBeCloseTo(0.5);
    expect(grid.waitlisted).toHaveLength(1);
    const overview = academyAttendanceOverview(db, w.manager, w.academy, {}, NOW);
    expect(overview.rows).toHaveLength(1);
    expect(overview.rows[0]).toMatchObject({
      runId: run.id,
      confirmed: 2,
      held: 2,
      recorded: 2,
      noShows: 1,
    });
    expect(overview.rows[0]!.noShowRate).toBeCloseTo(0.25);
    expect(() => academyAttendanceOverview(db, w.otherManager, w.academy, {}, NOW)).toThrow();
  });
});

describe("enrolment applies the policy", () => {
  it("a restricted person is put on the waitlist although seats are free; others still get a seat", async () => {
    const { enroll } = await import("~/modules/enrollment/enroll.server");
    const { waitlistOnlyRestriction } = await import("~/modules/enrollment/policy.server");
    for (const d of [60, 30, 5])
      addEnrollment(db, heldSession(d).run.id, { userId: w.resident.id });
    expect(
      waitlistOnlyRestriction(db, { userId: w.resident.id, familyMemberId: null }, NOW)?.reason,
    ).toMatch(/只能进入候补名单/);
    const { run } = createRunWithSessions(db, w, {
      academyId: w.academy.id,
      roomId: w.room.id,
      starts: [NOW + 7 * DAY],
      capacity: 10,
    });
    expect((await enroll(db, w.resident, { runId: run.id }, NOW)).status).toBe("waitlisted");
    expect((await enroll(db, w.neighbour, { runId: run.id }, NOW)).status).toBe("confirmed");
    // After the penalty, the same person gets a seat again.
    const later = createRunWithSessions(db, w, {
      academyId: w.academy.id,
      roomId: w.room.id,
      starts: [NOW + 40 * DAY],
      capacity: 10,
    });
    expect((await enroll(db, w.resident, { runId: later.run.id }, NOW + 26 * DAY)).status).toBe(
      "confirmed",
    );
  });
});
