import { eq } from "drizzle-orm";
import { auditLog, enrollments, familyMembers, notifications, users } from "@db/schema";
import { cancelEnrollment, enroll, EnrollRefusal } from "~/modules/enrollment/enroll.server";
import {
  addFamilyMember,
  listFamily,
  removeFamilyMember,
  setMyBirthYear,
  updateFamilyMember,
} from "~/modules/enrollment/family.server";
import { addWalkIn, getRunRoster, removeEnrollment } from "~/modules/enrollment/roster.server";
import { UserError } from "~/utils/errors";
import type { TestDb } from "@tests/factories/db";
import {
  addMember,
  createOpenRun,
  createResident,
  createResidents,
  freshEnrollmentDb,
  runStatus,
  snapshot,
} from "@tests/factories/enrollment";
import { schedulingWorld } from "@tests/factories/scheduling";

let db: TestDb;
beforeEach(() => {
  db = freshEnrollmentDb();
});
afterEach(() => db.cleanup());

function unchanged(fn: () => unknown, kind: "user" | "response" = "user") {
  const before = snapshot(db);
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  if (kind === "user") expect(err).toBeInstanceOf(UserError);
  else expect(err).toBeInstanceOf(Response);
  expect(snapshot(db)).toBe(before);
  return err as UserError;
}

const audits = (action: string) =>
  db.select().from(auditLog).where(eq(auditLog.action, action)).all();

describe("manager roster actions", () => {
  it("removing a confirmed learner is audited, tells them why, and promotes the waitlist", async () => {
    const w = await schedulingWorld(db);
    const run = createOpenRun(db, w, { capacity: 1 });
    const [a, b] = await createResidents(db, 2);
    await enroll(db, a, { runId: run.id });
    await enroll(db, b, { runId: run.id });
    const roster = getRunRoster(db, w.managerA, run.id);
    const target = roster.confirmed[0]!;
    const out = removeEnrollment(
      db,
      w.managerA,
      { runId: run.id, enrollmentId: target.id, reason: "重复报名" },
      "10.0.0.1",
    );
    expect(out.promoted).toBe(1);
    const row = db.select().from(enrollments).where(eq(enrollments.id, target.id)).get()!;
    expect(row).toMatchObject({ status: "removed", endedBy: w.managerA.id, endReason: "重复报名" });
    const log = audits("enrollment.remove");
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ actorId: w.managerA.id, ip: "10.0.0.1" });
    expect(log[0]!.summary).toContain("重复报名");
    const told = db.select().from(notifications).where(eq(notifications.userId, a.id)).all();
    expect(told[0]!.body).toContain("重复报名");
    expect(getRunRoster(db, w.managerA, run.id).confirmed.map((r) => r.name)).toEqual([b.name]);
  });

  it("removal needs a reason, the right academy, and an active enrolment — database unchanged otherwise", async () => {
    const w = await schedulingWorld(db);
    const run = createOpenRun(db, w, { capacity: 2 });
    const [a] = await createResidents(db, 1);
    const { enrollmentId } = await enroll(db, a, { runId: run.id });
    expect(
      unchanged(() =>
        removeEnrollment(db, w.managerA, { runId: run.id, enrollmentId, reason: "  " }),
      ).field,
    ).toBe("reason");
    unchanged(
      () => removeEnrollment(db, w.managerB, { runId: run.id, enrollmentId, reason: "x" }),
      "response",
    );
    unchanged(() => getRunRoster(db, a, run.id), "response");
    cancelEnrollment(db, a, { runId: run.id });
    expect(
      unchanged(() =>
        removeEnrollment(db, w.managerA, { runId: run.id, enrollmentId, reason: "x" }),
      ).message,
    ).toContain("不在名单上");
  });

  it("adds a walk-in (现场报名) with name and phone, audited; a full run puts them on the waitlist", async () => {
    const w = await schedulingWorld(db);
    const run = createOpenRun(db, w, { capacity: 1, status: "open" });
    const out = addWalkIn(
      db,
      w.managerA,
      { runId: run.id, name: "陈阿伯", phone: "13712345678" },
      "10.0.0.2",
    );
    expect(out).toMatchObject({ status: "confirmed", account: false, name: "陈阿伯" });
    expect(runStatus(db, run.id)).toBe("full");
    const second = addWalkIn(db, w.managerA, {
      runId: run.id,
      name: "林阿姨",
      phone: "13712345679",
    });
    expect(second).toMatchObject({ status: "waitlisted", position: 1 });
    const log = audits("enrollment.add");
    expect(log).toHaveLength(2);
    expect(log[0]!.summary).toContain("陈阿伯");
    const roster = getRunRoster(db, w.managerA, run.id);
    expect(roster.confirmed[0]).toMatchObject({
      name: "陈阿伯",
      kind: "现场报名",
      phone: "137****5678", // masked on the roster; 显示完整号码 opens it (trust-roster-phones.test.ts)
    });
    expect(roster.waitlisted[0]).toMatchObject({ name: "林阿姨", position: 1 });
    // The same phone twice is refused; a bad phone is refused; both leave the database unchanged.
    expect(
      unchanged(() =>
        addWalkIn(db, w.managerA, { runId: run.id, name: "陈阿伯", phone: "13712345678" }),
      ).field,
    ).toBe("phone");
    expect(
      unchanged(() => addWalkIn(db, w.managerA, { runId: run.id, name: "王", phone: "123" })).field,
    ).toBe("phone");
    expect(
      unchanged(() => addWalkIn(db, w.managerA, { runId: run.id, name: "", phone: "13712345670" }))
        .field,
    ).toBe("name");
    unchanged(
      () => addWalkIn(db, w.managerB, { runId: run.id, name: "王", phone: "13712345670" }),
      "response",
    );
  });

  it("a phone that belongs to an account enrols that account, which is told in 消息", async () => {
    const w = await schedulingWorld(db);
    const run = createOpenRun(db, w, { capacity: 3 });
    const someone = await createResident(db);
    const out = addWalkIn(db, w.managerA, { runId: run.id, name: "随便写", phone: someone.phone });
    expect(out).toMatchObject({ account: true, name: someone.name, status: "confirmed" });
    const row = db.select().from(enrollments).where(eq(enrollments.id, out.enrollmentId)).get()!;
    expect(row).toMatchObject({ userId: someone.id, walkinName: null, addedBy: w.managerA.id });
    expect(
      db.select().from(notifications).where(eq(notifications.userId, someone.id)).all()[0]!.title,
    ).toContain("书院为您报名");
    await expect(enroll(db, someone, { runId: run.id })).rejects.toBeInstanceOf(EnrollRefusal);
  });

  it("the manager may add after the window closed, but not to a cancelled run", async () => {
    const w = await schedulingWorld(db);
    const now = Date.now();
    const closed = createOpenRun(db, w, {
      capacity: 3,
      enrollOpensAt: now - 5 * 86_400_000,
      enrollClosesAt: now - 86_400_000,
    });
    expect(
      addWalkIn(db, w.managerA, { runId: closed.id, name: "陈阿伯", phone: "13712345678" }).status,
    ).toBe("confirmed");
    const cancelled = createOpenRun(db, w, { status: "cancelled", cancelReason: "停课" });
    expect(
      unchanged(() =>
        addWalkIn(db, w.managerA, { runId: cancelled.id, name: "陈阿伯", phone: "13712345678" }),
      ).message,
    ).toContain("取消");
  });
});

