/**
 * The benchmarks' data-building part (kept apart from the measuring in lib.ts and the *.bench.ts
 * files, so the generator can be swapped without touching how anything is measured).
 *
 * `prepareBenchDb()` returns a SQLite file at city scale (BENCH_SCALE=province: 10×) and what the benches need from it:
 *   - the scale generator's database (`npm run db:seed -- --scale city`, db/generate.ts): the demo
 *     seed plus ~4,300 courses, ~4,600 runs over two years, 150,000 residents, 23,000 activities,
 *     over 520,000 participations,
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
import { migrateDatabase, openDatabase } from "@db/client";
import { generate, SCALES, type Scale } from "@db/generate";
import { academies, classRuns, classSessions, courses, enrollments, users } from "@db/schema";
import { demoAcademy } from "@db/demo/accounts";
import { createSession, generateSessionToken, SESSION_COOKIE } from "~/modules/auth/session.server";
import { sessionLocalColumns } from "~/modules/scheduling/runs.server";

/** BENCH_SCALE=city (default) or province: which scale of `npm run db:seed -- --scale …` the benches run on. */
export const BENCH_SCALE: Exclude<Scale, "demo"> =
  (SCALES as readonly string[]).includes(process.env.BENCH_SCALE ?? "") &&
  process.env.BENCH_SCALE !== "demo"
    ? (process.env.BENCH_SCALE as "city" | "province")
    : "city";
export const WRITERS = Number(process.env.BENCH_WRITERS ?? 50);
const DAY = 86_400_000;

const root = path.resolve(import.meta.dirname, "../..");
const GENERATOR_VERSION = 2;

/** Hash of everything the generated database depends on. */
function inputsHash() {
  const h = crypto
    .createHash("sha256")
    .update(
      `${GENERATOR_VERSION}:${BENCH_SCALE}:${WRITERS}:${new Date().toISOString().slice(0, 10)}`,
    );
  const walk = (p: string) => {
    const st = fs.statSync(p);
    if (st.isDirectory()) for (const e of fs.readdirSync(p).sort()) walk(path.join(p, e));
    else h.update(p).update(fs.readFileSync(p));
  };
  for (const p of [
    "db/migrations",
    "db/seed.ts",
    "db/generate.ts",
    "content",
    "app/modules",
    "tests/bench/data.ts",
  ])
    walk(path.join(root, p));
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
    // The scale generator (db/generate.ts): the demo seed plus the city's (or the province's) figures.
    await generate(db, { scale: BENCH_SCALE, seed: 2015, log: (l) => console.log(l) });
    const sessions = (
      db.$client.prepare("SELECT count(*) n FROM class_sessions").get() as { n: number }
    ).n;
    const now = Date.now();
    const cookie = (phone: string) => {
      const u = db.select({ id: users.id }).from(users).where(eq(users.phone, phone)).get()!;
      const token = generateSessionToken();
      createSession(db, token, u.id, now);
      return `${SESSION_COOKIE}=${token}`;
    };
    const cookies = {
      hq: cookie("13900000001"),
      manager: cookie("13900000004"),
      resident: cookie("13900000006"),
    };
    const academy = demoAcademy(db);
    const resident = db
      .select({ id: users.id })
      .from(users)
      .where(eq(users.phone, "13900000006"))
      .get()!;
    const residentRunId = db
      .select({ runId: enrollments.runId })
      .from(enrollments)
      .where(
        and(
          eq(enrollments.userId, resident.id),
          isNull(enrollments.familyMemberId),
          eq(enrollments.status, "confirmed"),
        ),
      )
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
        enrollOpensAt: now - DAY,
        enrollClosesAt: now + 30 * DAY,
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
        .values({
          runId: writeRun.id,
          roomId: template.roomId,
          startsAt,
          endsAt: startsAt + 90 * 60_000,
          ...sessionLocalColumns(startsAt),
          createdAt: now,
          updatedAt: now,
        })
        .run();
    }
    const writerCookies: string[] = [];
    db.transaction(
      (tx) => {
        for (let i = 0; i < WRITERS; i++) {
          const u = tx
            .insert(users)
            .values({
              phone: `134${String(i).padStart(8, "0")}`,
              name: `压测居民${i + 1}`,
              passwordHash: "not-a-login",
              createdAt: now,
            })
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
    const count = (t: typeof academies | typeof courses | typeof classRuns) =>
      db
        .select({ n: sql<number>`count(*)` })
        .from(t)
        .get()!.n;
    const meta: Meta = {
      counts: {
        academies: count(academies),
        courses: count(courses),
        runs: count(classRuns),
        sessions,
      },
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

/**
 * A copy of the city-scale bench database (built once per inputs, then kept in tests/.tmp).
 * BENCH_REUSE_DB=path: copy that file (and its `path.json`, written beside every built one)
 * instead, e.g. to compare builds while app/modules changes (which would regenerate otherwise).
 */
export async function prepareBenchDb(): Promise<BenchDb> {
  const cacheDir = path.join(root, "tests/.tmp");
  const reuse = process.env.BENCH_REUSE_DB;
  const cached = reuse
    ? path.resolve(reuse)
    : path.join(cacheDir, `bench-${BENCH_SCALE}-${inputsHash()}.sqlite`);
  if (!fs.existsSync(cached)) {
    if (reuse) throw new Error(`BENCH_REUSE_DB=${reuse} does not exist`);
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
