/**
 * The rollups equal a full recount after a seeded random sequence of writes: runs and sessions,
 * enrolments (self, family, walk-in, waitlisted), promotions, cancellations, check-ins and
 * roster marks, evaluations, moved/cancelled/deleted sessions, deleted enrolments and runs,
 * teachers added and removed. The triggers do the bookkeeping; `checkRollups` recounts.
 */
import { afterEach, describe, expect, it } from "vitest";
import fs from "node:fs";
import path from "node:path";
import { demoRandom } from "@db/demo/academies";
import {
  checkRollups,
  rebuildRollups,
  resumeRollups,
  statsStamp,
  statsStamps,
  suspendRollups,
} from "~/modules/stats/rollups.server";
import {
  TRIGGERS2_SQL,
  TRIGGERS3_SQL,
  TRIGGERS4_SQL,
  TRIGGERS5_SQL,
  TRIGGERS_SQL,
} from "~/modules/stats/rollup-sql";
import { makePeriod, monthOfInstant } from "~/modules/stats/period";
import { computeFigures, figuresBy, type StatsScope } from "~/modules/stats/stats.server";
import { countParticipations } from "~/modules/community/activities-participation.server";
import { sessionLocalColumns } from "~/modules/scheduling/runs.server";
import {
  addFamilyMember,
  createTeacherActor,
  DAY,
  freshLearningWorld,
  MIN,
} from "../factories/learning";

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

/** Every participation with its person, academy, district and month, straight from the source tables. */
const PEOPLE = `
  SELECT CASE WHEN e.family_member_id IS NOT NULL THEN -e.family_member_id WHEN e.user_id IS NOT NULL THEN e.user_id ELSE 100000000000 + CAST(e.walkin_phone AS INTEGER) END pk,
    r.academy_id aid, a.district_id did, substr(s.local_date, 1, 7) m
  FROM attendance t JOIN class_sessions s ON s.id = t.session_id JOIN class_runs r ON r.id = s.run_id JOIN academies a ON a.id = r.academy_id
    JOIN enrollments e ON e.id = t.enrollment_id AND e.run_id = s.run_id
  WHERE t.present = 1
  UNION ALL
  SELECT CASE WHEN g.id IS NOT NULL THEN (CASE WHEN g.family_member_id IS NOT NULL THEN -g.family_member_id ELSE g.user_id END)
              WHEN t.family_member_id IS NOT NULL THEN -t.family_member_id ELSE t.user_id END,
    av.academy_id, a.district_id, substr(av.local_date, 1, 7)
  FROM activity_attendance t JOIN activities av ON av.id = t.activity_id JOIN academies a ON a.id = av.academy_id
    LEFT JOIN activity_registrations g ON g.id = t.registration_id
  WHERE t.present = 1 AND (t.registration_id IS NULL OR g.id IS NOT NULL)`;

