/**
 * Reminders (提醒): the day before each class session or activity (Asia/Shanghai calendar day),
 * every account with a confirmed seat or registration — for themself or a family member — gets
 * one 消息 per session. Whoever is promoted off a waitlist within 24 hours of the next start also
 * gets an SMS through the same sender as the verification codes. Idempotent: `reminders_sent`
 * (UNIQUE kind × target × account) is written with the 消息 in one immediate transaction.
 */
import { sql } from "drizzle-orm";
import type { DB } from "@db/client";
import { smsSender, type SmsSender } from "~/modules/auth/sms.server";
import { notify } from "~/modules/auth/notifications.server";
import { addDays, todayLocal } from "~/utils/time";
import { formatDateTime } from "~/utils/dates";

const DAY = 24 * 60 * 60 * 1000;

type Due = { targetId: number; userId: number; title: string; startsAt: number; link: string };

export async function sendDueReminders(db: DB, now = Date.now(), sender: SmsSender = smsSender()) {
  const tomorrow = addDays(todayLocal(now), 1);
  const sms: { phone: string; title: string; startsAt: number }[] = [];
  const counts = db.transaction(
    (tx) => {
      const take = (kind: string, d: Due) =>
        tx.run(
          sql`INSERT OR IGNORE INTO reminders_sent (kind, target_id, user_id, created_at) VALUES (${kind}, ${d.targetId}, ${d.userId}, ${now})`,
        ).changes === 1;
      const sessions = tx.all<Due>(sql`
        SELECT DISTINCT s.id AS targetId, e.user_id AS userId, cv.title AS title, s.starts_at AS startsAt, '/classes/' || r.id AS link
        FROM class_sessions s
        JOIN class_runs r ON r.id = s.run_id
        JOIN course_versions cv ON cv.id = r.course_version_id
        JOIN enrollments e ON e.run_id = r.id AND e.status = 'confirmed' AND e.user_id IS NOT NULL
        WHERE s.local_date = ${tomorrow} AND s.status = 'scheduled' AND r.status <> 'cancelled' AND s.starts_at > ${now}`);
      let sessionMessages = 0;
      for (const d of sessions) {
        if (!take("session_day_before", d)) continue;
        notify(tx, d.userId, {
          title: `明天上课：${d.title}`,
          body: `${formatDateTime(d.startsAt)} 开始，请准时参加。不能来请在课前请假。`,
          link: d.link,
        });
        sessionMessages++;
      }
      const activities = tx.all<Due>(sql`
        SELECT DISTINCT a.id AS targetId, g.user_id AS userId, a.title AS title, a.starts_at AS startsAt, '/activities/' || a.id AS link
        FROM activities a
        JOIN activity_registrations g ON g.activity_id = a.id AND g.status = 'confirmed' AND g.user_id IS NOT NULL
        WHERE a.local_date = ${tomorrow} AND a.status = 'scheduled' AND a.starts_at > ${now}`);
      let activityMessages = 0;
      for (const d of activities) {
        if (!take("activity_day_before", d)) continue;
        notify(tx, d.userId, {
          title: `明天的活动：${d.title}`,
          body: `${formatDateTime(d.startsAt)} 开始。`,
          link: d.link,
        });
        activityMessages++;
      }
      // Promoted within 24 h of the next session's start (and that session is still ahead).
      const promoted = tx.all<Due & { phone: string }>(sql`
        SELECT e.id AS targetId, e.user_id AS userId, u.phone AS phone, cv.title AS title, s.starts_at AS startsAt, '/classes/' || r.id AS link
        FROM enrollments e
        JOIN users u ON u.id = e.user_id
        JOIN class_runs r ON r.id = e.run_id
        JOIN course_versions cv ON cv.id = r.course_version_id
        JOIN class_sessions s ON s.id = (
          SELECT s2.id FROM class_sessions s2 WHERE s2.run_id = r.id AND s2.status = 'scheduled' AND s2.starts_at > e.promoted_at
          ORDER BY s2.starts_at LIMIT 1)
        WHERE e.status = 'confirmed' AND e.promoted_at IS NOT NULL AND e.promoted_at > ${now - 2 * DAY}
          AND s.starts_at - e.promoted_at <= ${DAY} AND s.starts_at > ${now} AND r.status <> 'cancelled'`);
      for (const d of promoted)
        if (take("promoted_sms", d))
          sms.push({ phone: d.phone, title: d.title, startsAt: d.startsAt });
      return { sessionMessages, activityMessages };
    },
    { behavior: "immediate" },
  );
  let smsSent = 0;
  for (const m of sms) {
    try {
      await sender.send({
        phone: m.phone,
        template: "promoted",
        params: { title: m.title, time: formatDateTime(m.startsAt) },
      });
      smsSent++;
    } catch (e) {
      console.error(
        JSON.stringify({ level: "error", msg: "promotion sms failed", error: String(e) }),
      );
    }
  }
  return { ...counts, smsSent };
}
