import { and, eq } from "drizzle-orm";
import { enrollments, notifications } from "@db/schema";
import { cancelEnrollment, enroll } from "~/modules/enrollment/enroll.server";
import { getEnrollPanel, listMyClasses } from "~/modules/enrollment/views.server";
import { rebalanceRun } from "~/modules/enrollment/seats.server";
import { rebalanceDueRuns } from "~/modules/enrollment/jobs.server";
import { classRuns } from "@db/schema";
import type { Actor } from "~/modules/auth/permissions";
import type { TestDb } from "@tests/factories/db";
import {
  addMember,
  createOpenRun,
  createResidents,
  enrollmentRows,
  freshEnrollmentDb,
  runStatus,
} from "@tests/factories/enrollment";
import { schedulingWorld } from "@tests/factories/scheduling";

let db: TestDb;
beforeEach(() => {
  db = freshEnrollmentDb();
});
afterEach(() => db.cleanup());

function statusOf(runId: number, user: Actor) {
  return db
    .select({ status: enrollments.status })
    .from(enrollments)
    .where(and(eq(enrollments.runId, runId), eq(enrollments.userId, user.id)))
    .all()
    .map((r) => r.status)
    .at(-1);
}

function inbox(user: Actor) {
  return db.select().from(notifications).where(eq(notifications.userId, user.id)).all();
}

