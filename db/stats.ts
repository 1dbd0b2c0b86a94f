/**
 * `npm run stats:check`   recount every statistics rollup from scratch and compare (exit 1 on a difference)
 * `npm run stats:rebuild` recount and replace the rollups (after a bulk load or a repair)
 * `npx tsx db/stats.ts write-triggers` rewrite the stats_triggers / stats_reach_triggers / stats_stamp_triggers /
 *   stats_leave_triggers / stats_trigger_deltas migrations from
 *   app/modules/stats/rollup-sql.ts (only while unreleased: a released migration is never edited;
 *   the second file is a drizzle-kit `--custom` migration).
 */
import fs from "node:fs";
import path from "node:path";
import { MIGRATIONS_FOLDER, migrateDatabase, openDatabase } from "./client";
import { checkRollups, rebuildRollups } from "~/modules/stats/rollups.server";
import {
  TRIGGERS2_SQL,
  TRIGGERS3_SQL,
  TRIGGERS4_SQL,
  TRIGGERS5_SQL,
  TRIGGERS_SQL,
} from "~/modules/stats/rollup-sql";

const cmd = process.argv[2] ?? "check";
if (cmd === "write-triggers") {
  for (const [suffix, text] of [
    ["_stats_triggers.sql", TRIGGERS_SQL],
    ["_stats_reach_triggers.sql", TRIGGERS2_SQL],
    ["_stats_stamp_triggers.sql", TRIGGERS3_SQL],
    ["_stats_leave_triggers.sql", TRIGGERS4_SQL],
    ["_stats_trigger_deltas.sql", TRIGGERS5_SQL],
  ] as const) {
    const file = fs.readdirSync(MIGRATIONS_FOLDER).find((f) => f.endsWith(suffix));
    if (!file) throw new Error(`没有找到 *${suffix} 迁移文件`);
    fs.writeFileSync(path.join(MIGRATIONS_FOLDER, file), text);
    console.log(`已写入 ${file}`);
  }
} else {
  const db = openDatabase();
  migrateDatabase(db);
  const t = performance.now();
  if (cmd === "rebuild") {
    rebuildRollups(db);
    console.log(`统计汇总已重算（${((performance.now() - t) / 1000).toFixed(1)} s）`);
  } else {
    const r = checkRollups(db);
    console.log(
      `重新统计：班级×月 ${r.rows.runMonths} 行、人员×书院×月 ${r.rows.personMonths} 行（${((performance.now() - t) / 1000).toFixed(1)} s）`,
    );
    if (r.ok) console.log("统计汇总与重新统计一致。");
    else {
      console.log(`统计汇总与重新统计不一致（列出前 ${r.differences.length} 处）：`);
      for (const d of r.differences)
        console.log(`  ${d.table} ${d.key}\n    应为 ${d.expected}\n    实为 ${d.actual}`);
      process.exitCode = 1;
    }
  }
  db.$client.close();
}
