/**
 * Enrolment rules without the database: ages from birth years, the enrolment window, the
 * residents-first priority window, the cancellation deadline and the refusal sentences (each with a
 * stable code, so a redirect can carry the outcome without carrying free text).
 */
import { TZDate } from "@date-fns/tz";
import { formatDateTime, TIME_ZONE } from "~/utils/dates";

/** How long a residents-first run is reserved for the academy's own residents after enrolment opens. */
export const RESIDENTS_FIRST_HOURS = 24;

export type EnrollmentStatus =
  "confirmed" | "waitlisted" | "lottery_pending" | "cancelled" | "removed";

export const ENROLLMENT_STATUS_LABELS: Record<EnrollmentStatus, string> = {
  confirmed: "已报名",
  waitlisted: "候补中",
  lottery_pending: "待抽签",
  cancelled: "已取消",
  removed: "已被移出",
};

/**
 * How 我的课程 labels one enrolment: one badge for the enrolment and the class together, and
 * whether a 下次上课 line makes sense (never for a cancelled enrolment or a cancelled/finished class).
 */
export function myClassState(c: {
  status: EnrollmentStatus;
  runStatus: string;
  position: number | null;
}) {
  const active =
    c.status === "confirmed" || c.status === "waitlisted" || c.status === "lottery_pending";
  if (!active)
    return { label: ENROLLMENT_STATUS_LABELS[c.status], tone: "" as const, upcoming: false };
  if (c.runStatus === "cancelled")
    return { label: "班已取消", tone: "danger" as const, upcoming: false };
  if (c.runStatus === "finished")
    return {
      label: c.status === "confirmed" ? "已结课" : "已结束",
      tone: "" as const,
      upcoming: false,
    };
  if (c.status === "waitlisted")
    return { label: `候补第 ${c.position ?? "?"} 位`, tone: "warn" as const, upcoming: true };
  return {
    label: ENROLLMENT_STATUS_LABELS[c.status],
    tone: c.status === "confirmed" ? ("ok" as const) : ("warn" as const),
    upcoming: true,
  };
}

/** Age in whole years this calendar year (Asia/Shanghai): what the audience rule compares. */
export function ageInYear(birthYear: number, now = Date.now()) {
  return new TZDate(now, TIME_ZONE).getFullYear() - birthYear;
}

export function currentYear(now = Date.now()) {
  return new TZDate(now, TIME_ZONE).getFullYear();
}

export function ageRuleLabel(minAge: number | null, maxAge: number | null) {
  if (minAge != null && maxAge != null) return `${minAge}–${maxAge} 岁`;
  if (minAge != null) return `${minAge} 岁及以上`;
  if (maxAge != null) return `${maxAge} 岁及以下`;
  return "不限年龄";
}

export type RunRules = {
  status: string;
  enrollMode: "first_come" | "lottery";
  enrollOpensAt: number | null;
  enrollClosesAt: number | null;
  cancelDeadlineAt: number | null;
  minAge: number | null;
  maxAge: number | null;
  residentsFirst: boolean;
};

/** When the enrolment window closes: the run's own time, else the start of its first session. */
export function effectiveCloseAt(
  run: Pick<RunRules, "enrollClosesAt">,
  firstSessionAt: number | null,
) {
  return run.enrollClosesAt ?? firstSessionAt;
}

/** Until when a confirmed seat may be given back: the run's deadline, else the first session's start. */
export function effectiveCancelDeadline(
  run: Pick<RunRules, "cancelDeadlineAt">,
  firstSessionAt: number | null,
) {
  return run.cancelDeadlineAt ?? firstSessionAt;
}

/**
 * When a seat taken now could no longer be given back (the cancel deadline, or the first session,
 * has passed while enrolment is still open): the sentence to show before the tap, else null.
 * Enrolling then needs an explicit confirmation (`confirmLate=1`), checked by the enrol post.
 */
export function lateEnrollWarning(
  run: Pick<RunRules, "cancelDeadlineAt">,
  firstSessionAt: number | null,
  now: number,
) {
  const deadline = effectiveCancelDeadline(run, firstSessionAt);
  if (deadline == null || now <= deadline) return null;
  const started = firstSessionAt != null && now >= firstSessionAt;
  const why = started
    ? `这个班的第一次课已于 ${formatDateTime(firstSessionAt)} 开始`
    : `取消报名已于 ${formatDateTime(deadline)} 截止`;
  return `${why}：现在报名后不能自己取消；某一次课不能来，可以在课前在线请假。`;
}

/** The end of the residents-first window, or null when the run has none. */
export function priorityWindowEnd(
  run: Pick<RunRules, "residentsFirst" | "enrollOpensAt" | "enrollMode">,
) {
  if (!run.residentsFirst || run.enrollMode !== "first_come" || run.enrollOpensAt == null)
    return null;
  return run.enrollOpensAt + RESIDENTS_FIRST_HOURS * 3_600_000;
}

