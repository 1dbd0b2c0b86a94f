/**
 * Demo activities: every academy gets a few past and upcoming activities — open events with a
 * recorded headcount and some QR check-ins, registered events with seats taken (never past their
 * capacity), and a weekly series at some academies. Rooms are used only where no class or other
 * activity holds them (scheduling's clash check); otherwise the activity is outdoors. One
 * transaction, plain inserts: ~1,200 activities in well under a second. Idempotent: nothing
 * happens when any demo activity exists.
 */
import { and, asc, eq, inArray, isNull, like } from "drizzle-orm";
import type { DB } from "@db/client";
import { academies, activities, activityAttendance, activityRegistrations, familyMembers, organisations, rooms, users } from "@db/schema";
import { demoAcademy } from "./accounts";
import { demoRandom } from "./academies";
import { findClash } from "~/modules/scheduling/conflicts.server";
import { addDays, localParts, minutesOf, timeOfMinutes, todayLocal, wallToUtc } from "~/utils/time";
import { asWeeklyHours, liveSlot, placeInHours } from "~/modules/org/opening-hours";
import { auditOutsideHours, checkOpeningHours } from "~/modules/org/opening-hours.server";
import type { ActivityType } from "~/modules/community/activities";

const TITLES: Record<ActivityType, string[]> = {
  culture_sports: ["广场舞交流展演", "太极拳晨练", "社区合唱团排练", "邻里乒乓球赛", "书法笔会"],
  volunteer: ["小区环境清洁日", "义诊便民服务", "垃圾分类志愿督导", "关爱独居老人走访"],
  festival: ["重阳敬老游园会", "冬至包汤圆", "邻里节百家宴", "元宵猜灯谜"],
  lecture: ["防范电信诈骗讲座", "健康养生讲座", "民法典进社区", "消防安全宣讲"],
  family: ["亲子绘本共读", "亲子手工闽南彩灯", "周末亲子科学营"],
  party: ["党员志愿服务日", "主题党日：共同缔造", "党史故事分享会"],
  other: ["社区跳蚤市场", "邻里议事开放日"],
};
const PLACES = ["小区中心广场", "社区文化广场", "书院门前空地", "社区篮球场", "邻里中心一楼大厅"];
const AUDIENCES = ["全体居民", "老年人", "亲子家庭", "青少年", "党员群众"];
const TYPES = Object.keys(TITLES) as ActivityType[];

const DEMO_RESIDENT_PREFIX = "1360000";
const DEMO_HOME_PHONE = "13900000006";

