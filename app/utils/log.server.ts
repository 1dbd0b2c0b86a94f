/**
 * Structured JSON logs (pino) and the request context they carry. Never logged: phone numbers,
 * passwords, tokens, cookies. Request lines carry the route id (not the URL, whose path or query
 * can hold a token), and every message and error text passes through `scrub` first.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { randomBytesFromPool } from "~/utils/random.server";
import pino, { type Logger } from "pino";
import { config, setConfigScope, type Config } from "~/utils/config.server";

export type RequestContext = {
  requestId: string;
  method: string;
  route: string | null;
  userId: number | null;
  /** When the request's valid session expires (auth/request.server.ts), for the HTML cache. */
  sessionExpiresAt?: number;
  errorId: string | null;
  startedAt: number;
  /** The configuration as this request first read it (config.server.ts). */
  config?: Config;
  /** Ends the request's write turn (ops/http.server.ts), once its write has committed. */
  endWriteTurn?: () => void;
};

const storage = new AsyncLocalStorage<RequestContext>();
setConfigScope(() => storage.getStore());

export function runWithRequestContext<T>(ctx: RequestContext, fn: () => T): T {
  return storage.run(ctx, fn);
}

/** The context of the request being served (null outside a request: jobs, scripts, tests). */
export function requestContext(): RequestContext | undefined {
  return storage.getStore();
}

/** A short id people can read out on the phone: 8 characters of Crockford base32. */
export function newId() {
  const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  const bytes = randomBytesFromPool(8);
  let out = "";
  for (let i = 0; i < 8; i++) out += alphabet[bytes[i]! & 31];
  return out;
}

const PHONE = /(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)/g;
const LONG_TOKEN = /\b(?=[A-Za-z0-9_-]*\d)[A-Za-z0-9_-]{20,}\b/g;
const SECRET_FIELD =
  /((?:password|passwd|pwd|token|cookie|secret|authorization|code)["']?\s*[:=]\s*["']?)[^"'\s&,;}]+/gi;

/** Masks what must never reach a log: phone numbers, long tokens, `password=…`-style values. */
export function scrub(text: string): string {
  return text
    .replace(SECRET_FIELD, "$1[已隐去]")
    .replace(PHONE, "$1****$2")
    .replace(LONG_TOKEN, "[已隐去]");
}

function serializeError(err: unknown) {
  if (err instanceof Error) {
    return {
      type: err.name,
      message: scrub(err.message),
      stack: err.stack ? scrub(err.stack) : undefined,
    };
  }
  return { type: typeof err, message: scrub(String(err)) };
}

let root: Logger | undefined;

/** The process logger. Writes JSON lines to stdout (file descriptor 1, synchronously). */
export function logger(): Logger {
  root ??= pino({
    level: config().LOG_LEVEL,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    messageKey: "msg",
    formatters: { level: (label) => ({ level: label }) },
    serializers: { err: serializeError },
    redact: {
      paths: [
        "headers.cookie",
        "headers.authorization",
        "*.password",
        "*.phone",
        "*.token",
        "password",
        "phone",
        "token",
      ],
      censor: "[已隐去]",
    },
    hooks: {
      logMethod(args, method) {
        // Scrub every string argument (the message and any interpolation values).
        for (let i = 0; i < args.length; i++) {
          if (typeof args[i] === "string") (args as unknown[])[i] = scrub(args[i] as string);
        }
        method.apply(this, args);
      },
    },
  });
  return root;
}

/** Replaces the logger (tests write to a buffer). */
export function setLogger(l: Logger | undefined) {
  root = l;
}

export type RecordedError = {
  errorId: string;
  at: number;
  requestId: string | null;
  route: string | null;
  message: string;
};

const recent: RecordedError[] = [];
const RECENT_MAX = 20;

/** The last errors this process logged, newest first (for /hq/system). */
export function recentErrors(): readonly RecordedError[] {
  return recent;
}

/**
 * Logs an unexpected error with a fresh 错误编号 and remembers it for the request, so the 500 page
 * can show the same number. Returns the number.
 */
export function logError(err: unknown, extra: Record<string, unknown> = {}): string {
  const ctx = requestContext();
  if (ctx?.errorId) {
    // One number per request: a loader error and its render both land on the same page.
    logger().error(
      { errorId: ctx.errorId, requestId: ctx.requestId, route: ctx.route, err, ...extra },
      "error",
    );
    return ctx.errorId;
  }
  const errorId = newId();
  if (ctx) ctx.errorId = errorId;
  logger().error(
    { errorId, requestId: ctx?.requestId, route: ctx?.route, userId: ctx?.userId, err, ...extra },
    "unexpected error",
  );
  recent.unshift({
    errorId,
    at: Date.now(),
    requestId: ctx?.requestId ?? null,
    route: ctx?.route ?? null,
    message: serializeError(err).message.slice(0, 300),
  });
  if (recent.length > RECENT_MAX) recent.length = RECENT_MAX;
  return errorId;
}
