/**
 * Page views never write (issue 13, item 4). The production build serves the demo database; every
 * role follows every link it is shown (one URL per route and query shape), plus the routes no link
 * leads to (check-in tokens, downloads). Afterwards every table is byte-for-byte what it was, except
 * a session's own expiry slide (and the audit rows of exports). Every route file with a loader must have been requested, so a new
 * page is swept without anyone remembering to add it.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { LISTEN_BACKLOG } from "~/modules/ops/main.server";
import {
  loginCookie,
  removeServerFiles,
  ROOT,
  startRefused,
  startServer,
  type RunningServer,
} from "./server";

const ROLES: Record<string, string | null> = {
  anonymous: null,
  hq_admin: "13900000001",
  hq_editor: "13900000002",
  district: "13900000003",
  manager: "13900000004",
  teacher: "13900000005",
  resident: "13900000006",
};
const MAX_PER_ROLE = 400;

/** app/routes file name → a regex for the paths it serves (layouts match their whole subtree). */
export function routePattern(file: string, layouts: Set<string>): RegExp | null {
  const base = file.replace(/\.(tsx|ts)$/, "");
  if (base === "$") return null; // the 404 catch-all
  const segs = base.split(/\.(?![^[]*\])/);
  const parts: string[] = [];
  for (let s of segs) {
    if (s === "_index") continue;
    if (s.startsWith("_")) continue; // pathless layout
    s = s.replace(/_$/, "");
    if (s === "$") parts.push(".*");
    else if (s.startsWith("$")) parts.push("[^/]+");
    else parts.push(s.replace(/\[\.\]/g, "\\.").replace(/\[(.*?)\]/g, "$1"));
  }
  const body = parts.length ? "/" + parts.join("/") : "/";
  return new RegExp(`^${body === "/" ? "/" : body}${layouts.has(base) ? "(/.*)?" : ""}$`);
}

function routeFiles() {
  const dir = path.join(ROOT, "app/routes");
  const files = fs.readdirSync(dir).filter((f) => /\.(tsx|ts)$/.test(f));
  const withLoader = files.filter((f) =>
    /export (async )?function loader|export const loader|export \{[^}]*\bloader\b[^}]*\} from/.test(
      fs.readFileSync(path.join(dir, f), "utf8"),
    ),
  );
  const bases = files.map((f) => f.replace(/\.(tsx|ts)$/, ""));
  const layouts = new Set(bases.filter((b) => bases.some((o) => o.startsWith(`${b}.`))));
  return withLoader.map((f) => ({ file: f, re: routePattern(f, layouts) })).filter((r) => r.re) as {
    file: string;
    re: RegExp;
  }[];
}

/** Every row of every table, as sorted JSON lines; sessions without their sliding expiry (nor the
 * private change counter it moves). The one
 * write a GET may make: the audit row recording that data left the system (an export, `*.export`),
 * which issue 14 requires. */
function snapshot(file: string) {
  const db = new Database(file, { readonly: true });
  const tables = (
    db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      .all() as { name: string }[]
  ).map((t) => t.name);
  const out: Record<string, string[]> = {};
  for (const t of tables) {
    const rows = db.prepare(`SELECT * FROM "${t}"`).all() as Record<string, unknown>[];
    out[t] = rows
      .filter((r) => !(t === "audit_log" && String(r.action).endsWith(".export")))
      .map((r) => {
        if (t === "sessions") delete r.expires_at;
        // Both allowed writes are in the "private" change topic (db/change-topics.ts): its counter
        // may move, every other topic's must not.
        if (t === "change_topics" && r.topic === "private") delete r.n;
        return JSON.stringify(r, (_k, v) => (Buffer.isBuffer(v) ? v.toString("hex") : v));
      })
      .sort();
  }
  db.close();
  return out;
}

