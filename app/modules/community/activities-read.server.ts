/**
 * Reading activities: the city-wide finder (/activities), an activity's page, an academy's list,
 * the manager's list and editor, the week view and weekly menu rows, and a resident's
 * "我报名的活动". Seats come from the enrolment module's seat target; participations from
 * `countParticipations` (the one rule).
 */
import { and, asc, desc, eq, gte, inArray, isNull, lt, ne, sql, type SQL } from "drizzle-orm";
import { getDb, memoUntilChange, type Conn, type DB } from "@db/client";
import { noteCheck } from "@db/read-checks";
import {
  academies,
  activities,
  activityAttendance,
  activityPhotos,
  activityRegistrations,
  districts,
  familyMembers,
  organisations,
  resources,
  rooms,
  users,
} from "@db/schema";
import { canManageAcademy, type Actor } from "~/modules/auth/permissions";
import { listImageResources } from "~/modules/catalog/resources.server";
import { confirmedCountsOf, statusCountsOf } from "~/modules/enrollment/seats.server";
import { assertManagesAcademy } from "~/modules/scheduling/access.server";
import { addDays, DAYPART_MINUTES, wallToUtc } from "~/utils/time";
import { forbidden, notFound } from "~/utils/http";
import { ACTIVITIES_PAGE_SIZE, type ActivityFinderQuery } from "./activities";
import { countParticipations } from "./activities-participation.server";
import { myRegistrations, registrationClosesAt } from "./activities-registration.server";
import { venueCapacity } from "./activities.server";

const cardColumns = {
  id: activities.id,
  title: activities.title,
  type: activities.type,
  startsAt: activities.startsAt,
  endsAt: activities.endsAt,
  status: activities.status,
  audience: activities.audience,
  place: activities.place,
  registration: activities.registration,
  capacity: activities.capacity,
  enrollClosesAt: activities.enrollClosesAt,
  headcount: activities.headcount,
  seriesId: activities.seriesId,
  academyId: activities.academyId,
  academyName: academies.name,
  academySlug: academies.slug,
  districtName: districts.name,
  roomName: rooms.name,
  organisationName: organisations.name,
};

function cardsQuery(db: Conn) {
  return db
    .select(cardColumns)
    .from(activities)
    .innerJoin(academies, eq(academies.id, activities.academyId))
    .innerJoin(districts, eq(districts.id, academies.districtId))
    .leftJoin(rooms, eq(rooms.id, activities.roomId))
    .leftJoin(organisations, eq(organisations.id, activities.organisationId));
}

export type ActivityCard = Awaited<ReturnType<typeof cardsByIds>>[number];

function cardsByIds(db: Conn, ids: number[], now: number) {
  if (ids.length === 0) return [];
  const rows = cardsQuery(db)
    .where(sql`${activities.id} IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`)
    .all();
  const byId = new Map(rows.map((r) => [r.id, r]));
  const confirmed = confirmedCountsOf(
    db,
    "activity",
    rows.map((r) => r.id),
  );
  return ids
    .map((id) => byId.get(id)!)
    .filter(Boolean)
    .map((r) => ({
      ...r,
      confirmed: confirmed.get(r.id) ?? 0,
      seatsLeft: r.registration
        ? Math.max(0, (r.capacity ?? 0) - (confirmed.get(r.id) ?? 0))
        : null,
      registrationOpen: r.registration && r.status === "scheduled" && now < registrationClosesAt(r),
    }));
}

// The ids read activities and academies; the "places left" filter also counts registrations.
const finderPages = memoUntilChange<{ ids: number[]; total: number }>(500, [
  "community",
  "network",
]);
const openFinderPages = memoUntilChange<{ ids: number[]; total: number }>(500, [
  "community",
  "network",
  "seats",
]);

