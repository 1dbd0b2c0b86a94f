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

/** Whether an Accept-Encoding header lists `name` (without q=0). */
export function acceptsEncoding(accept: string | undefined, name: Encoding): boolean {
  if (!accept) return false;
  return accept.split(",").some((part) => {
    const [token, ...params] = part.trim().split(";");
    if (token?.trim().toLowerCase() !== name) return false;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    return !q || Number(q.slice(2)) > 0;
  });
}

/** The encoding to send for an Accept-Encoding header (brotli first), or null. */
export function pickEncoding(accept: string | undefined): Encoding | null {
  return acceptsEncoding(accept, "br") ? "br" : acceptsEncoding(accept, "gzip") ? "gzip" : null;
}

/**
 * A text that is the same in every response but for a few slots (a cached page and its CSP
 * nonce), cut at its slots once, each piece already UTF-8. `spliceText` then makes a response's
 * bytes by copying the pieces around its value: filling the text and encoding it again cost about
 * 70 µs per hit for a 30 KB page (a third of the cached /courses hit in the server, profiled under
 * the enrol loop), the copy about 10.
 */
export type SlottedText = {
  pieces: Buffer[];
  /** Bytes held, for a cache's accounting. */
  bytes: number;
};

export function cutAtSlots(text: string, slot: string): SlottedText {
  const pieces = text.split(slot).map((piece) => Buffer.from(piece));
  return { pieces, bytes: pieces.reduce((n, b) => n + b.length, 0) };
}

/** The text's UTF-8 bytes with `value` in every slot. */
export function spliceText(text: SlottedText, value: string): Buffer {
  const fill = Buffer.from(value);
  const out = Buffer.allocUnsafe(text.bytes + fill.length * (text.pieces.length - 1));
  let at = 0;
  text.pieces.forEach((piece, i) => {
    if (i > 0) at += fill.copy(out, at);
    at += piece.copy(out, at);
  });
  return out;
}

/**
 * The same text compressed once, as gzip that each response's slot value (of one fixed length) is
 * spliced into.
 *
 * Each piece between two slots is raw deflate ending in a sync flush (byte-aligned, not final),
 * compressed with the preceding 32 KiB of the text as its preset dictionary, the slots in it
 * zeros. So its back-references reach across the slots to earlier pieces exactly as a decoder's
 * window holds them (distances count the slot's real length), and none can point into a slot: a
 * match of zeros needs zeros in the text, and a text with a NUL is not compressed this way. A slot
 * goes out as a stored block. The result is as small as gzip -9 of the whole page (/courses:
 * 6,140 bytes; brotli at quality 2, as sent on the fly, 6,790), and a response costs a CRC-32 of
 * the page (about 7 µs for 29 KB) instead of compressing it: cached public pages asked for with a
 * browser's Accept-Encoding went from 1,099–1,518 to 2,754–3,099 req/s (pages bench, side by side).
 */
export type SlottedGzip = {
  pieces: Buffer[];
  deflated: Buffer[];
  /** Each piece's CRC-32 and its length's combining operator (crc32Combiner). */
  crcs: number[];
  shifts: number[];
  slotLength: number;
  /** Bytes held beyond the text's own pieces, for a cache's accounting. */
  bytes: number;
};

const DEFLATE_WINDOW = 32 * 1024;
const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
/** An empty stored block marked final. */
const GZIP_LAST_BLOCK = Buffer.from([1, 0, 0, 0xff, 0xff]);

/** The cut text compressed once (null when the text holds a NUL). */
export function gzipAroundSlots(text: SlottedText, slotLength: number): SlottedGzip | null {
  const { pieces } = text;
  if (pieces.some((piece) => piece.includes(0))) return null;
  const zeros = Buffer.alloc(slotLength);
  let window = Buffer.alloc(0);
  const deflated = pieces.map((piece) => {
    const out = zlib.deflateRawSync(piece, {
      level: 9,
      finishFlush: zlib.constants.Z_SYNC_FLUSH,
      ...(window.length ? { dictionary: window } : {}),
    });
    window = Buffer.concat([window, piece, zeros]).subarray(-DEFLATE_WINDOW);
    return out;
  });
  const bytes = deflated.reduce((n, b) => n + b.length, 0);
  const crcs = pieces.map((piece) => zlib.crc32(piece));
  const shifts = pieces.map((piece) => crc32Combiner(piece.length));
  return { pieces, deflated, crcs, shifts, slotLength, bytes };
}

/** The gzip of the text with `value` in every slot. */
export function spliceGzip(gz: SlottedGzip, value: string): Buffer {
  const fill = Buffer.from(value);
  if (fill.length !== gz.slotLength)
    throw new Error(`slot value of ${fill.length} bytes, expected ${gz.slotLength}`);
  const stored = Buffer.alloc(5 + fill.length); // BFINAL 0, BTYPE 00, LEN, NLEN, the bytes
  stored.writeUInt16LE(fill.length, 1);
  stored.writeUInt16LE(~fill.length & 0xffff, 3);
  fill.copy(stored, 5);
  const out: Buffer[] = [GZIP_HEADER];
  // The CRC of the whole from the pieces' own, kept: CRC-32 of the page for every response was a
  // tenth of a cached gzip hit's CPU.
  const fillCrc = zlib.crc32(fill);
  const fillShift = crc32Combiner(fill.length);
  let crc = 0;
  let length = 0;
  gz.pieces.forEach((piece, i) => {
    out.push(gz.deflated[i]!);
    crc = crc32Combine(crc, gz.crcs[i]!, gz.shifts[i]!);
    length += piece.length;
    if (i === gz.pieces.length - 1) return;
    out.push(stored);
    crc = crc32Combine(crc, fillCrc, fillShift);
    length += fill.length;
  });
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc >>> 0, 0);
  trailer.writeUInt32LE(length >>> 0, 4);
  out.push(GZIP_LAST_BLOCK, trailer);
  return Buffer.concat(out);
}

/*
 * CRC-32 of two texts joined, from the CRC of each and the second's length, as zlib's
 * crc32_combine_gen / crc32_combine_op (zlib 1.2.12+, crc32.c; Node does not expose them):
 * polynomials over GF(2), bit-reflected, modulo the CRC-32 polynomial.
 */
const CRC32_POLY = 0xedb88320;

/** a(x) · b(x) modulo the CRC-32 polynomial (a ≠ 0). */
function multModP(a: number, b: number) {
  let m = 0x80000000;
  let p = 0;
  for (;;) {
    if (a & m) {
      p ^= b;
      if ((a & (m - 1)) === 0) break;
    }
    m >>>= 1;
    b = b & 1 ? (b >>> 1) ^ CRC32_POLY : b >>> 1;
  }
  return p >>> 0;
}

/** x^(2^k) modulo the polynomial, k = 0…31. */
const X2N = (() => {
  const table = new Array<number>(32);
  let p = 0x40000000; // x^1
  table[0] = p;
  for (let k = 1; k < 32; k++) table[k] = p = multModP(p, p);
  return table;
})();

/** The operator that shifts a CRC over `length` bytes (x^(8·length) modulo the polynomial). */
export function crc32Combiner(length: number) {
  let p = 0x80000000; // x^0
  for (let n = length, k = 3; n > 0; n = Math.floor(n / 2), k++)
    if (n % 2) p = multModP(X2N[k % 32]!, p);
  return p;
}

/** CRC-32 of A then B, from crc(A), crc(B) and crc32Combiner(B's length). */
export function crc32Combine(crcA: number, crcB: number, shiftB: number) {
  return (multModP(shiftB, crcA) ^ crcB) >>> 0;
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
