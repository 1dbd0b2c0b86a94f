/**
 * 开课 and 课次: create a run (pinning a course version) with a whole recurrence in one immediate
 * transaction, edit its settings, move / cancel / add sessions, and move it through its states.
 * Room and teacher clashes are checked inside the same transaction as the write.
 */
import { and, asc, eq, gt, inArray, sql } from "drizzle-orm";
import type { Conn, DB, Tx } from "@db/client";
import { academies, classRuns, classSessions, courseOrders, rooms, runTeachers, type RunStatus } from "@db/schema";
import { writeAudit } from "~/modules/auth/audit.server";
import type { Actor } from "~/modules/auth/permissions";
import { UserError } from "~/utils/errors";
import { notFound } from "~/utils/http";
import { assertAcademyNotClosed, auditOutsideHours, checkOpeningHours } from "~/modules/org/opening-hours.server";
import { assertManagesAcademy } from "./access.server";
import { closedDatesMap } from "./calendar.server";
import { findTeachersFor, getCourseForScheduling, getPinnedVersion, getTeachersByIds } from "~/modules/catalog/read.server";
import { assertNoClash, formatSlot } from "./conflicts.server";
import { notifyMany } from "~/modules/auth/notifications.server";
import { afterRunSettingsChanged, listRunParticipantUserIds } from "./participants.server";
import { expandRecurrence, type RecurrenceInput } from "./recurrence";
import type { CreateRunInput, RunSettings, SessionSlotInput } from "./runs";
import { assertRunMove, RUN_STATUS_LABELS } from "./states";
import { localParts, wallToUtc, isValidDate, isValidTime, minutesOf } from "~/utils/time";

export type Run = typeof classRuns.$inferSelect;

/** Where an opening-hours refusal is shown: the weekday picker / date, and the start time. */
const RECURRENCE_FIELDS = { day: "weekdays", time: "startTime" };
const SLOT_FIELDS = { day: "date", time: "startTime" };

/** The derived Asia/Shanghai columns of a session. */
export function sessionLocalColumns(startsAt: number) {
  const p = localParts(startsAt);
  return { localDate: p.date, weekday: p.weekday, startMinute: p.minute };
}

function loadRun(conn: Conn, actor: Actor, runId: number) {
  const run = conn.select().from(classRuns).where(eq(classRuns.id, runId)).get();
  if (!run) notFound("没有这个班。");
  assertManagesAcademy(actor, run.academyId);
  return run;
}

function assertEditable(run: Run) {
  if (run.status === "cancelled" || run.status === "finished") {
    throw new UserError(`这个班${RUN_STATUS_LABELS[run.status]}，不能再修改。`);
  }
}

function loadRoom(conn: Conn, academyId: number, roomId: number) {
  const room = conn.select().from(rooms).where(eq(rooms.id, roomId)).get();
  if (!room || room.academyId !== academyId) throw new UserError("请选择本书院的教室。", "roomId");
  if (room.archivedAt) throw new UserError(`教室「${room.name}」已停用，请换一个教室。`, "roomId");
  return room;
}

/** Checks the settings shared by create and update; returns the room. */
function checkSettings(conn: Conn, academyId: number, s: RunSettings) {
  const room = loadRoom(conn, academyId, s.roomId);
  if (s.capacity > room.capacity && !s.overflowConfirmed) {
    throw new UserError(
      `教室「${room.name}」只能坐 ${room.capacity} 人。如果确实要加座，请勾选“确认超出教室容量（加座）”。`,
      "capacity",
    );
  }
  if (s.minAge != null && s.maxAge != null && s.minAge > s.maxAge) throw new UserError("最小年龄不能大于最大年龄。", "maxAge");
  if (s.enrolOpensAt != null && s.enrolClosesAt != null && s.enrolOpensAt >= s.enrolClosesAt) {
    throw new UserError("报名截止时间必须晚于报名开始时间。", "enrolClosesAt");
  }
  if (s.teacherIds.length === 0 && !s.guestTeacher) {
    throw new UserError("请选择授课教师，或填写本书院自己的讲师姓名。", "teacherIds");
  }
  return room;
}

