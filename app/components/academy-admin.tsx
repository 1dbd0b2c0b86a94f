/** The academy pages of HQ (/hq/academies) and the district centres (/district/academies). */
import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { Form, Link, useLocation, useNavigation } from "@remix-run/react";
import { DistrictNav } from "~/components/district-nav";
import { FormErrors } from "~/components/forms";
import { FilterSelect } from "~/components/filter-select";
import { Pager } from "~/components/layout";
import { LooseField, type AnyField, type FieldsOf } from "~/components/run-form";
import { FieldError, initialText } from "~/components/schedule";
import { academyInputSchema, closeAcademySchema } from "~/modules/org/academies";
import { HOURS_FIELDS, WEEKDAY_NAMES } from "~/modules/org/opening-hours";
import type { NavItem } from "~/components/nav";
import { formatDate } from "~/utils/dates";

export type AcademyRow = {
  id: number;
  slug: string;
  name: string;
  community: string;
  address: string;
  phone: string | null;
  openingHours: string;
  hoursSet: boolean;
  closedAt: number | null;
  closedReason: string | null;
  districtName: string;
  subdistrictName: string | null;
  branchCount: number;
};

export function AcademyList({
  base,
  rows,
  total,
  page,
  pages,
  filters,
  districts,
  hidden,
  heading,
}: {
  heading: React.ReactNode;
  base: string;
  rows: AcademyRow[];
  total: number;
  page: number;
  pages: number;
  filters: { q: string; district: string; status: string };
  /** HQ filters by district; district staff see their own only (null). */
  districts: { id: number; name: string }[] | null;
  /** Kept parameters (the district centre's ?d=). */
  hidden?: Record<string, string>;
}) {
  const location = useLocation();
  const keep = Object.entries(hidden ?? {}).map(([k, v]) => <input key={k} type="hidden" name={k} value={v} />);
  const q = hidden?.d ? `?d=${hidden.d}` : "";
  return (
    <>
      <div className="page-header with-actions">
        {heading}
        <Link className="button" to={`${base}/new${q}`}>
          新建书院
        </Link>
      </div>
      <Form method="get" className="filter-form" aria-label="查找书院">
        {keep}
        <div className="field">
          <label htmlFor="academy-q">名称、社区或地址</label>
          <input id="academy-q" type="search" name="q" defaultValue={filters.q} maxLength={50} />
        </div>
        {districts ? <FilterSelect id="academy-district" label="区" name="district" defaultValue={filters.district} empty="全部区" options={districts.map((d) => ({ value: d.id, label: d.name }))} /> : null}
        <FilterSelect
          id="academy-status"
          label="状态"
          name="status"
          defaultValue={filters.status}
          empty="全部"
          options={[
            { value: "open", label: "开放中" },
            { value: "closed", label: "已关闭" },
          ]}
        />
        <div className="actions">
          <button type="submit">查找</button>
        </div>
      </Form>
      <p className="muted" role="status">
        共 {total} 所书院
      </p>
      <ul className="card-grid academy-admin-list" data-testid="academy-list">
        {rows.map((a) => (
          <li key={a.id} className="card">
            <h2>
              <Link to={`${base}/${a.id}${q}`}>{a.name}</Link> {a.closedAt ? <span className="badge danger">已关闭</span> : null}
            </h2>
            <p className="muted">
              {a.districtName}
              {a.subdistrictName ? ` · ${a.subdistrictName}` : ""} · {a.community} · {a.address}
            </p>
            <p>
              开放时间：{a.openingHours}
              {a.hoursSet ? null : <span className="badge warn">未按星期设置，排课不检查</span>}
            </p>
            <p className="muted">
              {a.phone ? `电话 ${a.phone} · ` : ""}分院 {a.branchCount} 个
              {a.closedAt ? ` · ${formatDate(a.closedAt)} 关闭：${a.closedReason ?? ""}` : ""}
            </p>
          </li>
        ))}
      </ul>
      {rows.length === 0 ? <p>没有找到符合条件的书院。</p> : null}
      <Pager page={page} pages={pages} search={location.search} />
    </>
  );
}

export type AcademyChoices = { districts: { id: number; name: string; subdistricts: { id: number; name: string }[] }[] };
export type AcademyDefaults = {
  name?: string;
  districtId?: number;
  subdistrictId?: number | null;
  community?: string;
  address?: string;
  phone?: string | null;
  population?: number;
  description?: string | null;
  hours?: string[];
  branches?: string;
};

function Select({ meta, label, fallback, children }: { meta: AnyField; label: string; fallback: string; children: React.ReactNode }) {
  return (
    <div className={`field${meta.errors?.length ? " has-error" : ""}`}>
      <label htmlFor={meta.id}>{label}</label>
      <select id={meta.id} name={meta.name} defaultValue={initialText(meta, fallback)} key={meta.key} aria-invalid={meta.errors?.length ? true : undefined} aria-describedby={meta.errors?.length ? meta.errorId : undefined}>
        {children}
      </select>
      <FieldError meta={meta} />
    </div>
  );
}

