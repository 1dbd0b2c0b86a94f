import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { getDb } from "@db/client";
import { PageHeader } from "~/components/layout";
import { academyDirectory, getDistrictByCode, listDistricts } from "~/modules/org/org.server";
import type { CacheHandle } from "~/utils/html-cache.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.current ? `${data.current.name}社区书院` : "全市社区书院"} · 厦门社区书院` },
];

/** Without ?district: the six districts and their 街道/镇 (jump links); with it, that district's academies. */
export async function loader({ request }: LoaderFunctionArgs) {
  const db = getDb();
  const code = new URL(request.url).searchParams.get("district");
  const district = code ? getDistrictByCode(db, code) : null;
  const { total, groups } = academyDirectory(db, { districtId: district?.id });
  if (!district) {
    // The overview sends names and counts only: the cards come with the district's own page.
    return {
      districts: listDistricts(db).map((d) => ({ code: d.code, name: d.name })),
      current: null,
      total,
      overview: groups.map((g) => ({
        ...g,
        subdistricts: g.subdistricts.map((s) => ({
          id: s.id,
          name: s.name,
          count: s.academies.length,
        })),
      })),
      group: null,
    };
  }
  return {
    districts: listDistricts(db).map((d) => ({ code: d.code, name: d.name })),
    current: { code: district.code, name: district.name },
    total,
    overview: null,
    group: groups[0] ?? null,
  };
}

export default function AcademiesPage() {
  const { districts, current, total, overview, group } = useLoaderData<typeof loader>();
  return (
    <div className="container">
      <PageHeader
        title={current ? `${current.name}的社区书院` : "全市社区书院"}
        lead={
          current
            ? `共 ${total} 所，按街道（镇）排列。`
            : `共 ${total} 所。先选区，再找离家最近的书院。`
        }
      />
      <nav className="filter-bar" aria-label="按区筛选">
        <Link to="/academies" aria-current={current === null ? "true" : undefined}>
          全部
        </Link>
        {districts.map((d) => (
          <Link
            key={d.code}
            to={`/academies?district=${d.code}`}
            aria-current={current?.code === d.code ? "true" : undefined}
          >
            {d.name}
          </Link>
        ))}
      </nav>
      {overview && (
        <ul className="district-list" data-testid="district-overview">
          {overview.map((g) => (
            <li key={g.code} className="card" data-testid={`district-${g.code}`}>
              <h2>
                <Link to={`/academies?district=${g.code}`}>{g.name}</Link>{" "}
                <span className="muted">（{g.count} 所）</span>
              </h2>
              <ul className="jump-list" aria-label={`${g.name}的街道和镇`}>
                {g.subdistricts.map((s) => (
                  <li key={s.id}>
                    <Link to={`/academies?district=${g.code}#${s.id}`}>
                      {s.name} <span className="muted">{s.count}</span>
                    </Link>
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ul>
      )}
      {group && (
        <>
          <nav aria-label="跳到街道（镇）">
            <ul className="jump-list">
              {group.subdistricts.map((s) => (
                <li key={s.id}>
                  <a href={`#${s.id}`}>
                    {s.name} <span className="muted">{s.academies.length}</span>
                  </a>
                </li>
              ))}
            </ul>
          </nav>
          {group.subdistricts.map((s) => (
            <section
              key={s.id}
              id={s.id}
              aria-labelledby={`h-${s.id}`}
              data-testid={`subdistrict-${s.id}`}
            >
              <h2 id={`h-${s.id}`}>
                {s.name} <span className="muted">（{s.academies.length} 所）</span>
              </h2>
              <ul className="card-grid">
                {s.academies.map((a) => (
                  <li key={a.slug} className="card">
                    <Link className="card-link" to={`/academies/${a.slug}`}>
                      <h3>
                        {a.name} {a.closed ? <span className="badge danger">已关闭</span> : null}
                      </h3>
                      <p className="muted">{a.address}</p>
                    </Link>
                  </li>
                ))}
              </ul>
            </section>
          ))}
        </>
      )}
    </div>
  );
}

/** What the loader reads, for the HTML cache of signed-out pages (db/change-topics.ts). */
export const handle = { cacheTopics: ["network"] } satisfies CacheHandle;
