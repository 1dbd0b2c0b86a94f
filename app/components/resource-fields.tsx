/** Form fields shared by the resource library pages (upload, link, edit). */

type Meta = {
  id: string;
  name: string;
  errorId: string;
  initialValue?: unknown;
  errors?: string[];
  key?: string;
};

export function VisibilityField({ meta, idPrefix }: { meta: Meta; idPrefix: string }) {
  const value = typeof meta.initialValue === "string" ? meta.initialValue : "public";
  return (
    <fieldset
      className={`field choice-group${meta.errors?.length ? " has-error" : ""}`}
      aria-describedby={meta.errors?.length ? meta.errorId : undefined}
    >
      <legend>谁可以查看</legend>
      <label className="choice">
        <input
          type="radio"
          name={meta.name}
          value="public"
          defaultChecked={value === "public"}
          id={`${idPrefix}-vis-public`}
        />
        公开（居民在课程页也能看到）
      </label>
      <label className="choice">
        <input
          type="radio"
          name={meta.name}
          value="teachers"
          defaultChecked={value === "teachers"}
          id={`${idPrefix}-vis-teachers`}
        />
        仅教师（教案、答案等）
      </label>
      {meta.errors?.length ? (
        <p className="error" id={meta.errorId}>
          {meta.errors.join("；")}
        </p>
      ) : null}
    </fieldset>
  );
}

/** The course a resource hangs under. HQ may leave it empty (shared library); district staff and
 * managers must name one of their own courses (`required`, with their courses in `hint`). */
export function CourseCodeField({
  meta,
  required,
  hint,
  idPrefix = "c",
}: {
  meta: Meta;
  required?: boolean;
  hint?: string;
  idPrefix?: string;
}) {
  const hintId = `${idPrefix}-course-hint`;
  const describedBy =
    [hint ? hintId : null, meta.errors?.length ? meta.errorId : null].filter(Boolean).join(" ") ||
    undefined;
  return (
    <div className={`field${meta.errors?.length ? " has-error" : ""}`}>
      <label htmlFor={meta.id}>
        {required ? "挂在哪门课程下（填课程编号）" : "挂在课程下（填课程编号，不填则全市共享）"}
      </label>
      {hint ? (
        <p className="hint" id={hintId}>
          {hint}
        </p>
      ) : null}
      <input
        id={meta.id}
        name={meta.name}
        type="text"
        defaultValue={typeof meta.initialValue === "string" ? meta.initialValue : ""}
        placeholder="例如 LS-0001"
        maxLength={20}
        required={required}
        autoCapitalize="characters"
        aria-invalid={meta.errors?.length ? true : undefined}
        aria-describedby={describedBy}
      />
      {meta.errors?.length ? (
        <p className="error" id={meta.errorId}>
          {meta.errors.join("；")}
        </p>
      ) : null}
    </div>
  );
}
