/**
 * Enrolment's time-driven work, run by the job runner (app/modules/ops/job-list.server.ts), never
 * by page views: lottery draws once a window has closed, and waitlist promotion into free seats.
 * Both are idempotent: a drawn lottery is never drawn again, a run with no free seat or no
 * waitlist is left alone. Each run's work is its own immediate transaction.
 */
import { and, eq, inArray, sql } from "drizzle-orm";
import type { DB } from "@db/client";
import { classRuns } from "@db/schema";
import { drawLottery } from "./lottery.server";
import { rebalanceRun } from "./seats.server";

/** Draws every lottery whose enrolment window has closed and that nobody has drawn yet. */
export function drawDueLotteries(db: DB, now = Date.now()) {
  const candidates = db
    .select({ id: classRuns.id })
    .from(classRuns)
    .where(
      and(
        eq(classRuns.enrollMode, "lottery"),
        inArray(classRuns.status, ["open", "full", "closed"]),
        sql`NOT EXISTS (SELECT 1 FROM lottery_draws d WHERE d.run_id = ${classRuns.id})`,
      ),
    )
    .all();
  let drawn = 0;
  for (const r of candidates) {
    const result = drawLottery(db, null, r.id, { now });
    if (result && !result.alreadyDrawn) drawn++;
  }
  return { candidates: candidates.length, drawn };
}

/** Runs with a free seat and a waitlist, or whose 报名中/已满员 status is out of step with their seats. */
export function runsDueForRebalance(db: DB): number[] {
  return db
    .all<{ id: number }>(
      sql`
    SELECT r.id FROM class_runs r
    WHERE r.status IN ('open', 'full', 'closed') AND (
      ((SELECT count(*) FROM enrollments e WHERE e.run_id = r.id AND e.status = 'confirmed') < r.capacity
        AND EXISTS (SELECT 1 FROM enrollments e WHERE e.run_id = r.id AND e.status = 'waitlisted'))
      OR (r.status = 'full' AND (SELECT count(*) FROM enrollments e WHERE e.run_id = r.id AND e.status = 'confirmed') < r.capacity
        AND (r.enrol_mode = 'first_come' OR EXISTS (SELECT 1 FROM lottery_draws d WHERE d.run_id = r.id)))
      OR (r.status = 'open' AND (SELECT count(*) FROM enrollments e WHERE e.run_id = r.id AND e.status = 'confirmed') >= r.capacity
        AND (r.enrol_mode = 'first_come' OR EXISTS (SELECT 1 FROM lottery_draws d WHERE d.run_id = r.id))))`,
    )
    .map((r) => r.id);
}

/** Promotes waitlists into free seats and keeps run statuses in step, run by run. */
export function rebalanceDueRuns(db: DB, now = Date.now()) {
  const due = runsDueForRebalance(db);
  let promoted = 0;
  for (const id of due) promoted += rebalanceRun(db, id, now).length;
  return { runs: due.length, promoted };
}
