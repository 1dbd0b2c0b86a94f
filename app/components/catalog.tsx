/** UI pieces of the course library (中央厨房): cards, the course view, confirmations, diffs. */
import {
  getCollectionProps,
  getSelectProps,
  getTextareaProps,
  type FieldMetadata,
} from "@conform-to/react";
import { Form, Link } from "@remix-run/react";
import type { ReactNode } from "react";
import { textColorOn } from "~/modules/catalog/colors";
import type { DiffLine } from "~/modules/catalog/diff";
import { formatDate } from "~/utils/dates";
import { Field } from "./forms";

export type CourseCardData = {
  code: string;
  title: string;
  summary: string;
  audience: string[];
  sessions: number;
  minutesPerSession: number;
  levelLabel: string | null;
  categoryName: string;
  categoryColor: string;
};

export function CategoryBadge({ name, color }: { name: string; color: string }) {
  return (
    <span className="category-badge" style={{ background: color, color: textColorOn(color) }}>
      {name}
    </span>
  );
}

export function CourseCard({ c }: { c: CourseCardData }) {
  return (
    <li className="card course-card" data-testid="course-card">
      <Link className="card-link" to={`/courses/${c.code}`}>
        <p className="course-card-meta">
          <CategoryBadge name={c.categoryName} color={c.categoryColor} />
          {c.levelLabel ? <span className="tag">{c.levelLabel}</span> : null}
        </p>
        <h3>{c.title}</h3>
        <p className="course-card-summary">{c.summary}</p>
        <p className="muted course-card-facts">
          {c.sessions} 次课 · 每次 {c.minutesPerSession} 分钟 · {c.audience.join("、")}
        </p>
      </Link>
    </li>
  );
}

export type CourseViewData = {
  course: { code: string; levelLabel: string; ownerName: string | null; retired: boolean };
  category: { slug: string; name: string; color: string };
  version: {
    versionNo: number;
    title: string;
    summary: string;
    audience: string[];
    sessions: number;
    minutesPerSession: number;
    objectives: string[];
    tags: string[];
    coverResourceId?: number | null;
    bodyHtml: string;
    publishedAt: number | null;
  };
};

/** The readable course: facts, objectives and the server-rendered syllabus. */
export function CourseView({ data, children }: { data: CourseViewData; children?: ReactNode }) {
  const { course, category, version: v } = data;
  return (
    <article className="course-view">
      <header className="page-header">
        <p className="course-card-meta">
          <Link to={`/courses?category=${category.slug}`} className="category-badge-link">
            <CategoryBadge name={category.name} color={category.color} />
          </Link>
          <span className="tag">{course.code}</span>
        </p>
        <h1>{v.title}</h1>
        {v.summary ? <p className="lead">{v.summary}</p> : null}
      </header>
      {v.coverResourceId ? (
        <img className="course-cover" src={`/resources/${v.coverResourceId}`} alt="" />
      ) : null}
      {children}
      <dl className="facts">
        <dt>课程来源</dt>
        <dd>
          {course.levelLabel}
          {course.ownerName ? ` · ${course.ownerName}` : ""}
        </dd>
        <dt>建议课次</dt>
        <dd>
          {v.sessions} 次，每次 {v.minutesPerSession} 分钟
        </dd>
        <dt>适用对象</dt>
        <dd>{v.audience.join("、")}</dd>
        {v.tags.length ? (
          <>
            <dt>标签</dt>
            <dd>
              <ul className="chips inline-chips">
                {v.tags.map((t) => (
                  <li key={t}>
                    <Link className="tag" to={`/courses?q=${encodeURIComponent(t)}`}>
                      {t}
                    </Link>
                  </li>
                ))}
              </ul>
            </dd>
          </>
        ) : null}
        <dt>版本</dt>
        <dd>
          第 {v.versionNo} 版{v.publishedAt ? `，${formatDate(v.publishedAt)}发布` : ""}
        </dd>
      </dl>
      {v.objectives.length ? (
        <section aria-labelledby="objectives-h">
          <h2 id="objectives-h">学习目标</h2>
          <ul className="objectives">
            {v.objectives.map((o, i) => (
              <li key={i}>{o}</li>
            ))}
          </ul>
        </section>
      ) : null}
      <section aria-labelledby="syllabus-h">
        <h2 id="syllabus-h">教学大纲</h2>
        {/* Rendered on the server by renderDocHtml from a validated tiptap document. */}
        <div className="prose course-body" dangerouslySetInnerHTML={{ __html: v.bodyHtml }} />
      </section>
    </article>
  );
}

/**
 * A button that asks before it acts, without JavaScript: the first press opens a panel with the
 * consequence spelled out and the real submit button.
 */
export function ConfirmAction({
  label,
  confirmLabel,
  question,
  intent,
  danger,
  action,
  hidden,
}: {
  label: string;
  confirmLabel?: string;
  question: string;
  intent: string;
  danger?: boolean;
  action?: string;
  hidden?: Record<string, string | number>;
}) {
  return (
    <details className="confirm">
      <summary className={`button${danger ? " danger" : " secondary"}`}>{label}</summary>
      <div className="confirm-panel" role="group" aria-label={label}>
        <p>{question}</p>
        <Form method="post" action={action}>
          <input type="hidden" name="intent" value={intent} />
          {Object.entries(hidden ?? {}).map(([k, v]) => (
            <input key={k} type="hidden" name={k} value={v} />
          ))}
          <button type="submit" className={danger ? "danger" : undefined}>
            {confirmLabel ?? `确定${label}`}
          </button>
        </Form>
      </div>
    </details>
  );
}

