/**
 * Change topics for the HTML cache (db/change-topics.ts, app/utils/html-cache.server.ts):
 * - every public page that declares `handle.cacheTopics` reads only tables of those topics: the page
 *   is rendered signed out on a fresh connection (empty statement and memo caches) that records
 *   every SQL text it prepares, each statement is EXPLAINed, and its OpenRead/OpenWrite root pages
 *   are mapped to tables through sqlite_schema (an index to its table, FTS to its topic);
 * - a page that declares a topic checked (`handle.cacheChecked`) reads that topic's tables only
 *   through statements of a function that notes a check (seatsTakenByRun);
 * - behaviour in front of the built app: an enrolment leaves /courses cached but shows on the next
 *   /classes view, a course publish shows on the next /courses view.
 */
import type { AddressInfo } from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";
import Database from "better-sqlite3";
import { eq } from "drizzle-orm";
import { createRequestHandler, type ServerBuild } from "@remix-run/node";
import { changeStamp, getDb, openDatabase, topicCounters, type DB } from "@db/client";
import { TABLE_TOPICS, TOPICS, VIRTUAL_TOPICS } from "@db/change-topics";
import { academies, activities, classRuns, courseVersions, rooms } from "@db/schema";
import { seed } from "@db/seed";
import {
  CACHE_CHECKED_HEADER,
  CACHE_TOPICS_HEADER,
  cachedRemixHandler,
  createHtmlCache,
  NONCE_PLACEHOLDER,
  type HtmlCache,
} from "~/utils/html-cache.server";
import { enroll } from "~/modules/enrollment/enroll.server";
import { createApp } from "~/modules/ops/http.server";
import { servingMiddleware } from "~/utils/serving.server";
import { ensureBuild } from "@tests/factories/built-server";
import { createCourse } from "@tests/factories/catalog";
import { createOpenRun } from "@tests/factories/enrollment";
import { createActor } from "@tests/factories/users";
import { insertActivity } from "@tests/factories/activities";
import { registerForActivity } from "~/modules/community/activities-registration.server";
import { createTestDb, explainWithNulls, type TestDb } from "@tests/factories/db";
import { collectingChecks, type ReadCheck } from "@db/read-checks";

let db: TestDb;
let build: ServerBuild;
let analysis: Database.Database;
const saved = process.env.DATABASE_PATH;
const savedDb = globalThis.__db;

beforeAll(async () => {
  ensureBuild();
  db = createTestDb();
  await seed(db, { demo: "force" });
  process.env.DATABASE_PATH = db.file;
  build = (await import(pathToFileURL(path.resolve("build/server/index.js")).href)) as ServerBuild;
  analysis = new Database(db.file, { readonly: true });
}, 600_000);
afterAll(() => {
  process.env.DATABASE_PATH = saved;
  analysis?.close();
  if (globalThis.__db !== savedDb) globalThis.__db?.$client.close();
  globalThis.__db = savedDb;
  db?.cleanup();
});

function explain(sqlText: string) {
  return explainWithNulls<{ opcode: string; p2: number; p3: number }>(analysis, "EXPLAIN", sqlText);
}

/** The tables a statement opens (reads or writes), by name. */
export function tablesOf(sqlText: string): Set<string> {
  const byRoot = new Map<number, string>();
  for (const r of analysis
    .prepare("SELECT type, name, tbl_name, rootpage FROM sqlite_schema WHERE rootpage > 0")
    .all() as { type: string; name: string; tbl_name: string; rootpage: number }[])
    byRoot.set(r.rootpage, r.type === "index" ? r.tbl_name : r.name);
  const out = new Set<string>();
  for (const op of explain(sqlText)) {
    if (["OpenRead", "OpenWrite", "ReopenIdx"].includes(op.opcode) && op.p3 === 0) {
      const t = byRoot.get(op.p2);
      if (!t) throw new Error(`root page ${op.p2} of ${sqlText} is no table`);
      out.add(t);
    }
    if (op.opcode === "VOpen")
      for (const v of Object.keys(VIRTUAL_TOPICS))
        if (new RegExp(`\\b${v}\\b`).test(sqlText)) out.add(v);
  }
  return out;
}

/** A fresh connection that records every SQL text it prepares. */
function recordingConnection() {
  const seen = new Set<string>();
  const conn: DB = openDatabase(db.file);
  const prepare = conn.$client.prepare.bind(conn.$client);
  conn.$client.prepare = ((source: string) => {
    seen.add(source);
    return prepare(source);
  }) as typeof conn.$client.prepare;
  return { conn, seen };
}

