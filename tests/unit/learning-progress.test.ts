import {
  DEFAULT_POLICY,
  hoursLabel,
  policyFromEnv,
  progressOf,
  restrictionFrom,
  type LearnerSession,
} from "~/modules/learning/rules";

const H = 3_600_000;
const DAY = 24 * H;
const NOW = Date.UTC(2026, 10, 27, 12);

function sessions(
  n: number,
  opts: { present?: number[]; cancelled?: number[]; future?: number[]; unrecorded?: number[] } = {},
): LearnerSession[] {
  return Array.from({ length: n }, (_, i) => {
    const startsAt = opts.future?.includes(i) ? NOW + (i + 1) * DAY : NOW - (n - i) * 7 * DAY;
    return {
      startsAt,
      endsAt: startsAt + 1.5 * H,
      status: opts.cancelled?.includes(i) ? "cancelled" : "scheduled",
      present: !!opts.present?.includes(i),
      recorded: !opts.unrecorded?.includes(i),
    };
  });
}

describe("completion (结业)", () => {
  it("needs attendance of at least 80 % of held sessions", () => {
    const four = progressOf(sessions(5, { present: [0, 1, 2, 3] }), NOW);
    expect(four).toMatchObject({ held: 5, attended: 4, over: true, completed: true });
    expect(four.rate).toBeCloseTo(0.8);
    const three = progressOf(sessions(5, { present: [0, 1, 2] }), NOW);
    expect(three.completed).toBe(false);
  });

  it("does not count cancelled sessions as held", () => {
    // 5 planned, 1 cancelled → 4 held; 4 of 4 attended = 100 % although one session never took place.
    const p = progressOf(sessions(5, { present: [0, 1, 2, 3], cancelled: [4] }), NOW);
    expect(p).toMatchObject({ planned: 4, held: 4, attended: 4, completed: true });
    // 3 of 4 held = 75 % → not completed at 80 %, completed at a configured 70 %.
    const q = progressOf(sessions(5, { present: [0, 1, 2], cancelled: [4] }), NOW);
    expect(q.completed).toBe(false);
    expect(
      progressOf(sessions(5, { present: [0, 1, 2], cancelled: [4] }), NOW, 0.7).completed,
    ).toBe(true);
  });

  it("is not reached while sessions are still to come", () => {
    const p = progressOf(sessions(5, { present: [0, 1, 2, 3], future: [4] }), NOW);
    expect(p).toMatchObject({ planned: 5, held: 4, over: false, completed: false });
  });

  it("leaves sessions nobody took attendance for out of the rate", () => {
    const p = progressOf(sessions(5, { present: [0, 1, 2], unrecorded: [3, 4] }), NOW);
    expect(p).toMatchObject({ recorded: 3, completed: true });
    expect(progressOf(sessions(2, { unrecorded: [0, 1] }), NOW).completed).toBe(false);
  });
});

describe("hours learned", () => {
  it("sums the durations of attended sessions only", () => {
    expect(progressOf(sessions(5, { present: [0, 2] }), NOW).attendedMinutes).toBe(180);
    expect(progressOf(sessions(5, { present: [0, 2], cancelled: [2] }), NOW).attendedMinutes).toBe(
      90,
    );
    expect(hoursLabel(180)).toBe("3 小时");
    expect(hoursLabel(90)).toBe("1.5 小时");
    expect(hoursLabel(0)).toBe("0 小时");
  });
});

describe("no-show policy", () => {
  const policy = DEFAULT_POLICY;
  it("restricts for 30 days after the third no-show within 90 days", () => {
    const times = [NOW - 80 * DAY, NOW - 40 * DAY, NOW - 10 * DAY];
    const r = restrictionFrom(times, policy, NOW)!;
    expect(r.until).toBe(NOW - 10 * DAY + 30 * DAY);
    expect(r.count).toBe(3);
    expect(restrictionFrom(times, policy, NOW + 20 * DAY + 1)).toBeNull();
  });

  it("does not restrict for two no-shows, or three spread over more than 90 days", () => {
    expect(restrictionFrom([NOW - 5 * DAY, NOW - 2 * DAY], policy, NOW)).toBeNull();
    expect(
      restrictionFrom([NOW - 95 * DAY, NOW - 40 * DAY, NOW - 2 * DAY], policy, NOW),
    ).toBeNull();
  });

  it("follows the configured limit, window and penalty", () => {
    const p = policyFromEnv({
      NO_SHOW_LIMIT: "2",
      NO_SHOW_WINDOW_DAYS: "10",
      NO_SHOW_PENALTY_DAYS: "7",
      COMPLETION_RATE: "0.5",
    });
    expect(p).toEqual({
      noShowLimit: 2,
      noShowWindowDays: 10,
      noShowPenaltyDays: 7,
      completionRate: 0.5,
    });
    expect(restrictionFrom([NOW - 3 * DAY, NOW - 1 * DAY], p, NOW)!.until).toBe(NOW + 6 * DAY);
    expect(restrictionFrom([NOW - 30 * DAY, NOW - 1 * DAY], p, NOW)).toBeNull();
    expect(
      restrictionFrom(
        [NOW - 3 * DAY, NOW - 1 * DAY, NOW],
        policyFromEnv({ NO_SHOW_LIMIT: "0" }),
        NOW,
      ),
    ).toBeNull();
    expect(policyFromEnv({ NO_SHOW_LIMIT: "abc", COMPLETION_RATE: "1.5" })).toEqual(DEFAULT_POLICY);
  });
});
