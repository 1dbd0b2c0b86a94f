/**
 * The HTTP side of our server: an Express app whose middleware chain is, in order,
 *
 *   1. requestContext   request id, AsyncLocalStorage context, one JSON log line per response
 *   2. forwardedHeaders the client address and forwarded host/proto, trusted for TRUST_PROXY hops only
 *   3. originCheck      a Chinese 403 page for cross-origin POSTs, before Remix sees them
 *   3b. writeTurns      at most WRITE_CONCURRENCY writes in progress, the rest wait their turn
 *   4. (slot) compression
 *   5. static files     /build/* immutable for a year, the rest of public/ for an hour
 *   6. (slot) HTML cache
 *   7. Remix
 *
 * The two slots are `options.beforeStatic` and `options.beforeRemix`: a later middleware (such as
 * compression or a page cache) is one line where the server is created, not an edit in here.
 */
import { AsyncResource } from "node:async_hooks";
import fs from "node:fs";
import path from "node:path";
import { createRequestHandler } from "@remix-run/express";
import { matchRoutes, type AgnosticRouteObject } from "@remix-run/router";
import type { ServerBuild } from "@remix-run/node";
import express, { type ErrorRequestHandler, type RequestHandler } from "express";
import { config } from "~/utils/config.server";
import { GROUP_COMMIT_MAX, setGroupCommitHooks } from "@db/client";
import {
  logError,
  logger,
  newId,
  requestContext as currentRequest,
  runWithRequestContext,
  type RequestContext,
} from "~/utils/log.server";

export type AppOptions = {
  build: ServerBuild;
  /** Runs before static files (compression). */
  beforeStatic?: RequestHandler[];
  /** Runs after static files, before Remix (an HTML cache). */
  beforeRemix?: RequestHandler[];
  /** True once shutdown began: responses then close their connection. */
  isClosing?: () => boolean;
};

/** Remix's route tree, to name the route of a URL in the logs (the URL itself may hold a token). */
export function routeNamer(build: ServerBuild) {
  const manifest = Object.values(build.routes);
  const tree = (parentId: string | undefined): AgnosticRouteObject[] =>
    manifest
      .filter((r) => r.parentId === parentId)
      .map((r) =>
        r.index
          ? { id: r.id, path: r.path, index: true as const, caseSensitive: r.caseSensitive }
          : { id: r.id, path: r.path, caseSensitive: r.caseSensitive, children: tree(r.id) },
      );
  const routes = tree(undefined);
  return (pathname: string): string | null => {
    let p = pathname;
    let suffix = "";
    if (p.endsWith(".data")) {
      // Single-fetch data requests: /x.data, and /_root.data for the index.
      p = p === "/_root.data" ? "/" : p.slice(0, -".data".length);
      suffix = ".data";
    }
    const matches = matchRoutes(routes, p);
    const leaf = matches?.[matches.length - 1]?.route.id;
    return leaf ? leaf + suffix : null;
  };
}

