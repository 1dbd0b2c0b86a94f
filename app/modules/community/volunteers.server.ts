/**
 * 志愿者: residents sign up to volunteer with an organisation (or for an activity); the academy's
 * manager confirms them and records the hours served. Confirmed hours join the same
 * 志愿服务时长 as teachers' teaching hours (`volunteerService` below), shown on /me and the 志愿服务证明.
 */
import { and, desc, eq, sql } from "drizzle-orm";
import type { Conn, DB } from "@db/client";
import { activities, organisations, users, volunteerHours, volunteerSignups } from "@db/schema";
import { writeAudit } from "~/modules/auth/audit.server";
import type { Actor } from "~/modules/auth/permissions";
import { notify } from "~/modules/auth/notifications.server";
import { isValidDate, todayLocal } from "~/utils/time";
import { UserError, parseInput } from "~/utils/errors";
import { notFound } from "~/utils/http";
import { teachingService } from "~/modules/learning/record.server";
import { hoursInput, joinInput } from "./groups-labels";
import { assertManages } from "./groups-scope.server";

const tx = <R>(db: DB, fn: (tx: Conn) => R) => db.transaction(fn, { behavior: "immediate" });
const isUnique = (e: unknown) => e instanceof Error && /UNIQUE constraint failed/.test(e.message);
const TWICE = "您已经报名做这里的志愿者了，不用重复报名。";
const TWICE_ACTIVITY = "您已经报名做这个活动的志愿者了，不用重复报名。";

/** Confirmed community volunteer service of a person: minutes and number of services. */
export function communityVolunteerMinutes(conn: Conn, userId: number) {
  const r = conn
    .select({
      minutes: sql<number>`coalesce(sum(${volunteerHours.minutes}), 0)`,
      services: sql<number>`count(*)`,
    })
    .from(volunteerHours)
    .where(eq(volunteerHours.userId, userId))
    .get()!;
  return { minutes: r.minutes, services: r.services };
}

/**
 * 志愿服务时长: teaching in the pool (learning/record.server.ts `teachingService`) plus community
 * service a manager confirmed. Null for someone with neither. /me, the 志愿服务证明 and the city's
 * statistics use the same sum.
 */
export function volunteerService(conn: Conn, userId: number, now = Date.now()) {
  const teaching = teachingService(conn, userId, now);
  const community = communityVolunteerMinutes(conn, userId);
  if (!teaching && community.services === 0) return null;
  return {
    kind: teaching?.kind ?? null,
    sessions: teaching?.sessions ?? 0,
    minutes: (teaching?.minutes ?? 0) + community.minutes,
    runs: teaching?.runs ?? 0,
    teachingMinutes: teaching?.minutes ?? 0,
    communityMinutes: community.minutes,
    services: community.services,
  };
}

/** A resident volunteers with an organisation (not a dissolved one). */
export function volunteerWithOrganisation(db: DB, actor: Actor, orgId: number, raw: unknown = {}) {
  const input = parseInput(joinInput, raw);
  try {
    return tx(db, (t) => {
      const org = t.select().from(organisations).where(eq(organisations.id, orgId)).get();
      if (!org) notFound("没有找到这个居民组织。");
      if (org.stage === "dissolved")
        throw new UserError("这个组织已注销，不再招募志愿者。", "note");
      const dup = t
        .select({ id: volunteerSignups.id })
        .from(volunteerSignups)
        .where(
          and(
            eq(volunteerSignups.userId, actor.id),
            eq(volunteerSignups.organisationId, orgId),
            sql`${volunteerSignups.status} <> 'cancelled'`,
          ),
        )
        .get();
      if (dup) throw new UserError(TWICE, "note");
      const row = t
        .insert(volunteerSignups)
        .values({
          userId: actor.id,
          academyId: org.academyId,
          organisationId: orgId,
          note: input.note,
          status: "applied",
          createdAt: Date.now(),
        })
        .returning()
        .get();
      notify(t, org.leaderId, {
        title: `${actor.name} 报名做“${org.name}”的志愿者`,
        body: input.note,
        link: `/organisations/${orgId}`,
      });
      return row;
    });
  } catch (e) {
    if (isUnique(e)) throw new UserError(TWICE, "note");
    throw e;
  }
}

