import { randomInt, timingSafeEqual } from "node:crypto";
import { config } from "~/utils/config.server";
import { sha256 } from "@oslojs/crypto/sha2";
import { encodeHexLowerCase } from "@oslojs/encoding";
import { and, desc, eq, sql } from "drizzle-orm";
import type { Conn, DB } from "@db/client";
import { smsCodes, users, type SmsCodePurpose } from "@db/schema";
import { consume, resetLimits, sharedLimiter } from "./rate-limit.server";
import { smsSender, type SmsSender } from "./sms.server";

export const SMS_CODE_TTL_MS = 10 * 60 * 1000;
export const SMS_CODE_MAX_ATTEMPTS = 5;

/** Code requests per phone and per IP, counted in the database every server process shares. */
export function createSmsLimiters(db: DB) {
  return {
    phone: sharedLimiter(db, {
      keyPrefix: "sms-phone",
      points: config().SMS_LIMIT_PER_PHONE,
      duration: 60 * 60,
    }),
    ip: sharedLimiter(db, {
      keyPrefix: "sms-ip",
      points: config().SMS_LIMIT_PER_IP,
      duration: 60 * 60,
    }),
  };
}
const limitersOf = new WeakMap<DB, ReturnType<typeof createSmsLimiters>>();
function smsLimiters(db: DB) {
  let l = limitersOf.get(db);
  if (!l) limitersOf.set(db, (l = createSmsLimiters(db)));
  return l;
}
/** Tests that ask for many codes start from fresh SMS limits. */
export function resetSmsLimiters(db: DB) {
  resetLimits(db, "sms-phone", "sms-ip");
}

function hashCode(phone: string, purpose: SmsCodePurpose, code: string) {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(`${purpose}:${phone}:${code}`)));
}

export const CODE_SENT_MESSAGE: Record<SmsCodePurpose, string> = {
  register:
    "如果这个号码可以注册，验证码已经发出（10 分钟内有效）。如果已经注册过，请直接登录或使用“忘记密码”。",
  reset: "如果这个号码已经注册，验证码已经发出（10 分钟内有效）。",
};

/**
 * Sends a 6-digit code. Limited per phone and per IP. The answer is the same whether or not the
 * phone has an account: a row is always written, but the SMS goes out only when the code can be
 * used (registering a new phone, resetting an existing account's password).
 */
export async function requestSmsCode(
  db: DB,
  input: { phone: string; purpose: SmsCodePurpose },
  ip: string,
  sender: SmsSender = smsSender(),
  now = Date.now(),
) {
  const limits = smsLimiters(db);
  await consume(limits.ip, ip);
  await consume(limits.phone, input.phone);
  const code = String(randomInt(0, 1_000_000)).padStart(6, "0");
  const registered = !!db
    .select({ id: users.id })
    .from(users)
    .where(eq(users.phone, input.phone))
    .get();
  db.insert(smsCodes)
    .values({
      phone: input.phone,
      purpose: input.purpose,
      codeHash: hashCode(input.phone, input.purpose, code),
      expiresAt: now + SMS_CODE_TTL_MS,
      createdAt: now,
    })
    .run();
  const usable = input.purpose === "register" ? !registered : registered;
  if (usable) {
    try {
      await sender.send({ phone: input.phone, template: "code", params: { code } });
    } catch (e) {
      // Saying so would tell whether the phone is registered; the log has it.
      console.error(
        JSON.stringify({
          level: "error",
          msg: "sms send failed",
          sender: sender.name,
          error: String(e),
        }),
      );
    }
  }
  return { message: CODE_SENT_MESSAGE[input.purpose] };
}

export const CODE_MESSAGES = {
  wrong: "验证码不正确，请核对短信中的 6 位数字。",
  expired: "验证码已失效（超过 10 分钟或已经用过），请重新获取。",
  tooMany: "验证码输错次数过多，请重新获取。",
} as const;

/**
 * Checks a code inside the caller's immediate transaction. A right code is marked used (a guarded
 * write, so it works once); a wrong one counts a try. Returns null when the code is good, else the
 * Chinese sentence; the caller commits in both cases (the try must count) and writes nothing else
 * when it got a sentence.
 */
export function takeSmsCode(
  tx: Conn,
  phone: string,
  purpose: SmsCodePurpose,
  code: string,
  now = Date.now(),
): string | null {
  const row = tx
    .select()
    .from(smsCodes)
    .where(and(eq(smsCodes.phone, phone), eq(smsCodes.purpose, purpose)))
    .orderBy(desc(smsCodes.id))
    .limit(1)
    .get();
  if (!row || row.usedAt != null || row.expiresAt <= now) return CODE_MESSAGES.expired;
  if (row.attempts >= SMS_CODE_MAX_ATTEMPTS) return CODE_MESSAGES.tooMany;
  const given = Buffer.from(hashCode(phone, purpose, code));
  const stored = Buffer.from(row.codeHash);
  if (given.length !== stored.length || !timingSafeEqual(given, stored)) {
    tx.update(smsCodes)
      .set({ attempts: sql`${smsCodes.attempts} + 1` })
      .where(eq(smsCodes.id, row.id))
      .run();
    return row.attempts + 1 >= SMS_CODE_MAX_ATTEMPTS ? CODE_MESSAGES.tooMany : CODE_MESSAGES.wrong;
  }
  const used = tx
    .update(smsCodes)
    .set({ usedAt: now })
    .where(and(eq(smsCodes.id, row.id), sql`${smsCodes.usedAt} IS NULL`))
    .run();
  return used.changes === 1 ? null : CODE_MESSAGES.expired;
}