/** The pool teachers a run may have: those the pool lists for the course and district, plus the order's. */
function checkTeachers(conn: Conn, input: { courseId: number; districtId: number; teacherIds: number[]; orderTeacherId?: number | null }) {
  const allowed = new Set(findTeachersFor(conn, { courseId: input.courseId, districtId: input.districtId }).map((t) => t.id));
  if (input.orderTeacherId) allowed.add(input.orderTeacherId);
  for (const id of input.teacherIds) {
    if (!allowed.has(id)) throw new UserError("所选教师不在能教这门课、并到本区授课的师资库名单里。", "teacherIds");
  }
  return [...new Set(input.teacherIds)];
}

function runValues(s: RunSettings) {
  return {
    roomId: s.roomId,
    capacity: s.capacity,
    overflowConfirmed: s.overflowConfirmed,
    minAge: s.minAge ?? null,
    maxAge: s.maxAge ?? null,
    residentsFirst: s.residentsFirst,
    enrolOpensAt: s.enrolOpensAt ?? null,
    enrolClosesAt: s.enrolClosesAt ?? null,
    cancelDeadlineAt: s.cancelDeadlineAt ?? null,
    enrolMode: s.enrolMode,
    guestTeacher: s.guestTeacher,
    localNotes: s.localNotes,
    localResources: s.localResources,
  };
}

function runTeacherIds(conn: Conn, runId: number) {
  return conn
    .select({ id: runTeachers.teacherId })
    .from(runTeachers)
    .where(eq(runTeachers.runId, runId))
    .orderBy(asc(runTeachers.sortOrder))
    .all()
    .map((r) => r.id);
}

/**
 * Inserts planned sessions after checking each for the past and for clashes. Any failure throws
 * and the caller's transaction rolls back: a recurrence is created whole or not at all.
 */
function insertSessions(
  tx: Tx,
  run: { id: number; academyId: number },
  planned: { startsAt: number; endsAt: number }[],
  roomId: number,
  teacherIds: number[],
  now: number,
  field = "startDate",
) {
  const ids: number[] = [];
  for (const p of planned) {
    if (p.endsAt <= p.startsAt) throw new UserError("结束时间必须晚于开始时间。", "endTime");
    if (p.startsAt <= now) throw new UserError(`${formatSlot(p)} 已经过去了，不能把课排在过去的时间。`, field);
    assertNoClash(tx, { roomId, teacherIds, startsAt: p.startsAt, endsAt: p.endsAt, academyId: run.academyId }, field);
    const row = tx
      .insert(classSessions)
      .values({ runId: run.id, roomId, startsAt: p.startsAt, endsAt: p.endsAt, ...sessionLocalColumns(p.startsAt), createdAt: now, updatedAt: now })
      .returning({ id: classSessions.id })
      .get();
    ids.push(row.id);
  }
  return ids;
}

function expandFor(conn: Conn, academyId: number, r: RecurrenceInput) {
  // Closed dates are looked up over the whole possible span (≤ 52 weeks).
  const probe = expandRecurrence(r);
  const closed = closedDatesMap(conn, academyId, r.startDate, probe.lastDate);
  const result = expandRecurrence(r, closed);
  if (result.sessions.length === 0) {
    throw new UserError(
      result.skipped.length ? "所选日期都是节假日或闭馆日，没有可排的课次。" : "所选日期范围内没有所选的星期，请检查开始日期和周数。",
      "weekdays",
    );
  }
  return result;
}

