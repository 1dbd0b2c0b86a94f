/** Shared pieces of the scheduling screens: status badges, weekday pickers, class cards, week navigation. */
import type { FieldMetadata } from "@conform-to/react";
import { Link } from "@remix-run/react";
import type { RunStatus } from "@db/schema/scheduling";
import { RUN_STATUS_LABELS } from "~/modules/scheduling/states";
import { DAYPART_LABELS, formatMoment, WEEKDAY_LABELS, type Daypart } from "~/utils/time";

const STATUS_TONE: Record<RunStatus, string> = {
  draft: "",
  open: "ok",
  full: "warn",
  closed: "",
  finished: "",
  cancelled: "danger",
};

export function RunStatusBadge({ status }: { status: RunStatus }) {
  return <span className={`badge ${STATUS_TONE[status]}`}>{RUN_STATUS_LABELS[status]}</span>;
}

/** The values conform kept for a field (after a failed submit) or the given default. */
export function initialList(
  meta: FieldMetadata<unknown> | undefined,
  fallback: string[] = [],
): string[] {
  const v = meta?.initialValue as unknown;
  if (v == null) return fallback;
  return (Array.isArray(v) ? v : [v]).map(String);
}

export function initialText(meta: FieldMetadata<unknown> | undefined, fallback = ""): string {
  const v = meta?.initialValue as unknown;
  return v == null ? fallback : String(v);
}

export function FieldError({ meta }: { meta?: { errors?: string[]; errorId: string } }) {
  if (!meta?.errors?.length) return null;
  return (
    <p className="error" id={meta.errorId} role="alert">
      {meta.errors.join("；")}
    </p>
  );
}

/** Seven large checkboxes (周一 … 周日) posting ISO weekday numbers under `name`. */
export function WeekdayPicker({
  name,
  legend,
  defaultValue,
  meta,
  idPrefix,
}: {
  name: string;
  legend: string;
  defaultValue: string[];
  meta?: { errors?: string[]; errorId: string };
  idPrefix: string;
}) {
  return (
    <fieldset
      className={`field weekday-picker${meta?.errors?.length ? " has-error" : ""}`}
      aria-describedby={meta?.errors?.length ? meta.errorId : undefined}
    >
      <legend className="label">{legend}</legend>
      <div className="check-row">
        {[1, 2, 3, 4, 5, 6, 7].map((d) => (
          <label key={d} className="check-chip" htmlFor={`${idPrefix}-${d}`}>
            <input
              type="checkbox"
              id={`${idPrefix}-${d}`}
              name={name}
              value={d}
              defaultChecked={defaultValue.includes(String(d))}
            />
            {WEEKDAY_LABELS[d]}
          </label>
        ))}
      </div>
      <FieldError meta={meta} />
    </fieldset>
  );
}

