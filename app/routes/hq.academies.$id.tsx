import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { AcademyEditPage } from "~/components/academy-admin";
import { academyEditAction, academyEditLoader } from "~/modules/org/academy-routes.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.academy.name ?? "书院"} · 总部` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  return academyEditLoader(request, params.id, "hq");
}

export async function action({ request, params }: ActionFunctionArgs) {
  return academyEditAction(request, params.id, "hq");
}

export default function EditAcademy() {
  return <AcademyEditPage data={useLoaderData<typeof loader>()} lastResult={useActionData<typeof action>()} />;
}