describe("family members", () => {
  it("adds, edits, lists and removes members of one's own household", async () => {
    const me = await createResident(db);
    const m = addFamilyMember(db, me, { name: "王秀英", relation: "母亲", birthYear: 1948 });
    updateFamilyMember(db, me, m.id, {
      name: "王秀英",
      relation: "母亲",
      birthYear: 1949,
      phone: "13900001111",
    });
    expect(listFamily(db, me).members).toMatchObject([
      { name: "王秀英", birthYear: 1949, phone: "13900001111", activeEnrollments: 0 },
    ]);
    const other = await createResident(db);
    expect(
      unchanged(() =>
        updateFamilyMember(db, other, m.id, { name: "x", relation: "母亲", birthYear: 1950 }),
      ).message,
    ).toContain("没有找到");
    expect(unchanged(() => removeFamilyMember(db, other, m.id)).message).toContain("没有找到");
    expect(
      unchanged(() =>
        addFamilyMember(db, me, { name: "王秀英", relation: "母亲", birthYear: 1948 }),
      ).field,
    ).toBe("name");
    expect(
      unchanged(() => addFamilyMember(db, me, { name: "李", relation: "父亲", birthYear: 1800 }))
        .field,
    ).toBe("birthYear");
    removeFamilyMember(db, me, m.id);
    expect(listFamily(db, me).members).toHaveLength(0);
    expect(
      db.select().from(familyMembers).where(eq(familyMembers.id, m.id)).get()!.removedAt,
    ).not.toBeNull();
  });

  it("a member with an active enrolment cannot be removed, and the message says which class", async () => {
    const w = await schedulingWorld(db);
    const run = createOpenRun(db, w, { capacity: 3 });
    const me = await createResident(db);
    const m = addMember(db, me);
    await enroll(db, me, { runId: run.id, memberId: m.id });
    expect(listFamily(db, me).members[0]!.activeEnrollments).toBe(1);
    const e = unchanged(() => removeFamilyMember(db, me, m.id));
    expect(e.message).toContain("还报着 1 个班");
    expect(e.message).toContain("百年党史在厦门");
    cancelEnrollment(db, me, { runId: run.id, memberId: m.id });
    removeFamilyMember(db, me, m.id);
    await expect(enroll(db, me, { runId: run.id, memberId: m.id })).rejects.toMatchObject({
      code: "member_removed",
    });
  });

  it("sets the resident's own birth year", async () => {
    const me = await createResident(db, { birthYear: null });
    setMyBirthYear(db, me, 1955);
    expect(db.select().from(users).where(eq(users.id, me.id)).get()!.birthYear).toBe(1955);
    expect(() => setMyBirthYear(db, me, 3000)).toThrow(UserError);
  });
});