function differences(a: Record<string, string[]>, b: Record<string, string[]>) {
  const diffs: string[] = [];
  for (const t of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const before = new Set(a[t] ?? []);
    const after = new Set(b[t] ?? []);
    const added = [...after].filter((r) => !before.has(r));
    const removed = [...before].filter((r) => !after.has(r));
    if (added.length || removed.length)
      diffs.push(
        `${t}: +${added.length} −${removed.length} ${(added[0] ?? removed[0])!.slice(0, 300)}`,
      );
  }
  return diffs;
}

/** The URL's shape: numbers and tokens folded, query keys kept (so filters are tried once each). */
function shape(u: URL) {
  const p = u.pathname.replace(/\/[^/]*\d[^/]*/g, "/:x");
  return `${p}?${[...u.searchParams.keys()].sort().join("&")}`;
}

function links(html: string, base: string) {
  const out: URL[] = [];
  // Links, and images served by our routes (statistics charts): every GET a page makes.
  for (const m of html.matchAll(/<(?:a\b[^>]*?\shref|img\b[^>]*?\ssrc)="([^"]+)"/g)) {
    const href = m[1]!.replace(/&amp;/g, "&");
    let u: URL;
    try {
      u = new URL(href, base);
    } catch {
      continue;
    }
    if (u.origin !== new URL(base).origin) continue;
    u.hash = "";
    out.push(u);
  }
  return out;
}

let server: RunningServer;
beforeAll(async () => {
  server = await startServer({ JOBS: "0", LOG_LEVEL: "debug" });
}, 300_000);
afterAll(async () => {
  await server?.stop();
  if (server) removeServerFiles(server);
});

describe("listening", () => {
  it("asks the kernel to hold LISTEN_BACKLOG connections (capped by somaxconn), more than a burst of 1,000", () => {
    const port = new URL(server.url).port;
    // ss shows a listening socket's backlog as its Send-Q.
    const line = execFileSync("ss", ["-ltnH", `sport = :${port}`], { encoding: "utf8" }).trim();
    const sendQ = Number(line.split(/\s+/)[2]);
    const somaxconn = Number(fs.readFileSync("/proc/sys/net/core/somaxconn", "utf8"));
    expect(sendQ).toBe(Math.min(LISTEN_BACKLOG, somaxconn));
    expect(LISTEN_BACKLOG).toBeGreaterThan(1000);
  });
});

describe("GET requests never write", () => {
  it("every role follows every link it is shown; no row changes but a session's expiry", async () => {
    const cookies: Record<string, string | null> = {};
    for (const [role, phone] of Object.entries(ROLES))
      cookies[role] = phone ? await loginCookie(server.url, phone) : null;

    // URLs no link in the demo leads to (its data may have no survey, draft or old version), an
    // unknown path, and the POST-only routes' loaders. Check-in tokens are picked up from pages.
    const db = new Database(server.dbFile, { readonly: true });
    const one = (q: string) => (db.prepare(q).get() as Record<string, unknown> | undefined) ?? {};
    const version = one(
      "SELECT c.code, v.version_no AS no, c.id FROM course_versions v JOIN courses c ON c.id = v.course_id ORDER BY v.id LIMIT 1",
    );
    const survey = one(
      "SELECT s.id, a.slug FROM needs_surveys s JOIN academies a ON a.id = s.academy_id ORDER BY s.id LIMIT 1",
    );
    const resource = one("SELECT id FROM resources ORDER BY id LIMIT 1");
    db.close();
    const extra = [
      "/no-such-page",
      "/me/calendar.ics",
      "/api/v1/openapi.json",
      "/healthz",
      "/logout",
      "/prefs",
      `/courses/${version.code ?? "X"}/versions/${version.no ?? 1}`,
      `/hq/courses/${version.id ?? 1}/draft`,
      `/surveys/${survey.id ?? 1}`,
      `/manage/${survey.slug ?? "huli-001"}/surveys/${survey.id ?? 1}`,
      `/resources/${resource.id ?? 1}`,
      // The demo's class and activity "happening now" are only live inside the demo academy's
      // opening hours; at night no page links a check-in token, so the routes are asked with a
      // token that does not verify (they must answer, and not write, all the same).
      `/checkin/${"A".repeat(24)}`,
      `/activities/checkin/${"A".repeat(24)}`,
    ];
    const before = snapshot(server.dbFile);
    const requested: string[] = [];
    const statuses = new Map<number, number>();
    for (const [role, cookie] of Object.entries(cookies)) {
      const seen = new Set<string>();
      const queue = [new URL("/", server.url), ...extra.map((e) => new URL(e, server.url))];
      const start = ["/me", "/teach", "/manage", "/district", "/hq"];
      if (cookie) queue.push(...start.map((s) => new URL(s, server.url)));
      let fetched = 0;
      while (queue.length && fetched < MAX_PER_ROLE) {
        const u = queue.shift()!;
        const key = shape(u);
        if (seen.has(key)) continue;
        seen.add(key);
        fetched++;
        const r = await fetch(u, { redirect: "manual", headers: cookie ? { cookie } : {} });
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        expect(r.status, `${role} GET ${u.pathname}${u.search}`).toBeLessThan(500);
        requested.push(u.pathname);
        const type = r.headers.get("content-type") ?? "";
        if (r.status === 200 && type.includes("text/html")) {
          const html = await r.text();
          // Check-in pages show their token as a link or in the page data.
          for (const m of html.matchAll(/\/(?:activities\/)?checkin\/[A-Za-z0-9_-]{16,}/g))
            queue.push(new URL(m[0], server.url));
          queue.push(...links(html, server.url));
        } else await r.arrayBuffer();
      }
    }
    const after = snapshot(server.dbFile);
    expect(differences(before, after)).toEqual([]);

    // Coverage: each route file with a loader was requested at least once (by some role).
    const missed = routeFiles()
      .filter((r) => !requested.some((p) => r.re.test(p)))
      .map((r) => r.file);
    expect(missed).toEqual([]);
    expect(statuses.get(200) ?? 0).toBeGreaterThan(100);
  }, 600_000);
});

