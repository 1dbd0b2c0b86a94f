import type { LoaderFunctionArgs } from "@remix-run/node";
import { Outlet, useLoaderData } from "@remix-run/react";
import { TabBar } from "~/components/layout";
import { HQ_TABS, visibleEntries } from "~/components/nav";
import { isHq } from "~/modules/auth/permissions";
import { requireActorWith } from "~/modules/auth/request.server";
import { canAuthorSomeCourse } from "~/modules/catalog/courses";

/** Every /hq page is for headquarters staff only, except the course pages: district centre staff
 * and academy managers write their own 区级/社区特色 courses there (each page checks the course).
 * The tabs come from HQ_TABS, each with the check its page makes. */
export async function loader({ request }: LoaderFunctionArgs) {
  const path = new URL(request.url).pathname;
  const coursePages = path === "/hq/courses" || path.startsWith("/hq/courses/");
  const actor = requireActorWith(request, coursePages ? canAuthorSomeCourse : isHq);
  return { tabs: visibleEntries(HQ_TABS, actor) };
}

export default function HqLayout() {
  const { tabs } = useLoaderData<typeof loader>();
  return (
    <div className="container">
      <TabBar items={tabs} label="总部" />
      <Outlet />
    </div>
  );
}
