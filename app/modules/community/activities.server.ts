/**
 * Activities (群众性活动): a manager creates one-off or repeating activities in a room or an
 * outdoor place, edits or cancels them (participants told in 消息), records the headcount after an
 * open event, ticks the registration list, and writes a short report with photos afterwards.
 * Every write is one immediate transaction with its audit row; a refused input leaves nothing.
 * Seats go through the enrolment module (`activities-registration.server.ts`); rooms are shared
 * with class sessions through scheduling's clash check (`assertNoClash`).
 */
import { and, eq, gte, inArray, sql } from "drizzle-orm";
import type { Conn, DB } from "@db/client";
import {
  activities,
  activityAttendance,
  activityPhotos,
  activityRegistrations,
  activitySeries,
  organisations,
  rooms,
} from "@db/schema";
import { writeAudit } from "~/modules/auth/audit.server";
import { canManageAcademy, type Actor } from "~/modules/auth/permissions";
import { renderDocHtml, validateDoc } from "~/modules/catalog/richtext.server";
import { isPublicImage } from "~/modules/catalog/resources.server";
import { activeUserIdsOf, confirmedCountOf, describePerson, promoteQueue } from "~/modules/enrollment/seats.server";
import { closedDatesMap } from "~/modules/scheduling/calendar.server";
import { assertNoClash, formatSlot } from "~/modules/scheduling/conflicts.server";
import { notify, notifyMany } from "~/modules/auth/notifications.server";
import { expandRecurrence } from "~/modules/scheduling/recurrence";
import { localParts, minutesOf, wallToUtc } from "~/utils/time";
import { assertAcademyNotClosed, auditOutsideHours, checkOpeningHours } from "~/modules/org/opening-hours.server";
import { UserError } from "~/utils/errors";
import { forbidden, notFound } from "~/utils/http";
import {
  HEADCOUNT_CONFIRM_FACTOR,
  type CreateActivityInput,
  type UpdateActivityInput,
} from "./activities";

export type Activity = typeof activities.$inferSelect;

export const NOT_YOUR_ACTIVITY = "您不是这所书院的管理员，不能操作它的活动。";

function localColumns(startsAt: number) {
  const p = localParts(startsAt);
  return { localDate: p.date, weekday: p.weekday, startMinute: p.minute };
}

/** The activity, for a manager of its academy (403 otherwise, 404 when missing). */
export function loadManagedActivity(conn: Conn, actor: Actor, activityId: number, academyId?: number) {
  const a = conn.select().from(activities).where(eq(activities.id, activityId)).get();
  if (!a || (academyId != null && a.academyId !== academyId)) notFound("没有找到这个活动。");
  if (!canManageAcademy(actor, a.academyId)) forbidden(NOT_YOUR_ACTIVITY);
  return a;
}

type Fields = Pick<
  CreateActivityInput,
  "title" | "type" | "description" | "audience" | "organisationId" | "roomId" | "place" | "registration" | "capacity"
>;

/** Room/place, organiser and registration rules; returns the columns to write. */
function checkFields(tx: Conn, academyId: number, input: Fields) {
  let roomId: number | null = null;
  let place = input.place;
  if (input.roomId) {
    const room = tx.select().from(rooms).where(eq(rooms.id, input.roomId)).get();
    if (!room || room.academyId !== academyId) throw new UserError("请选择本书院的教室。", "roomId");
    if (room.archivedAt != null) throw new UserError(`教室「${room.name}」已停用，请换一个。`, "roomId");
    roomId = room.id;
    place = "";
  } else if (!place) {
    throw new UserError("请选择教室，或填写室外的活动地点。", "place");
  }
  let organisationId: number | null = null;
  if (input.organisationId) {
    const org = tx.select().from(organisations).where(eq(organisations.id, input.organisationId)).get();
    if (!org || org.academyId !== academyId)
      throw new UserError("只能选择本书院孵化的居民组织。", "organisationId");
    if (org.stage === "dissolved") throw new UserError(`「${org.name}」已经注销，不能再组织活动。`, "organisationId");
    organisationId = org.id;
  }
  if (input.registration && !input.capacity)
    throw new UserError("需要报名的活动请填写名额。", "capacity");
  return {
    title: input.title,
    type: input.type,
    description: input.description,
    audience: input.audience,
    organisationId,
    roomId,
    place,
    registration: input.registration,
    capacity: input.registration ? input.capacity! : null,
  };
}

