import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useLocation } from "@remix-run/react";
import { getDb } from "@db/client";
import { FilterActions, FilterSearch, FilterSelect } from "~/components/filter-select";
import { Pager } from "~/components/layout";
import { requireActorWith } from "~/modules/auth/request.server";
import {
  canManageTeachers,
  listTeachersQuery,
  TEACHER_KIND_LABELS,
  TEACHER_KINDS,
} from "~/modules/catalog/teachers";
import { listTeachers, teacherFormOptions } from "~/modules/catalog/teachers.server";

export const meta: MetaFunction = () => [{ title: "师资库 · 总部" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = requireActorWith(request, canManageTeachers);
  const db = getDb();
  const query = listTeachersQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
  return { query, options: teacherFormOptions(db), ...listTeachers(db, actor, query) };
}

export default function HqTeachers() {
  const { query, options, rows, total, page, pages } = useLoaderData<typeof loader>();
  const location = useLocation();
  const filtered = !!(
    query.q ||
    query.category ||
    query.district ||
    query.kind ||
    query.status !== "active"
  );
  return (
    <>
      <div className="page-header">
        <h1>师资库</h1>
        <p className="lead">
          全市可派往各书院授课的教师和志愿者讲师。书院点单时，从这里选能讲这门课、愿意去该区的老师。
        </p>
        <p>
          <Link className="button" to="/hq/teachers/new">
            添加教师
          </Link>
        </p>
      </div>
      <Form method="get" role="search" className="resource-filters teacher-filters">
        <FilterSearch defaultValue={query.q} placeholder="姓名、单位或手机号" maxLength={30} />
        <FilterSelect
          id="category"
          label="分类"
          name="category"
          defaultValue={query.category ?? ""}
          empty="全部分类"
          options={options.categories.map((c) => ({ value: c.id, label: c.name }))}
        />
        <FilterSelect
          id="district"
          label="愿意前往的区"
          name="district"
          defaultValue={query.district ?? ""}
          empty="全部区"
          options={options.districts.map((d) => ({ value: d.id, label: d.name }))}
        />
        <FilterSelect
          id="kind"
          label="类型"
          name="kind"
          defaultValue={query.kind ?? ""}
          empty="全部"
          options={TEACHER_KINDS.map((k) => ({ value: k, label: TEACHER_KIND_LABELS[k] }))}
        />
        <FilterSelect
          id="status"
          label="状态"
          name="status"
          defaultValue={query.status}
          options={[
            { value: "active", label: "在册" },
            { value: "inactive", label: "已停用" },
            { value: "all", label: "全部" },
          ]}
        />
        <FilterActions filtered={filtered} clearTo="/hq/teachers" />
      </Form>
      <p className="muted" role="status">
        共 {total} 位教师
      </p>
      {rows.length ? (
        <div className="table-wrap">
          <table className="stack-table" data-testid="teacher-table">
            <thead>
              <tr>
                <th>姓名</th>
                <th>单位或身份</th>
                <th>分类</th>
                <th>前往的区</th>
                <th>课程数</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((t) => (
                <tr key={t.id}>
                  <td data-label="姓名">
                    <div>
                      <Link to={`/hq/teachers/${t.id}`}>{t.displayName}</Link>{" "}
                      <span className="muted small-text">{TEACHER_KIND_LABELS[t.kind]}</span>
                      {t.active ? null : <span className="badge danger">已停用</span>}
                    </div>
                  </td>
                  <td data-label="单位或身份">
                    {t.organisation || <span className="muted">—</span>}
                  </td>
                  <td data-label="分类">
                    {t.categories.map((c) => c.name).join("、") || <span className="muted">—</span>}
                  </td>
                  <td data-label="前往的区">
                    {t.districts.map((d) => d.name).join("、") || <span className="muted">—</span>}
                  </td>
                  <td data-label="课程数">{t.courseCount}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p>
          {filtered
            ? "没有符合条件的教师。换个关键词或清除条件试试。"
            : "师资库还是空的。点击“添加教师”把第一位老师加进来。"}
        </p>
      )}
      <Pager page={page} pages={pages} search={location.search} />
    </>
  );
}
