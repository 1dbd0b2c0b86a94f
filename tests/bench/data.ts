/**
 * The benchmarks' data-building part (kept apart from the measuring in lib.ts and the *.bench.ts
 * files, so the generator can be swapped without touching how anything is measured).
 *
 * `prepareBenchDb()` returns a SQLite file at city scale and what the benches need from it:
 *   - the demo seed (`db/seed.ts`: 201 academies, 500 residents with enrolments, teachers, schedules),
 *   - 4,300 generated published courses (the city's "近 4,300 门课程", BENCH_COURSES),
 *   - 4,600 generated runs with 8 weekly sessions each (the city's "4,600+ 开课门次", BENCH_RUNS),
 *   - sessions made directly for the resident, the manager and the HQ admin demo accounts,
 *   - an open first-come run with room for everyone and WRITERS users with sessions, for the
 *     enrol/cancel write loop.
 * The built file is kept in tests/.tmp keyed by a hash of migrations, content, app/modules, this
 * file and the date, and copied for each run.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { and, asc, eq, isNull, sql } from "drizzle-orm";
import { migrateDatabase, openDatabase, type DB } from "@db/client";
import { seed } from "@db/seed";
import {
  academies,
  categories,
  classRuns,
  classSessions,
  courses,
  courseVersions,
  enrollments,
  rooms,
  users,
} from "@db/schema";
import { demoAcademy } from "~/modules/auth/demo.server";
import { createSession, generateSessionToken, SESSION_COOKIE } from "~/modules/auth/session.server";
import { AUDIENCES } from "~/modules/catalog/courses";
import { publishVersion } from "~/modules/catalog/courses.server";
import { docToText, markdownToDoc, renderDocHtml } from "~/modules/catalog/richtext.server";
import { demoRandom } from "~/modules/org/demo.server";
import { sessionLocalColumns } from "~/modules/scheduling/runs.server";
import { addDays, currentIsoWeek, timeOfMinutes, wallToUtc } from "~/modules/scheduling/time";

export const GENERATED_COURSES = Number(process.env.BENCH_COURSES ?? 4300);
export const CITY_RUNS = Number(process.env.BENCH_RUNS ?? 4600);
export const WRITERS = Number(process.env.BENCH_WRITERS ?? 50);
const DAY = 86_400_000;

const TOPICS = [
  ["垃圾分类", "环保"], ["节水节电", "环保"], ["海洋保护", "环保"], ["低碳出行", "环保"], ["阳台种菜", "环保"], ["湿地观鸟", "生态"],
  ["太极拳", "健身"], ["八段锦", "健身"], ["广场舞", "健身"], ["中医养生", "健康"], ["慢病管理", "健康"], ["心理调适", "健康"],
  ["党史学习", "党史"], ["红色家书", "党史"], ["英雄故事", "红色"], ["特区发展", "改革开放"], ["志愿服务", "雷锋"],
  ["闽南语", "方言"], ["南音", "非遗"], ["歌仔戏", "非遗"], ["剪纸", "非遗"], ["漆线雕", "非遗"], ["功夫茶", "茶艺"], ["鼓浪屿历史", "文化"],
  ["防诈骗", "安全"], ["消防安全", "安全"], ["民法典", "法治"], ["交通安全", "安全"], ["急救技能", "安全"],
  ["家风家训", "品德"], ["亲子阅读", "家庭"], ["文明礼仪", "品德"], ["邻里和睦", "社区"], ["智能手机", "数字生活"], ["摄影入门", "兴趣"],
];
const SUFFIX = ["入门", "实践课", "工作坊", "系列讲座", "进阶班", "体验营", "读书会", "小课堂"];
const PLACES = ["思明", "湖里", "集美", "海沧", "同安", "翔安", "鼓浪屿", "筼筜湖", "五缘湾", "环岛路"];
const FILLER = [
  "结合社区实际开展学习与讨论",
  "由志愿讲师带领居民动手实践",
  "通过案例分析帮助大家掌握要点",
  "课后布置家庭小任务并在下一讲分享",
  "邀请社区居民现身说法，交流心得体会",
  "适合零基础的居民参加，欢迎带家人一起来",
  "讲授与互动相结合，每讲留出提问时间",
];

function pick<T>(r: () => number, list: readonly T[]) {
  return list[Math.floor(r() * list.length)]!;
}

/** Adds `n` generated published courses, spread over the categories, through the real publish path. */
export function generateCourses(db: DB, n: number, seed = 2015) {
  const r = demoRandom(seed);
  const cats = db.select().from(categories).all();
  const letters = "ABCDEFGHJK";
  const t0 = Date.now();
  db.transaction(
    (tx) => {
      for (let i = 0; i < n; i++) {
        const cat = cats[i % cats.length]!;
        const [topic, tag] = pick(r, TOPICS);
        const place = pick(r, PLACES);
        const title = `${place}${topic}${pick(r, SUFFIX)}（${Math.floor(i / cats.length) + 1}）`;
        const sessions = 2 + Math.floor(r() * 8);
        const lines = Array.from({ length: sessions }, (_, k) => `- 第${k + 1}讲：${pick(r, TOPICS)[0]}——${pick(r, FILLER)}`);
        const md = `## 课程简介\n\n本课程围绕${topic}展开，${pick(r, FILLER)}，${pick(r, FILLER)}。\n\n## 课次安排\n\n${lines.join("\n")}\n\n## 教学方式\n\n${pick(r, FILLER)}。`;
        const doc = markdownToDoc(md);
        const audience = [...new Set([pick(r, AUDIENCES), pick(r, AUDIENCES)])];
        const code = `G${letters[i % cats.length]}-${String(Math.floor(i / cats.length) + 1).padStart(4, "0")}`;
        const c = tx
          .insert(courses)
          .values({ code, categoryId: cat.id, sourceLevel: r() < 0.8 ? "city" : "district", ownerType: "city", ownerId: 0, createdAt: t0, updatedAt: t0 })
          .returning()
          .get();
        const v = tx
          .insert(courseVersions)
          .values({
            courseId: c.id,
            versionNo: 1,
            status: "review",
            title,
            summary: `在${place}的社区书院学习${topic}：${pick(r, FILLER)}。`,
            audience,
            sessions,
            minutesPerSession: pick(r, [60, 90, 120]),
            objectives: [`了解${topic}的基本知识`, `能在生活中运用${topic}的方法`],
            tags: [topic, tag],
            body: doc,
            bodyHtml: renderDocHtml(doc),
            bodyText: docToText(doc),
            createdAt: t0,
            updatedAt: t0,
          })
          .returning()
          .get();
        publishVersion(tx, c, v, null, null, "import");
      }
    },
    { behavior: "immediate" },
  );
}

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

