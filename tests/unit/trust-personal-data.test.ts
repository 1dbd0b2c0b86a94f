/**
 * PIPL (issue 14): a person downloads everything held about them and deletes their account; the
 * enrolment history stays, anonymised, so counts stay right.
 */
import { eq, sql } from "drizzle-orm";
import { auditLog, enrollments, familyMembers, sessions, userRoles, users } from "@db/schema";
import { login, revealPhone } from "~/modules/auth/users.server";
import { deleteAccount, personalData } from "~/modules/auth/personal-data.server";
import { isUserError } from "~/utils/errors";
import {
  addFamilyMember,
  createWorldRun,
  addEnrollment,
  freshLearningWorld,
  type LearningWorld,
} from "@tests/factories/learning";
import { createSession, generateSessionToken } from "~/modules/auth/session.server";
import { createUser } from "@tests/factories/users";

let db: Awaited<ReturnType<typeof freshLearningWorld>>["db"];
let w: LearningWorld;
beforeEach(async () => ({ db, w } = await freshLearningWorld()));
afterEach(() => db.cleanup());

const DAY = 86_400_000;

describe("download my data", () => {
  it("holds the account, family, enrolments (own and family's) and attendance, and never a secret", async () => {
    const mother = addFamilyMember(db, w.resident);
    const { run, sessions: s } = createWorldRun(db, w, { starts: [Date.now() + DAY] });
    addEnrollment(db, run.id, { userId: w.resident.id });
    addEnrollment(db, run.id, { userId: w.resident.id, familyMemberId: mother.id });
    createSession(db, generateSessionToken(), w.resident.id);
    const d = personalData(db, w.resident);
    expect(d.account).toMatchObject({
      id: w.resident.id,
      phone: w.resident.phone,
      name: w.resident.name,
    });
    expect(d.data.family_members!.map((m) => m.name)).toEqual([mother.name]);
    expect(d.data.enrollments!.map((e) => e.family_member_id).sort()).toEqual(
      [mother.id, null].sort(),
    );
    expect(s.length).toBe(1);
    const text = JSON.stringify(d);
    expect(text).not.toMatch(/password_hash|passwordHash/);
    expect(d.data.sessions).toBeUndefined();
    // Nothing about anyone else.
    expect(text).not.toContain(w.neighbour.phone);
  });
});

describe("delete my account", () => {
  it("anonymises the person and their family, signs them out, keeps the enrolments, audits it; they cannot sign in again", async () => {
    const user = await createUser(db, { name: "注销测试", password: "gulangyu-piano-1" });
    const actor = {
      id: user.id,
      name: user.name,
      phone: user.phone,
      homeAcademyId: null,
      roles: [],
    };
    const mother = addFamilyMember(db, actor, "李阿姨");
    const { run } = createWorldRun(db, w, { starts: [Date.now() + DAY] });
    addEnrollment(db, run.id, { userId: user.id });
    addEnrollment(db, run.id, { userId: user.id, familyMemberId: mother.id });
    createSession(db, generateSessionToken(), user.id);
    const before = db
      .select({ n: sql<number>`count(*)` })
      .from(enrollments)
      .get()!.n;

    await deleteAccount(db, actor, "gulangyu-piano-1", "127.0.0.1");

    const row = db.select().from(users).where(eq(users.id, user.id)).get()!;
    expect(row.name).toBe("已注销用户");
    expect(row.phone).not.toContain(user.phone);
    expect(row.phone).toMatch(/^deleted-/);
    expect(
      db.select().from(familyMembers).where(eq(familyMembers.ownerUserId, user.id)).get()!.name,
    ).not.toContain("李阿姨");
    expect(db.select().from(sessions).where(eq(sessions.userId, user.id)).all()).toHaveLength(0);
    expect(
      db
        .select({ n: sql<number>`count(*)` })
        .from(enrollments)
        .get()!.n,
    ).toBe(before); // counts stay right
    expect(
      db.select().from(auditLog).where(eq(auditLog.action, "account.delete")).all(),
    ).toHaveLength(1);
    await expect(
      login(db, { phone: user.phone, password: "gulangyu-piano-1" }, "127.0.0.9"),
    ).rejects.toThrow();
  });

  it("refuses a wrong password and staff accounts, changing nothing", async () => {
    const user = await createUser(db, { password: "gulangyu-piano-1" });
    const actor = {
      id: user.id,
      name: user.name,
      phone: user.phone,
      homeAcademyId: null,
      roles: [],
    };
    const wrong = await deleteAccount(db, actor, "not-my-password", null).catch((e) => e);
    expect(isUserError(wrong) && wrong.field).toBe("password");
    const staff = await deleteAccount(db, w.manager, "whatever", null).catch((e) => e);
    expect(isUserError(staff)).toBe(true);
    expect(db.select().from(users).where(eq(users.id, user.id)).get()!.name).toBe(user.name);
    expect(
      db.select().from(userRoles).where(eq(userRoles.userId, w.manager.id)).all().length,
    ).toBeGreaterThan(0);
    expect(
      db.select().from(auditLog).where(eq(auditLog.action, "account.delete")).all(),
    ).toHaveLength(0);
  });
});

describe("full phone numbers for HQ admins", () => {
  it("are opened one record at a time, audited with a masked summary; HQ editors and managers get 403", () => {
    const statusOf = (fn: () => unknown) => {
      try {
        fn();
        return 200;
      } catch (e) {
        return e instanceof Response ? e.status : -1;
      }
    };
    expect(revealPhone(db, w.hqAdmin, w.resident.id, "127.0.0.1")).toBe(w.resident.phone);
    const rows = db.select().from(auditLog).where(eq(auditLog.action, "user.phone-view")).all();
    expect(rows.map((r) => [r.actorId, r.targetId])).toEqual([
      [w.hqAdmin.id, String(w.resident.id)],
    ]);
    expect(rows[0]!.summary).not.toContain(w.resident.phone);
    expect(statusOf(() => revealPhone(db, w.hqEditor, w.resident.id, null))).toBe(403);
    expect(statusOf(() => revealPhone(db, w.manager, w.resident.id, null))).toBe(403);
    expect(
      db.select().from(auditLog).where(eq(auditLog.action, "user.phone-view")).all(),
    ).toHaveLength(1);
  });
});
