/**
 * The manager's roster (issue 14): numbers are masked on the page; 显示完整号码 is a POST that only
 * the manager of the run's academy may make, for one person or for everyone on the roster now, and
 * each opening is one audit row naming who, which class and how many numbers (never a number).
 */
import { eq, sql } from "drizzle-orm";
import { auditLog } from "@db/schema";
import {
  addWalkIn,
  getRunRoster,
  recentRosterChanges,
  revealRosterPhones,
} from "~/modules/enrollment/roster.server";
import { maskPhone } from "~/modules/learning/staff.server";
import { isUserError } from "~/utils/errors";
import {
  addFamilyMember,
  createRunWithSessions,
  createWorldRun,
  DAY,
  addEnrollment,
  freshLearningWorld,
  type LearningWorld,
} from "@tests/factories/learning";
import { createActor } from "@tests/factories/users";

let db: Awaited<ReturnType<typeof freshLearningWorld>>["db"];
let w: LearningWorld;
beforeEach(async () => ({ db, w } = await freshLearningWorld()));
afterEach(() => db.cleanup());

/** A whole mainland mobile number (not the middle of a timestamp). */
const FULL = /(?<!\d)1[3-9]\d{9}(?!\d)/;
const views = () =>
  db.select().from(auditLog).where(eq(auditLog.action, "roster.phone-view")).all();
const auditCount = () =>
  db
    .select({ n: sql<number>`count(*)` })
    .from(auditLog)
    .get()!.n;
const statusOf = (fn: () => unknown) => {
  try {
    fn();
    return 200;
  } catch (e) {
    return e instanceof Response ? e.status : isUserError(e) ? 400 : -1;
  }
};

/** A class with the resident (confirmed), their mother (confirmed), a walk-in (waitlisted) and the neighbour (cancelled). */
function classWithRoster() {
  const { run } = createWorldRun(db, w, { starts: [Date.now() + DAY], capacity: 2 });
  const mother = addFamilyMember(db, w.resident);
  const mine = addEnrollment(db, run.id, { userId: w.resident.id });
  addEnrollment(db, run.id, { userId: w.resident.id, familyMemberId: mother.id });
  const walkin = addEnrollment(
    db,
    run.id,
    { walkinName: "陈阿伯", walkinPhone: "13712345678" },
    { status: "waitlisted" },
  );
  const gone = addEnrollment(
    db,
    run.id,
    { userId: w.neighbour.id },
    { status: "cancelled", cancelledAt: Date.now() - DAY },
  );
  return { run, mine, walkin, gone };
}

describe("the manager's roster page", () => {
  it("shows every number masked, and the audit summaries under it masked too", () => {
    const { run } = classWithRoster();
    addWalkIn(db, w.manager, { runId: run.id, name: "林阿姨", phone: "13912345670" }, null);
    const roster = getRunRoster(db, w.manager, run.id);
    const rows = [...roster.confirmed, ...roster.waitlisted, ...roster.ended];
    expect(rows.length).toBe(5);
    for (const r of rows) expect(r.phone).toMatch(/^1\d\d\*{4}\d{4}$/);
    expect(roster.confirmed.find((r) => r.name === w.resident.name)!.phone).toBe(
      maskPhone(w.resident.phone),
    );
    expect(JSON.stringify(roster)).not.toMatch(FULL);
    const changes = recentRosterChanges(db, w.manager, run.id);
    expect(changes.some((c) => c.summary.includes("139****5670"))).toBe(true);
    expect(JSON.stringify(changes)).not.toMatch(FULL);
  });
});

describe("显示完整号码 on the roster", () => {
  it("opens everyone on the roster now (not those who left), audited once with who, which class and how many", () => {
    const { run, gone } = classWithRoster();
    const opened = revealRosterPhones(db, w.manager, { runId: run.id }, "203.0.113.7");
    expect(Object.values(opened).sort()).toEqual(
      [w.resident.phone, w.resident.phone, "13712345678"].sort(),
    );
    expect(opened[gone.id]).toBeUndefined();
    const rows = views();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      actorId: w.manager.id,
      ip: "203.0.113.7",
      targetType: "run",
      targetId: String(run.id),
    });
    expect(rows[0]!.summary).toContain("全部 3 人");
    expect(rows[0]!.summary).toContain("闽南语入门");
    expect(rows[0]!.summary).not.toMatch(FULL);
    expect(rows[0]!.detail).toMatchObject({ runId: run.id, count: 3 });
    // The roster lists the opening among its recent operations.
    expect(
      recentRosterChanges(db, w.manager, run.id).some((c) => c.summary.includes("全部 3 人")),
    ).toBe(true);
  });

  it("opens one person's number, audited as one number; someone no longer on the roster is refused without a row", () => {
    const { run, walkin, gone } = classWithRoster();
    expect(
      revealRosterPhones(db, w.manager, { runId: run.id, enrollmentId: walkin.id }, null),
    ).toEqual({ [walkin.id]: "13712345678" });
    expect(views().map((r) => [r.actorId, (r.detail as { count: number }).count])).toEqual([
      [w.manager.id, 1],
    ]);
    expect(views()[0]!.summary).toContain("陈阿伯");
    expect(views()[0]!.summary).not.toContain("13712345678");
    expect(
      statusOf(() =>
        revealRosterPhones(db, w.manager, { runId: run.id, enrollmentId: gone.id }, null),
      ),
    ).toBe(400);
    expect(views()).toHaveLength(1);
  });

  it("is refused with 403 to teachers, HQ editors and admins, district staff, residents and other academies' managers, writing nothing", async () => {
    const { run, mine } = classWithRoster();
    const district = await createActor(db, [{ role: "district_staff", district: w.d.huli!.id }]);
    const before = auditCount();
    const refused = {
      teacher: w.teacher,
      hqEditor: w.hqEditor,
      hqAdmin: w.hqAdmin,
      district,
      resident: w.resident,
      otherManager: w.otherManager,
    };
    for (const [who, actor] of Object.entries(refused)) {
      expect(
        statusOf(() => revealRosterPhones(db, actor, { runId: run.id }, null)),
        `${who}, everyone`,
      ).toBe(403);
      expect(
        statusOf(() =>
          revealRosterPhones(db, actor, { runId: run.id, enrollmentId: mine.id }, null),
        ),
        `${who}, one`,
      ).toBe(403);
    }
    expect(auditCount()).toBe(before);
    // A class of the other academy: its own manager may, this one may not.
    const { run: theirs } = createRunWithSessions(db, w, {
      academyId: w.other.id,
      roomId: w.otherRoom.id,
      starts: [Date.now() + DAY],
    });
    addEnrollment(db, theirs.id, { userId: w.neighbour.id });
    expect(statusOf(() => revealRosterPhones(db, w.manager, { runId: theirs.id }, null))).toBe(403);
    expect(
      Object.values(revealRosterPhones(db, w.otherManager, { runId: theirs.id }, null)),
    ).toEqual([w.neighbour.phone]);
    expect(views().map((r) => r.actorId)).toEqual([w.otherManager.id]);
    expect(statusOf(() => revealRosterPhones(db, w.manager, { runId: 999_999 }, null))).toBe(404);
  });
});
