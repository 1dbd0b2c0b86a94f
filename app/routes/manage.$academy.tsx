import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, NavLink, Outlet, useLoaderData } from "@remix-run/react";
import { getDb } from "@db/client";
import { requireActor } from "~/modules/auth/request.server";
import { requireManagedAcademy } from "~/modules/scheduling/access.server";

/** Every /manage/:academy page: the academy's managers (and HQ admins) only; others get 403. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = requireActor(request);
  const academy = requireManagedAcademy(getDb(), actor, params.academy ?? "");
  return { academy: { id: academy.id, slug: academy.slug, name: academy.name, districtName: academy.districtName } };
}

export default function ManageAcademyLayout() {
  const { academy } = useLoaderData<typeof loader>();
  const base = `/manage/${academy.slug}`;
  return (
    <div className="container">
      <p className="breadcrumb">
        <Link to="/manage">书院管理</Link> › <Link to={`/academies/${academy.slug}`}>{academy.name}</Link>
      </p>
      <nav className="filter-bar tabs" aria-label="书院管理">
        <NavLink to={base} end>
          周课表
        </NavLink>
        <NavLink to={`${base}/runs`}>开课</NavLink>
        <NavLink to={`${base}/activities`}>活动</NavLink>
        <NavLink to={`${base}/orders`}>点单</NavLink>
        <NavLink to={`${base}/demand`}>想学</NavLink>
        <NavLink to={`${base}/attendance`}>出勤</NavLink>
        <NavLink to={`${base}/evaluations`}>评价</NavLink>
        <NavLink to={`${base}/stats`}>统计</NavLink>
        <NavLink to={`${base}/rooms`}>教室</NavLink>
        <NavLink to={`${base}/closed`}>闭馆日</NavLink>
        <NavLink to={`${base}/organisations`}>居民组织</NavLink>
        <NavLink to={`${base}/topics`}>议事</NavLink>
        <NavLink to={`${base}/proposals`}>课程公示</NavLink>
        <NavLink to={`${base}/volunteers`}>志愿者</NavLink>
      </nav>
      <Outlet />
    </div>
  );
}
