import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { AcademyListPage } from "~/components/academy-admin";
import { academyListLoader } from "~/modules/org/academy-routes.server";

export const meta: MetaFunction = () => [{ title: "书院 · 总部" }];

export async function loader({ request }: LoaderFunctionArgs) {
  return academyListLoader(request, "hq");
}

export default function Academies() {
  return <AcademyListPage data={useLoaderData<typeof loader>()} />;
}
