import { useState } from "react";
import type { DirectoryAcademy } from "~/modules/auth/home-academy.server";

export type PickerDirectory = {
  academies: DirectoryAcademy[];
  districts: { id: number; name: string }[];
  streets: { id: number; name: string; districtId: number }[];
};

export type PickerValues = { district?: string; street?: string; q?: string; academy?: string };

/** The picker's narrowing: district → 街道 → a name or address fragment. */
export function filterDirectory(dir: PickerDirectory, v: PickerValues) {
  const q = (v.q ?? "").trim();
  return dir.academies.filter(
    (a) =>
      (!v.district || String(a.districtId) === v.district) &&
      (!v.street || String(a.subdistrictId) === v.street) &&
      (!q || a.name.includes(q) || a.address.includes(q) || a.community.includes(q)),
  );
}

/**
 * 我的书院 picker: choose by district → 街道/镇 → academy, or type part of a name or address.
 * With JavaScript the list narrows as you choose; without it the 筛选书院 button posts the form
 * (name="intent" value="filter") and the server answers with the same form, narrowed, input kept.
 */
export function AcademyPicker({
  directory,
  initial,
  error,
  errorId,
  name = "homeAcademyId",
  required = false,
}: {
  directory: PickerDirectory;
  initial: PickerValues;
  error?: string[];
  errorId?: string;
  name?: string;
  required?: boolean;
}) {
  const [v, setV] = useState<PickerValues>(initial);
  const streets = directory.streets.filter(
    (s) => !v.district || String(s.districtId) === v.district,
  );
  const shown = filterDirectory(directory, v);
  const selected = directory.academies.find((a) => String(a.id) === v.academy);
  const options = selected && !shown.includes(selected) ? [selected, ...shown] : shown;
  return (
    <fieldset className="picker stack">
      <legend>我的书院（社区）</legend>
      <p className="hint">
        选择离家最近的社区书院：本社区居民优先的课程，您可以优先报名。先选区和街道，或输入名称、地址中的几个字。
      </p>
      <div className="field">
        <label htmlFor="pick-district">区</label>
        <select
          id="pick-district"
          name="pickDistrict"
          value={v.district ?? ""}
          onChange={(e) => setV({ ...v, district: e.target.value, street: "" })}
        >
          <option value="">全部区</option>
          {directory.districts.map((d) => (
            <option key={d.id} value={d.id}>
              {d.name}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="pick-street">街道/镇</label>
        <select
          id="pick-street"
          name="pickStreet"
          value={v.street ?? ""}
          onChange={(e) => setV({ ...v, street: e.target.value })}
        >
          <option value="">全部街道</option>
          {streets.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="pick-q">名称或地址</label>
        <input
          id="pick-q"
          name="pickQ"
          type="search"
          value={v.q ?? ""}
          onChange={(e) => setV({ ...v, q: e.target.value })}
          placeholder="例如：金山、仙岳路"
        />
      </div>
      <div className="actions">
        <button type="submit" name="intent" value="filter" className="secondary" formNoValidate>
          筛选书院
        </button>
      </div>
      <div className={`field${error?.length ? " has-error" : ""}`}>
        <label htmlFor="pick-academy">书院（{shown.length} 个）</label>
        <select
          id="pick-academy"
          name={name}
          value={v.academy ?? ""}
          onChange={(e) => setV({ ...v, academy: e.target.value })}
          aria-invalid={error?.length ? true : undefined}
          aria-describedby={error?.length ? errorId : undefined}
          required={required}
        >
          <option value="">{shown.length ? "请选择书院" : "没有符合条件的书院，请放宽条件"}</option>
          {options.map((a) => (
            <option key={a.id} value={a.id}>
              {a.name}（{a.districtName}
              {a.subdistrictName ? `·${a.subdistrictName}` : ""}）
            </option>
          ))}
        </select>
        {error?.length ? (
          <p className="error" id={errorId} role="alert">
            {error.join("；")}
          </p>
        ) : null}
      </div>
    </fieldset>
  );
}

/**
 * The picker inside a conform form: its starting values are what the person typed last (the
 * server's narrowing answer or a refused post), and it starts afresh whenever those change.
 */
export function AcademyPickerField({
  directory,
  initialValue,
  field,
}: {
  directory: PickerDirectory;
  initialValue: Record<string, string | undefined>;
  field: { errors?: string[]; errorId: string };
}) {
  const initial = {
    district: initialValue.pickDistrict,
    street: initialValue.pickStreet,
    q: initialValue.pickQ,
    academy: initialValue.homeAcademyId,
  };
  return (
    <AcademyPicker
      key={JSON.stringify([initial.district, initial.street, initial.q, initial.academy])}
      directory={directory}
      initial={initial}
      error={field.errors}
      errorId={field.errorId}
    />
  );
}
