/**
 * Change topics: every application table belongs to exactly one topic, and triggers on the table
 * bump that topic's counter in `change_topics` in the writing transaction. A cache of something
 * that reads only some topics (the library listing reads `catalog`) keeps its entry while those
 * counters stand still (topicStamp in db/client.ts), so an enrolment, a notification or an audit
 * row no longer throws away every cached page and listing.
 *
 * A new table needs a line here and its triggers in a migration:
 *   npm run db:generate -- --custom --name <what>_change_topics
 *   npx tsx db/change-topics.ts write <what>_change_topics <table> [<table>…]
 * (tests/unit/change-topics.test.ts fails while a table of the migrated schema has no topic or
 * lacks its three triggers; a table rebuilt by a migration loses its triggers and fails it too.)
 * `npx tsx db/change-topics.ts write change_topic_triggers` rewrites the first, unreleased one.
 */
import fs from "node:fs";
import path from "node:path";

export const TOPICS = [
  /** The course library: courses, versions, categories, search index, teachers, resources. */
  "catalog",
  /** Districts, academies, rooms, branches, holidays and closed dates. */
  "network",
  /** Class runs, their sessions and teachers, course orders. */
  "schedule",
  /** Taken places: enrolments, lottery draws, activity registrations. */
  "seats",
  /** Attendance marks and evaluations. */
  "attendance",
  /** Activities, organisations, topics, proposals, meetings, surveys, volunteering, wants. */
  "community",
  /** Accounts, family members, roles. */
  "people",
  /** The statistics rollups (moved by their own triggers whenever their sources move). */
  "stats",
  /** What no public page shows: sessions, notifications, audit log, job leases, rate limits… */
  "private",
] as const;
export type Topic = (typeof TOPICS)[number];
/** Every topic a public page or figure can show: all but the private noise. */
export const PUBLIC_TOPICS = TOPICS.filter((t) => t !== "private");

/** Every application table → its topic. Not here: change_topics itself, drizzle's and SQLite's own
 * tables, and FTS5 virtual tables with their shadow tables (no triggers possible; the search
 * index is written with course_search in the same transaction). */
export const TABLE_TOPICS: Record<string, Topic> = {
  categories: "catalog",
  courses: "catalog",
  course_versions: "catalog",
  course_events: "catalog",
  course_search: "catalog",
  catalog_imports: "catalog",
  resources: "catalog",
  teachers: "catalog",
  teacher_categories: "catalog",
  teacher_courses: "catalog",
  teacher_districts: "catalog",

  city: "network",
  districts: "network",
  subdistricts: "network",
  academies: "network",
  academy_closed_dates: "network",
  branches: "network",
  rooms: "network",
  holidays: "network",

  class_runs: "schedule",
  class_sessions: "schedule",
  run_teachers: "schedule",
  course_orders: "schedule",

  enrollments: "seats",
  lottery_draws: "seats",
  activity_registrations: "seats",

  attendance: "attendance",
  evaluations: "attendance",
  activity_attendance: "attendance",

  activities: "community",
  activity_series: "community",
  activity_photos: "community",
  organisations: "community",
  organisation_members: "community",
  organisation_stage_changes: "community",
  topics: "community",
  topic_tasks: "community",
  course_proposals: "community",
  proposal_comments: "community",
  proposal_votes: "community",
  meetings: "community",
  meeting_participants: "community",
  meeting_addenda: "community",
  needs_surveys: "community",
  survey_responses: "community",
  volunteer_signups: "community",
  volunteer_hours: "community",
  course_wants: "community",

  users: "people",
  family_members: "people",
  user_roles: "people",

  stats_academy_month: "stats",
  stats_activity: "stats",
  stats_person_month: "stats",
  stats_reach: "stats",
  stats_run_month: "stats",
  stats_state: "stats",

  sessions: "private",
  sms_codes: "private",
  notifications: "private",
  audit_log: "private",
  job_leases: "private",
  rate_limits: "private",
  rate_limit_delays: "private",
  calendar_feeds: "private",
  server_secrets: "private",
  reminders_sent: "private",
};

/** FTS5 virtual tables (no triggers possible on them or their shadow tables): the search index
 * is written in the same transaction as course_search, whose triggers bump its topic. */
export const VIRTUAL_TOPICS: Record<string, Topic> = {
  course_fts: "catalog",
  course_fts_ngram: "catalog",
};

export const triggerName = (table: string, op: "insert" | "update" | "delete") =>
  `change_topic_${table}_${op}`;

/** The three triggers of one table, as they stand in sqlite_schema (without the final `;`). */
export function tableTriggers(table: string) {
  const topic = TABLE_TOPICS[table];
  if (!topic) throw new Error(`表 ${table} 没有变更主题（db/change-topics.ts）`);
  return (["insert", "update", "delete"] as const).map(
    (op) =>
      `CREATE TRIGGER ${triggerName(table, op)} AFTER ${op.toUpperCase()} ON ${table} BEGIN ` +
      `UPDATE change_topics SET n = n + 1 WHERE topic = '${topic}'; END`,
  );
}

/** A migration that (re)creates the triggers of `tables`, and the counter row of every topic. */
export function triggersMigration(tables: readonly string[]) {
  const statements = [
    ...TOPICS.map((t) => `INSERT OR IGNORE INTO change_topics (topic, n) VALUES ('${t}', 0)`),
    ...tables.flatMap((table) => [
      ...(["insert", "update", "delete"] as const).map(
        (op) => `DROP TRIGGER IF EXISTS ${triggerName(table, op)}`,
      ),
      ...tableTriggers(table),
    ]),
  ];
  return (
    "-- Generated by `npx tsx db/change-topics.ts write …` from db/change-topics.ts.\n" +
    statements.map((s) => `${s};`).join("\n--> statement-breakpoint\n") +
    "\n"
  );
}

/** The tables of the first change-topics migration (the schema as it stood then). */
export const FIRST_TABLES = Object.keys(TABLE_TOPICS);

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve("db/change-topics.ts")) {
  const [cmd, suffix, ...tables] = process.argv.slice(2);
  if (cmd !== "write" || !suffix) {
    console.error("用法：npx tsx db/change-topics.ts write <迁移名> [表…]");
    process.exit(1);
  }
  const folder = path.resolve("db/migrations");
  const file = fs.readdirSync(folder).find((f) => f.endsWith(`_${suffix}.sql`));
  if (!file) throw new Error(`没有找到 *_${suffix}.sql 迁移文件`);
  const list = tables.length ? tables : FIRST_TABLES;
  fs.writeFileSync(path.join(folder, file), triggersMigration(list));
  console.log(`已写入 ${file}（${list.length} 张表）`);
}
