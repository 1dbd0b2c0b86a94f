/**
 * Reading the schedule: the resident's class finder (/classes), an academy's upcoming classes and
 * weekly menu, a class page, the manager's week view, a teacher's timetable, and the district's
 * and manager's run lists. Seats left come from the enrolment seam (participants.server.ts);
 * the "has seats" filter uses the run status, which enrolment sets to `full` when it fills.
 */
import {
  and,
  asc,
  desc,
  eq,
  gte,
  inArray,
  like,
  lt,
  lte,
  ne,
  or,
  sql,
  type Placeholder,
  type SQL,
} from "drizzle-orm";
import { memoUntilChange, prepared, type DB } from "@db/client";
import {
  academies,
  categories,
  classRuns,
  classSessions,
  courses,
  courseVersions,
  districts,
  rooms,
  runTeachers,
  teachers,
  type RunStatus,
} from "@db/schema";
import { canViewAcademy, isHq, staffDistrictIds, type Actor } from "~/modules/auth/permissions";
import { ngramMatch, parseSearchQuery, trigramMatch } from "~/modules/catalog/search-query";
import { forbidden, notFound } from "~/utils/http";
import { assertManagesAcademy } from "./access.server";
import { getPinnedVersion, teacherOfUser } from "~/modules/catalog/read.server";
import { listRunRoster, seatsTakenByRun } from "./participants.server";
import { PUBLIC_RUN_STATUSES } from "./states";
import { addDays, DAYPART_MINUTES, wallToUtc, type Daypart } from "~/utils/time";

export const CLASSES_PAGE_SIZE = 20;
const ENROLLABLE: RunStatus[] = ["open", "full", "closed"];

export type ClassFilters = {
  q?: string | null;
  districtId?: number | null;
  academyId?: number | null;
  categoryId?: number | null;
  weekday?: number | null;
  daypart?: Daypart | null;
  audience?: string | null;
  /** Only runs still taking enrolments (status open). */
  seats?: boolean;
  page?: number;
};

/** The library's own search (FTS5 trigram + 1–2 character grams) as a condition on a course id. */
function courseSearchCondition(q: string | null | undefined): {
  cond: SQL | null;
  note: string | null;
  query: string;
} {
  const parsed = parseSearchQuery(q ?? "");
  const parts: SQL[] = [];
  const tri = trigramMatch(parsed.terms);
  const gram = ngramMatch(parsed.terms);
  if (tri)
    parts.push(
      sql`${classRuns.courseId} in (select rowid from course_fts where course_fts match ${tri})`,
    );
  if (gram)
    parts.push(
      sql`${classRuns.courseId} in (select rowid from course_fts_ngram where course_fts_ngram match ${gram})`,
    );
  if (parsed.terms.length && !parts.length) {
    // Defensive: terms that neither table answers fall back to the title.
    parts.push(like(courseVersions.title, `%${parsed.terms.join("%")}%`));
  }
  return { cond: parts.length ? and(...parts)! : null, note: parsed.note, query: parsed.display };
}

function upcomingSessionCondition(now: number, f: Pick<ClassFilters, "weekday" | "daypart">) {
  const range = f.daypart ? DAYPART_MINUTES[f.daypart] : null;
  return sql`exists (select 1 from ${classSessions} s where s.run_id = ${classRuns.id} and s.status = 'scheduled' and s.starts_at > ${now}${
    f.weekday ? sql` and s.weekday = ${f.weekday}` : sql``
  }${range ? sql` and s.start_minute >= ${range[0]} and s.start_minute < ${range[1]}` : sql``})`;
}

const nextSessionSql = (now: number | Placeholder) =>
  sql<number>`(select min(s.starts_at) from ${classSessions} s where s.run_id = ${classRuns.id} and s.status = 'scheduled' and s.starts_at > ${now})`;
const sessionCountSql = sql<number>`(select count(*) from ${classSessions} s where s.run_id = ${classRuns.id} and s.status = 'scheduled')`;

/** The runs matching `where` that have a session to come, ordered by their next session, with
 * the total from a window count. The expensive part (the next session of every candidate run)
 * is done once, for ids only. */