describe("the log", () => {
  it("never carries a phone number, password, session cookie, SMS code or token", async () => {
    const wrongPassword = "wrong-horse-battery-9";
    const newPhone = "13712340987";
    await fetch(`${server.url}/login`, {
      method: "POST",
      redirect: "manual",
      headers: { origin: server.url, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ phone: ROLES.resident!, password: wrongPassword }),
    });
    const cookie = await loginCookie(server.url, ROLES.manager!);
    const send = (route: string, phone: string) =>
      fetch(`${server.url}${route}`, {
        method: "POST",
        redirect: "manual",
        headers: { origin: server.url, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ intent: "send-code", phone }),
      });
    await send("/register", newPhone);
    await send("/forgot-password", ROLES.teacher!);
    const token = "Zq7xK2mP9vR4tY8wB3nL6cD1";
    await fetch(`${server.url}/checkin/${token}`, { headers: { cookie } });
    await fetch(
      `${server.url}/activities/checkin/${token}?phone=${newPhone}&password=${wrongPassword}`,
      {
        headers: { cookie, authorization: `Bearer ${token}` },
      },
    );
    const sms = fs
      .readFileSync(path.join(server.dir, "sms.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    const codes = sms
      .map((m: { params: { code?: string } }) => m.params.code)
      .filter(Boolean) as string[];
    expect(codes.length).toBeGreaterThanOrEqual(2); // the codes were really sent

    await new Promise((r) => setTimeout(r, 200));
    const log = server.output();
    expect(log).toContain('"route"'); // request lines were written
    const secrets = [
      ...Object.values(ROLES).filter(Boolean),
      newPhone,
      "xiamen-2015",
      wrongPassword,
      token,
      ...cookie.split("; ").map((c) => c.split("=")[1]!),
    ] as string[];
    for (const s of secrets) expect(log.includes(s), `log contains ${s.slice(0, 6)}…`).toBe(false);
    for (const code of codes)
      expect(new RegExp(`(?<!\\d)${code}(?!\\d)`).test(log), "log contains an SMS code").toBe(
        false,
      );
  });
});

