/**
 * 抽签: when a lottery run's window closes, its applicants are shuffled with a recorded seed;
 * winners get the seats, the rest go on the waitlist in drawn order, and everyone is told in 消息.
 * Drawn by the manager's button (which may close the window early) or lazily by the system when
 * someone opens the run after the window closed. `verifyLottery` recomputes the order from the seed.
 */
import { and, asc, eq, inArray, max, sql } from "drizzle-orm";
import type { DB } from "@db/client";
import { classRuns, enrollments, lotteryDraws } from "@db/schema";
import { writeAudit } from "~/modules/auth/audit.server";
import { canManageAcademy, type Actor } from "~/modules/auth/permissions";
import { notify } from "~/modules/auth/notifications.server";
import { formatDateTime } from "~/utils/dates";
import { UserError } from "~/utils/errors";
import { forbidden, notFound } from "~/utils/http";
import { drawOrder, newSeed } from "./lottery";
import { effectiveCloseAt } from "./rules";
import {
  confirmedCount,
  describePerson,
  lotteryDrawOf,
  runContext,
  syncRunStatus,
} from "./seats.server";

export type DrawResult = {
  drawId: number;
  seed: string;
  applicants: number;
  winners: number;
  waitlisted: number;
  order: number[];
  alreadyDrawn: boolean;
};

/**
 * Draws the lottery of a run. `actor` null = the system (only once the window has closed);
 * a manager may draw early, which closes the window at that moment.
 */
export function drawLottery(
  db: DB,
  actor: Actor | null,
  runId: number,
  opts: { seed?: string; ip?: string | null; now?: number } = {},
): DrawResult | null {
  const now = opts.now ?? Date.now();
  return db.transaction(
    (tx) => {
      const ctx = runContext(tx, runId);
      if (!ctx) notFound("没有找到这个班。");
      const { run } = ctx;
      if (actor && !canManageAcademy(actor, run.academyId))
        forbidden("您不是这所书院的管理员，不能为这个班抽签。");
      if (run.enrollMode !== "lottery") throw new UserError("这个班是先到先得报名，不需要抽签。");
      const existing = lotteryDrawOf(tx, run.id);
      if (existing) {
        if (actor)
          throw new UserError(
            `这个班已于 ${formatDateTime(existing.drawnAt)} 抽过签了，结果不能重抽。`,
          );
        return {
          drawId: existing.id,
          seed: existing.seed,
          applicants: existing.applicantIds.length,
          winners: existing.winners,
          waitlisted: existing.applicantIds.length - existing.winners,
          order: existing.drawnOrder,
          alreadyDrawn: true,
        };
      }
      if (run.status === "cancelled" || run.status === "finished" || run.status === "draft") {
        if (!actor) return null;
        throw new UserError("这个班现在不能抽签。");
      }
      const closeAt = effectiveCloseAt(run, ctx.firstSessionAt);
      const closed = closeAt != null && now >= closeAt;
      if (!closed) {
        if (!actor) return null;
        if (run.enrollOpensAt != null && now <= run.enrollOpensAt)
          throw new UserError("报名还没有开始，不能抽签。");
        // Drawing early closes the window now, so nobody can apply after the draw.
        tx.update(classRuns)
          .set({ enrollClosesAt: now, updatedAt: now })
          .where(eq(classRuns.id, run.id))
          .run();
      }
      const applicants = tx
        .select({ id: enrollments.id, priority: enrollments.priority })
        .from(enrollments)
        .where(and(eq(enrollments.runId, run.id), eq(enrollments.status, "lottery_pending")))
        .orderBy(asc(enrollments.id))
        .all();
      const seed = (opts.seed ?? "").trim() || newSeed();
      const order = drawOrder(applicants, seed);
      const free = Math.max(0, run.capacity - confirmedCount(tx, run.id));
      const winners = order.slice(0, free);
      const losers = order.slice(free);
      const base =
        tx
          .select({ q: max(enrollments.queueKey) })
          .from(enrollments)
          .where(eq(enrollments.runId, run.id))
          .get()?.q ?? 0;
      if (winners.length) {
        tx.update(enrollments)
          .set({ status: "confirmed", confirmedAt: now, updatedAt: now })
          .where(inArray(enrollments.id, winners))
          .run();
      }
      losers.forEach((id, i) => {
        tx.update(enrollments)
          .set({ status: "waitlisted", queueKey: base + i + 1, updatedAt: now })
          .where(eq(enrollments.id, id))
          .run();
      });
      const draw = tx
        .insert(lotteryDraws)
        .values({
          runId: run.id,
          seed,
          applicantIds: applicants.map((a) => a.id),
          drawnOrder: order,
          capacity: run.capacity,
          winners: winners.length,
          drawnBy: actor?.id ?? null,
          drawnAt: now,
        })
        .returning({ id: lotteryDraws.id })
        .get();
      const rows = applicants.length
        ? tx.select().from(enrollments).where(inArray(enrollments.id, order)).all()
        : [];
      const byId = new Map(rows.map((r) => [r.id, r]));
      order.forEach((id, i) => {
        const e = byId.get(id)!;
        if (e.userId == null) return;
        const who = describePerson(tx, e);
        const won = i < winners.length;
        notify(tx, e.userId, {
          title: won ? `抽签结果：中签「${ctx.title}」` : `抽签结果：候补「${ctx.title}」`,
          body: won
            ? `${who.forWhom}「${ctx.title}」抽签中签，已确认报名，请按时上课。`
            : `${who.forWhom}「${ctx.title}」这次没有中签，已按抽签顺序排在候补第 ${
                i - winners.length + 1
              } 位；有人取消时会自动递补并通知您。`,
          link: `/classes/${run.id}`,
        });
      });
      syncRunStatus(tx, run.id, now);
      writeAudit(tx, actor?.id ?? null, opts.ip ?? null, {
        action: "run.lottery.draw",
        targetType: "run",
        targetId: run.id,
        summary: `「${ctx.title}」抽签：${applicants.length} 人申请，${
          winners.length
        } 人中签，种子 ${seed}${actor ? "" : "（报名截止后系统自动抽签）"}`,
        detail: { seed, order, winners },
      });
      return {
        drawId: draw.id,
        seed,
        applicants: applicants.length,
        winners: winners.length,
        waitlisted: losers.length,
        order,
        alreadyDrawn: false,
      };
    },
    { behavior: "immediate" },
  );
}