function runIdsByNextSession(db: DB, where: SQL | undefined, now: number | Placeholder) {
  const candidates = db
    .select({ id: classRuns.id, next: nextSessionSql(now).as("next") })
    .from(classRuns)
    .innerJoin(courseVersions, eq(courseVersions.id, classRuns.courseVersionId))
    .innerJoin(courses, eq(courses.id, classRuns.courseId))
    .innerJoin(academies, eq(academies.id, classRuns.academyId))
    .where(where)
    .as("c");
  const query = db
    .select({ id: candidates.id, total: sql<number>`count(*) over ()` })
    .from(candidates)
    .where(sql`${candidates.next} is not null`)
    .orderBy(sql`${candidates.next}`, candidates.id);
  return { candidates, query };
}

/**
 * Two steps: 1. the ids of one page (runIdsByNextSession); 2. the cards of just those ids.
 */
function pageOfRunIds(db: DB, where: SQL | undefined, now: number, limit: number, offset: number) {
  const { candidates, query } = runIdsByNextSession(db, where, now);
  const rows = query.limit(limit).offset(offset).all();
  const total =
    rows.length > 0
      ? rows[0]!.total
      : offset === 0
        ? 0
        : db
            .select({ n: sql<number>`count(*)` })
            .from(candidates)
            .where(sql`${candidates.next} is not null`)
            .get()!.n;
  return { ids: rows.map((r) => r.id), total };
}

// Class cards by id: the ids travel as one JSON array, so the query is built once per connection.
const classCardsById = prepared((db) =>
  db
    .select({
      id: classRuns.id,
      status: classRuns.status,
      capacity: classRuns.capacity,
      minAge: classRuns.minAge,
      maxAge: classRuns.maxAge,
      enrollMode: classRuns.enrollMode,
      enrollOpensAt: classRuns.enrollOpensAt,
      enrollClosesAt: classRuns.enrollClosesAt,
      title: courseVersions.title,
      audience: courseVersions.audience,
      code: courses.code,
      categoryName: categories.name,
      categoryColor: categories.color,
      academyName: academies.name,
      academySlug: academies.slug,
      districtName: districts.name,
      roomName: rooms.name,
      stepFree: rooms.stepFree,
      nextSessionAt: nextSessionSql(sql.placeholder("now")),
      sessionCount: sessionCountSql,
    })
    .from(classRuns)
    .innerJoin(courseVersions, eq(courseVersions.id, classRuns.courseVersionId))
    .innerJoin(courses, eq(courses.id, classRuns.courseId))
    .innerJoin(categories, eq(categories.id, courses.categoryId))
    .innerJoin(academies, eq(academies.id, classRuns.academyId))
    .innerJoin(districts, eq(districts.id, academies.districtId))
    .innerJoin(rooms, eq(rooms.id, classRuns.roomId))
    .where(sql`${classRuns.id} in (select value from json_each(${sql.placeholder("ids")}))`)
    .prepare(),
);

function classCards(db: DB, ids: number[], now: number) {
  if (ids.length === 0) return [];
  const rows = classCardsById(db).all({ ids: JSON.stringify(ids), now });
  const byId = new Map(rows.map((r) => [r.id, r]));
  const taken = seatsTakenByRun(db, ids);
  return ids
    .map((id) => byId.get(id))
    .filter((r): r is (typeof rows)[number] => !!r)
    .map((r) => ({ ...r, seatsLeft: seatsLeft(r.status, r.capacity, taken.get(r.id) ?? 0) }));
}

export function seatsLeft(status: RunStatus, capacity: number, taken: number) {
  if (status === "full") return 0;
  return Math.max(0, capacity - taken);
}

// The ids and total read runs, sessions, courses and places (not seats: `f.seats` filters on the
// run's status, which is a class_runs column); the cards' seats are read fresh on every request.
const finderPages = memoUntilChange<{ ids: number[]; total: number }>(500, [
  "catalog",
  "network",
  "schedule",
]);

