/**
 * Fuzz of query strings and forms (issue 14): every route in the access matrix gets malformed
 * numbers, huge values, empty values, arrays, Unicode, control characters, SQL/FTS/LIKE syntax,
 * as a role that may open it (GET) and act on it (POST), against the BUILT server over real HTTP.
 * It passes when no answer is a 5xx, no answer shows a stack trace or an SQLite error, and every
 * 4xx page says what went wrong in Chinese.
 *
 *   npx vitest run --config tests/vitest.config.ts tests/integration/fuzz.test.ts
 */
import fs from "node:fs";
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
import { ACCESS_MATRIX } from "./access-matrix.table";

/** The odd values: each goes into every query parameter / form field of a request at once. */
export const ODD_VALUES = [
  "1e999",
  "-1",
  "0",
  "99999999999999999999999",
  "NaN",
  "",
  "   ",
  "１２３",
  "😀𠮷ﾃｽﾄ",
  "\u0000",
  "a\r\nb",
  "\u202e\u200b",
  "<script>alert(1)</script>",
  "' OR 1=1 --",
  '"; DROP TABLE users; --',
  "%",
  "_",
  "\\",
  "NEAR(书院 课程",
  '"unterminated',
  "2026-13-45",
  "x".repeat(5000),
];

/** Query parameters our pages read (collected from app/: searchParams.get and the zod query schemas). */
const QUERY_KEYS = [
  "page",
  "q",
  "status",
  "state",
  "district",
  "academy",
  "p",
  "format",
  "table",
  "sort",
  "from",
  "to",
  "year",
  "month",
  "week",
  "category",
  "course",
  "order",
  "all",
  "past",
  "tab",
  "d",
  "day",
  "redirectTo",
  "token",
  "kind",
  "level",
  "done",
  "name",
  "expired",
  "reset",
  "uploaded",
  "phone",
];

const routesDir = path.resolve(import.meta.dirname, "../../app/routes");
const sourceOf = (route: string) =>
  fs.readFileSync(
    path.join(
      routesDir,
      fs.readdirSync(routesDir).find((f) => f.replace(/\.(tsx|ts)$/, "") === route)!,
    ),
    "utf8",
  );

/** The form field names and intents a route's source names. */
function formShape(route: string) {
  const src = sourceOf(route);
  const names = new Set<string>(["intent"]);
  for (const m of src.matchAll(/\bname="([A-Za-z_][\w.]*)"/g)) names.add(m[1]!);
  for (const m of src.matchAll(/\.get(?:All)?\("([A-Za-z_][\w.]*)"\)/g)) names.add(m[1]!);
  for (const m of src.matchAll(/\bname:\s*"([A-Za-z_][\w.]*)"/g)) names.add(m[1]!);
  const intents = new Set<string>();
  for (const m of src.matchAll(/intent(?:\.data)?\s*===\s*"([\w-]+)"/g)) intents.add(m[1]!);
  for (const m of src.matchAll(/name="intent"\s+value="([\w-]+)"/g)) intents.add(m[1]!);
  for (const m of src.matchAll(/case "([\w-]+)":/g)) intents.add(m[1]!);
  const list = src.match(/INTENTS\s*=\s*\[([^\]]*)\]/);
  if (list) for (const m of list[1]!.matchAll(/"([\w-]+)"/g)) intents.add(m[1]!);
  // The deliberate test error is a 500 by design (hq.system).
  intents.delete("test-error");
  return { names: [...names], intents: [...intents] };
}

let world: TrustWorld;
let server: BuiltServer;

beforeAll(async () => {
  ensureBuild();
  world = await prepareTrustWorld();
  server = await startBuiltServer({
    dbFile: world.file,
    env: {
      LOG_LEVEL: "fatal",
      LOGIN_LIMIT_PER_IP: "100000",
      REGISTER_LIMIT_PER_IP: "100000",
      SMS_LIMIT_PER_IP: "100000",
    },
  });
}, 300_000);

afterAll(async () => {
  await server?.stop();
  world?.cleanup();
}, 30_000);

/** The first role the table lets in (a 200 on GET; on POST anything but a refusal). */
function roleFor(words: string, refusal: RegExp): RoleName | null {
  const w = words.trim().split(/\s+/);
  const i = w.findIndex((c) => !refusal.test(c));
  return i < 0 ? null : ROLE_NAMES[i]!;
}

const STACK =
  /\n\s+at .+:\d+:\d+|SqliteError|SQLITE_|TypeError|ReferenceError|RangeError|Cannot read prop/;
const CHINESE = /[\u4e00-\u9fff]/;

type Case = { what: string; status: number; body: string };
function problems(cases: Case[]) {
  const out: string[] = [];
  for (const c of cases) {
    if (c.status >= 500)
      out.push(`${c.what}: ${c.status} ${c.body.replace(/\s+/g, " ").slice(0, 160)}`);
    else if (STACK.test(c.body)) out.push(`${c.what}: a stack trace or database error in the page`);
    else if (c.status >= 400 && c.status !== 405 && !CHINESE.test(c.body))
      out.push(`${c.what}: ${c.status} without a Chinese message`);
  }
  return out;
}

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