/** The create/edit form: place, contact, opening hours per weekday, 分院. Works without JS. */
export function AcademyForm({
  id,
  lastResult,
  choices,
  defaults = {},
  oldHoursText,
  submitLabel,
}: {
  id: string;
  lastResult: SubmissionResult<string[]> | undefined;
  choices: AcademyChoices;
  defaults?: AcademyDefaults;
  /** The free-text hours of an academy whose hours were never set per weekday. */
  oldHoursText?: string | null;
  submitLabel: string;
}) {
  const busy = useNavigation().state === "submitting";
  const [form, fieldsRaw] = useForm({
    id,
    lastResult,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: academyInputSchema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });
  const f = fieldsRaw as unknown as FieldsOf;
  const single = choices.districts.length === 1;
  return (
    <Form method="post" className="form" {...getFormProps(form)}>
      <input type="hidden" name="intent" value="save" />
      <FormErrors errors={form.errors} id={form.errorId} />
      <LooseField meta={f.name!} label="书院名称" fallback={defaults.name ?? ""} maxLength={40} required />
      <Select meta={f.districtId!} label="所在区" fallback={String(defaults.districtId ?? (single ? choices.districts[0]!.id : ""))}>
        {single ? null : <option value="">请选择区</option>}
        {choices.districts.map((d) => (
          <option key={d.id} value={d.id}>
            {d.name}
          </option>
        ))}
      </Select>
      <Select meta={f.subdistrictId!} label="街道/镇" fallback={defaults.subdistrictId ? String(defaults.subdistrictId) : ""}>
        <option value="">不填</option>
        {choices.districts.map((d) => (
          <optgroup key={d.id} label={d.name}>
            {d.subdistricts.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </optgroup>
        ))}
      </Select>
      <LooseField meta={f.community!} label="所在社区" fallback={defaults.community ?? ""} maxLength={40} required hint="例如 金山社区" />
      <LooseField meta={f.address!} label="地址" fallback={defaults.address ?? ""} maxLength={100} required />
      <div className="two-cols">
        <LooseField meta={f.phone!} label="电话" type="tel" fallback={defaults.phone ?? ""} maxLength={20} hint="例如 0592-5123456" />
        <LooseField meta={f.population!} label="常住人口" type="number" inputMode="numeric" min={0} fallback={defaults.population != null ? String(defaults.population) : ""} hint="用于计算参与率" />
      </div>
      <fieldset className="field hours-fieldset">
        <legend className="label">开放时间（每天一行）</legend>
        <p className="hint" id="hours-hint">
          按 09:00-21:00 填写；中午闭馆可写成 08:30-12:00，14:30-21:00；留空表示当天不开放。课和活动都要排在开放时间内。
        </p>
        {oldHoursText ? <p className="notice">原来登记的开放时间是“{oldHoursText}”，还没有按星期填写；保存后排课会按这里检查。</p> : null}
        {HOURS_FIELDS.map((name, i) => (
          <LooseField key={name} meta={f[name]!} label={WEEKDAY_NAMES[i]!} fallback={defaults.hours?.[i] ?? ""} maxLength={100} placeholder="留空 = 不开放" aria-describedby="hours-hint" />
        ))}
      </fieldset>
      <div className={`field${f.branches!.errors?.length ? " has-error" : ""}`}>
        <label htmlFor={f.branches!.id}>分院（每行一个：分院名称 | 地址）</label>
        <textarea
          id={f.branches!.id}
          name={f.branches!.name}
          rows={3}
          defaultValue={initialText(f.branches, defaults.branches ?? "")}
          key={f.branches!.key}
          placeholder="金山第一分院 | 金山路 12 号楼一层"
          aria-invalid={f.branches!.errors?.length ? true : undefined}
          aria-describedby={f.branches!.errors?.length ? f.branches!.errorId : undefined}
        />
        <FieldError meta={f.branches} />
      </div>
      <div className={`field${f.description!.errors?.length ? " has-error" : ""}`}>
        <label htmlFor={f.description!.id}>简介</label>
        <textarea id={f.description!.id} name={f.description!.name} rows={3} maxLength={500} defaultValue={initialText(f.description, defaults.description ?? "")} key={f.description!.key} />
        <FieldError meta={f.description} />
      </div>
      <div className="actions">
        <button type="submit" disabled={busy}>
          {busy ? "正在保存…" : submitLabel}
        </button>
      </div>
    </Form>
  );
}

/** 关闭书院 (with a reason) or, when closed, 重新开放. */
export function AcademyCloseForms({
  closedAt,
  closedReason,
  lastResult,
}: {
  closedAt: number | null;
  closedReason: string | null;
  lastResult: SubmissionResult<string[]> | undefined;
}) {
  const [form, fieldsRaw] = useForm({
    id: "close-academy",
    lastResult,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: closeAcademySchema }),
    shouldValidate: "onSubmit",
  });
  const f = fieldsRaw as unknown as FieldsOf;
  if (closedAt) {
    return (
      <section className="panel" aria-labelledby="reopen-h">
        <h2 id="reopen-h">已关闭</h2>
        <p>
          {formatDate(closedAt)} 关闭，原因：{closedReason}
        </p>
        <p className="hint">关闭期间不能开课、加课、办活动或点单，也不能被居民选为“我的书院”。关错了可以重新开放。</p>
        <Form method="post">
          <input type="hidden" name="intent" value="reopen" />
          <button type="submit" className="secondary">
            重新开放
          </button>
        </Form>
      </section>
    );
  }
  return (
    <details className="panel" open={!!lastResult}>
      <summary>关闭书院</summary>
      <Form method="post" className="form" {...getFormProps(form)}>
        <input type="hidden" name="intent" value="close" />
        <FormErrors errors={form.errors} id={form.errorId} />
        <p className="hint">关闭后书院的历史记录保留，但不再开课、办活动或接受点单；公开页面会显示“已关闭”。还有未举办的课或活动时不能关闭。</p>
        <LooseField meta={f.reason!} label="关闭原因" maxLength={200} required hint="例如 与相邻书院合并、场地改造" />
        <div className="actions">
          <button type="submit" className="danger">
            确认关闭
          </button>
        </div>
      </Form>
    </details>
  );
}

