/**
 * Dynamic compression (app/utils/compression.server.ts) over real HTTP: a page goes out as brotli
 * with a small window (the default 4 MiB window, allocated for every response, cost 3 ms of CPU per
 * page under load), decodes to the same bytes, and small bodies go out as they are.
 */
import type http from "node:http";
import type { AddressInfo } from "node:net";
import zlib from "node:zlib";
import express from "express";
import {
  BROTLI_WINDOW_BITS,
  COMPRESSION_THRESHOLD,
  dynamicCompression,
  crc32Combine,
  crc32Combiner,
  cutAtSlots,
  gzipAroundSlots,
  spliceGzip,
  spliceText,
} from "~/utils/compression.server";
import { httpGetBytes } from "@tests/factories/built-server";

/** The window (log2) a brotli stream declares in its first bits (RFC 7932, section 9.1). */
function brotliWindowBits(b: Buffer) {
  const byte = b[0]!;
  if ((byte & 1) === 0) return 16;
  const n = (byte >> 1) & 7;
  if (n) return 17 + n;
  const m = (byte >> 4) & 7;
  return m ? 8 + m : 17;
}

let server: http.Server;
let url: string;
const page = `<!DOCTYPE html><html><body>${"<p>社区书院课程</p>".repeat(3000)}</body></html>`;

beforeAll(async () => {
  const app = express();
  app.use(dynamicCompression());
  app.get("/page", (_req, res) => res.type("html").send(page));
  app.get("/small", (_req, res) => res.type("html").send("<p>小</p>"));
  server = app.listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => server?.close());

const get = (p: string, encoding: string) => httpGetBytes(url + p, { "accept-encoding": encoding });

describe("dynamic compression", () => {
  it("sends brotli with a small window that decodes to the page", async () => {
    const r = await get("/page", "gzip, deflate, br");
    expect(r.headers["content-encoding"]).toBe("br");
    expect(r.headers.vary).toMatch(/accept-encoding/i);
    expect(brotliWindowBits(r.body)).toBe(BROTLI_WINDOW_BITS);
    expect(BROTLI_WINDOW_BITS).toBeLessThanOrEqual(16);
    expect(zlib.brotliDecompressSync(r.body).toString()).toBe(page);
    expect(r.body.length).toBeLessThan(Buffer.byteLength(page) / 10);
  });

  it("falls back to gzip, and leaves small bodies alone", async () => {
    const g = await get("/page", "gzip");
    expect(g.headers["content-encoding"]).toBe("gzip");
    expect(zlib.gunzipSync(g.body).toString()).toBe(page);
    const s = await get("/small", "gzip, deflate, br");
    expect(s.headers["content-encoding"]).toBeUndefined();
    expect(s.body.length).toBeLessThan(COMPRESSION_THRESHOLD);
  });
});

describe("CRC-32 of two texts joined, from each one's CRC", () => {
  it("equals the CRC of the joined bytes, for empty, short and long texts", () => {
    let seed = 7;
    const bytes = (n: number) =>
      Buffer.from(
        Array.from({ length: n }, () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24),
      );
    for (const [a, b] of [
      [0, 0],
      [0, 5],
      [5, 0],
      [1, 1],
      [24, 29_000],
      [29_000, 24],
      [70_000, 131_073],
    ] as const) {
      const [x, y] = [bytes(a), bytes(b)];
      expect(crc32Combine(zlib.crc32(x), zlib.crc32(y), crc32Combiner(b)), `${a} + ${b}`).toBe(
        zlib.crc32(Buffer.concat([x, y])),
      );
    }
  });
});

describe("gzip compressed once around slots", () => {
  const SLOT = "SlotPlaceholder0123456789abcdefghij";
  // Slots early, in the middle and last; text that repeats across them (back-references reach
  // over a slot), Chinese text (bytes ≠ characters), and a piece longer than the 32 KiB window.
  const text =
    `<script nonce="${SLOT}">1</script>` +
    "<p>社区书院·课程目录</p>".repeat(2500) +
    `<script nonce="${SLOT}">2</script><p>社区书院·课程目录</p>` +
    `<style nonce="${SLOT}"></style>`;

  it("decodes to the text with each response's value in every slot", () => {
    const gz = gzipAroundSlots(cutAtSlots(text, SLOT), 24)!;
    for (const value of ["AAAAAAAAAAAAAAAAAAAAAA==", "q8/+Zx0Yw1bN3kLm9PqRsA=="]) {
      const out = spliceGzip(gz, value);
      expect(zlib.gunzipSync(out).toString()).toBe(text.replaceAll(SLOT, value));
    }
    // About as small as compressing the whole text: each of the 4 pieces ends its own block
    // (a flush, its own code tables) and each slot goes out stored, a few dozen bytes each.
    const whole = zlib.gzipSync(text.replaceAll(SLOT, "A".repeat(24)), { level: 9 }).length;
    expect(spliceGzip(gz, "A".repeat(24)).length).toBeLessThan(whole + 4 * 40);
  });

  it("splices plain bytes too: the text's UTF-8 with each value in every slot, of any length", () => {
    const cut = cutAtSlots(text, SLOT);
    expect(cut.bytes).toBe(Buffer.byteLength(text.replaceAll(SLOT, "")));
    for (const value of ["q8/+Zx0Yw1bN3kLm9PqRsA==", "", "名"])
      expect(spliceText(cut, value).toString()).toBe(text.replaceAll(SLOT, value));
    expect(spliceText(cutAtSlots("没有空位", SLOT), "x").toString()).toBe("没有空位");
  });

  it("refuses a text with a NUL, and a value of another length", () => {
    expect(gzipAroundSlots(cutAtSlots(`a\0b${SLOT}c`, SLOT), 24)).toBeNull();
    const gz = gzipAroundSlots(cutAtSlots(`<p>${SLOT}</p>`, SLOT), 24)!;
    expect(() => spliceGzip(gz, "short")).toThrow(/24/);
    expect(zlib.gunzipSync(spliceGzip(gz, "x".repeat(24))).toString()).toBe(
      `<p>${"x".repeat(24)}</p>`,
    );
  });
});
