/**
 * Demo enrolments: ~500 demo residents (the password hashed once and the hash reused) enrolled in
 * the seeded runs so that some runs are full with waitlists, some half full and some still open;
 * lottery runs collect applications. The demo resident 13900000006 gets a family member (母亲) and a
 * couple of enrolments. Idempotent: nothing happens when any enrolment exists or there are no runs.
 */
import { and, asc, eq, inArray, like, min, sql } from "drizzle-orm";
import type { DB, Tx } from "@db/client";
import { classRuns, classSessions, enrollments, familyMembers, users } from "@db/schema";
import { demoAcademy, DEMO_PASSWORD } from "./accounts";
import { hashPassword } from "~/modules/auth/password.server";
import { demoRandom } from "./academies";
import { syncRunStatus } from "~/modules/enrollment/seats.server";

export const DEMO_RESIDENT_COUNT = 500;
/** Demo residents are 13600000001 … 13600000500 (password xiamen-2015). */
export const DEMO_RESIDENT_PREFIX = "1360000";
export const DEMO_RESIDENT_PHONE = "13900000006";

const SURNAMES = "陈林黄张李王吴刘蔡杨郑许洪曾苏谢庄柯叶周".split("");
const GIVEN = "美玲建国秀英志强丽娟文华淑珍明辉玉兰国平秋月金水阿珠振南宝珠春花德福惠芳".match(
  /.{2}/g,
)!;

export function demoResidentPhone(i: number) {
  return `${DEMO_RESIDENT_PREFIX}${String(i).padStart(4, "0")}`;
}

type Row = typeof enrollments.$inferInsert;