export function seedDemoActivities(db: DB, now = Date.now()) {
  if (db.select({ id: activities.id }).from(activities).where(eq(activities.isDemo, true)).limit(1).get())
    return { skipped: "已有演示活动", activities: 0, registrations: 0, checkins: 0 };
  const academyRows = db.select({ id: academies.id, schedule: academies.openingSchedule }).from(academies).where(isNull(academies.closedAt)).orderBy(asc(academies.id)).all();
  const hoursOf = new Map(academyRows.map((a) => [a.id, asWeeklyHours(a.schedule)]));
  if (academyRows.length === 0) return { skipped: "还没有书院", activities: 0, registrations: 0, checkins: 0 };
  const residents = db
    .select({ id: users.id })
    .from(users)
    .where(like(users.phone, `${DEMO_RESIDENT_PREFIX}%`))
    .orderBy(asc(users.id))
    .all()
    .map((u) => u.id);
  const home = db.select({ id: users.id, academyId: users.homeAcademyId }).from(users).where(eq(users.phone, DEMO_HOME_PHONE)).get();
  const mother = home
    ? db.select({ id: familyMembers.id }).from(familyMembers).where(and(eq(familyMembers.ownerUserId, home.id), isNull(familyMembers.removedAt))).get()
    : undefined;
  const rand = demoRandom(1111);
  const pick = <T,>(list: readonly T[]) => list[Math.floor(rand() * list.length)]!;
  const today = todayLocal(now);
  const roomsByAcademy = new Map<number, { id: number; capacity: number }[]>();
  for (const r of db.select({ id: rooms.id, academyId: rooms.academyId, capacity: rooms.capacity }).from(rooms).where(isNull(rooms.archivedAt)).all()) {
    if (!roomsByAcademy.has(r.academyId)) roomsByAcademy.set(r.academyId, []);
    roomsByAcademy.get(r.academyId)!.push(r);
  }
  const orgsByAcademy = new Map<number, number[]>();
  for (const o of db.select({ id: organisations.id, academyId: organisations.academyId }).from(organisations).where(inArray(organisations.stage, ["incubating", "established"])).all()) {
    if (!orgsByAcademy.has(o.academyId)) orgsByAcademy.set(o.academyId, []);
    orgsByAcademy.get(o.academyId)!.push(o.id);
  }

  return db.transaction(
    (tx) => {
      let count = 0;
      let regCount = 0;
      let checkins = 0;
      const insert = (academyId: number, dayOffset: number, start: string, minutes: number, opts: { registration: boolean; capacity?: number; useRoom: boolean; seriesId?: number | null; type?: ActivityType; title?: string }) => {
        const type = opts.type ?? pick(TYPES);
        // Inside the academy's opening hours, as the app requires: the nearest open time that day,
        // else the nearest open day (earlier for past events, later for upcoming ones).
        const hours = hoursOf.get(academyId) ?? null;
        const placed = hours ? placeInHours(hours, addDays(today, dayOffset), minutesOf(start), minutes, dayOffset < 0 ? -1 : 1) : null;
        const date = placed?.date ?? addDays(today, dayOffset);
        const startsAt = wallToUtc(date, placed ? timeOfMinutes(placed.minute) : start);
        const endsAt = startsAt + minutes * 60_000;
        checkOpeningHours(tx, { academyId, slots: [{ startsAt, endsAt }], override: false, noun: "办活动", fields: { day: "date", time: "startTime" } });
        let roomId: number | null = null;
        let roomCap = 0;
        if (opts.useRoom) {
          for (const r of roomsByAcademy.get(academyId) ?? []) {
            if (!findClash(tx, { roomId: r.id, teacherIds: [], startsAt, endsAt })) {
              roomId = r.id;
              roomCap = r.capacity;
              break;
            }
          }
        }
        const capacity = opts.registration ? Math.max(5, Math.min(opts.capacity ?? 30, roomId ? roomCap : 200)) : null;
        const p = localParts(startsAt);
        const orgs = orgsByAcademy.get(academyId) ?? [];
        return tx
          .insert(activities)
          .values({
            academyId,
            seriesId: opts.seriesId ?? null,
            organisationId: orgs.length && rand() < 0.4 ? pick(orgs) : null,
            type,
            title: opts.title ?? pick(TITLES[type]),
            description: "欢迎社区居民参加。活动由书院组织，请留意现场工作人员的安排。",
            audience: pick(AUDIENCES),
            roomId,
            place: roomId ? "" : pick(PLACES),
            startsAt,
            endsAt,
            localDate: p.date,
            weekday: p.weekday,
            startMinute: p.minute,
            registration: opts.registration,
            capacity,
            isDemo: true,
            createdAt: now,
            updatedAt: now,
          })
          .returning()
          .get();
      };
      const register = (activityId: number, capacity: number, n: number, at: number) => {
        const people = new Set<number>();
        while (people.size < Math.min(n, residents.length)) people.add(pick(residents));
        const ids: number[] = [];
        let i = 0;
        for (const userId of people) {
          const confirmed = i < capacity;
          ids.push(
            tx
              .insert(activityRegistrations)
              .values({
                activityId,
                userId,
                status: confirmed ? "confirmed" : "waitlisted",
                queueKey: confirmed ? null : i,
                createdAt: at,
                confirmedAt: confirmed ? at : null,
                updatedAt: at,
              })
              .returning({ id: activityRegistrations.id })
              .get().id,
          );
          i++;
        }
        regCount += ids.length;
        return ids.slice(0, capacity);
      };
      const scan = (activityId: number, userId: number, registrationId: number | null, at: number) => {
        tx.insert(activityAttendance).values({ activityId, registrationId, userId, present: true, method: "qr", markedBy: userId, markedAt: at }).onConflictDoNothing().run();
        checkins++;
      };

      for (const { id: academyId } of academyRows) {
        // Past: two open events with a headcount (a few scanned), one registered event with attendance.
        for (const offset of [-12, -5]) {
          const a = insert(academyId, offset, pick(["09:00", "15:00", "19:30"]), 90, { registration: false, useRoom: false });
          const scanned = residents.length ? 2 + Math.floor(rand() * 6) : 0;
          for (let i = 0; i < scanned; i++) scan(a.id, pick(residents), null, a.startsAt + 5 * 60_000);
          tx.update(activities).set({ headcount: 20 + Math.floor(rand() * 60), headcountAt: a.endsAt }).where(eq(activities.id, a.id)).run();
          count++;
        }
        const past = insert(academyId, -8, "14:30", 120, { registration: true, capacity: 25, useRoom: true, type: "lecture" });
        const seats = register(past.id, past.capacity!, 10 + Math.floor(rand() * 20), past.startsAt - 3 * 86_400_000);
        seats.forEach((rid, i) => {
          if (i % 4 === 3) return; // a few did not come
          const r = tx.select({ userId: activityRegistrations.userId }).from(activityRegistrations).where(eq(activityRegistrations.id, rid)).get()!;
          if (i % 2) scan(past.id, r.userId!, rid, past.startsAt + 3 * 60_000);
          else tx.insert(activityAttendance).values({ activityId: past.id, registrationId: rid, userId: r.userId, present: true, method: "roster", markedAt: past.endsAt }).run();
        });
        count++;
        // Upcoming: a registered event (some full), an open event, and at one academy in three a weekly series.
        const up = insert(academyId, 3 + Math.floor(rand() * 10), pick(["09:30", "14:30", "19:00"]), 120, { registration: true, capacity: 10 + Math.floor(rand() * 30), useRoom: true });
        register(up.id, up.capacity!, Math.floor(rand() * (up.capacity! + 8)), now - 86_400_000);
        insert(academyId, 2 + Math.floor(rand() * 12), pick(["08:30", "16:00", "19:30"]), 90, { registration: false, useRoom: false });
        count += 2;
        if (academyId % 3 === 0) {
          const title = pick(TITLES.culture_sports);
          for (let w = 0; w < 4; w++) {
            insert(academyId, 1 + w * 7, "07:30", 60, { registration: false, useRoom: false, type: "culture_sports", title });
            count++;
          }
        }
      }

      // The demo resident (and 母亲) in an upcoming registered activity of their home academy, and a past check-in.
      if (home?.academyId) {
        const up = insert(home.academyId, 4, "10:00", 90, { registration: true, capacity: 30, useRoom: false, type: "family", title: "亲子绘本共读" });
        for (const familyMemberId of [null, mother?.id ?? null].filter((m, i) => i === 0 || m != null)) {
          tx.insert(activityRegistrations).values({ activityId: up.id, userId: home.id, familyMemberId, status: "confirmed", createdAt: now, confirmedAt: now, updatedAt: now }).run();
          regCount++;
        }
        const pastOpen = insert(home.academyId, -3, "19:30", 90, { registration: false, useRoom: false, type: "culture_sports", title: "广场舞交流展演" });
        scan(pastOpen.id, home.id, null, pastOpen.startsAt + 10 * 60_000);
        tx.update(activities).set({ headcount: 45, headcountAt: pastOpen.endsAt }).where(eq(activities.id, pastOpen.id)).run();
        count += 2;
      }
      // At the demo manager's academy: an open event under way (record its headcount) and a registered
      // talk starting shortly (register now, check in from 30 minutes before).
      const demo = demoAcademy(tx as unknown as DB);
      if (demo) {
        const demoHours = hoursOf.get(demo.id) ?? null;
        // Under way and starting shortly, as the seed's clock says; when the academy is closed then
        // (at night) they go ahead with the 开放时间外 override and its audit row, as a manager's would.
        const live = (startsAt: number, minutes: number, v: { title: string; type: ActivityType; registration: boolean; capacity: number | null; place: string }) => {
          const outside = checkOpeningHours(tx, { academyId: demo.id, slots: [{ startsAt, endsAt: startsAt + minutes * 60_000 }], override: true, noun: "办活动", fields: { day: "date", time: "startTime" } });
          const p = localParts(startsAt);
          const row = tx
            .insert(activities)
            .values({ academyId: demo.id, ...v, description: "欢迎社区居民参加。", audience: "全体居民", startsAt, endsAt: startsAt + minutes * 60_000, localDate: p.date, weekday: p.weekday, startMinute: p.minute, isDemo: true, createdAt: now, updatedAt: now })
            .returning({ id: activities.id })
            .get();
          auditOutsideHours(tx, null, null, { academyId: demo.id, targetType: "activity", targetId: row.id, what: `演示数据活动「${v.title}」（为了随时能体验，按种子时间安排）`, outside });
          count++;
        };
        live(liveSlot(demoHours, now, 180).startsAt, 180, { title: "邻里节百家宴", type: "festival", registration: false, capacity: null, place: "小区中心广场" });
        live(now + 25 * 60_000, 90, { title: "反诈宣讲进社区", type: "lecture", registration: true, capacity: 40, place: "书院门前空地" });
      }
      return { skipped: null, activities: count, registrations: regCount, checkins };
    },
    { behavior: "immediate" },
  );
}


