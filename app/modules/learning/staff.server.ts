/**
 * Shared reads of the learning side: a session or run with its academy and course title, who may
 * take attendance (the run's teachers and the academy's managers) or read it (plus the district
 * centre and HQ), and enrolments with the learner's display name.
 */
import { and, asc, eq, inArray, sql, type SQL } from "drizzle-orm";
import { prepared, type Conn } from "@db/client";
import {
  academies,
  classRuns,
  classSessions,
  courseVersions,
  enrollments,
  familyMembers,
  rooms,
  runTeachers,
  teachers,
  users,
} from "@db/schema";
import { canManageAcademy, canViewAcademy, type Actor } from "~/modules/auth/permissions";
import { forbidden, notFound } from "~/utils/http";

export type RunContext = {
  runId: number;
  runStatus: string;
  title: string;
  academyId: number;
  academySlug: string;
  academyName: string;
  districtId: number;
  capacity: number;
};

const runColumns = {
  runId: classRuns.id,
  runStatus: classRuns.status,
  title: courseVersions.title,
  academyId: academies.id,
  academySlug: academies.slug,
  academyName: academies.name,
  districtId: academies.districtId,
  capacity: classRuns.capacity,
};

export function loadRun(conn: Conn, runId: number): RunContext | null {
  return (
    conn
      .select(runColumns)
      .from(classRuns)
      .innerJoin(courseVersions, eq(courseVersions.id, classRuns.courseVersionId))
      .innerJoin(academies, eq(academies.id, classRuns.academyId))
      .where(eq(classRuns.id, runId))
      .get() ?? null
  );
}

export type SessionContext = RunContext & {
  sessionId: number;
  startsAt: number;
  endsAt: number;
  status: string;
  roomName: string;
  updatedAt: number;
};

export function loadSession(conn: Conn, sessionId: number): SessionContext | null {
  return (
    conn
      .select({
        ...runColumns,
        sessionId: classSessions.id,
        startsAt: classSessions.startsAt,
        endsAt: classSessions.endsAt,
        status: classSessions.status,
        roomName: rooms.name,
        updatedAt: classSessions.updatedAt,
      })
      .from(classSessions)
      .innerJoin(classRuns, eq(classRuns.id, classSessions.runId))
      .innerJoin(courseVersions, eq(courseVersions.id, classRuns.courseVersionId))
      .innerJoin(academies, eq(academies.id, classRuns.academyId))
      .innerJoin(rooms, eq(rooms.id, classSessions.roomId))
      .where(eq(classSessions.id, sessionId))
      .get() ?? null
  );
}

export function teachesRun(conn: Conn, userId: number, runId: number) {
  return !!conn
    .select({ one: sql`1` })
    .from(runTeachers)
    .innerJoin(teachers, eq(teachers.id, runTeachers.teacherId))
    .where(and(eq(runTeachers.runId, runId), eq(teachers.userId, userId)))
    .get();
}

export type StaffRole = "teacher" | "manager" | "viewer";

/** The actor's role on a run: its teacher, a manager of its academy (or HQ admin), or a reader
 * (district centre, HQ); null when none. */
export function staffRole(
  conn: Conn,
  actor: Actor,
  run: Pick<RunContext, "runId" | "academyId" | "districtId">,
): StaffRole | null {
  if (teachesRun(conn, actor.id, run.runId)) return "teacher";
  if (canManageAcademy(actor, run.academyId)) return "manager";
  if (canViewAcademy(actor, { id: run.academyId, districtId: run.districtId })) return "viewer";
  return null;
}

export const NOT_STAFF = "只有这个班的授课教师和书院管理员可以点名和打开签到码。";

/** A session for taking attendance (teacher or manager); 404 / 403 otherwise. `academyId` pins
 * the /manage/:academy routes to their own academy. */
export function requireSessionStaff(
  conn: Conn,
  actor: Actor,
  sessionId: number,
  academyId?: number,
) {
  const s = loadSession(conn, sessionId);
  if (!s || (academyId !== undefined && s.academyId !== academyId)) notFound("没有找到这次课。");
  const role = staffRole(conn, actor, s);
  if (role !== "teacher" && role !== "manager") forbidden(NOT_STAFF);
  return { session: s, role };
}

