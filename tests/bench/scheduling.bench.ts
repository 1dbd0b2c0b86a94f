/**
 * Scheduling at city scale: 201 academies with their rooms, the starter library, and 4,600 runs
 * (the city's "4,600+ 开课门次") with weekly sessions spread over the past 40 and the next 12
 * weeks, served by the built app (remix-serve) on its own port and database. 20 connections for
 * BENCH_SECONDS (default 10) each, alternating with the trivial routes (/help, a page with no
 * loader of its own, and /healthz, a text route) in rotating 2-second windows of the same run
 * (the manager's page and its baselines all with the manager's session cookie), against:
 *   /academies/huli-001          the academy page with its upcoming classes (public)
 *   /manage/huli-001             the manager's week view with every room (signed in as its manager)
 *   /classes                     the city-wide class finder, first page
 *   /classes?q=防诈骗&time=evening  the finder with search and a time filter
 *   /academies/huli-001/menu     the printable weekly menu (with its QR code)
 * Target: each ≥ 0.5 of the trivial route.
 *
 *   npm run bench                               (builds, then runs every tests/bench/*.bench.ts)
 *   npx tsx tests/bench/scheduling.bench.ts     (this one alone; builds if build/ is stale)
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { asc, eq, sql } from "drizzle-orm";
import { migrateDatabase, openDatabase, type DB } from "@db/client";
import { academies, classRuns, classSessions, courses, courseVersions, rooms, users } from "@db/schema";
import { demoAcademy, seedDemoAccounts } from "~/modules/auth/demo.server";
import { createSession, generateSessionToken, SESSION_COOKIE } from "~/modules/auth/session.server";
import { importCatalogContent } from "~/modules/catalog/import.server";
import { seedDemoAcademies, demoRandom } from "~/modules/org/demo.server";
import { importOrgContent } from "~/modules/org/import.server";
import { seedDemoRooms } from "~/modules/scheduling/demo.server";
import { sessionLocalColumns } from "~/modules/scheduling/runs.server";
import { addDays, currentIsoWeek, timeOfMinutes, wallToUtc } from "~/modules/scheduling/time";
import { ensureBuild, startBuiltServer } from "../factories/built-server";
import { measureAgainstTrivial, printLegend, type PageResult } from "./lib";

export const CITY_RUNS = Number(process.env.BENCH_RUNS ?? 4600);
const SLOTS = [9 * 60, 10 * 60 + 45, 14 * 60 + 30, 16 * 60 + 15, 19 * 60];

/** 4,600 runs over every academy's rooms, 8 weekly sessions each, no room double-booked. */
export function generateRuns(db: DB, n: number, now = Date.now()) {
  const library = db
    .select({ courseId: courses.id, versionId: courseVersions.id, minutes: courseVersions.minutesPerSession })
    .from(courses)
    .innerJoin(courseVersions, eq(courseVersions.id, courses.currentVersionId))
    .orderBy(asc(courses.code))
    .all();
  const list = db.select({ id: academies.id }).from(academies).orderBy(asc(academies.id)).all();
  const roomsOf = new Map<number, { id: number; capacity: number }[]>();
  for (const r of db.select({ id: rooms.id, academyId: rooms.academyId, capacity: rooms.capacity }).from(rooms).all()) {
    roomsOf.set(r.academyId, [...(roomsOf.get(r.academyId) ?? []), r]);
  }
  const r = demoRandom(4600);
  const monday = currentIsoWeek(now).monday;
  let sessions = 0;
  db.transaction(
    (tx) => {
      for (let i = 0; i < n; i++) {
        const academyId = list[i % list.length]!.id;
        const k = Math.floor(i / list.length); // the academy's k-th run
        const roomList = roomsOf.get(academyId)!;
        const room = roomList[k % roomList.length]!;
        // Runs of one room take turns over the weekly slots and over 8-week blocks of the year.
        const slot = Math.floor(k / roomList.length);
        const weekday = 1 + (slot % 7);
        const start = SLOTS[Math.floor(slot / 7) % SLOTS.length]!;
        const block = Math.floor(slot / (7 * SLOTS.length));
        const firstWeek = -40 + ((block * 8 + (k % 6) * 8) % 52);
        const course = library[Math.floor(r() * library.length)]!;
        const minutes = Math.min(100, course.minutes);
        const firstDate = addDays(monday, firstWeek * 7 + weekday - 1);
        const lastStart = wallToUtc(addDays(firstDate, 7 * 7), timeOfMinutes(start));
        const status = lastStart < now ? "finished" : r() < 0.3 ? "full" : "open";
        const run = tx
          .insert(classRuns)
          .values({
            academyId,
            courseId: course.courseId,
            courseVersionId: course.versionId,
            roomId: room.id,
            capacity: Math.min(room.capacity, 20 + Math.floor(r() * 20)),
            status,
            guestTeacher: "社区志愿讲师",
            createdAt: now,
            updatedAt: now,
          })
          .returning({ id: classRuns.id })
          .get();
        for (let w = 0; w < 8; w++) {
          const startsAt = wallToUtc(addDays(firstDate, w * 7), timeOfMinutes(start));
          tx.insert(classSessions)
            .values({ runId: run.id, roomId: room.id, startsAt, endsAt: startsAt + minutes * 60_000, ...sessionLocalColumns(startsAt), createdAt: now, updatedAt: now })
            .run();
          sessions++;
        }
      }
    },
    { behavior: "immediate" },
  );
  return sessions;
}

