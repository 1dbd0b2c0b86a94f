/** Form fields shared by the resource library pages (upload, link, edit). */

type Meta = { id: string; name: string; errorId: string; initialValue?: unknown; errors?: string[]; key?: string };

export function VisibilityField({ meta, idPrefix }: { meta: Meta; idPrefix: string }) {
  const value = typeof meta.initialValue === "string" ? meta.initialValue : "public";
  return (
    <fieldset className={`field choice-group${meta.errors?.length ? " has-error" : ""}`} aria-describedby={meta.errors?.length ? meta.errorId : undefined}>
      <legend>谁可以查看</legend>
      <label className="choice">
        <input type="radio" name={meta.name} value="public" defaultChecked={value === "public"} id={`${idPrefix}-vis-public`} />
        公开（居民在课程页也能看到）
      </label>
      <label className="choice">
        <input type="radio" name={meta.name} value="teachers" defaultChecked={value === "teachers"} id={`${idPrefix}-vis-teachers`} />
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

export function CourseCodeField({ meta }: { meta: Meta }) {
  return (
    <div className={`field${meta.errors?.length ? " has-error" : ""}`}>
      <label htmlFor={meta.id}>挂在课程下（填课程编号，不填则全市共享）</label>
      <input
        id={meta.id}
        name={meta.name}
        type="text"
        defaultValue={typeof meta.initialValue === "string" ? meta.initialValue : ""}
        placeholder="例如 LS-0001"
        maxLength={20}
        autoCapitalize="characters"
        aria-invalid={meta.errors?.length ? true : undefined}
        aria-describedby={meta.errors?.length ? meta.errorId : undefined}
      />
      {meta.errors?.length ? (
        <p className="error" id={meta.errorId}>
          {meta.errors.join("；")}
        </p>
      ) : null}
    </div>
  );
}