/** Creates a run with its sessions. From an accepted order, the order's pinned version and teacher are used. */
export function createRun(db: DB, actor: Actor, academyId: number, input: Omit<CreateRunInput, "intent">, ip: string | null = null, now = Date.now()) {
  assertManagesAcademy(actor, academyId);
  return db.transaction(
    (tx) => {
      const academy = tx.select().from(academies).where(eq(academies.id, academyId)).get();
      if (!academy) notFound("没有找到这所书院。");
      assertAcademyNotClosed(tx, academyId, "开课");
      let courseId: number;
      let versionId: number;
      let orderTeacherId: number | null = null;
      if (input.orderId) {
        const order = tx.select().from(courseOrders).where(eq(courseOrders.id, input.orderId)).get();
        if (!order || order.academyId !== academyId) throw new UserError("没有找到本书院的这个点单。", "orderId");
        if (order.state !== "accepted") throw new UserError("只有已受理的点单才能开课。", "orderId");
        courseId = order.courseId;
        versionId = order.courseVersionId;
        orderTeacherId = order.teacherId;
        const course = getCourseForScheduling(tx, { id: courseId });
        if (course?.retired) throw new UserError("这门课程已经停用，不能再开课。", "courseId");
      } else {
        const course = getCourseForScheduling(tx, { id: input.courseId });
        if (!course) throw new UserError("没有找到这门课程。", "courseId");
        if (course.retired) throw new UserError(`「${course.title}」已经停用，不能开课。`, "courseId");
        if (!course.orderable) throw new UserError(`「${course.title}」还没有发布，不能开课。`, "courseId");
        const ownCommunity = course.sourceLevel === "community" && course.ownerType === "academy" && course.ownerId === academyId;
        if (course.sourceLevel === "community" && !ownCommunity) {
          throw new UserError("其他书院的社区特色课程不能直接开课。", "courseId");
        }
        if (!ownCommunity && input.teacherIds.length > 0) {
          throw new UserError("师资库教师需要通过点单由总部或区指导中心安排；不点单开课时，请填写本书院自己的讲师。", "teacherIds");
        }
        courseId = course.courseId;
        versionId = course.versionId;
      }
      const teacherIds = checkTeachers(tx, {
        courseId,
        districtId: academy.districtId,
        teacherIds: orderTeacherId && !input.teacherIds.includes(orderTeacherId) ? [orderTeacherId, ...input.teacherIds] : input.teacherIds,
        orderTeacherId,
      });
      checkSettings(tx, academyId, { ...input, teacherIds });
      const plan = expandFor(tx, academyId, input);
      const outside = checkOpeningHours(tx, { academyId, slots: plan.sessions, override: !!input.outsideHours, noun: "上课", fields: RECURRENCE_FIELDS });
      const run = tx
        .insert(classRuns)
        .values({
          ...runValues(input),
          academyId,
          courseId,
          courseVersionId: versionId,
          orderId: input.orderId ?? null,
          status: input.publish ? "open" : "draft",
          createdBy: actor.id,
          createdAt: now,
          updatedAt: now,
        })
        .returning()
        .get();
      teacherIds.forEach((teacherId, i) => tx.insert(runTeachers).values({ runId: run.id, teacherId, sortOrder: i }).run());
      insertSessions(tx, run, plan.sessions, input.roomId, teacherIds, now);
      if (input.orderId) {
        tx.update(courseOrders).set({ state: "scheduled", updatedAt: now }).where(eq(courseOrders.id, input.orderId)).run();
      }
      const title = getPinnedVersion(tx, versionId)?.title ?? "";
      writeAudit(tx, actor.id, ip, {
        action: "run.create",
        targetType: "run",
        targetId: run.id,
        summary: `${academy.name} 开课「${title}」${plan.sessions.length} 次课${input.publish ? "，开放报名" : "（草稿）"}`,
      });
      auditOutsideHours(tx, actor, ip, { academyId, targetType: "run", targetId: run.id, what: `「${title}」的课`, outside });
      return { run, sessions: plan.sessions.length, skipped: plan.skipped };
    },
    { behavior: "immediate" },
  );
}

/** Edits a run's settings; the pinned course version never changes. A new room or new teachers apply
 * to the upcoming sessions, checked for clashes. */
