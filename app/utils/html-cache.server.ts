/**
 * Rendered HTML for signed-out visitors (and, for pages that opt in, each signed-in viewer's own
 * view), kept until the database changes.
 *
 * Most traffic on public pages is anonymous, and their HTML is the same for everyone with the same
 * URL and text size — except the CSP nonce, which must be new in every response. So a cacheable
 * request is rendered with NONCE_PLACEHOLDER as its nonce (entry.server takes it from the load
 * context), stored with the placeholder, and every response, the first one too, gets a fresh nonce
 * substituted in the body and in the Content-Security-Policy header.
 *
 * Cacheable: a GET for a document (not a .data request) carrying no cookie but `text-size` and no
 * Authorization. Stored: only a 200 text/html response that sets no cookie and is not `private` or
 * `no-store`. An entry is good for at most `ttlMs` (pages show what is upcoming "now"), and while
 * what its page read has not changed since just before it was rendered:
 * - a page whose matched routes all declare their change topics (`export const handle =
 *   { cacheTopics: ["catalog"] }`, db/change-topics.ts; a route without a loader needs none) is
 *   kept while the counters of the union of those topics stand still: an enrolment (topic `seats`)
 *   leaves /courses cached. entry.server tells the cache the topics in a response header
 *   (CACHE_TOPICS_HEADER, only on renders for the cache), which the cache removes;
 * - of those topics, the ones its routes declare checked (`handle.cacheChecked: ["seats"]`, read
 *   only through functions that note a check, db/read-checks.ts) may move: the page is
 *   kept while its checks still hold (the seats taken of the classes it shows), so a rush on one
 *   class leaves every listing that does not show it cached (CACHE_CHECKED_HEADER);
 * - any other page, while the database's global change stamp (changeStamp: this connection's
 *   writes, and any other connection's commits) stands still.
 * tests/unit/html-cache-topics.test.ts proves every declaration against the SQL the page runs.
 *
 * Signed-in views (a session cookie, perhaps the login device cookie beside it): keyed on the
 * session token as well, so a view only ever goes back to the browser that holds that token.
 * Stored only when the page's own route says `handle.cacheSignedIn: true` (it reads nothing that
 * moves with time alone but what `ttlMs` allows, writes nothing, shows no rotating code) and
 * the session was valid (entry.server sends its expiry in CACHE_SIGNED_IN_HEADER); kept while
 * the database's global change stamp stands still (any write: a sign-out, a role change, an
 * enrolment, a session ended in another process) and never past the session's expiry.
 * Per process: each cluster worker has its own.
 */
import { freshNonce, NONCE_LENGTH } from "~/utils/random.server";
import {
  COMPRESSION_THRESHOLD,
  cutAtSlots,
  gzipAroundSlots,
  spliceGzip,
  spliceText,
  type SlottedText,
  type SlottedGzip,
} from "~/utils/compression.server";
import { createRequestHandler, type ServerBuild } from "@remix-run/node";
import type { Topic } from "@db/change-topics";
import { stampOfTopics } from "@db/client";
import { collectingChecks, type ReadCheck } from "@db/read-checks";

/** The nonce cacheable pages are rendered with; never reaches a client. Base64 alphabet, like real nonces. */
export const NONCE_PLACEHOLDER = "HtmlCacheNoncePlaceholder0Zq9x7Wk";

/** Cookies that may ride along on a cacheable request (they go into the key). */
const KEYED_COOKIES = new Set(["text-size"]);
/** The session cookie's names (auth/session.server.ts): a signed-in view is keyed on its token. */
const SESSION_COOKIES = new Set(["session", "__Host-session"]);
/** The login device cookie (auth/device.server.ts) only matters to the login action: beside a
 * session it is neither keyed nor a reason to bypass. */
const DEVICE_COOKIE = "device";

/**
 * The keyed cookies of a Cookie header (text size, and the session token of a signed-in view), or
 * null when it carries any other cookie (the device cookie alone, a check-in cookie …).
 */
