import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { DISTRICT_TABS, visibleEntries } from "~/components/nav";
import { requireActor } from "~/modules/auth/request.server";
import { AcademyListPage } from "~/components/academy-admin";
import { academyListLoader } from "~/modules/org/academy-routes.server";

export const meta: MetaFunction = () => [{ title: "书院 · 区指导中心" }];

export async function loader({ request }: LoaderFunctionArgs) {
  return { ...academyListLoader(request, "district"), tabs: visibleEntries(DISTRICT_TABS, requireActor(request)) };
}

export default function Academies() {
  return <AcademyListPage data={useLoaderData<typeof loader>()} />;
}
