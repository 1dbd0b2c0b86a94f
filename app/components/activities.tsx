import { Link } from "@remix-run/react";
import { ACTIVITY_TYPE_LABELS, ACTIVITY_TYPES, type ActivityType } from "~/modules/community/activities";
import { Check, LooseField, OutsideHoursField, type AnyField, type FieldsOf } from "./run-form";
import { FieldError, initialList, initialText, WeekdayPicker } from "./schedule";
import { formatSessionRange } from "~/utils/time";

export type ActivityCardRow = {
  id: number;
  title: string;
  type: ActivityType;
  startsAt: number;
  endsAt: number;
  status: string;
  audience: string;
  place: string;
  registration: boolean;
  capacity: number | null;
  seatsLeft: number | null;
  registrationOpen: boolean;
  academyName: string;
  districtName: string;
  roomName: string | null;
  organisationName: string | null;
  participations?: number;
};

export function ActivityTypeTag({ type }: { type: ActivityType }) {
  return <span className={`tag activity-type activity-type-${type}`}>{ACTIVITY_TYPE_LABELS[type]}</span>;
}

/** How a person takes part: 报名 with seats left, 候补, or 免报名. */
export function ActivitySeatsLine({ row }: { row: Pick<ActivityCardRow, "registration" | "capacity" | "seatsLeft" | "registrationOpen" | "status"> }) {
  if (row.status === "cancelled") return <span className="badge danger">已取消</span>;
  if (!row.registration) return <span className="badge ok">免报名，直接到场</span>;
  if (!row.registrationOpen) return <span className="badge">报名已截止</span>;
  if (row.seatsLeft === 0) return <span className="badge warn">名额已满，可候补</span>;
  return (
    <span className="badge ok">
      需报名 · 剩余 {row.seatsLeft} / {row.capacity} 个名额
    </span>
  );
}

/** One activity in the finder, on an academy page and on /me/activities. */
export function ActivityCard({ row, showAcademy = true, href, children }: { row: ActivityCardRow; showAcademy?: boolean; href?: string; children?: React.ReactNode }) {
  return (
    <li className="card class-card" data-testid="activity-card">
      <Link className="card-link" to={href ?? `/activities/${row.id}`}>
        <p className="class-card-meta">
          <ActivityTypeTag type={row.type} /> <ActivitySeatsLine row={row} />
        </p>
        <h3>{row.title}</h3>
        <p className="muted">
          {formatSessionRange(row.startsAt, row.endsAt)}
          <br />
          {showAcademy ? `${row.districtName} · ${row.academyName} · ` : ""}
          {row.roomName ?? row.place}
          {row.organisationName ? (
            <>
              <br />
              主办：{row.organisationName}
            </>
          ) : null}
          {row.audience ? ` · 面向${row.audience}` : ""}
          {row.participations != null ? (
            <>
              <br />
              参与 {row.participations} 人次
            </>
          ) : null}
        </p>
      </Link>
      {children}
    </li>
  );
}

// ---- The manager's activity form (create and edit) --------------------------------------------

function LooseSelect({
  meta,
  label,
  options,
  fallback = "",
  empty,
  hint,
}: {
  meta: AnyField;
  label: string;
  options: { value: string | number; label: string }[];
  fallback?: string;
  empty?: string;
  hint?: string;
}) {
  const describedBy = [hint ? `${meta.id}-hint` : null, meta.errors?.length ? meta.errorId : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className={`field${meta.errors?.length ? " has-error" : ""}`}>
      <label htmlFor={meta.id}>{label}</label>
      <select id={meta.id} name={meta.name} defaultValue={initialText(meta, fallback)} key={meta.key} aria-invalid={meta.errors?.length ? true : undefined} aria-describedby={describedBy}>
        {empty !== undefined ? <option value="">{empty}</option> : null}
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {hint ? (
        <p className="hint" id={`${meta.id}-hint`}>
          {hint}
        </p>
      ) : null}
      <FieldError meta={meta} />
    </div>
  );
}

export type ActivityDefaults = {
  title?: string;
  type?: string;
  description?: string;
  audience?: string;
  organisationId?: number | null;
  roomId?: number | null;
  place?: string;
  date?: string;
  startTime?: string;
  endTime?: string;
  registration?: boolean;
  capacity?: number | null;
};