type DistrictFrame = { id: number; name: string; centreName: string; several: boolean } | null;

/** HQ pages sit inside the 总部 layout; district pages bring their own container and tabs. */
function Frame({ district, tabs, children }: { district: DistrictFrame; tabs?: NavItem[]; children: React.ReactNode }) {
  if (!district) return <>{children}</>;
  return (
    <div className="container">
      <p className="muted">{district.centreName}</p>
      <DistrictNav tabs={tabs ?? []} districtId={district.id} several={district.several} />
      {children}
    </div>
  );
}

function keepQuery(keep: Record<string, string>) {
  const s = new URLSearchParams(keep).toString();
  return s ? `?${s}` : "";
}

export function AcademyListPage({ data }: { data: { tabs?: NavItem[]; district: DistrictFrame; base: string; keep: Record<string, string>; districts: { id: number; name: string }[] | null; filters: { q: string; district: string; status: string }; rows: AcademyRow[]; total: number; page: number; pages: number } }) {
  return (
    <Frame district={data.district} tabs={data.tabs}>
      <AcademyList
        heading={<h1>{data.district ? `${data.district.name}的书院` : "书院"}</h1>}
        base={data.base}
        rows={data.rows}
        total={data.total}
        page={data.page}
        pages={data.pages}
        filters={data.filters}
        districts={data.districts}
        hidden={data.keep}
      />
    </Frame>
  );
}

export function AcademyNewPage({ data, lastResult }: { data: { tabs?: NavItem[]; district: DistrictFrame; base: string; keep: Record<string, string>; choices: AcademyChoices }; lastResult: SubmissionResult<string[]> | undefined }) {
  return (
    <Frame district={data.district} tabs={data.tabs}>
      <p>
        <Link to={`${data.base}${keepQuery(data.keep)}`}>← 全部书院</Link>
      </p>
      <h1>新建书院</h1>
      <AcademyForm id="new-academy" lastResult={lastResult} choices={data.choices} defaults={{ hours: ["", "09:00-21:00", "09:00-21:00", "09:00-21:00", "09:00-21:00", "09:00-21:00", "09:00-21:00"] }} submitLabel="建立书院" />
    </Frame>
  );
}

export function AcademyEditPage({
  data,
  lastResult,
}: {
  data: {
    tabs?: NavItem[];
    district: DistrictFrame;
    base: string;
    keep: Record<string, string>;
    done: string | null;
    choices: AcademyChoices;
    academy: { id: number; slug: string; name: string; closedAt: number | null; closedReason: string | null; districtName: string };
    oldHoursText: string | null;
    defaults: AcademyDefaults;
  };
  lastResult: SubmissionResult<string[]> | undefined;
}) {
  const intent = (lastResult?.initialValue as Record<string, unknown> | undefined)?.intent;
  const a = data.academy;
  return (
    <Frame district={data.district} tabs={data.tabs}>
      <p>
        <Link to={`${data.base}${keepQuery(data.keep)}`}>← 全部书院</Link>
      </p>
      <h1>
        {a.name} {a.closedAt ? <span className="badge danger">已关闭</span> : null}
      </h1>
      <p className="muted">
        {a.districtName} · <Link to={`/academies/${a.slug}`}>公开页面</Link> · <Link to={`/manage/${a.slug}`}>书院管理</Link>
      </p>
      {data.done ? (
        <p className="notice" role="status">
          {data.done}
        </p>
      ) : null}
      {intent === "reopen" && lastResult?.error?.[""] ? <FormErrors errors={lastResult.error[""] ?? undefined} /> : null}
      <AcademyForm id="edit-academy" lastResult={intent === "save" ? lastResult : undefined} choices={data.choices} defaults={data.defaults} oldHoursText={data.oldHoursText} submitLabel="保存" />
      <AcademyCloseForms closedAt={a.closedAt} closedReason={a.closedReason} lastResult={intent === "close" ? lastResult : undefined} />
    </Frame>
  );
}