export function updateRun(db: DB, actor: Actor, runId: number, input: RunSettings, ip: string | null = null, now = Date.now()) {
  return db.transaction(
    (tx) => {
      const run = loadRun(tx, actor, runId);
      assertEditable(run);
      const academy = tx.select().from(academies).where(eq(academies.id, run.academyId)).get()!;
      const order = run.orderId ? tx.select().from(courseOrders).where(eq(courseOrders.id, run.orderId)).get() : null;
      const before = runTeacherIds(tx, run.id);
      // Teachers already on the run stay allowed even if the pool changed since.
      const allowedExtra = new Set([...before, ...(order?.teacherId ? [order.teacherId] : [])]);
      const fresh = input.teacherIds.filter((id) => !allowedExtra.has(id));
      const course = getCourseForScheduling(tx, { id: run.courseId });
      if (fresh.length && !run.orderId && !(course?.sourceLevel === "community" && course.ownerId === run.academyId)) {
        throw new UserError("师资库教师需要通过点单由总部或区指导中心安排；不点单开课时，请填写本书院自己的讲师。", "teacherIds");
      }
      checkTeachers(tx, { courseId: run.courseId, districtId: academy.districtId, teacherIds: fresh });
      const teacherIds = [...new Set(input.teacherIds)];
      checkSettings(tx, run.academyId, { ...input, teacherIds });
      tx.update(classRuns).set({ ...runValues(input), updatedAt: now }).where(eq(classRuns.id, run.id)).run();
      tx.delete(runTeachers).where(eq(runTeachers.runId, run.id)).run();
      teacherIds.forEach((teacherId, i) => tx.insert(runTeachers).values({ runId: run.id, teacherId, sortOrder: i }).run());
      const roomChanged = input.roomId !== run.roomId;
      const teachersAdded = teacherIds.some((id) => !before.includes(id));
      if (roomChanged || teachersAdded) {
        const upcoming = tx
          .select()
          .from(classSessions)
          .where(and(eq(classSessions.runId, run.id), eq(classSessions.status, "scheduled"), gt(classSessions.startsAt, now)))
          .orderBy(asc(classSessions.startsAt))
          .all();
        const moveIds = upcoming.filter((s) => roomChanged && s.roomId === run.roomId).map((s) => s.id);
        for (const s of upcoming) {
          const roomId = moveIds.includes(s.id) ? input.roomId : s.roomId;
          assertNoClash(
            tx,
            { roomId, teacherIds, startsAt: s.startsAt, endsAt: s.endsAt, academyId: run.academyId, excludeSessionIds: upcoming.map((u) => u.id) },
            roomChanged ? "roomId" : "teacherIds",
          );
        }
        if (moveIds.length) {
          tx.update(classSessions).set({ roomId: input.roomId, updatedAt: now }).where(inArray(classSessions.id, moveIds)).run();
          notifyMany(tx, listRunParticipantUserIds(tx, run.id), {
            title: `上课地点变更：「${getPinnedVersion(tx, run.courseVersionId)?.title ?? ""}」`,
            body: `之后的课改在「${tx.select({ name: rooms.name }).from(rooms).where(eq(rooms.id, input.roomId)).get()?.name}」上。`,
            link: `/classes/${run.id}`,
          });
        }
      }
      if (input.capacity !== run.capacity) afterRunSettingsChanged(tx, run.id, now);
      writeAudit(tx, actor.id, ip, { action: "run.update", targetType: "run", targetId: run.id, summary: `修改开课 #${run.id} 的设置` });
      return run;
    },
    { behavior: "immediate" },
  );
}

/** Adds a whole recurrence of sessions to a run, or none of them. */
export function addRecurrence(db: DB, actor: Actor, runId: number, r: RecurrenceInput, ip: string | null = null, now = Date.now()) {
  return db.transaction(
    (tx) => {
      const run = loadRun(tx, actor, runId);
      assertEditable(run);
      loadRoom(tx, run.academyId, run.roomId);
      assertAcademyNotClosed(tx, run.academyId, "加课");
      const plan = expandFor(tx, run.academyId, r);
      const outside = checkOpeningHours(tx, { academyId: run.academyId, slots: plan.sessions, override: !!r.outsideHours, noun: "上课", fields: RECURRENCE_FIELDS });
      insertSessions(tx, run, plan.sessions, run.roomId, runTeacherIds(tx, run.id), now);
      tx.update(classRuns).set({ updatedAt: now }).where(eq(classRuns.id, run.id)).run();
      writeAudit(tx, actor.id, ip, { action: "run.sessions.add", targetType: "run", targetId: run.id, summary: `开课 #${run.id} 增加 ${plan.sessions.length} 次课` });
      auditOutsideHours(tx, actor, ip, { academyId: run.academyId, targetType: "run", targetId: run.id, what: `开课 #${run.id} 增加的课`, outside });
      return { added: plan.sessions.length, skipped: plan.skipped };
    },
    { behavior: "immediate" },
  );
}

