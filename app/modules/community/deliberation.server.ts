/**
 * 群众议事: topics raised by residents (the manager accepts them or closes them with a reason) or
 * by the manager; public or internal per topic. Meetings (议事会, 听证会, 协调会, 评议会) have a time,
 * a room or place, invited and present participants, and minutes in the courses' tiptap format.
 * Closing a meeting freezes its minutes; later changes are dated addenda. Decisions produce
 * follow-up tasks with an owner, a due date and a status until done. Every manager write is audited
 * in its transaction; invitees get a 消息 notice.
 */
import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import type { Conn, DB } from "@db/client";
import {
  academies,
  meetingAddenda,
  meetingParticipants,
  meetings,
  rooms,
  topics,
  topicTasks,
  users,
} from "@db/schema";
import { writeAudit } from "~/modules/auth/audit.server";
import { canManageAcademy, type Actor } from "~/modules/auth/permissions";
import { renderDocHtml, validateDoc } from "~/modules/catalog/richtext.server";
import { docToPlainText, emptyDoc, type RichDoc } from "~/modules/catalog/richtext";
import { maskName } from "~/modules/learning/evaluation.server";
import { notify, notifyMany } from "~/modules/auth/notifications.server";
import { isValidDate, todayLocal, wallToUtc } from "~/utils/time";
import { formatDateTime } from "~/utils/dates";
import { UserError, parseInput } from "~/utils/errors";
import { forbidden, notFound } from "~/utils/http";
import {
  closeTopicInput,
  managerTopicInput,
  MEETING_KIND_LABELS,
  meetingInput,
  taskInput,
  taskUpdateInput,
  topicInput,
  TASK_STATUS_LABELS,
} from "./groups-labels";
import { academyRow, assertManages, canSeeInternal } from "./groups-scope.server";

export const FROZEN_MINUTES =
  "会议已结束，纪要已定稿，不能再修改。如需更正或补充，请添加补充说明（会注明日期）。";

function requireTopic(conn: Conn, id: number) {
  const t = conn.select().from(topics).where(eq(topics.id, id)).get();
  if (!t) notFound("没有找到这个议题。");
  return t;
}

function requireMeeting(conn: Conn, id: number) {
  const m = conn.select().from(meetings).where(eq(meetings.id, id)).get();
  if (!m) notFound("没有找到这次会议。");
  const topic = requireTopic(conn, m.topicId);
  return { meeting: m, topic };
}

const tx = <T>(db: DB, fn: (tx: Conn) => T) => db.transaction(fn, { behavior: "immediate" });

// ---- Topics ------------------------------------------------------------------------------------

/** A resident raises a topic at an academy; it waits for the manager (待受理). */
export function raiseTopic(db: DB, actor: Actor, academyId: number, raw: unknown) {
  const input = parseInput(topicInput, raw);
  return tx(db, (t) => {
    academyRow(t, academyId);
    const now = Date.now();
    return t
      .insert(topics)
      .values({
        academyId,
        title: input.title,
        description: input.description,
        raisedBy: actor.id,
        raisedByManager: false,
        visibility: "public",
        status: "proposed",
        createdAt: now,
        updatedAt: now,
      })
      .returning()
      .get();
  });
}

/** The manager puts a topic on the agenda directly (议事中). */
export function createTopic(
  db: DB,
  actor: Actor,
  academyId: number,
  raw: unknown,
  ip: string | null,
) {
  assertManages(actor, academyId);
  const input = parseInput(managerTopicInput, raw);
  return tx(db, (t) => {
    const academy = academyRow(t, academyId);
    const now = Date.now();
    const row = t
      .insert(topics)
      .values({
        academyId,
        title: input.title,
        description: input.description,
        raisedBy: actor.id,
        raisedByManager: true,
        visibility: input.visibility,
        status: "open",
        createdAt: now,
        updatedAt: now,
      })
      .returning()
      .get();
    writeAudit(t, actor.id, ip, {
      action: "topic.create",
      targetType: "topic",
      targetId: row.id,
      summary: `${academy.name}提出议题“${row.title}”（${input.visibility === "public" ? "公开" : "内部"}）`,
    });
    return row;
  });
}

