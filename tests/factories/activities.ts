/**
 * Activity builders: an activity row inserted directly (any time, past or future, with or without
 * registration), the create-form defaults, and a snapshot of the activity tables for "nothing changed".
 */
import { sql } from "drizzle-orm";
import type { DB } from "@db/client";
import { activities } from "@db/schema";
import type { CreateActivityInput } from "~/modules/community/activities";
import { localParts } from "~/utils/time";

const DAY = 86_400_000;

export function insertActivity(
  db: DB,
  academyId: number,
  overrides: Partial<typeof activities.$inferInsert> & { startsAt?: number; minutes?: number } = {},
  now = Date.now(),
) {
  const { startsAt = now + 3 * DAY, minutes = 90, ...rest } = overrides;
  const p = localParts(startsAt);
  return db
    .insert(activities)
    .values({
      academyId,
      type: "culture_sports",
      title: "广场舞交流",
      place: "小区广场",
      startsAt,
      endsAt: startsAt + minutes * 60_000,
      localDate: p.date,
      weekday: p.weekday,
      startMinute: p.minute,
      createdAt: now,
      updatedAt: now,
      ...rest,
    })
    .returning()
    .get();
}

export function activityInput(overrides: Partial<CreateActivityInput> = {}): CreateActivityInput {
  return {
    title: "重阳节敬老游园会",
    type: "festival",
    description: "",
    audience: "全体居民",
    organisationId: undefined,
    roomId: undefined,
    place: "社区广场",
    date: "2099-01-01",
    startTime: "09:00",
    endTime: "11:00",
    registration: false,
    capacity: undefined,
    repeat: false,
    weekdays: undefined,
    weeks: undefined,
    until: undefined,
    ...overrides,
  };
}

/** Every row of the activity tables (and counts of audit rows and messages), to prove a refusal changed nothing. */
export function activitySnapshot(db: DB) {
  const rows = (table: string) => db.all(sql.raw(`SELECT * FROM ${table} ORDER BY rowid`));
  const count = (table: string) =>
    db.get<{ n: number }>(sql.raw(`SELECT count(*) AS n FROM ${table}`))!.n;
  return {
    activities: rows("activities"),
    series: rows("activity_series"),
    registrations: rows("activity_registrations"),
    attendance: rows("activity_attendance"),
    photos: rows("activity_photos"),
    audit: count("audit_log"),
    messages: count("notifications"),
  };
}