/** The class finder: upcoming runs city-wide, filtered, searched like the library, 20 a page. */
export function searchClasses(db: DB, f: ClassFilters, now = Date.now()) {
  const page = Math.min(10_000, Math.max(1, Math.floor(f.page ?? 1) || 1));
  const search = courseSearchCondition(f.q);
  const where = and(
    f.seats ? eq(classRuns.status, "open") : inArray(classRuns.status, ENROLLABLE),
    f.districtId ? eq(academies.districtId, f.districtId) : undefined,
    f.academyId ? eq(classRuns.academyId, f.academyId) : undefined,
    f.categoryId ? eq(courses.categoryId, f.categoryId) : undefined,
    f.audience
      ? like(courseVersions.audience, `%"${f.audience.replace(/[%_"\\]/g, "")}"%`)
      : undefined,
    search.cond ?? undefined,
    // Without a weekday or time filter, "has an upcoming session" is "has a next session" (step 1).
    f.weekday || f.daypart ? upcomingSessionCondition(now, f) : undefined,
  );
  // The same page asked again within the minute, with no write in between, reuses its ids (the
  // cards, seats included, are always read fresh): most people open the unfiltered first page.
  const key = JSON.stringify([
    f.q ?? "",
    f.districtId,
    f.academyId,
    f.categoryId,
    f.weekday,
    f.daypart,
    f.audience,
    !!f.seats,
    page,
    Math.floor(now / 60_000),
  ]);
  const { ids, total } = finderPages(db, key, () =>
    pageOfRunIds(db, where, now, CLASSES_PAGE_SIZE, (page - 1) * CLASSES_PAGE_SIZE),
  );
  const rows = classCards(db, ids, now);
  return {
    rows,
    total,
    page,
    pages: Math.max(1, Math.ceil(total / CLASSES_PAGE_SIZE)),
    query: search.query,
    note: search.note,
  };
}

/** An academy's upcoming public classes (its page). */
export function upcomingClassesForAcademy(db: DB, academyId: number, limit = 12, now = Date.now()) {
  const ids = academyUpcomingRunIds(db)
    .all({ academyId, now, limit })
    .map((r) => r.id);
  return classCards(db, ids, now);
}
const academyUpcomingRunIds = prepared((db) =>
  runIdsByNextSession(
    db,
    and(
      eq(classRuns.academyId, sql.placeholder("academyId")),
      inArray(classRuns.status, ENROLLABLE),
    ),
    sql.placeholder("now"),
  )
    .query.limit(sql.placeholder("limit"))
    .prepare(),
);

type SessionRow = {
  id: number;
  runId: number;
  startsAt: number;
  endsAt: number;
  localDate: string;
  weekday: number;
  startMinute: number;
  status: "scheduled" | "cancelled";
  movedFrom: number | null;
  cancelReason: string;
  roomId: number;
  roomName: string;
  title: string;
  code: string;
  categoryName: string;
  categoryColor: string;
  runStatus: RunStatus;
  capacity: number;
  academyName: string;
  academySlug: string;
};

/** Session rows with their run, course, room and academy; callers add the condition. */
function selectSessions(db: DB) {
  return db
    .select({
      id: classSessions.id,
      runId: classSessions.runId,
      startsAt: classSessions.startsAt,
      endsAt: classSessions.endsAt,
      localDate: classSessions.localDate,
      weekday: classSessions.weekday,
      startMinute: classSessions.startMinute,
      status: classSessions.status,
      movedFrom: classSessions.movedFrom,
      cancelReason: classSessions.cancelReason,
      roomId: classSessions.roomId,
      roomName: rooms.name,
      title: courseVersions.title,
      code: courses.code,
      categoryName: categories.name,
      categoryColor: categories.color,
      runStatus: classRuns.status,
      capacity: classRuns.capacity,
      academyName: academies.name,
      academySlug: academies.slug,
    })
    .from(classSessions)
    .innerJoin(classRuns, eq(classRuns.id, classSessions.runId))
    .innerJoin(courseVersions, eq(courseVersions.id, classRuns.courseVersionId))
    .innerJoin(courses, eq(courses.id, classRuns.courseId))
    .innerJoin(categories, eq(categories.id, courses.categoryId))
    .innerJoin(rooms, eq(rooms.id, classSessions.roomId))
    .innerJoin(academies, eq(academies.id, classRuns.academyId));
}
const sessionOrder = [asc(classSessions.startsAt), asc(rooms.name)];

