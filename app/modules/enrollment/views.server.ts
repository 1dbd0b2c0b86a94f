/**
 * Read models: the enrol panel of /classes/:id and the resident's 我的课程 (/me/classes).
 */
import { and, asc, desc, eq, gt, inArray, isNull, min, sql } from "drizzle-orm";
import { prepared, type DB } from "@db/client";
import {
  academies,
  classRuns,
  classSessions,
  courseVersions,
  enrollments,
  familyMembers,
  users,
} from "@db/schema";
import { canManageAcademy, type Actor } from "~/modules/auth/permissions";
import { verifyLottery } from "./lottery.server";
import { waitlistOnlyRestriction } from "./policy.server";
import {
  ageRefusal,
  ageRuleLabel,
  effectiveCancelDeadline,
  lateEnrollWarning,
  effectiveCloseAt,
  ENROLLMENT_STATUS_LABELS,
  priorityWindowEnd,
  windowRefusal,
  type EnrollmentStatus,
} from "./rules";
import {
  lotteryDrawOf,
  runContext,
  statusCounts,
  waitlistPosition,
  type Enrollment,
} from "./seats.server";

export type PanelEnrollment = {
  id: number;
  status: EnrollmentStatus;
  label: string;
  position: number | null;
  canCancel: boolean;
  cancelNote: string | null;
  /** 请假 for one session (/me/leave/:id): confirmed seats of runs still running. */
  leaveHref: string | null;
};

function cancelState(
  e: Enrollment,
  run: { status: string },
  deadline: number | null,
  drawn: boolean,
  now: number,
) {
  if (run.status === "finished") return { canCancel: false, cancelNote: "已结课" };
  if (e.status === "lottery_pending" && drawn) return { canCancel: false, cancelNote: null };
  if (
    e.status === "confirmed" &&
    deadline != null &&
    now > deadline &&
    run.status !== "cancelled"
  ) {
    return {
      canCancel: false,
      cancelNote: "已过取消截止时间，不能再取消报名；某一次课不能来，可以在课前在线请假。",
    };
  }
  return { canCancel: true, cancelNote: null };
}

/** The leave page of a confirmed seat in a run that is still running (null otherwise). */
function leaveHrefOf(e: { id: number; status: string }, run: { status: string }) {
  return e.status === "confirmed" && run.status !== "cancelled" && run.status !== "finished"
    ? `/me/leave/${e.id}`
    : null;
}

/**
 * What the enrol panel on a class page shows for this person (null actor = signed out). Reads
 * only: draws and waitlist promotion are the job runner's (enrollment/jobs.server.ts).
 */
const panelQueries = prepared((db: DB) => ({
  academy: db
    .select({ slug: academies.slug })
    .from(academies)
    .where(eq(academies.id, sql.placeholder("id")))
    .prepare(),
  mine: db
    .select()
    .from(enrollments)
    .where(
      and(
        eq(enrollments.runId, sql.placeholder("run")),
        eq(enrollments.userId, sql.placeholder("user")),
        inArray(enrollments.status, ["confirmed", "waitlisted", "lottery_pending"]),
      ),
    )
    .prepare(),
  self: db
    .select({ birthYear: users.birthYear })
    .from(users)
    .where(eq(users.id, sql.placeholder("user")))
    .prepare(),
  members: db
    .select()
    .from(familyMembers)
    .where(
      and(eq(familyMembers.ownerUserId, sql.placeholder("user")), isNull(familyMembers.removedAt)),
    )
    .orderBy(asc(familyMembers.id))
    .prepare(),
}));