/** Draws a lottery run whose window has closed and that nobody has drawn yet (cheap when not due). */
export function maybeDrawLottery(db: DB, runId: number, now = Date.now()) {
  const run = db
    .select({ mode: classRuns.enrollMode, status: classRuns.status })
    .from(classRuns)
    .where(eq(classRuns.id, runId))
    .get();
  if (!run || run.mode !== "lottery" || !["open", "full", "closed"].includes(run.status))
    return null;
  if (lotteryDrawOf(db, runId)) return null;
  return drawLottery(db, null, runId, { now });
}

/** Lazily draws every lottery run among `runIds` that is due (for lists such as 我的课程). */
export function drawDueLotteries(db: DB, runIds: number[], now = Date.now()) {
  if (runIds.length === 0) return;
  const due = db
    .select({ id: classRuns.id })
    .from(classRuns)
    .where(
      and(
        inArray(classRuns.id, runIds),
        eq(classRuns.enrollMode, "lottery"),
        inArray(classRuns.status, ["open", "full", "closed"]),
        sql`NOT EXISTS (SELECT 1 FROM lottery_draws d WHERE d.run_id = ${classRuns.id})`,
      ),
    )
    .all();
  for (const r of due) maybeDrawLottery(db, r.id, now);
}

/** Recomputes the drawn order from the recorded seed and applicants; `matches` says whether it agrees. */
export function verifyLottery(db: DB, runId: number) {
  const draw = lotteryDrawOf(db, runId);
  if (!draw) return null;
  const flags = draw.applicantIds.length
    ? db
        .select({ id: enrollments.id, priority: enrollments.priority })
        .from(enrollments)
        .where(inArray(enrollments.id, draw.applicantIds))
        .all()
    : [];
  const priority = new Map(flags.map((f) => [f.id, f.priority]));
  const recomputed = drawOrder(
    draw.applicantIds.map((id) => ({ id, priority: priority.get(id) ?? false })),
    draw.seed,
  );
  const matches =
    recomputed.length === draw.drawnOrder.length &&
    recomputed.every((id, i) => id === draw.drawnOrder[i]);
  return { draw, recomputed, matches };
}