const FORBIDDEN_PAGE = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>跨站提交已被拒绝 · 厦门社区书院</title>
<style>body{font:18px/1.7 system-ui,"PingFang SC","Microsoft YaHei",sans-serif;margin:0;padding:2rem 1rem;color:#1f2933}
main{max-width:36rem;margin:0 auto}.code{font-size:3rem;color:#9a3412;margin:0}a{display:inline-block;min-height:44px;line-height:44px;padding:0 1.2rem;border-radius:8px;background:#9a3412;color:#fff;text-decoration:none}</style>
</head><body><main><p class="code">403</p><h1>跨站提交已被拒绝</h1>
<p>这次提交来自其他网站（或者网址与本站不一致），为了保护您的账号，我们没有处理它。请回到本站页面重新操作。</p>
<p><a href="/">返回首页</a></p></main></body></html>`;

function errorPage(errorId: string) {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>系统出错了 · 厦门社区书院</title></head>
<body><main><p>500</p><h1>系统出错了</h1><p>服务器暂时出了点问题，请稍后再试。</p>
<p>错误编号：<code id="error-id">${errorId}</code>（联系客服时请告诉我们这个编号）</p><p><a href="/">返回首页</a></p></main></body></html>`;
}

/** Whether a URL path may name a file in `dir`: its first segment is one of dir's entries. */
export function publicPathFilter(dir: string): (pathname: string) => boolean {
  const entries = new Set(fs.existsSync(dir) ? fs.readdirSync(dir) : []);
  return (pathname) => {
    const first = pathname.split("/")[1] ?? "";
    let name = first;
    try {
      name = decodeURIComponent(first);
    } catch {
      /* express.static answers a malformed path itself */
      return true;
    }
    return entries.has(name);
  };
}

/**
 * Writes take turns: at most `limit` non-GET requests are in progress at once, the others wait in
 * arrival order; reads never wait. A request is one turn of the event loop after another, and 50
 * residents looping enrol/cancel would otherwise put all 50 writes' work in every turn, each read
 * waiting behind it (reads fell to 5 % of their rate alone). A few writes in progress still fill a
 * group commit. A turn lasts at most `turnMs`: a slow upload, or a client that sends its headers
 * and never its body, then goes on outside the count instead of holding everyone's writes. A
 * request whose client leaves while it waits never starts.
 *
 * While nobody reads (no read in progress, none ended in the last `quietMs`), a write handed to a
 * group commit ends its turn once its group has committed (setGroupCommitHooks), before the flush:
 * waiting for the disk is no work, and the next writes fill the next group meanwhile instead of the
 * event loop idling through every flush (a burst of enrolments). Otherwise it keeps its turn to the
 * end, or looping writers would take the event loop from the readers (reads kept fell from 65–72 %
 * to 37–43 % when every write ended its turn at its commit, and to 43–50 % when only reads in
 * progress counted: readers between two pages are readers too). While nobody reads, up to
 * `quietLimit` writes are in progress instead of `limit` (the app passes a group commit's worth):
 * a burst then fills whole groups (enrol burst p99 ratio, median of 8 rounds, 1.39 → 1.26), and
 * reads that come meanwhile kept the same share in the enrol/cancel loop (74 % with and without).
 */
export function writeTurns(
  limit: number,
  { turnMs = 1000, quietMs = 50, quietLimit = limit } = {},
): RequestHandler {
  setGroupCommitHooks({
    queued: () => currentRequest(),
    committed: (owner) => (owner as RequestContext | undefined)?.endWriteTurn?.(),
  });
  let active = 0;
  let reads = 0;
  let lastRead = -Infinity;
  const readEnded = () => {
    reads--;
    lastRead = performance.now();
  };
  const nobodyReads = () => reads === 0 && performance.now() - lastRead > quietMs;
  const waiting: (() => void)[] = [];
  const startNext = () => {
    const cap = nobodyReads() ? Math.max(limit, quietLimit) : limit;
    while (active < cap && waiting.length) waiting.shift()!();
  };
  return (req, res, next) => {
    if (req.method === "GET" || req.method === "HEAD" || req.method === "OPTIONS") {
      reads++;
      res.once("close", readEnded);
      return next();
    }
    let state: "waiting" | "active" | "done" = "waiting";
    let timer: NodeJS.Timeout | undefined;
    const end = () => {
      clearTimeout(timer);
      if (state === "active") {
        active--;
        state = "done";
        startNext();
      } else state = "done";
    };
    res.once("finish", end);
    res.once("close", end);
    // Bound to this request's async context: the turn is started by another request's end (or by a
    // group's commit), and the rest of this request must not run in that one's context.
    waiting.push(
      AsyncResource.bind(() => {
        if (state !== "waiting") return;
        state = "active";
        active++;
        timer = setTimeout(end, turnMs).unref();
        const ctx = currentRequest();
        if (ctx) ctx.endWriteTurn = () => nobodyReads() && end();
        next();
      }),
    );
    startNext();
  };
}

export function createApp(opts: AppOptions) {
  const c = config();
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", c.TRUST_PROXY > 0 ? c.TRUST_PROXY : false);
  const nameRoute = routeNamer(opts.build);

  // 1. Request context and the request log line.
  const requestContext: RequestHandler = (req, res, next) => {
    const started = performance.now();
    const ctx: RequestContext = {
      requestId: newId(),
      method: req.method,
      route: null,
      userId: null,
      errorId: null,
      startedAt: Date.now(),
    };
    const pathname = req.path;
    const isAsset = pathname.startsWith("/build/") || pathname === "/favicon.ico";
    ctx.route = isAsset ? "static" : nameRoute(pathname);
    res.setHeader("X-Request-Id", ctx.requestId);
    if (opts.isClosing?.()) res.setHeader("Connection", "close");
    let logged = false;
    const done = () => {
      if (logged) return;
      logged = true;
      const line = {
        requestId: ctx.requestId,
        method: ctx.method,
        route: ctx.route,
        status: res.headersSent ? res.statusCode : 499,
        ms: Math.round((performance.now() - started) * 10) / 10,
        userId: ctx.userId,
        ...(ctx.errorId ? { errorId: ctx.errorId } : {}),
      };
      if (isAsset) logger().debug(line, "request");
      else logger().info(line, "request");
    };
    res.once("finish", done);
    res.once("close", done);
    runWithRequestContext(ctx, () => next());
  };

  // 2. Forwarded headers: only our own, normalised values reach the app.
  const forwardedHeaders: RequestHandler = (req, _res, next) => {
    delete req.headers["x-real-ip"];
    if (c.TRUST_PROXY > 0) {
      // Express resolved these for the trusted hops; keep exactly one value each.
      req.headers["x-forwarded-proto"] = req.protocol;
      const host = req.get("x-forwarded-host")?.split(",")[0]?.trim();
      if (host) req.headers["x-forwarded-host"] = host;
    } else {
      delete req.headers["x-forwarded-host"];
      delete req.headers["x-forwarded-proto"];
    }
    // The address TRUST_PROXY hops back (the socket's own address when no proxy is trusted).
    req.headers["x-forwarded-for"] = req.ip ?? req.socket.remoteAddress ?? "unknown";
    next();
  };

  // 3. Cross-origin POSTs: a clean Chinese 403 page instead of Remix's bare 500.
  const originCheck: RequestHandler = (req, res, next) => {
    if (req.method === "GET" || req.method === "HEAD" || req.method === "OPTIONS") return next();
    const refuse = (reason: string) => {
      logger().warn({ reason, method: req.method }, "cross-origin request refused");
      res.status(403).type("html").set("Cache-Control", "no-store").send(FORBIDDEN_PAGE);
    };
    if (req.get("sec-fetch-site") === "cross-site") return refuse("sec-fetch-site");
    const origin = req.get("origin");
    if (origin === undefined) return next();
    const host = (c.TRUST_PROXY > 0 && req.get("x-forwarded-host")) || req.get("host");
    const allowed = new Set<string>([`${req.protocol}://${host}`]);
    if (c.PUBLIC_URL) allowed.add(c.PUBLIC_URL);
    let normalized: string | null = null;
    try {
      normalized = origin === "null" ? null : new URL(origin).origin;
    } catch {
      normalized = null;
    }
    if (!normalized || !allowed.has(normalized)) return refuse("origin");
    next();
  };

  app.use(requestContext, forwardedHeaders, originCheck);
  if (c.WRITE_CONCURRENCY > 0)
    app.use(writeTurns(c.WRITE_CONCURRENCY, { quietLimit: GROUP_COMMIT_MAX }));
  for (const m of opts.beforeStatic ?? []) app.use(m);

  const publicDir = path.resolve("public");
  app.use(
    "/build",
    express.static(path.join(publicDir, "build"), { immutable: true, maxAge: "1y", index: false }),
  );
  // Only paths under an entry of public/ (read once at start: favicon.ico, build/) go looking
  // for a file; a page such as /help no longer costs a failed stat() and its error object.
  const servePublic = express.static(publicDir, { maxAge: "1h", index: false });
  const inPublic = publicPathFilter(publicDir);
  app.use((req, res, next) => (inPublic(req.path) ? servePublic(req, res, next) : next()));
  for (const m of opts.beforeRemix ?? []) app.use(m);

  app.all(
    "*",
    createRequestHandler({
      build: opts.build,
      mode: opts.build.mode,
    }),
  );

  const onError: ErrorRequestHandler = (err, _req, res, _next) => {
    const errorId = logError(err);
    if (res.headersSent) return res.end();
    res.status(500).type("html").set("Cache-Control", "no-store").send(errorPage(errorId));
  };
  app.use(onError);
  return app;
}
