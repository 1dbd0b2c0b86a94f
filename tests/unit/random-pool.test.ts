/**
 * Request ids and CSP nonces come from a block of random bytes (utils/random.server.ts): each slice
 * is handed out once, blocks are not reused, and one `crypto.randomBytes` call serves many requests.
 */
import crypto from "node:crypto";
import { freshNonce, randomBytesFromPool } from "~/utils/random.server";
import { newId } from "~/utils/log.server";

afterEach(() => vi.restoreAllMocks());

describe("random bytes from a pool", () => {
  it("never hands out the same nonce or id twice, across many blocks", () => {
    const nonces = new Set(Array.from({ length: 5000 }, freshNonce));
    expect(nonces.size).toBe(5000);
    for (const n of [...nonces].slice(0, 50)) expect(Buffer.from(n, "base64")).toHaveLength(16);
    const ids = Array.from({ length: 2000 }, newId);
    expect(new Set(ids).size).toBeGreaterThan(1990); // 40 bits each: a clash is possible, not likely
    for (const id of ids.slice(0, 50)) expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{8}$/);
  });

  it("a slice handed out keeps its bytes when the next block is drawn", () => {
    const first = randomBytesFromPool(16);
    const copy = Buffer.from(first);
    for (let i = 0; i < 1000; i++) randomBytesFromPool(16);
    expect(first.equals(copy)).toBe(true);
    expect(randomBytesFromPool(10_000)).toHaveLength(10_000);
  });

  it("draws from crypto once per block, not once per request", () => {
    const draws = vi.spyOn(crypto, "randomBytes");
    for (let i = 0; i < 1000; i++) {
      freshNonce();
      newId();
    }
    // 24 bytes a request, 4 KiB a block: 6 blocks for 1,000 requests.
    expect(draws.mock.calls.length).toBeGreaterThan(0);
    expect(draws.mock.calls.length).toBeLessThanOrEqual(7);
  });
});
