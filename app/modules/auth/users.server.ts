import { and, asc, eq, sql } from "drizzle-orm";
import { containsAny } from "~/utils/sql";
import { prepared, type DB } from "@db/client";
import { userRoles, users } from "@db/schema";
import { UserError } from "~/utils/errors";
import { dummyPasswordHash, hashPassword, verifyPassword } from "./password.server";
import { authLimiters, checkLimit, consume, waitMessage } from "./rate-limit.server";
import { assertPasswordAllowed } from "./password-policy.server";
import { isTrustedDevice, signDevice } from "./device.server";
import { writeAudit } from "./audit.server";
import { takeSmsCode } from "./sms-codes.server";
import { academyIsOpen } from "./home-academy.server";
import { createSession, generateSessionToken, invalidateUserSessions } from "./session.server";
import { isHqAdmin, type Actor, type RoleGrant } from "./permissions";
import { forbidden } from "~/utils/http";

const rolesOfUser = prepared((db) =>
  db
    .select({ role: userRoles.role, scopeType: userRoles.scopeType, scopeId: userRoles.scopeId })
    .from(userRoles)
    .where(eq(userRoles.userId, sql.placeholder("userId")))
    .prepare(),
);

export function loadActor(
  db: DB,
  user: { id: number; name: string; phone: string; homeAcademyId: number | null },
): Actor {
  const roles = rolesOfUser(db).all({ userId: user.id }) as RoleGrant[];
  if (!roles.some((r) => r.role === "resident"))
    roles.push({ role: "resident", scopeType: "city", scopeId: 0 });
  return { ...user, roles };
}

export function findUserByPhone(db: DB, phone: string) {
  return db.select().from(users).where(eq(users.phone, phone)).get();
}

/**
 * Creates the account and its first session once the phone's SMS code checks out; the home
 * academy (我的书院) is chosen here too. The password must pass `assertPasswordAllowed`. A wrong code counts a try and writes nothing else.
 */
export async function registerUser(
  db: DB,
  input: {
    phone: string;
    name: string;
    password: string;
    code: string;
    homeAcademyId?: number | null;
  },
  ip: string,
) {
  const limits = authLimiters(db);
  await consume(limits.registerIp, ip);
  await consume(limits.registerPhone, input.phone);
  if (input.homeAcademyId != null && !academyIsOpen(db, input.homeAcademyId)) {
    throw new UserError("请选择一个正在开放的书院。", "homeAcademyId");
  }
  assertPasswordAllowed(input.password, input.phone, "password");
  const passwordHash = await hashPassword(input.password);
  const token = generateSessionToken();
  const outcome = db.transaction(
    (tx) => {
      const wrong = takeSmsCode(tx, input.phone, "register", input.code);
      if (wrong) return { error: wrong } as const;
      if (tx.select({ id: users.id }).from(users).where(eq(users.phone, input.phone)).get()) {
        return { error: "这个手机号已经注册过了，请直接登录。" } as const;
      }
      const user = tx
        .insert(users)
        .values({
          phone: input.phone,
          name: input.name,
          passwordHash,
          homeAcademyId: input.homeAcademyId ?? null,
          createdAt: Date.now(),
        })
        .returning({ id: users.id })
        .get();
      if (input.homeAcademyId != null) {
        writeAudit(tx, user.id, ip, {
          action: "home_academy.set",
          targetType: "user",
          targetId: user.id,
          summary: "注册时选择了我的书院",
          detail: { from: null, to: input.homeAcademyId },
        });
      }
      return { session: createSession(tx, token, user.id) } as const;
    },
    { behavior: "immediate" },
  );
  if ("error" in outcome) throw new UserError(outcome.error!, "code");
  return { token, session: outcome.session };
}

/**
 * 忘记密码: a new password with the SMS code sent to the phone. Every session of the account is
 * revoked; the person signs in again. Unknown phones get the same wrong-code answer.
 */
export async function resetPassword(
  db: DB,
  input: { phone: string; code: string; password: string },
  ip: string,
) {
  assertPasswordAllowed(input.password, input.phone, "password");
  const passwordHash = await hashPassword(input.password);
  const error = db.transaction(
    (tx) => {
      const wrong = takeSmsCode(tx, input.phone, "reset", input.code);
      if (wrong) return wrong;
      const user = tx
        .select({ id: users.id })
        .from(users)
        .where(eq(users.phone, input.phone))
        .get();
      if (!user) return "验证码不正确，请核对短信中的 6 位数字。";
      tx.update(users).set({ passwordHash }).where(eq(users.id, user.id)).run();
      invalidateUserSessions(tx, user.id);
      writeAudit(tx, user.id, ip, {
        action: "password.reset",
        targetType: "user",
        targetId: user.id,
        summary: "用短信验证码重设了密码，所有登录已退出",
      });
      return null;
    },
    { behavior: "immediate" },
  );
  if (error) throw new UserError(error, "code");
}

/**
 * The throttle in front of every password check (login and /me/password), after OWASP: the
 * (IP, phone) pair is refused after a few failures; the phone alone gets growing delays, skipped by
 * a device that signed in to this account before. Returns what to record after the check.
 */
async function passwordGate(db: DB, phone: string, ip: string, trusted: boolean) {
  const limits = authLimiters(db);
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
export async function login(
  db: DB,
  input: { phone: string; password: string },
  ip: string,
  device?: string | null,
) {
  const limits = authLimiters(db);
  await consume(limits.loginIp, ip);
  const user = findUserByPhone(db, input.phone);
  const gate = await passwordGate(
    db,
    input.phone,
    ip,
    !!user && isTrustedDevice(db, device, user.id),
  );
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
  const gate = await passwordGate(
    db,
    actor.phone,
    ip,
    !!user && isTrustedDevice(db, device, actor.id),
  );
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

/** An HQ admin deliberately opens one person's full number (on /hq/users/:id); audited. */
export function revealPhone(db: DB, actor: Actor, userId: number, ip: string | null) {
  if (!isHqAdmin(actor)) forbidden("只有总部管理员可以查看完整手机号。");
  const user = db
    .select({ id: users.id, phone: users.phone, name: users.name })
    .from(users)
    .where(eq(users.id, userId))
    .get();
  if (!user) throw new UserError("没有这个用户。");
  writeAudit(db, actor.id, ip, {
    action: "user.phone-view",
    targetType: "user",
    targetId: user.id,
    summary: `查看“${user.name}”的完整手机号`,
  });
  return user.phone;
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
  const total = db
    .select({ n: sql<number>`count(*)` })
    .from(users)
    .where(where)
    .get()!.n;
  const ids = rows.map((r) => r.id);
  const grants = ids.length
    ? db
        .select()
        .from(userRoles)
        .where(
          sql`${userRoles.userId} in (${sql.join(
            ids.map((id) => sql`${id}`),
            sql`, `,
          )})`,
        )
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
  return db
    .select({ id: users.id, name: users.name, phone: users.phone })
    .from(users)
    .where(and(eq(users.id, id)))
    .get();
}
