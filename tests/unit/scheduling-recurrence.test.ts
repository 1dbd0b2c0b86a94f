import { execFileSync } from "node:child_process";
import path from "node:path";
import { expandRecurrence, MAX_RECURRENCE_WEEKS } from "~/modules/scheduling/recurrence";
import { isoWeekOf, localParts, parseIsoWeek, wallToUtc } from "~/utils/time";
import { UserError } from "~/utils/errors";
import { CASES, HOLIDAYS, snapshot } from "./fixtures/recurrence-cases";

const HOUR = 3_600_000;
const shanghai = (iso: string) => Date.parse(`${iso}+08:00`);

describe("recurrence expansion", () => {
  it("twice a week for 6 weeks gives 12 sessions on Tuesdays and Thursdays at 19:00 Asia/Shanghai", () => {
    const r = expandRecurrence(CASES.twiceWeekly6!);
    expect(r.sessions).toHaveLength(12);
    expect(r.sessions.map((s) => s.date)).toEqual([
      "2026-12-01",
      "2026-12-03",
      "2026-12-08",
      "2026-12-10",
      "2026-12-15",
      "2026-12-17",
      "2026-12-22",
      "2026-12-24",
      "2026-12-29",
      "2026-12-31",
      "2027-01-05",
      "2027-01-07",
    ]);
    expect(r.sessions[0]!.startsAt).toBe(shanghai("2026-12-01T19:00:00"));
    expect(r.sessions[0]!.startsAt).toBe(Date.UTC(2026, 11, 1, 11, 0));
    expect(r.sessions[0]!.endsAt - r.sessions[0]!.startsAt).toBe(1.5 * HOUR);
  });

  it("uses only the chosen weekdays, in date order, whatever order they were given in", () => {
    const r = expandRecurrence({ ...CASES.twiceWeekly6!, weekdays: [4, 2, 4] });
    expect(r.sessions.map((s) => localParts(s.startsAt).weekday)).toEqual(
      Array(6).fill([2, 4]).flat(),
    );
    const every = expandRecurrence(CASES.everyDay!);
    expect(every.sessions.map((s) => localParts(s.startsAt).weekday)).toEqual([
      1, 2, 3, 4, 5, 6, 7,
    ]);
  });

  it("skips HQ holidays and the academy's closed dates and says why", () => {
    const r = expandRecurrence(CASES.acrossNationalDay!, HOLIDAYS);
    expect(r.sessions.map((s) => s.date)).toEqual(["2026-09-28", "2026-09-30", "2026-10-09"]);
    expect(r.skipped).toEqual([
      { date: "2026-10-02", reason: "国庆节" },
      { date: "2026-10-05", reason: "国庆节" },
      { date: "2026-10-07", reason: "国庆节" },
    ]);
    const withClosed = expandRecurrence(
      CASES.twiceWeekly6!,
      new Map([["2026-12-10", "书院消防检查"]]),
    );
    expect(withClosed.sessions).toHaveLength(11);
    expect(withClosed.skipped).toEqual([{ date: "2026-12-10", reason: "书院消防检查" }]);
  });

  it("crosses month and year boundaries", () => {
    const month = expandRecurrence(CASES.monthEnd!);
    expect(month.sessions.map((s) => s.date)).toEqual([
      "2026-01-31",
      "2026-02-01",
      "2026-02-07",
      "2026-02-08",
    ]);
    const year = expandRecurrence(CASES.yearEnd!, HOLIDAYS);
    expect(year.sessions.map((s) => s.date)).toEqual(["2026-12-28", "2027-01-04", "2027-01-08"]);
    expect(year.skipped).toEqual([{ date: "2027-01-01", reason: "元旦" }]);
    const leap = expandRecurrence(CASES.leapDay!);
    expect(leap.sessions.map((s) => s.date)).toEqual(["2028-02-29"]);
  });

  it("keeps wall-clock times near midnight on the right Shanghai date (the UTC date differs)", () => {
    const early = expandRecurrence(CASES.midnightEdge!);
    expect(early.sessions[0]!.startsAt).toBe(Date.UTC(2026, 2, 6, 16, 30));
    expect(localParts(early.sessions[0]!.startsAt)).toMatchObject({
      date: "2026-03-07",
      weekday: 6,
      time: "00:30",
    });
    const late = expandRecurrence(CASES.lateEvening!);
    expect(localParts(late.sessions[1]!.startsAt)).toMatchObject({
      date: "2026-03-15",
      weekday: 7,
      time: "23:00",
    });
  });

  it("has no DST: 09:00 is always 01:00 UTC, even on the dates other zones change clocks", () => {
    for (const d of ["2026-03-08", "2026-03-29", "2026-10-25", "2026-11-01"]) {
      expect(wallToUtc(d, "09:00") - Date.parse(`${d}T01:00:00Z`)).toBe(0);
    }
  });

  it("refuses bad input in Chinese, naming the field", () => {
    const bad = (patch: object) => {
      try {
        expandRecurrence({ ...CASES.twiceWeekly6!, ...patch });
      } catch (e) {
        expect(e).toBeInstanceOf(UserError);
        return { message: (e as UserError).message, field: (e as UserError).field };
      }
      throw new Error("accepted");
    };
    expect(bad({ weekdays: [] })).toEqual({
      message: "请至少选择一个上课的星期。",
      field: "weekdays",
    });
    expect(bad({ endTime: "18:00" })).toEqual({
      message: "结束时间必须晚于开始时间。",
      field: "endTime",
    });
    expect(bad({ endTime: "19:00" }).field).toBe("endTime");
    expect(bad({ weeks: MAX_RECURRENCE_WEEKS + 1 })).toEqual({
      message: "一次最多排 52 周的课。",
      field: "weeks",
    });
    expect(bad({ weeks: undefined, until: "2027-12-01" }).field).toBe("until");
    expect(bad({ weeks: undefined, until: "2026-11-01" })).toEqual({
      message: "截止日期不能早于开始日期。",
      field: "until",
    });
    expect(bad({ weeks: 2, until: "2026-12-20" }).field).toBe("weeks");
    expect(bad({ startTime: "25:00" }).field).toBe("startTime");
    expect(bad({ startDate: "2026-02-30" }).field).toBe("startDate");
  });

  it("allows exactly 52 weeks", () => {
    const r = expandRecurrence({ ...CASES.twiceWeekly6!, weeks: 52 });
    expect(r.sessions).toHaveLength(104);
  });

  it("names ISO weeks as the menu URL does (2026-W48 is 23–29 November)", () => {
    expect(parseIsoWeek("2026-W48")).toEqual({ year: 2026, week: 48, monday: "2026-11-23" });
    expect(parseIsoWeek("2026-W53")?.monday).toBe("2026-12-28");
    expect(parseIsoWeek("2027-W53")).toBeNull();
    expect(parseIsoWeek("2020-W53")?.monday).toBe("2020-12-28");
    expect(parseIsoWeek("nonsense")).toBeNull();
    expect(isoWeekOf("2027-01-03")).toEqual({ year: 2026, week: 53 });
    expect(isoWeekOf("2026-12-31")).toEqual({ year: 2026, week: 53 });
    expect(isoWeekOf("2027-01-04")).toEqual({ year: 2027, week: 1 });
  });
});

describe("the same sessions under TZ=UTC and TZ=Asia/Shanghai", () => {
  const root = path.resolve(__dirname, "../..");
  const run = (tz: string) =>
    JSON.parse(
      execFileSync(
        process.execPath,
        ["--import", "tsx", "tests/unit/fixtures/recurrence-cases.ts"],
        {
          cwd: root,
          env: { ...process.env, TZ: tz },
          encoding: "utf8",
        },
      ),
    ) as Record<string, unknown>;

  it("gives identical expansions in child processes with different TZ settings", () => {
    const here = snapshot();
    delete here.tz;
    const results = ["UTC", "Asia/Shanghai", "America/New_York"].map((tz) => {
      const r = run(tz);
      expect(r.tz).toBe(tz);
      delete r.tz;
      return r;
    });
    for (const r of results) expect(r).toEqual(here);
  });
});
