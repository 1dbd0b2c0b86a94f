/**
 * The manager's side of enrolment: the run's roster (confirmed, waitlist, lottery, ended), removing
 * someone (their seat goes to the waitlist), adding someone at the desk (现场报名: an account by
 * phone, or a walk-in with name and phone and no account). Every change is audited.
 */
import { aliasedTable, and, asc, eq, inArray, sql } from "drizzle-orm";
import type { Conn, DB } from "@db/client";
import { enrollments, familyMembers, users } from "@db/schema";
import { maskPhonesIn, writeAudit } from "~/modules/auth/audit.server";
import { canManageAcademy, managedAcademyIds, type Actor } from "~/modules/auth/permissions";
import { notify } from "~/modules/auth/notifications.server";
import { UserError } from "~/utils/errors";
import { forbidden, notFound } from "~/utils/http";
import { activeEnrollmentOf, EnrollRefusal, placeInRun } from "./enroll.server";
import { verifyLottery } from "./lottery.server";
import { maskPhone } from "~/modules/learning/staff.server";
import { effectiveCloseAt, ENROLLMENT_STATUS_LABELS, type EnrollmentStatus } from "./rules";
import {
  describePerson,
  lotteryDrawOf,
  promoteWaitlisted,
  runContext,
  statusCounts,
  syncRunStatus,
} from "./seats.server";

const NOT_MANAGER = "您不是这所书院的管理员，不能管理这个班的名单。";

function loadManaged(
  db: DB | Parameters<Parameters<DB["transaction"]>[0]>[0],
  actor: Actor,
  runId: number,
) {
  const ctx = runContext(db, runId);
  if (!ctx) notFound("没有找到这个班。");
  if (!canManageAcademy(actor, ctx.run.academyId)) forbidden(NOT_MANAGER);
  return ctx;
}

export type RosterRow = {
  id: number;
  status: EnrollmentStatus;
  statusLabel: string;
  name: string;
  phone: string | null;
  /** 本人 / 母亲（由 张三 代报）/ 现场报名 */
  kind: string;
  position: number | null;
  createdAt: number;
  confirmedAt: number | null;
  promotedAt: number | null;
  cancelledAt: number | null;
  addedByName: string | null;
  endedByName: string | null;
  endReason: string;
};

/** Every enrolment of a run as roster rows, with the full phone number (callers mask it). */
function rosterRows(conn: Conn, runId: number): RosterRow[] {
  const owner = aliasedTable(users, "owner");
  const adder = aliasedTable(users, "adder");
  const ender = aliasedTable(users, "ender");
  const rows = conn
    .select({
      e: enrollments,
      ownerName: owner.name,
      ownerPhone: owner.phone,
      memberName: familyMembers.name,
      memberRelation: familyMembers.relation,
      memberPhone: familyMembers.phone,
      addedByName: adder.name,
      endedByName: ender.name,
    })
    .from(enrollments)
    .leftJoin(owner, eq(owner.id, enrollments.userId))
    .leftJoin(familyMembers, eq(familyMembers.id, enrollments.familyMemberId))
    .leftJoin(adder, eq(adder.id, enrollments.addedBy))
    .leftJoin(ender, eq(ender.id, enrollments.endedBy))
    .where(eq(enrollments.runId, runId))
    .orderBy(asc(enrollments.queueKey), asc(enrollments.id))
    .all();
  let position = 0;
  return rows.map((r) => {
    const e = r.e;
    const member = e.familyMemberId != null;
    const walkin = e.userId == null;
    if (e.status === "waitlisted") position++;
    return {
      id: e.id,
      status: e.status,
      statusLabel: ENROLLMENT_STATUS_LABELS[e.status],
      name: walkin ? e.walkinName! : member ? r.memberName! : r.ownerName!,
      phone: walkin ? e.walkinPhone : member ? (r.memberPhone ?? r.ownerPhone) : r.ownerPhone,
      kind: walkin ? "现场报名" : member ? `${r.memberRelation}（由 ${r.ownerName} 代报）` : "本人",
      position: e.status === "waitlisted" ? position : null,
      createdAt: e.createdAt,
      confirmedAt: e.confirmedAt,
      promotedAt: e.promotedAt,
      cancelledAt: e.cancelledAt,
      addedByName: r.addedByName,
      endedByName: r.endedByName,
      endReason: e.endReason,
    };
  });
}

