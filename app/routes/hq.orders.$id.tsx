import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { getDb } from "@db/client";
import { OrderDecision } from "~/components/order-decision";
import { isHq } from "~/modules/auth/permissions";
import { requireActorWith } from "~/modules/auth/request.server";
import { decideOrderFromForm } from "~/modules/scheduling/decide.server";
import { getOrderDetail } from "~/modules/scheduling/orders.server";
import { readForm } from "~/utils/csrf.server";
import { clientIp, parseIdParam } from "~/utils/http";

export const meta: MetaFunction = () => [{ title: "处理点单 · 总部" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = requireActorWith(request, isHq);
  return getOrderDetail(getDb(), actor, parseIdParam(params.id, "没有找到这个点单。"));
}

export async function action({ request, params }: ActionFunctionArgs) {
  const actor = requireActorWith(request, isHq);
  const form = await readForm(request);
  const r = decideOrderFromForm(
    getDb(),
    actor,
    parseIdParam(params.id, "没有找到这个点单。"),
    form,
    clientIp(request),
  );
  if (r.ok) return redirect(`/hq/orders/${params.id}?done=${r.intent}`);
  return r;
}

export default function HqOrder() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  const [params] = useSearchParams();
  return (
    <>
      <p>
        <Link to="/hq/orders">← 全部点单</Link>
      </p>
      <h1>点单 #{d.order.id}</h1>
      {params.get("done") === "accept" ? (
        <p className="notice">已受理并安排教师，书院和教师都收到了消息。</p>
      ) : null}
      {params.get("done") === "decline" ? <p className="notice">已婉拒，书院收到了原因。</p> : null}
      {d.order.handler === "district" && d.order.state === "submitted" && !d.canDecide ? (
        <p className="notice warn">这是区级流动课程的点单，由课程所属的区指导中心受理。</p>
      ) : null}
      <OrderDecision
        order={d.order}
        canDecide={d.canDecide}
        teacherChoices={d.teacherChoices}
        newerVersion={d.newerVersion}
        error={a && !a.ok ? a.error : null}
        errorField={a && !a.ok ? a.field : null}
        reasonValue={a && !a.ok ? a.reason : undefined}
      />
    </>
  );
}