/** The fields an activity has whatever its dates: what, where, who organises it, registration. */
export function ActivityFields({
  fields,
  rooms,
  organisations,
  defaults = {},
  openingHours,
}: {
  fields: FieldsOf;
  rooms: { id: number; name: string; capacity: number }[];
  organisations: { id: number; name: string }[];
  defaults?: ActivityDefaults;
  openingHours?: string | null;
}) {
  const f = fields;
  const desc = f.description!;
  return (
    <>
      <LooseField meta={f.title!} label="活动名称" fallback={defaults.title ?? ""} maxLength={60} required />
      <LooseSelect meta={f.type!} label="活动类型" fallback={defaults.type ?? "culture_sports"} options={ACTIVITY_TYPES.map((t) => ({ value: t, label: ACTIVITY_TYPE_LABELS[t] }))} />
      <LooseField meta={f.date!} label="日期" type="date" fallback={defaults.date ?? ""} required />
      <div className="two-cols">
        <LooseField meta={f.startTime!} label="开始时间" type="time" fallback={defaults.startTime ?? ""} required />
        <LooseField meta={f.endTime!} label="结束时间" type="time" fallback={defaults.endTime ?? ""} required />
      </div>
      <OutsideHoursField meta={f.outsideHours} openingHours={openingHours} />
      <LooseSelect
        meta={f.roomId!}
        label="教室"
        empty="不用教室（室外或其他地点）"
        fallback={defaults.roomId ? String(defaults.roomId) : ""}
        options={rooms.map((r) => ({ value: r.id, label: `${r.name}（${r.capacity} 人）` }))}
        hint="教室和课程班共用：同一时间已经排课的教室不能再办活动。"
      />
      <LooseField meta={f.place!} label="室外或其他地点" fallback={defaults.place ?? ""} maxLength={60} hint="不用教室时填写，例如 小区中心广场、海湾公园南门。" />
      <LooseSelect
        meta={f.organisationId!}
        label="主办"
        empty="本书院"
        fallback={defaults.organisationId ? String(defaults.organisationId) : ""}
        options={organisations.map((o) => ({ value: o.id, label: o.name }))}
        hint={organisations.length ? "可以由本书院孵化的居民组织主办。" : undefined}
      />
      <LooseField meta={f.audience!} label="面向对象" fallback={defaults.audience ?? ""} maxLength={40} hint="例如 全体居民、老年人、亲子家庭。" />
      <Check meta={f.registration!} label="需要报名（限定名额，满额后候补）" fallback={!!defaults.registration} />
      <LooseField meta={f.capacity!} label="名额" type="number" inputMode="numeric" min={1} max={5000} fallback={defaults.capacity ? String(defaults.capacity) : ""} hint="需要报名时填写。" />
      <div className={`field${desc.errors?.length ? " has-error" : ""}`}>
        <label htmlFor={desc.id}>活动介绍</label>
        <textarea id={desc.id} name={desc.name} rows={4} maxLength={1000} defaultValue={initialText(desc, defaults.description ?? "")} key={desc.key} aria-describedby={desc.errors?.length ? desc.errorId : undefined} />
        <FieldError meta={desc} />
      </div>
    </>
  );
}

/** Repeat weekly: the weekdays and how long (the series is created whole or not at all). */
export function ActivityRepeatFields({ fields }: { fields: FieldsOf }) {
  const f = fields;
  return (
    <fieldset className="field">
      <legend className="label">每周重复（可选）</legend>
      <Check meta={f.repeat!} label="每周重复举办" fallback={false} />
      <WeekdayPicker name="weekdays" legend="每周哪几天" defaultValue={initialList(f.weekdays)} meta={f.weekdays} idPrefix="act-wd" />
      <div className="two-cols">
        <LooseField meta={f.weeks!} label="连续几周" type="number" inputMode="numeric" min={1} max={52} hint="最多 52 周" />
        <LooseField meta={f.until!} label="或者：截止日期" type="date" hint="周数和截止日期填一个" />
      </div>
      <p className="hint">从上面的日期开始；总部公布的节假日和本书院的闭馆日会自动跳过。</p>
    </fieldset>
  );
}