/** The finder: upcoming (not yet ended, not cancelled) activities city-wide, filtered, 20 a page, soonest first. */
export function findActivities(
  db: DB,
  f: ActivityFinderQuery & { districtId?: number },
  now = Date.now(),
) {
  const page = f.page ?? 1;
  const range = f.daypart ? DAYPART_MINUTES[f.daypart] : null;
  const where = and(
    gt(now),
    eq(activities.status, "scheduled"),
    f.districtId ? eq(academies.districtId, f.districtId) : undefined,
    f.academy ? eq(activities.academyId, f.academy) : undefined,
    f.type ? eq(activities.type, f.type) : undefined,
    f.date ? eq(activities.localDate, f.date) : undefined,
    f.weekday ? eq(activities.weekday, f.weekday) : undefined,
    range
      ? and(gte(activities.startMinute, range[0]), lt(activities.startMinute, range[1]))
      : undefined,
    f.open
      ? sql`${activities.registration} = 1 AND coalesce(${activities.enrollClosesAt}, ${activities.startsAt}) > ${now} AND (SELECT count(*) FROM activity_registrations r WHERE r.activity_id = ${activities.id} AND r.status = 'confirmed') < ${activities.capacity}`
      : undefined,
  );
  const key = JSON.stringify([
    f.districtId,
    f.academy,
    f.type,
    f.date,
    f.weekday,
    f.daypart,
    f.open,
    page,
    Math.floor(now / 60_000),
  ]);
  const select = (conn: Conn) => {
    const rows = conn
      .select({ id: activities.id, total: sql<number>`count(*) over ()` })
      .from(activities)
      .innerJoin(academies, eq(academies.id, activities.academyId))
      .where(where)
      .orderBy(asc(activities.startsAt), asc(activities.id))
      .limit(ACTIVITIES_PAGE_SIZE)
      .offset((page - 1) * ACTIVITIES_PAGE_SIZE)
      .all();
    const total =
      rows[0]?.total ??
      (page === 1
        ? 0
        : conn
            .select({ n: sql<number>`count(*)` })
            .from(activities)
            .innerJoin(academies, eq(academies.id, activities.academyId))
            .where(where)
            .get()!.n);
    return { ids: rows.map((r) => r.id), total };
  };
  const { ids, total } = (f.open ? openFinderPages : finderPages)(db, key, () => {
    const found = select(db);
    // With "places left" the selection itself counts registrations: a cached page is kept only
    // while the same query still finds the same activities.
    if (f.open)
      noteCheck(() => {
        const again = select(getDb());
        return again.total === found.total && again.ids.join() === found.ids.join();
      });
    return found;
  });
  return {
    rows: cardsByIds(db, ids, now),
    total,
    page,
    pages: Math.max(1, Math.ceil(total / ACTIVITIES_PAGE_SIZE)),
  };
}

/** Not yet ended (an activity under way is still listed). */
function gt(now: number) {
  return sql`${activities.endsAt} > ${now}`;
}

/** An academy's page: the next upcoming activities and the latest past ones with their participations. */
export function academyActivities(
  db: DB,
  academyId: number,
  now = Date.now(),
  limits = { upcoming: 8, past: 4 },
) {
  const upcoming = db
    .select({ id: activities.id })
    .from(activities)
    .where(and(eq(activities.academyId, academyId), eq(activities.status, "scheduled"), gt(now)))
    .orderBy(asc(activities.startsAt))
    .limit(limits.upcoming)
    .all()
    .map((r) => r.id);
  const past = db
    .select({ id: activities.id })
    .from(activities)
    .where(
      and(
        eq(activities.academyId, academyId),
        eq(activities.status, "scheduled"),
        sql`${activities.endsAt} <= ${now}`,
      ),
    )
    .orderBy(desc(activities.startsAt))
    .limit(limits.past)
    .all()
    .map((r) => r.id);
  const counts = past.length
    ? countParticipations(db, { activityIds: past, perActivity: true }).byActivity!
    : new Map();
  return {
    upcoming: cardsByIds(db, upcoming, now),
    past: cardsByIds(db, past, now).map((c) => ({
      ...c,
      participations: counts.get(c.id)?.total ?? 0,
    })),
  };
}

/** The activity page: details, seats, the viewer's registrations and family, the report and photos afterwards. */
export function getActivityDetail(
  db: DB,
  actor: Actor | null,
  activityId: number,
  now = Date.now(),
) {
  const card = cardsByIds(db, [activityId], now)[0];
  if (!card) notFound("没有找到这个活动。");
  const a = db.select().from(activities).where(eq(activities.id, activityId)).get()!;
  const counts = a.registration ? statusCountsOf(db, { kind: "activity", id: a.id }) : null;
  const photos = db
    .select({ id: resources.id, title: resources.title })
    .from(activityPhotos)
    .innerJoin(resources, eq(resources.id, activityPhotos.resourceId))
    .where(eq(activityPhotos.activityId, a.id))
    .orderBy(asc(activityPhotos.sortOrder))
    .all();
  const started = now >= a.startsAt;
  const family = actor
    ? db
        .select({
          id: familyMembers.id,
          name: familyMembers.name,
          relation: familyMembers.relation,
        })
        .from(familyMembers)
        .where(and(eq(familyMembers.ownerUserId, actor.id), isNull(familyMembers.removedAt)))
        .orderBy(familyMembers.id)
        .all()
    : [];
  const nextInSeries =
    a.seriesId != null
      ? db
          .select({ id: activities.id, startsAt: activities.startsAt })
          .from(activities)
          .where(
            and(
              eq(activities.seriesId, a.seriesId),
              ne(activities.id, a.id),
              eq(activities.status, "scheduled"),
              gt(now),
            ),
          )
          .orderBy(asc(activities.startsAt))
          .limit(6)
          .all()
      : [];
  return {
    activity: {
      ...card,
      description: a.description,
      cancelReason: a.cancelReason,
      reportHtml: a.reportHtml,
    },
    counts,
    mine: myRegistrations(db, actor, a.id),
    family,
    photos,
    started,
    ended: now >= a.endsAt,
    participations: started ? countParticipations(db, { activityIds: [a.id] }) : null,
    canManage: !!actor && canManageAcademy(actor, a.academyId),
    nextInSeries,
  };
}