const root = path.resolve(import.meta.dirname, "../..");
const GENERATOR_VERSION = 2;

/** Hash of everything the generated database depends on. */
function inputsHash() {
  const h = crypto
    .createHash("sha256")
    .update(`${GENERATOR_VERSION}:${GENERATED_COURSES}:${CITY_RUNS}:${WRITERS}:${new Date().toISOString().slice(0, 10)}`);
  const walk = (p: string) => {
    const st = fs.statSync(p);
    if (st.isDirectory()) for (const e of fs.readdirSync(p).sort()) walk(path.join(p, e));
    else h.update(p).update(fs.readFileSync(p));
  };
  for (const p of ["db/migrations", "db/seed.ts", "content", "app/modules", "tests/bench/data.ts"]) walk(path.join(root, p));
  return h.digest("hex").slice(0, 16);
}

export type BenchDb = {
  file: string;
  counts: { academies: number; courses: number; runs: number; sessions: number };
  /** The demo academy (湖里区, first by slug) and one of its open runs. */
  slug: string;
  courseCode: string;
  openRunId: number;
  /** `cookie` header values for the demo resident, manager and HQ admin. */
  cookies: { resident: string; manager: string; hq: string };
  /** A run the demo resident holds a seat in. */
  residentRunId: number;
  /** The write loop's run (first-come, room for all writers) and the writers' cookies. */
  writeRunId: number;
  writerCookies: string[];
  cleanup: () => void;
};

type Meta = Omit<BenchDb, "file" | "cleanup">;

