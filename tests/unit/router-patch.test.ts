/**
 * app/patches (applied by `patch-package` on `npm ci`):
 *   - @remix-run/router: ranked route branches cached per routes array, compiled path regexes cached
 *     (on the branch's route meta), and the parent routes' steps that head many branches matched
 *     once per call instead of once per branch;
 *   - @remix-run/react: RemixServer builds the server routes once per build, not per request;
 *   - react-router-dom: createStaticRouter converts those routes to data routes once.
 * Together they make every document request reuse one route table. These tests check it at
 * runtime: on the route matcher itself, and on the built app answering real requests in this
 * process (the branch cache's hit and miss counters must show no rebuild after the first request).
 */
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type * as Router from "@remix-run/router";
import { createRequestHandler, type ServerBuild } from "@remix-run/node";
import { createTestDb, type TestDb } from "@tests/factories/db";
import { ensureBuild } from "@tests/factories/built-server";

const require = createRequire(import.meta.url);
const router = require("@remix-run/router") as typeof Router & {
  UNSAFE_branchCacheStats?: {
    hits: number;
    misses: number;
    stepHits?: number;
    matchHits?: number;
  };
};
const stats = () => {
  const s = router.UNSAFE_branchCacheStats;
  if (!s)
    throw new Error(
      "the router patch is not applied: @remix-run/router has no branch cache (run npm ci / patch-package)",
    );
  if (s.stepHits === undefined || s.matchHits === undefined)
    throw new Error(
      "the router patch is out of date: no shared-step or match counter (run `npx patch-package --patch-dir app/patches`)",
    );
  return { ...s, stepHits: s.stepHits, matchHits: s.matchHits };
};
const ids = (m: ReturnType<typeof Router.matchRoutes>) => m?.map((x) => x.route.id) ?? null;

