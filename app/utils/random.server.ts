/**
 * Random bytes for every request (its id, its CSP nonce), cut from a 4 KiB block of
 * `crypto.randomBytes`. One call per request cost about 35 µs of main-thread CPU under an enrolment
 * burst (3 % of the server's profile; the call itself, not the bytes); a block serves 170 requests.
 * Every slice is handed out once, and a new block replaces a used one, never overwrites it.
 */
import crypto from "node:crypto";

const BLOCK = 4096;
let block = Buffer.alloc(0);
let at = 0;

export function randomBytesFromPool(n: number): Buffer {
  if (at + n > block.length) {
    block = crypto.randomBytes(Math.max(BLOCK, n));
    at = 0;
  }
  const out = block.subarray(at, at + n);
  at += n;
  return out;
}

const NONCE_BYTES = 16;
/** A CSP nonce: NONCE_BYTES random bytes, base64, so always NONCE_LENGTH characters. */
export const freshNonce = () => randomBytesFromPool(NONCE_BYTES).toString("base64");
export const NONCE_LENGTH = Math.ceil(NONCE_BYTES / 3) * 4;
