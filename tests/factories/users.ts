import { eq } from "drizzle-orm";
import type { DB } from "@db/client";
import { userRoles, users, type Role } from "@db/schema";
import { hashPassword } from "~/modules/auth/password.server";
import { loadActor, registerUser } from "~/modules/auth/users.server";
import { requestSmsCode, resetSmsLimiters } from "~/modules/auth/sms-codes.server";
import type { SmsMessage, SmsSender } from "~/modules/auth/sms.server";

let seq = 0;
let cachedHash: string | undefined;

/** A user with an 11-digit phone unique in this process; password "test-password-1". */
export async function createUser(
  db: DB,
  overrides: Partial<{ phone: string; name: string; password: string }> = {},
) {
  seq++;
  const password = overrides.password ?? "test-password-1";
  const passwordHash =
    overrides.password === undefined
      ? (cachedHash ??= await hashPassword("test-password-1"))
      : await hashPassword(password);
  return db
    .insert(users)
    .values({
      phone:
        overrides.phone ??
        `138${String(process.pid % 10000).padStart(4, "0")}${String(seq).padStart(4, "0")}`,
      name: overrides.name ?? `测试用户${seq}`,
      passwordHash,
      createdAt: Date.now(),
    })
    .returning()
    .get();
}

export function grant(
  db: DB,
  userId: number,
  role: Role,
  scope: { district?: number; academy?: number } = {},
) {
  const scopeType = scope.district ? "district" : scope.academy ? "academy" : "city";
  const scopeId = scope.district ?? scope.academy ?? 0;
  db.insert(userRoles).values({ userId, role, scopeType, scopeId, grantedAt: Date.now() }).run();
}

/** A user with the given roles, returned as the Actor that module functions take. */
export async function createActor(
  db: DB,
  roles: { role: Role; district?: number; academy?: number }[] = [],
) {
  const user = await createUser(db);
  for (const r of roles) grant(db, user.id, r.role, r);
  const row = db.select().from(users).where(eq(users.id, user.id)).get()!;
  return loadActor(db, {
    id: row.id,
    name: row.name,
    phone: row.phone,
    homeAcademyId: row.homeAcademyId,
  });
}

/** An SMS sender that keeps what it was asked to send (the sender interface's test double; the
 * database and the code rules stay real). */
export class CaptureSender implements SmsSender {
  readonly name = "capture";
  sent: SmsMessage[] = [];
  async send(m: SmsMessage) {
    this.sent.push(m);
  }
  lastCode(phone: string) {
    const m = this.sent.filter((s) => s.phone === phone && s.template === "code").at(-1);
    return m && m.template === "code" ? m.params.code : undefined;
  }
}

/** Registration as a person does it: ask for the code, read it from the "phone", register.
 * Starts from fresh SMS limits so tests that register one phone repeatedly are not throttled. */
export async function registerWithSms(
  db: DB,
  input: { phone: string; name: string; password: string; homeAcademyId?: number | null },
  ip: string,
) {
  resetSmsLimiters(db);
  const sender = new CaptureSender();
  await requestSmsCode(db, { phone: input.phone, purpose: "register" }, ip, sender);
  return registerUser(db, { ...input, code: sender.lastCode(input.phone) ?? "000000" }, ip);
}
