/**
 * The access matrix (issue 14): every route file in app/routes, GET and a POST of an unknown
 * intent, as each of nine roles, against the BUILT server over real HTTP with the demo database.
 * The expected answer of every cell is in access-matrix.table.ts; a route file without a row
 * fails here, so a new page cannot ship without someone deciding who may open it.
 *
 *   npx vitest run --config tests/vitest.config.ts tests/integration/access-matrix.test.ts
 *   (MATRIX_RECORD=1 prints the observed rows instead of failing, to review and paste.)
 */
import fs from "node:fs";
import Database from "better-sqlite3";
import path from "node:path";
import {
  ensureBuild,
  httpRequest,
  startBuiltServer,
  type BuiltServer,
} from "@tests/factories/built-server";
import {
  cookieOf,
  prepareTrustWorld,
  ROLE_NAMES,
  type RoleName,
  type TrustWorld,
} from "@tests/factories/trust-world";
import { ACCESS_MATRIX, type Cell } from "./access-matrix.table";

const routesDir = path.resolve(import.meta.dirname, "../../app/routes");
const routeFiles = fs
  .readdirSync(routesDir)
  .filter((f) => /\.(tsx|ts)$/.test(f))
  .map((f) => f.replace(/\.(tsx|ts)$/, ""))
  .sort();

let world: TrustWorld;
let server: BuiltServer;

beforeAll(async () => {
  ensureBuild();
  world = await prepareTrustWorld();
  server = await startBuiltServer({ dbFile: world.file, env: { LOG_LEVEL: "warn" } });
}, 300_000);

afterAll(async () => {
  await server?.stop();
  world?.cleanup();
}, 30_000);

/** What a response amounts to, in the table's words. */
function classify(status: number, location: string): Cell {
  if (status >= 300 && status < 400)
    return new URL(location, "http://x").pathname === "/login" ? "login" : "go";
  return String(status) as Cell;
}

async function probe(
  method: "GET" | "POST",
  url: string,
  role: RoleName,
  form = "intent=__probe__",
) {
  const headers: Record<string, string> = { ...cookieOf(world, role) };
  if (method === "POST") {
    headers["Content-Type"] = "application/x-www-form-urlencoded";
    headers.Origin = server.url;
  }
  const res = await httpRequest(
    method,
    `${server.url}${url}`,
    headers,
    method === "POST" ? form : undefined,
  );
  return {
    cell: classify(res.status, res.location),
    status: res.status,
    body: res.body,
    location: res.location,
  };
}

/** Runs `jobs` with at most `n` in flight. */
async function pool<T>(jobs: (() => Promise<T>)[], n: number): Promise<T[]> {
  const out: T[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < jobs.length) {
        const i = next++;
        out[i] = await jobs[i]!();
      }
    }),
  );
  return out;
}

const words = (s: string) => s.trim().split(/\s+/) as (Cell | "-")[];

