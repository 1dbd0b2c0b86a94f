/**
 * Every background job, registered in one place. To add one: export its work from your module
 * (a function of (db, now) that is idempotent and writes in immediate transactions) and add a
 * registerJob line here. Names are "<domain>.<what>"; schedules are cron patterns, Asia/Shanghai.
 */
import path from "node:path";
import { deleteExpiredLimits } from "~/modules/auth/rate-limit.server";
import { deleteExpiredSessions } from "~/modules/auth/session.server";
import { closeDueProposals } from "~/modules/community/proposals.server";
import { drawDueLotteries, rebalanceDueRuns } from "~/modules/enrollment/jobs.server";
import { refreshDemoLiveClass } from "@db/demo/learning";
import { sendDueReminders } from "~/modules/enrollment/reminders.server";
import { config } from "~/utils/config.server";
import { backupDatabase } from "./backup.server";
import { registerJob } from "./jobs.server";

let registered = false;

export function registerAllJobs() {
  if (registered) return;
  registered = true;
  registerJob({
    name: "enrollment.draw-lotteries",
    description: "报名截止后为抽签班抽签",
    schedule: "* * * * *",
    run: (db, now) => drawDueLotteries(db, now),
  });
  registerJob({
    name: "enrollment.rebalance",
    description: "空出名额时候补按顺序转正，班级状态随名额更新",
    schedule: "* * * * *",
    run: (db, now) => rebalanceDueRuns(db, now),
  });
  registerJob({
    name: "community.close-proposals",
    description: "课程公示期满后按事先设定的条件判定结果，通过的课程报总部审核",
    schedule: "* * * * *",
    run: (db, now) => {
      const decided = closeDueProposals(db, now);
      return {
        decided: decided.length,
        accepted: decided.filter((d) => d.outcome === "accepted").length,
      };
    },
  });
  registerJob({
    name: "enrollment.reminders",
    description: "课前一天的上课/活动提醒（消息），开课前 24 小时内候补转正的短信",
    schedule: "*/5 * * * *",
    run: (db, now) => sendDueReminders(db, now),
  });
  registerJob({
    name: "demo.live-class",
    description:
      "演示数据：把“正在上课”的演示班移到当前时间（开放时间内；没有演示数据时什么也不做）",
    schedule: "*/10 * * * *",
    run: (db, now) => refreshDemoLiveClass(db, now),
  });
  registerJob({
    name: "auth.session-cleanup",
    description: "删除过期的登录会话",
    schedule: "17 * * * *",
    run: (db, now) => deleteExpiredSessions(db, now),
  });
  registerJob({
    name: "auth.limits-cleanup",
    description: "删除已过期的登录、注册、短信和报名频率计数",
    schedule: "23 * * * *",
    run: (db, now) => deleteExpiredLimits(db, now),
  });
  registerJob({
    name: "ops.optimize",
    description: "更新查询规划用的统计信息（PRAGMA optimize，只分析变化较大的表）",
    schedule: "41 * * * *",
    run: (db) => {
      db.$client.pragma("optimize");
      return {};
    },
  });
  registerJob({
    name: "ops.backup",
    description: "每日数据库备份（BACKUP_CRON），保留最近 BACKUP_KEEP 份",
    schedule: () => config().BACKUP_CRON,
    leaseMs: 60 * 60_000,
    run: (db, now) => {
      const c = config();
      const r = backupDatabase(db.$client.name, {
        dir: path.resolve(c.BACKUP_DIR),
        keep: c.BACKUP_KEEP,
        now,
      });
      return { file: path.basename(r.file), bytes: r.bytes, removed: r.removed.length };
    },
  });
}