function checkTimes(startTime: string, endTime: string) {
  if (minutesOf(endTime) <= minutesOf(startTime)) throw new UserError("结束时间必须晚于开始时间。", "endTime");
}

/**
 * 新建活动: one date, or a weekly series (chosen weekdays for N weeks or until a date, skipping
 * holidays and closed days). All dates are checked for the past and for room clashes with class
 * sessions and other activities inside the one transaction: one clash leaves nothing behind.
 */
export function createActivity(
  db: DB,
  actor: Actor,
  academyId: number,
  input: CreateActivityInput,
  ip: string | null = null,
  now = Date.now(),
) {
  if (!canManageAcademy(actor, academyId)) forbidden(NOT_YOUR_ACTIVITY);
  checkTimes(input.startTime, input.endTime);
  return db.transaction(
    (tx) => {
      assertAcademyNotClosed(tx, academyId, "办活动");
      const cols = checkFields(tx, academyId, input);
      let planned: { startsAt: number; endsAt: number }[];
      let seriesId: number | null = null;
      if (input.repeat) {
        const rec = {
          startDate: input.date,
          weekdays: input.weekdays ?? [],
          startTime: input.startTime,
          endTime: input.endTime,
          weeks: input.weeks ?? null,
          until: input.until ?? null,
        };
        const probe = expandRecurrence(rec);
        const result = expandRecurrence(rec, closedDatesMap(tx, academyId, input.date, probe.lastDate));
        if (result.sessions.length === 0)
          throw new UserError("所选日期范围内没有可办活动的日子（都是节假日、闭馆日或不在所选星期）。", "weekdays");
        planned = result.sessions;
        seriesId = tx
          .insert(activitySeries)
          .values({
            academyId,
            weekdays: [...new Set(rec.weekdays)].sort(),
            startTime: input.startTime,
            endTime: input.endTime,
            firstDate: result.sessions[0]!.date,
            lastDate: result.sessions[result.sessions.length - 1]!.date,
            createdBy: actor.id,
            createdAt: now,
          })
          .returning({ id: activitySeries.id })
          .get().id;
      } else {
        planned = [{ startsAt: wallToUtc(input.date, input.startTime), endsAt: wallToUtc(input.date, input.endTime) }];
      }
      const outside = checkOpeningHours(tx, {
        academyId,
        slots: planned,
        override: !!input.outsideHours,
        noun: "办活动",
        fields: { day: input.repeat ? "weekdays" : "date", time: "startTime" },
      });
      const ids: number[] = [];
      for (const p of planned) {
        if (p.startsAt <= now) throw new UserError(`${formatSlot(p)} 已经过去了，不能把活动排在过去的时间。`, "date");
        if (cols.roomId)
          assertNoClash(tx, { roomId: cols.roomId, teacherIds: [], startsAt: p.startsAt, endsAt: p.endsAt, academyId }, "date");
        ids.push(
          tx
            .insert(activities)
            .values({
              academyId,
              seriesId,
              ...cols,
              startsAt: p.startsAt,
              endsAt: p.endsAt,
              ...localColumns(p.startsAt),
              createdBy: actor.id,
              createdAt: now,
              updatedAt: now,
            })
            .returning({ id: activities.id })
            .get().id,
        );
      }
      writeAudit(tx, actor.id, ip, {
        action: "activity.create",
        targetType: "activity",
        targetId: ids[0],
        summary: `新建活动「${cols.title}」${ids.length > 1 ? `（每周重复，共 ${ids.length} 场）` : ""}`,
        detail: { academyId, ids, seriesId },
      });
      auditOutsideHours(tx, actor, ip, { academyId, targetType: "activity", targetId: ids[0]!, what: `活动「${cols.title}」`, outside });
      return { ids, seriesId };
    },
    { behavior: "immediate" },
  );
}

