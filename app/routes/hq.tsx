import type { LoaderFunctionArgs } from "@remix-run/node";
import { NavLink, Outlet, useLoaderData } from "@remix-run/react";
import { isHq, isHqAdmin } from "~/modules/auth/permissions";
import { requireActorWith } from "~/modules/auth/request.server";
import { canAuthorSomeCourse } from "~/modules/catalog/courses";

/** Every /hq page is for headquarters staff only, except the course pages: district centre staff
 * and academy managers write their own 区级/社区特色 courses there (each page checks the course). */
export async function loader({ request }: LoaderFunctionArgs) {
  const path = new URL(request.url).pathname;
  const coursePages = path === "/hq/courses" || path.startsWith("/hq/courses/");
  const actor = requireActorWith(request, coursePages ? canAuthorSomeCourse : isHq);
  return { hq: isHq(actor), admin: isHqAdmin(actor) };
}

export default function HqLayout() {
  const { hq, admin } = useLoaderData<typeof loader>();
  return (
    <div className="container">
      <nav className="filter-bar" aria-label="总部">
        {hq ? (
          <NavLink to="/hq" end>
            总部首页
          </NavLink>
        ) : null}
        <NavLink to="/hq/courses">课程库</NavLink>
        {hq ? (
          <>
            <NavLink to="/hq/categories">分类</NavLink>
            <NavLink to="/hq/users">用户与角色</NavLink>
            <NavLink to="/hq/resources">资源库</NavLink>
            <NavLink to="/hq/teachers">师资库</NavLink>
            <NavLink to="/hq/orders">点单受理</NavLink>
            <NavLink to="/hq/evaluations">学员评价</NavLink>
            <NavLink to="/hq/stats">统计</NavLink>
            <NavLink to="/hq/holidays">节假日</NavLink>
            <NavLink to="/hq/audit">审计日志</NavLink>
            {admin ? <NavLink to="/hq/system">系统状态</NavLink> : null}
          </>
        ) : null}
      </nav>
      <Outlet />
    </div>
  );
}
