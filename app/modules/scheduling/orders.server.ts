/**
 * 点单: an academy orders a library course, pinning its published version. HQ (or, for a
 * district's own 区级流动课程, that district centre) assigns a pool teacher and accepts, or declines
 * with a reason. A run created from an accepted order marks it scheduled (runs.server.ts).
 */
import { and, desc, eq, inArray, or, sql, type SQL } from "drizzle-orm";
import type { Conn, DB } from "@db/client";
import { academies, categories, courseOrders, courses, courseVersions, districts, teachers, userRoles, type OrderState } from "@db/schema";
import { writeAudit } from "~/modules/auth/audit.server";
import { isHq, isHqAdmin, staffDistrictIds, canViewAcademy, type Actor } from "~/modules/auth/permissions";
import { UserError } from "~/utils/errors";
import { forbidden, notFound } from "~/utils/http";
import { assertAcademyNotClosed } from "~/modules/org/opening-hours.server";
import { assertManagesAcademy } from "./access.server";
import { findTeachersFor, getCourseForScheduling } from "~/modules/catalog/read.server";
import { notify, notifyMany } from "~/modules/auth/notifications.server";
import type { OrderInput } from "./orders";
import { assertOrderMove, ORDER_STATE_LABELS } from "./states";

export const ORDERS_PAGE_SIZE = 20;

export type Order = typeof courseOrders.$inferSelect;

export function managerUserIds(conn: Conn, academyId: number) {
  return conn
    .select({ id: userRoles.userId })
    .from(userRoles)
    .where(and(eq(userRoles.role, "academy_manager"), eq(userRoles.scopeType, "academy"), eq(userRoles.scopeId, academyId)))
    .all()
    .map((r) => r.id);
}

function districtStaffUserIds(conn: Conn, districtId: number) {
  return conn
    .select({ id: userRoles.userId })
    .from(userRoles)
    .where(and(eq(userRoles.role, "district_staff"), eq(userRoles.scopeType, "district"), eq(userRoles.scopeId, districtId)))
    .all()
    .map((r) => r.id);
}

/** Who decides an order: HQ for city-library courses, the owning district centre for its own courses. */
export function canDecideOrder(actor: Actor, order: Pick<Order, "handler" | "handlerDistrictId">) {
  if (order.handler === "district") return isHqAdmin(actor) || staffDistrictIds(actor).includes(order.handlerDistrictId!);
  return isHq(actor);
}

function loadOrder(conn: Conn, id: number) {
  const row = conn
    .select({ order: courseOrders, academyName: academies.name, academySlug: academies.slug, districtId: academies.districtId })
    .from(courseOrders)
    .innerJoin(academies, eq(academies.id, courseOrders.academyId))
    .where(eq(courseOrders.id, id))
    .get();
  if (!row) notFound("没有这个点单。");
  return row;
}

export function createOrder(db: DB, actor: Actor, academyId: number, input: OrderInput, ip: string | null = null) {
  assertManagesAcademy(actor, academyId);
  return db.transaction(
    (tx) => {
      const academy = tx.select().from(academies).where(eq(academies.id, academyId)).get();
      if (!academy) notFound("没有找到这所书院。");
      assertAcademyNotClosed(tx, academyId, "点单");
      const course = getCourseForScheduling(tx, { id: input.courseId });
      if (!course) throw new UserError("没有找到这门课程。", "courseId");
      if (course.retired) throw new UserError(`「${course.title}」已经停用，不能点单。`, "courseId");
      if (!course.orderable) throw new UserError(`「${course.title}」还没有发布，不能点单。`, "courseId");
      if (course.sourceLevel === "community") {
        throw new UserError("社区特色课程由书院自己开课，不需要点单。", "courseId");
      }
      const open = tx
        .select({ id: courseOrders.id, state: courseOrders.state })
        .from(courseOrders)
        .where(and(eq(courseOrders.academyId, academyId), eq(courseOrders.courseId, course.courseId), inArray(courseOrders.state, ["submitted", "accepted"])))
        .get();
      if (open) throw new UserError(`本书院已经点过「${course.title}」，点单${ORDER_STATE_LABELS[open.state]}，不必重复点单。`, "courseId");
      const byDistrict = course.ownerType === "district";
      const now = Date.now();
      const order = tx
        .insert(courseOrders)
        .values({
          academyId,
          courseId: course.courseId,
          courseVersionId: course.versionId,
          term: input.term,
          preferredWeekdays: [...new Set(input.weekdays)].sort((a, b) => a - b),
          preferredDayparts: [...new Set(input.dayparts)],
          note: input.note,
          handler: byDistrict ? "district" : "hq",
          handlerDistrictId: byDistrict ? course.ownerId : null,
          createdBy: actor.id,
          createdAt: now,
          updatedAt: now,
        })
        .returning()
        .get();
      if (byDistrict) {
        notifyMany(tx, districtStaffUserIds(tx, course.ownerId), {
          title: `新点单：${academy.name} 点了「${course.title}」`,
          body: `学期：${input.term}。请在区指导中心为它安排教师。`,
          link: `/district/orders/${order.id}`,
        });
      }
      writeAudit(tx, actor.id, ip, {
        action: "order.create",
        targetType: "order",
        targetId: order.id,
        summary: `${academy.name} 点单「${course.title}」（${course.code} 第 ${course.versionNo} 版）`,
      });
      return order;
    },
    { behavior: "immediate" },
  );
}

