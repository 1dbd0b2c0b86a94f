/**
 * The world the trust suites (access matrix, fuzz, XSS) run in: a fresh database with the real
 * migrations and the full demo seed, plus the two actors the demo lacks (the manager of another
 * academy B and the staff of another district), a session for every role made directly in the
 * database (no logins, no argon2, no rate limits), and the ids of real objects in academy A
 * (the demo manager's) so each route's URL names something that exists.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { migrateDatabase, openDatabase, type DB } from "@db/client";
import { seed } from "@db/seed";
import { userRoles, users } from "@db/schema";
import { createSession, generateSessionToken } from "~/modules/auth/session.server";

export const ROLE_NAMES = [
  "anonymous",
  "resident",
  "teacher",
  "managerA",
  "managerB",
  "districtOwn",
  "districtOther",
  "hqEditor",
  "hqAdmin",
] as const;
export type RoleName = (typeof ROLE_NAMES)[number];

export type TrustIds = {
  academyA: string;
  /** Academy A's id (the academy admin pages use ids, not slugs). */
  academyAId: number;
  academyB: string;
  runA: number;
  runB: number;
  sessionA: number;
  orderA: number;
  orderOtherDistrict: number;
  activityA: number;
  topicA: number;
  meetingA: number;
  surveyA: number;
  proposalA: number;
  organisationA: number;
  residentEnrollment: number;
  courseId: number;
  courseCode: string;
  versionNo: number;
  resourceId: number;
  teacherId: number;
  userId: number;
};

export type TrustWorld = {
  dir: string;
  file: string;
  tokens: Record<Exclude<RoleName, "anonymous">, string>;
  userIds: Record<Exclude<RoleName, "anonymous">, number>;
  ids: TrustIds;
  cleanup: () => void;
};

function one<T>(db: DB, sql: string, ...args: unknown[]): T {
  const row = db.$client.prepare(sql).get(...args) as Record<string, unknown> | undefined;
  if (!row) throw new Error(`the demo has no row for: ${sql}`);
  return Object.values(row)[0] as T;
}

export async function prepareTrustWorld(): Promise<TrustWorld> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "academy-trust-"));
  const file = path.join(dir, "trust.sqlite");
  const db = openDatabase(file);
  migrateDatabase(db);
  await seed(db, { demo: "force" });

  const phoneId = (phone: string) => one<number>(db, "select id from users where phone = ?", phone);
  const academyAId = one<number>(
    db,
    "select scope_id from user_roles where role = 'academy_manager' and user_id = ?",
    phoneId("13900000004")
  );
  const huliId = one<number>(db, "select id from districts where code = 'huli'");
  // B: another academy in the same district (so district staff may see it, manager A may not).
  const academyBId = one<number>(
    db,
    "select a.id from academies a where a.district_id = ? and a.id <> ? and exists (select 1 from class_runs r where r.academy_id = a.id) order by a.slug limit 1",
    huliId,
    academyAId
  );
  const otherDistrictId = one<number>(db, "select id from districts where id <> ? order by code limit 1", huliId);
  const now = Date.now();
  const tokens = {} as TrustWorld["tokens"];
  const userIds = {} as TrustWorld["userIds"];
  db.transaction(
    (tx) => {
      const extra = (phone: string, name: string) =>
        tx
          .insert(users)
          .values({ phone, name, passwordHash: "not-a-login", createdAt: now })
          .returning({ id: users.id })
          .get().id;
      const managerB = extra("13800000101", "另一书院管理员");
      tx.insert(userRoles)
        .values({ userId: managerB, role: "academy_manager", scopeType: "academy", scopeId: academyBId, grantedAt: now })
        .run();
      const districtOther = extra("13800000102", "另一区指导中心");
      tx.insert(userRoles)
        .values({ userId: districtOther, role: "district_staff", scopeType: "district", scopeId: otherDistrictId, grantedAt: now })
        .run();
      const ids: Record<Exclude<RoleName, "anonymous">, number> = {
        resident: phoneId("13900000006"),
        teacher: phoneId("13900000005"),
        managerA: phoneId("13900000004"),
        managerB,
        districtOwn: phoneId("13900000003"),
        districtOther,
        hqEditor: phoneId("13900000002"),
        hqAdmin: phoneId("13900000001"),
      };
      for (const [role, id] of Object.entries(ids) as [Exclude<RoleName, "anonymous">, number][]) {
        const token = generateSessionToken();
        createSession(tx, token, id, now);
        tokens[role] = token;
        userIds[role] = id;
      }
    },
    { behavior: "immediate" }
  );

  // The demo has neither a needs survey nor a library resource: one of each.
  db.$client
    .prepare("insert into needs_surveys (academy_id, title, intro, questions, status, created_at) values (?, '测试调查', '', ?, 'open', ?)")
    .run(academyAId, JSON.stringify([{ id: "q1", label: "想学什么", kind: "text", options: [], required: false }]), now);
  db.$client
    .prepare("insert into resources (kind, title, mime, url, visibility, created_at) values ('video_link', '测试视频', 'text/html', 'https://example.org/v', 'public', ?)")
    .run(now);
  const slugOf = (id: number) => one<string>(db, "select slug from academies where id = ?", id);
  const runA = one<number>(db, "select id from class_runs where academy_id = ? order by id limit 1", academyAId);
  const courseId = one<number>(db, "select course_id from class_runs where id = ?", runA);
  const ids: TrustIds = {
    academyA: slugOf(academyAId),
    academyAId,
    academyB: slugOf(academyBId),
    runA,
    runB: one<number>(db, "select id from class_runs where academy_id = ? order by id limit 1", academyBId),
    sessionA: one<number>(db, "select id from class_sessions where run_id = ? order by id limit 1", runA),
    orderA: one<number>(db, "select id from course_orders where academy_id = ? order by id limit 1", academyAId),
    orderOtherDistrict: one<number>(
      db,
      "select o.id from course_orders o join academies a on a.id = o.academy_id where a.district_id <> ? order by o.id limit 1",
      huliId
    ),
    activityA: one<number>(db, "select id from activities where academy_id = ? order by id limit 1", academyAId),
    topicA: one<number>(db, "select id from topics where academy_id = ? order by id limit 1", academyAId),
    meetingA: one<number>(
      db,
      "select m.id from meetings m join topics t on t.id = m.topic_id where t.academy_id = ? order by m.id limit 1",
      academyAId
    ),
    surveyA: one<number>(db, "select id from needs_surveys where academy_id = ? order by id limit 1", academyAId),
    proposalA: one<number>(db, "select id from course_proposals where academy_id = ? order by id limit 1", academyAId),
    organisationA: one<number>(db, "select id from organisations where academy_id = ? order by id limit 1", academyAId),
    residentEnrollment: one<number>(
      db,
      "select id from enrollments where user_id = ? order by id limit 1",
      userIds.resident
    ),
    courseId,
    courseCode: one<string>(db, "select code from courses where id = ?", courseId),
    versionNo: one<number>(db, "select max(version_no) from course_versions where course_id = ?", courseId),
    resourceId: one<number>(db, "select id from resources order by id limit 1"),
    teacherId: one<number>(db, "select id from teachers order by id limit 1"),
    userId: userIds.resident,
  };
  db.$client.close();
  return { dir, file, tokens, userIds, ids, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** The Cookie header of a role (none for anonymous). */
export function cookieOf(world: TrustWorld, role: RoleName): Record<string, string> {
  return role === "anonymous" ? {} : { Cookie: `session=${world.tokens[role]}` };
}
