/**
 * Where a page's CPU goes: serves the built app under `node --cpu-prof` on the bench database,
 * loads one path with autocannon (10 connections), stops the server and prints self time by
 * package / our file and the top functions. Profile before you optimise.
 *
 *   npx tsx tests/bench/profile.ts /me resident        (who: resident | manager | hq | none;
 *                                                      :run = the resident's run, :open = an open run, :write = the write loop's run, who "writer" = its first writer)
 *   npx tsx tests/bench/profile.ts some.cpuprofile     (only summarise a profile)
 *   PROFILE_ENCODING=1 npx tsx tests/bench/profile.ts /courses none   (with a browser's Accept-Encoding)
 *   PROFILE_METHOD=POST PROFILE_BODY='intent=enroll|intent=cancel' npx tsx tests/bench/profile.ts /classes/:open resident
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { ensureBuild, startBuiltServer } from "../factories/built-server";
import { SERVER_NODE_FLAGS } from "@db/start.mjs";
import { prepareBenchDb } from "./data";
import { BROWSER_ENCODING } from "./lib";

type Node = {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
};
type Profile = { nodes: Node[]; samples: number[]; timeDeltas: number[] };

function bucketOf(url: string) {
  if (!url) return "(native / gc / idle)";
  const nm = url.lastIndexOf("node_modules/");
  if (nm >= 0) {
    const rest = url.slice(nm + 13).split("/");
    return rest[0]!.startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (url.startsWith("node:")) return "node internals";
  if (url.includes("/build/server/")) return "our server build";
  return url.replace(/^file:\/\//, "");
}

export function summarise(file: string, top = 30) {
  const p = JSON.parse(fs.readFileSync(file, "utf8")) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
  let total = 0;
  const buckets = new Map<string, number>();
  const fns = new Map<string, number>();
  for (const [id, us] of self) {
    const n = byId.get(id)!;
    if (n.callFrame.functionName === "(idle)") continue;
    total += us;
    const b =
      n.callFrame.functionName === "(garbage collector)"
        ? "(garbage collector)"
        : bucketOf(n.callFrame.url);
    buckets.set(b, (buckets.get(b) ?? 0) + us);
    const f = `${n.callFrame.functionName || "(anonymous)"} ${bucketOf(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
    fns.set(f, (fns.get(f) ?? 0) + us);
  }
  const pct = (us: number) => `${((100 * us) / total).toFixed(1)} %`;
  // Inclusive time of our own functions (each counted once per stack).
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const incl = new Map<string, number>();
  for (const [id, us] of self) {
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur != null; cur = parent.get(cur)) {
      const n = byId.get(cur)!;
      if (!n.callFrame.url.includes("/build/server/") || !n.callFrame.functionName) continue;
      const f = `${n.callFrame.functionName}:${n.callFrame.lineNumber + 1}`;
      if (seen.has(f)) continue;
      seen.add(f);
      incl.set(f, (incl.get(f) ?? 0) + us);
    }
  }
  console.log(`\nbusy CPU ${(total / 1000).toFixed(0)} ms\n\nby package:`);
  for (const [b, us] of [...buckets].sort((a, b) => b[1] - a[1]).slice(0, 20))
    console.log(`  ${pct(us).padStart(7)}  ${b}`);
  console.log(`\ntop functions (self):`);
  for (const [f, us] of [...fns].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`  ${pct(us).padStart(7)}  ${f}`);
  console.log(`\nour functions (inclusive):`);
  for (const [f, us] of [...incl].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`  ${pct(us).padStart(7)}  ${f}`);
}

if (process.argv[2]?.endsWith(".cpuprofile")) {
  summarise(process.argv[2]);
} else if (process.argv[1]?.endsWith("profile.ts")) {
  const [target = "/help", who = "none"] = process.argv.slice(2);
  ensureBuild();
  const d = await prepareBenchDb();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cpu-prof-"));
  const server = await startBuiltServer({
    dbFile: d.file,
    nodeFlags: [...SERVER_NODE_FLAGS, "--cpu-prof", `--cpu-prof-dir=${dir}`],
    env: {
      LOGIN_LIMIT_PER_IP: "100000",
      ENROL_LIMIT_PER_USER: "1000000",
    },
  });
  const path_ = target
    .replace(":run", String(d.residentRunId))
    .replace(":open", String(d.openRunId))
    .replace(":write", String(d.writeRunId));
  const headers: Record<string, string> = {};
  if (who === "writer") headers.cookie = d.writerCookies[0]!;
  else if (who !== "none") headers.cookie = d.cookies[who as keyof typeof d.cookies];
  // PROFILE_ENCODING=1: ask as a browser does (gzip, deflate, br).
  if (process.env.PROFILE_ENCODING) Object.assign(headers, BROWSER_ENCODING);
  const method = (process.env.PROFILE_METHOD ?? "GET") as "GET" | "POST";
  if (method === "POST") {
    headers["content-type"] = "application/x-www-form-urlencoded";
    headers.origin = server.url;
  }
  try {
    const res = await new Promise<autocannon.Result>((r, j) =>
      autocannon(
        {
          url: server.url + path_,
          connections: Number(process.env.PROFILE_CONNECTIONS ?? 10),
          amount: Number(process.env.PROFILE_REQUESTS ?? 2000),
          method,
          headers,
          // "a|b" cycles the bodies on each connection (an enrol/cancel loop).
          requests: (process.env.PROFILE_BODY ?? "").split("|").map((body) => ({ body })),
        },
        (e, out) => (e ? j(e) : r(out)),
      ),
    );
    console.log(
      `${method} ${path_} as ${who}: ${res.requests.total} requests, ${res.requests.average} req/s, p99 ${res.latency.p99} ms, non-2xx ${res.non2xx}`,
    );
  } finally {
    await server.stop();
    d.cleanup();
  }
  const file = fs.readdirSync(dir).find((f) => f.endsWith(".cpuprofile"));
  if (!file) throw new Error(`no profile written in ${dir}`);
  console.log(`profile: ${path.join(dir, file)}`);
  summarise(path.join(dir, file));
}