describe("SIGTERM", () => {
  it("finishes the requests in flight, refuses new ones, checkpoints the WAL and exits 0", async () => {
    const s = await startServer({ JOBS: "0" });
    try {
      const cookie = await loginCookie(s.url, ROLES.hq_admin!);
      let done = 0;
      // A dozen visitors, each on their own connection, each downloading a statistics workbook
      // (made per request by exceljs, so the server is busy for a while).
      const get = () =>
        new Promise<{ status: number; complete: boolean }>((resolve, reject) => {
          const req = http.get(
            `${s.url}/stats/export?district=huli&format=xlsx`,
            { agent: false, headers: { cookie } },
            (res) => {
              const chunks: Buffer[] = [];
              res.on("data", (d: Buffer) => chunks.push(d));
              res.on("end", () => {
                done++;
                const body = Buffer.concat(chunks);
                // A whole zip ends with its end-of-central-directory record (PK\x05\x06).
                resolve({
                  status: res.statusCode ?? 0,
                  complete: body.subarray(-22).readUInt32LE(0) === 0x06054b50,
                });
              });
            },
          );
          req.on("error", reject);
        });
      const inFlight = Array.from({ length: 12 }, get);
      // SIGTERM once the first workbook is out: the others are queued or being made.
      while (done === 0) await new Promise((r) => setTimeout(r, 5));
      const signalledAt = Date.now();
      const exited = s.stop("SIGTERM");
      const doneAtSignal = done;
      const results = await Promise.all(inFlight);
      expect(doneAtSignal).toBeLessThan(results.length); // some really were in flight
      expect(results.every((r) => r.status === 200 && r.complete)).toBe(true);
      expect(await exited).toBe(0);
      // Finished by draining, not by the 10 s cut-off (which would reset connections).
      const drainMs = Date.now() - signalledAt;
      console.log(
        `SIGTERM: ${results.length - doneAtSignal} requests in flight, all finished, exit 0 after ${drainMs} ms`,
      );
      expect(drainMs).toBeLessThan(10_000);
      expect(s.output()).not.toContain("requests still running after 10 s");
      await expect(fetch(`${s.url}/healthz`)).rejects.toThrow();
      const wal = `${s.dbFile}-wal`;
      expect(!fs.existsSync(wal) || fs.statSync(wal).size === 0).toBe(true);
      expect(s.output()).toContain('"msg":"stopped"');
    } finally {
      await s.stop("SIGKILL");
      removeServerFiles(s);
    }
  }, 300_000);
});

describe("the start policy (DEMO, configuration)", () => {
  it("DEMO=0 on an empty database creates no demo account and says how to make the first admin; on demo data it refuses to start", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "demo0-"));
    try {
      const s = await startServer({ JOBS: "0", DEMO: "0" }, dir);
      const r = await fetch(s.url);
      expect(await r.text()).not.toContain("演示数据</strong>");
      expect(s.output()).toContain("npm run admin:create");
      expect(await s.stop()).toBe(0);
      const db = new Database(s.dbFile, { readonly: true });
      expect(db.prepare("SELECT count(*) AS n FROM users").get()).toEqual({ n: 0 });
      db.close();

      // The same directory with demo data (DEMO=1 seeds it), then DEMO=0 again: refused.
      const demo = await startServer({ JOBS: "0", DEMO: "1" }, dir);
      expect(await demo.stop()).toBe(0);
      const refused = await startRefused({ JOBS: "0", DEMO: "0" }, dir);
      expect(refused.code).toBe(1);
      expect(refused.output).toMatch(/DEMO=0，但数据库里有 \d+ 个演示账号/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);

  it("a bad value stops the server with a message naming the variable", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "badcfg-"));
    try {
      for (const [name, value] of [
        ["BACKUP_KEEP", "0"],
        ["CHECKIN_SECRET", "short"],
        ["PUBLIC_URL", "ftp://x"],
      ] as const) {
        const r = await startRefused({ [name]: value }, dir);
        expect(r.code, name).toBe(1);
        expect(r.output, name).toContain(name);
        expect(fs.existsSync(path.join(dir, "app.sqlite")), "nothing was created").toBe(false);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