/** A run for reading its roster: teacher, manager, district centre or HQ. */
export function requireRunReader(conn: Conn, actor: Actor, runId: number, academyId?: number) {
  const run = loadRun(conn, runId);
  if (!run || (academyId !== undefined && run.academyId !== academyId))
    notFound("没有找到这个班。");
  const role = staffRole(conn, actor, run);
  if (!role) forbidden("您没有权限查看这个班的花名册。");
  return { run, role };
}

export const learnerName = sql<string>`CASE WHEN ${enrollments.familyMemberId} IS NOT NULL THEN ${familyMembers.name} WHEN ${enrollments.userId} IS NULL THEN ${enrollments.walkinName} ELSE ${users.name} END`;
const learnerPhone = sql<
  string | null
>`CASE WHEN ${enrollments.familyMemberId} IS NOT NULL THEN ${familyMembers.phone} WHEN ${enrollments.userId} IS NULL THEN ${enrollments.walkinPhone} ELSE ${users.phone} END`;

export type Learner = {
  enrollmentId: number;
  runId: number;
  userId: number | null;
  familyMemberId: number | null;
  status: string;
  name: string;
  relation: string | null;
  phone: string | null;
  /** The account holder who enrolled a family member. */
  ownerName: string | null;
  walkin: boolean;
  queueKey: number | null;
  createdAt: number;
  confirmedAt: number | null;
  promotedAt: number | null;
  cancelledAt: number | null;
};

/** Enrolments with the learner's name, phone and relation, in enrolment order. */
export function listLearners(conn: Conn, where: SQL | undefined): Learner[] {
  return learnerSelect(conn)
    .where(where)
    .orderBy(asc(enrollments.createdAt), asc(enrollments.id))
    .all();
}

/** listLearners for one account holder's enrolments (their own and their family's): /me's list. */
export function learnersOfUser(conn: Conn, userId: number): Learner[] {
  return learnersOfUserQuery(conn).all({ user: userId });
}
const learnersOfUserQuery = prepared((conn: Conn) =>
  learnerSelect(conn)
    .where(eq(enrollments.userId, sql.placeholder("user")))
    .orderBy(asc(enrollments.createdAt), asc(enrollments.id))
    .prepare(),
);

function learnerSelect(conn: Conn) {
  return conn
    .select({
      enrollmentId: enrollments.id,
      runId: enrollments.runId,
      userId: enrollments.userId,
      familyMemberId: enrollments.familyMemberId,
      status: enrollments.status,
      name: learnerName,
      relation: familyMembers.relation,
      phone: learnerPhone,
      ownerName: sql<
        string | null
      >`CASE WHEN ${enrollments.familyMemberId} IS NOT NULL THEN ${users.name} END`,
      walkin: sql<boolean>`${enrollments.userId} IS NULL`.mapWith(Boolean),
      queueKey: enrollments.queueKey,
      createdAt: enrollments.createdAt,
      confirmedAt: enrollments.confirmedAt,
      promotedAt: enrollments.promotedAt,
      cancelledAt: enrollments.cancelledAt,
    })
    .from(enrollments)
    .leftJoin(users, eq(users.id, enrollments.userId))
    .leftJoin(familyMembers, eq(familyMembers.id, enrollments.familyMemberId));
}

export function learnersOfRun(conn: Conn, runId: number, statuses?: string[]) {
  return listLearners(
    conn,
    and(
      eq(enrollments.runId, runId),
      statuses
        ? inArray(enrollments.status, statuses as ("confirmed" | "waitlisted")[])
        : undefined,
    ),
  );
}

/** 138****5678: the teacher's view of a phone number. */
export function maskPhone(phone: string | null) {
  if (!phone) return "";
  return phone.length >= 11 ? `${phone.slice(0, 3)}****${phone.slice(-4)}` : phone;
}

export { publicOrigin } from "~/utils/origin.server";