function slotOf(input: SessionSlotInput) {
  if (!isValidDate(input.date)) throw new UserError("请填写日期。", "date");
  if (!isValidTime(input.startTime)) throw new UserError("请按 时:分 填写开始时间。", "startTime");
  if (!isValidTime(input.endTime)) throw new UserError("请按 时:分 填写结束时间。", "endTime");
  if (minutesOf(input.endTime) <= minutesOf(input.startTime)) throw new UserError("结束时间必须晚于开始时间。", "endTime");
  return { startsAt: wallToUtc(input.date, input.startTime), endsAt: wallToUtc(input.date, input.endTime) };
}

function assertOpenDate(conn: Conn, academyId: number, date: string) {
  const reason = closedDatesMap(conn, academyId, date, date).get(date);
  if (reason !== undefined) throw new UserError(`${date} 是「${reason}」，书院不开课。`, "date");
}

/** Adds one extra session. */
export function addSession(db: DB, actor: Actor, runId: number, input: SessionSlotInput, ip: string | null = null, now = Date.now()) {
  return db.transaction(
    (tx) => {
      const run = loadRun(tx, actor, runId);
      assertEditable(run);
      const slot = slotOf(input);
      const roomId = input.roomId ?? run.roomId;
      loadRoom(tx, run.academyId, roomId);
      assertOpenDate(tx, run.academyId, input.date);
      assertAcademyNotClosed(tx, run.academyId, "加课", "date");
      const outside = checkOpeningHours(tx, { academyId: run.academyId, slots: [slot], override: !!input.outsideHours, noun: "上课", fields: SLOT_FIELDS });
      const [id] = insertSessions(tx, run, [slot], roomId, runTeacherIds(tx, run.id), now, "date");
      auditOutsideHours(tx, actor, ip, { academyId: run.academyId, targetType: "session", targetId: id!, what: `开课 #${run.id} 的加课`, outside });
      notifyMany(tx, listRunParticipantUserIds(tx, run.id), {
        title: `加课通知：「${getPinnedVersion(tx, run.courseVersionId)?.title ?? ""}」`,
        body: `新增一次课：${formatSlot(slot)}。`,
        link: `/classes/${run.id}`,
      });
      writeAudit(tx, actor.id, ip, { action: "session.add", targetType: "session", targetId: id, summary: `开课 #${run.id} 加课 ${formatSlot(slot)}` });
      return id!;
    },
    { behavior: "immediate" },
  );
}

function loadSession(conn: Conn, actor: Actor, sessionId: number) {
  const session = conn.select().from(classSessions).where(eq(classSessions.id, sessionId)).get();
  if (!session) notFound("没有这个课次。");
  const run = loadRun(conn, actor, session.runId);
  return { session, run };
}

/** Moves one session (time and/or room); enrolled residents get a 消息. */
export function moveSession(
  db: DB,
  actor: Actor,
  sessionId: number,
  input: SessionSlotInput & { note?: string },
  ip: string | null = null,
  now = Date.now(),
) {
  return db.transaction(
    (tx) => {
      const { session, run } = loadSession(tx, actor, sessionId);
      assertEditable(run);
      if (session.status === "cancelled") throw new UserError("这次课已经停课了，不能调整。");
      if (session.startsAt <= now) throw new UserError("已经开始或上过的课次不能调整。");
      const slot = slotOf(input);
      if (slot.startsAt <= now) throw new UserError("不能把课调到已经过去的时间。", "date");
      const roomId = input.roomId ?? session.roomId;
      loadRoom(tx, run.academyId, roomId);
      assertOpenDate(tx, run.academyId, input.date);
      const outside = checkOpeningHours(tx, { academyId: run.academyId, slots: [slot], override: !!input.outsideHours, noun: "上课", fields: SLOT_FIELDS });
      assertNoClash(tx, { roomId, teacherIds: runTeacherIds(tx, run.id), ...slot, academyId: run.academyId, excludeSessionIds: [session.id] }, "date");
      auditOutsideHours(tx, actor, ip, { academyId: run.academyId, targetType: "session", targetId: session.id, what: `开课 #${run.id} 的调课`, outside });
      tx.update(classSessions)
        .set({
          ...slot,
          ...sessionLocalColumns(slot.startsAt),
          roomId,
          movedFrom: session.movedFrom ?? session.startsAt,
          note: input.note ?? "",
          updatedAt: now,
        })
        .where(eq(classSessions.id, session.id))
        .run();
      const title = getPinnedVersion(tx, run.courseVersionId)?.title ?? "";
      const roomName = tx.select({ name: rooms.name }).from(rooms).where(eq(rooms.id, roomId)).get()?.name ?? "";
      notifyMany(tx, listRunParticipantUserIds(tx, run.id), {
        title: `调课通知：「${title}」`,
        body: `原定 ${formatSlot(session)} 的课改到 ${formatSlot(slot)}，地点：${roomName}。${input.note ? `说明：${input.note}` : ""}`,
        link: `/classes/${run.id}`,
      });
      writeAudit(tx, actor.id, ip, { action: "session.move", targetType: "session", targetId: session.id, summary: `「${title}」${formatSlot(session)} 调到 ${formatSlot(slot)}` });
    },
    { behavior: "immediate" },
  );
}