/** Statuses of people on the roster now: only their numbers can be opened for calling. */
const ACTIVE: EnrollmentStatus[] = ["confirmed", "waitlisted", "lottery_pending"];

/**
 * Everything /manage/:academy/runs/:id/roster shows. Phone numbers are masked (138****5678): the
 * full ones are opened deliberately with revealRosterPhones, which is audited (issue 14).
 */
export function getRunRoster(db: DB, actor: Actor, runId: number, now = Date.now()) {
  const ctx = loadManaged(db, actor, runId);
  const list = rosterRows(db, ctx.run.id).map((r) => ({
    ...r,
    phone: r.phone ? maskPhone(r.phone) : null,
  }));
  const byConfirmed = (a: RosterRow, b: RosterRow) =>
    (a.confirmedAt ?? 0) - (b.confirmedAt ?? 0) || a.id - b.id;
  const draw = lotteryDrawOf(db, ctx.run.id);
  const closeAt = effectiveCloseAt(ctx.run, ctx.firstSessionAt);
  return {
    run: ctx.run,
    title: ctx.title,
    counts: statusCounts(db, ctx.run.id),
    confirmed: list.filter((r) => r.status === "confirmed").sort(byConfirmed),
    waitlisted: list.filter((r) => r.status === "waitlisted"),
    pending: list.filter((r) => r.status === "lottery_pending"),
    ended: list
      .filter((r) => r.status === "cancelled" || r.status === "removed")
      .sort((a, b) => (b.cancelledAt ?? 0) - (a.cancelledAt ?? 0)),
    lottery:
      ctx.run.enrollMode === "lottery"
        ? {
            drawn: draw
              ? {
                  seed: draw.seed,
                  drawnAt: draw.drawnAt,
                  winners: draw.winners,
                  applicants: draw.applicantIds.length,
                  matches: verifyLottery(db, ctx.run.id)?.matches ?? false,
                  bySystem: draw.drawnBy == null,
                }
              : null,
            closeAt,
            closed: closeAt != null && now >= closeAt,
            canDraw: !draw && ["open", "full", "closed"].includes(ctx.run.status),
          }
        : null,
  };
}

/**
 * 显示完整号码: the manager of the run's academy opens the full numbers of the people on the roster
 * (confirmed, waitlisted, awaiting the draw), for calling them — one person, or everyone at once
 * (telling a whole class about a change). Only a manager granted that academy: teachers, district
 * staff, HQ (HQ admins open one record on /hq/users/:id) and other academies' managers get 403.
 * One audit row per opening: who, which class, how many numbers (the summary names no number).
 */
export function mayOpenRosterPhones(actor: Actor, academyId: number) {
  return managedAcademyIds(actor).includes(academyId);
}