function build(file: string): Promise<Meta> {
  return (async () => {
    const db = openDatabase(file);
    migrateDatabase(db);
    await seed(db, { demo: "force" });
    generateCourses(db, GENERATED_COURSES);
    const sessions = generateRuns(db, CITY_RUNS);
    const now = Date.now();
    const cookie = (phone: string) => {
      const u = db.select({ id: users.id }).from(users).where(eq(users.phone, phone)).get()!;
      const token = generateSessionToken();
      createSession(db, token, u.id, now);
      return `${SESSION_COOKIE}=${token}`;
    };
    const cookies = { hq: cookie("13900000001"), manager: cookie("13900000004"), resident: cookie("13900000006") };
    const academy = demoAcademy(db);
    const resident = db.select({ id: users.id }).from(users).where(eq(users.phone, "13900000006")).get()!;
    const residentRunId = db
      .select({ runId: enrollments.runId })
      .from(enrollments)
      .where(and(eq(enrollments.userId, resident.id), isNull(enrollments.familyMemberId), eq(enrollments.status, "confirmed")))
      .orderBy(asc(enrollments.runId))
      .get()!.runId;
    const openRunId = db
      .select({ id: classRuns.id })
      .from(classRuns)
      .where(and(eq(classRuns.academyId, academy.id), eq(classRuns.status, "open")))
      .orderBy(asc(classRuns.id))
      .get()!.id;
    // The write loop's run: open now, first sessions in 10 days, a seat for every writer.
    const template = db.select().from(classRuns).where(eq(classRuns.id, openRunId)).get()!;
    const writeRun = db
      .insert(classRuns)
      .values({
        academyId: template.academyId,
        courseId: template.courseId,
        courseVersionId: template.courseVersionId,
        roomId: template.roomId,
        capacity: WRITERS + 10,
        overflowConfirmed: true,
        enrolOpensAt: now - DAY,
        enrolClosesAt: now + 30 * DAY,
        status: "open",
        guestTeacher: "压测讲师",
        createdAt: now,
        updatedAt: now,
      })
      .returning({ id: classRuns.id })
      .get();
    for (let w = 0; w < 2; w++) {
      const startsAt = now + (40 + 7 * w) * DAY;
      db.insert(classSessions)
        .values({ runId: writeRun.id, roomId: template.roomId, startsAt, endsAt: startsAt + 90 * 60_000, ...sessionLocalColumns(startsAt), createdAt: now, updatedAt: now })
        .run();
    }
    const writerCookies: string[] = [];
    db.transaction(
      (tx) => {
        for (let i = 0; i < WRITERS; i++) {
          const u = tx
            .insert(users)
            .values({ phone: `134${String(i).padStart(8, "0")}`, name: `压测居民${i + 1}`, passwordHash: "not-a-login", createdAt: now })
            .returning({ id: users.id })
            .get();
          const token = generateSessionToken();
          createSession(tx, token, u.id, now);
          writerCookies.push(`${SESSION_COOKIE}=${token}`);
        }
      },
      { behavior: "immediate" },
    );
    const courseCode = db
      .select({ code: courses.code })
      .from(courses)
      .where(sql`${courses.currentVersionId} is not null and ${courses.code} not like 'G%'`)
      .orderBy(asc(courses.code))
      .get()!.code;
    const count = (t: typeof academies | typeof courses | typeof classRuns) => db.select({ n: sql<number>`count(*)` }).from(t).get()!.n;
    const meta: Meta = {
      counts: { academies: count(academies), courses: count(courses), runs: count(classRuns), sessions },
      slug: academy.slug,
      courseCode,
      openRunId,
      cookies,
      residentRunId,
      writeRunId: writeRun.id,
      writerCookies,
    };
    db.run(sql`pragma optimize`);
    db.$client.pragma("wal_checkpoint(TRUNCATE)");
    db.$client.close();
    return meta;
  })();
}

/** A copy of the city-scale bench database (built once per inputs, then kept in tests/.tmp). */
export async function prepareBenchDb(): Promise<BenchDb> {
  const cacheDir = path.join(root, "tests/.tmp");
  const cached = path.join(cacheDir, `bench-city-${inputsHash()}.sqlite`);
  if (!fs.existsSync(cached)) {
    fs.mkdirSync(cacheDir, { recursive: true });
    const building = `${cached}.${process.pid}.building`;
    const meta = await build(building);
    for (const ext of ["-wal", "-shm"]) fs.rmSync(building + ext, { force: true });
    fs.writeFileSync(`${cached}.json`, JSON.stringify(meta));
    fs.renameSync(building, cached);
  }
  const meta = JSON.parse(fs.readFileSync(`${cached}.json`, "utf8")) as Meta;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "academy-bench-"));
  const file = path.join(dir, "bench.sqlite");
  fs.copyFileSync(cached, file);
  return { ...meta, file, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
