/**
 * Community pages at city scale (issue 11 "Measure"): the activity finder /activities, an activity
 * page, an academy page with its activities, and the signed-in lists, on the scale generator's
 * database (23,000 activities, 520,000+ participations: `npm run db:seed -- --scale city`),
 * measured in one run beside a bare Remix 2.17 page and our /help (the layout and nothing else),
 * first without compression and then with a browser's Accept-Encoding. Printed as req/s ratios
 * and p95 ratios (reference p95 ÷ page p95, so higher is better and 1 is "as fast as the
 * reference"). Targets (issue 11): ≥ 0.5 of the trivial page in req/s, and the same for p95.
 *
 *   npx tsx tests/bench/activities.bench.ts            (this one alone; builds first)
 *   BENCH_SECONDS=4 npx tsx tests/bench/activities.bench.ts   (quicker look)
 */
import { pathToFileURL } from "node:url";
import { and, asc, eq, gt, sql } from "drizzle-orm";
import { openDatabase } from "@db/client";
import { academies, activities } from "@db/schema";
import { ensureBuild, startBuiltServer } from "../factories/built-server";
import { prepareBenchDb } from "./data";
import { BROWSER_ENCODING, compareAll, table, type Measurement, type Target } from "./lib";
import { startBare } from "./servers";

function p95Table(rows: Measurement[], refs: Record<string, Measurement>) {
  const names = Object.keys(refs);
  const lines = [
    `| target | p95 ms | ${names.map((n) => `p95 × ${n}`).join(" | ")} |`,
    `|---|---:|${names.map(() => "---:").join("|")}|`,
  ];
  for (const m of rows)
    lines.push(
      `| ${m.label} | ${m.p95.toFixed(1)} | ${names.map((n) => (refs[n]!.p95 / m.p95).toFixed(2)).join(" | ")} |`,
    );
  return lines.join("\n");
}

export async function run() {
  ensureBuild();
  const d = await prepareBenchDb();
  const db = openDatabase(d.file);
  const now = Date.now();
  const total = db
    .select({ n: sql<number>`count(*)` })
    .from(activities)
    .get()!.n;
  const academy = db
    .select({ id: academies.id })
    .from(academies)
    .where(eq(academies.slug, d.slug))
    .get()!;
  const own = db
    .select({ n: sql<number>`count(*)` })
    .from(activities)
    .where(eq(activities.academyId, academy.id))
    .get()!.n;
  const next = db
    .select({ id: activities.id })
    .from(activities)
    .where(
      and(
        eq(activities.academyId, academy.id),
        gt(activities.startsAt, now),
        eq(activities.status, "scheduled"),
      ),
    )
    .orderBy(asc(activities.startsAt))
    .get();
  const anyUpcoming =
    next ??
    db
      .select({ id: activities.id })
      .from(activities)
      .where(gt(activities.startsAt, now))
      .orderBy(asc(activities.startsAt))
      .get()!;
  db.$client.close();
  console.log(
    `数据：${d.counts.academies} 所书院、${total.toLocaleString("en")} 个活动（${d.slug} 有 ${own} 个）`,
  );

  const bare = await startBare();
  const ours = await startBuiltServer({ dbFile: d.file, env: { LOGIN_LIMIT_PER_IP: "100000" } });
  try {
    const pages = (headers: Record<string, string>): Target[] => [
      { label: "bare Remix page", url: bare.url + "/", headers },
      { label: "/help", url: ours.url + "/help", headers },
      { label: "/activities", url: ours.url + "/activities", headers },
      {
        label: "/activities?type=culture_sports&weekday=6",
        url: ours.url + "/activities?type=culture_sports&weekday=6",
        headers,
      },
      { label: "/activities/:id", url: `${ours.url}/activities/${anyUpcoming.id}`, headers },
      { label: `/academies/${d.slug}`, url: `${ours.url}/academies/${d.slug}`, headers },
      // Signed-in pages also pay for the session and the header (消息 count): /help signed in is their trivial page.
      {
        label: "/help (resident)",
        url: ours.url + "/help",
        headers: { ...headers, cookie: d.cookies.resident },
      },
      {
        label: "/me/activities (resident)",
        url: ours.url + "/me/activities",
        headers: { ...headers, cookie: d.cookies.resident },
      },
      {
        label: `/manage/${d.slug}/activities (manager)`,
        url: `${ours.url}/manage/${d.slug}/activities`,
        headers: { ...headers, cookie: d.cookies.manager },
      },
    ];
    const out: Record<string, Measurement[]> = {};
    for (const [name, headers] of [
      ["no compression", {}],
      ["Accept-Encoding: gzip, deflate, br", BROWSER_ENCODING],
    ] as const) {
      const results = await compareAll(pages(headers));
      out[name] = results;
      const [b, help] = results as [Measurement, Measurement];
      console.log(`\n${name}:\n`);
      console.log(table(results, { "bare Remix": b, "/help": help }));
      console.log("");
      console.log(p95Table(results, { "bare Remix": b, "/help": help }));
    }
    console.log(
      `\nautocannon, 20 connections, ${process.env.BENCH_SECONDS ?? 10} s per target in 2 rounds of alternating windows; ` +
        `× = req/s ÷ the reference's req/s; p95 × = the reference's p95 ÷ the page's p95. Target (issue 11): both ≥ 0.5.`,
    );
    return out;
  } finally {
    await ours.stop();
    await bare.stop();
    d.cleanup();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  await run();
}