export function revealRosterPhones(
  db: DB,
  actor: Actor,
  input: { runId: number; enrollmentId?: number | null },
  ip: string | null = null,
) {
  return db.transaction(
    (tx) => {
      const ctx = runContext(tx, input.runId);
      if (!ctx) notFound("没有找到这个班。");
      if (!mayOpenRosterPhones(actor, ctx.run.academyId))
        forbidden("只有这所书院的管理员可以查看学员的完整手机号。");
      const active = rosterRows(tx, ctx.run.id).filter((r) => ACTIVE.includes(r.status) && r.phone);
      const chosen =
        input.enrollmentId == null ? active : active.filter((r) => r.id === input.enrollmentId);
      if (input.enrollmentId != null && !chosen.length)
        throw new UserError("这个人已经不在名单上了，不能查看号码。");
      if (!chosen.length) throw new UserError("名单上还没有人。");
      writeAudit(tx, actor.id, ip, {
        action: "roster.phone-view",
        targetType: "run",
        targetId: ctx.run.id,
        summary:
          input.enrollmentId == null
            ? `查看「${ctx.title}」(#${ctx.run.id}) 名单的完整手机号：全部 ${chosen.length} 人`
            : `查看「${ctx.title}」(#${ctx.run.id}) 名单上 ${chosen[0]!.name} 的完整手机号：1 人`,
        detail: { runId: ctx.run.id, count: chosen.length, enrollmentIds: chosen.map((r) => r.id) },
      });
      return Object.fromEntries(chosen.map((r) => [r.id, r.phone!])) as Record<number, string>;
    },
    { behavior: "immediate" },
  );
}

/** Removes someone from the run (with a reason they are told); a freed seat goes to the waitlist. */
export function removeEnrollment(
  db: DB,
  actor: Actor,
  input: { runId: number; enrollmentId: number; reason: string },
  ip: string | null = null,
  now = Date.now(),
) {
  const reason = input.reason.trim();
  if (!reason) throw new UserError("请写明移出的原因，对方会收到它。", "reason");
  if (reason.length > 200) throw new UserError("原因最多 200 字。", "reason");
  return db.transaction(
    (tx) => {
      const ctx = loadManaged(tx, actor, input.runId);
      const e = tx
        .select()
        .from(enrollments)
        .where(and(eq(enrollments.id, input.enrollmentId), eq(enrollments.runId, ctx.run.id)))
        .get();
      if (!e) notFound("名单里没有这个人。");
      if (!["confirmed", "waitlisted", "lottery_pending"].includes(e.status)) {
        throw new UserError("这个人已经不在名单上了。");
      }
      tx.update(enrollments)
        .set({
          status: "removed",
          cancelledAt: now,
          endedBy: actor.id,
          endReason: reason,
          updatedAt: now,
        })
        .where(eq(enrollments.id, e.id))
        .run();
      const who = describePerson(tx, e);
      if (e.userId != null) {
        notify(tx, e.userId, {
          title: `已被移出名单：「${ctx.title}」`,
          body: `${who.forWhom}「${ctx.title}」已被书院管理员移出名单。原因：${reason}`,
          link: `/classes/${ctx.run.id}`,
        });
      }
      const promoted = e.status === "confirmed" ? promoteWaitlisted(tx, ctx, now) : [];
      syncRunStatus(tx, ctx.run.id, now);
      writeAudit(tx, actor.id, ip, {
        action: "enrollment.remove",
        targetType: "enrollment",
        targetId: e.id,
        summary: `从「${ctx.title}」(#${ctx.run.id}) 名单移出 ${who.name}（原为${
          ENROLLMENT_STATUS_LABELS[e.status]
        }）：${reason}${promoted.length ? `；候补 ${promoted.length} 人转正` : ""}`,
        detail: { runId: ctx.run.id, was: e.status, reason, promoted: promoted.map((p) => p.id) },
      });
      return { promoted: promoted.length, name: who.name };
    },
    { behavior: "immediate" },
  );
}

/**
 * 现场报名: a manager adds someone. A phone that belongs to an account enrols that account (they are
 * told in 消息); otherwise a walk-in with name and phone. The manager may add outside the window,
 * but seats are still seats: a full run puts the person on the waitlist.
 */
