/** The fields of the run (开课) forms: settings shared by create and edit, and the recurrence builder. */
import type { FieldMetadata } from "@conform-to/react";
import type { InputHTMLAttributes, ReactNode } from "react";
import { OUTSIDE_HOURS_LABEL } from "~/modules/org/opening-hours";
import { FieldError, initialList, initialText, WeekdayPicker } from "./schedule";

/** The academy's opening hours beside the time fields, and the 开放时间外 box (checked by the server). */
export function OutsideHoursField({ meta, openingHours }: { meta: AnyField | undefined; openingHours?: string | null }) {
  return (
    <>
      {openingHours ? <p className="hint">书院开放时间：{openingHours}。开放时间以外的课和活动会被拒绝，除非勾选下面一项。</p> : null}
      <Check meta={meta!} label={OUTSIDE_HOURS_LABEL} fallback={false} />
    </>
  );
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyField = FieldMetadata<any, any, string[]>;
export type FieldsOf = Record<string, AnyField>;

/** A labelled input bound to a conform field by name, with its error and the kept value. */
export function LooseField({
  meta,
  label,
  hint,
  type = "text",
  fallback = "",
  ...rest
}: { meta: AnyField; label: string; hint?: ReactNode; type?: string; fallback?: string } & Omit<InputHTMLAttributes<HTMLInputElement>, "type" | "defaultValue">) {
  const describedBy = [hint ? `${meta.id}-hint` : null, meta.errors?.length ? meta.errorId : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className={`field${meta.errors?.length ? " has-error" : ""}`}>
      <label htmlFor={meta.id}>{label}</label>
      <input
        id={meta.id}
        name={meta.name}
        type={type}
        defaultValue={initialText(meta, fallback)}
        aria-invalid={meta.errors?.length ? true : undefined}
        aria-describedby={describedBy}
        key={meta.key}
        {...rest}
      />
      {hint ? (
        <p className="hint" id={`${meta.id}-hint`}>
          {hint}
        </p>
      ) : null}
      <FieldError meta={meta} />
    </div>
  );
}

export function Check({ meta, label, fallback }: { meta: AnyField; label: string; fallback: boolean }) {
  const v = meta.initialValue as unknown;
  const checked = v == null ? fallback : v === "on" || v === "true";
  return (
    <div className={`field check-field${meta.errors?.length ? " has-error" : ""}`}>
      <label className="check-chip" htmlFor={meta.id}>
        <input type="checkbox" id={meta.id} name={meta.name} defaultChecked={checked} key={meta.key} />
        {label}
      </label>
      <FieldError meta={meta} />
    </div>
  );
}

export type RunDefaults = {
  roomId?: number;
  capacity?: number;
  overflowConfirmed?: boolean;
  teacherIds?: number[];
  guestTeacher?: string;
  minAge?: number | null;
  maxAge?: number | null;
  residentsFirst?: boolean;
  enrolOpensAt?: string;
  enrolClosesAt?: string;
  cancelDeadlineAt?: string;
  enrolMode?: "first_come" | "lottery";
  localNotes?: string;
  localResources?: string;
};

export function RunSettingsFields({
  fields,
  rooms,
  teacherChoices,
  poolAllowed,
  defaults = {},
}: {
  fields: FieldsOf;
  rooms: { id: number; name: string; capacity: number; stepFree: boolean }[];
  teacherChoices: { id: number; displayName: string; organisation: string }[];
  poolAllowed: boolean;
  defaults?: RunDefaults;
}) {
  const f = fields;
  const teacherIds = initialList(f.teacherIds, (defaults.teacherIds ?? []).map(String));
  const mode = initialText(f.enrolMode, defaults.enrolMode ?? "first_come");
  return (
    <>
      <div className={`field${f.roomId!.errors?.length ? " has-error" : ""}`}>
        <label htmlFor={f.roomId!.id}>教室</label>
        <select id={f.roomId!.id} name={f.roomId!.name} defaultValue={initialText(f.roomId, defaults.roomId ? String(defaults.roomId) : "")} key={f.roomId!.key} aria-invalid={f.roomId!.errors?.length ? true : undefined}>
          <option value="">请选择教室</option>
          {rooms.map((r) => (
            <option key={r.id} value={r.id}>
              {r.name}（{r.capacity} 人{r.stepFree ? "，无障碍" : ""}）
            </option>
          ))}
        </select>
        <FieldError meta={f.roomId} />
      </div>
      <LooseField meta={f.capacity!} label="名额" type="number" inputMode="numeric" min={1} fallback={defaults.capacity ? String(defaults.capacity) : ""} />
      <Check meta={f.overflowConfirmed!} label="确认超出教室容量（加座）" fallback={!!defaults.overflowConfirmed} />
      <fieldset className={`field${f.teacherIds!.errors?.length ? " has-error" : ""}`}>
        <legend className="label">授课教师</legend>
        {teacherChoices.length ? (
          <div className="check-row">
            {teacherChoices.map((t) => (
              <label key={t.id} className="check-chip" htmlFor={`teacher-${t.id}`}>
                <input type="checkbox" id={`teacher-${t.id}`} name="teacherIds" value={t.id} defaultChecked={teacherIds.includes(String(t.id))} />
                {t.displayName}
                {t.organisation ? <span className="muted">（{t.organisation}）</span> : null}
              </label>
            ))}
          </div>
        ) : (
          <p className="hint">
            {poolAllowed ? "师资库里暂时没有能到本区教这门课的老师，可以填写本书院自己的讲师。" : "师资库教师需要通过点单安排；不点单开课时，请填写本书院自己的讲师。"}
          </p>
        )}
        <FieldError meta={f.teacherIds} />
      </fieldset>
      <LooseField meta={f.guestTeacher!} label="本书院自己的讲师（不在师资库）" hint="例如：社区志愿者 林老师" fallback={defaults.guestTeacher ?? ""} />
      <div className="two-cols">
        <LooseField meta={f.minAge!} label="最小年龄" type="number" inputMode="numeric" min={0} max={120} fallback={defaults.minAge != null ? String(defaults.minAge) : ""} />
        <LooseField meta={f.maxAge!} label="最大年龄" type="number" inputMode="numeric" min={0} max={120} fallback={defaults.maxAge != null ? String(defaults.maxAge) : ""} />
      </div>
      <Check meta={f.residentsFirst!} label="本社区居民优先" fallback={!!defaults.residentsFirst} />
      <div className="two-cols">
        <LooseField meta={f.enrolOpensAt!} label="报名开始" type="datetime-local" fallback={defaults.enrolOpensAt ?? ""} hint="不填则立即可报" />
        <LooseField meta={f.enrolClosesAt!} label="报名截止" type="datetime-local" fallback={defaults.enrolClosesAt ?? ""} hint="不填则到第一次课开始" />
      </div>
      <LooseField meta={f.cancelDeadlineAt!} label="取消报名截止" type="datetime-local" fallback={defaults.cancelDeadlineAt ?? ""} hint="不填则第一次课开始前都可取消" />
      <fieldset className="field">
        <legend className="label">报名方式</legend>
        <div className="check-row">
          <label className="check-chip" htmlFor="mode-first">
            <input type="radio" id="mode-first" name="enrolMode" value="first_come" defaultChecked={mode === "first_come"} />
            先到先得
          </label>
          <label className="check-chip" htmlFor="mode-lottery">
            <input type="radio" id="mode-lottery" name="enrolMode" value="lottery" defaultChecked={mode === "lottery"} />
            报名截止后抽签
          </label>
        </div>
      </fieldset>
      <div className={`field${f.localNotes!.errors?.length ? " has-error" : ""}`}>
        <label htmlFor={f.localNotes!.id}>本地说明（补充课程库内容，不改动它）</label>
        <textarea id={f.localNotes!.id} name={f.localNotes!.name} rows={3} defaultValue={initialText(f.localNotes, defaults.localNotes ?? "")} key={f.localNotes!.key} placeholder="例如：请自带老花镜；二楼无电梯" />
        <FieldError meta={f.localNotes} />
      </div>
      <div className={`field${f.localResources!.errors?.length ? " has-error" : ""}`}>
        <label htmlFor={f.localResources!.id}>本地资料（每行一条：标题 | 链接）</label>
        <textarea
          id={f.localResources!.id}
          name={f.localResources!.name}
          rows={3}
          defaultValue={initialText(f.localResources, defaults.localResources ?? "")}
          key={f.localResources!.key}
          placeholder="社区党史地图 | https://example.org/map.pdf"
          aria-invalid={f.localResources!.errors?.length ? true : undefined}
        />
        <FieldError meta={f.localResources} />
      </div>
    </>
  );
}

export function RecurrenceFields({ fields, idPrefix, defaults = {}, openingHours }: { fields: FieldsOf; idPrefix: string; defaults?: { startDate?: string; weekdays?: string[]; startTime?: string; endTime?: string; weeks?: string }; openingHours?: string | null }) {
  const f = fields;
  return (
    <>
      <LooseField meta={f.startDate!} label="从哪天开始" type="date" fallback={defaults.startDate ?? ""} />
      <WeekdayPicker name="weekdays" legend="每周哪几天上课" defaultValue={initialList(f.weekdays, defaults.weekdays ?? [])} meta={f.weekdays} idPrefix={`${idPrefix}-wd`} />
      <div className="two-cols">
        <LooseField meta={f.startTime!} label="开始时间" type="time" fallback={defaults.startTime ?? ""} />
        <LooseField meta={f.endTime!} label="结束时间" type="time" fallback={defaults.endTime ?? ""} />
      </div>
      <div className="two-cols">
        <LooseField meta={f.weeks!} label="连续几周" type="number" inputMode="numeric" min={1} max={52} fallback={defaults.weeks ?? ""} hint="最多 52 周" />
        <LooseField meta={f.until!} label="或者：截止日期" type="date" hint="周数和截止日期填一个" />
      </div>
      <p className="hint">总部公布的节假日和本书院的闭馆日会自动跳过。</p>
      <OutsideHoursField meta={f.outsideHours} openingHours={openingHours} />
    </>
  );
}
