/**
 * Rollup maintenance: the triggers (rollup-sql.ts) keep the rollups current on every write; a
 * bulk load suspends them and rebuilds afterwards; `checkRollups` recounts from scratch and lists
 * every difference (`npm run stats:check`).
 */
import type { DB } from "@db/client";
import { ACADEMY_FIGURES, RUN_FIGURES, recountSql, recountSql2 } from "./rollup-sql";

/** Turns the triggers off (for a bulk load that calls `rebuildRollups` afterwards). */
export function suspendRollups(db: DB) {
  db.$client
    .prepare(
      `INSERT INTO stats_state (key, value) VALUES ('suspended', '1') ON CONFLICT (key) DO NOTHING`,
    )
    .run();
}

export function resumeRollups(db: DB) {
  db.$client.prepare(`DELETE FROM stats_state WHERE key = 'suspended'`).run();
}

/** Recounts every rollup from the source tables, in one immediate transaction (triggers off meanwhile). */
export function rebuildRollups(db: DB) {
  const c = db.$client;
  c.transaction(() => {
    suspendRollups(db);
    for (const t of [
      "stats_run_month",
      "stats_person_month",
      "stats_activity",
      "stats_academy_month",
      "stats_reach",
    ])
      c.prepare(`DELETE FROM ${t}`).run();
    for (const s of recountSql("stats_run_month", "stats_person_month", "stats_activity"))
      c.prepare(s).run();
    for (const s of recountSql2(
      "stats_academy_month",
      "stats_reach",
      "stats_run_month",
      "stats_activity",
      "stats_person_month",
    ))
      c.prepare(s).run();
    c.prepare(`DELETE FROM stats_state WHERE key = 'suspended'`).run();
    for (const key of ["version", "version_current"])
      c.prepare(
        `INSERT INTO stats_state (key, value) VALUES (?, '1') ON CONFLICT (key) DO UPDATE SET value = value + 1`,
      ).run(key);
  }).immediate();
}

/**
 * The statistics change stamps, moved only by the rollups' own triggers (and academies'
 * populations), so figures cached against them survive unrelated writes (sessions, job leases,
 * messages). `current`: rollup rows of the current Asia/Shanghai month; `other`: everything else.
 * Rows in the database, so another process's commit moves them too.
 */
export function statsStamps(db: DB): { other: string; current: string } {
  const rows = db.$client
    .prepare(`SELECT key, value FROM stats_state WHERE key IN ('version', 'version_current')`)
    .all() as { key: string; value: string }[];
  const get = (k: string) => rows.find((r) => r.key === k)?.value ?? "0";
  return { other: get("version"), current: get("version_current") };
}

/** Both stamps in one: moves with any statistics write. */
export function statsStamp(db: DB): string {
  const s = statsStamps(db);
  return `${s.other}:${s.current}`;
}

export type RollupDifference = { table: string; key: string; expected: string; actual: string };

