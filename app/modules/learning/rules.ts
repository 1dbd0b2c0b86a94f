/**
 * Pure rules of the learning record: which sessions count as held, completion (结业), hours,
 * and the no-show policy. No database here; the *.server.ts modules feed these functions.
 */

export type LearningPolicy = {
  /** No-shows within `noShowWindowDays` that trigger the restriction. */
  noShowLimit: number;
  noShowWindowDays: number;
  /** How long the person may only join waitlists. */
  noShowPenaltyDays: number;
  /** Share of recorded sessions attended for completion (0.8 = 80 %). */
  completionRate: number;
};

export const DEFAULT_POLICY: LearningPolicy = {
  noShowLimit: 3,
  noShowWindowDays: 90,
  noShowPenaltyDays: 30,
  completionRate: 0.8,
};

function num(value: string | undefined, fallback: number, ok: (n: number) => boolean) {
  if (value === undefined || value.trim() === "") return fallback;
  const n = Number(value);
  return Number.isFinite(n) && ok(n) ? n : fallback;
}

/** The policy from the environment (NO_SHOW_LIMIT, NO_SHOW_WINDOW_DAYS, NO_SHOW_PENALTY_DAYS,
 * COMPLETION_RATE); a missing or nonsensical value falls back to the default. NO_SHOW_LIMIT=0 turns
 * the restriction off. */
export function policyFromEnv(env: Record<string, string | undefined>): LearningPolicy {
  return {
    noShowLimit: num(
      env.NO_SHOW_LIMIT,
      DEFAULT_POLICY.noShowLimit,
      (n) => Number.isInteger(n) && n >= 0 && n <= 100,
    ),
    noShowWindowDays: num(
      env.NO_SHOW_WINDOW_DAYS,
      DEFAULT_POLICY.noShowWindowDays,
      (n) => n > 0 && n <= 3650,
    ),
    noShowPenaltyDays: num(
      env.NO_SHOW_PENALTY_DAYS,
      DEFAULT_POLICY.noShowPenaltyDays,
      (n) => n > 0 && n <= 3650,
    ),
    completionRate: num(env.COMPLETION_RATE, DEFAULT_POLICY.completionRate, (n) => n > 0 && n <= 1),
  };
}

export type SessionLike = { startsAt: number; endsAt: number; status: string };

/** A held session: not cancelled, and over. */
export function isHeld(s: SessionLike, now: number) {
  return s.status !== "cancelled" && s.endsAt <= now;
}

export function sessionMinutes(s: Pick<SessionLike, "startsAt" | "endsAt">) {
  return Math.max(0, Math.round((s.endsAt - s.startsAt) / 60_000));
}

/** Hours with one decimal, as the record shows them ("12.5 小时"). */
export function hoursLabel(minutes: number) {
  const h = Math.round((minutes / 60) * 10) / 10;
  return `${Number.isInteger(h) ? h.toFixed(0) : h.toFixed(1)} 小时`;
}

export type LearnerSession = SessionLike & {
  /** The learner was marked present. */
  present: boolean;
  /** 请假: absent with leave (never a no-show). Optional: false when not given. */
  excused?: boolean;
  /** Attendance was taken for this session (someone was marked); sessions nobody recorded
   * are left out of rates so a forgotten roll-call costs nobody their certificate. */
  recorded: boolean;
};

export type Progress = {
  /** Sessions not cancelled. */
  planned: number;
  held: number;
  /** Held sessions whose attendance was taken. */
  recorded: number;
  /** Attended sessions that have started (hours count these). */
  attended: number;
  /** Attended among the recorded held sessions (the rate's numerator). */
  attendedRecorded: number;
  /** 请假 among the recorded held sessions (in the rate's denominator, never a no-show). */
  excusedRecorded: number;
  /** 缺席 without leave among the recorded held sessions. */
  absentRecorded: number;
  attendedMinutes: number;
  /** attended / recorded, 0 when nothing was recorded. */
  rate: number;
  /** Every planned session is over. */
  over: boolean;
  completed: boolean;
};

/** A learner's progress in one run: completion needs the run to be over, at least one recorded
 * session and attendance ≥ the policy's rate of the recorded sessions. Hours count every
 * attended, non-cancelled session that has started. */
export function progressOf(
  sessions: LearnerSession[],
  now: number,
  completionRate = DEFAULT_POLICY.completionRate,
): Progress {
  const planned = sessions.filter((s) => s.status !== "cancelled");
  const held = planned.filter((s) => isHeld(s, now));
  const recorded = held.filter((s) => s.recorded || s.present);
  const attendedRecorded = recorded.filter((s) => s.present).length;
  const excusedRecorded = recorded.filter((s) => !s.present && s.excused).length;
  const attendedAll = planned.filter((s) => s.present && s.startsAt <= now);
  const attendedMinutes = attendedAll.reduce((sum, s) => sum + sessionMinutes(s), 0);
  const rate = recorded.length ? attendedRecorded / recorded.length : 0;
  const over = planned.length > 0 && held.length === planned.length;
  // A tiny epsilon so that 4 of 5 (0.8) passes a rate of 0.8 despite floating point.
  const completed = over && recorded.length > 0 && rate + 1e-9 >= completionRate;
  return {
    planned: planned.length,
    held: held.length,
    recorded: recorded.length,
    attended: attendedAll.length,
    attendedRecorded,
    excusedRecorded,
    absentRecorded: recorded.length - attendedRecorded - excusedRecorded,
    attendedMinutes,
    rate,
    over,
    completed,
  };
}

export function percent(rate: number) {
  return `${Math.round(rate * 100)}%`;
}

const DAY = 86_400_000;

export type Restriction = { until: number; count: number; since: number; last: number };

/**
 * The no-show restriction in force at `now`, from the times (session ends) of a person's no-shows:
 * whenever `limit` no-shows fall within `windowDays`, the person may only join waitlists for
 * `penaltyDays` after the last of them. Returns the latest such restriction still running.
 */
export function restrictionFrom(
  noShowTimes: number[],
  policy: LearningPolicy,
  now: number,
): Restriction | null {
  const { noShowLimit: limit, noShowWindowDays, noShowPenaltyDays } = policy;
  if (limit <= 0) return null;
  const times = noShowTimes.filter((t) => t <= now).sort((a, b) => a - b);
  let found: Restriction | null = null;
  for (let i = limit - 1; i < times.length; i++) {
    const first = times[i - limit + 1]!;
    const last = times[i]!;
    if (last - first > noShowWindowDays * DAY) continue;
    const until = last + noShowPenaltyDays * DAY;
    if (until <= now) continue;
    const since = last - noShowWindowDays * DAY;
    const count = times.filter((t) => t >= since && t <= last).length;
    found = { until, count, since, last };
  }
  return found;
}

export const LEARNER_STATUS_LABELS: Record<string, string> = {
  confirmed: "已报名",
  waitlisted: "候补中",
  lottery_pending: "待抽签",
  cancelled: "已取消",
  removed: "已移出",
};

export const ATTENDANCE_METHOD_LABELS: Record<string, string> = {
  qr: "扫码签到",
  roster: "教师点名",
  manager: "管理员点名",
};
