import { useEffect, useRef } from "react";
import { Form, Link, useLocation, useNavigation } from "@remix-run/react";
import type { NavItem } from "./nav";

/** The entry that is the current page: the longest `to` that the path equals or lies under
 * (`end` entries only on exact match), so one entry, not two, carries aria-current. */
export function currentEntry(items: NavItem[], pathname: string) {
  let best: NavItem | null = null;
  for (const item of items) {
    const to = item.to.split("?")[0]!;
    const hit =
      pathname === to || (!item.end && pathname.startsWith(to.endsWith("/") ? to : `${to}/`));
    if (hit && (!best || to.length > best.to.split("?")[0]!.length)) best = item;
  }
  return best;
}

/**
 * The header: one <nav> list, shown as a bar on wide screens and as the 菜单 panel on phones.
 * The 菜单 button is a <details> with only its <summary>; the list is its next sibling and CSS
 * shows it while the details is open (Chromium renders nothing inside a closed <details>, so the
 * list must not live inside it). Without JavaScript every page renders with the menu closed;
 * with JavaScript it closes on each navigation and on Escape.
 */
export function SiteHeader({
  user,
  menu,
  unread,
  largeText,
}: {
  user: { name: string } | null;
  menu: NavItem[];
  unread: number;
  largeText: boolean;
}) {
  const location = useLocation();
  const navigation = useNavigation();
  const toggle = useRef<HTMLDetailsElement>(null);
  const here = location.pathname + location.search;
  const current = currentEntry(menu, location.pathname);
  // On the login and register pages, 登录 keeps the page's own return address instead of nesting it.
  const onAuthPage = location.pathname === "/login" || location.pathname === "/register";
  const loginHref = onAuthPage
    ? `/login${location.pathname === "/login" ? location.search : ""}`
    : `/login?redirectTo=${encodeURIComponent(here)}`;

  // Close the phone menu as soon as a link in it starts a navigation, and again when it lands.
  useEffect(() => {
    if (toggle.current) toggle.current.open = false;
  }, [location.key, navigation.location?.key]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape" || !toggle.current?.open) return;
      toggle.current.open = false;
      toggle.current.querySelector("summary")?.focus();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, []);

  return (
    <header className="site-header">
      <div className="container header-row">
        <Link to="/" className="brand" aria-label="厦门社区书院 首页">
          <span className="brand-mark" aria-hidden="true">
            书
          </span>
          <span className="brand-name">厦门社区书院</span>
        </Link>
        <Form method="post" action="/prefs" className="text-toggle">
          <input type="hidden" name="redirectTo" value={here} />
          <input type="hidden" name="textSize" value={largeText ? "normal" : "large"} />
          <button
            type="submit"
            className="button ghost"
            aria-pressed={largeText}
            data-testid="large-text-toggle"
          >
            {largeText ? "标准字号" : "长辈模式"}
          </button>
        </Form>
        <details className="menu-toggle" ref={toggle} data-testid="menu-toggle">
          <summary className="button ghost" aria-controls="site-nav">
            菜单
            {user && unread > 0 ? (
              <span className="count-badge" data-testid="menu-unread">
                {unread > 99 ? "99+" : unread}
                <span className="visually-hidden"> 条未读消息</span>
              </span>
            ) : null}
          </summary>
        </details>
        <nav id="site-nav" aria-label="主菜单" className="site-nav">
          <ul>
            {menu.map((m) => (
              <li key={m.to}>
                <Link
                  to={m.to}
                  aria-current={current === m ? "page" : undefined}
                  data-testid={`menu-${m.to.slice(1).replace(/\//g, "-")}`}
                >
                  {m.label}
                  {m.badge === "unread" && unread > 0 ? (
                    <span className="count-badge" data-testid="unread-count">
                      {unread > 99 ? "99+" : unread}
                      <span className="visually-hidden"> 条未读</span>
                    </span>
                  ) : null}
                </Link>
              </li>
            ))}
            {user ? (
              <li className="nav-user">
                <span className="nav-user-name">{user.name}</span>
                <Form method="post" action="/logout">
                  <button type="submit" className="button secondary">
                    退出登录
                  </button>
                </Form>
              </li>
            ) : (
              <>
                <li className="nav-user-start">
                  <Link
                    to={loginHref}
                    aria-current={location.pathname === "/login" ? "page" : undefined}
                  >
                    登录
                  </Link>
                </li>
                <li>
                  <Link
                    to="/register"
                    aria-current={location.pathname === "/register" ? "page" : undefined}
                  >
                    注册
                  </Link>
                </li>
              </>
            )}
          </ul>
        </nav>
      </div>
    </header>
  );
}

/** A row of tabs under a page title (总部, 书院管理, 区指导中心); `search` is kept on every link. */
export function TabBar({
  items,
  label,
  search = "",
}: {
  items: NavItem[];
  label: string;
  search?: string;
}) {
  const location = useLocation();
  const current = currentEntry(items, location.pathname);
  return (
    <nav className="filter-bar tabs" aria-label={label}>
      {items.map((t) => (
        <Link key={t.to} to={`${t.to}${search}`} aria-current={current === t ? "page" : undefined}>
          {t.label}
        </Link>
      ))}
    </nav>
  );
}

export function SiteFooter() {
  return (
    <footer className="site-footer">
      <div className="container">
        <p>厦门市社区书院 · 美丽厦门 共同缔造</p>
        <p className="muted">共谋 · 共建 · 共管 · 共评 · 共享</p>
        <p className="muted">
          <Link to="/academies">全市书院</Link> · <Link to="/courses">中央厨房课程库</Link> ·{" "}
          <Link to="/help">使用帮助</Link>
        </p>
      </div>
    </footer>
  );
}

export function PageHeader({
  title,
  lead,
  children,
}: {
  title: string;
  lead?: string;
  children?: React.ReactNode;
}) {
  return (
    <div className="page-header">
      <h1>{title}</h1>
      {lead ? <p className="lead">{lead}</p> : null}
      {children}
    </div>
  );
}

/** Paging links that keep every other query parameter; `param` names the page parameter
 * (another one when a page has two lists), `label` names the navigation for screen readers. */
export function Pager({
  page,
  pages,
  search,
  param = "page",
  label = "分页",
}: {
  page: number;
  pages: number;
  search: string | URLSearchParams;
  param?: string;
  label?: string;
}) {
  if (pages <= 1) return null;
  const href = (p: number) => {
    const params = new URLSearchParams(search);
    params.set(param, String(p));
    return `?${params.toString()}`;
  };
  return (
    <nav className="pager" aria-label={label}>
      {page > 1 ? (
        <Link className="button secondary" to={href(page - 1)} rel="prev">
          上一页
        </Link>
      ) : null}
      <span>
        第 {page} / {pages} 页
      </span>
      {page < pages ? (
        <Link className="button secondary" to={href(page + 1)} rel="next">
          下一页
        </Link>
      ) : null}
    </nav>
  );
}
