/**
 * A new course version reaches the academies (issue 15, item 7): managers of academies whose
 * upcoming runs keep an older version get a 消息 with what changed; moving those runs is one
 * audited action, only for the academy's own managers.
 */
import { and, eq } from "drizzle-orm";
import { auditLog, classRuns, notifications } from "@db/schema";
import { publishCourse, saveDraft, submitForReview } from "~/modules/catalog/courses.server";
import { markdownToDoc } from "~/modules/catalog/richtext.server";
import {
  moveRunsToCurrentVersion,
  notifyAcademiesOfNewVersion,
  versionMoveOffer,
} from "~/modules/scheduling/version-updates.server";
import { isUserError } from "~/utils/errors";
import {
  createRunWithSessions,
  createWorldRun,
  freshLearningWorld,
  type LearningWorld,
} from "@tests/factories/learning";

let db: Awaited<ReturnType<typeof freshLearningWorld>>["db"];
let w: LearningWorld;
beforeEach(async () => ({ db, w } = await freshLearningWorld()));
afterEach(() => db.cleanup());

const DAY = 86_400_000;

function publishVersion2() {
  saveDraft(db, w.hqEditor, w.course.id, {
    title: "闽南语入门（第二版）",
    summary: "新版简介",
    audience: ["全体"],
    sessions: 6,
    minutesPerSession: 90,
    objectives: ["会说日常问候"],
    tags: [],
    body: markdownToDoc("## 第一讲\n\n问候语。\n\n## 第二讲\n\n数字。"),
  });
  submitForReview(db, w.hqEditor, w.course.id);
  return publishCourse(db, w.hqAdmin, w.course.id, null, notifyAcademiesOfNewVersion);
}

function runVersion(runId: number) {
  return db
    .select({ v: classRuns.courseVersionId })
    .from(classRuns)
    .where(eq(classRuns.id, runId))
    .get()!.v;
}

function refusal(fn: () => unknown) {
  try {
    fn();
  } catch (e) {
    if (e instanceof Response) return e.status;
    if (isUserError(e)) return e.message;
    throw e;
  }
  throw new Error("expected a refusal");
}

describe("a new version of a course with upcoming runs", () => {
  it("tells the managers of academies with upcoming runs what changed; not academies whose runs ended", () => {
    const upcoming = createWorldRun(db, w, { starts: [Date.now() + 2 * DAY] }).run;
    // A finished run at the other academy: its managers are not bothered.
    createRunWithSessions(db, w, {
      academyId: w.other.id,
      roomId: w.otherRoom.id,
      starts: [Date.now() - 9 * DAY],
      status: "finished",
    });
    const v2 = publishVersion2();
    const inbox = (userId: number) =>
      db.select().from(notifications).where(eq(notifications.userId, userId)).all();
    const [msg] = inbox(w.manager.id);
    expect(msg!.title).toContain(`发布了第 ${v2.versionNo} 版`);
    expect(msg!.body).toContain("课次改为 6 次");
    expect(msg!.body).toContain("1 个尚未结课的班仍使用旧版本");
    expect(msg!.link).toBe(`/manage/${w.academy.slug}/runs/${upcoming.id}`);
    expect(inbox(w.otherManager.id)).toHaveLength(0);
    expect(runVersion(upcoming.id)).toBe(w.version.id); // pinned until the manager moves it
  });

  it("moves the academy's upcoming runs in one audited action; only its own managers; not twice", () => {
    const a = createWorldRun(db, w, { starts: [Date.now() + 2 * DAY] }).run;
    const b = createWorldRun(db, w, { starts: [Date.now() + 9 * DAY] }).run;
    const ended = createWorldRun(db, w, { starts: [Date.now() - 9 * DAY], status: "finished" }).run;
    const v2 = publishVersion2();
    expect(versionMoveOffer(db, w.academy.id, w.course.id, w.version.id)).toEqual({
      versionNo: v2.versionNo,
      runs: 2,
    });
    expect(refusal(() => moveRunsToCurrentVersion(db, w.otherManager, a.id, null))).toBe(403);
    expect(refusal(() => moveRunsToCurrentVersion(db, w.resident, a.id, null))).toBe(403);
    expect(moveRunsToCurrentVersion(db, w.manager, a.id, "127.0.0.1")).toEqual({
      moved: 2,
      versionNo: v2.versionNo,
    });
    expect([runVersion(a.id), runVersion(b.id)]).toEqual([v2.id, v2.id]);
    expect(runVersion(ended.id)).toBe(w.version.id);
    const audit = db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "run.version-move"), eq(auditLog.actorId, w.manager.id)))
      .all();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.summary).toContain("2 个班改用");
    expect(refusal(() => moveRunsToCurrentVersion(db, w.manager, a.id, null))).toMatch(
      /没有使用旧版本/,
    );
    expect(versionMoveOffer(db, w.academy.id, w.course.id, v2.id)).toBeNull();
  });
});
