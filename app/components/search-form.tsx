import { Form } from "@remix-run/react";
import type { ReactNode } from "react";

/**
 * The one-line GET search (`.search-box`): a visually hidden label, a `q` search input and a
 * submit button. `children` go first in the form (hidden inputs that keep other parameters).
 */
export function SearchForm({
  id,
  label,
  placeholder,
  defaultValue,
  maxLength,
  button = "搜索",
  action,
  children,
}: {
  id: string;
  label: string;
  placeholder?: string;
  defaultValue?: string;
  maxLength?: number;
  button?: string;
  action?: string;
  children?: ReactNode;
}) {
  return (
    <Form method="get" action={action} role="search" className="search-box">
      {children}
      <label htmlFor={id} className="visually-hidden">
        {label}
      </label>
      <input
        id={id}
        type="search"
        name="q"
        defaultValue={defaultValue}
        placeholder={placeholder}
        maxLength={maxLength}
      />
      <button type="submit">{button}</button>
    </Form>
  );
}
