import { eq } from "drizzle-orm";
import { classRuns, enrollments, lotteryDraws, notifications } from "@db/schema";
import { cancelEnrollment, enroll } from "~/modules/enrollment/enroll.server";
import { drawOrder, seededShuffle } from "~/modules/enrollment/lottery";
import { drawLottery, maybeDrawLottery, verifyLottery } from "~/modules/enrollment/lottery.server";
import { getEnrollPanel } from "~/modules/enrollment/views.server";
import { drawDueLotteries } from "~/modules/enrollment/jobs.server";
import { UserError } from "~/utils/errors";
import { createTestDb, type TestDb } from "@tests/factories/db";
import {
  createOpenRun,
  createResidents,
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

describe("seeded shuffle", () => {
  it("is a permutation, the same for the same seed, different for another seed, independent of input order", () => {
    const ids = Array.from({ length: 50 }, (_, i) => i + 1);
    const a = seededShuffle(ids, "2026-lottery");
    expect([...a].sort((x, y) => x - y)).toEqual(ids);
    expect(seededShuffle([...ids].reverse(), "2026-lottery")).toEqual(a);
    expect(seededShuffle(ids, "another")).not.toEqual(a);
    expect(a).not.toEqual(ids);
  });

  it("puts priority applicants first", () => {
    const order = drawOrder(
      [
        { id: 1, priority: false },
        { id: 2, priority: true },
        { id: 3, priority: false },
        { id: 4, priority: true },
      ],
      "s",
    );
    expect(new Set(order.slice(0, 2))).toEqual(new Set([2, 4]));
  });
});

async function lotteryRun(capacity: number, applicants: number, seedNow = Date.now()) {
  const w = await schedulingWorld(db);
  const run = createOpenRun(
    db,
    w,
    {
      capacity,
      enrollMode: "lottery",
      enrollOpensAt: seedNow - DAY,
      enrollClosesAt: seedNow + DAY,
    },
    seedNow,
  );
  const people = await createResidents(db, applicants);
  for (const p of people)
    expect((await enroll(db, p, { runId: run.id }, seedNow)).status).toBe("lottery_pending");
  return { w, run, people };
}

describe("lottery", () => {
  it("applications wait for the draw; the run stays open and seats are not taken", async () => {
    const { run } = await lotteryRun(3, 8);
    expect(runStatus(db, run.id)).toBe("open");
    expect(enrollmentRows(db, run.id).every((r) => r.status === "lottery_pending")).toBe(true);
  });

  it("draws lazily once the window closes: winners confirmed, the rest waitlisted in drawn order, everyone told", async () => {
    const now = Date.now();
    const { run, people } = await lotteryRun(3, 8, now);
    expect(maybeDrawLottery(db, run.id, now)).toBeNull();
    const result = maybeDrawLottery(db, run.id, now + 2 * DAY)!;
    expect(result).toMatchObject({ applicants: 8, winners: 3, waitlisted: 5 });
    const rows = new Map(enrollmentRows(db, run.id).map((r) => [r.id, r]));
    result.order.forEach((id, i) => {
      const r = rows.get(id)!;
      if (i < 3) expect(r.status).toBe("confirmed");
      else expect(r.status).toBe("waitlisted");
    });
    const waitKeys = result.order.slice(3).map((id) => rows.get(id)!.queueKey!);
    expect(waitKeys).toEqual([...waitKeys].sort((a, b) => a - b));
    expect(runStatus(db, run.id)).toBe("full");
    for (const p of people) {
      const msgs = db.select().from(notifications).where(eq(notifications.userId, p.id)).all();
      expect(msgs).toHaveLength(1);
      expect(msgs[0]!.title).toMatch(/^抽签结果：(中签|候补)/);
    }
    // A second lazy call does not draw again.
    expect(maybeDrawLottery(db, run.id, now + 3 * DAY)).toBeNull();
    expect(db.select().from(lotteryDraws).all()).toHaveLength(1);
  });

  it("the same seed gives the same winners; the recorded seed re-checks", async () => {
    const now = Date.now();
    const first = await lotteryRun(4, 12, now);
    const r1 = drawLottery(db, null, first.run.id, { seed: "厦门-2026-春季", now: now + 2 * DAY })!;
    const winners1 = r1.order.slice(0, 4);
    const check = verifyLottery(db, first.run.id)!;
    expect(check.matches).toBe(true);
    expect(check.recomputed).toEqual(r1.order);
    expect(check.draw.seed).toBe("厦门-2026-春季");
    // The same applicants drawn again with the same seed in another database pick the same people.
    const applicantIndex = (ids: number[], all: number[]) => ids.map((id) => all.indexOf(id));
    const all1 = [...check.draw.applicantIds];
    db.cleanup();
    db = createTestDb();
    const second = await lotteryRun(4, 12, now);
    const r2 = drawLottery(db, null, second.run.id, {
      seed: "厦门-2026-春季",
      now: now + 2 * DAY,
    })!;
    const all2 = verifyLottery(db, second.run.id)!.draw.applicantIds;
    expect(applicantIndex(r2.order.slice(0, 4), all2)).toEqual(applicantIndex(winners1, all1));
  });

  it("a tampered result no longer re-checks", async () => {
    const now = Date.now();
    const { run } = await lotteryRun(2, 6, now);
    const r = drawLottery(db, null, run.id, { seed: "abc", now: now + 2 * DAY })!;
    db.update(lotteryDraws)
      .set({ drawnOrder: [...r.order].reverse() })
      .where(eq(lotteryDraws.runId, run.id))
      .run();
    expect(verifyLottery(db, run.id)!.matches).toBe(false);
  });

  it("the manager may draw early, which closes the window; drawing twice is refused; a resident may not draw", async () => {
    const now = Date.now();
    const { w, run, people } = await lotteryRun(2, 5, now);
    expect(() => drawLottery(db, people[0]!, run.id, { now })).toThrow(Response);
    const r = drawLottery(db, w.managerA, run.id, { now })!;
    expect(r.winners).toBe(2);
    expect(r.seed).toMatch(/^[0-9a-f]{32}$/);
    expect(db.select().from(classRuns).where(eq(classRuns.id, run.id)).get()!.enrollClosesAt).toBe(
      now,
    );
    const before = snapshot(db);
    expect(() => drawLottery(db, w.managerA, run.id, { now })).toThrow(UserError);
    expect(snapshot(db)).toBe(before);
    expect(() => drawLottery(db, w.managerB, run.id, { now })).toThrow(Response);
    const late = await createResidents(db, 1);
    await expect(enroll(db, late[0]!, { runId: run.id }, now + 1)).rejects.toMatchObject({
      code: "window_closed",
    });
  });

  it("after the draw, a winner cancelling promotes the first in drawn order", async () => {
    const now = Date.now();
    const { run, people } = await lotteryRun(2, 5, now);
    const r = drawLottery(db, null, run.id, { seed: "x", now: now + 2 * DAY })!;
    const rows = enrollmentRows(db, run.id);
    const winner = people.find((p) => p.id === rows.find((x) => x.id === r.order[0])!.userId)!;
    cancelEnrollment(db, winner, { runId: run.id }, now + 2 * DAY);
    const promoted = db.select().from(enrollments).where(eq(enrollments.id, r.order[2]!)).get()!;
    expect(promoted.status).toBe("confirmed");
    expect(db.select().from(enrollments).where(eq(enrollments.id, r.order[3]!)).get()!.status).toBe(
      "waitlisted",
    );
  });

  it("the class page shows each applicant their result and the seed", async () => {
    const now = Date.now();
    const { run, people } = await lotteryRun(1, 3, now);
    // Before the job runs, the page only reads: still 抽签中.
    expect(getEnrollPanel(db, people[0]!, run.id, now + 2 * DAY)!.lottery!.drawn).toBeFalsy();
    expect(drawDueLotteries(db, now + 2 * DAY)).toMatchObject({ drawn: 1 });
    expect(drawDueLotteries(db, now + 2 * DAY)).toMatchObject({ drawn: 0 });
    const panel = getEnrollPanel(db, people[0]!, run.id, now + 2 * DAY)!;
    expect(panel.lottery!.drawn).toMatchObject({ applicants: 3, winners: 1, matches: true });
    const statuses = people
      .map((p) => getEnrollPanel(db, p, run.id, now + 2 * DAY)!.people[0]!.enrollment!.status)
      .sort();
    expect(statuses).toEqual(["confirmed", "waitlisted", "waitlisted"]);
  });
});
