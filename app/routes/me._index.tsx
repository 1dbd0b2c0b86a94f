import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { requireActor } from "~/modules/auth/request.server";
import { hasRole, ROLE_LABELS } from "~/modules/auth/permissions";

export const meta: MetaFunction = () => [{ title: "我的 · 厦门社区书院" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = requireActor(request);
  return {
    name: actor.name,
    phone: actor.phone,
    roles: [...new Set(actor.roles.map((r) => ROLE_LABELS[r.role]))],
    teacher: hasRole(actor, "teacher"),
  };
}

export default function MePage() {
  const me = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  return (
    <div className="container">
      {params.get("welcome") ? <p className="notice">注册成功，欢迎加入厦门社区书院！</p> : null}
      {params.get("password") ? <p className="notice">密码已修改，其他设备上的登录已全部退出。</p> : null}
      <h1>我的</h1>
      <dl className="facts">
        <dt>姓名</dt>
        <dd data-testid="me-name">{me.name}</dd>
        <dt>手机</dt>
        <dd>{me.phone}</dd>
        <dt>身份</dt>
        <dd>{me.roles.join("、")}</dd>
      </dl>
      <h2>账号</h2>
      <p className="actions">
        <Link className="button secondary" to="/me/password">
          修改密码
        </Link>
        {me.teacher ? (
          <Link className="button secondary" to="/me/teacher">
            教师简介
          </Link>
        ) : null}
      </p>
    </div>
  );
}