export function keyedCookies(cookie: string | null | undefined): string[] | null {
  const keyed: string[] = [];
  let device = false;
  let session = false;
  if (cookie) {
    for (const part of cookie.split(";")) {
      const eq = part.indexOf("=");
      const name = (eq < 0 ? part : part.slice(0, eq)).trim();
      if (!name) continue;
      if (name === DEVICE_COOKIE) device = true;
      else if (SESSION_COOKIES.has(name)) {
        session = true;
        keyed.push(part.trim());
      } else if (KEYED_COOKIES.has(name)) keyed.push(part.trim());
      else return null;
    }
  }
  return device && !session ? null : keyed;
}

/** Whether a cache key is a signed-in view's (keyed on a session token). */
function isPersonal(key: string) {
  const cookies = key.slice(key.indexOf("\u0000") + 1).split(";");
  return cookies.some((c) => SESSION_COOKIES.has(c.slice(0, c.indexOf("="))));
}

/** The cache key of a request, or null when its response may depend on who asks. */
export function htmlCacheKey(request: Request): string | null {
  return htmlCacheKeyOf(
    request.method,
    new URL(request.url),
    request.headers.has("authorization"),
    request.headers.get("cookie"),
  );
}

/** htmlCacheKey from a request's parts (the server's Node request, before any web Request). */
export function htmlCacheKeyOf(
  method: string,
  url: URL,
  authorization: boolean,
  cookie: string | null | undefined,
): string | null {
  if (method !== "GET" || authorization) return null;
  if (url.pathname.endsWith(".data") || url.searchParams.has("_data")) return null;
  const keyed = keyedCookies(cookie);
  if (!keyed) return null;
  return `${url.origin}${url.pathname}${url.search}\u0000${keyed.sort().join(";")}`;
}

/** A stored page ready to send, its nonce already fresh (gzip when asked for and worth it). */
export type CachedPage = { status: number; headers: [string, string][]; body: Buffer };

/**
 * A route's declaration of what its loader reads, for the HTML cache:
 *   export const handle = { cacheTopics: ["catalog"] } satisfies CacheHandle;
 */
export type CacheHandle = {
  cacheTopics?: readonly Topic[];
  /** Of cacheTopics, those read only through functions that note a check (db/read-checks.ts). */
  cacheChecked?: readonly Topic[];
  cacheSignedIn?: boolean;
};

/** Set by entry.server on renders for the cache: the page's change topics, or `*` for "all". */
export const CACHE_TOPICS_HEADER = "x-cache-topics";
/**
 * Set by entry.server on renders for the cache of a signed-in page whose route opts in
 * (`handle.cacheSignedIn`): when the viewer's session expires (ms). Without it a signed-in view
 * is never stored.
 */
export const CACHE_SIGNED_IN_HEADER = "x-cache-signed-in-until";
/** Set by entry.server on renders for the cache: the page's checked topics (pageCheckedTopics). */
export const CACHE_CHECKED_HEADER = "x-cache-checked";
const INTERNAL_HEADERS = new Set([
  CACHE_TOPICS_HEADER,
  CACHE_SIGNED_IN_HEADER,
  CACHE_CHECKED_HEADER,
]);
/** On every response served from the cache (what a CDN calls X-Cache), for tests and operators. */
export const HIT_HEADER: [string, string] = ["x-cache", "HIT"];

type RouteMatch = { route: { handle?: unknown; loader?: unknown } };

/**
 * The header value for a page: the union of the matched routes' `handle.cacheTopics`, sorted, or
 * `*` when a route with a loader declares none (that page then depends on every write).
 */
export function pageTopics(matches: readonly RouteMatch[]): string {
  const topics = new Set<string>();
  for (const m of matches) {
    const declared = (m.route.handle as { cacheTopics?: unknown } | undefined)?.cacheTopics;
    if (Array.isArray(declared)) for (const t of declared) topics.add(String(t));
    else if (m.route.loader) return "*";
  }
  return [...topics].sort().join(",");
}

/**
 * The header value for a page's checked topics: those some matched route declares checked and no
 * matched route reads unchecked, sorted.
 */
export function pageCheckedTopics(matches: readonly RouteMatch[]): string {
  const checked = new Set<string>();
  const unchecked = new Set<string>();
  for (const m of matches) {
    const h = m.route.handle as CacheHandle | undefined;
    const mine = new Set<string>(h?.cacheChecked ?? []);
    for (const t of h?.cacheTopics ?? []) (mine.has(t) ? checked : unchecked).add(t);
  }
  return [...checked]
    .filter((t) => !unchecked.has(t))
    .sort()
    .join(",");
}