describe("access matrix", () => {
  it("has a row for every route file in app/routes, and no row for a route that is gone", () => {
    expect(
      routeFiles.filter((r) => !(r in ACCESS_MATRIX)),
      "route files without a row in access-matrix.table.ts",
    ).toEqual([]);
    expect(
      Object.keys(ACCESS_MATRIX).filter((r) => !routeFiles.includes(r)),
      "rows for route files that no longer exist",
    ).toEqual([]);
    for (const [route, row] of Object.entries(ACCESS_MATRIX)) {
      expect(words(row.get), `${route}: nine GET words`).toHaveLength(ROLE_NAMES.length);
      if (row.post)
        expect(words(row.post), `${route}: nine POST words`).toHaveLength(ROLE_NAMES.length);
      for (const i of row.intents ?? [])
        expect(words(i.want), `${route} ${i.form}: nine words`).toHaveLength(ROLE_NAMES.length);
      const source = fs.readFileSync(
        path.join(
          routesDir,
          fs.readdirSync(routesDir).find((f) => f.replace(/\.(tsx|ts)$/, "") === route)!,
        ),
        "utf8",
      );
      // Declared here, or re-exported from another route module (`export { action, … } from "…"`).
      const hasAction =
        /export (async )?(function|const) action\b|export \{[^}]*\baction\b[^}]*\} from/.test(
          source,
        );
      expect(Boolean(row.post), `${route}: a post row exactly when the route has an action`).toBe(
        hasAction,
      );
    }
  });

  it("answers every route × role cell as the table says (GET, then POST)", async () => {
    const cells: {
      route: string;
      method: "GET" | "POST";
      role: RoleName;
      want: Cell | "-";
      url: string;
      form?: string;
    }[] = [];
    for (const [route, row] of Object.entries(ACCESS_MATRIX)) {
      const url = row.path(world.ids);
      words(row.get).forEach((want, r) =>
        cells.push({ route, method: "GET", role: ROLE_NAMES[r]!, want, url }),
      );
    }
    // POSTs after every GET, and /logout's last: it ends the session it is sent with.
    const postRows = Object.entries(ACCESS_MATRIX).filter(([, row]) => row.post);
    for (const [route, row] of postRows.filter(([r]) => r !== "logout"))
      words(row.post!).forEach((want, r) =>
        cells.push({ route, method: "POST", role: ROLE_NAMES[r]!, want, url: row.path(world.ids) }),
      );
    for (const [route, row] of Object.entries(ACCESS_MATRIX))
      for (const intent of row.intents ?? [])
        words(intent.want).forEach((want, r) => {
          if (want !== "-")
            cells.push({
              route,
              method: "POST",
              role: ROLE_NAMES[r]!,
              want,
              url: row.path(world.ids),
              form: intent.form,
            });
        });
    const logout = ACCESS_MATRIX.logout!;
    words(logout.post!).forEach((want, r) =>
      cells.push({
        route: "logout",
        method: "POST",
        role: ROLE_NAMES[r]!,
        want,
        url: logout.path(world.ids),
      }),
    );

    const gets = cells.filter((c) => c.method === "GET");
    const got = await pool(
      gets.map((c) => () => probe("GET", c.url, c.role)),
      6,
    );
    const postCells = cells.filter((c) => c.method === "POST");
    const gotPosts: Awaited<ReturnType<typeof probe>>[] = [];
    for (const c of postCells) gotPosts.push(await probe("POST", c.url, c.role, c.form));
    const all = [
      ...gets.map((c, i) => ({ c, r: got[i]! })),
      ...postCells.map((c, i) => ({ c, r: gotPosts[i]! })),
    ];

    if (process.env.MATRIX_RECORD) {
      const rows = new Map<string, { get: string[]; post: string[] }>();
      for (const { c, r } of all) {
        const row = rows.get(c.route) ?? { get: [], post: [] };
        if (!c.form) (c.method === "GET" ? row.get : row.post).push(r.cell);
        else console.log(`intent ${c.form} ${c.route} ${c.role}: ${r.cell}`);
        rows.set(c.route, row);
      }
      fs.writeFileSync(
        "/tmp/matrix-record.txt",
        [...rows]
          .map(([route, row]) => `${route}\t${row.get.join(" ")}\t${row.post.join(" ")}`)
          .join("\n"),
      );
    }

    const wrong = all
      .filter(({ c, r }) => c.want !== "any" && r.cell !== c.want)
      .map(
        ({ c, r }) =>
          `${c.method} ${c.url} as ${c.role}: want ${c.want}, got ${r.status}${r.location ? ` → ${r.location}` : ""}`,
      );
    const errors = all
      .filter(({ r }) => r.status >= 500)
      .map(({ c, r }) => `${c.method} ${c.url} as ${c.role}: ${r.status} ${r.body.slice(0, 120)}`);
    expect(errors, "no cell answers 5xx").toEqual([]);
    expect(wrong, `cells that differ from access-matrix.table.ts (${all.length} checked)`).toEqual(
      [],
    );
    // The figure the issue asks for: route × role cells checked.
    console.log(
      `access matrix: ${all.length} route × role cells checked (${gets.length} GET, ${postCells.length} POST)`,
    );
  }, 300_000);
  it("every action refuses a cross-site post through the real request path, and nothing is written", async () => {
    // For each route with an action: the role the table lets furthest (else the HQ admin), with the
    // unknown intent and every real intent form, sent once from a foreign Origin and once with no
    // Origin but Sec-Fetch-Site: cross-site. Each must be a 403 before any rule runs.
    const reach = (want: string) =>
      words(want).findIndex((w) => w !== "403" && w !== "login" && w !== "404" && w !== "-");
    const posts: { route: string; url: string; role: RoleName; form: string }[] = [];
    for (const [route, row] of Object.entries(ACCESS_MATRIX)) {
      if (!row.post) continue;
      const url = row.path(world.ids);
      const i = reach(row.post);
      posts.push({
        route,
        url,
        role: ROLE_NAMES[i >= 0 ? i : ROLE_NAMES.indexOf("hqAdmin")]!,
        form: "intent=__probe__",
      });
      for (const intent of row.intents ?? []) {
        const j = reach(intent.want);
        posts.push({
          route,
          url,
          role: ROLE_NAMES[j >= 0 ? j : ROLE_NAMES.indexOf("hqAdmin")]!,
          form: intent.form,
        });
      }
    }
    const counts = () => {
      const db = new Database(world.file, { readonly: true });
      try {
        const tables = db
          .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%fts%' AND name <> 'sessions' ORDER BY name",
          )
          .pluck()
          .all() as string[];
        return Object.fromEntries(
          tables.map((t) => [t, db.prepare(`SELECT count(*) FROM "${t}"`).pluck().get()]),
        );
      } finally {
        db.close();
      }
    };
    const before = counts();
    const wrong: string[] = [];
    for (const p of posts) {
      for (const cross of [
        { Origin: "https://evil.example" },
        { "Sec-Fetch-Site": "cross-site" },
      ] as Record<string, string>[]) {
        const headers = {
          ...cookieOf(world, p.role),
          "Content-Type": "application/x-www-form-urlencoded",
          ...cross,
        };
        const res = await httpRequest("POST", `${server.url}${p.url}`, headers, p.form);
        if (res.status !== 403)
          wrong.push(
            `${p.url} as ${p.role} (${p.form}) with ${Object.keys(cross)[0]}: ${res.status}`,
          );
      }
    }
    expect(wrong, "cross-site posts that were not refused with 403").toEqual([]);
    expect(counts(), "no table changed").toEqual(before);
    expect(posts.length, "the sweep covers the actions of the table").toBeGreaterThanOrEqual(
      Object.values(ACCESS_MATRIX).filter((r) => r.post).length,
    );
    expect(posts.length).toBeGreaterThan(50);
    console.log(
      `cross-site: ${posts.length * 2} posts to ${new Set(posts.map((p) => p.route)).size} actions, all 403`,
    );
  }, 300_000);
});
