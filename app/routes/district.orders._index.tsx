import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useLocation, useSearchParams } from "@remix-run/react";
import { getDb } from "@db/client";
import { DistrictNav } from "~/components/district-nav";
import { DISTRICT_TABS, visibleEntries } from "~/components/nav";
import { Pager } from "~/components/layout";
import { OrderRow } from "~/components/orders";
import { requireActor } from "~/modules/auth/request.server";
import { requireStaffDistrict } from "~/modules/scheduling/access.server";
import { listDistrictOrders } from "~/modules/scheduling/orders.server";
import { parsePage } from "~/utils/http";
import { ORDER_STATE_LABELS, ORDER_STATES, type OrderState } from "~/modules/scheduling/states";

export const meta: MetaFunction = () => [{ title: "本区点单 · 区指导中心" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = requireActor(request);
  const db = getDb();
  const p = new URL(request.url).searchParams;
  const { district, choices } = requireStaffDistrict(db, actor, p.get("d"));
  const state = (ORDER_STATES as readonly string[]).includes(p.get("state") ?? "")
    ? (p.get("state") as OrderState)
    : undefined;
  return {
    tabs: visibleEntries(DISTRICT_TABS, actor),
    district: { id: district.id, name: district.name, centreName: district.centreName },
    several: choices.length > 1,
    orders: listDistrictOrders(db, actor, district.id, { state, page: parsePage(p) }),
  };
}

export default function DistrictOrders() {
  const { tabs, district, several, orders } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const location = useLocation();
  const state = params.get("state");
  const d = several ? `&d=${district.id}` : "";
  return (
    <div className="container">
      <h1>{district.centreName}</h1>
      <DistrictNav tabs={tabs} districtId={district.id} several={several} />
      <h2>本区点单</h2>
      <p className="lead">本区书院的点单，以及其他书院点本区区级流动课程的点单（由本中心受理）。</p>
      <nav className="filter-bar" aria-label="按状态筛选">
        <Link to={`?${d.slice(1)}`} aria-current={!state ? "true" : undefined}>
          全部
        </Link>
        {ORDER_STATES.map((s) => (
          <Link key={s} to={`?state=${s}${d}`} aria-current={state === s ? "true" : undefined}>
            {ORDER_STATE_LABELS[s]}
          </Link>
        ))}
      </nav>
      <ul className="plain-list stack" data-testid="order-list">
        {orders.rows.map((o) => (
          <OrderRow key={o.id} order={o} href={`/district/orders/${o.id}`}>
            {o.state === "submitted" &&
            o.handler === "district" &&
            o.handlerDistrictId === district.id ? (
              <Link className="button small" to={`/district/orders/${o.id}`}>
                处理
              </Link>
            ) : null}
          </OrderRow>
        ))}
      </ul>
      {orders.rows.length === 0 ? <p className="muted">没有点单。</p> : null}
      <Pager page={orders.page} pages={orders.pages} search={location.search} />
    </div>
  );
}