function sessionsBetween(db: DB, where: SQL | undefined): SessionRow[] {
  return selectSessions(db)
    .where(where)
    .orderBy(...sessionOrder)
    .all() as SessionRow[];
}

// The manager's week and the weekly menu run on every view of those pages: built once.
const academyRooms = prepared((db) =>
  db
    .select({
      id: rooms.id,
      name: rooms.name,
      capacity: rooms.capacity,
      stepFree: rooms.stepFree,
      archivedAt: rooms.archivedAt,
    })
    .from(rooms)
    .where(eq(rooms.academyId, sql.placeholder("academyId")))
    .orderBy(asc(rooms.name))
    .prepare(),
);
const academyWeekSessions = prepared((db) =>
  selectSessions(db)
    .where(
      and(
        // In its rooms and of its runs; SQLite walks the academy's runs (class_runs_academy_idx)
        // to their sessions of the week (class_sessions_run_idx).
        inArray(
          classSessions.roomId,
          db
            .select({ id: rooms.id })
            .from(rooms)
            .where(eq(rooms.academyId, sql.placeholder("academyId"))),
        ),
        gte(classSessions.startsAt, sql.placeholder("from")),
        lt(classSessions.startsAt, sql.placeholder("to")),
        eq(classRuns.academyId, sql.placeholder("academyId")),
        ne(classRuns.status, "cancelled"),
      ),
    )
    .orderBy(...sessionOrder)
    .prepare(),
);
const academyMenuSessions = prepared((db) =>
  selectSessions(db)
    .where(
      and(
        eq(classRuns.academyId, sql.placeholder("academyId")),
        inArray(classRuns.status, PUBLIC_RUN_STATUSES as RunStatus[]),
        gte(classSessions.localDate, sql.placeholder("from")),
        lte(classSessions.localDate, sql.placeholder("to")),
      ),
    )
    .orderBy(...sessionOrder)
    .prepare(),
);

function weekDates(monday: string) {
  return Array.from({ length: 7 }, (_, i) => addDays(monday, i));
}

/** The manager's week: every room (archived ones only if used) and every session of the week. */
export function academyWeek(db: DB, actor: Actor, academyId: number, monday: string) {
  assertManagesAcademy(actor, academyId);
  const dates = weekDates(monday);
  const allRooms = academyRooms(db).all({ academyId });
  const sessions = allRooms.length
    ? (academyWeekSessions(db).all({
        academyId,
        from: wallToUtc(dates[0]!, "00:00"),
        to: wallToUtc(addDays(dates[6]!, 1), "00:00"),
      }) as SessionRow[])
    : [];
  const used = new Set(sessions.map((s) => s.roomId));
  return { dates, rooms: allRooms.filter((r) => !r.archivedAt || used.has(r.id)), sessions };
}

/** The weekly course menu (课程菜单): public classes of the week, by day. */
export function weeklyMenu(db: DB, academyId: number, monday: string) {
  const dates = weekDates(monday);
  const sessions = academyMenuSessions(db).all({
    academyId,
    from: dates[0]!,
    to: dates[6]!,
  }) as SessionRow[];
  return {
    dates,
    days: dates.map((date) => ({ date, sessions: sessions.filter((s) => s.localDate === date) })),
    teachers: teacherNamesByRun(db, [...new Set(sessions.map((s) => s.runId))]),
  };
}

/** "陈美玲、林老师" per run: pool teachers then the academy's own lecturer. */
export function teacherNamesByRun(db: DB, runIds: number[]): Record<number, string> {
  if (runIds.length === 0) return {};
  const pool = db
    .select({ runId: runTeachers.runId, name: teachers.displayName })
    .from(runTeachers)
    .innerJoin(teachers, eq(teachers.id, runTeachers.teacherId))
    .where(inArray(runTeachers.runId, runIds))
    .orderBy(asc(runTeachers.sortOrder))
    .all();
  const guests = db
    .select({ id: classRuns.id, guest: classRuns.guestTeacher })
    .from(classRuns)
    .where(inArray(classRuns.id, runIds))
    .all();
  const out: Record<number, string> = {};
  for (const g of guests) {
    out[g.id] = [...pool.filter((p) => p.runId === g.id).map((p) => p.name), g.guest]
      .filter(Boolean)
      .join("、");
  }
  return out;
}