/** Accepts a resident's topic (待受理 → 议事中), choosing public or internal. */
export function acceptTopic(
  db: DB,
  actor: Actor,
  topicId: number,
  visibility: "public" | "internal",
  ip: string | null,
) {
  return tx(db, (t) => {
    const topic = requireTopic(t, topicId);
    assertManages(actor, topic.academyId);
    if (topic.status !== "proposed") throw new UserError("这个议题已经处理过了。");
    t.update(topics)
      .set({ status: "open", visibility, updatedAt: Date.now() })
      .where(eq(topics.id, topicId))
      .run();
    writeAudit(t, actor.id, ip, {
      action: "topic.accept",
      targetType: "topic",
      targetId: topicId,
      summary: `受理议题“${topic.title}”（${visibility === "public" ? "公开" : "内部"}）`,
    });
    if (topic.raisedBy && !topic.raisedByManager)
      notify(t, topic.raisedBy, {
        title: `您提出的议题“${topic.title}”已受理`,
        body: "书院将组织议事，会议通知会发到您的消息里。",
        link: `/topics/${topicId}`,
      });
  });
}

/** Closes a topic with a reason (不予受理, or 议事结束 without a decision). */
export function closeTopic(db: DB, actor: Actor, topicId: number, raw: unknown, ip: string | null) {
  const input = parseInput(closeTopicInput, raw);
  return tx(db, (t) => {
    const topic = requireTopic(t, topicId);
    assertManages(actor, topic.academyId);
    if (topic.status === "closed") throw new UserError("这个议题已经关闭了。", "reason");
    t.update(topics)
      .set({ status: "closed", closeReason: input.reason, updatedAt: Date.now() })
      .where(eq(topics.id, topicId))
      .run();
    writeAudit(t, actor.id, ip, {
      action: "topic.close",
      targetType: "topic",
      targetId: topicId,
      summary: `关闭议题“${topic.title}”：${input.reason}`,
    });
    if (topic.raisedBy && !topic.raisedByManager)
      notify(t, topic.raisedBy, {
        title: `您提出的议题“${topic.title}”已关闭`,
        body: `原因：${input.reason}`,
        link: `/topics/${topicId}`,
      });
  });
}

/** Records the outcome (议事结果): 议事中 → 已形成决议. */
export function decideTopic(
  db: DB,
  actor: Actor,
  topicId: number,
  outcome: string,
  ip: string | null,
) {
  const text = outcome.trim();
  if (text.length < 2) throw new UserError("请写下议事结果。", "outcome");
  if (text.length > 1000) throw new UserError("议事结果最多 1000 个字。", "outcome");
  return tx(db, (t) => {
    const topic = requireTopic(t, topicId);
    assertManages(actor, topic.academyId);
    if (topic.status !== "open" && topic.status !== "decided")
      throw new UserError("只有议事中的议题可以记录结果。", "outcome");
    t.update(topics)
      .set({ status: "decided", outcome: text, updatedAt: Date.now() })
      .where(eq(topics.id, topicId))
      .run();
    writeAudit(t, actor.id, ip, {
      action: "topic.decide",
      targetType: "topic",
      targetId: topicId,
      summary: `议题“${topic.title}”形成决议：${text.slice(0, 100)}`,
    });
  });
}

export function setTopicVisibility(
  db: DB,
  actor: Actor,
  topicId: number,
  visibility: "public" | "internal",
  ip: string | null,
) {
  return tx(db, (t) => {
    const topic = requireTopic(t, topicId);
    assertManages(actor, topic.academyId);
    t.update(topics).set({ visibility, updatedAt: Date.now() }).where(eq(topics.id, topicId)).run();
    writeAudit(t, actor.id, ip, {
      action: "topic.visibility",
      targetType: "topic",
      targetId: topicId,
      summary: `议题“${topic.title}”改为${visibility === "public" ? "公开" : "内部"}`,
    });
  });
}

// ---- Meetings ----------------------------------------------------------------------------------

function phoneLines(s: string) {
  return [
    ...new Set(
      s
        .split(/[\s,，;；、]+/)
        .map((x) => x.trim())
        .filter(Boolean),
    ),
  ];
}

