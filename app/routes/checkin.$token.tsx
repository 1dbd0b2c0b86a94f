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
import { checkIn, checkinBrowserOf, checkinPrompt } from "~/modules/learning/checkin.server";
import { readForm } from "~/utils/csrf.server";
import { isUserError } from "~/utils/errors";
import { z } from "~/utils/zod";

export const meta: MetaFunction = () => [
  { title: "课堂签到 · 厦门社区书院" },
  { name: "robots", content: "noindex" },
];

const formSchema = z.object({
  code: z.string().min(1).max(200),
  enrollmentId: z.array(z.coerce.number().int().positive()).default([]),
});

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { browser, setCookie } = checkinBrowserOf(request);
  const headers: HeadersInit = setCookie ? { "Set-Cookie": setCookie } : {};
  const prompt = checkinPrompt(getDb(), getActor(request), params.token ?? "", Date.now(), browser);
  // Not logged in: log in and come back with a ten-minute pass (the 30-second code may run out meanwhile).
  if (prompt.kind === "login")
    throw redirect(`/login?redirectTo=${encodeURIComponent(`/checkin/${prompt.pass}`)}`, {
      headers,
    });
  return data(prompt, { headers });
}

export async function action({ request }: ActionFunctionArgs) {
  const actor = requireActor(request);
  const form = await readForm(request);
  const parsed = formSchema.safeParse({
    code: form.get("code"),
    enrollmentId: form.getAll("enrollmentId"),
  });
  if (!parsed.success) return data({ error: "请勾选要签到的人后再提交。" }, { status: 400 });
  try {
    const r = checkIn(getDb(), actor, {
      code: parsed.data.code,
      enrollmentIds: parsed.data.enrollmentId,
      browser: checkinBrowserOf(request).browser,
    });
    return redirect(`/checkin/${parsed.data.code}?done=${r.checkedIn.length ? "ok" : "already"}`);
  } catch (e) {
    if (!isUserError(e)) throw e;
    return data({ error: e.message }, { status: 400 });
  }
}

export default function CheckinPage() {
  const prompt = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const busy = useNavigation().state === "submitting";
  const done = params.get("done");
  if (prompt.kind !== "ready") {
    return (
      <div className="container checkin-page">
        <h1>课堂签到</h1>
        <p className="form-error" role="alert" data-testid="checkin-refused">
          {prompt.kind === "refused" ? prompt.message : "请先登录。"}
        </p>
        <p className="actions">
          <Link className="button secondary" to="/me">
            我的学习档案
          </Link>
        </p>
      </div>
    );
  }
  const { session, people } = prompt;
  const present = people.filter((p) => p.presentAt !== null);
  return (
    <div className="container checkin-page">
      <h1>课堂签到</h1>
      <section className="card">
        <h2 className="checkin-session-title">{session.title}</h2>
        <p>
          {sessionWhen(session.startsAt, session.endsAt)}
          <br />
          {session.academyName} {session.roomName}
        </p>
      </section>
      <CheckinPeopleForm
        people={people.map((p) => ({ ...p, key: p.enrollmentId }))}
        field="enrollmentId"
        pass={prompt.pass}
        come="上课"
        wish="上课"
        done={done === "ok"}
        allPresent={prompt.allPresent}
        error={result?.error}
        busy={busy}
      />
      {present.length ? (
        <p className="actions">
          {present.map((p) => (
            <Link
              key={p.enrollmentId}
              className="button secondary"
              to={`/me/evaluate/${p.enrollmentId}`}
            >
              {p.relation ? `为${p.relation}评价这门课` : "评价这门课"}
            </Link>
          ))}
          <Link className="button secondary" to="/me">
            我的学习档案
          </Link>
        </p>
      ) : null}
    </div>
  );
}