export function addWalkIn(
  db: DB,
  actor: Actor,
  input: { runId: number; name: string; phone: string },
  ip: string | null = null,
  now = Date.now(),
) {
  const name = input.name.trim();
  const phone = input.phone.trim();
  if (!name) throw new UserError("请填写姓名。", "name");
  if (name.length > 20) throw new UserError("姓名最多 20 个字。", "name");
  if (!/^1\d{10}$/.test(phone)) throw new UserError("请填写 11 位手机号码。", "phone");
  return db.transaction(
    (tx) => {
      const ctx = loadManaged(tx, actor, input.runId);
      const { run } = ctx;
      if (run.status === "cancelled") throw new UserError("这个班已经取消，不能再加人。");
      if (run.status === "finished") throw new UserError("这个班已经结课，不能再加人。");
      if (run.status === "draft") throw new UserError("这个班还是草稿，请先开放报名。");
      const account = tx.select().from(users).where(eq(users.phone, phone)).get();
      let placedName = name;
      if (account) {
        const existing = activeEnrollmentOf(tx, run.id, {
          userId: account.id,
          familyMemberId: null,
        });
        if (existing)
          throw new EnrollRefusal(
            "already_enrolled",
            `手机号 ${phone} 的账号（${account.name}）已经在名单上了。`,
            "phone",
          );
        placedName = account.name;
      } else {
        const dup = tx
          .select({ id: enrollments.id })
          .from(enrollments)
          .where(
            and(
              eq(enrollments.runId, run.id),
              sql`${enrollments.userId} IS NULL`,
              eq(enrollments.walkinPhone, phone),
              inArray(enrollments.status, ["confirmed", "waitlisted", "lottery_pending"]),
            ),
          )
          .get();
        if (dup)
          throw new EnrollRefusal("already_enrolled", `手机号 ${phone} 已经在名单上了。`, "phone");
      }
      const placed = placeInRun(
        tx,
        ctx,
        {
          runId: run.id,
          userId: account?.id ?? null,
          familyMemberId: null,
          walkinName: account ? null : name,
          walkinPhone: account ? null : phone,
          priority: run.residentsFirst && account?.homeAcademyId === run.academyId,
          addedBy: actor.id,
        },
        { waitlistOnly: false, now },
      );
      syncRunStatus(tx, run.id, now);
      const { position } = placed;
      const outcome =
        placed.status === "confirmed"
          ? "已报名"
          : placed.status === "waitlisted"
            ? `候补第 ${position} 位`
            : "待抽签";
      if (account) {
        notify(tx, account.id, {
          title: `书院为您报名：「${ctx.title}」`,
          body: `书院管理员为您报名了「${ctx.title}」，当前状态：${outcome}。如不能参加，请在“我的课程”里取消。`,
          link: `/classes/${run.id}`,
        });
      }
      writeAudit(tx, actor.id, ip, {
        action: "enrollment.add",
        targetType: "enrollment",
        targetId: placed.id,
        summary: `为「${ctx.title}」(#${run.id}) ${
          account ? "账号" : "现场"
        }报名 ${placedName}（${phone}）：${outcome}`,
        detail: { runId: run.id, userId: account?.id ?? null, status: placed.status },
      });
      return {
        enrollmentId: placed.id,
        status: placed.status,
        position,
        name: placedName,
        account: !!account,
      };
    },
    { behavior: "immediate" },
  );
}

/** The manager's recent enrolment changes, number openings and exports for a run, from the audit log (shown under the roster). */
export function recentRosterChanges(db: DB, actor: Actor, runId: number, limit = 20) {
  loadManaged(db, actor, runId);
  // A walk-in's audit row names the number typed at the desk: the roster shows it masked too.
  return db
    .all<{ id: number; summary: string; created_at: number; actor_name: string | null }>(
      sql`
    SELECT a.id, a.summary, a.created_at, u.name AS actor_name
    FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id
    WHERE a.action IN ('enrollment.add', 'enrollment.remove', 'run.lottery.draw', 'roster.phone-view', 'roster.export')
      AND (json_extract(a.detail, '$.runId') = ${runId} OR (a.target_type = 'run' AND a.target_id = ${String(
        runId,
      )}))
    ORDER BY a.id DESC LIMIT ${limit}`,
    )
    .map((c) => ({ ...c, summary: maskPhonesIn(c.summary) }));
}
