/**
 * What our server entry mounts in the server's two middleware slots (ops/http.server.ts):
 *   beforeStatic: dynamic compression, then precompressed /build assets;
 *   beforeRemix:  the HTML cache for signed-out GETs (html-cache.server.ts).
 * HTML_CACHE=0 turns the cache off (every request goes to Remix as before).
 */
import { config } from "~/utils/config.server";
import path from "node:path";
import { Readable } from "node:stream";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ServerBuild } from "@remix-run/node";
import { changeStamp, getDb, topicCounters } from "@db/client";
import { acceptsEncoding, dynamicCompression, precompressedAssets } from "./compression.server";
import {
  cachedRemixHandler,
  createHtmlCache,
  htmlCacheKeyOf,
  keyedCookies,
  type HtmlCache,
} from "./html-cache.server";

type Next = (err?: unknown) => void;
type Middleware = (req: IncomingMessage, res: ServerResponse, next: Next) => void;

type ExpressRequest = IncomingMessage & {
  protocol?: string;
  originalUrl?: string;
  get?: (h: string) => string | undefined;
};

/** The request's URL, with the origin Express resolved. */
function urlOf(req: ExpressRequest) {
  const host = req.get?.("host") ?? req.headers.host ?? "localhost";
  return `${req.protocol ?? "http"}://${host}${req.originalUrl ?? req.url ?? "/"}`;
}

/** A web Request for a Node request (GET only: no body). */
function toRequest(req: ExpressRequest, url: string) {
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (Array.isArray(v)) for (const x of v) headers.append(k, x);
    else if (v != null) headers.set(k, v);
  }
  return new Request(url, { method: req.method, headers });
}

export function htmlCacheMiddleware(build: ServerBuild, cache: HtmlCache): Middleware {
  const handle = cachedRemixHandler(build, cache);
  return (req, res, next) => {
    if (req.method !== "GET") return next();
    // Signed-in (or otherwise personal) requests skip building a web Request just to learn that.
    if (req.headers.authorization != null || keyedCookies(req.headers.cookie) == null)
      return next();
    const url = urlOf(req);
    const key = htmlCacheKeyOf("GET", new URL(url), false, req.headers.cookie);
    if (key == null) return next(); // Remix's own handler, as before
    // A hit is sent now, in this turn of the event loop (no web Response, no stream).
    const page = cache.lookup(key, acceptsEncoding(req.headers["accept-encoding"], "gzip"));
    if (page) {
      res.statusCode = page.status;
      // As on the path below (a web Headers never repeats a name; stored pages set no cookie). A
      // gzip body carries its Content-Encoding: the compression middleware then leaves it alone
      // (it adds Vary: Accept-Encoding either way).
      for (const [k, v] of page.headers)
        if (k !== "content-length" && k !== "set-cookie") res.setHeader(k, v);
      // Its length, or it goes out chunked (compression drops it when it compresses the body).
      res.setHeader("content-length", page.body.length);
      res.end(page.body);
      return;
    }
    handle(toRequest(req, url)).then((response) => {
      res.statusCode = response.status;
      for (const [k, v] of response.headers) if (k !== "set-cookie") res.setHeader(k, v);
      const cookies = response.headers.getSetCookie();
      if (cookies.length) res.setHeader("set-cookie", cookies);
      if (!response.body) return res.end();
      Readable.fromWeb(response.body as import("node:stream/web").ReadableStream)
        .on("error", next)
        .pipe(res);
    }, next);
  };
}

export function servingMiddleware(build: ServerBuild) {
  const cache = !config().HTML_CACHE
    ? null
    : createHtmlCache({
        stamp: () => changeStamp(getDb()),
        counters: () => topicCounters(getDb()),
      });
  return {
    cache,
    beforeStatic: [dynamicCompression(), precompressedAssets(path.resolve("public/build"))],
    beforeRemix: cache ? [htmlCacheMiddleware(build, cache)] : [],
  };
}
