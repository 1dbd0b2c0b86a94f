import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { getDb } from "@db/client";
import { AttendancePage } from "~/components/attendance-page";
import { requireActor } from "~/modules/auth/request.server";
import { attendancePageData, saveAttendanceForm } from "~/modules/learning/attendance-page.server";
import { requireManagedAcademy } from "~/modules/scheduling/access.server";
import { readForm } from "~/utils/csrf.server";
import { clientIp } from "~/utils/http";

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
  const r = saveAttendanceForm(db, actor, params, form, clientIp(request), academy.id);
  if (!r.ok) return data({ error: r.error }, { status: 400 });
  return redirect(`/manage/${academy.slug}/sessions/${r.sessionId}/attendance?saved=${r.saved}`);
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
