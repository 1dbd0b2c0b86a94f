import { Form, Link, NavLink, useLocation } from "@remix-run/react";

type MenuItem = { to: string; label: string };

/** Mobile-first header: the menu is a <details> so it opens without JavaScript. */
export function SiteHeader({
  user,
  menu,
  largeText,
}: {
  user: { name: string } | null;
  menu: MenuItem[];
  largeText: boolean;
}) {
  const location = useLocation();
  const here = location.pathname + location.search;
  return (
    <header className="site-header">
      <div className="container header-row">
        <Link to="/" className="brand" aria-label="厦门社区书院 首页">
          <span className="brand-mark" aria-hidden="true">
            书
          </span>
          <span>厦门社区书院</span>
        </Link>
        <Form method="post" action="/prefs" className="text-toggle">
          <input type="hidden" name="redirectTo" value={here} />
          <input type="hidden" name="textSize" value={largeText ? "normal" : "large"} />
          <button type="submit" className="button ghost" aria-pressed={largeText} data-testid="large-text-toggle">
            {largeText ? "标准字号" : "长辈模式"}
          </button>
        </Form>
        <details className="menu">
          <summary className="button ghost">菜单</summary>
          <nav aria-label="主菜单" className="menu-panel">
            <ul>
              <li>
                <NavLink to="/courses">课程库</NavLink>
              </li>
              <li>
                <NavLink to="/classes">找课程班</NavLink>
              </li>
              <li><NavLink to="/activities">社区活动</NavLink></li>
              <li>
                <NavLink to="/academies">找书院</NavLink>
              </li>
              {menu.map((m) => (
                <li key={m.to}>
                  <NavLink to={m.to} data-testid={`menu-${m.to.slice(1)}`}>
                    {m.label}
                  </NavLink>
                </li>
              ))}
              {user ? (
                <li>
                  <NavLink to="/me/messages">消息</NavLink>
                </li>
              ) : null}
              {user ? (
                <li className="menu-user">
                  <span className="muted">{user.name}</span>
                  <Form method="post" action="/logout">
                    <button type="submit" className="button secondary">
                      退出登录
                    </button>
                  </Form>
                </li>
              ) : (
                <>
                  <li>
                    <Link to={`/login?redirectTo=${encodeURIComponent(here)}`}>登录</Link>
                  </li>
                  <li>
                    <Link to="/register">注册</Link>
                  </li>
                </>
              )}
            </ul>
          </nav>
        </details>
      </div>
    </header>
  );
}

export function SiteFooter() {
  return (
    <footer className="site-footer">
      <div className="container">
        <p>厦门市社区书院 · 美丽厦门 共同缔造</p>
        <p className="muted">共谋 · 共建 · 共管 · 共评 · 共享</p>
        <p className="muted">
          <Link to="/academies">全市书院</Link> · <Link to="/courses">中央厨房课程库</Link> · <Link to="/help">使用帮助</Link>
        </p>
      </div>
    </footer>
  );
}

export function PageHeader({ title, lead, children }: { title: string; lead?: string; children?: React.ReactNode }) {
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