describe("the patched route matcher", () => {
  const routes: Router.AgnosticRouteObject[] = [
    {
      id: "root",
      path: "/",
      children: [
        { id: "home", index: true },
        { id: "courses", path: "courses" },
        { id: "course", path: "courses/:code" },
        { id: "new", path: "courses/new" },
        {
          id: "manage",
          path: "manage/:academy",
          children: [
            { id: "manage-index", index: true },
            { id: "run", path: "runs/:id" },
          ],
        },
        { id: "splat", path: "*" },
      ],
    },
  ];

  it("flattens and ranks a routes array once, then reuses it", () => {
    // Count how often the matcher walks the table: flattening reads every route's children.
    let walks = 0;
    const table: Router.AgnosticRouteObject[] = [
      {
        id: "root",
        path: "/",
        get children() {
          walks++;
          return [
            { id: "a", path: "a" },
            { id: "b", path: "b/:id" },
          ];
        },
      } as Router.AgnosticRouteObject,
    ];
    const before = stats();
    expect(ids(router.matchRoutes(table, "/a"))).toEqual(["root", "a"]);
    const afterFirst = walks;
    expect(afterFirst).toBeGreaterThan(0);
    for (let i = 0; i < 5; i++)
      expect(ids(router.matchRoutes(table, "/b/7"))).toEqual(["root", "b"]);
    expect(walks).toBe(afterFirst);
    expect(stats().misses - before.misses).toBe(1);
    expect(stats().hits - before.hits).toBe(5);
  });

  it("compiles a path pattern once", () => {
    let compiled = 0;
    // compilePath checks the pattern's ending before building its regex: count those checks.
    const pattern = Object.assign(new String("/counted/:code"), {
      endsWith(this: string, s: string) {
        compiled++;
        return String.prototype.endsWith.call(this, s);
      },
    }) as unknown as string;
    expect(router.matchPath({ path: pattern }, "/counted/x")?.params).toEqual({ code: "x" });
    const once = compiled;
    expect(once).toBeGreaterThan(0);
    for (let i = 0; i < 4; i++)
      expect(router.matchPath({ path: pattern }, "/counted/y")?.params).toEqual({ code: "y" });
    expect(compiled).toBe(once);
  });

  it("ranks as before: static beats dynamic beats splat, index routes match their parent path", () => {
    for (let i = 0; i < 3; i++) {
      // Repeated calls reuse the cached branches and must give the same answers.
      expect(ids(router.matchRoutes(routes, "/"))).toEqual(["root", "home"]);
      expect(ids(router.matchRoutes(routes, "/courses/new"))).toEqual(["root", "new"]);
      expect(ids(router.matchRoutes(routes, "/courses/HS-0012"))).toEqual(["root", "course"]);
      expect(ids(router.matchRoutes(routes, "/manage/huli-001"))).toEqual([
        "root",
        "manage",
        "manage-index",
      ]);
      expect(ids(router.matchRoutes(routes, "/manage/huli-001/runs/7"))).toEqual([
        "root",
        "manage",
        "run",
      ]);
      expect(ids(router.matchRoutes(routes, "/nowhere/at/all"))).toEqual(["root", "splat"]);
    }
    expect(router.matchRoutes(routes, "/manage/huli-001/runs/7")?.at(-1)?.params).toEqual({
      academy: "huli-001",
      id: "7",
    });
  });

  it("matches a parent shared by many branches once per call, with the same answers as matching each branch", () => {
    // A root layout over 60 pages, one nested layout with params: like our app (root + flat routes).
    const wide: Router.AgnosticRouteObject[] = [
      {
        id: "root",
        path: "",
        children: [
          ...Array.from({ length: 60 }, (_, i) => ({ id: `p${i}`, path: `page-${i}` })),
          {
            id: "m",
            path: "manage/:academy",
            children: [
              { id: "m-index", index: true },
              { id: "m-run", path: "runs/:id" },
              { id: "m-week", path: "week" },
            ],
          },
          { id: "opt", path: "opt/:lang?/x" },
        ],
      },
    ];
    const before = stats();
    expect(ids(router.matchRoutes(wide, "/page-59"))).toEqual(["root", "p59"]);
    // Every branch tried before page-59 (and the others ranked ahead of it) reused the root's step.
    expect(stats().stepHits - before.stepHits).toBeGreaterThanOrEqual(50);
    const run = router.matchRoutes(wide, "/manage/huli-001/runs/7")!;
    expect(run.map((m) => [m.route.id, m.pathname, m.pathnameBase])).toEqual([
      ["root", "/", "/"],
      ["m", "/manage/huli-001", "/manage/huli-001"],
      ["m-run", "/manage/huli-001/runs/7", "/manage/huli-001/runs/7"],
    ]);
    // One params object for the whole match, as upstream: later steps' params show on the parents too.
    expect(run[0]!.params).toEqual({ academy: "huli-001", id: "7" });
    expect(run[0]!.params).toBe(run[2]!.params);
    expect(ids(router.matchRoutes(wide, "/manage/huli-001/"))).toEqual(["root", "m", "m-index"]);
    expect(ids(router.matchRoutes(wide, "/manage/huli-001/week"))).toEqual(["root", "m", "m-week"]);
    expect(ids(router.matchRoutes(wide, "/opt/x"))).toEqual(["root", "opt"]);
    expect(router.matchRoutes(wide, "/opt/en/x")?.at(-1)?.params).toEqual({ lang: "en" });
    expect(router.matchRoutes(wide, "/manage")).toBeNull();
    // A cached step never leaks one call's params into the next.
    expect(router.matchRoutes(wide, "/manage/siming-002/runs/9")?.at(-1)?.params).toEqual({
      academy: "siming-002",
      id: "9",
    });
    expect(router.matchRoutes(wide, "/page-3")?.at(-1)?.params).toEqual({});
  });

  it("remembers a pathname's matches: a repeated URL walks no branch, and each caller gets its own copy", () => {
    const before = stats();
    const first = router.matchRoutes(routes, "/manage/huli-001/runs/8")!;
    const steps = stats().stepHits;
    const again = router.matchRoutes(routes, "/manage/huli-001/runs/8")!;
    expect(stats().matchHits - before.matchHits).toBe(1);
    expect(stats().stepHits).toBe(steps); // no branch was tried
    expect(ids(again)).toEqual(["root", "manage", "run"]);
    expect(again).not.toBe(first);
    expect(again[2]).not.toBe(first[2]);
    // One params object per answer, as upstream; changing one answer's never shows in another.
    expect(again[0]!.params).toBe(again[2]!.params);
    (first[2]!.params as Record<string, string>).id = "changed";
    expect(router.matchRoutes(routes, "/manage/huli-001/runs/8")?.at(-1)?.params).toEqual({
      academy: "huli-001",
      id: "8",
    });
    // No match is remembered too; and thousands of distinct URLs still answer right (bounded).
    expect(router.matchRoutes([{ id: "x", path: "/x" }], "/y")).toBeNull();
    for (let i = 0; i < 2500; i++)
      expect(router.matchRoutes(routes, `/courses/C-${i}`)?.at(-1)?.params).toEqual({
        code: `C-${i}`,
      });
  });

  it("keeps one cache entry per routes array: another table never sees the first one's branches", () => {
    const other: Router.AgnosticRouteObject[] = [{ id: "only", path: "/only" }];
    expect(ids(router.matchRoutes(routes, "/courses"))).toEqual(["root", "courses"]);
    expect(router.matchRoutes(other, "/courses")).toBeNull();
    expect(ids(router.matchRoutes(other, "/only"))).toEqual(["only"]);
  });

  it("compiles a path once per (path, case sensitivity, end) and still matches case rules", () => {
    expect(
      router.matchPath({ path: "/Courses/:code", caseSensitive: true }, "/courses/x"),
    ).toBeNull();
    expect(
      router.matchPath({ path: "/Courses/:code", caseSensitive: false }, "/courses/x")?.params,
    ).toEqual({ code: "x" });
    expect(router.matchPath({ path: "/courses", end: false }, "/courses/x")?.pathnameBase).toBe(
      "/courses",
    );
    expect(router.matchPath({ path: "/courses", end: true }, "/courses/x")).toBeNull();
  });
});