export function withdrawOrder(db: DB, actor: Actor, orderId: number, ip: string | null = null) {
  return db.transaction(
    (tx) => {
      const { order, academyName } = loadOrder(tx, orderId);
      assertManagesAcademy(actor, order.academyId);
      assertOrderMove(order.state, "withdrawn");
      tx.update(courseOrders).set({ state: "withdrawn", updatedAt: Date.now() }).where(eq(courseOrders.id, order.id)).run();
      writeAudit(tx, actor.id, ip, { action: "order.withdraw", targetType: "order", targetId: order.id, summary: `${academyName} 撤回点单 #${order.id}` });
      return order;
    },
    { behavior: "immediate" },
  );
}

/** Teachers HQ may assign: from the pool, able to teach the course, travelling to the academy's district. */
export function teacherChoicesForOrder(db: DB, actor: Actor, orderId: number) {
  const { order, districtId } = loadOrder(db, orderId);
  if (!canDecideOrder(actor, order)) forbidden("这个点单不由您受理。");
  return findTeachersFor(db, { courseId: order.courseId, districtId });
}

export function acceptOrder(db: DB, actor: Actor, orderId: number, input: { teacherId: number; note?: string }, ip: string | null = null) {
  return db.transaction(
    (tx) => {
      const { order, academyName, districtId } = loadOrder(tx, orderId);
      if (!canDecideOrder(actor, order)) forbidden("这个点单不由您受理。");
      assertOrderMove(order.state, "accepted");
      const pool = findTeachersFor(tx, { courseId: order.courseId, districtId });
      const teacher = pool.find((t) => t.id === input.teacherId);
      if (!teacher) throw new UserError("请从能教这门课、并且愿意到这个区授课的教师中选择。", "teacherId");
      const now = Date.now();
      tx.update(courseOrders)
        .set({ state: "accepted", teacherId: teacher.id, decisionNote: (input.note ?? "").trim(), decidedBy: actor.id, decidedAt: now, updatedAt: now })
        .where(eq(courseOrders.id, order.id))
        .run();
      const title = courseTitle(tx, order.courseVersionId);
      notifyMany(tx, managerUserIds(tx, order.academyId), {
        title: `点单已受理：「${title}」`,
        body: `授课教师：${teacher.displayName}。现在可以为它排课了。`,
        link: `/manage/${slugOf(tx, order.academyId)}/orders`,
      });
      notify(tx, teacher.userId, {
        title: `新的授课安排：${academyName}「${title}」`,
        body: `学期：${order.term}。书院排课后，课表会出现在“我的授课”里。`,
        link: "/teach",
      });
      writeAudit(tx, actor.id, ip, { action: "order.accept", targetType: "order", targetId: order.id, summary: `受理点单 #${order.id}（${academyName}「${title}」），教师 ${teacher.displayName}` });
    },
    { behavior: "immediate" },
  );
}

export function declineOrder(db: DB, actor: Actor, orderId: number, input: { reason: string }, ip: string | null = null) {
  const reason = input.reason.trim();
  if (!reason) throw new UserError("请写明婉拒的原因，书院会看到它。", "reason");
  return db.transaction(
    (tx) => {
      const { order, academyName } = loadOrder(tx, orderId);
      if (!canDecideOrder(actor, order)) forbidden("这个点单不由您受理。");
      assertOrderMove(order.state, "declined");
      const now = Date.now();
      tx.update(courseOrders)
        .set({ state: "declined", decisionNote: reason, decidedBy: actor.id, decidedAt: now, updatedAt: now })
        .where(eq(courseOrders.id, order.id))
        .run();
      const title = courseTitle(tx, order.courseVersionId);
      notifyMany(tx, managerUserIds(tx, order.academyId), {
        title: `点单未能受理：「${title}」`,
        body: `原因：${reason}`,
        link: `/manage/${slugOf(tx, order.academyId)}/orders`,
      });
      writeAudit(tx, actor.id, ip, { action: "order.decline", targetType: "order", targetId: order.id, summary: `婉拒点单 #${order.id}（${academyName}「${title}」）：${reason}` });
    },
    { behavior: "immediate" },
  );
}

function courseTitle(conn: Conn, versionId: number) {
  return conn.select({ title: courseVersions.title }).from(courseVersions).where(eq(courseVersions.id, versionId)).get()?.title ?? "";
}

