import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, Outlet, useLoaderData } from "@remix-run/react";
import { TabBar } from "~/components/layout";
import { MANAGE_TABS, visibleEntries } from "~/components/nav";
import { getDb } from "@db/client";
import { requireActor } from "~/modules/auth/request.server";
import { requireManagedAcademy } from "~/modules/scheduling/access.server";

/** Every /manage/:academy page: the academy's managers (and HQ admins) only; others get 403. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = requireActor(request);
  const academy = requireManagedAcademy(getDb(), actor, params.academy ?? "");
  return {
    academy: {
      id: academy.id,
      slug: academy.slug,
      name: academy.name,
      districtName: academy.districtName,
    },
    tabs: visibleEntries(MANAGE_TABS, actor, `/manage/${academy.slug}`),
  };
}

export default function ManageAcademyLayout() {
  const { academy, tabs } = useLoaderData<typeof loader>();
  return (
    <div className="container">
      <p className="breadcrumb">
        <Link to="/manage">书院管理</Link> ›{" "}
        <Link to={`/academies/${academy.slug}`}>{academy.name}</Link>
      </p>
      <TabBar items={tabs} label="书院管理" />
      <Outlet />
    </div>
  );
}