describe("fuzz", () => {
  it("no query string makes any page answer 5xx or show a stack trace", async () => {
    const jobs: (() => Promise<Case>)[] = [];
    for (const [route, row] of Object.entries(ACCESS_MATRIX)) {
      const role = roleFor(row.get, /^(login|403|404|405|go|any)$/);
      if (!role) continue;
      const base = row.path(world.ids);
      const sep = base.includes("?") ? "&" : "?";
      for (const v of ODD_VALUES) {
        // A 5,000-character value goes into two keys only: Node refuses request heads over 16 KB outright.
        const keys = v.length > 100 ? ["page", "q"] : QUERY_KEYS;
        const q = new URLSearchParams(keys.map((k) => [k, v])).toString();
        jobs.push(async () => {
          const r = await httpRequest(
            "GET",
            `${server.url}${base}${sep}${q}`,
            cookieOf(world, role),
          );
          return { what: `GET ${route} ${JSON.stringify(v.slice(0, 20))} as ${role}`, ...r };
        });
      }
      // Arrays: every key twice.
      const arr = QUERY_KEYS.flatMap((k) => [`${k}=1`, `${k}[]=2`, `${k}=x`]).join("&");
      jobs.push(async () => {
        const r = await httpRequest(
          "GET",
          `${server.url}${base}${sep}${arr}`,
          cookieOf(world, role),
        );
        return { what: `GET ${route} arrays as ${role}`, ...r };
      });
    }
    const cases = await pool(jobs, 4);
    expect(problems(cases), `${cases.length} GET fuzz cases`).toEqual([]);
    console.log(`fuzz: ${cases.length} query-string cases, no 5xx`);
  }, 600_000);

  it("no form post makes any action answer 5xx or show a stack trace", async () => {
    const cases: Case[] = [];
    for (const [route, row] of Object.entries(ACCESS_MATRIX)) {
      if (!row.post || route === "logout") continue;
      const role = roleFor(row.post, /^(login|403|404|any)$/);
      if (!role) continue;
      const { names, intents } = formShape(route);
      const url = `${server.url}${row.path(world.ids)}`;
      const headers = {
        ...cookieOf(world, role),
        "Content-Type": "application/x-www-form-urlencoded",
        Origin: server.url,
      };
      for (const intent of intents.length ? intents : [""]) {
        for (const v of ODD_VALUES) {
          const body = new URLSearchParams(
            names.map((n) => [n, n === "intent" && intent ? intent : v]),
          );
          const r = await httpRequest("POST", url, headers, body.toString());
          cases.push({
            what: `POST ${route} intent=${intent} ${JSON.stringify(v.slice(0, 20))} as ${role}`,
            ...r,
          });
        }
        const arrays = new URLSearchParams(
          names.flatMap((n) =>
            n === "intent"
              ? [[n, intent]]
              : [
                  [n, "1"],
                  [n, "x"],
                  [n, ""],
                ],
          ),
        );
        const r = await httpRequest("POST", url, headers, arrays.toString());
        cases.push({ what: `POST ${route} intent=${intent} arrays as ${role}`, ...r });
      }
    }
    expect(problems(cases), `${cases.length} form fuzz cases`).toEqual([]);
    console.log(`fuzz: ${cases.length} form cases, no 5xx`);
  }, 600_000);
});

describe("uploads", () => {
  it("a file name with a double quote, a backslash or CR/LF is stored and served without a 500", async () => {
    const statuses: number[] = [];
    for (const name of [
      '报告"终稿".pdf',
      "a\\b.pdf",
      'x"; filename="evil.html',
      "line\r\nbreak.pdf",
    ]) {
      const boundary = "----trustBoundary7MA4YWxk";
      const part = (field: string, value: string) =>
        `--${boundary}\r\nContent-Disposition: form-data; name="${field}"\r\n\r\n${value}\r\n`;
      const body = Buffer.concat([
        Buffer.from(
          part("title", `资料${name}`) + part("visibility", "public") + part("kind", "file"),
        ),
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/pdf\r\n\r\n`,
        ),
        Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"),
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);
      const r = await httpRequest(
        "POST",
        `${server.url}/hq/resources/new`,
        {
          ...cookieOf(world, "hqEditor"),
          Origin: server.url,
          "Content-Type": `multipart/form-data; boundary=${boundary}`,
        },
        body.toString("latin1"),
      );
      statuses.push(r.status);
      expect(r.status, `${JSON.stringify(name)}: ${r.body.slice(0, 200)}`).toBeLessThan(500);
      const id = /\/hq\/resources\/(\d+)/.exec(r.location)?.[1];
      if (id) {
        const res = await fetch(`${server.url}/resources/${id}`, {
          headers: cookieOf(world, "hqEditor"),
          redirect: "manual",
        });
        expect(res.status).toBeLessThan(500);
        const cd = res.headers.get("content-disposition") ?? "";
        // One filename parameter whose quoted ASCII fallback holds no quote, plus the RFC 5987 form.
        expect(cd).toMatch(
          /^(inline|attachment); filename="[^"\\\r\n]*"; filename\*=UTF-8''[^"\s]+$/,
        );
      }
    }
    // At least one upload was accepted, so the served-file branch ran.
    expect(statuses.some((s) => s === 302 || s === 303)).toBe(true);
  }, 60_000);
});
