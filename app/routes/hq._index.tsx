import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { getDb } from "@db/client";
import { isHq, isHqAdmin } from "~/modules/auth/permissions";
import { requireActorWith } from "~/modules/auth/request.server";
import { countAcademiesByDistrict, listDistricts } from "~/modules/org/org.server";
import type { CacheHandle } from "~/utils/html-cache.server";

export const meta: MetaFunction = () => [{ title: "总部 · 厦门社区书院" }];

/** The viewer's own page is kept for them until any write (html-cache.server.ts). */
export const handle = { cacheSignedIn: true } satisfies CacheHandle;

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = requireActorWith(request, isHq);
  const db = getDb();
  const counts = new Map(countAcademiesByDistrict(db).map((c) => [c.districtId, c.n]));
  return {
    admin: isHqAdmin(actor),
    districts: listDistricts(db).map((d) => ({
      name: d.name,
      centre: d.centreName,
      academies: counts.get(d.id) ?? 0,
    })),
  };
}

export default function HqHome() {
  const { admin, districts } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>总部工作台</h1>
      <ul className="card-grid">
        {admin ? (
          <li className="card">
            <Link className="card-link" to="/hq/users">
              <h3>用户与角色</h3>
              <p className="muted">按手机号或姓名查找用户，授予或撤销角色。</p>
            </Link>
          </li>
        ) : null}
        <li className="card">
          <Link className="card-link" to="/hq/audit">
            <h3>审计日志</h3>
            <p className="muted">每一次授权、撤销、发布和删除的记录。</p>
          </Link>
        </li>
      </ul>
      <h2>全市书院网络</h2>
      <div className="table-wrap">
        <table className="stack-table">
          <thead>
            <tr>
              <th>区</th>
              <th>指导中心</th>
              <th>书院数</th>
            </tr>
          </thead>
          <tbody>
            {districts.map((d) => (
              <tr key={d.name}>
                <td data-label="区">{d.name}</td>
                <td data-label="指导中心">{d.centre}</td>
                <td data-label="书院数">{d.academies}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