/** Schedules a meeting; invited residents (by phone) get a 消息 notice, guests are named. */
export function scheduleMeeting(
  db: DB,
  actor: Actor,
  topicId: number,
  raw: unknown,
  ip: string | null,
) {
  const input = parseInput(meetingInput, raw);
  if (!isValidDate(input.date)) throw new UserError("请选择一个有效的日期。", "date");
  const startsAt = wallToUtc(input.date, input.time);
  const phones = phoneLines(input.invitePhones);
  const bad = phones.filter((p) => !/^1\d{10}$/.test(p));
  if (bad.length)
    throw new UserError(`这些不是 11 位手机号：${bad.slice(0, 5).join("、")}`, "invitePhones");
  if (phones.length > 200) throw new UserError("一次最多邀请 200 人。", "invitePhones");
  const guests = [
    ...new Set(
      input.guests
        .split(/[\r\n,，;；、]+/)
        .map((g) => g.trim())
        .filter(Boolean),
    ),
  ];
  if (guests.some((g) => g.length > 40))
    throw new UserError("每位列席人员最多 40 个字（每行一位）。", "guests");
  return tx(db, (t) => {
    const topic = requireTopic(t, topicId);
    assertManages(actor, topic.academyId);
    if (topic.status !== "open") throw new UserError("只有议事中的议题可以安排会议。", "kind");
    let placeLabel = input.place;
    if (input.roomId) {
      const room = t.select().from(rooms).where(eq(rooms.id, input.roomId)).get();
      if (!room || room.academyId !== topic.academyId || room.archivedAt)
        throw new UserError("请选择本书院的教室。", "roomId");
      placeLabel = room.name;
    } else if (!input.place) {
      throw new UserError("请选择教室，或填写会议地点。", "place");
    }
    const found = phones.length
      ? t
          .select({ id: users.id, phone: users.phone, name: users.name })
          .from(users)
          .where(inArray(users.phone, phones))
          .all()
      : [];
    const missing = phones.filter((p) => !found.some((f) => f.phone === p));
    if (missing.length)
      throw new UserError(
        `这些手机号还没有注册：${missing.slice(0, 5).join("、")}`,
        "invitePhones",
      );
    const now = Date.now();
    const m = t
      .insert(meetings)
      .values({
        topicId,
        kind: input.kind,
        startsAt,
        roomId: input.roomId ?? null,
        place: input.roomId ? "" : input.place,
        minutes: emptyDoc(),
        createdBy: actor.id,
        createdAt: now,
      })
      .returning()
      .get();
    for (const u of found)
      t.insert(meetingParticipants)
        .values({ meetingId: m.id, userId: u.id, name: u.name, invited: true })
        .run();
    for (const g of guests)
      t.insert(meetingParticipants)
        .values({ meetingId: m.id, userId: null, name: g, invited: true })
        .onConflictDoNothing()
        .run();
    const label = MEETING_KIND_LABELS[input.kind];
    writeAudit(t, actor.id, ip, {
      action: "meeting.schedule",
      targetType: "topic",
      targetId: topicId,
      summary: `议题“${topic.title}”安排${label}：${formatDateTime(startsAt)} ${placeLabel}`,
      detail: { meetingId: m.id },
    });
    notifyMany(
      t,
      found.map((u) => u.id),
      {
        title: `会议通知：${label}“${topic.title}”`,
        body: `时间：${formatDateTime(startsAt)}；地点：${placeLabel}。欢迎按时参加。`,
        link: `/topics/${topicId}`,
      },
    );
    return m;
  });
}

/** Saves the minutes while the meeting is open. A closed meeting's minutes are frozen. */
export function saveMinutes(db: DB, actor: Actor, meetingId: number, doc: unknown) {
  const r = validateDoc(doc);
  if (!r.ok) throw new UserError(r.message, "minutes");
  return tx(db, (t) => {
    const { meeting, topic } = requireMeeting(t, meetingId);
    assertManages(actor, topic.academyId);
    if (meeting.status === "closed") throw new UserError(FROZEN_MINUTES, "minutes");
    t.update(meetings)
      .set({
        minutes: r.doc,
        minutesHtml: renderDocHtml(r.doc),
        minutesText: docToPlainText(r.doc),
        minutesUpdatedAt: Date.now(),
      })
      .where(and(eq(meetings.id, meetingId), eq(meetings.status, "scheduled")))
      .run();
  });
}