/**
 * 修改活动 (one date). New times or room are checked for clashes (the activity itself excluded); a
 * capacity below the seats already confirmed is refused; a larger one promotes the waitlist.
 * Registered people are told in 消息 when the time or place changed.
 */
export function updateActivity(
  db: DB,
  actor: Actor,
  activityId: number,
  input: UpdateActivityInput,
  ip: string | null = null,
  now = Date.now(),
) {
  checkTimes(input.startTime, input.endTime);
  return db.transaction(
    (tx) => {
      const a = loadManagedActivity(tx, actor, activityId);
      if (a.status === "cancelled") throw new UserError("这个活动已经取消，不能再修改。");
      const cols = checkFields(tx, a.academyId, input);
      const startsAt = wallToUtc(input.date, input.startTime);
      const endsAt = wallToUtc(input.date, input.endTime);
      const moved = startsAt !== a.startsAt || endsAt !== a.endsAt;
      if (moved && startsAt <= now) throw new UserError(`${formatSlot({ startsAt, endsAt })} 已经过去了，不能把活动改到过去的时间。`, "date");
      // A time that was allowed before stays allowed; a new time is checked against the hours.
      const outside = moved
        ? checkOpeningHours(tx, { academyId: a.academyId, slots: [{ startsAt, endsAt }], override: !!input.outsideHours, noun: "办活动", fields: { day: "date", time: "startTime" } })
        : [];
      if (cols.roomId && (moved || cols.roomId !== a.roomId))
        assertNoClash(tx, { roomId: cols.roomId, teacherIds: [], startsAt, endsAt, academyId: a.academyId, excludeActivityIds: [a.id] }, "date");
      const target = { kind: "activity" as const, id: a.id };
      const confirmed = confirmedCountOf(tx, target);
      const active = tx
        .select({ n: sql<number>`count(*)` })
        .from(activityRegistrations)
        .where(and(eq(activityRegistrations.activityId, a.id), inArray(activityRegistrations.status, ["confirmed", "waitlisted"])))
        .get()!.n;
      if (!cols.registration && active > 0)
        throw new UserError(`已有 ${active} 人报名或候补，不能改成无需报名。可以取消活动，或保留报名。`, "registration");
      if (cols.registration && cols.capacity! < confirmed)
        throw new UserError(`已有 ${confirmed} 人报名成功，名额不能少于 ${confirmed}。`, "capacity");
      const who = activeUserIdsOf(tx, target);
      tx.update(activities)
        .set({ ...cols, startsAt, endsAt, ...localColumns(startsAt), updatedAt: now })
        .where(eq(activities.id, a.id))
        .run();
      promoteQueue(tx, target, now, (row) => tellPromoted(tx, row, { ...a, ...cols }));
      const placeChanged = cols.roomId !== a.roomId || cols.place !== a.place;
      if (moved || placeChanged) {
        notifyMany(tx, who, {
          title: `活动变更：「${cols.title}」`,
          body: `您报名的活动「${cols.title}」改为 ${formatSlot({ startsAt, endsAt })}${placeChanged ? "，地点也有变化" : ""}。详情请看活动页面；如不能参加，请取消报名，把名额让给别人。`,
          link: `/activities/${a.id}`,
        });
      }
      writeAudit(tx, actor.id, ip, {
        action: "activity.update",
        targetType: "activity",
        targetId: a.id,
        summary: `修改活动「${cols.title}」`,
        detail: { moved, placeChanged },
      });
      auditOutsideHours(tx, actor, ip, { academyId: a.academyId, targetType: "activity", targetId: a.id, what: `活动「${cols.title}」`, outside });
      return { id: a.id, notified: moved || placeChanged ? who.length : 0 };
    },
    { behavior: "immediate" },
  );
}

function tellPromoted(tx: Conn, row: { userId: number | null; familyMemberId: number | null; walkinName: string | null }, a: Pick<Activity, "id" | "title">) {
  const who = describePerson(tx, row);
  notify(tx, row.userId!, {
    title: `候补转正：「${a.title}」`,
    body: `${who.forWhom}活动「${a.title}」有了空位，已从候补转为正式报名。如不能参加，请尽早取消，把名额让给下一位。`,
    link: `/activities/${a.id}`,
  });
}