function slugOf(conn: Conn, academyId: number) {
  return conn.select({ slug: academies.slug }).from(academies).where(eq(academies.id, academyId)).get()?.slug ?? "";
}

const listColumns = {
  id: courseOrders.id,
  state: courseOrders.state,
  term: courseOrders.term,
  preferredWeekdays: courseOrders.preferredWeekdays,
  preferredDayparts: courseOrders.preferredDayparts,
  note: courseOrders.note,
  handler: courseOrders.handler,
  handlerDistrictId: courseOrders.handlerDistrictId,
  decisionNote: courseOrders.decisionNote,
  createdAt: courseOrders.createdAt,
  decidedAt: courseOrders.decidedAt,
  courseId: courses.id,
  courseCode: courses.code,
  courseRetired: sql<boolean>`${courses.retiredAt} is not null`,
  title: courseVersions.title,
  versionNo: courseVersions.versionNo,
  categoryName: categories.name,
  academyId: academies.id,
  academyName: academies.name,
  academySlug: academies.slug,
  districtName: districts.name,
  teacherId: teachers.id,
  teacherName: teachers.displayName,
};

function listQuery(db: DB, where: SQL | undefined, page: number) {
  const base = db
    .select(listColumns)
    .from(courseOrders)
    .innerJoin(courses, eq(courses.id, courseOrders.courseId))
    .innerJoin(courseVersions, eq(courseVersions.id, courseOrders.courseVersionId))
    .innerJoin(categories, eq(categories.id, courses.categoryId))
    .innerJoin(academies, eq(academies.id, courseOrders.academyId))
    .innerJoin(districts, eq(districts.id, academies.districtId))
    .leftJoin(teachers, eq(teachers.id, courseOrders.teacherId))
    .where(where);
  const rows = base
    .orderBy(sql`case ${courseOrders.state} when 'submitted' then 0 else 1 end`, desc(courseOrders.createdAt))
    .limit(ORDERS_PAGE_SIZE)
    .offset((page - 1) * ORDERS_PAGE_SIZE)
    .all();
  const total = db
    .select({ n: sql<number>`count(*)` })
    .from(courseOrders)
    .innerJoin(courses, eq(courses.id, courseOrders.courseId))
    .innerJoin(academies, eq(academies.id, courseOrders.academyId))
    .where(where)
    .get()!.n;
  return { rows, total, page, pages: Math.max(1, Math.ceil(total / ORDERS_PAGE_SIZE)) };
}

export type OrderFilters = { state?: OrderState; districtId?: number; categoryId?: number; page?: number };

function filterWhere(f: OrderFilters) {
  return and(
    f.state ? eq(courseOrders.state, f.state) : undefined,
    f.districtId ? eq(academies.districtId, f.districtId) : undefined,
    f.categoryId ? eq(courses.categoryId, f.categoryId) : undefined,
  );
}

/** An academy's own orders, newest first with the undecided on top. */
export function listAcademyOrders(db: DB, actor: Actor, academyId: number, f: OrderFilters = {}) {
  assertManagesAcademy(actor, academyId);
  return listQuery(db, and(eq(courseOrders.academyId, academyId), filterWhere(f)), Math.max(1, f.page ?? 1));
}

/** Every order in the city, for HQ; filter by state, district and category. */
export function listAllOrders(db: DB, actor: Actor, f: OrderFilters = {}) {
  if (!isHq(actor)) forbidden("只有总部可以查看全市的点单。");
  return listQuery(db, filterWhere(f), Math.max(1, f.page ?? 1));
}

/** A district centre's view: orders of its academies and orders it decides. */
export function listDistrictOrders(db: DB, actor: Actor, districtId: number, f: OrderFilters = {}) {
  if (!isHq(actor) && !staffDistrictIds(actor).includes(districtId)) forbidden("您不是这个区指导中心的工作人员。");
  return listQuery(
    db,
    and(or(eq(academies.districtId, districtId), eq(courseOrders.handlerDistrictId, districtId)), filterWhere({ ...f, districtId: undefined })),
    Math.max(1, f.page ?? 1),
  );
}

/** One order with what the decider needs; readable by the academy, its district, the handler and HQ. */
export function getOrderDetail(db: DB, actor: Actor, orderId: number) {
  const { order, districtId } = loadOrder(db, orderId);
  const decider = canDecideOrder(actor, order);
  if (!decider && !canViewAcademy(actor, { id: order.academyId, districtId })) forbidden("您没有权限查看这个点单。");
  const row = listQuery(db, eq(courseOrders.id, orderId), 1).rows[0]!;
  const currentVersion = getCourseForScheduling(db, { id: order.courseId });
  return {
    order: row,
    canDecide: decider && order.state === "submitted",
    teacherChoices: decider && order.state === "submitted" ? findTeachersFor(db, { courseId: order.courseId, districtId }) : [],
    newerVersion: currentVersion && currentVersion.versionId !== order.courseVersionId ? currentVersion.versionNo : null,
  };
}