/** Marks who came (the ids are participant rows of this meeting); allowed until the meeting closes. */
export function recordPresence(db: DB, actor: Actor, meetingId: number, presentIds: number[]) {
  return tx(db, (t) => {
    const { meeting, topic } = requireMeeting(t, meetingId);
    assertManages(actor, topic.academyId);
    if (meeting.status === "closed") throw new UserError("会议已结束，出席名单已定稿。");
    t.update(meetingParticipants)
      .set({ present: false })
      .where(eq(meetingParticipants.meetingId, meetingId))
      .run();
    if (presentIds.length)
      t.update(meetingParticipants)
        .set({ present: true })
        .where(
          and(
            eq(meetingParticipants.meetingId, meetingId),
            inArray(meetingParticipants.id, presentIds),
          ),
        )
        .run();
  });
}

/** Adds a walk-in participant (a resident by phone, or a named guest) as present. */
export function addWalkIn(db: DB, actor: Actor, meetingId: number, who: string) {
  const v = who.trim();
  if (!v) throw new UserError("请填写手机号或姓名。", "who");
  return tx(db, (t) => {
    const { meeting, topic } = requireMeeting(t, meetingId);
    assertManages(actor, topic.academyId);
    if (meeting.status === "closed") throw new UserError("会议已结束，出席名单已定稿。", "who");
    if (/^1\d{10}$/.test(v)) {
      const u = t
        .select({ id: users.id, name: users.name })
        .from(users)
        .where(eq(users.phone, v))
        .get();
      if (!u) throw new UserError("这个手机号还没有注册，请直接填写姓名。", "who");
      t.insert(meetingParticipants)
        .values({ meetingId, userId: u.id, name: u.name, invited: false, present: true })
        .onConflictDoUpdate({
          target: [meetingParticipants.meetingId, meetingParticipants.userId],
          targetWhere: sql`user_id IS NOT NULL`,
          set: { present: true },
        })
        .run();
    } else {
      if (v.length > 40) throw new UserError("姓名最多 40 个字。", "who");
      t.insert(meetingParticipants)
        .values({ meetingId, userId: null, name: v, invited: false, present: true })
        .onConflictDoUpdate({
          target: [meetingParticipants.meetingId, meetingParticipants.name],
          targetWhere: sql`user_id IS NULL`,
          set: { present: true },
        })
        .run();
    }
  });
}

/** Closes the meeting: minutes and attendance are frozen from now on. */
export function closeMeeting(
  db: DB,
  actor: Actor,
  meetingId: number,
  ip: string | null,
  now = Date.now(),
) {
  return tx(db, (t) => {
    const { meeting, topic } = requireMeeting(t, meetingId);
    assertManages(actor, topic.academyId);
    if (meeting.status === "closed") throw new UserError("这次会议已经结束了。");
    if (meeting.startsAt > now) throw new UserError("会议还没有开始，不能结束。");
    t.update(meetings)
      .set({ status: "closed", closedAt: now, closedBy: actor.id })
      .where(and(eq(meetings.id, meetingId), eq(meetings.status, "scheduled")))
      .run();
    const present = t
      .select({ n: sql<number>`count(*)` })
      .from(meetingParticipants)
      .where(
        and(eq(meetingParticipants.meetingId, meetingId), eq(meetingParticipants.present, true)),
      )
      .get()!.n;
    writeAudit(t, actor.id, ip, {
      action: "meeting.close",
      targetType: "topic",
      targetId: topic.id,
      summary: `${MEETING_KIND_LABELS[meeting.kind]}“${topic.title}”结束，纪要定稿（出席 ${present} 人）`,
      detail: { meetingId },
    });
  });
}