/** Recounts into temporary tables and compares with the live rollups (all-zero rows ignored). */
export function checkRollups(
  db: DB,
  limit = 50,
): {
  ok: boolean;
  differences: RollupDifference[];
  rows: { runMonths: number; personMonths: number };
} {
  const c = db.$client;
  const figures = RUN_FIGURES.join(", ");
  const nonZero = RUN_FIGURES.map((f) => `${f} <> 0`).join(" OR ");
  const runCols = `run_id, month, academy_id, district_id, course_id, category_id, run_cancelled, ${figures}`;
  const TEMPS = [
    ["stats_run_month", "expect_run_month"],
    ["stats_person_month", "expect_person_month"],
    ["stats_activity", "expect_activity"],
    ["stats_academy_month", "expect_academy_month"],
    ["stats_reach", "expect_reach"],
  ] as const;
  for (const [, temp] of TEMPS) c.exec(`DROP TABLE IF EXISTS temp.${temp};`);
  // Same columns, defaults and keys as the live tables.
  for (const [live, temp] of TEMPS) {
    const ddl = (
      c.prepare(`SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?`).get(live) as {
        sql: string;
      }
    ).sql;
    c.exec(ddl.replace(/^CREATE TABLE [`"]?\w+[`"]?/, `CREATE TEMP TABLE ${temp}`));
  }
  for (const s of recountSql(
    "temp.expect_run_month",
    "temp.expect_person_month",
    "temp.expect_activity",
  ))
    c.prepare(s).run();
  // From the recounted run, activity and person rows: the academy sums and stats_reach must agree with a recount from scratch.
  for (const s of recountSql2(
    "temp.expect_academy_month",
    "temp.expect_reach",
    "temp.expect_run_month",
    "temp.expect_activity",
    "temp.expect_person_month",
  ))
    c.prepare(s).run();
  const diff = (a: string, b: string, cols: string, where: string) =>
    c
      .prepare(
        `SELECT ${cols} FROM ${a} WHERE ${where} EXCEPT SELECT ${cols} FROM ${b} WHERE ${where} LIMIT ${limit}`,
      )
      .all() as Record<string, unknown>[];
  const differences: RollupDifference[] = [];
  const runWhere = `(${nonZero})`;
  for (const r of diff("temp.expect_run_month", "main.stats_run_month", runCols, runWhere))
    differences.push({
      table: "stats_run_month",
      key: `${r.run_id}/${r.month}`,
      expected: JSON.stringify(r),
      actual: JSON.stringify(
        c
          .prepare(`SELECT ${runCols} FROM main.stats_run_month WHERE run_id = ? AND month = ?`)
          .get(r.run_id, r.month) ?? null,
      ),
    });
  for (const r of diff("main.stats_run_month", "temp.expect_run_month", runCols, runWhere))
    differences.push({
      table: "stats_run_month",
      key: `${r.run_id}/${r.month}`,
      expected: JSON.stringify(
        c
          .prepare(`SELECT ${runCols} FROM temp.expect_run_month WHERE run_id = ? AND month = ?`)
          .get(r.run_id, r.month) ?? null,
      ),
      actual: JSON.stringify(r),
    });
  const pCols = "academy_id, month, person_key, district_id, refs";
  for (const r of diff("temp.expect_person_month", "main.stats_person_month", pCols, "refs <> 0"))
    differences.push({
      table: "stats_person_month",
      key: `${r.academy_id}/${r.month}/${r.person_key}`,
      expected: JSON.stringify(r),
      actual: "",
    });
  for (const r of diff("main.stats_person_month", "temp.expect_person_month", pCols, "refs <> 0"))
    differences.push({
      table: "stats_person_month",
      key: `${r.academy_id}/${r.month}/${r.person_key}`,
      expected: "",
      actual: JSON.stringify(r),
    });
  const aCols =
    "activity_id, academy_id, district_id, month, starts_at, cancelled, headcount, identified";
  for (const r of diff("temp.expect_activity", "main.stats_activity", aCols, "1"))
    differences.push({
      table: "stats_activity",
      key: String(r.activity_id),
      expected: JSON.stringify(r),
      actual: JSON.stringify(
        c
          .prepare(`SELECT ${aCols} FROM main.stats_activity WHERE activity_id = ?`)
          .get(r.activity_id) ?? null,
      ),
    });
  for (const r of diff("main.stats_activity", "temp.expect_activity", aCols, "1"))
    differences.push({
      table: "stats_activity",
      key: String(r.activity_id),
      expected: "",
      actual: JSON.stringify(r),
    });
  const acCols = `academy_id, month, district_id, ${ACADEMY_FIGURES.join(", ")}`;
  const acWhere = `(${ACADEMY_FIGURES.map((f) => `${f} <> 0`).join(" OR ")})`;
  for (const r of diff("temp.expect_academy_month", "main.stats_academy_month", acCols, acWhere))
    differences.push({
      table: "stats_academy_month",
      key: `${r.academy_id}/${r.month}`,
      expected: JSON.stringify(r),
      actual: JSON.stringify(
        c
          .prepare(
            `SELECT ${acCols} FROM main.stats_academy_month WHERE academy_id = ? AND month = ?`,
          )
          .get(r.academy_id, r.month) ?? null,
      ),
    });
  for (const r of diff("main.stats_academy_month", "temp.expect_academy_month", acCols, acWhere))
    differences.push({
      table: "stats_academy_month",
      key: `${r.academy_id}/${r.month}`,
      expected: "",
      actual: JSON.stringify(r),
    });
  const reCols = "level, entity, month, prev, district_id, n";
  for (const r of diff("temp.expect_reach", "main.stats_reach", reCols, "n <> 0"))
    differences.push({
      table: "stats_reach",
      key: `${r.level}/${r.entity}/${r.month}/${r.prev}`,
      expected: JSON.stringify(r),
      actual: JSON.stringify(
        c
          .prepare(
            `SELECT ${reCols} FROM main.stats_reach WHERE level = ? AND entity = ? AND month = ? AND prev = ?`,
          )
          .get(r.level, r.entity, r.month, r.prev) ?? null,
      ),
    });
  for (const r of diff("main.stats_reach", "temp.expect_reach", reCols, "n <> 0"))
    differences.push({
      table: "stats_reach",
      key: `${r.level}/${r.entity}/${r.month}/${r.prev}`,
      expected: "",
      actual: JSON.stringify(r),
    });
  const rows = {
    runMonths: (c.prepare("SELECT count(*) n FROM temp.expect_run_month").get() as { n: number }).n,
    personMonths: (
      c.prepare("SELECT count(*) n FROM temp.expect_person_month").get() as { n: number }
    ).n,
  };
  for (const [, temp] of TEMPS) c.exec(`DROP TABLE temp.${temp};`);
  return { ok: differences.length === 0, differences: differences.slice(0, limit), rows };
}
