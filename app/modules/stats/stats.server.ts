/**
 * The figures (definitions.ts) computed from the rollups (rollup-sql.ts), never from the
 * participations themselves: a period is a range of months; past months come from
 * stats_run_month / stats_activity / stats_person_month, the current month's sessions from
 * class_sessions up to now (a bounded range scan of one month's sessions, not participations).
 * `computeFigures` is the one function behind every dashboard card and table, every export and
 * the API's /stats/summary. Results are kept per connection until the next write
 * (memoUntilChange) and per minute (the current month moves with the clock).
 */
import type { DB } from "@db/client";
import { memoUntilChange } from "@db/client";
import type { Actor } from "~/modules/auth/permissions";
import { canViewAcademy, isHq, staffDistrictIds } from "~/modules/auth/permissions";
import { emptyFigures, finishFigures, type Figures, type RawFigures } from "./definitions";
import { monthOfInstant, monthStartMs, monthsBetween, type Period } from "./period";
import { statsStamp, statsStamps } from "./rollups.server";

export type StatsScope =
  | { type: "city" }
  | { type: "district"; districtId: number }
  | { type: "academy"; academyId: number; districtId: number };

export type GroupBy = "all" | "district" | "academy" | "category" | "course" | "month" | "run";

export class StatsAccessError extends Error {
  constructor(
    message: string,
    public status: 400 | 403 | 404,
    public code: string,
  ) {
    super(message);
  }
}

/** The actor may read figures of this scope: HQ the city; district staff their district; an
 * academy's managers, its district centre and HQ the academy. */
export function canReadScope(actor: Actor | null | undefined, scope: StatsScope) {
  if (!actor) return false;
  if (scope.type === "city") return isHq(actor);
  if (scope.type === "district")
    return isHq(actor) || staffDistrictIds(actor).includes(scope.districtId);
  return canViewAcademy(actor, { id: scope.academyId, districtId: scope.districtId });
}

export function assertReadScope(actor: Actor | null | undefined, scope: StatsScope) {
  if (!canReadScope(actor, scope))
    throw new StatsAccessError("您无权查看这个范围的统计数据。", 403, "forbidden_scope");
}

/** A district code (siming …) or academy slug (huli-001 …) to a scope; unknown → 404 error. */
export function scopeFromCodes(db: DB, q: { district?: string; academy?: string }): StatsScope {
  const c = db.$client;
  if (q.academy) {
    const a = c.prepare(`SELECT id, district_id FROM academies WHERE slug = ?`).get(q.academy) as
      { id: number; district_id: number } | undefined;
    if (!a)
      throw new StatsAccessError(`没有编号为「${q.academy}」的书院。`, 404, "unknown_academy");
    if (q.district) {
      const d = c.prepare(`SELECT id FROM districts WHERE code = ?`).get(q.district) as
        { id: number } | undefined;
      if (!d || d.id !== a.district_id)
        throw new StatsAccessError("书院不在所选的区。", 400, "academy_not_in_district");
    }
    return { type: "academy", academyId: a.id, districtId: a.district_id };
  }
  if (q.district) {
    const d = c.prepare(`SELECT id FROM districts WHERE code = ?`).get(q.district) as
      { id: number } | undefined;
    if (!d)
      throw new StatsAccessError(`没有代码为「${q.district}」的区。`, 404, "unknown_district");
    return { type: "district", districtId: d.id };
  }
  return { type: "city" };
}

// Kept until the statistics stamp moves (a rollup row or a population changed), not on every write.
const memo = memoUntilChange<unknown>(2000, statsStamp);
function cached<V>(db: DB, key: string, now: number, compute: () => V): V {
  return memo(db, `${key}@${Math.floor(now / 60_000)}`, compute) as V;
}