/** A dated addendum to a closed meeting's frozen minutes. */
export function addAddendum(
  db: DB,
  actor: Actor,
  meetingId: number,
  doc: unknown,
  ip: string | null,
) {
  const r = validateDoc(doc);
  if (!r.ok) throw new UserError(r.message, "addendum");
  if (docToPlainText(r.doc).trim().length === 0)
    throw new UserError("请写下补充说明的内容。", "addendum");
  return tx(db, (t) => {
    const { meeting, topic } = requireMeeting(t, meetingId);
    assertManages(actor, topic.academyId);
    if (meeting.status !== "closed")
      throw new UserError("会议还没结束，请直接修改纪要。", "addendum");
    const row = t
      .insert(meetingAddenda)
      .values({
        meetingId,
        body: r.doc,
        bodyHtml: renderDocHtml(r.doc),
        createdBy: actor.id,
        createdAt: Date.now(),
      })
      .returning()
      .get();
    writeAudit(t, actor.id, ip, {
      action: "meeting.addendum",
      targetType: "topic",
      targetId: topic.id,
      summary: `为“${topic.title}”的会议纪要添加补充说明`,
      detail: { meetingId, addendumId: row.id },
    });
    return row;
  });
}

// ---- Follow-up tasks ---------------------------------------------------------------------------

export function addTask(
  db: DB,
  actor: Actor,
  topicId: number,
  raw: unknown,
  ip: string | null,
  meetingId?: number,
) {
  const input = parseInput(taskInput, raw);
  if (!isValidDate(input.dueDate)) throw new UserError("请选择一个有效的日期。", "dueDate");
  return tx(db, (t) => {
    const topic = requireTopic(t, topicId);
    assertManages(actor, topic.academyId);
    if (topic.status === "closed" || topic.status === "proposed")
      throw new UserError("只有受理后的议题可以添加跟进事项。", "title");
    if (meetingId) {
      const m = t
        .select({ topicId: meetings.topicId })
        .from(meetings)
        .where(eq(meetings.id, meetingId))
        .get();
      if (!m || m.topicId !== topicId) notFound("没有找到这次会议。");
    }
    const now = Date.now();
    const row = t
      .insert(topicTasks)
      .values({
        topicId,
        meetingId: meetingId ?? null,
        title: input.title,
        owner: input.owner,
        dueDate: input.dueDate,
        status: "todo",
        createdAt: now,
        updatedAt: now,
      })
      .returning()
      .get();
    writeAudit(t, actor.id, ip, {
      action: "topic.task",
      targetType: "topic",
      targetId: topicId,
      summary: `议题“${topic.title}”新增跟进事项：${input.title}（${input.owner}，${input.dueDate} 前）`,
    });
    return row;
  });
}

export function updateTask(db: DB, actor: Actor, taskId: number, raw: unknown, ip: string | null) {
  const input = parseInput(taskUpdateInput, raw);
  return tx(db, (t) => {
    const task = t.select().from(topicTasks).where(eq(topicTasks.id, taskId)).get();
    if (!task) notFound("没有找到这个跟进事项。");
    const topic = requireTopic(t, task.topicId);
    assertManages(actor, topic.academyId);
    if (task.status === "done") throw new UserError("这个事项已经完成并关闭了。", "status");
    const now = Date.now();
    t.update(topicTasks)
      .set({
        status: input.status,
        progress: input.progress || task.progress,
        closedAt: input.status === "done" ? now : null,
        updatedAt: now,
      })
      .where(eq(topicTasks.id, taskId))
      .run();
    writeAudit(t, actor.id, ip, {
      action: "topic.task.update",
      targetType: "topic",
      targetId: topic.id,
      summary: `跟进事项“${task.title}”：${TASK_STATUS_LABELS[input.status]}${input.progress ? `（${input.progress}）` : ""}`,
    });
  });
}

// ---- Reading -----------------------------------------------------------------------------------

const topicCols = {
  id: topics.id,
  title: topics.title,
  status: topics.status,
  visibility: topics.visibility,
  raisedByManager: topics.raisedByManager,
  outcome: topics.outcome,
  closeReason: topics.closeReason,
  createdAt: topics.createdAt,
  updatedAt: topics.updatedAt,
};