/**
 * 我要当志愿者 for an activity: not a cancelled or finished one, once per person (partial UNIQUE
 * index). The academy's managers see it on /manage/:academy/volunteers and confirm it there.
 */
export function volunteerForActivity(
  db: DB,
  actor: Actor,
  activityId: number,
  raw: unknown = {},
  now = Date.now(),
) {
  const input = parseInput(joinInput, raw);
  try {
    return tx(db, (t) => {
      const a = t.select().from(activities).where(eq(activities.id, activityId)).get();
      if (!a) notFound("没有找到这个活动。");
      if (a.status === "cancelled")
        throw new UserError("这个活动已经取消，不再招募志愿者。", "note");
      if (now >= a.endsAt) throw new UserError("这个活动已经结束，不能再报名做志愿者。", "note");
      const dup = t
        .select({ id: volunteerSignups.id })
        .from(volunteerSignups)
        .where(
          and(
            eq(volunteerSignups.userId, actor.id),
            eq(volunteerSignups.activityId, a.id),
            sql`${volunteerSignups.status} <> 'cancelled'`,
          ),
        )
        .get();
      if (dup) throw new UserError(TWICE_ACTIVITY, "note");
      return t
        .insert(volunteerSignups)
        .values({
          userId: actor.id,
          academyId: a.academyId,
          activityId: a.id,
          note: input.note,
          status: "applied",
          createdAt: now,
        })
        .returning()
        .get();
    });
  } catch (e) {
    if (isUnique(e)) throw new UserError(TWICE_ACTIVITY, "note");
    throw e;
  }
}

/** The person's live volunteer signup for an activity (for the activity page), or null. */
export function myActivityVolunteering(conn: Conn, actor: Actor | null, activityId: number) {
  if (!actor) return null;
  return (
    conn
      .select({ id: volunteerSignups.id, status: volunteerSignups.status })
      .from(volunteerSignups)
      .where(
        and(
          eq(volunteerSignups.userId, actor.id),
          eq(volunteerSignups.activityId, activityId),
          sql`${volunteerSignups.status} <> 'cancelled'`,
        ),
      )
      .get() ?? null
  );
}

export function cancelVolunteering(db: DB, actor: Actor, signupId: number) {
  return tx(db, (t) => {
    const s = t
      .select()
      .from(volunteerSignups)
      .where(and(eq(volunteerSignups.id, signupId), eq(volunteerSignups.userId, actor.id)))
      .get();
    if (!s || s.status === "cancelled") notFound("没有找到这条志愿者报名。");
    t.update(volunteerSignups)
      .set({ status: "cancelled" })
      .where(eq(volunteerSignups.id, signupId))
      .run();
  });
}

function requireSignup(conn: Conn, actor: Actor, signupId: number) {
  const s = conn.select().from(volunteerSignups).where(eq(volunteerSignups.id, signupId)).get();
  if (!s) notFound("没有找到这条志愿者报名。");
  assertManages(actor, s.academyId);
  return s;
}

/** The manager confirms a volunteer (已确认); the volunteer is told. */
export function confirmVolunteer(db: DB, actor: Actor, signupId: number, ip: string | null) {
  return tx(db, (t) => {
    const s = requireSignup(t, actor, signupId);
    if (s.status !== "applied")
      throw new UserError(s.status === "active" ? "已经确认过了。" : "这条报名已取消。");
    t.update(volunteerSignups)
      .set({ status: "active" })
      .where(eq(volunteerSignups.id, signupId))
      .run();
    const u = t.select({ name: users.name }).from(users).where(eq(users.id, s.userId)).get();
    writeAudit(t, actor.id, ip, {
      action: "volunteer.confirm",
      targetType: "volunteer_signup",
      targetId: signupId,
      summary: `确认志愿者 ${u?.name ?? ""}`,
    });
    notify(t, s.userId, {
      title: "您的志愿者报名已确认",
      body: "服务后，书院会为您记录志愿服务时长。",
      link: "/me",
    });
  });
}

