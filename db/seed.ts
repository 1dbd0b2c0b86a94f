import type { DB } from "./client";
import { importOrgContent } from "~/modules/org/import.server";
import { backfillDemoOpeningHours, seedDemoAcademies } from "@db/demo/academies";
import { countUsers, seedDemoAccounts } from "@db/demo/accounts";
import { importCatalogContent, importSummary } from "~/modules/catalog/import.server";
import { seedDemoTeachers } from "@db/demo/teachers";
import { importHolidays } from "~/modules/scheduling/calendar.server";
import { seedDemoSchedule, seedDemoWants } from "@db/demo/schedule";
import { seedDemoEnrolments } from "@db/demo/enrollments";
import { refreshDemoLiveClass, seedLearningDemo } from "@db/demo/learning";
import { seedDemoActivities } from "@db/demo/activities";
import { seedGroupsDemo } from "@db/demo/groups";

/**
 * Content files are imported on every start (idempotently). Demo data (academies, accounts,
 * schedules) is generated only into an empty database, or always with { demo: "force" }.
 */
export async function seed(db: DB, opts: { demo: "if-empty" | "force" | "never" } = { demo: "if-empty" }) {
  const log: string[] = [];
  const empty = countUsers(db) === 0;
  const org = importOrgContent(db);
  log.push(`组织架构：${org.changes} 处更新`);
  log.push(...importSummary(importCatalogContent(db)));
  const holidays = importHolidays(db);
  if (holidays) log.push(`节假日：导入 ${holidays} 天`);
  if (opts.demo === "force" || (opts.demo === "if-empty" && empty)) {
    const a = seedDemoAcademies(db);
    log.push(`演示书院：新增 ${a.created} 所`);
    const u = await seedDemoAccounts(db);
    log.push(`演示账号：新增 ${u.created} 个`);
    // The teacher pool needs the demo accounts and the imported library; scheduling below uses it.
    const t = await seedDemoTeachers(db);
    log.push(t.skipped ? `演示师资：${t.skipped}` : `演示师资：新增 ${t.created} 位教师`);
    // Keep this step last in the demo block: it schedules with the rooms, library and teacher pool seeded above.
    const s = seedDemoSchedule(db);
    log.push(s.skipped ? `演示排课：教室 ${s.rooms} 间，${s.skipped}，未排课` : `演示排课：教室 ${s.rooms} 间，开课 ${s.runs} 个班、${s.sessions} 次课，点单 ${s.orders} 个`);
    // Enrolments go into the runs scheduled just above.
    const e = await seedDemoEnrolments(db);
    log.push(e.skipped ? `演示报名：${e.skipped}，跳过` : `演示报名：居民 ${e.residents} 人，报名 ${e.enrolments} 条，满员班 ${e.fullRuns} 个`);
    // Attendance and evaluations for sessions already held; the demo teacher's class happening now.
    const l = seedLearningDemo(db);
    log.push(l.skipped ? `演示出勤：${l.skipped}，跳过` : `演示出勤：${l.sessions} 次课、${l.marks} 条出勤、${l.evaluations} 条评价`);
    // 想学 from the demo residents created above.
    log.push(`演示想学：${seedDemoWants(db)} 条`);
    // Organisations, deliberation and a 公示 per academy (needs the academies, residents and categories above).
    const g = seedGroupsDemo(db);
    log.push(g.skipped ? `演示社区组织：${g.skipped}，跳过` : `演示社区组织：居民组织 ${g.organisations} 个、议题 ${g.topics} 个、课程公示 ${g.proposals} 条`);
    // 群众性活动 at every academy (past with headcounts and check-ins, upcoming with registrations); after the organisations, which may host some.
    const act = seedDemoActivities(db);
    log.push(act.skipped ? `演示活动：${act.skipped}` : `演示活动：${act.activities} 场，报名 ${act.registrations} 条，签到 ${act.checkins} 条`);
  }
  if (opts.demo !== "never") {
    // A demo made before opening hours were kept per weekday gets them from its labels; the
    // demo's "class happening now" is moved to now (also every 10 minutes by a job).
    const filled = backfillDemoOpeningHours(db);
    if (filled) log.push(`演示书院开放时间：按星期补全 ${filled} 所`);
    const live = refreshDemoLiveClass(db);
    if (live.moved) log.push(`演示“正在上课”：移到现在（${live.moved} 次课）`);
  }
  return log;
}