/** A version diff: changed lines with a little context; inline marks show the changed characters. */
export function DiffView({ lines }: { lines: (DiffLine | null)[] }) {
  if (!lines.some((l) => l && l.kind !== "same"))
    return <p className="muted">两个版本的文字内容相同。</p>;
  return (
    <div className="diff" role="table" aria-label="版本差异">
      {lines.map((l, i) =>
        l === null ? (
          <div key={i} className="diff-gap" role="row">
            <span role="cell">⋯</span>
          </div>
        ) : (
          <div key={i} className={`diff-line diff-${l.kind}`} role="row">
            <span
              className="diff-sign"
              role="cell"
              aria-label={l.kind === "add" ? "新增" : l.kind === "del" ? "删除" : "未变"}
            >
              {l.kind === "add" ? "+" : l.kind === "del" ? "−" : " "}
            </span>
            <span role="cell">
              {l.segments
                ? l.segments.map((s, k) =>
                    s.kind === "add" ? (
                      <ins key={k}>{s.text}</ins>
                    ) : s.kind === "del" ? (
                      <del key={k}>{s.text}</del>
                    ) : (
                      <span key={k}>{s.text}</span>
                    ),
                  )
                : l.text || "\u00a0"}
            </span>
          </div>
        ),
      )}
    </div>
  );
}

// ---------------------------------------------------------------------------------------------
// Form fields the course forms need beyond the shared <Field> (textarea, select, checkboxes).

type AnyMeta = FieldMetadata<unknown>;

function ErrorLine({ meta }: { meta: AnyMeta }) {
  return meta.errors?.length ? (
    <p className="error" id={meta.errorId} role="alert">
      {meta.errors.join("；")}
    </p>
  ) : null;
}

export function TextareaField({
  label,
  meta,
  hint,
  rows = 4,
}: {
  label: string;
  meta: AnyMeta;
  hint?: string;
  rows?: number;
}) {
  const props = getTextareaProps(meta as FieldMetadata<string>, {
    ariaDescribedBy: hint ? `${meta.id}-hint` : undefined,
  });
  return (
    <div className={`field${meta.errors?.length ? " has-error" : ""}`}>
      <label htmlFor={meta.id}>{label}</label>
      <textarea {...props} key={props.key} rows={rows} />
      {hint ? (
        <p className="hint" id={`${meta.id}-hint`}>
          {hint}
        </p>
      ) : null}
      <ErrorLine meta={meta} />
    </div>
  );
}

export function SelectField({
  label,
  meta,
  options,
  hint,
  placeholder = "请选择",
}: {
  label: string;
  meta: AnyMeta;
  options: { value: string | number; label: string; group?: string }[];
  hint?: string;
  placeholder?: string | null;
}) {
  const props = getSelectProps(meta as FieldMetadata<string>, {
    ariaDescribedBy: hint ? `${meta.id}-hint` : undefined,
  });
  const groups = new Map<string, typeof options>();
  for (const o of options) groups.set(o.group ?? "", [...(groups.get(o.group ?? "") ?? []), o]);
  const render = (list: typeof options) =>
    list.map((o) => (
      <option key={o.value} value={o.value}>
        {o.label}
      </option>
    ));
  return (
    <div className={`field${meta.errors?.length ? " has-error" : ""}`}>
      <label htmlFor={meta.id}>{label}</label>
      <select {...props} key={props.key}>
        {placeholder !== null ? <option value="">{placeholder}</option> : null}
        {[...groups.entries()].map(([g, list]) =>
          g ? (
            <optgroup key={g} label={g}>
              {render(list)}
            </optgroup>
          ) : (
            render(list)
          ),
        )}
      </select>
      {hint ? (
        <p className="hint" id={`${meta.id}-hint`}>
          {hint}
        </p>
      ) : null}
      <ErrorLine meta={meta} />
    </div>
  );
}

/** 建议课次 and 每次时长: the length of a course, on the new and the edit forms alike. */
export function CourseLengthFields({
  sessions,
  minutes,
}: {
  sessions: FieldMetadata<string | number | undefined>;
  minutes: FieldMetadata<string | number | undefined>;
}) {
  return (
    <div className="field-row">
      <Field label="建议课次" meta={sessions} type="number" min={1} max={200} inputMode="numeric" />
      <Field
        label="每次时长（分钟）"
        meta={minutes}
        type="number"
        min={10}
        max={600}
        inputMode="numeric"
      />
    </div>
  );
}

export function CheckboxGroup({
  legend,
  meta,
  options,
}: {
  legend: string;
  meta: AnyMeta;
  options: readonly string[];
}) {
  const items = getCollectionProps(meta as FieldMetadata<string[]>, {
    type: "checkbox",
    options: [...options],
  });
  return (
    <fieldset
      className={`field checkbox-group${meta.errors?.length ? " has-error" : ""}`}
      aria-describedby={meta.errors?.length ? meta.errorId : undefined}
    >
      <legend>{legend}</legend>
      <div className="checkbox-row">
        {items.map((p) => (
          <label key={p.key} className="checkbox">
            <input {...p} key={p.key} />
            <span>{p.value}</span>
          </label>
        ))}
      </div>
      <ErrorLine meta={meta} />
    </fieldset>
  );
}