/** Records confirmed service hours for a confirmed volunteer (audited; the volunteer is told). */
export function recordVolunteerHours(
  db: DB,
  actor: Actor,
  signupId: number,
  raw: unknown,
  ip: string | null,
  now = Date.now(),
) {
  const input = parseInput(hoursInput, raw);
  if (!isValidDate(input.serviceDate)) throw new UserError("请选择一个有效的日期。", "serviceDate");
  if (input.serviceDate > todayLocal(now))
    throw new UserError("服务日期不能晚于今天。", "serviceDate");
  const minutes = Math.round(input.hours * 60);
  if (minutes < 1) throw new UserError("服务时长须大于 0。", "hours");
  return tx(db, (t) => {
    const s = requireSignup(t, actor, signupId);
    if (s.status !== "active") throw new UserError("请先确认这位志愿者，再记录时长。", "hours");
    const row = t
      .insert(volunteerHours)
      .values({
        signupId,
        userId: s.userId,
        serviceDate: input.serviceDate,
        minutes,
        note: input.note,
        confirmedBy: actor.id,
        confirmedAt: now,
      })
      .returning()
      .get();
    const u = t.select({ name: users.name }).from(users).where(eq(users.id, s.userId)).get();
    writeAudit(t, actor.id, ip, {
      action: "volunteer.hours",
      targetType: "volunteer_signup",
      targetId: signupId,
      summary: `记录 ${u?.name ?? ""} ${input.serviceDate} 志愿服务 ${input.hours} 小时${input.note ? `（${input.note}）` : ""}`,
      detail: { minutes },
    });
    notify(t, s.userId, {
      title: `已为您记录志愿服务 ${input.hours} 小时`,
      body: `服务日期：${input.serviceDate}。${input.note}`,
      link: "/me",
    });
    return row;
  });
}

/** /manage/:academy/volunteers. */
export function listAcademyVolunteers(db: DB, actor: Actor, academyId: number) {
  assertManages(actor, academyId);
  return db
    .select({
      id: volunteerSignups.id,
      status: volunteerSignups.status,
      note: volunteerSignups.note,
      createdAt: volunteerSignups.createdAt,
      name: users.name,
      organisationName: organisations.name,
      activityId: volunteerSignups.activityId,
      activityTitle: activities.title,
      minutes: sql<number>`(SELECT coalesce(sum(h.minutes), 0) FROM volunteer_hours h WHERE h.signup_id = ${volunteerSignups.id})`,
    })
    .from(volunteerSignups)
    .innerJoin(users, eq(users.id, volunteerSignups.userId))
    .leftJoin(organisations, eq(organisations.id, volunteerSignups.organisationId))
    .leftJoin(activities, eq(activities.id, volunteerSignups.activityId))
    .where(
      and(
        eq(volunteerSignups.academyId, academyId),
        sql`${volunteerSignups.status} <> 'cancelled'`,
      ),
    )
    .orderBy(sql`${volunteerSignups.status} = 'applied' DESC`, desc(volunteerSignups.id))
    .limit(300)
    .all();
}

/** The person's own signups and confirmed services (for /me and the 志愿服务证明). */
export function myVolunteering(db: DB, actor: Actor) {
  const signups = db
    .select({
      id: volunteerSignups.id,
      status: volunteerSignups.status,
      organisationId: volunteerSignups.organisationId,
      organisationName: organisations.name,
      activityId: volunteerSignups.activityId,
      activityTitle: activities.title,
    })
    .from(volunteerSignups)
    .leftJoin(organisations, eq(organisations.id, volunteerSignups.organisationId))
    .leftJoin(activities, eq(activities.id, volunteerSignups.activityId))
    .where(
      and(eq(volunteerSignups.userId, actor.id), sql`${volunteerSignups.status} <> 'cancelled'`),
    )
    .orderBy(desc(volunteerSignups.id))
    .all();
  const services = db
    .select({
      id: volunteerHours.id,
      serviceDate: volunteerHours.serviceDate,
      minutes: volunteerHours.minutes,
      note: volunteerHours.note,
      organisationName: organisations.name,
      activityTitle: activities.title,
    })
    .from(volunteerHours)
    .innerJoin(volunteerSignups, eq(volunteerSignups.id, volunteerHours.signupId))
    .leftJoin(organisations, eq(organisations.id, volunteerSignups.organisationId))
    .leftJoin(activities, eq(activities.id, volunteerSignups.activityId))
    .where(eq(volunteerHours.userId, actor.id))
    .orderBy(desc(volunteerHours.serviceDate))
    .limit(100)
    .all();
  return { signups, services };
}