export function DaypartPicker({
  name,
  defaultValue,
  idPrefix,
}: {
  name: string;
  defaultValue: string[];
  idPrefix: string;
}) {
  return (
    <fieldset className="field">
      <legend className="label">希望的时段</legend>
      <div className="check-row">
        {(Object.keys(DAYPART_LABELS) as Daypart[]).map((p) => (
          <label key={p} className="check-chip" htmlFor={`${idPrefix}-${p}`}>
            <input
              type="checkbox"
              id={`${idPrefix}-${p}`}
              name={name}
              value={p}
              defaultChecked={defaultValue.includes(p)}
            />
            {DAYPART_LABELS[p]}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

export type ClassCardRow = {
  id: number;
  status: RunStatus;
  title: string;
  categoryName: string;
  categoryColor: string;
  academyName: string;
  academySlug: string;
  districtName: string;
  roomName: string;
  stepFree: boolean;
  nextSessionAt: number | null;
  sessionCount: number;
  seatsLeft: number;
  capacity: number;
  minAge: number | null;
  maxAge: number | null;
  enrollMode: "first_come" | "lottery";
};

export function ageLabel(minAge: number | null, maxAge: number | null) {
  if (minAge != null && maxAge != null) return `${minAge}–${maxAge} 岁`;
  if (minAge != null) return `${minAge} 岁以上`;
  if (maxAge != null) return `${maxAge} 岁以下`;
  return null;
}

/** One class in the finder and on an academy page. */
export function ClassCard({
  row,
  showAcademy = true,
}: {
  row: ClassCardRow;
  showAcademy?: boolean;
}) {
  const age = ageLabel(row.minAge, row.maxAge);
  return (
    <li className="card class-card" data-testid="class-card">
      <Link className="card-link" to={`/classes/${row.id}`}>
        <p className="class-card-meta">
          <span className="tag" style={{ borderLeft: `6px solid ${row.categoryColor}` }}>
            {row.categoryName}
          </span>{" "}
          <RunStatusBadge status={row.status} />
          {row.enrollMode === "lottery" ? <span className="badge"> 抽签</span> : null}
        </p>
        <h3>{row.title}</h3>
        <p className="muted">
          {row.nextSessionAt ? <>下次上课：{formatMoment(row.nextSessionAt)}</> : "暂无后续课次"}
          <br />
          {showAcademy ? `${row.districtName} · ${row.academyName} · ` : ""}
          {row.roomName}
          {row.stepFree ? "（无障碍）" : ""}
          <br />共 {row.sessionCount} 次课 ·{" "}
          {row.status === "full" ? "名额已满" : `剩余 ${row.seatsLeft} / ${row.capacity} 个名额`}
          {age ? ` · ${age}` : ""}
        </p>
      </Link>
    </li>
  );
}

/** ← 上一周 · 本周 · 下一周 → links that keep the path. */
export function WeekNav({
  base,
  week,
  prev,
  next,
  current,
}: {
  base: string;
  week: string;
  prev: string;
  next: string;
  current: string;
}) {
  return (
    <nav className="filter-bar week-nav" aria-label="切换周">
      <Link to={`${base}?week=${prev}`} rel="prev">
        ← 上一周
      </Link>
      <Link to={`${base}?week=${current}`} aria-current={week === current ? "true" : undefined}>
        本周
      </Link>
      <Link to={`${base}?week=${next}`} rel="next">
        下一周 →
      </Link>
    </nav>
  );
}

export type RunListRow = {
  id: number;
  status: RunStatus;
  capacity: number;
  title: string;
  versionNo: number;
  code: string;
  academyName: string;
  academySlug: string;
  roomName: string;
  nextSessionAt: number | null;
  sessionCount: number;
  seatsTaken: number;
};

/** A run in the manager's and the district's lists: a card that reads well on a phone. */
export function RunListCard({
  row,
  href,
  showAcademy = false,
}: {
  row: RunListRow;
  href: string;
  showAcademy?: boolean;
}) {
  return (
    <li className="card" data-testid="run-row">
      <p className="class-card-meta">
        <RunStatusBadge status={row.status} />
        <span className="muted small-text">
          {row.code} 第 {row.versionNo} 版
        </span>
      </p>
      <h3>
        <Link to={href}>{row.title}</Link>
      </h3>
      <p className="muted">
        {showAcademy ? (
          <>
            <Link to={`/academies/${row.academySlug}`}>{row.academyName}</Link> ·{" "}
          </>
        ) : null}
        {row.roomName} · 共 {row.sessionCount} 次课 · 报名 {row.seatsTaken}/{row.capacity}
        <br />
        {row.nextSessionAt ? `下次上课：${formatMoment(row.nextSessionAt)}` : "没有未上的课"}
      </p>
    </li>
  );
}

/** Only what a ClassCard shows (loaders send this, not the whole row). */
export function toClassCard(r: ClassCardRow): ClassCardRow {
  return {
    id: r.id,
    status: r.status,
    title: r.title,
    categoryName: r.categoryName,
    categoryColor: r.categoryColor,
    academyName: r.academyName,
    academySlug: r.academySlug,
    districtName: r.districtName,
    roomName: r.roomName,
    stepFree: r.stepFree,
    nextSessionAt: r.nextSessionAt,
    sessionCount: r.sessionCount,
    seatsLeft: r.seatsLeft,
    capacity: r.capacity,
    minAge: r.minAge,
    maxAge: r.maxAge,
    enrollMode: r.enrollMode,
  };
}
