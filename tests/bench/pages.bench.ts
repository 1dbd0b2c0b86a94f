/**
 * Pages under load, measured side by side in one run: every public and signed-in target of
 * issue 17 against a bare Remix 2.17 page (tests/bench/bare-remix, served by remix-serve), our
 * /help (the layout and nothing else) and /healthz (a text route, no React), first without
 * compression and then with a browser's `Accept-Encoding`. autocannon, 20 connections,
 * BENCH_SECONDS (default 10) per target split into 2 rounds of alternating windows; the resident
 * memory of the server's whole process tree is read before and sampled during the runs. Beside
 * req/s, each target's server CPU per request (its process tree, in its own windows): cached
 * pages go faster than autocannon's one core can ask, and then only the CPU tells two versions apart.
 *
 *   npm run bench                                 (builds, then runs every tests/bench/*.bench.ts)
 *   npx tsx tests/bench/pages.bench.ts            (this one alone)
 *   BENCH_SECONDS=2 BENCH_ONLY=courses,help npx tsx tests/bench/pages.bench.ts   (quick look)
 *   BENCH_BEFORE_ROOT=/path/to/older/checkout …   (also that checkout's build, served by its own
 *                                                  server entry on a copy of the same database: before/after rows)
 */
import { pathToFileURL } from "node:url";
import { ensureBuild, startBuiltServer } from "../factories/built-server";
import { prepareBenchDb, type BenchDb } from "./data";
import {
  BROWSER_ENCODING,
  compareAll,
  cpuDuringWindows,
  sampleRss,
  table,
  treeRssMiB,
  type Measurement,
  type Target,
} from "./lib";
import { startBare, startBefore } from "./servers";

const q = encodeURIComponent;

/** What is measured on our server: [label, path, signed in as]. */
export function pageTargets(d: BenchDb): [string, string, keyof BenchDb["cookies"] | null][] {
  return [
    ["/", "/", null],
    ["/courses", "/courses", null],
    ["/courses?q=环保", `/courses?q=${q("环保")}`, null],
    ["/courses?q=太极拳", `/courses?q=${q("太极拳")}`, null],
    [`/courses/${d.courseCode}`, `/courses/${d.courseCode}`, null],
    ["/academies", "/academies", null],
    [`/academies/${d.slug}`, `/academies/${d.slug}`, null],
    [`/academies/${d.slug}/menu`, `/academies/${d.slug}/menu`, null],
    ["/classes", "/classes", null],
    ["/classes?q=防诈骗", `/classes?q=${q("防诈骗")}`, null],
    ["/classes/:id", `/classes/${d.openRunId}`, null],
    ["/me (resident)", "/me", "resident"],
    ["/classes/:id (resident)", `/classes/${d.residentRunId}`, "resident"],
    [`/manage/${d.slug} (manager)`, `/manage/${d.slug}`, "manager"],
    ["/hq (HQ admin)", "/hq", "hq"],
  ];
}

export async function run() {
  ensureBuild();
  const t = performance.now();
  const d = await prepareBenchDb();
  const c = d.counts;
  console.log(
    `数据：${c.academies} 所书院、${c.courses} 门课程、${c.runs} 个班、${c.sessions}+ 次课（${((performance.now() - t) / 1000).toFixed(1)} s）`,
  );
  const bare = await startBare();
  const ours = await startBuiltServer({ dbFile: d.file, env: { LOGIN_LIMIT_PER_IP: "100000" } });
  const only = (process.env.BENCH_ONLY ?? "").split(",").filter(Boolean);
  const beforeRoot = process.env.BENCH_BEFORE_ROOT;
  let before: Awaited<ReturnType<typeof startBefore>> | null = null;
  if (beforeRoot) before = await startBefore(beforeRoot, d.file);
  try {
    const idle = treeRssMiB(ours.child.pid!);
    const rss = sampleRss(ours.child.pid!);
    const refs = (headers: Record<string, string>): Target[] => [
      { label: "bare Remix page", url: bare.url + "/", headers },
      { label: "/healthz", url: ours.url + "/healthz", headers },
      { label: "/help", url: ours.url + "/help", headers },
    ];
    const mine = (headers: Record<string, string>): Target[] => {
      const list = pageTargets(d).filter(
        ([label]) => only.length === 0 || only.some((o) => label.includes(o)),
      );
      const at = (origin: string, prefix: string) =>
        list.map(([label, p, who]) => ({
          label: prefix + label,
          url: origin + p,
          headers: who ? { ...headers, cookie: d.cookies[who] } : headers,
        }));
      return before ? [...at(ours.url, "after  "), ...at(before.url, "before ")] : at(ours.url, "");
    };
    const all: Record<string, Measurement[]> = {};
    for (const [name, headers] of [
      ["no compression", {}],
      ["Accept-Encoding: gzip, deflate, br", BROWSER_ENCODING],
    ] as const) {
      const targets = [...refs(headers), ...mine(headers)];
      const cpu = cpuDuringWindows((t) =>
        t.url.startsWith(bare.url)
          ? bare.pid
          : before && t.url.startsWith(before.url)
            ? before.pid
            : ours.child.pid!,
      );
      const results = await compareAll(targets, cpu);
      all[name] = results;
      const [b, h, help] = results;
      console.log(`\n${name}:\n`);
      console.log(
        table(
          results,
          { "bare Remix": b, "/help": help, "/healthz": h },
          {
            extra: [
              [
                "server CPU µs/req",
                (m) => cpu.perRequestUs(targets[results.indexOf(m)]!, m).toFixed(0),
              ],
            ],
          },
        ),
      );
    }
    const peak = rss.stop();
    const after = treeRssMiB(ours.child.pid!);
    console.log(
      `\nServer process tree RSS: idle ${idle.toFixed(0)} MiB at start, peak ${peak.toFixed(0)} MiB under these runs, ${after.toFixed(0)} MiB after.`,
    );
    console.log(`Bare Remix (remix-serve) RSS: ${treeRssMiB(bare.pid).toFixed(0)} MiB after.`);
    console.log(
      `autocannon, 20 connections, ${process.env.BENCH_SECONDS ?? 10} s per target in 2 rounds of alternating windows; ` +
        `× = req/s ÷ the reference's req/s in the same run. Targets (issue 17): public ≥ 0.5× bare Remix, signed-in ≥ 0.4×.`,
    );
    return { all, idle, peak, after };
  } finally {
    await ours.stop();
    await bare.stop();
    await before?.stop();
    d.cleanup();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  await run();
}