type Raw = RawFigures;
const zeroRaw = (): Raw => ({
  runsHeld: 0,
  sessionsHeld: 0,
  teacherMinutes: 0,
  attendances: 0,
  absences: 0,
  excused: 0,
  ratingsSum: 0,
  ratingsN: 0,
  waitlisted: 0,
  promoted: 0,
  activitiesHeld: 0,
  activityParticipations: 0,
  communityMinutes: 0,
  participants: null,
  population: null,
});

function scopeWhere(
  scope: StatsScope,
  alias: string,
  districtCol = "district_id",
  academyCol = "academy_id",
) {
  if (scope.type === "district")
    return { sql: ` AND ${alias}.${districtCol} = ${Number(scope.districtId)}`, args: [] };
  if (scope.type === "academy")
    return { sql: ` AND ${alias}.${academyCol} = ${Number(scope.academyId)}`, args: [] };
  return { sql: "", args: [] };
}

const RUN_KEY: Record<GroupBy, string> = {
  all: "0",
  district: "m.district_id",
  academy: "m.academy_id",
  category: "m.category_id",
  course: "m.course_id",
  month: "m.month",
  run: "m.run_id",
};
const LIVE_KEY: Record<GroupBy, string> = {
  all: "0",
  district: "a.district_id",
  academy: "r.academy_id",
  category: "c.category_id",
  course: "r.course_id",
  month: "substr(s.local_date, 1, 7)",
  run: "r.id",
};
const ACT_KEY: Partial<Record<GroupBy, string>> = {
  all: "0",
  district: "x.district_id",
  academy: "x.academy_id",
  month: "x.month",
};
const AM_KEY: Partial<Record<GroupBy, string>> = {
  all: "0",
  district: "x.district_id",
  academy: "x.academy_id",
  month: "x.month",
};

/** Which stats_reach rows answer 参与人数 for a scope grouped by `by`: level, key, filter. */
function reachQuery(
  scope: StatsScope,
  by: GroupBy,
): { level: number; key: string; where: string } | null {
  const own =
    scope.type === "city"
      ? { level: 0, where: " AND entity = 0" }
      : scope.type === "district"
        ? { level: 1, where: ` AND entity = ${Number(scope.districtId)}` }
        : { level: 2, where: ` AND entity = ${Number(scope.academyId)}` };
  if (by === "all") return { ...own, key: "0" };
  if (by === "month") return { ...own, key: "month" };
  if (by === "district")
    return {
      level: 1,
      key: "entity",
      where: scope.type === "city" ? "" : ` AND district_id = ${Number(scope.districtId)}`,
    };
  if (by === "academy")
    return {
      level: 2,
      key: "entity",
      where:
        scope.type === "city"
          ? ""
          : scope.type === "district"
            ? ` AND district_id = ${Number(scope.districtId)}`
            : ` AND entity = ${Number(scope.academyId)}`,
    };
  return null;
}

type Part = "other" | "current";

/**
 * Raw sums per group key for a scope and period, for one part of it: `current` is the current
 * Asia/Shanghai month (sessions and activities held up to now), `other` every other month of the
 * period. Every figure is a sum over months, so the parts add up: 参与人数 counts, per month, the
 * people whose previous active month is before the period (stats_reach), and the current month's
 * 开课门次 counts the runs with no held session earlier in the period. Keys are numbers (ids) or
 * "YYYY-MM" (month). Population comes with the `other` part.
 */