/** 取消活动 (this date, or this and the later dates of its series), with a reason everyone is told. */
export function cancelActivity(
  db: DB,
  actor: Actor,
  activityId: number,
  input: { reason: string; scope: "this" | "rest" },
  ip: string | null = null,
  now = Date.now(),
) {
  return db.transaction(
    (tx) => {
      const a = loadManagedActivity(tx, actor, activityId);
      if (a.status === "cancelled") throw new UserError("这个活动已经取消了。");
      const reason = input.reason.trim();
      if (!reason) throw new UserError("请写明取消原因，报名的居民会收到它。", "reason");
      const list =
        input.scope === "rest" && a.seriesId != null
          ? tx
              .select()
              .from(activities)
              .where(and(eq(activities.seriesId, a.seriesId), gte(activities.startsAt, a.startsAt), eq(activities.status, "scheduled")))
              .all()
          : [a];
      let told = 0;
      for (const x of list) {
        const who = activeUserIdsOf(tx, { kind: "activity", id: x.id });
        tx.update(activities).set({ status: "cancelled", cancelReason: reason, updatedAt: now }).where(eq(activities.id, x.id)).run();
        notifyMany(tx, who, {
          title: `活动取消：「${x.title}」`,
          body: `您报名的活动「${x.title}」（${formatSlot(x)}）已取消。原因：${reason}`,
          link: `/activities/${x.id}`,
        });
        told += who.length;
      }
      writeAudit(tx, actor.id, ip, {
        action: "activity.cancel",
        targetType: "activity",
        targetId: a.id,
        summary: `取消活动「${a.title}」${list.length > 1 ? `及之后的 ${list.length - 1} 场` : ""}：${reason}`,
        detail: { ids: list.map((x) => x.id) },
      });
      return { cancelled: list.length, notified: told };
    },
    { behavior: "immediate" },
  );
}

/** The venue capacity a headcount is compared with: the room's, else the registration capacity. */
export function venueCapacity(conn: Conn, a: Pick<Activity, "roomId" | "capacity">) {
  if (a.roomId != null) return conn.select({ c: rooms.capacity }).from(rooms).where(eq(rooms.id, a.roomId)).get()?.c ?? null;
  return a.capacity ?? null;
}

/**
 * 登记现场人数 after (or during) an activity: the total number of people counted at the event,
 * including those who checked in (participations count each person once: see
 * `countParticipations`). Negative is refused; above 10× the venue's capacity needs `confirmLarge`.
 */
export function recordHeadcount(
  db: DB,
  actor: Actor,
  activityId: number,
  input: { headcount: number; confirmLarge: boolean },
  ip: string | null = null,
  now = Date.now(),
) {
  if (!Number.isInteger(input.headcount) || input.headcount < 0)
    throw new UserError("现场人数不能是负数。", "headcount");
  return db.transaction(
    (tx) => {
      const a = loadManagedActivity(tx, actor, activityId);
      if (a.status === "cancelled") throw new UserError("这个活动已经取消，不能登记人数。", "headcount");
      if (now < a.startsAt) throw new UserError("活动开始以后才能登记现场人数。", "headcount");
      const cap = venueCapacity(tx, a);
      if (cap != null && input.headcount > cap * HEADCOUNT_CONFIRM_FACTOR && !input.confirmLarge) {
        throw new UserError(
          `现场人数 ${input.headcount} 超过了场地容量（${cap} 人）的 ${HEADCOUNT_CONFIRM_FACTOR} 倍，请再核对一下；确认无误请勾选“人数无误”后再保存。`,
          "confirmLarge",
        );
      }
      tx.update(activities)
        .set({ headcount: input.headcount, headcountAt: now, headcountBy: actor.id, updatedAt: now })
        .where(eq(activities.id, a.id))
        .run();
      writeAudit(tx, actor.id, ip, {
        action: "activity.headcount",
        targetType: "activity",
        targetId: a.id,
        summary: `登记活动「${a.title}」现场人数 ${input.headcount}${a.headcount != null ? `（原为 ${a.headcount}）` : ""}`,
      });
      return { headcount: input.headcount };
    },
    { behavior: "immediate" },
  );
}