/** A class page: public runs for everyone; drafts for the academy's managers, district and HQ. */
export function getClassDetail(db: DB, actor: Actor | null, runId: number, now = Date.now()) {
  const q = classDetailQueries(db);
  const run = q.run.get({ id: runId });
  if (!run) notFound("没有找到这个班。");
  const academy = q.academy.get({ id: run.academyId })!;
  const staff = !!actor && canViewAcademy(actor, academy);
  if (run.status === "draft" && !staff) notFound("没有找到这个班。");
  const version = getPinnedVersion(db, run.courseVersionId)!;
  const room = q.room.get({ id: run.roomId })!;
  const teacherRows = q.teachers.all({ run: run.id });
  const sessions = q.sessions
    .all({ run: run.id })
    .map((r) => ({ ...r.session, roomName: r.roomName, past: r.session.endsAt <= now }));
  const taken = seatsTakenByRun(db, [run.id]).get(run.id) ?? 0;
  return {
    run,
    academy,
    version,
    room,
    teachers: teacherRows,
    sessions,
    seatsTaken: taken,
    seatsLeft: seatsLeft(run.status, run.capacity, taken),
    canManage: staff,
  };
}
const classDetailQueries = prepared((db: DB) => ({
  run: db
    .select()
    .from(classRuns)
    .where(eq(classRuns.id, sql.placeholder("id")))
    .prepare(),
  academy: db
    .select({
      id: academies.id,
      slug: academies.slug,
      name: academies.name,
      address: academies.address,
      phone: academies.phone,
      districtId: academies.districtId,
      community: academies.community,
      districtName: districts.name,
    })
    .from(academies)
    .innerJoin(districts, eq(districts.id, academies.districtId))
    .where(eq(academies.id, sql.placeholder("id")))
    .prepare(),
  room: db
    .select()
    .from(rooms)
    .where(eq(rooms.id, sql.placeholder("id")))
    .prepare(),
  teachers: db
    .select({
      id: teachers.id,
      displayName: teachers.displayName,
      organisation: teachers.organisation,
    })
    .from(runTeachers)
    .innerJoin(teachers, eq(teachers.id, runTeachers.teacherId))
    .where(eq(runTeachers.runId, sql.placeholder("run")))
    .orderBy(asc(runTeachers.sortOrder))
    .prepare(),
  sessions: db
    .select({ session: classSessions, roomName: rooms.name })
    .from(classSessions)
    .innerJoin(rooms, eq(rooms.id, classSessions.roomId))
    .where(eq(classSessions.runId, sql.placeholder("run")))
    .orderBy(asc(classSessions.startsAt))
    .prepare(),
}));

/** A teacher's timetable across academies: their sessions from `monday` for `weeks` weeks, with rosters. */
export function teacherTimetable(db: DB, actor: Actor, monday: string, weeks = 1) {
  const teacher = teacherOfUser(db, actor.id);
  if (!teacher) return null;
  const last = addDays(monday, weeks * 7 - 1);
  const sessions = sessionsBetween(
    db,
    and(
      sql`${classSessions.runId} in (select run_id from ${runTeachers} where teacher_id = ${teacher.id})`,
      ne(classRuns.status, "cancelled"),
      gte(classSessions.localDate, monday),
      lte(classSessions.localDate, last),
    ),
  );
  const runIds = [...new Set(sessions.map((s) => s.runId))];
  const rosters = Object.fromEntries(runIds.map((id) => [id, listRunRoster(db, id)]));
  return { teacher, monday, last, sessions, rosters };
}

export type RunListFilters = {
  status?: RunStatus;
  academyId?: number;
  page?: number;
  scope?: "upcoming" | "all";
};
export const RUNS_PAGE_SIZE = 20;

