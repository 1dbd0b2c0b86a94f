import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useLoaderData, useLocation } from "@remix-run/react";
import { getDb } from "@db/client";
import { Pager } from "~/components/layout";
import { requireActor } from "~/modules/auth/request.server";
import { listMessages, markRead } from "~/modules/auth/notifications.server";
import { formatMoment } from "~/utils/time";
import { readForm } from "~/utils/csrf.server";
import { safeRedirectPath, parsePage } from "~/utils/http";

export const meta: MetaFunction = () => [{ title: "消息 · 厦门社区书院" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = requireActor(request);
  const page = parsePage(new URL(request.url).searchParams);
  const inbox = listMessages(getDb(), actor, { page });
  return { ...inbox, rows: inbox.rows.map((m) => ({ ...m, when: formatMoment(m.createdAt) })) };
}

/** Mark one message (then follow its link) or all messages read. */
export async function action({ request }: ActionFunctionArgs) {
  const actor = requireActor(request);
  const form = await readForm(request);
  const id = Number(form.get("id")) || undefined;
  markRead(getDb(), actor, id);
  const go = form.get("go");
  return redirect(
    id && typeof go === "string" && go ? safeRedirectPath(go, "/me/messages") : "/me/messages",
  );
}

export default function Messages() {
  const { rows, unread, page, pages, total } = useLoaderData<typeof loader>();
  const location = useLocation();
  return (
    <div className="container">
      <div className="page-header">
        <h1>消息</h1>
        <p className="lead">
          {total === 0
            ? "还没有消息。调课、停课、点单结果和候补递补都会发到这里。"
            : `共 ${total} 条，${unread} 条未读。`}
        </p>
        {unread > 0 ? (
          <Form method="post">
            <button type="submit" className="secondary">
              全部标为已读
            </button>
          </Form>
        ) : null}
      </div>
      <ul className="plain-list" data-testid="inbox">
        {rows.map((m) => (
          <li key={m.id} className={`inbox-item${m.readAt ? "" : " unread"}`} data-testid="message">
            <h3>{m.title}</h3>
            {m.body ? <p className="pre-line">{m.body}</p> : null}
            <p className="muted small-text">{m.when}</p>
            {m.link ? (
              <Form method="post" className="inline-form">
                <input type="hidden" name="id" value={m.id} />
                <input type="hidden" name="go" value={m.link} />
                <button type="submit" className="secondary small">
                  查看
                </button>
              </Form>
            ) : !m.readAt ? (
              <Form method="post" className="inline-form">
                <input type="hidden" name="id" value={m.id} />
                <button type="submit" className="secondary small">
                  标为已读
                </button>
              </Form>
            ) : null}
          </li>
        ))}
      </ul>
      <Pager page={page} pages={pages} search={location.search} />
      <p>
        <Link to="/me">← 我的</Link>
      </p>
    </div>
  );
}