export type ManagedListFilter = { when: "upcoming" | "past" | "cancelled"; page?: number };

/** The manager's list (/manage/:academy/activities): upcoming, past (with participations) or cancelled, 20 a page. */
export function listManagedActivities(
  db: DB,
  actor: Actor,
  academyId: number,
  f: ManagedListFilter,
  now = Date.now(),
) {
  assertManagesAcademy(actor, academyId);
  const page = Math.max(1, Math.min(10_000, f.page ?? 1));
  const where: SQL | undefined =
    f.when === "cancelled"
      ? and(eq(activities.academyId, academyId), eq(activities.status, "cancelled"))
      : f.when === "past"
        ? and(
            eq(activities.academyId, academyId),
            eq(activities.status, "scheduled"),
            sql`${activities.endsAt} <= ${now}`,
          )
        : and(eq(activities.academyId, academyId), eq(activities.status, "scheduled"), gt(now));
  const rows = db
    .select({ id: activities.id, total: sql<number>`count(*) over ()` })
    .from(activities)
    .where(where)
    .orderBy(
      f.when === "upcoming" ? asc(activities.startsAt) : desc(activities.startsAt),
      asc(activities.id),
    )
    .limit(ACTIVITIES_PAGE_SIZE)
    .offset((page - 1) * ACTIVITIES_PAGE_SIZE)
    .all();
  const ids = rows.map((r) => r.id);
  const counts = ids.length
    ? countParticipations(db, { activityIds: ids, perActivity: true }).byActivity!
    : new Map();
  const total = rows[0]?.total ?? 0;
  return {
    rows: cardsByIds(db, ids, now).map((c) => ({
      ...c,
      participations: counts.get(c.id)?.total ?? 0,
    })),
    total,
    page,
    pages: Math.max(1, Math.ceil(total / ACTIVITIES_PAGE_SIZE)),
  };
}

/** What the manager's activity page needs: the row, choices for the form, the roster, participations, photos. */
export function getActivityForManager(
  db: DB,
  actor: Actor,
  academyId: number,
  activityId: number,
  now = Date.now(),
) {
  const a = db.select().from(activities).where(eq(activities.id, activityId)).get();
  if (!a || a.academyId !== academyId) notFound("没有找到这个活动。");
  if (!canManageAcademy(actor, a.academyId))
    forbidden("您不是这所书院的管理员，不能操作它的活动。");
  const roster = db
    .select({
      id: activityRegistrations.id,
      status: activityRegistrations.status,
      queueKey: activityRegistrations.queueKey,
      ownerName: users.name,
      memberName: familyMembers.name,
      relation: familyMembers.relation,
      walkinName: activityRegistrations.walkinName,
      presentMethod: activityAttendance.method,
      present: activityAttendance.present,
    })
    .from(activityRegistrations)
    .leftJoin(users, eq(users.id, activityRegistrations.userId))
    .leftJoin(familyMembers, eq(familyMembers.id, activityRegistrations.familyMemberId))
    .leftJoin(
      activityAttendance,
      and(
        eq(activityAttendance.activityId, a.id),
        eq(activityAttendance.registrationId, activityRegistrations.id),
      ),
    )
    .where(
      and(
        eq(activityRegistrations.activityId, a.id),
        inArray(activityRegistrations.status, ["confirmed", "waitlisted"]),
      ),
    )
    .orderBy(
      sql`CASE ${activityRegistrations.status} WHEN 'confirmed' THEN 0 ELSE 1 END`,
      asc(activityRegistrations.queueKey),
      asc(activityRegistrations.id),
    )
    .all()
    .map((r) => ({
      id: r.id,
      status: r.status,
      name: r.walkinName ?? r.memberName ?? r.ownerName ?? "居民",
      note: r.memberName ? `${r.relation}，由 ${r.ownerName} 代报` : r.walkinName ? "现场报名" : "",
      present: r.present === true,
      method: r.presentMethod,
    }));
  const photoIds = db
    .select({ id: activityPhotos.resourceId })
    .from(activityPhotos)
    .where(eq(activityPhotos.activityId, a.id))
    .orderBy(asc(activityPhotos.sortOrder))
    .all()
    .map((r) => r.id);
  return {
    activity: a,
    roster,
    participations: countParticipations(db, { activityIds: [a.id] }),
    venueCapacity: venueCapacity(db, a),
    photoIds,
    started: now >= a.startsAt,
    ended: now >= a.endsAt,
    ...activityFormChoices(db, academyId),
    images: listImageResources(db, { limit: 200 }),
  };
}