/** Runs `fn` with a fresh recording connection as the database; the SQL texts it prepared. */
async function recording<T>(fn: () => Promise<T> | T) {
  const { conn, seen } = recordingConnection();
  const before = globalThis.__db;
  globalThis.__db = conn;
  try {
    return { out: await fn(), statements: [...seen] };
  } finally {
    globalThis.__db = before;
    conn.$client.close();
  }
}

/**
 * Renders `url` signed out, for the cache, on a fresh recording connection; then runs the checks
 * its reads noted (db/read-checks.ts) on another one: `checked` is the SQL those checks ran.
 */
async function renderRecording(url: string) {
  const checks: ReadCheck[] = [];
  const { out: res, statements } = await recording(() =>
    collectingChecks(checks, async () => {
      const r = await createRequestHandler(build, "production")(
        new Request(`http://localhost${url}`),
        { cspNonce: NONCE_PLACEHOLDER },
      );
      await r.text();
      return r;
    }),
  );
  const { out: held, statements: checked } = await recording(() => checks.every((c) => c()));
  expect(held, `${url}: its checks hold right after it rendered`).toBe(true);
  return { res, statements, checked: new Set(checked), checks: checks.length };
}

const PAGES = () => {
  // A course with pool teachers and resources, so that its page reads them.
  const code = (
    db.$client
      .prepare(
        `SELECT c.code FROM courses c WHERE c.current_version_id IS NOT NULL
         ORDER BY EXISTS (SELECT 1 FROM teacher_courses t WHERE t.course_id = c.id)
                + EXISTS (SELECT 1 FROM resources r WHERE r.course_id = c.id) DESC, c.id LIMIT 1`,
      )
      .get() as { code: string }
  ).code;
  const slug = db.select({ slug: academies.slug }).from(academies).limit(1).get()!.slug;
  const run = db
    .select({ id: classRuns.id })
    .from(classRuns)
    .where(eq(classRuns.status, "open"))
    .limit(1)
    .get()!.id;
  const activity = db
    .select({ id: activities.id })
    .from(activities)
    .where(eq(activities.status, "scheduled"))
    .limit(1)
    .get()!.id;
  return [
    "/",
    "/help",
    "/courses",
    "/courses?q=环保",
    `/courses/${code}`,
    "/academies",
    "/academies?district=huli",
    `/academies/${slug}`,
    `/academies/${slug}/menu`,
    "/classes",
    "/classes?seats=1&q=书法",
    `/classes/${run}`,
    "/activities",
    "/activities?open=1",
    `/activities/${activity}`,
  ];
};

describe("declared topics cover every table a page reads", () => {
  it("renders each public page signed out and checks each SQL statement it ran", async () => {
    const problems: string[] = [];
    const checkedPages: string[] = [];
    for (const url of PAGES()) {
      const { res, statements, checked: checkedSql } = await renderRecording(url);
      expect(res.status, url).toBe(200);
      const header = res.headers.get(CACHE_TOPICS_HEADER);
      expect(header, `${url} declares its topics`).not.toBe("*");
      const declared = new Set(header ? header.split(",") : []);
      for (const t of declared) expect(TOPICS, url).toContain(t);
      const checked = new Set(res.headers.get(CACHE_CHECKED_HEADER)?.split(",") ?? []);
      if (checked.size) checkedPages.push(url);
      for (const t of checked) expect(declared, url).toContain(t);
      expect(statements.length, url).toBeGreaterThan(0);
      for (const s of statements)
        for (const table of tablesOf(s)) {
          if (table === "change_topics") continue;
          const topic = TABLE_TOPICS[table] ?? VIRTUAL_TOPICS[table];
          if (!topic || !declared.has(topic))
            problems.push(`${url} reads ${table} (${topic ?? "no topic"}): ${s.slice(0, 120)}`);
          else if (checked.has(topic) && !checkedSql.has(s))
            problems.push(`${url} reads checked ${table} outside its checks: ${s.slice(0, 120)}`);
        }
    }
    expect(problems).toEqual([]);
    // The finders and an academy's page are among them, so the rule above is exercised.
    expect(checkedPages).toEqual(
      expect.arrayContaining([
        "/classes",
        "/classes?seats=1&q=书法",
        "/activities",
        "/activities?open=1",
        expect.stringMatching(/^\/academies\/[a-z]+-\d+$/),
        expect.stringMatching(/^\/classes\/\d+$/),
        expect.stringMatching(/^\/activities\/\d+$/),
      ]),
    );
  }, 120_000);

  it("would report a checked page that reads the topic around its checks", async () => {
    const { checked, checks } = await renderRecording("/classes");
    expect(checks).toBeGreaterThan(0);
    const seatsSql = [...checked].filter((s) => tablesOf(s).has("enrollments"));
    expect(seatsSql.length).toBeGreaterThan(0);
    const waitlist = "SELECT count(*) FROM enrollments WHERE run_id = ? AND status = 'waitlisted'";
    expect(tablesOf(waitlist)).toContain("enrollments");
    expect(checked.has(waitlist)).toBe(false);
  });

  it("finds the tables of a statement, so that a missing topic would be reported", () => {
    expect(tablesOf("SELECT name FROM users WHERE phone = ?")).toEqual(new Set(["users"]));
    expect(
      tablesOf(
        "SELECT c.code FROM courses c JOIN enrollments e ON e.run_id = c.id WHERE c.code = ?",
      ),
    ).toEqual(new Set(["courses", "enrollments"]));
    expect(tablesOf("SELECT rowid FROM course_fts WHERE course_fts MATCH ?")).toContain(
      "course_fts",
    );
  });
});