export function getEnrollPanel(db: DB, actor: Actor | null, runId: number, now = Date.now()) {
  const ctx = runContext(db, runId);
  if (!ctx) return null;
  const { run } = ctx;
  const q = panelQueries(db);
  const academy = q.academy.get({ id: run.academyId });
  const counts = statusCounts(db, run.id);
  const draw = lotteryDrawOf(db, run.id);
  const closeAt = effectiveCloseAt(run, ctx.firstSessionAt);
  const deadline = effectiveCancelDeadline(run, ctx.firstSessionAt);
  const refusal =
    windowRefusal(run, ctx.firstSessionAt, now) ??
    (run.enrollMode === "lottery" && draw
      ? { code: "lottery_drawn" as const, message: "这个班已经抽签，报名已结束。" }
      : null);

  const people: {
    memberId: number | null;
    label: string;
    enrollment: PanelEnrollment | null;
    ageProblem: string | null;
    /** The no-show policy's explanation when the person may only join waitlists. */
    restriction: string | null;
  }[] = [];
  if (actor) {
    const mine = q.mine.all({ run: run.id, user: actor.id });
    const toPanel = (e: Enrollment | undefined): PanelEnrollment | null =>
      e
        ? {
            id: e.id,
            status: e.status,
            label: ENROLLMENT_STATUS_LABELS[e.status],
            position: e.status === "waitlisted" ? waitlistPosition(db, e) : null,
            ...cancelState(e, run, deadline, !!draw, now),
            leaveHref: leaveHrefOf(e, run),
          }
        : null;
    const self = q.self.get({ user: actor.id });
    people.push({
      memberId: null,
      label: `本人（${actor.name}）`,
      enrollment: toPanel(mine.find((e) => e.familyMemberId == null)),
      ageProblem: ageRefusal(run, self?.birthYear ?? null, "您", now)?.message ?? null,
      restriction:
        waitlistOnlyRestriction(db, { userId: actor.id, familyMemberId: null }, now)?.reason ??
        null,
    });
    const members = q.members.all({ user: actor.id });
    for (const m of members) {
      people.push({
        memberId: m.id,
        label: `${m.relation}（${m.name}）`,
        enrollment: toPanel(mine.find((e) => e.familyMemberId === m.id)),
        ageProblem: ageRefusal(run, m.birthYear, `${m.relation}${m.name}`, now)?.message ?? null,
        restriction:
          waitlistOnlyRestriction(db, { userId: actor.id, familyMemberId: m.id }, now)?.reason ??
          null,
      });
    }
  }
  const priorityEnd = priorityWindowEnd(run);
  return {
    runId: run.id,
    title: ctx.title,
    mode: run.enrollMode,
    status: run.status,
    capacity: run.capacity,
    counts,
    seatsLeft: Math.max(0, run.capacity - counts.confirmed),
    opensAt: run.enrollOpensAt,
    closeAt,
    cancelDeadline: deadline,
    /** The cancel deadline has passed: a seat taken now cannot be given back. */
    cancelClosed: deadline != null && now > deadline,
    /** Shown before the enrol button, with a confirmation checkbox, while enrolment is still open. */
    lateWarning: refusal ? null : lateEnrollWarning(run, ctx.firstSessionAt, now),
    ageRule: run.minAge != null || run.maxAge != null ? ageRuleLabel(run.minAge, run.maxAge) : null,
    residentsFirstUntil: priorityEnd != null && now < priorityEnd ? priorityEnd : null,
    residentsFirst: run.residentsFirst,
    refusal,
    signedIn: !!actor,
    people,
    lottery:
      run.enrollMode === "lottery"
        ? {
            drawn: draw
              ? {
                  seed: draw.seed,
                  drawnAt: draw.drawnAt,
                  applicants: draw.applicantIds.length,
                  winners: draw.winners,
                  matches: verifyLottery(db, run.id)?.matches ?? false,
                }
              : null,
          }
        : null,
    canManage: !!actor && canManageAcademy(actor, run.academyId),
    rosterHref: academy ? `/manage/${academy.slug}/runs/${run.id}/roster` : null,
  };
}
export type EnrollPanelData = NonNullable<ReturnType<typeof getEnrollPanel>>;

export type MyClass = {
  enrollmentId: number;
  runId: number;
  memberId: number | null;
  title: string;
  academyName: string;
  who: string;
  status: EnrollmentStatus;
  statusLabel: string;
  position: number | null;
  runStatus: string;
  nextSessionAt: number | null;
  firstSessionAt: number | null;
  cancelDeadline: number | null;
  canCancel: boolean;
  cancelNote: string | null;
  leaveHref: string | null;
  endedAt: number | null;
  endReason: string;
};

