/**
 * The compression policy of our server (mounted by the server entry before static files):
 *
 * - Pages and data: brotli at quality 2 with a 16 KiB window, or gzip at level 3, when the browser
 *   accepts them. Brotli's default in the `compression` package is quality 4 with a 4 MiB window;
 *   it was the window, allocated anew for every response, that cost 3 ms of CPU per page.
 * - Bodies under 1 KiB go out as they are (the headers cost more than the saving).
 * - Static assets under /build/ are compressed once per process at the highest settings (brotli 11,
 *   gzip 9) off the main thread and then served from memory: they never change for a build.
 */
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import type { IncomingMessage, ServerResponse } from "node:http";
import compression from "compression";

type Next = (err?: unknown) => void;
type Middleware = (req: IncomingMessage, res: ServerResponse, next: Next) => void;

export const COMPRESSION_THRESHOLD = 1024;
/** log2 of brotli's window for dynamic responses (see dynamicCompression). */
export const BROTLI_WINDOW_BITS = 14;

/** Dynamic responses: cheap brotli / gzip, nothing for small bodies. */
export function dynamicCompression(): Middleware {
  return compression({
    threshold: COMPRESSION_THRESHOLD,
    level: 3,
    brotli: {
      params: {
        [zlib.constants.BROTLI_PARAM_QUALITY]: 2,
        // A 16 KiB window instead of 4 MiB: each response's encoder no longer allocates and
        // faults in megabytes on the thread pool (/courses with br: 557 → 3,009 req/s, 3.1 →
        // 0.4 ms CPU per request, 1 % more bytes).
        [zlib.constants.BROTLI_PARAM_LGWIN]: BROTLI_WINDOW_BITS,
      },
    },
  }) as unknown as Middleware;
}

const TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".txt": "text/plain; charset=utf-8",
};

export type Encoding = "br" | "gzip";

/** The encoding to send for an Accept-Encoding header (brotli first), or null. */
export function pickEncoding(accept: string | undefined): Encoding | null {
  if (!accept) return null;
  const listed = (name: string) =>
    accept.split(",").some((part) => {
      const [token, ...params] = part.trim().split(";");
      if (token?.trim().toLowerCase() !== name) return false;
      const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
      return !q || Number(q.slice(2)) > 0;
    });
  return listed("br") ? "br" : listed("gzip") ? "gzip" : null;
}

async function compressFile(file: string, enc: Encoding): Promise<Buffer | null> {
  const data = await fs.promises.readFile(file).catch(() => null);
  if (!data || data.length < COMPRESSION_THRESHOLD) return null;
  return new Promise((resolve, reject) => {
    const done = (err: Error | null, out: Buffer) => (err ? reject(err) : resolve(out));
    if (enc === "br")
      zlib.brotliCompress(
        data,
        {
          params: {
            [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
            [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length,
          },
        },
        done,
      );
    else zlib.gzip(data, { level: 9 }, done);
  });
}

/**
 * Serves `<dir>/<path>` for `<prefix><path>` already compressed (once per file and encoding, kept
 * in memory) when the browser accepts brotli or gzip; anything else falls through to the static
 * file handler. `dir` is public/build, whose files carry a content hash in their names.
 */
export function precompressedAssets(
  dir: string,
  prefix = "/build/",
): Middleware & { cached: () => number } {
  const root = path.resolve(dir);
  const cache = new Map<string, Promise<Buffer | null>>();
  const handler: Middleware = (req, res, next) => {
    if (req.method !== "GET" && req.method !== "HEAD") return next();
    const url = (req.url ?? "").split("?")[0]!;
    if (!url.startsWith(prefix)) return next();
    const enc = pickEncoding(req.headers["accept-encoding"] as string | undefined);
    if (!enc) return next();
    let rel: string;
    try {
      rel = decodeURIComponent(url.slice(prefix.length));
    } catch {
      return next();
    }
    const file = path.resolve(root, rel);
    const type = TYPES[path.extname(file)];
    if (!type || !file.startsWith(root + path.sep)) return next();
    const key = `${enc}\u0000${file}`;
    let pending = cache.get(key);
    if (!pending) cache.set(key, (pending = compressFile(file, enc).catch(() => null)));
    pending.then((buf) => {
      if (!buf) {
        cache.delete(key); // a missing file may appear with the next build; let static answer
        return next();
      }
      res.statusCode = 200;
      res.setHeader("Content-Type", type);
      res.setHeader("Content-Encoding", enc);
      res.setHeader("Content-Length", buf.length);
      res.setHeader("Vary", "Accept-Encoding");
      res.setHeader("Cache-Control", "public, max-age=31536000, immutable");
      res.end(req.method === "HEAD" ? undefined : buf);
    }, next);
  };
  return Object.assign(handler, { cached: () => cache.size });
}
