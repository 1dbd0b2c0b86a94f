import { eq } from "drizzle-orm";
import { auditLog, evaluations } from "@db/schema";
import {
  academyEvaluations,
  cityEvaluations,
  courseReviews,
  districtEvaluations,
  evaluationAverages,
  evaluationForm,
  setEvaluationHidden,
  submitEvaluation,
} from "~/modules/learning/evaluation.server";
import type { TestDb } from "@tests/factories/db";
import {
  createRunWithSessions,
  DAY,
  addEnrollment,
  freshLearningWorld,
  HOUR,
  markPresent,
  type LearningWorld,
} from "@tests/factories/learning";
import { createActor } from "@tests/factories/users";

let db: TestDb;
let w: LearningWorld;
const NOW = Date.UTC(2026, 10, 27, 12);

beforeEach(async () => ({ db, w } = await freshLearningWorld()));
afterEach(() => db.cleanup());

function attendedRun(
  academyId = w.academy.id,
  roomId = w.room.id,
  teacherId: number | null = w.teacher.teacherId,
) {
  const { run, sessions } = createRunWithSessions(db, w, {
    academyId,
    roomId,
    teacherId,
    starts: [NOW - 7 * DAY, NOW + 7 * DAY],
  });
  const e = addEnrollment(db, run.id, { userId: w.resident.id });
  markPresent(db, sessions[0]!.id, e.id);
  return { run, sessions, e };
}

const count = () => db.select().from(evaluations).all().length;

describe("evaluation rules", () => {
  it("records a rating and a comment once per enrolment, after the session attended", () => {
    const { e, sessions } = attendedRun();
    const id = submitEvaluation(
      db,
      w.resident,
      e.id,
      { rating: "5", comment: "老师讲得生动，闽南话终于会说几句了。" },
      NOW,
    );
    expect(db.select().from(evaluations).where(eq(evaluations.id, id)).get()).toMatchObject({
      rating: 5,
      sessionId: sessions[0]!.id,
      authorId: w.resident.id,
      hiddenAt: null,
    });
    expect(evaluationForm(db, w.resident, e.id, NOW).existing).toMatchObject({ rating: 5 });
  });

  it("refuses a rating of 6 (and 0) with a Chinese message", () => {
    const { e } = attendedRun();
    expect(() => submitEvaluation(db, w.resident, e.id, { rating: "6" }, NOW)).toThrow(/1 到 5/);
    expect(() => submitEvaluation(db, w.resident, e.id, { rating: 0 }, NOW)).toThrow(/1 到 5/);
    expect(() => submitEvaluation(db, w.resident, e.id, {}, NOW)).toThrow(/1 到 5/);
    expect(count()).toBe(0);
  });

  it("refuses a comment of 5,000 characters and accepts 1,000", () => {
    const { e } = attendedRun();
    let error: unknown;
    try {
      submitEvaluation(db, w.resident, e.id, { rating: 4, comment: "好".repeat(5000) }, NOW);
    } catch (err) {
      error = err;
    }
    expect(error).toMatchObject({
      field: "comment",
      message: expect.stringMatching(/最多 1000 字/),
    });
    expect(count()).toBe(0);
    submitEvaluation(db, w.resident, e.id, { rating: 4, comment: "好".repeat(1000) }, NOW);
    expect(count()).toBe(1);
  });

  it("refuses a second evaluation of the same enrolment", () => {
    const { e } = attendedRun();
    submitEvaluation(db, w.resident, e.id, { rating: 4 }, NOW);
    expect(() =>
      submitEvaluation(db, w.resident, e.id, { rating: 1, comment: "改主意了" }, NOW),
    ).toThrow(/只能评价一次/);
    expect(db.select().from(evaluations).all()).toMatchObject([{ rating: 4, comment: "" }]);
  });

  it("refuses someone else's enrolment and an enrolment that has not been to class", () => {
    const { e } = attendedRun();
    expect(() => submitEvaluation(db, w.neighbour, e.id, { rating: 5 }, NOW)).toThrow();
    const future = createRunWithSessions(db, w, {
      academyId: w.academy.id,
      roomId: w.room.id,
      starts: [NOW + DAY],
    });
    const f = addEnrollment(db, future.run.id, { userId: w.resident.id });
    expect(evaluationForm(db, w.resident, f.id, NOW).blocked).toMatch(/上过课之后/);
    expect(() => submitEvaluation(db, w.resident, f.id, { rating: 5 }, NOW)).toThrow(/上过课之后/);
    // During the first session, after checking in, the learner may rate.
    markPresent(db, future.sessions[0]!.id, f.id);
    expect(submitEvaluation(db, w.resident, f.id, { rating: 5 }, NOW + DAY + HOUR)).toBeGreaterThan(
      0,
    );
    expect(count()).toBe(1);
  });
});

