import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useLocation } from "@remix-run/react";
import { getDb } from "@db/client";
import { DistrictNav } from "~/components/district-nav";
import { FilterActions, FilterSearch, FilterSelect } from "~/components/filter-select";
import { Pager } from "~/components/layout";
import { DISTRICT_TABS, visibleEntries } from "~/components/nav";
import { requireActor } from "~/modules/auth/request.server";
import { listTeachersQuery, TEACHER_KIND_LABELS } from "~/modules/catalog/teachers";
import { listTeachers, teacherFormOptions } from "~/modules/catalog/teachers.server";
import { requireStaffDistrict } from "~/modules/scheduling/access.server";

export const meta: MetaFunction = () => [{ title: "本区师资 · 区指导中心" }];

/** The teachers of the city pool who serve this district (active only, no phone numbers). */
export async function loader({ request }: LoaderFunctionArgs) {
  const actor = requireActor(request);
  const db = getDb();
  const p = new URL(request.url).searchParams;
  const { district, choices } = requireStaffDistrict(db, actor, p.get("d"));
  const query = listTeachersQuery.parse({
    ...Object.fromEntries(p),
    district: String(district.id),
    status: "active",
  });
  return {
    tabs: visibleEntries(DISTRICT_TABS, actor),
    district: { id: district.id, name: district.name, centreName: district.centreName },
    several: choices.length > 1,
    query,
    categories: teacherFormOptions(db).categories,
    ...listTeachers(db, actor, query),
  };
}

export default function DistrictTeachers() {
  const { tabs, district, several, query, categories, rows, total, page, pages } =
    useLoaderData<typeof loader>();
  const location = useLocation();
  const filtered = !!(query.q || query.category);
  return (
    <div className="container">
      <h1>{district.centreName}</h1>
      <DistrictNav tabs={tabs} districtId={district.id} several={several} />
      <h2>本区师资</h2>
      <p className="lead">
        师资库中愿意到{district.name}授课的在册教师和志愿者讲师。书院点单时从中选派。
      </p>
      <Form method="get" role="search" className="resource-filters teacher-filters">
        {several ? <input type="hidden" name="d" value={district.id} /> : null}
        <FilterSearch defaultValue={query.q} placeholder="姓名或单位" maxLength={30} />
        <FilterSelect
          id="category"
          label="分类"
          name="category"
          defaultValue={query.category ?? ""}
          empty="全部分类"
          options={categories.map((c) => ({ value: c.id, label: c.name }))}
        />
        <FilterActions
          filtered={filtered}
          clearTo={several ? `/district/teachers?d=${district.id}` : "/district/teachers"}
        />
      </Form>
      <p className="muted" role="status">
        共 {total} 位教师
      </p>
      {rows.length ? (
        <ul className="card-grid" data-testid="district-teachers">
          {rows.map((t) => (
            <li key={t.id} className="card">
              <h3>
                <Link to={`/teachers/${t.id}`}>{t.displayName}</Link>
              </h3>
              <p className="muted">
                {TEACHER_KIND_LABELS[t.kind]}
                {t.organisation ? ` · ${t.organisation}` : ""}
              </p>
              <p>分类：{t.categories.map((c) => c.name).join("、") || "—"}</p>
              <p>可讲课程 {t.courseCount} 门</p>
            </li>
          ))}
        </ul>
      ) : (
        <p>
          {filtered
            ? "没有符合条件的教师。换个关键词或清除条件试试。"
            : "还没有教师登记愿意到本区授课。"}
        </p>
      )}
      <Pager page={page} pages={pages} search={location.search} />
    </div>
  );
}