/**
 * 名单出勤: the manager ticks who of the registered (confirmed) people came. Ticked → present
 * (method roster, unless they already checked in by QR); unticked → absent, except people who
 * checked in themselves (a scan is never undone by an untick).
 */
export function markActivityAttendance(
  db: DB,
  actor: Actor,
  activityId: number,
  presentRegistrationIds: number[],
  ip: string | null = null,
  now = Date.now(),
) {
  return db.transaction(
    (tx) => {
      const a = loadManagedActivity(tx, actor, activityId);
      if (!a.registration) throw new UserError("这个活动不需要报名，请登记现场人数。");
      if (now < a.startsAt - 30 * 60_000) throw new UserError("活动开始前 30 分钟起才能点名。");
      const regs = tx
        .select({ id: activityRegistrations.id, userId: activityRegistrations.userId, familyMemberId: activityRegistrations.familyMemberId })
        .from(activityRegistrations)
        .where(and(eq(activityRegistrations.activityId, a.id), eq(activityRegistrations.status, "confirmed")))
        .all();
      const wanted = new Set(presentRegistrationIds);
      for (const id of wanted) if (!regs.some((r) => r.id === id)) throw new UserError("名单里没有这个人。", "registrationId");
      const marks = new Map(
        tx
          .select()
          .from(activityAttendance)
          .where(and(eq(activityAttendance.activityId, a.id), sql`${activityAttendance.registrationId} IS NOT NULL`))
          .all()
          .map((m) => [m.registrationId!, m]),
      );
      let present = 0;
      for (const r of regs) {
        const m = marks.get(r.id);
        const want = wanted.has(r.id);
        if (want) present++;
        if (m?.method === "qr" && m.present) continue;
        if (m) {
          if (m.present !== want)
            tx.update(activityAttendance).set({ present: want, method: "roster", markedBy: actor.id, markedAt: now }).where(eq(activityAttendance.id, m.id)).run();
        } else {
          tx.insert(activityAttendance)
            .values({ activityId: a.id, registrationId: r.id, userId: r.userId, familyMemberId: r.familyMemberId, present: want, method: "roster", markedBy: actor.id, markedAt: now })
            .run();
        }
      }
      writeAudit(tx, actor.id, ip, {
        action: "activity.attendance",
        targetType: "activity",
        targetId: a.id,
        summary: `活动「${a.title}」点名：${present}/${regs.length} 人到场`,
      });
      return { present, of: regs.length };
    },
    { behavior: "immediate" },
  );
}

/** 活动报道: a short tiptap report (catalog's format) and photos from the resource store (public images). */
export function saveActivityReport(
  db: DB,
  actor: Actor,
  activityId: number,
  input: { report: string; photoIds: number[] },
  ip: string | null = null,
  now = Date.now(),
) {
  let doc: unknown = null;
  let html = "";
  if (input.report.trim()) {
    const v = validateDoc(input.report);
    if (!v.ok) throw new UserError(v.message, "report");
    doc = v.doc;
    html = renderDocHtml(v.doc);
  }
  const photoIds = [...new Set(input.photoIds)];
  return db.transaction(
    (tx) => {
      const a = loadManagedActivity(tx, actor, activityId);
      if (now < a.startsAt) throw new UserError("活动开始以后才能写活动报道。", "report");
      for (const id of photoIds) if (!isPublicImage(tx, id)) throw new UserError("只能选择资源库里公开的图片。", "photoIds");
      tx.update(activities).set({ report: doc, reportHtml: html, reportUpdatedAt: now, updatedAt: now }).where(eq(activities.id, a.id)).run();
      tx.delete(activityPhotos).where(eq(activityPhotos.activityId, a.id)).run();
      photoIds.forEach((resourceId, i) => tx.insert(activityPhotos).values({ activityId: a.id, resourceId, sortOrder: i }).run());
      writeAudit(tx, actor.id, ip, {
        action: "activity.report",
        targetType: "activity",
        targetId: a.id,
        summary: `更新活动「${a.title}」的报道（${photoIds.length} 张照片）`,
      });
      return { id: a.id };
    },
    { behavior: "immediate" },
  );
}