/** Rooms (not archived) and resident organisations (not dissolved) of the academy, for the form. */
export function activityFormChoices(db: Conn, academyId: number) {
  return {
    rooms: db
      .select({ id: rooms.id, name: rooms.name, capacity: rooms.capacity })
      .from(rooms)
      .where(and(eq(rooms.academyId, academyId), isNull(rooms.archivedAt)))
      .orderBy(asc(rooms.name))
      .all(),
    organisations: db
      .select({ id: organisations.id, name: organisations.name })
      .from(organisations)
      .where(and(eq(organisations.academyId, academyId), ne(organisations.stage, "dissolved")))
      .orderBy(asc(organisations.name))
      .all(),
  };
}

export type WeekActivity = {
  id: number;
  title: string;
  type: string;
  roomId: number | null;
  roomName: string | null;
  place: string;
  startsAt: number;
  endsAt: number;
  localDate: string;
  status: string;
  registration: boolean;
};

/** An academy's activities of one week (Monday + 6 days), cancelled ones included (the caller decides). */
export function weekActivities(db: Conn, academyId: number, monday: string): WeekActivity[] {
  return db
    .select({
      id: activities.id,
      title: activities.title,
      type: activities.type,
      roomId: activities.roomId,
      roomName: rooms.name,
      place: activities.place,
      startsAt: activities.startsAt,
      endsAt: activities.endsAt,
      localDate: activities.localDate,
      status: activities.status,
      registration: activities.registration,
    })
    .from(activities)
    .leftJoin(rooms, eq(rooms.id, activities.roomId))
    .where(
      and(
        eq(activities.academyId, academyId),
        gte(activities.startsAt, wallToUtc(monday, "00:00")),
        lt(activities.startsAt, wallToUtc(addDays(monday, 7), "00:00")),
      ),
    )
    .orderBy(asc(activities.startsAt))
    .all();
}

/** 我报名的活动: the account's registrations (self and family) and its check-ins at open events, upcoming first. */
export function myActivities(db: DB, actor: Actor, now = Date.now()) {
  const regs = db
    .select({
      registrationId: activityRegistrations.id,
      activityId: activityRegistrations.activityId,
      status: activityRegistrations.status,
      memberName: familyMembers.name,
      relation: familyMembers.relation,
    })
    .from(activityRegistrations)
    .leftJoin(familyMembers, eq(familyMembers.id, activityRegistrations.familyMemberId))
    .where(
      and(
        eq(activityRegistrations.userId, actor.id),
        inArray(activityRegistrations.status, ["confirmed", "waitlisted"]),
      ),
    )
    .all();
  const walkups = db
    .select({ activityId: activityAttendance.activityId })
    .from(activityAttendance)
    .where(
      and(
        eq(activityAttendance.userId, actor.id),
        isNull(activityAttendance.registrationId),
        eq(activityAttendance.present, true),
      ),
    )
    .all();
  const ids = [...new Set([...regs.map((r) => r.activityId), ...walkups.map((w) => w.activityId)])];
  const cards = cardsByIds(db, ids, now);
  const rows = cards.map((c) => ({
    ...c,
    who: regs
      .filter((r) => r.activityId === c.id)
      .map((r) => ({
        status: r.status,
        name: r.memberName ? `${r.relation}${r.memberName}` : "本人",
      })),
    checkedIn: walkups.some((w) => w.activityId === c.id),
  }));
  return {
    upcoming: rows.filter((r) => r.endsAt > now).sort((x, y) => x.startsAt - y.startsAt),
    past: rows
      .filter((r) => r.endsAt <= now)
      .sort((x, y) => y.startsAt - x.startsAt)
      .slice(0, 20),
  };
}

/** Districts and academies for the finder's filters (academies of the chosen district only). */
export function finderChoices(db: DB, districtId: number | undefined) {
  return {
    academies: districtId
      ? db
          .select({ id: academies.id, name: academies.name })
          .from(academies)
          .where(eq(academies.districtId, districtId))
          .orderBy(asc(academies.name))
          .all()
      : [],
  };
}