/**
 * Whether a signed-in view of this page may be stored: its own (last matched) route says
 *   export const handle = { cacheSignedIn: true } satisfies CacheHandle;
 */
export function signedInCacheable(matches: readonly RouteMatch[]): boolean {
  const leaf = matches[matches.length - 1]?.route.handle as { cacheSignedIn?: unknown } | undefined;
  return leaf?.cacheSignedIn === true;
}

function topicsOf(header: string | null): string[] | null {
  if (header == null || header === "*") return null;
  return header ? header.split(",") : [];
}

type Entry = {
  /** The page's change topics but the checked ones, or null: the global stamp. */
  topics: string[] | null;
  stamp: string;
  /** The topics whose moves the checks answer for, their stamp when the checks last held, and
   * the checks the render's reads noted. */
  checked: string[];
  checkedStamp: string;
  checks: ReadCheck[];
  /** Served until then: the time limit, or sooner the viewer's session expiry. */
  until: number;
  status: number;
  headers: [string, string][];
  /** The body cut at its nonce slots, as UTF-8. */
  body: SlottedText;
  /** The body compressed once around its nonce slots (compression.server.ts), made at its
   * second hit that asked for gzip (a page version seen once is not worth it); null when it
   * cannot be (a NUL in it) or is too small. */
  gzip?: SlottedGzip | null;
  gzipAsked: number;
};

export type HtmlCacheStats = {
  hits: number;
  /** Hits served after a checked topic moved and the page's checks still held. */
  checked: number;
  /** Hits sent as gzip spliced around their nonce (compression.server.ts gzipAroundSlots). */
  gzipped: number;
  misses: number;
  stored: number;
  bypassed: number;
  entries: number;
  bytes: number;
};

export type HtmlCacheOptions = {
  /** The database's change stamp (changeStamp(getDb())). */
  stamp: () => string;
  /** The counter of every change topic (topicCounters(getDb())); without it, every page uses `stamp`. */
  counters?: () => ReadonlyMap<string, number>;
  /** Upper bound on the stored bodies (UTF-8 bytes, and their gzip once made; default 32 MiB). */
  maxBytes?: number;
  /** Longest an entry is served (default 60 s). */
  ttlMs?: number;
};

/** Responses whose body may carry the placeholder: HTML documents. */
const isHtml = (res: Response) => (res.headers.get("content-type") ?? "").startsWith("text/html");

/** Stamp of `topics` given the counters, or of the whole database (no topics, an unknown topic). */
function stampFor(
  topics: readonly string[] | null,
  counters: ReadonlyMap<string, number> | undefined,
  global: () => string,
) {
  if (!topics || !counters) return global();
  return stampOfTopics(counters, topics) ?? global();
}

/** Whether every check still holds (a check that fails to run does not). */
function holds(checks: readonly ReadCheck[]) {
  try {
    return checks.every((c) => c());
  } catch {
    return false;
  }
}

/** What any stored page is: a 200 HTML page that sets no cookie. A signed-in page may stop there
 * (its `private, no-store` is for browsers). */
function storablePersonal(res: Response) {
  return res.status === 200 && isHtml(res) && !res.headers.has("set-cookie");
}

/** A signed-out page must not be `private` or `no-store` either. */
function storable(res: Response) {
  if (!storablePersonal(res)) return false;
  const cc = res.headers.get("cache-control") ?? "";
  return !/\b(private|no-store)\b/i.test(cc);
}

/** A header value or body with `nonce` in place of the placeholder. */
const filled = (text: string, nonce: string) =>
  text.includes(NONCE_PLACEHOLDER) ? text.replaceAll(NONCE_PLACEHOLDER, nonce) : text;

function withNonce(
  status: number,
  headers: Iterable<[string, string]>,
  body: string | SlottedText,
  nonce: string,
) {
  const h = new Headers();
  for (const [k, v] of headers) if (!INTERNAL_HEADERS.has(k)) h.append(k, filled(v, nonce));
  h.delete("content-length");
  if (typeof body === "string") return new Response(filled(body, nonce), { status, headers: h });
  const bytes = spliceText(body, nonce);
  return new Response(new Uint8Array(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.length), {
    status,
    headers: h,
  });
}