function runList(db: DB, where: SQL | undefined, page: number, now: number) {
  const next = nextSessionSql(now);
  const rows = db
    .select({
      id: classRuns.id,
      status: classRuns.status,
      capacity: classRuns.capacity,
      title: courseVersions.title,
      versionNo: courseVersions.versionNo,
      code: courses.code,
      academyName: academies.name,
      academySlug: academies.slug,
      roomName: rooms.name,
      nextSessionAt: next,
      sessionCount: sessionCountSql,
      firstSessionAt: sql<
        number | null
      >`(select min(s.starts_at) from ${classSessions} s where s.run_id = ${classRuns.id})`,
      orderId: classRuns.orderId,
    })
    .from(classRuns)
    .innerJoin(courseVersions, eq(courseVersions.id, classRuns.courseVersionId))
    .innerJoin(courses, eq(courses.id, classRuns.courseId))
    .innerJoin(academies, eq(academies.id, classRuns.academyId))
    .innerJoin(rooms, eq(rooms.id, classRuns.roomId))
    .where(where)
    .orderBy(sql`${next} is null`, next, desc(classRuns.id))
    .limit(RUNS_PAGE_SIZE)
    .offset((page - 1) * RUNS_PAGE_SIZE)
    .all();
  const total = db
    .select({ n: sql<number>`count(*)` })
    .from(classRuns)
    .innerJoin(academies, eq(academies.id, classRuns.academyId))
    .where(where)
    .get()!.n;
  const taken = seatsTakenByRun(
    db,
    rows.map((r) => r.id),
  );
  return {
    rows: rows.map((r) => ({ ...r, seatsTaken: taken.get(r.id) ?? 0 })),
    total,
    page,
    pages: Math.max(1, Math.ceil(total / RUNS_PAGE_SIZE)),
  };
}

function runWhere(f: RunListFilters, now: number) {
  return and(
    f.status ? eq(classRuns.status, f.status) : undefined,
    f.academyId ? eq(classRuns.academyId, f.academyId) : undefined,
    f.scope === "upcoming"
      ? or(
          sql`exists (select 1 from ${classSessions} s where s.run_id = ${classRuns.id} and s.ends_at > ${now})`,
          eq(classRuns.status, "draft"),
        )
      : undefined,
  );
}

/** An academy's runs for its manager. */
export function listAcademyRuns(
  db: DB,
  actor: Actor,
  academyId: number,
  f: RunListFilters = {},
  now = Date.now(),
) {
  assertManagesAcademy(actor, academyId);
  return runList(
    db,
    and(eq(classRuns.academyId, academyId), runWhere({ ...f, academyId: undefined }, now)),
    Math.max(1, f.page ?? 1),
    now,
  );
}

/** A district centre's view of its academies' runs. */
export function listDistrictRuns(
  db: DB,
  actor: Actor,
  districtId: number,
  f: RunListFilters = {},
  now = Date.now(),
) {
  if (!isHq(actor) && !staffDistrictIds(actor).includes(districtId))
    forbidden("您不是这个区指导中心的工作人员。");
  return runList(
    db,
    and(eq(academies.districtId, districtId), runWhere(f, now)),
    Math.max(1, f.page ?? 1),
    now,
  );
}

/** Counts for a district dashboard: runs by status and upcoming sessions per academy. */
export function districtSummary(db: DB, actor: Actor, districtId: number, now = Date.now()) {
  if (!isHq(actor) && !staffDistrictIds(actor).includes(districtId))
    forbidden("您不是这个区指导中心的工作人员。");
  return db
    .select({
      academyId: academies.id,
      academyName: academies.name,
      academySlug: academies.slug,
      runs: sql<number>`count(distinct ${classRuns.id})`,
      upcoming: sql<number>`count(distinct case when ${classSessions.startsAt} > ${now} and ${classSessions.status} = 'scheduled' then ${classSessions.id} end)`,
    })
    .from(academies)
    .leftJoin(
      classRuns,
      and(eq(classRuns.academyId, academies.id), ne(classRuns.status, "cancelled")),
    )
    .leftJoin(classSessions, eq(classSessions.runId, classRuns.id))
    .where(eq(academies.districtId, districtId))
    .groupBy(academies.id)
    .orderBy(asc(academies.slug))
    .all();
}