function rawPart(
  db: DB,
  scope: StatsScope,
  period: Period,
  by: GroupBy,
  now: number,
  part: Part,
): Map<string, Raw> {
  const c = db.$client;
  const current = monthOfInstant(now);
  const cmStart = monthStartMs(current);
  const out = new Map<string, Raw>();
  const includesCurrent = period.from <= current && current <= period.to;
  if (part === "current" && !includesCurrent) return out;
  const row = (k: unknown) => {
    const key = String(k);
    let r = out.get(key);
    if (!r) out.set(key, (r = zeroRaw()));
    return r;
  };
  /** The part's months: `alias.month` in the period and not the current month, or the current month. */
  const months = (alias: string) =>
    part === "other"
      ? {
          sql: `${alias}.month BETWEEN ? AND ? AND ${alias}.month <> ?`,
          args: [period.from, period.to, current],
        }
      : { sql: `${alias}.month = ?`, args: [current] };
  const sw = scopeWhere(scope, "m");
  // Class figures: every month for marks/ratings/waitlists; from the rollups, sessions only for months already over.
  // By city, district, academy or month they come from the academy × month sums (a few thousand
  // rows); by category, course or run from the run × month rows.
  const rk = RUN_KEY[by];
  const amk = AM_KEY[by];
  const mx = months("x");
  const mm = months("m");
  const classSql = amk
    ? `SELECT ${amk} k,
         sum(CASE WHEN x.month < ? THEN x.sessions ELSE 0 END) sessions, sum(CASE WHEN x.month < ? THEN x.teacher_minutes ELSE 0 END) tmin,
         sum(x.attendances) att, sum(x.absences) abs, sum(x.excused) exc, sum(x.ratings_sum) rs, sum(x.ratings_n) rn, sum(x.waitlisted) wl, sum(x.promoted) pr
       FROM stats_academy_month x WHERE ${mx.sql}${scopeWhere(scope, "x").sql} GROUP BY 1`
    : `SELECT ${rk} k,
         sum(CASE WHEN m.month < ? AND m.run_cancelled = 0 THEN m.sessions ELSE 0 END) sessions,
         sum(CASE WHEN m.month < ? AND m.run_cancelled = 0 THEN m.teacher_minutes ELSE 0 END) tmin,
         sum(m.attendances) att, sum(m.absences) abs, sum(m.excused) exc, sum(m.ratings_sum) rs, sum(m.ratings_n) rn,
         sum(m.waitlisted) wl, sum(m.promoted) pr
       FROM stats_run_month m WHERE ${mm.sql}${sw.sql} GROUP BY 1`;
  for (const r of c.prepare(classSql).all(current, current, ...(amk ? mx.args : mm.args)) as {
    k: unknown;
    sessions: number;
    tmin: number;
    att: number;
    abs: number;
    exc: number;
    rs: number;
    rn: number;
    wl: number;
    pr: number;
  }[]) {
    const x = row(r.k);
    x.sessionsHeld += r.sessions;
    x.teacherMinutes += r.tmin;
    x.attendances += r.att;
    x.absences += r.abs;
    x.excused += r.exc;
    x.ratingsSum += r.rs;
    x.ratingsN += r.rn;
    x.waitlisted += r.wl;
    x.promoted += r.pr;
  }
  const liveScope =
    scope.type === "district"
      ? ` AND a.district_id = ${Number(scope.districtId)}`
      : scope.type === "academy"
        ? ` AND r.academy_id = ${Number(scope.academyId)}`
        : "";
  // CROSS JOIN keeps this month's sessions (class_sessions_starts_idx) as the outer loop: the planner
  // otherwise walks every academy's runs and seeks each run's sessions. `starts_at <= now` (implied
  // by `ends_at <= now`) bounds the index range: without it the range ran to the last planned
  // session, and the planner preferred a skip-scan of the room index (6–9 ms → 0.6 ms at city scale,
  // once per grouping after every check-in).
  const liveFrom = `class_sessions s CROSS JOIN class_runs r ON r.id = s.run_id CROSS JOIN academies a ON a.id = r.academy_id CROSS JOIN courses c ON c.id = r.course_id
    WHERE s.starts_at >= ? AND s.starts_at <= ? AND s.ends_at <= ? AND s.status = 'scheduled' AND r.status <> 'cancelled'${liveScope}`;
  if (part === "current") {
    for (const r of c
      .prepare(
        `SELECT ${LIVE_KEY[by]} k, count(*) n, sum(((s.ends_at - s.starts_at) / 60000) * (SELECT max(1, count(*)) FROM run_teachers rt WHERE rt.run_id = r.id)) tmin
         FROM ${liveFrom} GROUP BY 1`,
      )
      .all(cmStart, now, now) as { k: unknown; n: number; tmin: number }[]) {
      const x = row(r.k);
      x.sessionsHeld += r.n;
      x.teacherMinutes += r.tmin;
    }
    // 开课门次 of the current month: runs with a session held so far and none earlier in the period.
    for (const r of c
      .prepare(
        `SELECT k, count(DISTINCT id) n FROM (SELECT ${LIVE_KEY[by]} k, r.id id FROM ${liveFrom}
           AND NOT EXISTS (SELECT 1 FROM stats_run_month m2 WHERE m2.run_id = r.id AND m2.month >= ? AND m2.month < ? AND m2.sessions > 0 AND m2.run_cancelled = 0)) GROUP BY k`,
      )
      .all(cmStart, now, now, period.from, current) as { k: unknown; n: number }[])
      row(r.k).runsHeld += r.n;
  } else {
    // 开课门次 of the months already over: distinct runs with a held session.
    for (const r of c
      .prepare(
        `SELECT ${rk} k, count(DISTINCT m.run_id) n FROM stats_run_month m WHERE m.month BETWEEN ? AND ? AND m.month < ? AND m.sessions > 0 AND m.run_cancelled = 0${sw.sql} GROUP BY 1`,
      )
      .all(period.from, period.to, current) as { k: unknown; n: number }[])
      row(r.k).runsHeld += r.n;
  }
  // Activities: not cancelled and started — months already over from the academy × month sums, the current month from its activity rows.
  const ak = ACT_KEY[by];
  if (ak) {
    const aw = scopeWhere(scope, "x");
    const rows =
      part === "other"
        ? (c
            .prepare(
              `SELECT ${amk} k, sum(x.activities) n, sum(x.activity_participations) p FROM stats_academy_month x WHERE x.month BETWEEN ? AND ? AND x.month < ?${aw.sql} GROUP BY 1`,
            )
            .all(period.from, period.to, current) as { k: unknown; n: number; p: number }[])
        : (c
            .prepare(
              // The month index: the planner otherwise skip-scans the academy index (twice as slow).
              `SELECT ${ak} k, count(*) n, sum(max(x.headcount, x.identified)) p FROM stats_activity x INDEXED BY stats_activity_month_idx WHERE x.month = ? AND x.cancelled = 0 AND x.starts_at <= ?${aw.sql} GROUP BY 1`,
            )
            .all(current, now) as { k: unknown; n: number; p: number }[]);
    for (const r of rows) {
      if (!r.n) continue;
      const x = row(r.k);
      x.activitiesHeld += r.n;
      x.activityParticipations += r.p;
    }
  }
  // Community volunteer service and activity waitlists (academy × month).
  if (amk) {
    const aw = scopeWhere(scope, "x");
    for (const r of c
      .prepare(
        `SELECT ${amk} k, sum(x.volunteer_minutes) vm, sum(x.activity_waitlisted) wl, sum(x.activity_promoted) pr FROM stats_academy_month x WHERE ${mx.sql}${aw.sql} GROUP BY 1`,
      )
      .all(...mx.args) as { k: unknown; vm: number; wl: number; pr: number }[]) {
      if (!r.vm && !r.wl && !r.pr) continue;
      const x = row(r.k);
      x.communityMinutes += r.vm;
      x.waitlisted += r.wl;
      x.promoted += r.pr;
    }
  }
  // Distinct people (stats_reach: people active in [from, to] = per month, those whose previous active month is before `from`) and population.
  const rq = reachQuery(scope, by);
  if (rq) {
    const firstInRange = by === "month" ? "" : " AND prev < ?";
    const mr = months("stats_reach");
    for (const r of c
      .prepare(
        `SELECT ${rq.key} k, sum(n) n FROM stats_reach WHERE level = ${rq.level} AND ${mr.sql}${firstInRange}${rq.where} GROUP BY 1`,
      )
      .all(...mr.args, ...(by === "month" ? [] : [period.from])) as { k: unknown; n: number }[])
      row(r.k).participants = r.n;
    if (by !== "month" && part === "other") {
      const popKey = by === "district" ? "a.district_id" : by === "academy" ? "a.id" : "0";
      const popScope =
        scope.type === "district"
          ? ` WHERE a.district_id = ${Number(scope.districtId)}`
          : scope.type === "academy"
            ? ` WHERE a.id = ${Number(scope.academyId)}`
            : "";
      for (const r of c
        .prepare(`SELECT ${popKey} k, sum(a.population) n FROM academies a${popScope} GROUP BY 1`)
        .all() as { k: unknown; n: number }[])
        row(r.k).population = r.n;
    }
  }
  return out;
}

