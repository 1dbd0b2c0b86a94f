import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { getDb } from "@db/client";
import { AttendancePage } from "~/components/attendance-page";
import { requireActor } from "~/modules/auth/request.server";
import { attendancePageData, saveAttendanceAction } from "~/modules/learning/attendance-page.server";
import { requireManagedAcademy } from "~/modules/scheduling/access.server";
import { readForm } from "~/utils/csrf.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `点名 · ${data?.title ?? ""}` },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = requireActor(request);
  const db = getDb();
  const academy = requireManagedAcademy(db, actor, params.academy ?? "");
  return { ...attendancePageData(db, actor, params, academy.id), slug: academy.slug };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const actor = requireActor(request);
  const db = getDb();
  const academy = requireManagedAcademy(db, actor, params.academy ?? "");
  const form = await readForm(request);
  return saveAttendanceAction(
    form,
    request,
    db,
    actor,
    params,
    (id) => `/manage/${academy.slug}/sessions/${id}/attendance`,
    academy.id
  );
}

export default function ManageAttendance() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const base = `/manage/${d.slug}`;
  return (
    <AttendancePage
      page={d}
      error={result?.error ?? null}
      backHref={`${base}/runs/${d.runId}/attendance`}
      checkinHref={`${base}/sessions/${d.sessionId}/checkin`}
    />
  );
}
