import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { DISTRICT_TABS, visibleEntries } from "~/components/nav";
import { requireActor } from "~/modules/auth/request.server";
import { AcademyNewPage } from "~/components/academy-admin";
import { academyNewAction, academyNewLoader } from "~/modules/org/academy-routes.server";

export const meta: MetaFunction = () => [{ title: "新建书院 · 区指导中心" }];

export async function loader({ request }: LoaderFunctionArgs) {
  return { ...academyNewLoader(request, "district"), tabs: visibleEntries(DISTRICT_TABS, requireActor(request)) };
}

export async function action({ request }: ActionFunctionArgs) {
  return academyNewAction(request, "district");
}

export default function NewAcademy() {
  return <AcademyNewPage data={useLoaderData<typeof loader>()} lastResult={useActionData<typeof action>()} />;
}
