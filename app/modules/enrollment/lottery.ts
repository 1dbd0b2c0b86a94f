/**
 * 抽签 without the database: a seeded, reproducible shuffle. Anyone holding the recorded seed and
 * the applicant list can recompute the drawn order (see `drawOrder`) and compare it with the result.
 */
import { sha256 } from "@oslojs/crypto/sha2";
import { encodeHexLowerCase } from "@oslojs/encoding";

/** A fresh random seed: 16 random bytes as 32 hex characters. */
export function newSeed() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return encodeHexLowerCase(bytes);
}

/**
 * A deterministic PRNG (xoshiro128**) seeded by the SHA-256 of the seed text, so any seed string
 * (hex, a date, a public lottery number) gives a well-mixed 128-bit state.
 */
export function seededRandom(seed: string) {
  const h = sha256(new TextEncoder().encode(seed));
  const view = new DataView(h.buffer, h.byteOffset, h.byteLength);
  let a = view.getUint32(0) | 0;
  let b = view.getUint32(4) | 0;
  let c = view.getUint32(8) | 0;
  let d = view.getUint32(12) | 0;
  if ((a | b | c | d) === 0) a = 1;
  return () => {
    const r = Math.imul(rotl(Math.imul(b, 5), 7), 9);
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return (r >>> 0) / 4294967296;
  };
}

function rotl(x: number, k: number) {
  return (x << k) | (x >>> (32 - k));
}

/** Fisher–Yates with the seeded PRNG; the input is sorted first so order of arrival never matters. */
export function seededShuffle(ids: readonly number[], seed: string) {
  const out = [...ids].sort((x, y) => x - y);
  const rand = seededRandom(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * The drawn order of a lottery: priority applicants (residents of the academy when the run serves
 * residents first) shuffled first, then everyone else shuffled, each group with its own stream
 * derived from the seed.
 */
export function drawOrder(applicants: readonly { id: number; priority: boolean }[], seed: string) {
  const first = applicants.filter((a) => a.priority).map((a) => a.id);
  const rest = applicants.filter((a) => !a.priority).map((a) => a.id);
  return [...seededShuffle(first, `${seed}:priority`), ...seededShuffle(rest, `${seed}:all`)];
}
