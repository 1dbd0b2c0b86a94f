import { eq } from "drizzle-orm";
import { classRuns, enrollments } from "@db/schema";
import { cancelEnrollment, enroll, EnrollRefusal } from "~/modules/enrollment/enroll.server";
import { ageInYear, REFUSAL_MESSAGES } from "~/modules/enrollment/rules";
import {
  seatsTakenByRun,
  listRunParticipantUserIds,
  listRunRoster,
} from "~/modules/scheduling/participants.server";
import type { TestDb } from "@tests/factories/db";
import {
  addMember,
  createOpenRun,
  createResident,
  enrollmentRows,
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

const DAY = 86_400_000;

/** Runs `fn`, expects an EnrolRefusal and the database exactly as before; returns the refusal. */
async function refused(fn: () => Promise<unknown> | unknown) {
  const before = snapshot(db);
  let err: unknown;
  try {
    await fn();
  } catch (e) {
    err = e;
  }
  expect(err, "expected a refusal").toBeInstanceOf(EnrollRefusal);
  expect(snapshot(db)).toBe(before);
  return err as EnrollRefusal;
}

describe("enrolment rules", () => {
  it("enrols the resident themself and confirms the seat", async () => {
    const w = await schedulingWorld(db);
    const run = createOpenRun(db, w, { capacity: 5 });
    const me = await createResident(db);
    const out = await enroll(db, me, { runId: run.id });
    expect(out.status).toBe("confirmed");
    expect(out.position).toBeNull();
    expect(seatsTakenByRun(db, [run.id]).get(run.id)).toBe(1);
    expect(listRunParticipantUserIds(db, run.id)).toEqual([me.id]);
    expect(listRunRoster(db, run.id)).toEqual([{ name: me.name, status: "已报名" }]);
  });

  it("refuses before the window opens and after it closes, in Chinese, database unchanged", async () => {
    const w = await schedulingWorld(db);
    const now = Date.now();
    const early = createOpenRun(db, w, { enrollOpensAt: now + DAY, enrollClosesAt: now + 3 * DAY });
    const late = createOpenRun(db, w, { enrollOpensAt: now - 3 * DAY, enrollClosesAt: now - DAY });
    const me = await createResident(db);
    const a = await refused(() => enroll(db, me, { runId: early.id }, now));
    expect(a.code).toBe("window_not_started");
    expect(a.message).toMatch(/报名将于 .* 开始/);
    const b = await refused(() => enroll(db, me, { runId: late.id }, now));
    expect(b.code).toBe("window_closed");
    expect(b.message).toMatch(/报名已于 .* 截止/);
  });

  it("without a closing time, enrolment closes when the first session starts", async () => {
    const w = await schedulingWorld(db);
    const now = Date.now();
    const run = createOpenRun(db, w, { enrollClosesAt: null, firstSessionAt: now + DAY });
    const me = await createResident(db);
    const e = await refused(() => enroll(db, me, { runId: run.id }, now + DAY + 1));
    expect(e.code).toBe("window_closed");
    expect((await enroll(db, me, { runId: run.id }, now)).status).toBe("confirmed");
  });

  it("refuses enrolling the same person twice, also while waitlisted", async () => {
    const w = await schedulingWorld(db);
    const run = createOpenRun(db, w, { capacity: 1 });
    const [a, b] = [await createResident(db), await createResident(db)];
    await enroll(db, a, { runId: run.id });
    const e1 = await refused(() => enroll(db, a, { runId: run.id }));
    expect(e1.code).toBe("already_enrolled");
    expect(e1.message).toContain("已报名");
    await enroll(db, b, { runId: run.id });
    const e2 = await refused(() => enroll(db, b, { runId: run.id }));
    expect(e2.message).toContain("候补第 1 位");
  });

  it("the schema itself refuses a second active enrolment for the same person", async () => {
    const w = await schedulingWorld(db);
    const run = createOpenRun(db, w, { capacity: 3 });
    const me = await createResident(db);
    const mother = addMember(db, me);
    const row = {
      runId: run.id,
      userId: me.id,
      status: "confirmed" as const,
      createdAt: 1,
      updatedAt: 1,
    };
    db.insert(enrollments).values(row).run();
    expect(() =>
      db
        .insert(enrollments)
        .values({ ...row, status: "waitlisted", queueKey: 1 })
        .run(),
    ).toThrow(/UNIQUE/);
    db.insert(enrollments)
      .values({ ...row, familyMemberId: mother.id })
      .run();
    expect(() =>
      db
        .insert(enrollments)
        .values({ ...row, familyMemberId: mother.id })
        .run(),
    ).toThrow(/UNIQUE/);
    // A cancelled enrolment does not block enrolling again.
    db.update(enrollments).set({ status: "cancelled" }).where(eq(enrollments.userId, me.id)).run();
    db.insert(enrollments).values(row).run();
  });

  it("enrols a family member of one's own household, but not someone else's", async () => {
    const w = await schedulingWorld(db);
    const run = createOpenRun(db, w, { capacity: 5 });
    const me = await createResident(db);
    const other = await createResident(db);
    const mine = addMember(db, me);
    const theirs = addMember(db, other, { name: "李阿婆" });
    const out = await enroll(db, me, { runId: run.id, memberId: mine.id });
    expect(out).toMatchObject({ status: "confirmed", who: "母亲王秀英" });
    const e = await refused(() => enroll(db, me, { runId: run.id, memberId: theirs.id }));
    expect(e.code).toBe("not_your_member");
    expect(e.message).toBe(REFUSAL_MESSAGES.not_your_member);
    // The member and the resident themself are different people: both may enrol.
    expect((await enroll(db, me, { runId: run.id })).status).toBe("confirmed");
    expect(listRunRoster(db, run.id).map((r) => r.name)).toEqual(["王秀英", me.name]);
    expect(listRunParticipantUserIds(db, run.id)).toEqual([me.id]);
  });

  it("checks the audience age rule with birth years", async () => {
    const w = await schedulingWorld(db);
    const now = Date.now();
    const seniors = createOpenRun(db, w, { capacity: 5, minAge: 60 });
    const kids = createOpenRun(db, w, { capacity: 5, minAge: 6, maxAge: 12 });
    const me = await createResident(db, { birthYear: 1990 });
    const mother = addMember(db, me, { birthYear: 1950 });
    const young = await refused(() => enroll(db, me, { runId: seniors.id }, now));
    expect(young.code).toBe("too_young");
    expect(young.message).toContain(`今年 ${ageInYear(1990, now)} 岁`);
    expect((await enroll(db, me, { runId: seniors.id, memberId: mother.id }, now)).status).toBe(
      "confirmed",
    );
    const old = await refused(() => enroll(db, me, { runId: kids.id, memberId: mother.id }, now));
    expect(old.code).toBe("too_old");
    const unknown = await createResident(db, { birthYear: null });
    const missing = await refused(() => enroll(db, unknown, { runId: seniors.id }, now));
    expect(missing.code).toBe("birth_year_missing");
    expect(missing.message).toContain("出生年份");
  });

  it("refuses cancelled, finished, closed and draft runs", async () => {
    const w = await schedulingWorld(db);
    const me = await createResident(db);
    const cancelled = createOpenRun(db, w, { status: "cancelled", cancelReason: "老师生病" });
    const finished = createOpenRun(db, w, { status: "finished" });
    const closed = createOpenRun(db, w, { status: "closed" });
    expect((await refused(() => enroll(db, me, { runId: cancelled.id }))).code).toBe(
      "run_cancelled",
    );
    expect((await refused(() => enroll(db, me, { runId: finished.id }))).code).toBe("run_finished");
    expect((await refused(() => enroll(db, me, { runId: closed.id }))).code).toBe("run_closed");
    const draft = createOpenRun(db, w, { status: "draft" });
    const before = snapshot(db);
    await expect(enroll(db, me, { runId: draft.id })).rejects.toBeInstanceOf(Response);
    expect(snapshot(db)).toBe(before);
  });

  it("residents-first: only the academy's residents during the first 24 hours, everyone after", async () => {
    const w = await schedulingWorld(db);
    const now = Date.now();
    const run = createOpenRun(db, w, {
      capacity: 5,
      residentsFirst: true,
      enrollOpensAt: now - 3_600_000,
    });
    const local = await createResident(db, { homeAcademyId: w.a.id });
    const outsider = await createResident(db, { homeAcademyId: w.b.id });
    const e = await refused(() => enroll(db, outsider, { runId: run.id }, now));
    expect(e.code).toBe("residents_only");
    expect(e.message).toMatch(/之前只接受本书院居民报名/);
    expect((await enroll(db, local, { runId: run.id }, now)).status).toBe("confirmed");
    expect((await enroll(db, outsider, { runId: run.id }, now + 24 * 3_600_000)).status).toBe(
      "confirmed",
    );
  });

  it("keeps the run's status in step with its seats: open → full → open", async () => {
    const w = await schedulingWorld(db);
    const run = createOpenRun(db, w, { capacity: 2 });
    const [a, b] = [await createResident(db), await createResident(db)];
    await enroll(db, a, { runId: run.id });
    expect(runStatus(db, run.id)).toBe("open");
    await enroll(db, b, { runId: run.id });
    expect(runStatus(db, run.id)).toBe("full");
    cancelEnrollment(db, a, { runId: run.id });
    expect(runStatus(db, run.id)).toBe("open");
  });

  it("a full run still takes waitlist places, with the position", async () => {
    const w = await schedulingWorld(db);
    const run = createOpenRun(db, w, { capacity: 1 });
    const people = [await createResident(db), await createResident(db), await createResident(db)];
    const outs = [];
    for (const p of people) outs.push(await enroll(db, p, { runId: run.id }));
    expect(outs.map((o) => [o.status, o.position])).toEqual([
      ["confirmed", null],
      ["waitlisted", 1],
      ["waitlisted", 2],
    ]);
    expect(listRunRoster(db, run.id).map((r) => r.status)).toEqual([
      "已报名",
      "候补第 1 位",
      "候补第 2 位",
    ]);
  });

  it("seats freed by a raised capacity go to the waitlist before a newcomer", async () => {
    const w = await schedulingWorld(db);
    const run = createOpenRun(db, w, { capacity: 1 });
    const [a, b, c] = [
      await createResident(db),
      await createResident(db),
      await createResident(db),
    ];
    await enroll(db, a, { runId: run.id });
    await enroll(db, b, { runId: run.id });
    db.update(classRuns).set({ capacity: 2, status: "open" }).where(eq(classRuns.id, run.id)).run();
    const out = await enroll(db, c, { runId: run.id });
    expect(out).toMatchObject({ status: "waitlisted", position: 1 });
    const rows = enrollmentRows(db, run.id);
    expect(rows.find((r) => r.userId === b.id)!.status).toBe("confirmed");
  });

  it("rate-limits enrol attempts per account", async () => {
    const w = await schedulingWorld(db);
    const me = await createResident(db);
    const closed = createOpenRun(db, w, { status: "closed" });
    let last: unknown;
    for (let i = 0; i < 25; i++) {
      try {
        await enroll(db, me, { runId: closed.id });
      } catch (e) {
        last = e;
      }
    }
    expect(last).toBeInstanceOf(EnrollRefusal);
    expect((last as EnrollRefusal).code).toBe("rate_limited");
    expect((last as EnrollRefusal).message).toContain("太频繁");
  });
});

describe("enrolling past the cancel deadline", () => {
  it("needs the person's confirmation (confirmLate), else late_unconfirmed, database unchanged", async () => {
    const w = await schedulingWorld(db);
    const now = Date.now();
    const run = createOpenRun(db, w, { capacity: 2, cancelDeadlineAt: now + DAY });
    const me = await createResident(db);
    const late = now + 2 * DAY;
    const e = await refused(() => enroll(db, me, { runId: run.id }, late));
    expect(e.code).toBe("late_unconfirmed");
    expect(e.message).toBe(REFUSAL_MESSAGES.late_unconfirmed);
    const out = await enroll(db, me, { runId: run.id, confirmLate: true }, late);
    expect(out.status).toBe("confirmed");
    // Before the deadline nothing needs confirming.
    const other = await createResident(db);
    expect((await enroll(db, other, { runId: run.id }, now)).status).toBe("confirmed");
  });
});

describe("cancelling", () => {
  it("refuses to cancel a confirmed seat after the deadline, database unchanged", async () => {
    const w = await schedulingWorld(db);
    const now = Date.now();
    const run = createOpenRun(db, w, { capacity: 2, cancelDeadlineAt: now + DAY });
    const me = await createResident(db);
    await enroll(db, me, { runId: run.id }, now);
    const e = await refused(() => cancelEnrollment(db, me, { runId: run.id }, now + 2 * DAY));
    expect(e.code).toBe("cancel_deadline_passed");
    expect(e.message).toMatch(/取消报名的截止时间是 .*，现在已经过了/);
    expect(cancelEnrollment(db, me, { runId: run.id }, now + DAY - 1).wasStatus).toBe("confirmed");
  });

  it("without a deadline, a seat can be cancelled until the first session starts", async () => {
    const w = await schedulingWorld(db);
    const now = Date.now();
    const run = createOpenRun(db, w, { capacity: 2, firstSessionAt: now + 2 * DAY });
    const me = await createResident(db);
    await enroll(db, me, { runId: run.id }, now);
    expect(
      (await refused(() => cancelEnrollment(db, me, { runId: run.id }, now + 2 * DAY + 1))).code,
    ).toBe("cancel_deadline_passed");
  });

  it("a waitlist place can be given up after the deadline", async () => {
    const w = await schedulingWorld(db);
    const now = Date.now();
    const run = createOpenRun(db, w, { capacity: 1, cancelDeadlineAt: now + DAY });
    const [a, b] = [await createResident(db), await createResident(db)];
    await enroll(db, a, { runId: run.id }, now);
    await enroll(db, b, { runId: run.id }, now);
    expect(cancelEnrollment(db, b, { runId: run.id }, now + 2 * DAY).wasStatus).toBe("waitlisted");
  });

  it("refuses cancelling what was never enrolled, and someone else's family member", async () => {
    const w = await schedulingWorld(db);
    const run = createOpenRun(db, w, { capacity: 2 });
    const me = await createResident(db);
    const other = await createResident(db);
    const theirs = addMember(db, other);
    await enroll(db, other, { runId: run.id, memberId: theirs.id });
    expect((await refused(() => cancelEnrollment(db, me, { runId: run.id }))).code).toBe(
      "not_enrolled",
    );
    expect(
      (await refused(() => cancelEnrollment(db, me, { runId: run.id, memberId: theirs.id }))).code,
    ).toBe("not_your_member");
  });

  it("cancel then enrol again works (a new enrolment, at the end of the queue when full)", async () => {
    const w = await schedulingWorld(db);
    const run = createOpenRun(db, w, { capacity: 1 });
    const [a, b] = [await createResident(db), await createResident(db)];
    await enroll(db, a, { runId: run.id });
    cancelEnrollment(db, a, { runId: run.id });
    await enroll(db, b, { runId: run.id });
    expect(await enroll(db, a, { runId: run.id })).toMatchObject({
      status: "waitlisted",
      position: 1,
    });
  });
});