/**
 * `handle(request, render)`: answers `request` from the cache or by calling `render(nonce)` (which
 * must render with the nonce it is given). Concurrent misses for one key render once; a miss that
 * arrives after a change while a render of its page is under way waits for one more render, begun
 * when that one ends, which every such miss shares (so under a stream of writes a page renders
 * back to back, not once per visitor, and every answer still began after its request arrived).
 */
export function createHtmlCache(opts: HtmlCacheOptions) {
  const maxBytes = opts.maxBytes ?? 32 * 1024 * 1024;
  const ttlMs = opts.ttlMs ?? 60_000;
  const entries = new Map<string, Entry>();
  type Flight = { stamp: string; result: Promise<Entry | Response> };
  /** Per key: the render under way (and the stamp it began at), and the one queued after it. */
  const running = new Map<string, Flight>();
  const queued = new Map<string, Promise<Entry | Response>>();
  const stats = { hits: 0, misses: 0, stored: 0, bypassed: 0, checked: 0, gzipped: 0 };
  let bytes = 0;

  const drop = (key: string) => {
    const e = entries.get(key);
    if (!e) return;
    entries.delete(key);
    bytes -= e.body.bytes + (e.gzip?.bytes ?? 0);
  };
  /** Drops the least recently used entries while the bodies exceed `maxBytes`. */
  const trim = () => {
    for (const k of entries.keys()) {
      if (bytes <= maxBytes) break;
      drop(k);
    }
  };

  /** Renders with the placeholder; an Entry when storable, else the response to send (nonce
   * already fresh). `before` is what the stamps were before rendering began. */
  async function fill(
    key: string,
    before: { global: string; counters: ReadonlyMap<string, number> | undefined },
    render: (nonce: string) => Promise<Response>,
  ): Promise<Entry | Response> {
    const checks: ReadCheck[] = [];
    const out = await collectingChecks(checks, async () => {
      const res = await render(NONCE_PLACEHOLDER);
      // A resource route or a redirect: no placeholder in it.
      return isHtml(res) ? { res, body: await res.text() } : res;
    });
    if (out instanceof Response) return out;
    const { res, body } = out;
    const headers = [...res.headers].filter(([k]) => !INTERNAL_HEADERS.has(k));
    const now = Date.now();
    let until = now + ttlMs;
    let topics = topicsOf(res.headers.get(CACHE_TOPICS_HEADER));
    let checked = topicsOf(res.headers.get(CACHE_CHECKED_HEADER)) ?? [];
    if (isPersonal(key)) {
      // A signed-in view: only a page whose route opts in, for a session that was valid, kept
      // while nothing at all is written (a sign-out, a role change, a new enrolment …).
      const sessionUntil = Number(res.headers.get(CACHE_SIGNED_IN_HEADER));
      if (!storablePersonal(res) || !(sessionUntil > now))
        return withNonce(res.status, headers, body, freshNonce());
      until = Math.min(until, sessionUntil);
      topics = null;
    } else if (!storable(res)) return withNonce(res.status, headers, body, freshNonce());
    if (!topics) checked = [];
    else topics = topics.filter((t) => !checked.includes(t));
    const entry: Entry = {
      topics,
      stamp: stampFor(topics, before.counters, () => before.global),
      checked,
      checkedStamp: stampFor(checked, before.counters, () => before.global),
      checks: checked.length ? checks : [],
      until,
      status: res.status,
      headers,
      body: cutAtSlots(body, NONCE_PLACEHOLDER),
      gzipAsked: 0,
    };
    drop(key);
    entries.set(key, entry);
    bytes += entry.body.bytes;
    stats.stored++;
    trim();
    return entry;
  }

  /** The stored entry of `key` when it is still good (counted as a hit), else undefined. */
  function fresh(key: string) {
    const hit = entries.get(key);
    if (!hit || Date.now() >= hit.until) return undefined;
    const counters = hit.topics ? opts.counters?.() : undefined;
    if (hit.stamp !== stampFor(hit.topics, counters, opts.stamp)) return undefined;
    if (hit.checked.length) {
      // Read before the checks run: a change after this read moves it again.
      const now = stampFor(hit.checked, counters, opts.stamp);
      if (now !== hit.checkedStamp) {
        if (!holds(hit.checks)) return undefined;
        hit.checkedStamp = now;
        stats.checked++;
      }
    }
    stats.hits++;
    entries.delete(key); // re-inserted: the Map's order is the least-recently-used order
    entries.set(key, hit);
    return hit;
  }

  /**
   * The page of `key` from the cache, synchronously, or null (nothing counted then: call handle).
   * The server answers a hit within the event-loop turn that read the request: under a stream of
   * writes every further turn waits for all the other requests' work. `gzip`: the browser accepts
   * gzip; from the entry's second such hit on, the body goes out as gzip compressed once.
   */
  function lookup(key: string, gzip = false): CachedPage | null {
    const hit = fresh(key);
    if (!hit) return null;
    const nonce = freshNonce();
    const headers = [
      ...hit.headers.map(([k, v]): [string, string] => [k, filled(v, nonce)]),
      HIT_HEADER,
    ];
    if (gzip && hit.gzip === undefined && ++hit.gzipAsked >= 2) {
      hit.gzip =
        hit.body.bytes >= COMPRESSION_THRESHOLD ? gzipAroundSlots(hit.body, NONCE_LENGTH) : null;
      bytes += hit.gzip?.bytes ?? 0;
      trim();
    }
    if (gzip && hit.gzip) {
      stats.gzipped++;
      headers.push(["content-encoding", "gzip"]);
      return { status: hit.status, headers, body: spliceGzip(hit.gzip, nonce) };
    }
    return { status: hit.status, headers, body: spliceText(hit.body, nonce) };
  }

  async function handle(
    request: Request,
    render: (nonce: string) => Promise<Response>,
  ): Promise<Response> {
    const key = htmlCacheKey(request);
    if (key == null) {
      stats.bypassed++;
      return render(freshNonce());
    }
    const hit = fresh(key);
    if (hit) return withNonce(hit.status, [...hit.headers, HIT_HEADER], hit.body, freshNonce());
    stats.misses++;
    // The page's stamp (by the topics known from its previous entry, the checked ones too; else
    // the global stamp).
    const previous = entries.get(key);
    const known = previous?.topics ? [...previous.topics, ...previous.checked] : null;
    const begin = () => {
      const before = { global: opts.stamp(), counters: opts.counters?.() };
      const stamp = stampFor(known, before.counters, () => before.global);
      const flight: Flight = { stamp, result: fill(key, before, render) };
      running.set(key, flight);
      const done = () => {
        if (running.get(key) === flight) running.delete(key);
      };
      flight.result.then(done, done);
      return flight.result;
    };
    const now = running.get(key);
    let pending = queued.get(key);
    const mine = !pending && !(now && now.stamp === stampFor(known, opts.counters?.(), opts.stamp));
    if (!mine)
      pending ??= now!.result; // began after the last change this page can show
    else if (!now) pending = begin();
    else {
      const after = now.result.then(begin, begin);
      queued.set(key, after);
      // Once it begins, it is the render under way: later misses queue behind it.
      now.result.then(
        () => queued.delete(key),
        () => queued.delete(key),
      );
      pending = after;
    }
    const out = await pending!;
    if (out instanceof Response) {
      // Not storable: only the request that rendered it may send it (a body is read once).
      return mine ? out : render(freshNonce());
    }
    return withNonce(out.status, out.headers, out.body, freshNonce());
  }

  return {
    handle,
    lookup,
    stats: (): HtmlCacheStats => ({ ...stats, entries: entries.size, bytes }),
    /** Empties the cache and zeroes the counters. */
    clear() {
      entries.clear();
      bytes = 0;
      Object.assign(stats, { hits: 0, misses: 0, stored: 0, bypassed: 0, checked: 0, gzipped: 0 });
    },
  };
}

export type HtmlCache = ReturnType<typeof createHtmlCache>;

/**
 * A web request handler for a Remix build with the HTML cache in front:
 * `(request) => Response`. The server entry mounts it for GETs before Remix's own handler.
 */
export function cachedRemixHandler(build: ServerBuild, cache: HtmlCache, mode = build.mode) {
  const remix = createRequestHandler(build, mode);
  return (request: Request, loadContext: Record<string, unknown> = {}) =>
    cache.handle(request, (nonce) => remix(request, { ...loadContext, cspNonce: nonce }));
}