describe("waitlist", () => {
  it("promotes the first waitlisted person when a seat is cancelled, in the same transaction, and tells them", async () => {
    const w = await schedulingWorld(db);
    const run = createOpenRun(db, w, { capacity: 2 });
    const [a, b, w1, w2] = await createResidents(db, 4);
    for (const p of [a, b, w1, w2]) await enroll(db, p, { runId: run.id });
    expect(runStatus(db, run.id)).toBe("full");
    const out = cancelEnrollment(db, a, { runId: run.id });
    expect(out.promoted).toBe(1);
    expect(statusOf(run.id, w1)).toBe("confirmed");
    expect(statusOf(run.id, w2)).toBe("waitlisted");
    expect(runStatus(db, run.id)).toBe("full");
    const msgs = inbox(w1);
    expect(msgs).toHaveLength(1);
    expect(msgs[0]!.title).toContain("候补转正");
    expect(msgs[0]!.link).toBe(`/classes/${run.id}`);
    expect(inbox(w2)).toHaveLength(0);
    // w2 is now first in line.
    expect(listMyClasses(db, w2).waitlisted[0]).toMatchObject({ position: 1, runId: run.id });
  });

  it("chains of cancel-after-promotion stay first in, first out", async () => {
    const w = await schedulingWorld(db);
    const run = createOpenRun(db, w, { capacity: 1 });
    const people = await createResidents(db, 6);
    for (const p of people) await enroll(db, p, { runId: run.id });
    const order: number[] = [];
    // Each newly promoted person cancels right away; the seat must walk down the queue in order.
    let holder = people[0]!;
    for (let i = 1; i < people.length; i++) {
      cancelEnrollment(db, holder, { runId: run.id });
      const confirmed = enrollmentRows(db, run.id).filter((r) => r.status === "confirmed");
      expect(confirmed).toHaveLength(1);
      order.push(confirmed[0]!.userId!);
      holder = people.find((p) => p.id === confirmed[0]!.userId)!;
    }
    expect(order).toEqual(people.slice(1).map((p) => p.id));
    expect(runStatus(db, run.id)).toBe("full");
    cancelEnrollment(db, holder, { runId: run.id });
    expect(runStatus(db, run.id)).toBe("open");
  });

  it("a waitlisted person leaving moves those behind them up, and promotes nobody", async () => {
    const w = await schedulingWorld(db);
    const run = createOpenRun(db, w, { capacity: 1 });
    const [a, w1, w2, w3] = await createResidents(db, 4);
    for (const p of [a, w1, w2, w3]) await enroll(db, p, { runId: run.id });
    expect(cancelEnrollment(db, w1, { runId: run.id }).promoted).toBe(0);
    expect(listMyClasses(db, w2).waitlisted[0]!.position).toBe(1);
    expect(listMyClasses(db, w3).waitlisted[0]!.position).toBe(2);
    cancelEnrollment(db, a, { runId: run.id });
    expect(statusOf(run.id, w2)).toBe("confirmed");
    expect(statusOf(run.id, w3)).toBe("waitlisted");
  });

  it("a re-enrolment after cancelling goes to the back of the queue", async () => {
    const w = await schedulingWorld(db);
    const run = createOpenRun(db, w, { capacity: 1 });
    const [a, w1, w2] = await createResidents(db, 3);
    for (const p of [a, w1, w2]) await enroll(db, p, { runId: run.id });
    cancelEnrollment(db, w1, { runId: run.id });
    expect((await enroll(db, w1, { runId: run.id })).position).toBe(2);
    cancelEnrollment(db, a, { runId: run.id });
    expect(statusOf(run.id, w2)).toBe("confirmed");
  });

  it("a promoted family member's account holder is told who got the seat", async () => {
    const w = await schedulingWorld(db);
    const run = createOpenRun(db, w, { capacity: 1 });
    const [a, son] = await createResidents(db, 2);
    const mother = addMember(db, son);
    await enroll(db, a, { runId: run.id });
    expect(await enroll(db, son, { runId: run.id, memberId: mother.id })).toMatchObject({
      status: "waitlisted",
      position: 1,
    });
    cancelEnrollment(db, a, { runId: run.id });
    const msgs = inbox(son);
    expect(msgs).toHaveLength(1);
    expect(msgs[0]!.body).toContain("母亲王秀英");
    expect(listMyClasses(db, son).confirmed[0]).toMatchObject({
      who: "母亲（王秀英）",
      status: "confirmed",
    });
  });

  it("我的课程 lists confirmed, waitlisted with position, and cancelled in history", async () => {
    const w = await schedulingWorld(db);
    const full = createOpenRun(db, w, { capacity: 1 });
    const roomy = createOpenRun(db, w, { capacity: 5 });
    const [other, me] = await createResidents(db, 2);
    await enroll(db, other, { runId: full.id });
    await enroll(db, me, { runId: full.id });
    await enroll(db, me, { runId: roomy.id });
    let mine = listMyClasses(db, me);
    expect(mine.confirmed.map((c) => c.runId)).toEqual([roomy.id]);
    expect(mine.waitlisted.map((c) => [c.runId, c.position, c.canCancel])).toEqual([
      [full.id, 1, true],
    ]);
    cancelEnrollment(db, me, { runId: roomy.id });
    mine = listMyClasses(db, me);
    expect(mine.confirmed).toHaveLength(0);
    expect(mine.history.map((h) => [h.runId, h.status])).toEqual([[roomy.id, "cancelled"]]);
  });

  it("a raised capacity promotes the waitlist in order when the job runs (not on a page view), and the status follows", async () => {
    const w = await schedulingWorld(db);
    const run = createOpenRun(db, w, { capacity: 1 });
    const [a, w1, w2, w3] = await createResidents(db, 4);
    for (const p of [a, w1, w2, w3]) await enroll(db, p, { runId: run.id });
    expect(runStatus(db, run.id)).toBe("full");
    db.update(classRuns).set({ capacity: 3 }).where(eq(classRuns.id, run.id)).run();
    expect(getEnrollPanel(db, w1, run.id)!.people[0]!.enrollment).toMatchObject({
      status: "waitlisted",
    });
    expect(rebalanceDueRuns(db)).toEqual({ runs: 1, promoted: 2 });
    expect(rebalanceDueRuns(db)).toEqual({ runs: 0, promoted: 0 });
    const panel = getEnrollPanel(db, w3, run.id)!;
    expect(panel.people[0]!.enrollment).toMatchObject({ status: "waitlisted", position: 1 });
    expect([statusOf(run.id, w1), statusOf(run.id, w2)]).toEqual(["confirmed", "confirmed"]);
    expect(inbox(w1)[0]!.title).toContain("候补转正");
    expect(runStatus(db, run.id)).toBe("full");
    // Nothing due: no write.
    expect(rebalanceRun(db, run.id)).toEqual([]);
    db.update(classRuns).set({ capacity: 10 }).where(eq(classRuns.id, run.id)).run();
    expect(rebalanceRun(db, run.id).map((e) => e.userId)).toEqual([w3.id]);
    expect(runStatus(db, run.id)).toBe("open");
  });
});
