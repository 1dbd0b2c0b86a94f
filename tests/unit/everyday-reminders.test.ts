import { eq } from "drizzle-orm";
import { enrollments, notifications, remindersSent } from "@db/schema";
import { sendDueReminders } from "~/modules/enrollment/reminders.server";
import { addDays, todayLocal, wallToUtc } from "~/utils/time";
import { createTestDb, type TestDb } from "@tests/factories/db";
import { addMember, createOpenRun, createResident } from "@tests/factories/enrollment";
import { schedulingWorld } from "@tests/factories/scheduling";
import { CaptureSender } from "@tests/factories/users";

let db: TestDb;
beforeEach(() => {
  db = createTestDb();
});
afterEach(() => db.cleanup());

const HOUR = 3_600_000;

function addEnrollment(
  runId: number,
  userId: number,
  status: "confirmed" | "waitlisted",
  extra: Partial<typeof enrollments.$inferInsert> = {},
) {
  const now = Date.now();
  return db
    .insert(enrollments)
    .values({
      runId,
      userId,
      status,
      queueKey: status === "waitlisted" ? 1 : null,
      createdAt: now,
      confirmedAt: status === "confirmed" ? now : null,
      updatedAt: now,
      ...extra,
    })
    .returning()
    .get();
}

describe("reminders", () => {
  it("sends one 消息 per account the day before a session, never twice, and none to the waitlist", async () => {
    const w = await schedulingWorld(db);
    const now = wallToUtc(todayLocal(), "10:00");
    const run = createOpenRun(
      db,
      w,
      { firstSessionAt: wallToUtc(addDays(todayLocal(now), 1), "09:00"), sessions: 2, capacity: 5 },
      now,
    );
    const [a, b] = [await createResident(db), await createResident(db)];
    addEnrollment(run.id, a.id, "confirmed");
    const mother = addMember(db, a);
    addEnrollment(run.id, a.id, "confirmed", { familyMemberId: mother.id });
    addEnrollment(run.id, b.id, "waitlisted");
    const sender = new CaptureSender();
    expect(await sendDueReminders(db, now, sender)).toMatchObject({
      sessionMessages: 1,
      smsSent: 0,
    });
    expect(await sendDueReminders(db, now + HOUR, sender)).toMatchObject({ sessionMessages: 0 });
    const msgs = db.select().from(notifications).all();
    expect(msgs).toHaveLength(1);
    expect(msgs[0]!.userId).toBe(a.id);
    expect(msgs[0]!.title).toContain("明天上课");
    // Two days before: nothing yet.
    const early = createOpenRun(
      db,
      w,
      { firstSessionAt: wallToUtc(addDays(todayLocal(now), 2), "09:00"), capacity: 5 },
      now,
    );
    addEnrollment(early.id, b.id, "confirmed");
    await sendDueReminders(db, now + 2 * HOUR, sender);
    expect(
      db.select().from(notifications).where(eq(notifications.userId, b.id)).all(),
    ).toHaveLength(0);
  });

  it("texts whoever was promoted off the waitlist within 24 hours of the start, once", async () => {
    const w = await schedulingWorld(db);
    const now = Date.now();
    const soon = createOpenRun(db, w, { firstSessionAt: now + 20 * HOUR, capacity: 5 }, now);
    const later = createOpenRun(db, w, { firstSessionAt: now + 5 * 24 * HOUR, capacity: 5 }, now);
    const [a, b] = [await createResident(db), await createResident(db)];
    addEnrollment(soon.id, a.id, "confirmed", { promotedAt: now - HOUR, confirmedAt: null });
    addEnrollment(later.id, b.id, "confirmed", { promotedAt: now - HOUR, confirmedAt: null });
    const sender = new CaptureSender();
    expect((await sendDueReminders(db, now, sender)).smsSent).toBe(1);
    expect((await sendDueReminders(db, now + 60_000, sender)).smsSent).toBe(0);
    expect(sender.sent).toHaveLength(1);
    expect(sender.sent[0]).toMatchObject({ phone: a.phone, template: "promoted" });
    expect(
      db.select().from(remindersSent).where(eq(remindersSent.kind, "promoted_sms")).all(),
    ).toHaveLength(1);
  });
});