/** Cancels one session with a reason; enrolled residents get a 消息. */
export function cancelSession(db: DB, actor: Actor, sessionId: number, input: { reason: string }, ip: string | null = null, now = Date.now()) {
  const reason = input.reason.trim();
  if (!reason) throw new UserError("请写明停课原因，学员会收到它。", "reason");
  return db.transaction(
    (tx) => {
      const { session, run } = loadSession(tx, actor, sessionId);
      assertEditable(run);
      if (session.status === "cancelled") throw new UserError("这次课已经停课了。");
      if (session.endsAt <= now) throw new UserError("已经上过的课次不能停课。");
      tx.update(classSessions).set({ status: "cancelled", cancelReason: reason, updatedAt: now }).where(eq(classSessions.id, session.id)).run();
      const title = getPinnedVersion(tx, run.courseVersionId)?.title ?? "";
      notifyMany(tx, listRunParticipantUserIds(tx, run.id), {
        title: `停课通知：「${title}」`,
        body: `${formatSlot(session)} 的课停课。原因：${reason}`,
        link: `/classes/${run.id}`,
      });
      writeAudit(tx, actor.id, ip, { action: "session.cancel", targetType: "session", targetId: session.id, summary: `「${title}」${formatSlot(session)} 停课：${reason}` });
    },
    { behavior: "immediate" },
  );
}

/** draft → open → full/closed → finished, or cancelled with a reason (participants are told). */
export function setRunStatus(db: DB, actor: Actor, runId: number, input: { to: RunStatus; reason?: string }, ip: string | null = null, now = Date.now()) {
  return db.transaction(
    (tx) => {
      const run = loadRun(tx, actor, runId);
      assertRunMove(run.status, input.to);
      const reason = (input.reason ?? "").trim();
      if (input.to === "cancelled" && !reason) throw new UserError("请写明取消开课的原因，已报名的居民会收到它。", "reason");
      if (input.to === "open") {
        const upcoming = tx
          .select({ n: sql<number>`count(*)` })
          .from(classSessions)
          .where(and(eq(classSessions.runId, run.id), eq(classSessions.status, "scheduled"), gt(classSessions.startsAt, now)))
          .get()!.n;
        if (upcoming === 0) throw new UserError("这个班还没有未来的课次，请先排课再开放报名。");
      }
      tx.update(classRuns)
        .set({ status: input.to, cancelReason: input.to === "cancelled" ? reason : run.cancelReason, updatedAt: now })
        .where(eq(classRuns.id, run.id))
        .run();
      const title = getPinnedVersion(tx, run.courseVersionId)?.title ?? "";
      if (input.to === "cancelled") {
        notifyMany(tx, listRunParticipantUserIds(tx, run.id), {
          title: `取消开课：「${title}」`,
          body: `很抱歉，这个班取消了。原因：${reason}`,
          link: `/classes/${run.id}`,
        });
      }
      writeAudit(tx, actor.id, ip, {
        action: `run.${input.to}`,
        targetType: "run",
        targetId: run.id,
        summary: `「${title}」${RUN_STATUS_LABELS[run.status]} → ${RUN_STATUS_LABELS[input.to]}${reason ? `：${reason}` : ""}`,
      });
    },
    { behavior: "immediate" },
  );
}

