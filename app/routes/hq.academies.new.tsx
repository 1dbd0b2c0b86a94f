import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { AcademyNewPage } from "~/components/academy-admin";
import { academyNewAction, academyNewLoader } from "~/modules/org/academy-routes.server";

export const meta: MetaFunction = () => [{ title: "新建书院 · 总部" }];

export async function loader({ request }: LoaderFunctionArgs) {
  return academyNewLoader(request, "hq");
}

export async function action({ request }: ActionFunctionArgs) {
  return academyNewAction(request, "hq");
}

export default function NewAcademy() {
  return <AcademyNewPage data={useLoaderData<typeof loader>()} lastResult={useActionData<typeof action>()} />;
}
