import type { LoaderFunctionArgs } from "@remix-run/node";
import { NavLink, Outlet } from "@remix-run/react";
import { isHq } from "~/modules/auth/permissions";
import { requireActorWith } from "~/modules/auth/request.server";

/** Every /hq page is for headquarters staff only. */
export async function loader({ request }: LoaderFunctionArgs) {
  requireActorWith(request, isHq);
  return null;
}

export default function HqLayout() {
  return (
    <div className="container">
      <nav className="filter-bar" aria-label="总部">
        <NavLink to="/hq" end>
          总部首页
        </NavLink>
        <NavLink to="/hq/users">用户与角色</NavLink>
        <NavLink to="/hq/audit">审计日志</NavLink>
      </nav>
      <Outlet />
    </div>
  );
}