/** A run with everything its editor shows; 403 for another academy's manager. */
export function getRunForEditor(db: DB, actor: Actor, runId: number) {
  const run = loadRun(db, actor, runId);
  const academy = db.select().from(academies).where(eq(academies.id, run.academyId)).get()!;
  const version = getPinnedVersion(db, run.courseVersionId)!;
  const teacherIds = runTeacherIds(db, run.id);
  const teacherList = getTeachersByIds(db, teacherIds);
  const sessions = db
    .select({ session: classSessions, roomName: rooms.name })
    .from(classSessions)
    .innerJoin(rooms, eq(rooms.id, classSessions.roomId))
    .where(eq(classSessions.runId, run.id))
    .orderBy(asc(classSessions.startsAt))
    .all()
    .map((r) => ({ ...r.session, roomName: r.roomName }));
  const order = run.orderId ? db.select().from(courseOrders).where(eq(courseOrders.id, run.orderId)).get() ?? null : null;
  const teacherChoices = findTeachersFor(db, { courseId: run.courseId, districtId: academy.districtId });
  for (const t of teacherList) if (!teacherChoices.some((c) => c.id === t.id)) teacherChoices.push(t);
  return {
    run,
    academy,
    version,
    teachers: teacherIds.map((id) => teacherList.find((t) => t.id === id)!).filter(Boolean),
    teacherChoices,
    sessions,
    order,
  };
}

/** What the "开新班" form needs: the course (from an accepted order or a code), rooms and teacher choices. */
export function newRunContext(db: DB, actor: Actor, academyId: number, input: { orderId?: number | null; code?: string | null }) {
  assertManagesAcademy(actor, academyId);
  const academy = db.select().from(academies).where(eq(academies.id, academyId)).get();
  if (!academy) notFound("没有找到这所书院。");
  const roomList = db.select().from(rooms).where(and(eq(rooms.academyId, academyId), sql`${rooms.archivedAt} is null`)).orderBy(asc(rooms.name)).all();
  if (input.orderId) {
    const order = db.select().from(courseOrders).where(eq(courseOrders.id, input.orderId)).get();
    if (!order || order.academyId !== academyId) notFound("没有找到本书院的这个点单。");
    const version = getPinnedVersion(db, order.courseVersionId)!;
    const choices = findTeachersFor(db, { courseId: order.courseId, districtId: academy.districtId });
    if (order.teacherId && !choices.some((t) => t.id === order.teacherId)) choices.unshift(...getTeachersByIds(db, [order.teacherId]));
    return {
      rooms: roomList,
      order: { id: order.id, state: order.state, teacherId: order.teacherId, term: order.term, preferredWeekdays: order.preferredWeekdays },
      course: { courseId: order.courseId, code: version.code, title: version.title, versionNo: version.versionNo, sessions: version.sessions, minutesPerSession: version.minutesPerSession, categoryName: version.categoryName },
      poolAllowed: true,
      teacherChoices: choices,
    };
  }
  if (input.code) {
    const course = getCourseForScheduling(db, { code: input.code });
    if (!course) notFound("没有找到这门课程。");
    const ownCommunity = course.sourceLevel === "community" && course.ownerType === "academy" && course.ownerId === academyId;
    return {
      rooms: roomList,
      order: null,
      course: { courseId: course.courseId, code: course.code, title: course.title, versionNo: course.versionNo, sessions: course.sessions, minutesPerSession: course.minutesPerSession, categoryName: course.categoryName, retired: course.retired, orderable: course.orderable, sourceLevel: course.sourceLevel },
      poolAllowed: ownCommunity,
      teacherChoices: ownCommunity ? findTeachersFor(db, { courseId: course.courseId, districtId: academy.districtId }) : [],
    };
  }
  const accepted = db
    .select({ id: courseOrders.id, versionId: courseOrders.courseVersionId, term: courseOrders.term })
    .from(courseOrders)
    .where(and(eq(courseOrders.academyId, academyId), eq(courseOrders.state, "accepted")))
    .all()
    .map((o) => ({ ...o, title: getPinnedVersion(db, o.versionId)?.title ?? "" }));
  return { rooms: roomList, order: null, course: null, poolAllowed: false, teacherChoices: [], acceptedOrders: accepted };
}
