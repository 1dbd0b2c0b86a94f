import { Link } from "@remix-run/react";
import type { ReactNode } from "react";

export type FilterOption = { value: string | number; label: string };

/**
 * A labelled `<select>` of a GET filter form (class finder, order and course lists …):
 * `empty` is the first option with value "" ("全部"/"不限"), `children` go below the select (hints).
 */
export function FilterSelect({
  id,
  label,
  name,
  defaultValue,
  empty,
  options,
  describedBy,
  children,
}: {
  id: string;
  label: string;
  name: string;
  defaultValue: string | number;
  empty?: string;
  options: readonly FilterOption[];
  describedBy?: string;
  children?: ReactNode;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} name={name} defaultValue={defaultValue} aria-describedby={describedBy}>
        {empty !== undefined ? <option value="">{empty}</option> : null}
        {options.map((o, i) => (
          <option key={i} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {children}
    </div>
  );
}

/** The submit button of a filter form, with a 清除条件 link back to `clearTo` while any filter is set. */
export function FilterActions({ filtered, clearTo }: { filtered: boolean; clearTo: string }) {
  return (
    <div className="actions">
      <button type="submit">筛选</button>
      {filtered ? (
        <Link className="button secondary" to={clearTo}>
          清除条件
        </Link>
      ) : null}
    </div>
  );
}

/** The labelled text search field (`q`) at the head of a filter form. */
export function FilterSearch({
  label = "搜索",
  defaultValue,
  placeholder,
  maxLength = 50,
}: {
  label?: string;
  defaultValue: string;
  placeholder?: string;
  maxLength?: number;
}) {
  return (
    <div className="field">
      <label htmlFor="q">{label}</label>
      <input
        id="q"
        type="search"
        name="q"
        defaultValue={defaultValue}
        placeholder={placeholder}
        maxLength={maxLength}
      />
    </div>
  );
}
