import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import {
  Form,
  Link,
  useActionData,
  useLoaderData,
  useLocation,
  useSearchParams,
} from "@remix-run/react";
import { getDb } from "@db/client";
import { Pager } from "~/components/layout";
import { OrderRow } from "~/components/orders";
import { requireActor } from "~/modules/auth/request.server";
import { requireManagedAcademy } from "~/modules/scheduling/access.server";
import { listAcademyOrders, withdrawOrder } from "~/modules/scheduling/orders.server";
import { ORDER_STATE_LABELS, ORDER_STATES, type OrderState } from "~/modules/scheduling/states";
import { readForm } from "~/utils/csrf.server";
import { clientIp, parsePage } from "~/utils/http";
import { isUserError } from "~/utils/errors";

export const meta: MetaFunction = () => [{ title: "点单 · 书院管理" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = requireActor(request);
  const db = getDb();
  const academy = requireManagedAcademy(db, actor, params.academy ?? "");
  const url = new URL(request.url);
  const state = url.searchParams.get("state");
  const orders = listAcademyOrders(db, actor, academy.id, {
    state: (ORDER_STATES as readonly string[]).includes(state ?? "")
      ? (state as OrderState)
      : undefined,
    page: parsePage(url.searchParams),
  });
  return { slug: academy.slug, orders };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const actor = requireActor(request);
  const db = getDb();
  const academy = requireManagedAcademy(db, actor, params.academy ?? "");
  const form = await readForm(request);
  try {
    withdrawOrder(db, actor, Number(form.get("orderId")), clientIp(request));
  } catch (e) {
    if (isUserError(e)) return { error: e.message };
    throw e;
  }
  return redirect(`/manage/${academy.slug}/orders?done=withdrawn`);
}

export default function AcademyOrders() {
  const { slug, orders } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [params] = useSearchParams();
  const location = useLocation();
  const state = params.get("state");
  return (
    <>
      <div className="page-header">
        <h1>点单</h1>
        <p className="lead">
          从中央厨房课程库点课：总部（区级流动课程由区指导中心）安排师资库教师并受理后，就可以排课了。
        </p>
        <p className="actions">
          <Link className="button" to={`/manage/${slug}/orders/new`}>
            新点单
          </Link>
        </p>
      </div>
      {params.get("done") === "created" ? (
        <p className="notice">点单已提交，受理结果会发到您的消息里。</p>
      ) : null}
      {params.get("done") === "withdrawn" ? <p className="notice">点单已撤回。</p> : null}
      {actionData?.error ? (
        <p className="form-error" role="alert">
          {actionData.error}
        </p>
      ) : null}
      <nav className="filter-bar" aria-label="按状态筛选">
        <Link to="?" aria-current={!state ? "true" : undefined}>
          全部
        </Link>
        {ORDER_STATES.map((s) => (
          <Link key={s} to={`?state=${s}`} aria-current={state === s ? "true" : undefined}>
            {ORDER_STATE_LABELS[s]}
          </Link>
        ))}
      </nav>
      {orders.rows.length === 0 ? <p className="muted">没有点单。</p> : null}
      <ul className="stack plain-list" data-testid="order-list">
        {orders.rows.map((o) => (
          <OrderRow key={o.id} order={o} showAcademy={false}>
            {o.state === "accepted" ? (
              <Link className="button small" to={`/manage/${slug}/runs/new?order=${o.id}`}>
                排课
              </Link>
            ) : null}
            {o.state === "submitted" || o.state === "accepted" ? (
              <Form method="post">
                <input type="hidden" name="orderId" value={o.id} />
                <button type="submit" className="secondary small">
                  撤回
                </button>
              </Form>
            ) : null}
          </OrderRow>
        ))}
      </ul>
      <Pager page={orders.page} pages={orders.pages} search={location.search} />
    </>
  );
}
