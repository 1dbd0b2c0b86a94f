/**
 * app/patches/@remix-run+router+1.23.3.patch (applied by `patch-package` on `npm ci`) caches the
 * ranked route branches per routes array and the compiled path regexes, which the server's copy of
 * the router otherwise rebuilds several times per request. These tests load the same CommonJS
 * build the server loads and check the patch is there and that matching is unchanged by it.
 */
import fs from "node:fs";
import { createRequire } from "node:module";
import type * as Router from "@remix-run/router";

const require = createRequire(import.meta.url);
const router = require("@remix-run/router") as typeof Router;
const ids = (m: ReturnType<typeof Router.matchRoutes>) => m?.map((x) => x.route.id) ?? null;

describe("the patched route matcher", () => {
  it("is the patched build (postinstall ran patch-package)", () => {
    const src = fs.readFileSync(require.resolve("@remix-run/router"), "utf8");
    expect(src).toContain("function rankedBranches(routes)");
    expect(src).toContain("const compiledPaths = new Map()");
  });

  const routes: Router.AgnosticRouteObject[] = [
    {
      id: "root",
      path: "/",
      children: [
        { id: "home", index: true },
        { id: "courses", path: "courses" },
        { id: "course", path: "courses/:code" },
        { id: "new", path: "courses/new" },
        { id: "manage", path: "manage/:academy", children: [{ id: "manage-index", index: true }, { id: "run", path: "runs/:id" }] },
        { id: "splat", path: "*" },
      ],
    },
  ];

  it("ranks as before: static beats dynamic beats splat, index routes match their parent path", () => {
    for (let i = 0; i < 3; i++) {
      // Repeated calls reuse the cached branches and must give the same answers.
      expect(ids(router.matchRoutes(routes, "/"))).toEqual(["root", "home"]);
      expect(ids(router.matchRoutes(routes, "/courses/new"))).toEqual(["root", "new"]);
      expect(ids(router.matchRoutes(routes, "/courses/HS-0012"))).toEqual(["root", "course"]);
      expect(ids(router.matchRoutes(routes, "/manage/huli-001"))).toEqual(["root", "manage", "manage-index"]);
      expect(ids(router.matchRoutes(routes, "/manage/huli-001/runs/7"))).toEqual(["root", "manage", "run"]);
      expect(ids(router.matchRoutes(routes, "/nowhere/at/all"))).toEqual(["root", "splat"]);
    }
    expect(router.matchRoutes(routes, "/manage/huli-001/runs/7")?.at(-1)?.params).toEqual({ academy: "huli-001", id: "7" });
  });

  it("keeps one cache entry per routes array: another table never sees the first one's branches", () => {
    const other: Router.AgnosticRouteObject[] = [{ id: "only", path: "/only" }];
    expect(ids(router.matchRoutes(routes, "/courses"))).toEqual(["root", "courses"]);
    expect(router.matchRoutes(other, "/courses")).toBeNull();
    expect(ids(router.matchRoutes(other, "/only"))).toEqual(["only"]);
  });

  it("compiles a path once per (path, case sensitivity, end) and still matches case rules", () => {
    expect(router.matchPath({ path: "/Courses/:code", caseSensitive: true }, "/courses/x")).toBeNull();
    expect(router.matchPath({ path: "/Courses/:code", caseSensitive: false }, "/courses/x")?.params).toEqual({ code: "x" });
    expect(router.matchPath({ path: "/courses", end: false }, "/courses/x")?.pathnameBase).toBe("/courses");
    expect(router.matchPath({ path: "/courses", end: true }, "/courses/x")).toBeNull();
  });
});