const otherMemo = memoUntilChange<Map<string, Raw>>(2000, (db) => partStamp(db, "other"));
const currentMemo = memoUntilChange<Map<string, Raw>>(2000, (db) => partStamp(db, "current"));
let stampClock = Date.now();
/** A part's stamp; when the figures' "now" is not in the clock's month (a report for a fixed date, a test), both stamps. */
function partStamp(db: DB, part: Part) {
  const s = statsStamps(db);
  if (monthOfInstant(stampClock) !== monthOfInstant(Date.now())) return `${s.other}:${s.current}`;
  return part === "other" ? s.other : s.current;
}

/** Both parts (each cached against its own stamp) added up. */
function rawByGroup(
  db: DB,
  scope: StatsScope,
  period: Period,
  by: GroupBy,
  now: number,
): Map<string, Raw> {
  stampClock = now;
  const key = `${by}:${JSON.stringify(scope)}:${period.from}:${period.to}:${monthOfInstant(now)}`;
  const other = otherMemo(db, key, () => rawPart(db, scope, period, by, now, "other"));
  const current = currentMemo(db, `${key}@${Math.floor(now / 60_000)}`, () =>
    rawPart(db, scope, period, by, now, "current"),
  );
  const out = new Map<string, Raw>();
  for (const [k, o] of other) out.set(k, { ...o });
  for (const [k, x] of current) {
    const o = out.get(k);
    if (!o) {
      out.set(k, { ...x });
      continue;
    }
    for (const f of Object.keys(x) as (keyof Raw)[]) {
      if (f === "population") continue;
      if (f === "participants")
        o.participants =
          o.participants == null && x.participants == null
            ? null
            : (o.participants ?? 0) + (x.participants ?? 0);
      else o[f] += x[f] as number;
    }
  }
  if (reachQuery(scope, by)) for (const x of out.values()) x.participants ??= 0;
  return out;
}