async function randomHistory(seed: number, steps: number) {
  const { db, w } = await freshLearningWorld();
  cleanup = db.cleanup;
  const c = db.$client;
  const r = demoRandom(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)]!;
  // Row picks come from the seeded generator too, so a failing seed fails again.
  const one = <T>(rows: T[]) => (rows.length ? pick(rows) : undefined) as T;
  const t2 = await createTeacherActor(db, "黄老师");
  const member = addFamilyMember(db, w.resident);
  const people = [
    { userId: w.resident.id, familyMemberId: null as number | null },
    { userId: w.resident.id, familyMemberId: member.id },
    { userId: w.neighbour.id, familyMemberId: null },
    { userId: w.teacher.id, familyMemberId: null },
  ];
  const base = Date.UTC(2026, 0, 20, 1, 0); // 2026-01-20 09:00 in Xiamen
  const ops = {
    run() {
      const academy = r() < 0.6 ? w.academy : w.other;
      const room = academy.id === w.academy.id ? w.room : w.otherRoom;
      const run = c
        .prepare(
          `INSERT INTO class_runs (academy_id, course_id, course_version_id, room_id, capacity, status, created_at, updated_at) VALUES (?, ?, ?, ?, 20, 'open', 0, 0) RETURNING id`,
        )
        .get(academy.id, w.course.id, w.version.id, room.id) as { id: number };
      const first = base + Math.floor(r() * 120) * DAY;
      for (let i = 0; i < 1 + Math.floor(r() * 4); i++) {
        const startsAt = first + i * 9 * DAY + Math.floor(r() * 3) * 60 * MIN;
        const l = sessionLocalColumns(startsAt);
        c.prepare(
          `INSERT INTO class_sessions (run_id, room_id, starts_at, ends_at, local_date, weekday, start_minute, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0)`,
        ).run(
          run.id,
          room.id,
          startsAt,
          startsAt + (60 + 30 * Math.floor(r() * 3)) * MIN,
          l.localDate,
          l.weekday,
          l.startMinute,
        );
      }
    },
    enrol() {
      const run = one(c.prepare(`SELECT id FROM class_runs ORDER BY 1`).all()) as
        { id: number } | undefined;
      if (!run) return;
      const at = base + Math.floor(r() * 150) * DAY;
      const waitlisted = r() < 0.3;
      if (r() < 0.2) {
        c.prepare(
          `INSERT OR IGNORE INTO enrollments (run_id, walkin_name, walkin_phone, status, queue_key, created_at, updated_at) VALUES (?, '现场', ?, ?, ?, ?, ?)`,
        ).run(
          run.id,
          pick(["13800000001", "13800000002"]),
          waitlisted ? "waitlisted" : "confirmed",
          waitlisted ? at : null,
          at,
          at,
        );
      } else {
        const p = pick(people);
        c.prepare(
          `INSERT OR IGNORE INTO enrollments (run_id, user_id, family_member_id, status, queue_key, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
        ).run(
          run.id,
          p.userId,
          p.familyMemberId,
          waitlisted ? "waitlisted" : "confirmed",
          waitlisted ? at : null,
          at,
          at,
        );
      }
    },
    promote() {
      const e = one(
        c.prepare(`SELECT id FROM enrollments WHERE status = 'waitlisted' ORDER BY 1`).all(),
      ) as { id: number } | undefined;
      if (e)
        c.prepare(
          `UPDATE enrollments SET status = 'confirmed', promoted_at = created_at + 1000 WHERE id = ?`,
        ).run(e.id);
    },
    cancel() {
      const e = one(
        c
          .prepare(
            `SELECT id FROM enrollments WHERE status IN ('confirmed', 'waitlisted') ORDER BY 1`,
          )
          .all(),
      ) as { id: number } | undefined;
      if (e)
        c.prepare(`UPDATE enrollments SET status = 'cancelled', cancelled_at = 1 WHERE id = ?`).run(
          e.id,
        );
    },
    mark() {
      const x = one(
        c
          .prepare(
            `SELECT s.id sid, e.id eid FROM class_sessions s JOIN enrollments e ON e.run_id = s.run_id ORDER BY 1`,
          )
          .all(),
      ) as { sid: number; eid: number } | undefined;
      if (x)
        c.prepare(
          `INSERT OR IGNORE INTO attendance (session_id, enrollment_id, present, method, marked_at) VALUES (?, ?, ?, ?, 0)`,
        ).run(x.sid, x.eid, r() < 0.8 ? 1 : 0, pick(["qr", "roster"]));
    },
    flip() {
      const a = one(c.prepare(`SELECT id FROM attendance ORDER BY 1`).all()) as
        { id: number } | undefined;
      if (a) c.prepare(`UPDATE attendance SET present = 1 - present WHERE id = ?`).run(a.id);
    },
    unmark() {
      const a = one(c.prepare(`SELECT id FROM attendance ORDER BY 1`).all()) as
        { id: number } | undefined;
      if (a) c.prepare(`DELETE FROM attendance WHERE id = ?`).run(a.id);
    },
    evaluate() {
      const e = one(
        c
          .prepare(
            `SELECT id FROM enrollments WHERE id NOT IN (SELECT enrollment_id FROM evaluations) ORDER BY 1`,
          )
          .all(),
      ) as { id: number } | undefined;
      if (e)
        c.prepare(
          `INSERT INTO evaluations (enrollment_id, rating, created_at) VALUES (?, ?, ?)`,
        ).run(e.id, 1 + Math.floor(r() * 5), base + Math.floor(r() * 150) * DAY);
    },
    unevaluate() {
      const e = one(c.prepare(`SELECT id FROM evaluations ORDER BY 1`).all()) as
        { id: number } | undefined;
      if (e) c.prepare(`DELETE FROM evaluations WHERE id = ?`).run(e.id);
    },
    cancelSession() {
      const s = one(
        c.prepare(`SELECT id FROM class_sessions WHERE status = 'scheduled' ORDER BY 1`).all(),
      ) as { id: number } | undefined;
      if (s)
        c.prepare(
          `UPDATE class_sessions SET status = 'cancelled', cancel_reason = '停课' WHERE id = ?`,
        ).run(s.id);
    },
    moveSession() {
      const s = one(c.prepare(`SELECT id, starts_at FROM class_sessions ORDER BY 1`).all()) as
        { id: number; starts_at: number } | undefined;
      if (!s) return;
      const startsAt = s.starts_at + (Math.floor(r() * 60) - 30) * DAY;
      const l = sessionLocalColumns(startsAt);
      c.prepare(
        `UPDATE class_sessions SET starts_at = ?, ends_at = ?, local_date = ?, weekday = ?, start_minute = ? WHERE id = ?`,
      ).run(startsAt, startsAt + 90 * MIN, l.localDate, l.weekday, l.startMinute, s.id);
    },
    deleteSession() {
      const s = one(c.prepare(`SELECT id FROM class_sessions ORDER BY 1`).all()) as
        { id: number } | undefined;
      if (s && r() < 0.5) c.prepare(`DELETE FROM class_sessions WHERE id = ?`).run(s.id);
    },
    deleteEnrollment() {
      const e = one(c.prepare(`SELECT id FROM enrollments ORDER BY 1`).all()) as
        { id: number } | undefined;
      if (e && r() < 0.5) c.prepare(`DELETE FROM enrollments WHERE id = ?`).run(e.id);
    },
    deleteRun() {
      const run = one(c.prepare(`SELECT id FROM class_runs ORDER BY 1`).all()) as
        { id: number } | undefined;
      if (run && r() < 0.2) c.prepare(`DELETE FROM class_runs WHERE id = ?`).run(run.id);
    },
    cancelRun() {
      const run = one(c.prepare(`SELECT id FROM class_runs ORDER BY 1`).all()) as
        { id: number } | undefined;
      if (run && r() < 0.3)
        c.prepare(
          `UPDATE class_runs SET status = 'cancelled', cancel_reason = '场地维修' WHERE id = ?`,
        ).run(run.id);
    },
    teacher() {
      const run = one(c.prepare(`SELECT id FROM class_runs ORDER BY 1`).all()) as
        { id: number } | undefined;
      if (!run) return;
      const t = pick([w.teacher.teacherId, t2.teacherId]);
      if (r() < 0.6)
        c.prepare(`INSERT OR IGNORE INTO run_teachers (run_id, teacher_id) VALUES (?, ?)`).run(
          run.id,
          t,
        );
      else c.prepare(`DELETE FROM run_teachers WHERE run_id = ? AND teacher_id = ?`).run(run.id, t);
    },
    activity() {
      const academy = r() < 0.6 ? w.academy : w.other;
      const startsAt = base + Math.floor(r() * 120) * DAY + 10 * 60 * MIN;
      const l = sessionLocalColumns(startsAt);
      const reg = r() < 0.5;
      c.prepare(
        `INSERT INTO activities (academy_id, type, title, place, starts_at, ends_at, local_date, weekday, start_minute, registration, capacity, created_at, updated_at) VALUES (?, 'culture_sports', '广场舞', '小区广场', ?, ?, ?, ?, ?, ?, ?, 0, 0)`,
      ).run(
        academy.id,
        startsAt,
        startsAt + 60 * MIN,
        l.localDate,
        l.weekday,
        l.startMinute,
        reg ? 1 : 0,
        reg ? 30 : null,
      );
    },
    register() {
      const a = one(
        c.prepare(`SELECT id FROM activities WHERE registration = 1 ORDER BY 1`).all(),
      ) as { id: number } | undefined;
      if (!a) return;
      const p = pick(people);
      c.prepare(
        `INSERT OR IGNORE INTO activity_registrations (activity_id, user_id, family_member_id, status, created_at, updated_at) VALUES (?, ?, ?, 'confirmed', 0, 0)`,
      ).run(a.id, p.userId, p.familyMemberId);
    },
    checkin() {
      const a = one(c.prepare(`SELECT id FROM activities ORDER BY 1`).all()) as
        { id: number } | undefined;
      if (!a) return;
      const g = one(
        c
          .prepare(`SELECT id FROM activity_registrations WHERE activity_id = ? ORDER BY 1`)
          .all(a.id),
      ) as { id: number } | undefined;
      if (g && r() < 0.6)
        c.prepare(
          `INSERT OR IGNORE INTO activity_attendance (activity_id, registration_id, present, method, marked_at) VALUES (?, ?, ?, 'roster', 0)`,
        ).run(a.id, g.id, r() < 0.85 ? 1 : 0);
      else {
        const p = pick(people);
        c.prepare(
          `INSERT OR IGNORE INTO activity_attendance (activity_id, user_id, family_member_id, present, method, marked_at) VALUES (?, ?, ?, 1, 'qr', 0)`,
        ).run(a.id, p.userId, p.familyMemberId);
      }
    },
    headcount() {
      const a = one(c.prepare(`SELECT id FROM activities ORDER BY 1`).all()) as
        { id: number } | undefined;
      if (a)
        c.prepare(`UPDATE activities SET headcount = ? WHERE id = ?`).run(
          r() < 0.1 ? null : Math.floor(r() * 40),
          a.id,
        );
    },
    activityChange() {
      const a = one(c.prepare(`SELECT id, starts_at FROM activities ORDER BY 1`).all()) as
        { id: number; starts_at: number } | undefined;
      if (!a) return;
      const k = r();
      if (k < 0.3)
        c.prepare(
          `UPDATE activities SET status = 'cancelled', cancel_reason = '下雨' WHERE id = ?`,
        ).run(a.id);
      else if (k < 0.6) {
        const startsAt = a.starts_at + (Math.floor(r() * 60) - 30) * DAY;
        const l = sessionLocalColumns(startsAt);
        c.prepare(
          `UPDATE activities SET starts_at = ?, ends_at = ?, local_date = ?, weekday = ?, start_minute = ? WHERE id = ?`,
        ).run(startsAt, startsAt + 60 * MIN, l.localDate, l.weekday, l.startMinute, a.id);
      } else if (k < 0.75) c.prepare(`DELETE FROM activities WHERE id = ?`).run(a.id);
      else {
        const t = one(
          c
            .prepare(`SELECT id FROM activity_attendance WHERE activity_id = ? ORDER BY 1`)
            .all(a.id),
        ) as { id: number } | undefined;
        if (t)
          c.prepare(
            r() < 0.5
              ? `DELETE FROM activity_attendance WHERE id = ?`
              : `UPDATE activity_attendance SET present = 1 - present WHERE id = ?`,
          ).run(t.id);
      }
    },
    waitlistActivity() {
      const a = one(
        c.prepare(`SELECT id FROM activities WHERE registration = 1 ORDER BY 1`).all(),
      ) as { id: number } | undefined;
      if (!a) return;
      const p = pick(people);
      const at = base + Math.floor(r() * 150) * DAY;
      c.prepare(
        `INSERT OR IGNORE INTO activity_registrations (activity_id, user_id, family_member_id, status, queue_key, created_at, updated_at) VALUES (?, ?, ?, 'waitlisted', ?, ?, ?)`,
      ).run(a.id, p.userId, p.familyMemberId, at, at, at);
    },
    promoteActivity() {
      const g = one(
        c
          .prepare(`SELECT id FROM activity_registrations WHERE status = 'waitlisted' ORDER BY 1`)
          .all(),
      ) as { id: number } | undefined;
      if (g)
        c.prepare(
          `UPDATE activity_registrations SET status = 'confirmed', confirmed_at = created_at + 1000, promoted_at = created_at + 1000 WHERE id = ?`,
        ).run(g.id);
    },
    volunteer() {
      const academy = r() < 0.6 ? w.academy : w.other;
      const p = pick(people);
      let signup = one(
        c
          .prepare(
            `SELECT id FROM volunteer_signups WHERE user_id = ? AND academy_id = ? ORDER BY 1`,
          )
          .all(p.userId, academy.id),
      ) as { id: number } | undefined;
      if (!signup) {
        // activity_id is a foreign key: an activity this person has not signed up for yet.
        const act = one(
          c
            .prepare(
              `SELECT id FROM activities WHERE id NOT IN (SELECT activity_id FROM volunteer_signups WHERE user_id = ? AND activity_id IS NOT NULL) ORDER BY 1`,
            )
            .all(p.userId),
        ) as { id: number } | undefined;
        if (!act) return;
        signup = c
          .prepare(
            `INSERT INTO volunteer_signups (user_id, academy_id, activity_id, status, created_at) VALUES (?, ?, ?, 'active', 0) RETURNING id`,
          )
          .get(p.userId, academy.id, act.id) as { id: number };
      }
      const day = new Date(base + Math.floor(r() * 150) * DAY).toISOString().slice(0, 10);
      c.prepare(
        `INSERT INTO volunteer_hours (signup_id, user_id, service_date, minutes, confirmed_at) VALUES (?, ?, ?, ?, 0)`,
      ).run(signup.id, p.userId, day, 30 + Math.floor(r() * 200));
    },
    unvolunteer() {
      const k = r();
      if (k < 0.4) {
        const h = one(c.prepare(`SELECT id FROM volunteer_hours ORDER BY 1`).all()) as
          { id: number } | undefined;
        if (h) c.prepare(`DELETE FROM volunteer_hours WHERE id = ?`).run(h.id);
      } else if (k < 0.7) {
        const h = one(c.prepare(`SELECT id FROM volunteer_hours ORDER BY 1`).all()) as
          { id: number } | undefined;
        if (h)
          c.prepare(
            `UPDATE volunteer_hours SET minutes = minutes + 15, service_date = ? WHERE id = ?`,
          ).run(new Date(base + Math.floor(r() * 150) * DAY).toISOString().slice(0, 10), h.id);
      } else {
        const g = one(c.prepare(`SELECT id FROM volunteer_signups ORDER BY 1`).all()) as
          { id: number } | undefined;
        if (g && r() < 0.5) c.prepare(`DELETE FROM volunteer_signups WHERE id = ?`).run(g.id);
      }
    },
    unregister() {
      const g = one(c.prepare(`SELECT id FROM activity_registrations ORDER BY 1`).all()) as
        { id: number } | undefined;
      if (g && r() < 0.4) c.prepare(`DELETE FROM activity_registrations WHERE id = ?`).run(g.id);
    },
  };
  const weighted: (keyof typeof ops)[] = [
    "activity",
    "activity",
    "register",
    "register",
    "checkin",
    "checkin",
    "checkin",
    "headcount",
    "activityChange",
    "unregister",
    "run",
    "run",
    "enrol",
    "enrol",
    "enrol",
    "enrol",
    "promote",
    "cancel",
    "mark",
    "mark",
    "mark",
    "mark",
    "mark",
    "flip",
    "unmark",
    "evaluate",
    "evaluate",
    "unevaluate",
    "cancelSession",
    "moveSession",
    "deleteSession",
    "deleteEnrollment",
    "deleteRun",
    "cancelRun",
    "teacher",
    "waitlistActivity",
    "waitlistActivity",
    "promoteActivity",
    "volunteer",
    "volunteer",
    "unvolunteer",
  ];
  for (let i = 0; i < steps; i++) ops[pick(weighted)]();
  return db;
}

describe("statistics rollups", () => {
  for (const seed of (process.env.STATS_SEEDS ?? "1,2,3").split(",").map(Number)) {
    it(`equal a full recount after 400 random writes (seed ${seed})`, async () => {
      const db = await randomHistory(seed, 400);
      const c = db.$client;
      const marks = (
        c.prepare(`SELECT count(*) n FROM attendance WHERE present = 1`).get() as { n: number }
      ).n;
      expect(marks).toBeGreaterThan(2); // the sequence did produce participations
      const check = checkRollups(db);
      expect(check.differences).toEqual([]);
      expect(check.ok).toBe(true);
      // The live rollup agrees with the source on the headline figure too.
      const rolled = (
        c.prepare(`SELECT coalesce(sum(attendances), 0) n FROM stats_run_month`).get() as {
          n: number;
        }
      ).n;
      const direct = (
        c
          .prepare(
            `SELECT count(*) n FROM attendance t JOIN class_sessions s ON s.id = t.session_id JOIN enrollments e ON e.id = t.enrollment_id WHERE t.present = 1`,
          )
          .get() as { n: number }
      ).n;
      expect(rolled).toBe(direct);
      // Activities: the rollup's max(headcount, identified) equals the community module's own count.
      const act = c
        .prepare(
          `SELECT coalesce(sum(max(headcount, identified)), 0) n, count(*) k FROM stats_activity WHERE cancelled = 0`,
        )
        .get() as { n: number; k: number };
      const rule = countParticipations(db);
      expect(act.k).toBe(rule.activities);
      expect(act.n).toBe(rule.total);
      // 参与人数 from stats_reach equals counting distinct people in the source rows, for random ranges and scopes.
      const r = demoRandom(seed * 31);
      const later = Date.UTC(2027, 0, 1);
      for (let i = 0; i < 12; i++) {
        const a = Math.floor(r() * 7);
        const from = `2026-${String(1 + a).padStart(2, "0")}`;
        const to = `2026-${String(1 + a + Math.floor(r() * (7 - a))).padStart(2, "0")}`;
        const period = makePeriod("custom", from, to);
        const academies = c.prepare(`SELECT id, district_id FROM academies ORDER BY id`).all() as {
          id: number;
          district_id: number;
        }[];
        const x = academies[Math.floor(r() * academies.length)]!;
        for (const [scope, filter, arg] of [
          [{ type: "city" }, "", null],
          [{ type: "district", districtId: x.district_id }, " AND did = ?", x.district_id],
          [{ type: "academy", academyId: x.id, districtId: x.district_id }, " AND aid = ?", x.id],
        ] as const) {
          const direct = (
            c
              .prepare(
                `SELECT count(DISTINCT pk) n FROM (${PEOPLE}) WHERE m BETWEEN ? AND ?${filter}`,
              )
              .get(from, to, ...(arg == null ? [] : [arg])) as { n: number }
          ).n;
          // Half the time "now" falls inside the range, so the current month's part is added to the other months'.
          const now = i % 2 ? later : Date.UTC(2026, 1 + Math.floor(r() * 6), 15);
          const f = computeFigures(db, scope as StatsScope, period, now);
          expect(
            f.participants,
            `${JSON.stringify(scope)} ${from}..${to} @${new Date(now).toISOString()}`,
          ).toBe(direct);
          // 开课门次 and 课次: held sessions (over by now, neither it nor its run cancelled) dated in the range.
          const held = c
            .prepare(
              `SELECT count(DISTINCT r.id) runs, count(*) sessions FROM class_sessions s JOIN class_runs r ON r.id = s.run_id JOIN academies a ON a.id = r.academy_id
               WHERE s.status = 'scheduled' AND r.status <> 'cancelled' AND s.ends_at <= ? AND substr(s.local_date, 1, 7) BETWEEN ? AND ?${filter.replace("did", "a.district_id").replace("aid", "r.academy_id")}`,
            )
            .get(now, from, to, ...(arg == null ? [] : [arg])) as {
            runs: number;
            sessions: number;
          };
          expect(
            [f.runsHeld, f.sessionsHeld],
            `runs/sessions ${JSON.stringify(scope)} ${from}..${to}`,
          ).toEqual([held.runs, held.sessions]);
        }
        const byMonth = figuresBy(db, { type: "city" }, period, "month", later);
        for (const [m, f] of byMonth)
          expect(f.participants).toBe(
            (
              c.prepare(`SELECT count(DISTINCT pk) n FROM (${PEOPLE}) WHERE m = ?`).get(m) as {
                n: number;
              }
            ).n,
          );
      }
      // Community volunteer minutes and activity waitlists: the academy × month sums equal the source rows.
      const vm = (
        c
          .prepare(`SELECT coalesce(sum(volunteer_minutes), 0) n FROM stats_academy_month`)
          .get() as { n: number }
      ).n;
      expect(vm).toBe(
        (
          c
            .prepare(
              `SELECT coalesce(sum(h.minutes), 0) n FROM volunteer_hours h JOIN volunteer_signups s ON s.id = h.signup_id`,
            )
            .get() as { n: number }
        ).n,
      );
      const wl = c
        .prepare(
          `SELECT coalesce(sum(activity_waitlisted), 0) w, coalesce(sum(activity_promoted), 0) p FROM stats_academy_month`,
        )
        .get();
      expect(wl).toEqual(
        c
          .prepare(
            `SELECT coalesce(sum(g.queue_key IS NOT NULL OR g.promoted_at IS NOT NULL), 0) w, coalesce(sum(g.promoted_at IS NOT NULL), 0) p FROM activity_registrations g JOIN activities a ON a.id = g.activity_id`,
          )
          .get(),
      );
    });
  }

  it("notices a tampered rollup, and a rebuild after a suspended bulk load repairs it", async () => {
    const db = await randomHistory(7, 200);
    const c = db.$client;
    c.prepare(
      `UPDATE stats_run_month SET attendances = attendances + 1 WHERE rowid = (SELECT min(rowid) FROM stats_run_month)`,
    ).run();
    expect(checkRollups(db).ok).toBe(false);
    rebuildRollups(db);
    expect(checkRollups(db).ok).toBe(true);
    // The derived tables are compared too: academy × month sums and stats_reach.
    c.prepare(
      `UPDATE stats_academy_month SET sessions = sessions + 1 WHERE rowid = (SELECT min(rowid) FROM stats_academy_month)`,
    ).run();
    expect(checkRollups(db).differences.map((d) => d.table)).toContain("stats_academy_month");
    rebuildRollups(db);
    c.prepare(
      `UPDATE stats_reach SET prev = '' WHERE rowid = (SELECT max(rowid) FROM stats_reach WHERE prev <> '')`,
    ).run();
    expect(checkRollups(db).differences.map((d) => d.table)).toContain("stats_reach");
    suspendRollups(db);
    c.prepare(`UPDATE attendance SET present = 1 - present`).run();
    c.prepare(`UPDATE activities SET headcount = coalesce(headcount, 0) + 3`).run();
    expect(checkRollups(db).ok).toBe(false);
    rebuildRollups(db);
    expect(checkRollups(db).ok).toBe(true);
    resumeRollups(db);
  });

  it("the migration holds exactly the triggers the module defines", () => {
    const dir = path.resolve("db/migrations");
    const file = fs.readdirSync(dir).find((f) => f.endsWith("_stats_triggers.sql"))!;
    expect(fs.readFileSync(path.join(dir, file), "utf8")).toBe(TRIGGERS_SQL);
    const second = fs.readdirSync(dir).find((f) => f.endsWith("_stats_reach_triggers.sql"))!;
    expect(fs.readFileSync(path.join(dir, second), "utf8")).toBe(TRIGGERS2_SQL);
    const third = fs.readdirSync(dir).find((f) => f.endsWith("_stats_stamp_triggers.sql"))!;
    expect(fs.readFileSync(path.join(dir, third), "utf8")).toBe(TRIGGERS3_SQL);
    // 请假: the triggers whose definitions changed, dropped and created again, and the attendance guards.
    const fourth = fs.readdirSync(dir).find((f) => f.endsWith("_stats_leave_triggers.sql"))!;
    expect(fs.readFileSync(path.join(dir, fourth), "utf8")).toBe(TRIGGERS4_SQL);
    expect(TRIGGERS4_SQL).toContain("DROP TRIGGER IF EXISTS stats_attendance_update;");
    expect(TRIGGERS4_SQL).toContain(
      "AFTER UPDATE OF present, excused, session_id, enrollment_id ON attendance",
    );
    // A rollup row updated in place: one academy-month UPDATE and one stamp.
    const fifth = fs.readdirSync(dir).find((f) => f.endsWith("_stats_trigger_deltas.sql"))!;
    expect(fs.readFileSync(path.join(dir, fifth), "utf8")).toBe(TRIGGERS5_SQL);
  });

  it("the statistics stamp moves with a participation, not with unrelated writes", async () => {
    const db = await randomHistory(11, 60);
    const c = db.$client;
    const before = statsStamp(db);
    c.prepare(
      `INSERT INTO audit_log (action, target_type, summary, created_at) VALUES ('test', 'test', '无关的写入', 0)`,
    ).run();
    c.prepare(`UPDATE users SET name = name || '' `).run();
    expect(statsStamp(db)).toBe(before);
    const x = c
      .prepare(
        `SELECT s.id sid, e.id eid FROM class_sessions s JOIN enrollments e ON e.run_id = s.run_id WHERE NOT EXISTS (SELECT 1 FROM attendance t WHERE t.session_id = s.id AND t.enrollment_id = e.id) LIMIT 1`,
      )
      .get() as { sid: number; eid: number };
    c.prepare(
      `INSERT INTO attendance (session_id, enrollment_id, present, method, marked_at) VALUES (?, ?, 1, 'qr', 0)`,
    ).run(x.sid, x.eid);
    expect(statsStamp(db)).not.toBe(before);
    // A write to this month's rows moves only the current stamp; a write to another month only the other one.
    const academy = (
      c.prepare(`SELECT id FROM academies ORDER BY id LIMIT 1`).get() as { id: number }
    ).id;
    const activity = (startsAt: number) => {
      const l = sessionLocalColumns(startsAt);
      c.prepare(
        `INSERT INTO activities (academy_id, type, title, place, starts_at, ends_at, local_date, weekday, start_minute, registration, headcount, created_at, updated_at) VALUES (?, 'festival', '灯谜会', '广场', ?, ?, ?, ?, ?, 0, 5, 0, 0)`,
      ).run(academy, startsAt, startsAt + 3600_000, l.localDate, l.weekday, l.startMinute);
    };
    const s0 = statsStamps(db);
    activity(Date.now());
    const s1 = statsStamps(db);
    expect(s1.other).toBe(s0.other);
    expect(Number(s1.current)).toBeGreaterThan(Number(s0.current));
    activity(Date.now() - 100 * DAY);
    const s2 = statsStamps(db);
    expect(s2.current).toBe(s1.current);
    expect(Number(s2.other)).toBeGreaterThan(Number(s1.other));
  });

  it("figures read in two cached parts add up to a recount when this month changes", async () => {
    const db = await randomHistory(5, 150);
    const c = db.$client;
    const now = Date.now();
    const year = makePeriod("custom", "2026-01", monthOfInstant(now));
    const academy = (
      c.prepare(`SELECT id FROM academies ORDER BY id LIMIT 1`).get() as { id: number }
    ).id;
    const before = computeFigures(db, { type: "city" }, year, now);
    const l = sessionLocalColumns(now - 3600_000);
    c.prepare(
      `INSERT INTO activities (academy_id, type, title, place, starts_at, ends_at, local_date, weekday, start_minute, registration, headcount, created_at, updated_at) VALUES (?, 'festival', '灯谜会', '广场', ?, ?, ?, ?, ?, 0, 7, 0, 0)`,
    ).run(academy, now - 3600_000, now - 1800_000, l.localDate, l.weekday, l.startMinute);
    const after = computeFigures(db, { type: "city" }, year, now);
    expect(after.activitiesHeld).toBe(before.activitiesHeld + 1);
    expect(after.activityParticipations).toBe(before.activityParticipations + 7);
    // The same figures with every cache bypassed (a fresh connection to the same file is not needed: a rebuild moves both stamps).
    rebuildRollups(db);
    expect(computeFigures(db, { type: "city" }, year, now)).toEqual(after);
  });
});