describe("the built app's route table", () => {
  let db: TestDb;
  let handle: (request: Request) => Promise<Response>;
  const saved = process.env.DATABASE_PATH;

  beforeAll(async () => {
    ensureBuild();
    db = createTestDb();
    process.env.DATABASE_PATH = db.file;
    const build = (await import(
      pathToFileURL(path.resolve("build/server/index.js")).href
    )) as ServerBuild;
    handle = createRequestHandler(build, "production");
  }, 300_000);
  afterAll(() => {
    process.env.DATABASE_PATH = saved;
    db?.cleanup();
  });

  const get = async (p: string) => {
    const res = await handle(new Request(`http://localhost${p}`));
    await res.text();
    return res.status;
  };

  it("is built once: document requests after the first never flatten or rank the routes again", async () => {
    expect(await get("/help")).toBe(200);
    expect(await get("/courses")).toBe(200);
    const warm = stats();
    for (let i = 0; i < 3; i++) {
      expect(await get("/help")).toBe(200);
      expect(await get("/courses")).toBe(200);
      expect(await get("/healthz")).toBe(200);
    }
    const after = stats();
    expect(after.misses - warm.misses, "route branches were rebuilt for a request").toBe(0);
    // The root layout's step is matched once per call, not once per branch (~125 routes).
    expect(
      after.stepHits - warm.stepHits,
      "parent steps were matched again for every branch",
    ).toBeGreaterThanOrEqual(6 * 2 * 20);
    // Each document request matches several times (server runtime, static handler, React router).
    expect(after.hits - warm.hits).toBeGreaterThanOrEqual(6 * 2);
  });
});