describe("hiding comments", () => {
  it("a manager hides a comment (audited) without changing it; other academies' managers cannot", () => {
    const { e } = attendedRun();
    const id = submitEvaluation(
      db,
      w.resident,
      e.id,
      { rating: 1, comment: "广告：加微信 xxx" },
      NOW,
    );
    expect(() => setEvaluationHidden(db, w.otherManager, id, { hidden: true })).toThrow();
    expect(() => setEvaluationHidden(db, w.resident, id, { hidden: true })).toThrow();
    setEvaluationHidden(db, w.manager, id, { hidden: true, reason: "广告" }, "10.0.0.1", NOW);
    const row = db.select().from(evaluations).where(eq(evaluations.id, id)).get()!;
    expect(row).toMatchObject({
      hiddenBy: w.manager.id,
      hiddenAt: NOW,
      hiddenReason: "广告",
      comment: "广告：加微信 xxx",
      rating: 1,
    });
    const audit = db.select().from(auditLog).where(eq(auditLog.action, "evaluation.hide")).all();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorId: w.manager.id, targetId: String(id), ip: "10.0.0.1" });
    setEvaluationHidden(db, w.manager, id, { hidden: false }, null, NOW + 1);
    expect(db.select().from(evaluations).where(eq(evaluations.id, id)).get()!.hiddenAt).toBeNull();
    expect(courseReviews(db, w.course.id).comments).toMatchObject([
      { id, comment: "广告：加微信 xxx", learner: expect.stringMatching(/^.\*+$/) },
    ]);
    expect(
      db.select().from(auditLog).where(eq(auditLog.action, "evaluation.unhide")).all(),
    ).toHaveLength(1);
    // The list shows the hidden comment to staff marked as hidden; the rating still counts.
    setEvaluationHidden(db, w.manager, id, { hidden: true }, null, NOW + 2);
    // The class page's public reviews leave the hidden comment out; its rating still counts.
    expect(courseReviews(db, w.course.id)).toMatchObject({ count: 1, average: 1, comments: [] });
    const page = academyEvaluations(db, w.manager, w.academy);
    expect(page.comments.rows[0]).toMatchObject({ id, hiddenAt: NOW + 2 });
    expect(page.totals).toMatchObject({ count: 1, average: 1 });
    expect(page.canHide).toBe(true);
  });
});

describe("averages", () => {
  it("per run, course, teacher and academy for managers and HQ", async () => {
    const a = attendedRun();
    const b = createRunWithSessions(db, w, {
      academyId: w.other.id,
      roomId: w.otherRoom.id,
      teacherId: w.teacher.teacherId,
      starts: [NOW - DAY],
    });
    submitEvaluation(db, w.resident, a.e.id, { rating: 5 }, NOW);
    const e2 = addEnrollment(db, a.run.id, { userId: w.neighbour.id });
    markPresent(db, a.sessions[0]!.id, e2.id);
    submitEvaluation(db, w.neighbour, e2.id, { rating: 4, comment: "不错" }, NOW);
    const e3 = addEnrollment(db, b.run.id, { userId: w.resident.id });
    markPresent(db, b.sessions[0]!.id, e3.id);
    submitEvaluation(db, w.resident, e3.id, { rating: 2 }, NOW);

    const byRun = evaluationAverages(db, { academyId: w.academy.id }, "run");
    expect(byRun.rows).toEqual([
      expect.objectContaining({ key: a.run.id, count: 2, average: 4.5 }),
    ]);
    const city = { city: true } as const;
    expect(evaluationAverages(db, city, "course").rows).toEqual([
      expect.objectContaining({ key: w.course.id, count: 3 }),
    ]);
    expect(evaluationAverages(db, city, "course").rows[0]!.average).toBeCloseTo(11 / 3);
    expect(evaluationAverages(db, city, "teacher").rows).toEqual([
      expect.objectContaining({ key: w.teacher.teacherId, label: "陈美玲", count: 3 }),
    ]);
    const byAcademy = evaluationAverages(db, city, "academy").rows;
    expect(byAcademy.map((r) => [r.key, r.count, r.average])).toEqual([
      [w.academy.id, 2, 4.5],
      [w.other.id, 1, 2],
    ]);
    expect(
      evaluationAverages(db, { districtId: w.d.siming!.id }, "academy").rows.map((r) => r.key),
    ).toEqual([w.other.id]);

    const hq = cityEvaluations(db, w.hqEditor, {});
    expect(hq.totals.count).toBe(3);
    expect(hq.canHide).toBe(false);
    expect(hq.comments.rows).toHaveLength(1);
    expect(hq.comments.rows[0]!.learner).toMatch(/^.\*+$/);
    expect(() => cityEvaluations(db, w.manager, {})).toThrow();
    expect(() => academyEvaluations(db, w.otherManager, w.academy)).toThrow();

    // A district centre sees its own academies only, read-only.
    const huliStaff = await createActor(db, [{ role: "district_staff", district: w.d.huli!.id }]);
    const huli = districtEvaluations(db, huliStaff, w.d.huli!.id);
    expect(huli.totals.count).toBe(2);
    expect(huli.averages.rows.map((r) => [r.key, r.count, r.average])).toEqual([
      [w.academy.id, 2, 4.5],
    ]);
    expect(huli.comments.rows.map((c) => c.comment)).toEqual(["不错"]);
    expect(huli.canHide).toBe(false);
    expect(districtEvaluations(db, w.hqEditor, w.d.siming!.id).totals.count).toBe(1);
    expect(() => districtEvaluations(db, huliStaff, w.d.siming!.id)).toThrow();
    expect(() => districtEvaluations(db, w.manager, w.d.huli!.id)).toThrow();
  });
});
