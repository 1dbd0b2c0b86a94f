import { sql } from "drizzle-orm";
import { check, index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/** The city headquarters (市级书院总部): one row. */
export const city = sqliteTable("city", {
  id: integer("id").primaryKey(),
  name: text("name").notNull(),
  address: text("address").notNull(),
  phone: text("phone"),
  description: text("description"),
});

/** District guidance centres (区级社区书院指导中心). */
export const districts = sqliteTable(
  "districts",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    code: text("code").notNull(),
    name: text("name").notNull(),
    centreName: text("centre_name").notNull(),
    sortOrder: integer("sort_order").notNull().default(0),
  },
  (t) => [uniqueIndex("districts_code_unique").on(t.code), uniqueIndex("districts_name_unique").on(t.name)],
);

/** Sub-districts (街道) and towns (镇). */
export const subdistricts = sqliteTable(
  "subdistricts",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    districtId: integer("district_id")
      .notNull()
      .references(() => districts.id),
    name: text("name").notNull(),
    kind: text("kind", { enum: ["街道", "镇"] }).notNull(),
    sortOrder: integer("sort_order").notNull().default(0),
  },
  (t) => [uniqueIndex("subdistricts_unique").on(t.districtId, t.name)],
);

/** Community academies (社区书院). */
export const academies = sqliteTable(
  "academies",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    slug: text("slug").notNull(),
    name: text("name").notNull(),
    districtId: integer("district_id")
      .notNull()
      .references(() => districts.id),
    subdistrictId: integer("subdistrict_id").references(() => subdistricts.id),
    community: text("community").notNull(),
    address: text("address").notNull(),
    /** The readable label of openingSchedule ("周二至周日 9:00–21:00"), kept for pages and the API. */
    openingHours: text("opening_hours").notNull(),
    /** Per ISO weekday (index 0 = 周一) the [start, end) minute ranges it is open
     * (app/modules/org/opening-hours.ts). null = not set yet: nothing is checked against it. */
    openingSchedule: text("opening_schedule", { mode: "json" }).$type<[number, number][][]>(),
    phone: text("phone"),
    /** Resident population of the community, for participation rates. */
    population: integer("population").notNull().default(0),
    description: text("description"),
    isDemo: integer("is_demo", { mode: "boolean" }).notNull().default(false),
    createdAt: integer("created_at").notNull(),
    /** Closed by HQ (or its district centre) with a reason: kept for history, takes no new runs and
     * is not offered as anyone's 我的书院. The reason is required by the module (a CHECK would make
     * SQLite rebuild this much-referenced table). */
    closedAt: integer("closed_at"),
    closedReason: text("closed_reason"),
  },
  (t) => [
    uniqueIndex("academies_slug_unique").on(t.slug),
    index("academies_district_idx").on(t.districtId, t.name),
    check("academies_population_check", sql`${t.population} >= 0`),
  ],
);

/** Branches (分院) in residential buildings, for people who cannot walk far. */
export const branches = sqliteTable(
  "branches",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    academyId: integer("academy_id")
      .notNull()
      .references(() => academies.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    address: text("address").notNull(),
  },
  (t) => [uniqueIndex("branches_unique").on(t.academyId, t.name)],
);

/** Rooms and places (教室/活动室) of an academy, optionally in one of its branches. */
export const rooms = sqliteTable(
  "rooms",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    academyId: integer("academy_id")
      .notNull()
      .references(() => academies.id, { onDelete: "cascade" }),
    branchId: integer("branch_id").references(() => branches.id, { onDelete: "set null" }),
    name: text("name").notNull(),
    capacity: integer("capacity").notNull(),
    /** Free text such as "一层", "3F". */
    floor: text("floor").notNull().default(""),
    /** 无障碍: reachable without steps (ground floor or lift). */
    stepFree: integer("step_free", { mode: "boolean" }).notNull().default(false),
    equipment: text("equipment", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
    openingHours: text("opening_hours").notNull().default(""),
    note: text("note").notNull().default(""),
    /** Archived rooms keep their history but take no new sessions. */
    archivedAt: integer("archived_at"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("rooms_academy_name_unique").on(t.academyId, t.name),
    check("rooms_capacity_check", sql`${t.capacity} >= 1 AND ${t.capacity} <= 2000`),
  ],
);

/** Days an academy is closed (besides HQ's public holidays); `date` is an Asia/Shanghai YYYY-MM-DD. */
export const academyClosedDates = sqliteTable(
  "academy_closed_dates",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    academyId: integer("academy_id")
      .notNull()
      .references(() => academies.id, { onDelete: "cascade" }),
    date: text("date").notNull(),
    reason: text("reason").notNull().default(""),
    createdBy: integer("created_by"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("academy_closed_dates_unique").on(t.academyId, t.date),
    check("academy_closed_dates_date_check", sql`${t.date} GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'`),
  ],
);

/** The public holiday list HQ maintains (国庆, 春节 …): no class is scheduled on these dates. */
export const holidays = sqliteTable(
  "holidays",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    date: text("date").notNull(),
    name: text("name").notNull(),
    createdBy: integer("created_by"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("holidays_date_unique").on(t.date),
    check("holidays_date_check", sql`${t.date} GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'`),
  ],
);
