import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { config } from "~/utils/config.server";
import { UserError } from "~/utils/errors";

/** Limits per IP and per phone. One process serves the app, so memory is the store. */
export function createAuthLimiters() {
  const c = config();
  const window = c.AUTH_LIMIT_WINDOW_SECONDS;
  return {
    // OWASP: the (IP, phone) pair is throttled strictly; the phone alone only gets growing delays
    // (PhoneThrottle below), so strangers' wrong guesses never lock the owner out.
    loginPair: new RateLimiterMemory({
      keyPrefix: "login-pair",
      points: c.LOGIN_LIMIT_PER_PAIR,
      duration: window,
    }),
    loginIp: new RateLimiterMemory({
      keyPrefix: "login-ip",
      points: c.LOGIN_LIMIT_PER_IP,
      duration: window,
    }),
    loginPhone: new PhoneThrottle(c.LOGIN_LIMIT_PER_PHONE, window * 1000),
    registerIp: new RateLimiterMemory({
      keyPrefix: "register-ip",
      points: c.REGISTER_LIMIT_PER_IP,
      duration: 60 * 60,
    }),
    registerPhone: new RateLimiterMemory({
      keyPrefix: "register-phone",
      points: c.REGISTER_LIMIT_PER_PHONE,
      duration: 60 * 60,
    }),
  };
}

/**
 * Growing delays per phone number, whatever the IP: the first `free` failures cost nothing; after
 * that each attempt from an untrusted device must wait 1 s, 2 s, 4 s … (at most 60 s) after the
 * previous failure. A device that signed in to this account before skips it (`trusted`), and the
 * count fades `windowMs` after the last failure. It slows a distributed guesser to about one guess
 * a minute without ever blocking the owner for long.
 */
export class PhoneThrottle {
  private state = new Map<string, { failures: number; lastAt: number }>();
  constructor(
    readonly free: number,
    readonly windowMs: number,
    readonly maxDelayMs = 60_000,
  ) {}
  private current(key: string, now: number) {
    const s = this.state.get(key);
    if (s && now - s.lastAt > this.windowMs) {
      this.state.delete(key);
      return undefined;
    }
    return s;
  }
  /** Milliseconds this key must still wait before its next attempt (0 = go ahead). */
  waitMs(key: string, now = Date.now()) {
    const s = this.current(key, now);
    if (!s || s.failures < this.free) return 0;
    const delay = Math.min(1000 * 2 ** (s.failures - this.free), this.maxDelayMs);
    return Math.max(0, s.lastAt + delay - now);
  }
  fail(key: string, now = Date.now()) {
    const s = this.current(key, now);
    this.state.set(key, { failures: (s?.failures ?? 0) + 1, lastAt: now });
  }
  reset(key: string) {
    this.state.delete(key);
  }
  failures(key: string, now = Date.now()) {
    return this.current(key, now)?.failures ?? 0;
  }
  clear() {
    this.state.clear();
  }
}

export function waitMessage(ms: number) {
  return ms > 60_000
    ? retryMessage(ms)
    : `尝试次数过多，请 ${Math.max(1, Math.ceil(ms / 1000))} 秒后再试。`;
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
