import type { FieldMetadata } from "@conform-to/react";
import { getInputProps } from "@conform-to/react";
import { useEffect, type InputHTMLAttributes } from "react";

/** A labelled input with its error below it, marked for screen readers. */
export function Field({
  label,
  meta,
  type = "text",
  hint,
  ...rest
}: {
  label: string;
  meta: FieldMetadata<string | number | undefined>;
  type?: "text" | "tel" | "password" | "search" | "number" | "email" | "url" | "date" | "time";
  hint?: string;
} & Omit<InputHTMLAttributes<HTMLInputElement>, "type">) {
  const errorId = meta.errorId;
  const props = getInputProps(meta, {
    type,
    ariaDescribedBy: hint ? `${meta.id}-hint` : undefined,
  });
  return (
    <div className={`field${meta.errors?.length ? " has-error" : ""}`}>
      <label htmlFor={meta.id}>{label}</label>
      <input
        {...props}
        {...rest}
        key={props.key}
        defaultValue={type === "password" ? undefined : props.defaultValue}
      />
      {hint ? (
        <p className="hint" id={`${meta.id}-hint`}>
          {hint}
        </p>
      ) : null}
      {meta.errors?.length ? (
        <p className="error" id={errorId} role="alert">
          {meta.errors.join("；")}
        </p>
      ) : null}
    </div>
  );
}

export function FormErrors({ errors, id }: { errors?: string[]; id?: string }) {
  if (!errors?.length) return null;
  return (
    <div className="form-error" role="alert" id={id}>
      {errors.join("；")}
    </div>
  );
}

/** Intents that check no password: their answer leaves the password fields alone. */
const KEEPS_PASSWORDS = new Set(["send-code", "filter"]);

/** After the server answers with an error, empty the form's password fields without revalidating
 * (the server's messages stay; the rest of the input is kept). Not after 获取验证码 or 筛选书院:
 * a password typed while the code was on its way stays where it was typed. */
export function useClearPasswords(formId: string, lastResult: unknown) {
  useEffect(() => {
    if (!lastResult) return;
    const intent = (lastResult as { initialValue?: { intent?: unknown } }).initialValue?.intent;
    if (typeof intent === "string" && KEEPS_PASSWORDS.has(intent)) return;
    const form = document.getElementById(formId);
    form?.querySelectorAll<HTMLInputElement>('input[type="password"]').forEach((input) => {
      input.value = "";
    });
  }, [formId, lastResult]);
}

/**
 * 获取验证码: posts the form with intent=send-code (only the phone is checked, everything else
 * typed is kept), then shows the server's answer — the same sentence whether or not the phone is
 * registered.
 */
export function SendCodeStep({ notice }: { notice?: string | null }) {
  return (
    <>
      <div className="actions">
        <button type="submit" name="intent" value="send-code" className="secondary" formNoValidate>
          获取验证码
        </button>
      </div>
      {notice ? (
        <p className="notice" role="status">
          {notice}
        </p>
      ) : null}
    </>
  );
}
