import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { getDb } from "@db/client";
import { isHqAdmin, managedAcademyIds } from "~/modules/auth/permissions";
import { requireActorWith } from "~/modules/auth/request.server";
import { canOpenManage } from "~/components/nav";
import { getAcademiesByIds } from "~/modules/org/org.server";

export const meta: MetaFunction = () => [{ title: "书院管理 · 厦门社区书院" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = requireActorWith(request, canOpenManage);
  return {
    academies: getAcademiesByIds(getDb(), managedAcademyIds(actor)),
    hqAdmin: isHqAdmin(actor),
  };
}

export default function ManageHome() {
  const { academies, hqAdmin } = useLoaderData<typeof loader>();
  return (
    <div className="container">
      <h1>书院管理</h1>
      {academies.length === 0 && hqAdmin ? (
        <p>
          总部管理员可以管理任何书院：请从<Link to="/academies">书院列表</Link>进入。
        </p>
      ) : null}
      <ul className="card-grid" data-testid="managed-academies">
        {academies.map((a) => (
          <li key={a.id} className="card">
            <Link className="card-link" to={`/manage/${a.slug}`}>
              <h3>{a.name}</h3>
            </Link>
          </li>
        ))}
      </ul>
    </div>
  );
}