/** 我的课程: my and my family's enrolments — current ones first (by next session), then history. */
export function listMyClasses(
  db: DB,
  actor: Actor,
  now = Date.now(),
  opts: { historyLimit?: number } = {},
) {
  const nextSession = db
    .select({ runId: classSessions.runId, at: min(classSessions.startsAt).as("next_at") })
    .from(classSessions)
    .where(and(eq(classSessions.status, "scheduled"), gt(classSessions.endsAt, now)))
    .groupBy(classSessions.runId)
    .as("next_session");
  const firstSession = db
    .select({ runId: classSessions.runId, at: min(classSessions.startsAt).as("first_at") })
    .from(classSessions)
    .where(eq(classSessions.status, "scheduled"))
    .groupBy(classSessions.runId)
    .as("first_session");
  const rows = db
    .select({
      e: enrollments,
      run: classRuns,
      title: courseVersions.title,
      academyName: academies.name,
      memberName: familyMembers.name,
      memberRelation: familyMembers.relation,
      nextAt: nextSession.at,
      firstAt: firstSession.at,
    })
    .from(enrollments)
    .innerJoin(classRuns, eq(classRuns.id, enrollments.runId))
    .innerJoin(courseVersions, eq(courseVersions.id, classRuns.courseVersionId))
    .innerJoin(academies, eq(academies.id, classRuns.academyId))
    .leftJoin(familyMembers, eq(familyMembers.id, enrollments.familyMemberId))
    .leftJoin(nextSession, eq(nextSession.runId, enrollments.runId))
    .leftJoin(firstSession, eq(firstSession.runId, enrollments.runId))
    .where(eq(enrollments.userId, actor.id))
    .orderBy(desc(enrollments.id))
    .all();
  const drawn = new Set(
    rows.length
      ? db
          .all<{ run_id: number }>(
            sql`SELECT run_id FROM lottery_draws WHERE run_id IN (${sql.join(
              [...new Set(rows.map((r) => r.run.id))].map((id) => sql`${id}`),
              sql`, `,
            )})`,
          )
          .map((r) => r.run_id)
      : [],
  );
  const items: MyClass[] = rows.map((r) => {
    const e = r.e;
    const deadline = effectiveCancelDeadline(r.run, r.firstAt ?? null);
    const active =
      e.status === "confirmed" || e.status === "waitlisted" || e.status === "lottery_pending";
    const c = active
      ? cancelState(e, r.run, deadline, drawn.has(r.run.id), now)
      : { canCancel: false, cancelNote: null };
    return {
      enrollmentId: e.id,
      runId: r.run.id,
      memberId: e.familyMemberId,
      title: r.title,
      academyName: r.academyName,
      who: e.familyMemberId != null ? `${r.memberRelation}（${r.memberName}）` : "本人",
      status: e.status,
      statusLabel: ENROLLMENT_STATUS_LABELS[e.status],
      position: e.status === "waitlisted" ? waitlistPosition(db, e) : null,
      runStatus: r.run.status,
      nextSessionAt: r.nextAt ?? null,
      firstSessionAt: r.firstAt ?? null,
      cancelDeadline: deadline,
      ...c,
      leaveHref: r.nextAt != null ? leaveHrefOf(e, r.run) : null,
      endedAt: e.cancelledAt,
      endReason: e.endReason,
    };
  });
  const isCurrent = (i: MyClass) =>
    (i.status === "confirmed" || i.status === "waitlisted" || i.status === "lottery_pending") &&
    i.runStatus !== "finished" &&
    (i.runStatus === "cancelled" ? false : true);
  const current = items
    .filter(isCurrent)
    .sort(
      (a, b) =>
        (a.nextSessionAt ?? Number.MAX_SAFE_INTEGER) -
          (b.nextSessionAt ?? Number.MAX_SAFE_INTEGER) || a.enrollmentId - b.enrollmentId,
    );
  const history = items.filter((i) => !isCurrent(i)).slice(0, opts.historyLimit ?? 30);
  return {
    confirmed: current.filter((i) => i.status === "confirmed"),
    waitlisted: current.filter((i) => i.status === "waitlisted"),
    pending: current.filter((i) => i.status === "lottery_pending"),
    history,
  };
}