function taskProgress(conn: Conn, topicIds: number[]) {
  if (!topicIds.length) return new Map<number, { total: number; done: number }>();
  return new Map(
    conn
      .select({
        id: topicTasks.topicId,
        total: sql<number>`count(*)`,
        done: sql<number>`sum(${topicTasks.status} = 'done')`,
      })
      .from(topicTasks)
      .where(inArray(topicTasks.topicId, topicIds))
      .groupBy(topicTasks.topicId)
      .all()
      .map((r) => [r.id, { total: r.total, done: r.done ?? 0 }]),
  );
}

/** Public topics of an academy (accepted ones), with their progress, for residents. */
export function listPublicTopics(db: DB, academyId: number, limit = 20) {
  const rows = db
    .select(topicCols)
    .from(topics)
    .where(
      and(
        eq(topics.academyId, academyId),
        eq(topics.visibility, "public"),
        inArray(topics.status, ["open", "decided", "closed"]),
      ),
    )
    .orderBy(desc(topics.updatedAt))
    .limit(limit)
    .all();
  const p = taskProgress(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => ({ ...r, tasks: p.get(r.id) ?? { total: 0, done: 0 } }));
}

/** /manage/:academy/topics: every topic, newest first, the ones waiting for a decision on top. */
export function listManagedTopics(db: DB, actor: Actor, academyId: number) {
  assertManages(actor, academyId);
  const rows = db
    .select({ ...topicCols, raisedByName: users.name })
    .from(topics)
    .leftJoin(users, eq(users.id, topics.raisedBy))
    .where(eq(topics.academyId, academyId))
    .orderBy(sql`${topics.status} = 'proposed' DESC`, desc(topics.id))
    .all();
  const p = taskProgress(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => ({ ...r, tasks: p.get(r.id) ?? { total: 0, done: 0 } }));
}

/**
 * A topic with its meetings, minutes, addenda and tasks. Internal topics: staff only (403). A topic
 * still waiting for acceptance: its raiser and staff. Public topics: everyone; participants'
 * names are masked for people who are not staff.
 */
