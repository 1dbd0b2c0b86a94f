import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import {
  Link,
  useActionData,
  useLoaderData,
  useNavigation,
  useSearchParams,
} from "@remix-run/react";
import { getDb } from "@db/client";
import { CheckinPeopleForm } from "~/components/checkin-form";
import { sessionWhen } from "~/components/learning";
import { getActor, requireActor } from "~/modules/auth/request.server";
import {
  activityCheckIn,
  activityCheckinPrompt,
} from "~/modules/community/activities-registration.server";
import { checkinBrowserOf } from "~/modules/learning/checkin.server";
import { readForm } from "~/utils/csrf.server";
import { isUserError } from "~/utils/errors";
import { z } from "~/utils/zod";

export const meta: MetaFunction = () => [
  { title: "活动签到 · 厦门社区书院" },
  { name: "robots", content: "noindex" },
];

const formSchema = z.object({
  code: z.string().min(1).max(200),
  person: z.array(z.string().regex(/^(u|r\d{1,10}|m\d{1,10})$/)).default([]),
});

export async function loader({ request, params }: LoaderFunctionArgs) {
  // The pass is bound to this browser (a random HttpOnly cookie), as for class check-in.
  const { browser, setCookie } = checkinBrowserOf(request);
  const headers: HeadersInit = setCookie ? { "Set-Cookie": setCookie } : {};
  const prompt = activityCheckinPrompt(
    getDb(),
    getActor(request),
    params.token ?? "",
    Date.now(),
    browser,
  );
  // Not logged in: log in and come back with a ten-minute pass (the 30-second code may run out meanwhile).
  if (prompt.kind === "login")
    throw redirect(
      `/login?redirectTo=${encodeURIComponent(`/activities/checkin/${prompt.pass}`)}`,
      { headers },
    );
  return data(prompt, { headers });
}

export async function action({ request }: ActionFunctionArgs) {
  const actor = requireActor(request);
  const form = await readForm(request);
  const parsed = formSchema.safeParse({ code: form.get("code"), person: form.getAll("person") });
  if (!parsed.success) return data({ error: "请勾选要签到的人后再提交。" }, { status: 400 });
  try {
    const r = activityCheckIn(getDb(), actor, {
      code: parsed.data.code,
      keys: parsed.data.person,
      browser: checkinBrowserOf(request).browser,
    });
    return redirect(
      `/activities/checkin/${parsed.data.code}?done=${r.checkedIn.length ? "ok" : "already"}`,
    );
  } catch (e) {
    if (!isUserError(e)) throw e;
    return data({ error: e.message }, { status: 400 });
  }
}

export default function ActivityCheckinPage() {
  const prompt = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const busy = useNavigation().state === "submitting";
  if (prompt.kind !== "ready") {
    return (
      <div className="container checkin-page">
        <h1>活动签到</h1>
        <p className="form-error" role="alert" data-testid="checkin-refused">
          {prompt.kind === "refused" ? prompt.message : "请先登录。"}
        </p>
        <p className="actions">
          <Link className="button secondary" to="/activities">
            社区活动
          </Link>
        </p>
      </div>
    );
  }
  const { activity, people } = prompt;
  return (
    <div className="container checkin-page">
      <h1>活动签到</h1>
      <section className="card">
        <h2 className="checkin-session-title">{activity.title}</h2>
        <p>{sessionWhen(activity.startsAt, activity.endsAt)}</p>
      </section>
      <CheckinPeopleForm
        people={people}
        field="person"
        pass={prompt.pass}
        come="参加"
        wish="活动"
        done={params.get("done") === "ok"}
        allPresent={prompt.allPresent}
        error={result?.error}
        busy={busy}
      />
      <p className="actions">
        <Link className="button secondary" to={`/activities/${activity.id}`}>
          活动详情
        </Link>
      </p>
    </div>
  );
}