describe("the cache keyed to the pages' topics", () => {
  let cache: HtmlCache;
  let handle: (request: Request) => Promise<Response>;
  beforeAll(() => {
    globalThis.__db = openDatabase(db.file);
    cache = createHtmlCache({
      stamp: () => changeStamp(getDb()),
      counters: () => topicCounters(getDb()),
    });
    handle = cachedRemixHandler(build, cache, "production");
  });
  beforeEach(() => cache.clear());
  const get = async (p: string) => {
    const res = await handle(new Request(`http://localhost${p}`));
    expect(res.headers.has(CACHE_TOPICS_HEADER)).toBe(false);
    return { res, body: await res.text() };
  };

  const publishedVersion = (w: DB) =>
    w.select().from(courseVersions).where(eq(courseVersions.status, "published")).limit(1).get()!;

  it("keeps /courses cached through an enrolment, and shows the seat taken on the next /classes", async () => {
    const w = getDb();
    const version = publishedVersion(w);
    const room = w.select().from(rooms).limit(1).get()!;
    const run = createOpenRun(
      w,
      {
        a: { id: room.academyId },
        roomA: room,
        course: { id: version.courseId },
        version,
      },
      { capacity: 5 },
    );
    const resident = await createActor(w);
    const q = `/classes?district=&academy=${room.academyId}`;
    const classesBefore = await get(q);
    expect(classesBefore.body).toContain(`/classes/${run.id}`);
    expect(classesBefore.body).toContain("剩余 5 / 5 个名额");
    await get("/courses");
    const countersBefore = topicCounters(w);

    const outcome = await enroll(w, resident, { runId: run.id });
    expect(outcome.status).toBe("confirmed");
    const countersAfter = topicCounters(w);
    expect(countersAfter.get("seats")).toBeGreaterThan(countersBefore.get("seats")!);
    expect(countersAfter.get("catalog")).toBe(countersBefore.get("catalog"));

    const hitsBefore = cache.stats().hits;
    await get("/courses");
    expect(cache.stats().hits).toBe(hitsBefore + 1);
    const classesAfter = await get(q);
    expect(cache.stats().hits).toBe(hitsBefore + 1);
    expect(classesAfter.body).toContain("剩余 4 / 5 个名额");
  });

  it("keeps a class listing and a class page through enrolments in other classes, by their checks", async () => {
    const w = getDb();
    const version = publishedVersion(w);
    const [roomA, roomB] = w
      .select()
      .from(rooms)
      .all()
      .filter((r, i, all) => all.findIndex((x) => x.academyId === r.academyId) === i);
    const course = { id: version.courseId };
    const shown = createOpenRun(
      w,
      { a: { id: roomA!.academyId }, roomA: roomA!, course, version },
      { capacity: 5 },
    );
    const elsewhere = createOpenRun(
      w,
      { a: { id: roomB!.academyId }, roomA: roomB!, course, version },
      { capacity: 5 },
    );
    const [one, two] = [await createActor(w), await createActor(w)];
    const q = `/classes?district=&academy=${roomA!.academyId}`;
    const first = await get(q);
    expect(first.body).toContain(`/classes/${shown.id}`);
    expect(first.body).not.toContain(`/classes/${elsewhere.id}`);
    expect(first.body).toContain("剩余 5 / 5 个名额");
    const page = `/classes/${shown.id}`;
    expect((await get(page)).body).toContain("还剩 5 个");

    // Elsewhere: the seats topic moves, the pages' checks hold, the pages stay.
    const seatsBefore = topicCounters(w).get("seats")!;
    expect((await enroll(w, one, { runId: elsewhere.id })).status).toBe("confirmed");
    expect(topicCounters(w).get("seats")).toBeGreaterThan(seatsBefore);
    const { hits, checked, misses } = cache.stats();
    const kept = await get(q);
    expect(cache.stats()).toMatchObject({ hits: hits + 1, checked: checked + 1, misses });
    expect(kept.res.headers.get("x-cache")).toBe("HIT");
    expect((await get(page)).res.headers.get("x-cache")).toBe("HIT");
    expect(cache.stats()).toMatchObject({ hits: hits + 2, checked: checked + 2, misses });
    // Checked once per move of the topic: the next view is a plain hit.
    await get(q);
    expect(cache.stats()).toMatchObject({ hits: hits + 3, checked: checked + 2 });

    // In the class they show: the checks fail and the next views have the seat taken.
    expect((await enroll(w, two, { runId: shown.id })).status).toBe("confirmed");
    const after = await get(q);
    expect(cache.stats()).toMatchObject({ hits: hits + 3, misses: misses + 1 });
    expect(after.body).toContain("剩余 4 / 5 个名额");
    const pageAfter = await get(page);
    expect(cache.stats()).toMatchObject({ hits: hits + 3, misses: misses + 2 });
    expect(pageAfter.body).toContain("还剩 4 个");
  });

  it("keeps activity listings and pages through registrations for activities they do not show", async () => {
    const w = getDb();
    const [a, b] = w
      .select({ id: academies.id })
      .from(academies)
      .limit(2)
      .all()
      .map((r) => r.id);
    const reg = { registration: true, capacity: 5, title: "检查缓存的活动" };
    const shown = insertActivity(w, a!, reg);
    const elsewhere = insertActivity(w, b!, reg);
    const people = [];
    for (let i = 0; i < 6; i++) people.push(await createActor(w));
    for (const [i, q] of [
      `/activities?academy=${a}`,
      `/activities?academy=${a}&open=1`,
      `/activities/${shown.id}`,
    ].entries()) {
      const [one, two] = [people[2 * i]!, people[2 * i + 1]!];
      cache.clear();
      const first = await get(q);
      if (i < 2) expect(first.body).toContain(`/activities/${shown.id}`);
      else expect(first.body).toContain("已报 2 人");
      expect(first.body).not.toContain(`/activities/${elsewhere.id}`);
      const { hits, checked, misses } = cache.stats();
      const other = await registerForActivity(w, one, { activityId: elsewhere.id });
      expect(other.status).toBe("confirmed");
      expect((await get(q)).res.headers.get("x-cache")).toBe("HIT");
      expect(cache.stats()).toMatchObject({ hits: hits + 1, checked: checked + 1, misses });
      const mine = await registerForActivity(w, two, { activityId: shown.id });
      expect(mine.status).toBe("confirmed");
      const after = await get(q);
      expect(cache.stats()).toMatchObject({ hits: hits + 1, misses: misses + 1 });
      if (i === 2) expect(after.body).toContain("已报 3 人");
    }
  });

  it("shows a course published after the page was cached on the next /courses view", async () => {
    const q = "/courses?q=话题缓存测试";
    const first = await get(q);
    await get(q);
    expect(cache.stats().hits).toBe(1);
    expect(first.body).not.toContain("话题缓存测试课程");
    createCourse(getDb(), { title: "话题缓存测试课程", status: "published" });
    const after = await get(q);
    expect(cache.stats().hits).toBe(1);
    expect(after.body).toContain("话题缓存测试课程");
  });
});

