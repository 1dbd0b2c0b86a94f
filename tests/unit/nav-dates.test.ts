/** Issue 10: the one date formatter, 我的课程's single badge, and the late-enrolment warning. */
import { describe, expect, it } from "vitest";
import {
  formatCalendarDate,
  formatDate,
  formatDateTime,
  formatDateTimeRange,
  formatFormalDate,
  formatTime,
} from "~/utils/dates";
import { formatMoment, formatSessionRange, localParts, shortDateLabel } from "~/utils/time";
import { lateEnrollWarning, myClassState } from "~/modules/enrollment/rules";
import { orderSchema, orderTermChoices, suggestedTerm, termOf } from "~/modules/scheduling/orders";

// Friday 4 December 2026, 09:00 in Asia/Shanghai = 01:00 UTC.
const FRI_9AM = Date.UTC(2026, 11, 4, 1, 0);
const NOW_2026 = Date.UTC(2026, 10, 30, 4, 0);

describe("one date formatter", () => {
  it("answers the same from its per-second and per-minute memos as Intl does fresh, past a full memo", () => {
    const fresh = new Intl.DateTimeFormat("zh-CN", {
      timeZone: "Asia/Shanghai",
      month: "numeric",
      day: "numeric",
      weekday: "short",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
    });
    const hhmm = new Intl.DateTimeFormat("en-CA", {
      timeZone: "Asia/Shanghai",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    });
    // Seeded, so a failure repeats: 21,000 instants over three years (more than a memo holds),
    // each asked twice, the second time from the memo.
    let seed = 2015;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const from = Date.UTC(2025, 0, 1);
    let checked = 0;
    for (let i = 0; i < 21_000; i++) {
      const ms = from + Math.floor(next() * 3 * 365 * 86_400_000);
      const p = Object.fromEntries(fresh.formatToParts(ms).map((x) => [x.type, x.value]));
      const q = Object.fromEntries(hhmm.formatToParts(ms).map((x) => [x.type, x.value]));
      for (let twice = 0; twice < 2; twice++) {
        const lp = localParts(ms);
        const ok =
          formatDateTime(ms, ms) === `${p.month}月${p.day}日 ${p.weekday} ${p.hour}:${p.minute}` &&
          formatTime(ms, { seconds: true }) === `${p.hour}:${p.minute}:${p.second}` &&
          lp.date === `${q.year}-${q.month}-${q.day}` &&
          lp.time === `${q.hour}:${q.minute}` &&
          lp.minute === Number(q.hour) * 60 + Number(q.minute);
        if (!ok) expect({ ms, lp, formatted: formatDateTime(ms, ms) }).toEqual({ ms, p, q });
        checked++;
      }
    }
    expect(checked).toBe(42_000);
  });

  it("writes month, day, weekday and time in Asia/Shanghai whatever the process TZ", () => {
    expect(formatDateTime(FRI_9AM, NOW_2026)).toBe("12月4日 周五 09:00");
    expect(formatDate(FRI_9AM, NOW_2026)).toBe("12月4日 周五");
    expect(formatTime(FRI_9AM)).toBe("09:00");
    expect(formatTime(FRI_9AM + 5_000, { seconds: true })).toBe("09:00:05");
    // 23:30 UTC on the 3rd is already the 4th in Shanghai.
    expect(formatDate(Date.UTC(2026, 11, 3, 23, 30), NOW_2026)).toBe("12月4日 周五");
  });

  it("adds the year only when it is not this year", () => {
    expect(formatDateTime(FRI_9AM, Date.UTC(2027, 0, 10))).toBe("2026年12月4日 周五 09:00");
    expect(formatFormalDate(FRI_9AM)).toBe("2026年12月4日");
  });

  it("ranges, calendar dates and the scheduling helpers all read the same way", () => {
    expect(formatDateTimeRange(FRI_9AM, FRI_9AM + 90 * 60_000, NOW_2026)).toBe(
      "12月4日 周五 09:00–10:30",
    );
    expect(formatCalendarDate("2026-12-04", NOW_2026)).toBe("12月4日 周五");
    const year = new Date().getUTCFullYear() === 2026 ? "" : "2026年";
    expect(shortDateLabel("2026-12-04")).toBe(`${year}12月4日 周五`);
    expect(formatMoment(FRI_9AM)).toBe(`${year}12月4日 周五 09:00`);
    expect(formatSessionRange(FRI_9AM, FRI_9AM + 3_600_000)).toBe(
      `${year}12月4日 周五 09:00–10:00`,
    );
    // No slashes, no zero-padded months: the old 「2026/12/04 09:00」 style is gone.
    expect(formatDateTime(FRI_9AM)).not.toMatch(/\//);
  });
});

describe("我的课程 badge", () => {
  it("a finished class shows one 已结课 badge and no next session", () => {
    expect(myClassState({ status: "confirmed", runStatus: "finished", position: null })).toEqual({
      label: "已结课",
      tone: "",
      upcoming: false,
    });
  });
  it("a cancelled enrolment never shows 下次上课", () => {
    expect(myClassState({ status: "cancelled", runStatus: "open", position: null }).upcoming).toBe(
      false,
    );
    expect(myClassState({ status: "cancelled", runStatus: "open", position: null }).label).toBe(
      "已取消",
    );
    expect(
      myClassState({ status: "confirmed", runStatus: "cancelled", position: null }),
    ).toMatchObject({ label: "班已取消", upcoming: false });
  });
  it("current enrolments keep their badge and their next session", () => {
    expect(myClassState({ status: "confirmed", runStatus: "open", position: null })).toEqual({
      label: "已报名",
      tone: "ok",
      upcoming: true,
    });
    expect(myClassState({ status: "waitlisted", runStatus: "full", position: 3 })).toMatchObject({
      label: "候补第 3 位",
      upcoming: true,
    });
  });
});

describe("late enrolment", () => {
  const first = FRI_9AM;
  it("says nothing before the cancel deadline", () => {
    expect(lateEnrollWarning({ cancelDeadlineAt: null }, first, first - 60_000)).toBeNull();
    expect(
      lateEnrollWarning({ cancelDeadlineAt: first - 86_400_000 }, first, first - 2 * 86_400_000),
    ).toBeNull();
  });
  it("warns after the run's own cancel deadline, naming it", () => {
    const w = lateEnrollWarning({ cancelDeadlineAt: first - 86_400_000 }, first, first - 3_600_000);
    expect(w).toContain("取消报名已于");
    expect(w).toContain("不能自己取消");
  });
  it("warns after the first session started, naming it", () => {
    const w = lateEnrollWarning({ cancelDeadlineAt: null }, first, first + 86_400_000);
    expect(w).toContain("第一次课已于");
    expect(w).toContain("09:00");
  });
});

describe("order terms (defect 8)", () => {
  it("the default is the term holding the class's first weeks: December 2026 is 2026 年冬季, not next spring", () => {
    // 3 December 2026, 10:00 in Shanghai.
    expect(suggestedTerm(Date.UTC(2026, 11, 3, 2, 0))).toBe("2026 年冬季");
    // 31 December 2026 23:30 in Shanghai is still 2026 年冬季 (a class two weeks later is in January).
    expect(suggestedTerm(Date.UTC(2026, 11, 31, 15, 30))).toBe("2026 年冬季");
    // Late February: the class starts in March.
    expect(suggestedTerm(Date.UTC(2027, 1, 20, 2, 0))).toBe("2027 年春季");
    expect(suggestedTerm(Date.UTC(2026, 6, 1, 2, 0))).toBe("2026 年夏季");
    expect(suggestedTerm(Date.UTC(2026, 8, 10, 2, 0))).toBe("2026 年秋季");
  });

  it("a term contains exactly its three months, winter across the new year (leap years too)", () => {
    expect(termOf("2026-12-04")).toMatchObject({
      label: "2026 年冬季",
      from: "2026-12-01",
      to: "2027-02-28",
    });
    expect(termOf("2027-01-15").label).toBe("2026 年冬季");
    expect(termOf("2028-02-29")).toMatchObject({ label: "2027 年冬季", to: "2028-02-29" });
    expect(termOf("2027-03-01")).toMatchObject({
      label: "2027 年春季",
      from: "2027-03-01",
      to: "2027-05-31",
    });
    expect(termOf("2027-08-31")).toMatchObject({
      label: "2027 年夏季",
      from: "2027-06-01",
      to: "2027-08-31",
    });
    expect(termOf("2027-11-30")).toMatchObject({
      label: "2027 年秋季",
      from: "2027-09-01",
      to: "2027-11-30",
    });
  });

  it("the form offers the suggested term first and the three after it", () => {
    expect(orderTermChoices(Date.UTC(2026, 11, 3, 2, 0))).toEqual([
      "2026 年冬季",
      "2027 年春季",
      "2027 年夏季",
      "2027 年秋季",
    ]);
    expect(orderTermChoices(Date.UTC(2027, 4, 30, 2, 0))).toEqual([
      "2027 年夏季",
      "2027 年秋季",
      "2027 年冬季",
      "2028 年春季",
    ]);
  });

  it("the order schema takes a term, not free text", () => {
    const base = { courseId: "1", weekdays: [], dayparts: [] };
    expect(orderSchema.safeParse({ ...base, term: "2026 年冬季" }).success).toBe(true);
    const bad = orderSchema.safeParse({ ...base, term: "明年春天" });
    expect(bad.error!.issues[0]!.message).toBe("请选择开课学期，例如 2026 年冬季。");
  });
});
