import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { getDb } from "@db/client";
import { PageHeader } from "~/components/layout";
import { getDistrictByCode, listAcademies, listDistricts } from "~/modules/org/org.server";

export const meta: MetaFunction = () => [{ title: "全市社区书院 · 厦门社区书院" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const db = getDb();
  const code = new URL(request.url).searchParams.get("district");
  const district = code ? getDistrictByCode(db, code) : null;
  const academies = listAcademies(db, { districtId: district?.id });
  const districts = listDistricts(db);
  const groups = districts
    .filter((d) => !district || d.id === district.id)
    .map((d) => ({ code: d.code, name: d.name, academies: academies.filter((a) => a.districtId === d.id) }));
  return { districts: districts.map((d) => ({ code: d.code, name: d.name })), current: district?.code ?? null, groups, total: academies.length };
}

export default function AcademiesPage() {
  const { districts, current, groups, total } = useLoaderData<typeof loader>();
  return (
    <div className="container">
      <PageHeader title="全市社区书院" lead={`共 ${total} 所，按区浏览，找到离家最近的书院。`} />
      <nav className="filter-bar" aria-label="按区筛选">
        <Link to="/academies" aria-current={current === null ? "true" : undefined}>
          全部
        </Link>
        {districts.map((d) => (
          <Link key={d.code} to={`/academies?district=${d.code}`} aria-current={current === d.code ? "true" : undefined}>
            {d.name}
          </Link>
        ))}
      </nav>
      {groups.map((g) => (
        <section key={g.code} aria-labelledby={`d-${g.code}`} data-testid={`district-${g.code}`}>
          <h2 id={`d-${g.code}`}>
            {g.name} <span className="muted">（{g.academies.length} 所）</span>
          </h2>
          <ul className="card-grid">
            {g.academies.map((a) => (
              <li key={a.slug} className="card">
                <Link className="card-link" to={`/academies/${a.slug}`}>
                  <h3>{a.name}</h3>
                  <p className="muted">
                    {a.subdistrictName} · {a.address}
                  </p>
                </Link>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}
