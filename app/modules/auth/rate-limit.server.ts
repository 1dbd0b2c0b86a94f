import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { config } from "~/utils/config.server";
import { UserError } from "~/utils/errors";


/** Limits per IP and per phone. One process serves the app, so memory is the store. */
export function createAuthLimiters() {
  const c = config();
  const window = c.AUTH_LIMIT_WINDOW_SECONDS;
  return {
    loginIp: new RateLimiterMemory({ keyPrefix: "login-ip", points: c.LOGIN_LIMIT_PER_IP, duration: window }),
    loginPhone: new RateLimiterMemory({ keyPrefix: "login-phone", points: c.LOGIN_LIMIT_PER_PHONE, duration: window }),
    registerIp: new RateLimiterMemory({ keyPrefix: "register-ip", points: c.REGISTER_LIMIT_PER_IP, duration: 60 * 60 }),
    registerPhone: new RateLimiterMemory({ keyPrefix: "register-phone", points: c.REGISTER_LIMIT_PER_PHONE, duration: 60 * 60 }),
  };
}

let limiters: ReturnType<typeof createAuthLimiters> | undefined;
export function authLimiters() {
  limiters ??= createAuthLimiters();
  return limiters;
}

export function retryMessage(ms: number) {
  const minutes = Math.ceil(ms / 60000);
  return minutes <= 1
    ? "尝试次数过多，请 1 分钟后再试。"
    : `尝试次数过多，请 ${minutes} 分钟后再试。`;
}

/** Throws a Chinese UserError saying when to retry if any key is over its limit. */
export async function checkLimit(limiter: RateLimiterMemory, key: string) {
  const res = await limiter.get(key);
  if (res && res.remainingPoints <= 0) throw new UserError(retryMessage(res.msBeforeNext));
}

/** Counts one attempt; throws when that attempt is over the limit. */
export async function consume(limiter: RateLimiterMemory, key: string) {
  try {
    await limiter.consume(key);
  } catch (e) {
    if (e instanceof RateLimiterRes) throw new UserError(retryMessage(e.msBeforeNext));
    throw e;
  }
}
