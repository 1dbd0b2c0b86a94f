import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { getDb } from "@db/client";
import { AttendancePage } from "~/components/attendance-page";
import { requireActor } from "~/modules/auth/request.server";
import { attendancePageData, saveAttendanceForm } from "~/modules/learning/attendance-page.server";
import { readForm } from "~/utils/csrf.server";
import { clientIp } from "~/utils/http";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `点名 · ${data?.title ?? ""}` },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = requireActor(request);
  return attendancePageData(getDb(), actor, params);
}

export async function action({ request, params }: ActionFunctionArgs) {
  const actor = requireActor(request);
  const form = await readForm(request);
  const r = saveAttendanceForm(getDb(), actor, params, form, clientIp(request));
  if (!r.ok) return data({ error: r.error }, { status: 400 });
  return redirect(`/teach/sessions/${r.sessionId}/attendance?saved=${r.saved}`);
}

export default function TeachAttendance() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <div className="container">
      <AttendancePage
        page={d}
        error={result?.error ?? null}
        backHref={`/teach/runs/${d.runId}`}
        checkinHref={`/teach/sessions/${d.sessionId}/checkin`}
      />
    </div>
  );
}
