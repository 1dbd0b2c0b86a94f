import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import {
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  isRouteErrorResponse,
  useLocation,
  useRouteError,
  useRouteLoaderData,
} from "@remix-run/react";
import type { ReactNode } from "react";
import { getDb } from "@db/client";
import { resolveSession } from "~/modules/auth/request.server";
import { demoDataPresent } from "~/modules/ops/demo.server";
import { menuFor } from "~/components/nav";
import { unreadCount } from "~/modules/auth/notifications.server";
import { readCookie } from "~/modules/auth/session.server";
import { SiteFooter, SiteHeader } from "~/components/layout";
import { useErrorId } from "~/utils/error-id";
import { useNonce } from "~/utils/nonce";
import styles from "~/styles/app.css";
import type { CacheHandle } from "~/utils/html-cache.server";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: styles },
  { rel: "icon", href: "/favicon.ico" },
];

export const meta: MetaFunction = () => [
  { title: "厦门社区书院" },
  { name: "description", content: "厦门市社区书院学习平台：家门口的课程、活动与学习档案。" },
];

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor, refreshCookie } = resolveSession(request);
  const largeText = readCookie(request, "text-size") === "large";
  return data(
    {
      user: actor ? { name: actor.name, phone: actor.phone } : null,
      menu: menuFor(actor),
      unread: actor ? unreadCount(getDb(), actor.id) : 0,
      largeText,
      demo: demoDataPresent(getDb()),
    },
    refreshCookie ? { headers: { "Set-Cookie": refreshCookie } } : undefined,
  );
}

export function Layout({ children }: { children: ReactNode }) {
  const root = useRouteLoaderData<typeof loader>("root");
  const nonce = useNonce();
  return (
    <html lang="zh-CN" className={root?.largeText ? "large-text" : undefined}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        <a className="skip-link" href="#main">
          跳到正文
        </a>
        {root?.demo ? (
          <p className="demo-banner" role="note">
            <strong>演示数据</strong>
            ：本站的书院、账号、课程和报名都是演示用的虚构数据，不是真实信息。
          </p>
        ) : null}
        <SiteHeader
          user={root?.user ?? null}
          menu={root?.menu ?? []}
          unread={root?.unread ?? 0}
          largeText={!!root?.largeText}
        />
        <main id="main" tabIndex={-1}>
          {children}
        </main>
        <SiteFooter />
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

const ERROR_TEXT: Record<number, { title: string; body: string }> = {
  400: { title: "请求有误", body: "提交的内容无法处理，请返回检查后再试。" },
  403: {
    title: "没有权限",
    body: "您的账号没有访问此页面的权限。如需开通，请联系书院或总部管理员。",
  },
  404: { title: "页面不存在", body: "您要找的页面不存在或已被移除。" },
  500: { title: "系统出错了", body: "服务器暂时出了点问题，已记入运行日志，请稍后再试。" },
};

export function ErrorBoundary() {
  const error = useRouteError();
  const location = useLocation();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const text = ERROR_TEXT[status] ?? ERROR_TEXT[500]!;
  const detail =
    isRouteErrorResponse(error) && typeof error.data === "string" && status < 500
      ? error.data
      : null;
  const errorId = useErrorId();
  return (
    <div className="container error-page" data-status={status}>
      <p className="error-code">{status}</p>
      <h1>{text.title}</h1>
      <p>{detail && detail !== text.body ? detail : text.body}</p>
      {status >= 500 ? (
        errorId ? (
          <p className="error-id">
            错误编号：<code id="error-id">{errorId}</code>（联系书院或客服时请告诉我们这个编号）
          </p>
        ) : (
          <p className="error-id">刷新页面可以看到这次错误的编号。</p>
        )
      ) : null}
      <p className="actions">
        <a className="button" href="/">
          返回首页
        </a>
        {status === 403 ? (
          <a
            className="button secondary"
            href={`/login?redirectTo=${encodeURIComponent(location.pathname)}`}
          >
            换个账号登录
          </a>
        ) : null}
      </p>
    </div>
  );
}

/** What the loader reads, for the HTML cache of signed-out pages (db/change-topics.ts). */
export const handle = { cacheTopics: ["people"] } satisfies CacheHandle;
