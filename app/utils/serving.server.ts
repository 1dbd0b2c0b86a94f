/**
 * What our server entry mounts in the server's two middleware slots (ops/http.server.ts):
 *   beforeStatic: the HTML cache's hits that are ready to send, dynamic compression, then
 *                 precompressed /build assets;
 *   beforeRemix:  the rest of the HTML cache for signed-out GETs (html-cache.server.ts): hits to
 *                 compress on the fly, and misses.
 * HTML_CACHE=0 turns the cache off (every request goes to Remix as before).
 */
import { config } from "~/utils/config.server";
import path from "node:path";
import { Readable } from "node:stream";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ServerBuild } from "@remix-run/node";
import { changeStamp, getDb, topicCounters } from "@db/client";
import {
  acceptsEncoding,
  COMPRESSION_THRESHOLD,
  dynamicCompression,
  pickEncoding,
  precompressedAssets,
} from "./compression.server";
import {
  cachedRemixHandler,
  createHtmlCache,
  htmlCacheKeyOf,
  keyedCookies,
  type CachedPage,
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

/** What the early half found for a request, for the late half (the same event-loop turn). */
const FOUND = Symbol("htmlCache");
type Found = { url: string; page: CachedPage | null };
type WithFound = IncomingMessage & { [FOUND]?: Found };

/**
 * The HTML cache in two halves around the compression middleware:
 * - `early`, before compression: looks the page up; a hit that needs no compressing on the fly
 *   (gzip made once, a client that takes neither brotli nor gzip, a small page) is sent at once, in this
 *   turn of the event loop and without the compression middleware's wrapping of the response
 *   (about 8 % of a cached hit's CPU, profiled: its header hooks, Vary, type checks);
 * - `late`, after static files: sends the hit that does need compressing (through the compression
 *   middleware, as any page), or renders through the cache on a miss.
 */
export function htmlCacheMiddleware(
  build: ServerBuild,
  cache: HtmlCache,
): { early: Middleware; late: Middleware } {
  const handle = cachedRemixHandler(build, cache);
  const early: Middleware = (req: WithFound, res, next) => {
    if (req.method !== "GET" || req.url?.startsWith("/build/")) return next();
    // Signed-in (or otherwise personal) requests skip building a web Request just to learn that.
    if (req.headers.authorization != null || keyedCookies(req.headers.cookie) == null)
      return next();
    const url = urlOf(req);
    const key = htmlCacheKeyOf("GET", new URL(url), false, req.headers.cookie);
    if (key == null) return next(); // Remix's own handler, as before
    const accept = req.headers["accept-encoding"];
    const page = cache.lookup(key, acceptsEncoding(accept, "gzip"));
    const ready =
      page &&
      (page.headers.some(([k]) => k === "content-encoding") ||
        pickEncoding(accept) === null ||
        page.body.length < COMPRESSION_THRESHOLD);
    if (!ready) {
      req[FOUND] = { url, page };
      return next();
    }
    // What the compression middleware adds to every page, compressed or not.
    const vary = page.headers.find(([k]) => k === "vary");
    if (!vary) page.headers.push(["vary", "Accept-Encoding"]);
    else if (!/accept-encoding/i.test(vary[1])) vary[1] += ", Accept-Encoding";
    send(res, page);
  };
  const late: Middleware = (req: WithFound, res, next) => {
    const found = req[FOUND];
    if (!found) return next();
    if (found.page) return send(res, found.page);
    handle(toRequest(req, found.url)).then((response) => {
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
  return { early, late };
}

/** A stored page, now (no web Response, no stream). */
function send(res: ServerResponse, page: CachedPage) {
  res.statusCode = page.status;
  // As a rendered page's (a web Headers never repeats a name; stored pages set no cookie).
  for (const [k, v] of page.headers)
    if (k !== "content-length" && k !== "set-cookie") res.setHeader(k, v);
  // Its length, or it goes out chunked (compression drops it when it compresses the body).
  res.setHeader("content-length", page.body.length);
  res.end(page.body);
}

export function servingMiddleware(build: ServerBuild) {
  const cache = !config().HTML_CACHE
    ? null
    : createHtmlCache({
        stamp: () => changeStamp(getDb()),
        counters: () => topicCounters(getDb()),
      });
  const halves = cache ? htmlCacheMiddleware(build, cache) : null;
  return {
    cache,
    beforeStatic: [
      ...(halves ? [halves.early] : []),
      dynamicCompression(),
      precompressedAssets(path.resolve("public/build")),
    ],
    beforeRemix: halves ? [halves.late] : [],
  };
}