export const REFUSAL_CODES = [
  "not_open",
  "window_not_started",
  "window_closed",
  "run_closed",
  "run_cancelled",
  "run_finished",
  "already_enrolled",
  "not_your_member",
  "member_removed",
  "birth_year_missing",
  "too_young",
  "too_old",
  "residents_only",
  "not_enrolled",
  "cancel_deadline_passed",
  "rate_limited",
  "lottery_drawn",
  "busy",
  "late_unconfirmed",
] as const;
export type RefusalCode = (typeof REFUSAL_CODES)[number];

/** The generic sentence for a code (the page the POST redirects to shows this; the module's
 * message may carry the exact dates). */
export const REFUSAL_MESSAGES: Record<RefusalCode, string> = {
  not_open: "这个班还没有开放报名。",
  window_not_started: "报名还没有开始，请在报名开始后再来。",
  window_closed: "报名已经截止了。",
  run_closed: "这个班已经停止报名。",
  run_cancelled: "这个班已经取消，不能报名。",
  run_finished: "这个班已经结课了。",
  already_enrolled: "已经报过名了，同一个人在同一个班只能报名一次。",
  not_your_member: "只能为自己家庭里登记的成员报名。",
  member_removed: "这位家庭成员已被移除，不能为其报名。",
  birth_year_missing: "这个班有年龄要求，请先在“我的家庭”里填写出生年份。",
  too_young: "年龄不符合这个班的要求（年龄偏小）。",
  too_old: "年龄不符合这个班的要求（年龄偏大）。",
  residents_only: "这个班优先本社区居民报名，优先期内暂不接受其他居民报名。",
  not_enrolled: "没有找到可以取消的报名。",
  cancel_deadline_passed:
    "已经过了取消报名的截止时间。某一次课不能来，可以在“我的课程”里在课前在线请假。",
  rate_limited: "操作太频繁了，请稍等一分钟再试。",
  lottery_drawn: "这个班已经抽签，不能再修改报名。",
  busy: "报名的人太多了，请稍后再试一次。",
  late_unconfirmed:
    "取消截止时间已过，报名后不能自己取消：请先勾选“我知道报名后不能取消”，再点报名。",
};

export function isRefusalCode(v: unknown): v is RefusalCode {
  return typeof v === "string" && (REFUSAL_CODES as readonly string[]).includes(v);
}

/** Why a person may not enrol in this run right now, by the run alone (status and window). */
export function windowRefusal(
  run: RunRules,
  firstSessionAt: number | null,
  now: number,
): { code: RefusalCode; message: string } | null {
  if (run.status === "cancelled")
    return { code: "run_cancelled", message: REFUSAL_MESSAGES.run_cancelled };
  if (run.status === "finished")
    return { code: "run_finished", message: REFUSAL_MESSAGES.run_finished };
  if (run.status === "draft") return { code: "not_open", message: REFUSAL_MESSAGES.not_open };
  if (run.status === "closed") return { code: "run_closed", message: REFUSAL_MESSAGES.run_closed };
  if (run.enrollOpensAt != null && now < run.enrollOpensAt) {
    return {
      code: "window_not_started",
      message: `报名将于 ${formatDateTime(run.enrollOpensAt)} 开始，请到时再来。`,
    };
  }
  const closeAt = effectiveCloseAt(run, firstSessionAt);
  if (closeAt != null && now >= closeAt) {
    return { code: "window_closed", message: `报名已于 ${formatDateTime(closeAt)} 截止。` };
  }
  return null;
}

/** Why this person's age does not fit the run, or null. */
export function ageRefusal(
  run: Pick<RunRules, "minAge" | "maxAge">,
  birthYear: number | null,
  who: string,
  now: number,
): { code: RefusalCode; message: string } | null {
  if (run.minAge == null && run.maxAge == null) return null;
  const rule = ageRuleLabel(run.minAge, run.maxAge);
  if (birthYear == null) {
    return {
      code: "birth_year_missing",
      message: `这个班限 ${rule}报名，请先在“我的家庭”里填写${who}的出生年份。`,
    };
  }
  const age = ageInYear(birthYear, now);
  if (run.minAge != null && age < run.minAge) {
    return {
      code: "too_young",
      message: `这个班限 ${rule}报名，${who}今年 ${age} 岁，不符合要求。`,
    };
  }
  if (run.maxAge != null && age > run.maxAge) {
    return { code: "too_old", message: `这个班限 ${rule}报名，${who}今年 ${age} 岁，不符合要求。` };
  }
  return null;
}