export function getTopicPage(db: DB, actor: Actor | null, topicId: number) {
  const topic = requireTopic(db, topicId);
  const academy = db
    .select({
      id: academies.id,
      slug: academies.slug,
      name: academies.name,
      districtId: academies.districtId,
    })
    .from(academies)
    .where(eq(academies.id, topic.academyId))
    .get()!;
  const staff = canSeeInternal(actor, academy);
  const canManage = !!actor && canManageAcademy(actor, academy.id);
  const isRaiser = !!actor && topic.raisedBy === actor.id;
  if (topic.visibility === "internal" && !staff)
    forbidden("这是书院的内部议题，只有书院管理员和指导中心可以查看。");
  if (topic.status === "proposed" && !staff && !isRaiser) notFound("没有找到这个议题。");
  const raiser = topic.raisedBy
    ? db.select({ name: users.name }).from(users).where(eq(users.id, topic.raisedBy)).get()
    : null;
  const ms = db
    .select({
      id: meetings.id,
      kind: meetings.kind,
      startsAt: meetings.startsAt,
      status: meetings.status,
      place: meetings.place,
      roomName: rooms.name,
      minutes: meetings.minutes,
      minutesHtml: meetings.minutesHtml,
      closedAt: meetings.closedAt,
    })
    .from(meetings)
    .leftJoin(rooms, eq(rooms.id, meetings.roomId))
    .where(eq(meetings.topicId, topicId))
    .orderBy(asc(meetings.startsAt))
    .all();
  const ids = ms.map((m) => m.id);
  const people = ids.length
    ? db
        .select()
        .from(meetingParticipants)
        .where(inArray(meetingParticipants.meetingId, ids))
        .orderBy(asc(meetingParticipants.id))
        .all()
    : [];
  const addenda = ids.length
    ? db
        .select({
          id: meetingAddenda.id,
          meetingId: meetingAddenda.meetingId,
          bodyHtml: meetingAddenda.bodyHtml,
          createdAt: meetingAddenda.createdAt,
        })
        .from(meetingAddenda)
        .where(inArray(meetingAddenda.meetingId, ids))
        .orderBy(asc(meetingAddenda.id))
        .all()
    : [];
  const tasks = db
    .select()
    .from(topicTasks)
    .where(eq(topicTasks.topicId, topicId))
    .orderBy(asc(topicTasks.dueDate), asc(topicTasks.id))
    .all();
  const today = todayLocal();
  const name = (n: string, userId: number | null) => (staff || !userId ? n : maskName(n));
  return {
    topic: {
      id: topic.id,
      title: topic.title,
      description: topic.description,
      status: topic.status,
      visibility: topic.visibility,
      outcome: topic.outcome,
      closeReason: topic.closeReason,
      createdAt: topic.createdAt,
      updatedAt: topic.updatedAt,
      raisedByManager: topic.raisedByManager,
    },
    raiserName: topic.raisedByManager
      ? academy.name
      : raiser
        ? staff || isRaiser
          ? raiser.name
          : maskName(raiser.name)
        : "",
    academy,
    staff,
    canManage,
    meetings: ms.map((m) => ({
      ...m,
      // Open meetings' draft minutes are for staff; residents read them once the meeting is closed.
      minutes: canManage ? m.minutes : null,
      minutesHtml: staff || m.status === "closed" ? m.minutesHtml : "",
      invited: people
        .filter((p) => p.meetingId === m.id && p.invited)
        .map((p) => ({ id: p.id, name: name(p.name, p.userId), present: p.present })),
      walkIns: people
        .filter((p) => p.meetingId === m.id && !p.invited)
        .map((p) => ({ id: p.id, name: name(p.name, p.userId), present: p.present })),
      presentCount: people.filter((p) => p.meetingId === m.id && p.present).length,
      addenda: addenda.filter((a) => a.meetingId === m.id),
    })),
    tasks: tasks.map((k) => ({
      id: k.id,
      title: k.title,
      owner: k.owner,
      dueDate: k.dueDate,
      status: k.status,
      progress: k.progress,
      closedAt: k.closedAt,
      overdue: k.status !== "done" && k.dueDate < today,
    })),
  };
}

/** Topics the person raised (for /me). */
export function myTopics(db: DB, actor: Actor) {
  return db
    .select({ ...topicCols, academyName: academies.name })
    .from(topics)
    .innerJoin(academies, eq(academies.id, topics.academyId))
    .where(and(eq(topics.raisedBy, actor.id), eq(topics.raisedByManager, false)))
    .orderBy(desc(topics.id))
    .limit(20)
    .all();
}

export type MinutesDoc = RichDoc;

/** /manage/:academy/meetings/:id: the meeting with its participants (full names) and addenda. */
export function getMeetingForManager(db: DB, actor: Actor, meetingId: number) {
  const { meeting, topic } = requireMeeting(db, meetingId);
  assertManages(actor, topic.academyId);
  const room = meeting.roomId
    ? db.select({ name: rooms.name }).from(rooms).where(eq(rooms.id, meeting.roomId)).get()
    : null;
  return {
    id: meeting.id,
    academyId: topic.academyId,
    topicId: topic.id,
    topicTitle: topic.title,
    kind: meeting.kind,
    startsAt: meeting.startsAt,
    status: meeting.status,
    closedAt: meeting.closedAt,
    place: room?.name ?? meeting.place,
    minutes: meeting.minutes,
    minutesHtml: meeting.minutesHtml,
    participants: db
      .select({
        id: meetingParticipants.id,
        name: meetingParticipants.name,
        invited: meetingParticipants.invited,
        present: meetingParticipants.present,
      })
      .from(meetingParticipants)
      .where(eq(meetingParticipants.meetingId, meetingId))
      .orderBy(asc(meetingParticipants.id))
      .all(),
    addenda: db
      .select({
        id: meetingAddenda.id,
        bodyHtml: meetingAddenda.bodyHtml,
        createdAt: meetingAddenda.createdAt,
      })
      .from(meetingAddenda)
      .where(eq(meetingAddenda.meetingId, meetingId))
      .orderBy(asc(meetingAddenda.id))
      .all(),
  };
}
