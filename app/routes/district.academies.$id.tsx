import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { DISTRICT_TABS, visibleEntries } from "~/components/nav";
import { requireActor } from "~/modules/auth/request.server";
import { AcademyEditPage } from "~/components/academy-admin";
import { academyEditAction, academyEditLoader } from "~/modules/org/academy-routes.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.academy.name ?? "书院"} · 区指导中心` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  return { ...academyEditLoader(request, params.id, "district"), tabs: visibleEntries(DISTRICT_TABS, requireActor(request)) };
}

export async function action({ request, params }: ActionFunctionArgs) {
  return academyEditAction(request, params.id, "district");
}

export default function EditAcademy() {
  return <AcademyEditPage data={useLoaderData<typeof loader>()} lastResult={useActionData<typeof action>()} />;
}
