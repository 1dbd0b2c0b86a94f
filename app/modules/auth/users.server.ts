import { and, asc, eq, sql } from "drizzle-orm";
import { containsAny } from "~/utils/sql";
import { prepared, type DB } from "@db/client";
import { userRoles, users } from "@db/schema";
import { UserError } from "~/utils/errors";
import { dummyPasswordHash, hashPassword, verifyPassword } from "./password.server";
import { assertPasswordAllowed } from "./password-policy.server";
import { isTrustedDevice, signDevice } from "./device.server";
import { authLimiters, checkLimit, consume, waitMessage } from "./rate-limit.server";
import { createSession, generateSessionToken, invalidateUserSessions } from "./session.server";
import type { Actor, RoleGrant } from "./permissions";

const rolesOfUser = prepared((db) =>
  db
    .select({ role: userRoles.role, scopeType: userRoles.scopeType, scopeId: userRoles.scopeId })
    .from(userRoles)
    .where(eq(userRoles.userId, sql.placeholder("userId")))
    .prepare()
);

export function loadActor(db: DB, user: { id: number; name: string; phone: string; homeAcademyId: number | null }): Actor {
  const roles = rolesOfUser(db).all({ userId: user.id }) as RoleGrant[];
  if (!roles.some((r) => r.role === "resident")) roles.push({ role: "resident", scopeType: "city", scopeId: 0 });
  return { ...user, roles };
}

export function findUserByPhone(db: DB, phone: string) {
  return db.select().from(users).where(eq(users.phone, phone)).get();
}

/**
 * Creates the account (the person then signs in) — unless the phone is taken, which the caller must not
 * reveal (`created: false`, nothing written, the same hashing work done): the page answers both
 * alike. The password must pass `assertPasswordAllowed` (the common list, not the phone number).
 */
export async function registerUser(
  db: DB,
  input: { phone: string; name: string; password: string },
  ip: string,
): Promise<{ created: boolean }> {
  const limits = authLimiters();
  await consume(limits.registerIp, ip);
  await consume(limits.registerPhone, input.phone);
  assertPasswordAllowed(input.password, input.phone, "password");
  const passwordHash = await hashPassword(input.password);
  const created = db
    .insert(users)
    .values({ phone: input.phone, name: input.name, passwordHash, createdAt: Date.now() })
    .onConflictDoNothing()
    .run().changes;
  return { created: created === 1 };
}

/**
 * The throttle in front of every password check (login and /me/password), after OWASP: the
 * (IP, phone) pair is refused after a few failures; the phone alone gets growing delays, skipped by
 * a device that signed in to this account before. Returns what to record after the check.
 */
async function passwordGate(phone: string, ip: string, trusted: boolean) {
  const limits = authLimiters();
  const pairKey = `${ip}|${phone}`;
  await checkLimit(limits.loginPair, pairKey);
  if (!trusted) {
    const wait = limits.loginPhone.waitMs(phone);
    if (wait > 0) throw new UserError(waitMessage(wait));
  }
  return {
    async failed() {
      limits.loginPhone.fail(phone);
      await consume(limits.loginPair, pairKey).catch(() => {});
    },
    async succeeded() {
      limits.loginPhone.reset(phone);
      await limits.loginPair.delete(pairKey);
    },
  };
}

/** Checks phone and password with the per-IP limit and `passwordGate`; one message for both failures.
 * `device` is the browser's device cookie; the result carries a fresh one to set. */
export async function login(db: DB, input: { phone: string; password: string }, ip: string, device?: string | null) {
  const limits = authLimiters();
  await consume(limits.loginIp, ip);
  const user = findUserByPhone(db, input.phone);
  const gate = await passwordGate(input.phone, ip, !!user && isTrustedDevice(db, device, user.id));
  const ok = user
    ? await verifyPassword(user.passwordHash, input.password)
    : (await verifyPassword(await dummyPasswordHash(), input.password), false);
  if (!user || !ok) {
    await gate.failed();
    throw new UserError("手机号或密码不正确。", "password");
  }
  await gate.succeeded();
  const token = generateSessionToken();
  const session = createSession(db, token, user.id);
  return { token, session, user, device: signDevice(db, user.id) };
}

/** Changes the password and signs every session out, then opens a new one for this device. The
 * current-password check goes through the same throttle as login. */
export async function changePassword(
  db: DB,
  actor: Actor,
  input: { currentPassword: string; newPassword: string },
  ip = "local",
  device?: string | null,
) {
  const user = db.select().from(users).where(eq(users.id, actor.id)).get();
  const gate = await passwordGate(actor.phone, ip, !!user && isTrustedDevice(db, device, actor.id));
  if (!user || !(await verifyPassword(user.passwordHash, input.currentPassword))) {
    await gate.failed();
    throw new UserError("当前密码不正确。", "currentPassword");
  }
  await gate.succeeded();
  assertPasswordAllowed(input.newPassword, actor.phone, "newPassword");
  const passwordHash = await hashPassword(input.newPassword);
  const token = generateSessionToken();
  const session = db.transaction(
    (tx) => {
      tx.update(users).set({ passwordHash }).where(eq(users.id, actor.id)).run();
      invalidateUserSessions(tx, actor.id);
      return createSession(tx, token, actor.id);
    },
    { behavior: "immediate" },
  );
  return { token, session };
}

export const USERS_PAGE_SIZE = 30;

/** HQ's user search by phone or name, with each person's roles. */
export function searchUsers(db: DB, opts: { q?: string; page?: number }) {
  const page = Math.max(1, opts.page ?? 1);
  const q = opts.q?.trim().slice(0, 50);
  const where = containsAny(q, [users.phone, users.name]);
  const rows = db
    .select({ id: users.id, name: users.name, phone: users.phone, createdAt: users.createdAt })
    .from(users)
    .where(where)
    .orderBy(asc(users.id))
    .limit(USERS_PAGE_SIZE)
    .offset((page - 1) * USERS_PAGE_SIZE)
    .all();
  const total = db.select({ n: sql<number>`count(*)` }).from(users).where(where).get()!.n;
  const ids = rows.map((r) => r.id);
  const grants = ids.length
    ? db
        .select()
        .from(userRoles)
        .where(sql`${userRoles.userId} in (${sql.join(ids.map((id) => sql`${id}`), sql`, `)})`)
        .all()
    : [];
  return {
    rows: rows.map((r) => ({ ...r, roles: grants.filter((g) => g.userId === r.id) })),
    total,
    page,
    pages: Math.max(1, Math.ceil(total / USERS_PAGE_SIZE)),
  };
}

export function getUser(db: DB, id: number) {
  return db.select({ id: users.id, name: users.name, phone: users.phone }).from(users).where(and(eq(users.id, id))).get();
}
