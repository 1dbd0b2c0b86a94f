import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { getDb } from "@db/client";
import { LearningRecord } from "~/components/learning-record";
import { requireActor } from "~/modules/auth/request.server";
import { hasRole, ROLE_LABELS } from "~/modules/auth/permissions";
import { volunteerService } from "~/modules/community/volunteers.server";
import {
  learningRecord,
  removeCalendarFeed,
  resetCalendarToken,
} from "~/modules/learning/record.server";
import { publicOrigin } from "~/modules/learning/staff.server";
import { readForm } from "~/utils/csrf.server";
import type { CacheHandle } from "~/utils/html-cache.server";

export const meta: MetaFunction = () => [{ title: "我的 · 厦门社区书院" }];

/** The viewer's own page is kept for them until any write (html-cache.server.ts). */
export const handle = { cacheSignedIn: true } satisfies CacheHandle;

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = requireActor(request);
  return {
    name: actor.name,
    phone: actor.phone,
    roles: [...new Set(actor.roles.map((r) => ROLE_LABELS[r.role]))],
    teacher: hasRole(actor, "teacher"),
    // 学习档案 (issue 6): the most recent past classes unless ?past=all.
    record: {
      ...learningRecord(getDb(), actor, Date.now(), {
        pastLimit: new URL(request.url).searchParams.get("past") === "all" ? undefined : 10,
      }),
      volunteer: volunteerService(getDb(), actor.id),
    },
  };
}

/** The calendar subscription: a new secret URL (shown once, in this response only) or none. */
export async function action({ request }: ActionFunctionArgs) {
  const actor = requireActor(request);
  const form = await readForm(request);
  if (form.get("intent") === "calendar-off") {
    removeCalendarFeed(getDb(), actor);
    return redirect("/me?calendar=off");
  }
  if (form.get("intent") !== "calendar-reset") return redirect("/me");
  const token = resetCalendarToken(getDb(), actor);
  return { feedUrl: `${publicOrigin(request)}/me/calendar.ics?token=${token}` };
}

export default function MePage() {
  const me = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  return (
    <div className="container">
      {params.get("welcome") ? <p className="notice">注册成功，欢迎加入厦门社区书院！</p> : null}
      {params.get("password") ? (
        <p className="notice">密码已修改，其他设备上的登录已全部退出。</p>
      ) : null}
      <h1>我的</h1>
      <dl className="facts">
        <dt>姓名</dt>
        <dd data-testid="me-name">{me.name}</dd>
        <dt>手机</dt>
        <dd>{me.phone}</dd>
        <dt>身份</dt>
        <dd>{me.roles.join("、")}</dd>
      </dl>
      {params.get("calendar") === "off" ? (
        <p className="notice">日历订阅已关闭，旧的订阅地址不再有效。</p>
      ) : null}
      <LearningRecord
        record={me.record}
        feedUrl={result?.feedUrl ?? null}
        showAllPast={params.get("past") === "all"}
      />
      <h2>账号</h2>
      <p className="actions">
        <Link className="button secondary" to="/me/academy">
          我的书院
        </Link>
        <Link className="button secondary" to="/me/password">
          修改密码
        </Link>
        <Link className="button secondary" to="/me/data">
          我的数据（下载 / 注销）
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