describe("our server answering from the cache", () => {
  it("sends a hit at once with a nonce of its own, over real HTTP, and still renders a miss", async () => {
    globalThis.__db = openDatabase(db.file);
    const serving = servingMiddleware(build);
    const server = createApp({ build, ...serving }).listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const seen = new Set<string>();
      for (let i = 0; i < 3; i++) {
        const res = await fetch(`${url}/courses`, { headers: { "accept-encoding": "identity" } });
        const body = await res.text();
        expect(res.status).toBe(200);
        expect(res.headers.has(CACHE_TOPICS_HEADER)).toBe(false);
        expect(body).toContain("</html>");
        const nonce = /'nonce-([^']+)'/.exec(res.headers.get("content-security-policy") ?? "")?.[1];
        expect(nonce).toMatch(/^[A-Za-z0-9+/=]{20,}$/);
        expect(body).not.toContain(NONCE_PLACEHOLDER);
        expect(new Set([...body.matchAll(/nonce="([^"]+)"/g)].map((m) => m[1]))).toEqual(
          new Set([nonce]),
        );
        seen.add(nonce!);
      }
      expect(seen.size).toBe(3);
      expect(serving.cache!.stats()).toMatchObject({ misses: 1, hits: 2, stored: 1 });
      const large = await fetch(`${url}/courses`, { headers: { cookie: "text-size=large" } });
      expect(large.status).toBe(200);
      await large.text();
      expect(serving.cache!.stats()).toMatchObject({ misses: 2, stored: 2 });
    } finally {
      server.close();
    }
  });
});
