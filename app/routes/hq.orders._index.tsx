import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useLocation } from "@remix-run/react";
import { getDb } from "@db/client";
import { FilterSelect } from "~/components/filter-select";
import { Pager } from "~/components/layout";
import { OrderRow } from "~/components/orders";
import { isHq } from "~/modules/auth/permissions";
import { requireActorWith } from "~/modules/auth/request.server";
import { listDistricts } from "~/modules/org/org.server";
import { listCategories } from "~/modules/catalog/read.server";
import { listAllOrders } from "~/modules/scheduling/orders.server";
import { parsePage } from "~/utils/http";
import { ORDER_STATE_LABELS, ORDER_STATES, type OrderState } from "~/modules/scheduling/states";

export const meta: MetaFunction = () => [{ title: "点单受理 · 总部" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = requireActorWith(request, isHq);
  const db = getDb();
  const p = new URL(request.url).searchParams;
  const districts = listDistricts(db).map((d) => ({ id: d.id, code: d.code, name: d.name }));
  const categories = listCategories(db);
  const stateParam = p.get("state") ?? "submitted";
  const state = (ORDER_STATES as readonly string[]).includes(stateParam)
    ? (stateParam as OrderState)
    : undefined;
  const district = districts.find((d) => d.code === p.get("district"));
  const category = categories.find((c) => c.slug === p.get("category"));
  return {
    orders: listAllOrders(db, actor, {
      state,
      districtId: district?.id,
      categoryId: category?.id,
      page: parsePage(p),
    }),
    districts,
    categories,
    filters: {
      state: state ?? "all",
      district: district?.code ?? "",
      category: category?.slug ?? "",
    },
  };
}

export default function HqOrders() {
  const { orders, districts, categories, filters } = useLoaderData<typeof loader>();
  const location = useLocation();
  return (
    <>
      <h1>点单受理</h1>
      <p className="lead">
        各书院从课程库点的课：安排师资库教师并受理，或说明原因婉拒。区级流动课程的点单由所属区指导中心受理，这里只读。
      </p>
      <Form method="get" className="filter-form" aria-label="筛选点单">
        <FilterSelect
          id="o-state"
          label="状态"
          name="state"
          defaultValue={filters.state}
          options={[
            { value: "all", label: "全部" },
            ...ORDER_STATES.map((s) => ({ value: s, label: ORDER_STATE_LABELS[s] })),
          ]}
        />
        <FilterSelect
          id="o-district"
          label="区"
          name="district"
          defaultValue={filters.district}
          empty="全市"
          options={districts.map((d) => ({ value: d.code, label: d.name }))}
        />
        <FilterSelect
          id="o-category"
          label="分类"
          name="category"
          defaultValue={filters.category}
          empty="全部分类"
          options={categories.map((c) => ({ value: c.slug, label: c.name }))}
        />
        <div className="actions">
          <button type="submit">筛选</button>
        </div>
      </Form>
      <p className="muted">共 {orders.total} 个点单。</p>
      <ul className="plain-list stack" data-testid="order-list">
        {orders.rows.map((o) => (
          <OrderRow key={o.id} order={o} href={`/hq/orders/${o.id}`}>
            {o.state === "submitted" && o.handler === "hq" ? (
              <Link className="button small" to={`/hq/orders/${o.id}`}>
                处理
              </Link>
            ) : null}
          </OrderRow>
        ))}
      </ul>
      <Pager page={orders.page} pages={orders.pages} search={location.search} />
    </>
  );
}