export async function seedDemoEnrollments(db: DB, now = Date.now()) {
  const runs = db
    .select()
    .from(classRuns)
    .where(inArray(classRuns.status, ["open", "full", "closed"]))
    .orderBy(asc(classRuns.id))
    .all();
  if (runs.length === 0)
    return { skipped: "还没有开课", residents: 0, enrollmentCount: 0, fullRuns: 0 };
  if (db.select({ id: enrollments.id }).from(enrollments).limit(1).get()) {
    return { skipped: "已有报名", residents: 0, enrollmentCount: 0, fullRuns: 0 };
  }
  const rand = demoRandom(6006);
  const home = demoAcademy(db);
  const academyIds = [...new Set(runs.map((r) => r.academyId))];
  const existing = db
    .select({ id: users.id, phone: users.phone })
    .from(users)
    .where(like(users.phone, `${DEMO_RESIDENT_PREFIX}%`))
    .all();
  const passwordHash =
    existing.length >= DEMO_RESIDENT_COUNT ? "" : await hashPassword(DEMO_PASSWORD);

  return db.transaction(
    (tx) => {
      // 1. The residents (one hash for all of them).
      const known = new Set(existing.map((u) => u.phone));
      for (let i = 1; i <= DEMO_RESIDENT_COUNT; i++) {
        const phone = demoResidentPhone(i);
        if (known.has(phone)) continue;
        const name =
          SURNAMES[Math.floor(rand() * SURNAMES.length)]! +
          GIVEN[Math.floor(rand() * GIVEN.length)]!;
        tx.insert(users)
          .values({
            phone,
            name,
            passwordHash,
            isDemo: true,
            homeAcademyId:
              rand() < 0.3 ? home.id : academyIds[Math.floor(rand() * academyIds.length)]!,
            birthYear: 1940 + Math.floor(rand() * 56),
            createdAt: now - Math.floor(rand() * 300) * 86_400_000,
          })
          .run();
      }
      const residents = tx
        .select({ id: users.id })
        .from(users)
        .where(like(users.phone, `${DEMO_RESIDENT_PREFIX}%`))
        .orderBy(asc(users.phone))
        .all()
        .map((u) => u.id);

      const taken = new Map<number, Set<string>>();
      const counts = new Map<number, { confirmed: number; queue: number }>();
      let total = 0;
      const put = (
        run: (typeof runs)[number],
        row: Omit<Row, "runId" | "createdAt" | "updatedAt">,
        key: string,
        at: number,
      ) => {
        const keys = taken.get(run.id) ?? new Set<string>();
        if (keys.has(key)) return false;
        const c = counts.get(run.id) ?? { confirmed: 0, queue: 0 };
        if (row.status === "confirmed" && c.confirmed >= run.capacity) return false;
        if (row.status === "confirmed") c.confirmed++;
        if (row.status === "waitlisted") row = { ...row, queueKey: ++c.queue };
        tx.insert(enrollments)
          .values({
            ...row,
            runId: run.id,
            createdAt: at,
            confirmedAt: row.status === "confirmed" ? at : null,
            updatedAt: at,
          })
          .run();
        keys.add(key);
        taken.set(run.id, keys);
        counts.set(run.id, c);
        total++;
        return true;
      };

      // 2. The demo resident: a mother in the household, a seat, the mother's seat and a waitlist place.
      const demo = tx.select().from(users).where(eq(users.phone, DEMO_RESIDENT_PHONE)).get();
      const firstCome = runs.filter((r) => r.enrollMode === "first_come");
      const homeRuns = firstCome.filter((r) => r.academyId === home.id);
      if (demo) {
        if (demo.birthYear == null)
          tx.update(users).set({ birthYear: 1978 }).where(eq(users.id, demo.id)).run();
        let mother = tx
          .select()
          .from(familyMembers)
          .where(and(eq(familyMembers.ownerUserId, demo.id), eq(familyMembers.relation, "母亲")))
          .get();
        mother ??= tx
          .insert(familyMembers)
          .values({
            ownerUserId: demo.id,
            name: "王秀英",
            relation: "母亲",
            birthYear: 1950,
            createdAt: now,
            updatedAt: now,
          })
          .returning()
          .get();
        // Classes that have not started yet, so the demo resident can still cancel them.
        const firstAt = new Map(
          tx
            .select({ runId: classSessions.runId, at: min(classSessions.startsAt) })
            .from(classSessions)
            .where(eq(classSessions.status, "scheduled"))
            .groupBy(classSessions.runId)
            .all()
            .map((r) => [r.runId, r.at ?? 0]),
        );
        const upcoming = (r: (typeof runs)[number]) => (firstAt.get(r.id) ?? 0) > now + 86_400_000;
        const openHome = [
          ...homeRuns.filter((r) => r.status === "open" && upcoming(r)),
          ...homeRuns.filter((r) => r.status === "open" && !upcoming(r)),
        ];
        // A class the demo manager can see is full, with the mother first on its waitlist.
        const fullHome = homeRuns.find((r) => r.status === "full" && upcoming(r)) ?? openHome[2];
        const at = now - 3 * 86_400_000;
        if (openHome[0])
          put(openHome[0], { userId: demo.id, status: "confirmed" }, `u${demo.id}`, at);
        if (openHome[1])
          put(
            openHome[1],
            { userId: demo.id, familyMemberId: mother.id, status: "confirmed" },
            `m${mother.id}`,
            at,
          );
        if (fullHome) {
          fillRun(fullHome, fullHome.capacity, 0, at - 86_400_000);
          put(
            fullHome,
            { userId: demo.id, familyMemberId: mother.id, status: "waitlisted" },
            `m${mother.id}`,
            at,
          );
        }
      }

      // 3. Everyone else: full runs with waitlists, half-full runs and runs with plenty of seats.
      function fillRun(run: (typeof runs)[number], seats: number, waitlist: number, start: number) {
        let cursor = Math.floor(rand() * residents.length);
        let placed = 0;
        let queued = 0;
        let at = start;
        for (
          let guard = 0;
          guard < residents.length && (placed < seats || queued < waitlist);
          guard++
        ) {
          const userId = residents[cursor % residents.length]!;
          cursor += 1 + Math.floor(rand() * 7);
          at += Math.floor(rand() * 600_000);
          if (placed < seats) {
            if (
              put(
                run,
                { userId, status: "confirmed", priority: run.residentsFirst && rand() < 0.5 },
                `u${userId}`,
                at,
              )
            )
              placed++;
          } else if (put(run, { userId, status: "waitlisted" }, `u${userId}`, at)) queued++;
        }
      }
      firstCome.forEach((run, i) => {
        const start = now - (10 + Math.floor(rand() * 4)) * 86_400_000;
        const have = counts.get(run.id)?.confirmed ?? 0;
        const r = rand();
        if (run.status === "full") {
          // Every third full run has no waitlist yet (a seat there goes to the next person at once).
          fillRun(run, run.capacity - have, i % 3 === 0 ? 0 : 2 + Math.floor(rand() * 5), start);
        } else if (run.status === "closed") {
          fillRun(run, Math.floor(run.capacity * 0.7) - have, 0, start);
        } else if (r < 0.25) {
          fillRun(run, run.capacity - have, 1 + Math.floor(rand() * 5), start);
        } else if (r < 0.6) {
          fillRun(run, Math.floor(run.capacity / 2) - have, 0, start);
        } else {
          fillRun(run, Math.floor(rand() * 4) - have, 0, start);
        }
      });
      // Lottery runs collect applications (more than seats) until the window closes.
      for (const run of runs.filter((r) => r.enrollMode === "lottery" && r.status !== "closed")) {
        let cursor = Math.floor(rand() * residents.length);
        const want = Math.ceil(run.capacity * (1.2 + rand()));
        let got = 0;
        for (let guard = 0; guard < residents.length && got < want; guard++) {
          const userId = residents[cursor % residents.length]!;
          cursor += 1 + Math.floor(rand() * 5);
          const priority = run.residentsFirst && rand() < 0.3;
          if (
            put(
              run,
              { userId, status: "lottery_pending", priority },
              `u${userId}`,
              now - Math.floor(rand() * 5) * 86_400_000,
            )
          )
            got++;
        }
      }
      for (const run of runs) syncRunStatus(tx as Tx, run.id, now);
      const full = tx
        .select({ n: sql<number>`count(*)` })
        .from(classRuns)
        .where(eq(classRuns.status, "full"))
        .get()!.n;
      return { skipped: null, residents: residents.length, enrollmentCount: total, fullRuns: full };
    },
    { behavior: "immediate" },
  );
}