export async function prepareCityDb() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "academy-schedule-bench-"));
  const file = path.join(dir, "bench.sqlite");
  const db = openDatabase(file);
  migrateDatabase(db);
  importOrgContent(db);
  importCatalogContent(db);
  seedDemoAcademies(db);
  await seedDemoAccounts(db);
  seedDemoRooms(db);
  const sessions = generateRuns(db, CITY_RUNS);
  const manager = db.select().from(users).where(eq(users.phone, "13900000004")).get()!;
  const token = generateSessionToken();
  createSession(db, token, manager.id);
  const academy = demoAcademy(db);
  const counts = {
    academies: db.select({ n: sql<number>`count(*)` }).from(academies).get()!.n,
    runs: db.select({ n: sql<number>`count(*)` }).from(classRuns).get()!.n,
    sessions,
    rooms: db.select({ n: sql<number>`count(*)` }).from(rooms).get()!.n,
  };
  db.run(sql`pragma optimize`);
  db.$client.pragma("wal_checkpoint(TRUNCATE)");
  db.$client.close();
  return { file, counts, slug: academy.slug, cookie: `${SESSION_COOKIE}=${token}`, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export async function run() {
  ensureBuild();
  const t = performance.now();
  const prepared = await prepareCityDb();
  const c = prepared.counts;
  console.log(`排课数据：${c.academies} 所书院、${c.rooms} 间教室、${c.runs} 个班、${c.sessions} 次课（${((performance.now() - t) / 1000).toFixed(1)} s）`);
  const server = await startBuiltServer({ dbFile: prepared.file });
  try {
    const targets: [string, string, Record<string, string>][] = [
      ["/ (home, reference)", "/", {}],
      [`/academies/${prepared.slug}`, `/academies/${prepared.slug}`, {}],
      [`/manage/${prepared.slug}`, `/manage/${prepared.slug}`, { cookie: prepared.cookie }],
      ["/classes", "/classes", {}],
      ["/classes?q=防诈骗&time=…", `/classes?q=${encodeURIComponent("防诈骗")}&time=evening`, {}],
      [`/academies/…/menu`, `/academies/${prepared.slug}/menu`, {}],
    ];
    const results: PageResult[] = [];
    for (const [label, p, headers] of targets) results.push(await measureAgainstTrivial(server.url, label, p, headers));
    printLegend(results);
    return { results };
  } finally {
    await server.stop();
    prepared.cleanup();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  await run();
}