/** The figures of one scope and period. The one function behind cards, tables, exports and the API. */
export function computeFigures(
  db: DB,
  scope: StatsScope,
  period: Period,
  now = Date.now(),
): Figures {
  return cached(db, `fig:${JSON.stringify(scope)}:${period.from}:${period.to}`, now, () => {
    const raw = rawByGroup(db, scope, period, "all", now).get("0");
    if (!raw) {
      const f = emptyFigures();
      return { ...f, participants: 0, participationRate: 0 };
    }
    return finishFigures(raw);
  });
}

/** The figures of a scope and period per district, academy, category, course, month or run. */
export function figuresBy(
  db: DB,
  scope: StatsScope,
  period: Period,
  by: Exclude<GroupBy, "all">,
  now = Date.now(),
): Map<string, Figures> {
  return cached(db, `by:${by}:${JSON.stringify(scope)}:${period.from}:${period.to}`, now, () => {
    const raw = rawByGroup(db, scope, period, by, now);
    const out = new Map<string, Figures>();
    for (const [k, r] of raw) out.set(k, finishFigures(r));
    if (by === "month")
      for (const m of monthsBetween(period.from, period.to))
        if (!out.has(m)) out.set(m, finishFigures({ ...zeroRaw(), participants: 0 }));
    return out;
  });
}
