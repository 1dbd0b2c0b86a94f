import {
  CHECKIN_SLOT_MS,
  PASS_TTL_MS,
  signCheckinPass,
  verifyCheckinCode,
  checkinWindowProblem,
  nextRotation,
  signCheckinToken,
  slotOf,
  verifyCheckinToken,
} from "~/modules/learning/checkin-token";

const SECRET = "test-secret-0123456789abcdef";
const T0 = Date.UTC(2026, 10, 27, 6, 0, 0); // 14:00 in Xiamen

describe("check-in token rotation", () => {
  it("is accepted in its own slot and the next one, refused two slots later", () => {
    const token = signCheckinToken(SECRET, 42, T0);
    expect(verifyCheckinToken(SECRET, token, T0)).toEqual({
      ok: true,
      sessionId: 42,
      slot: slotOf(T0),
    });
    expect(verifyCheckinToken(SECRET, token, T0 + CHECKIN_SLOT_MS).ok).toBe(true);
    expect(verifyCheckinToken(SECRET, token, T0 + 2 * CHECKIN_SLOT_MS)).toEqual({
      ok: false,
      reason: "expired",
      sessionId: 42,
    });
    expect(verifyCheckinToken(SECRET, token, T0 + 60 * CHECKIN_SLOT_MS).ok).toBe(false);
  });

  it("changes every 30 seconds", () => {
    const a = signCheckinToken(SECRET, 42, T0);
    const b = signCheckinToken(SECRET, 42, T0 + CHECKIN_SLOT_MS);
    expect(a).not.toBe(b);
    expect(signCheckinToken(SECRET, 42, slotOf(T0) * CHECKIN_SLOT_MS + 29_999)).toBe(a);
    expect(nextRotation(T0)).toBe((slotOf(T0) + 1) * CHECKIN_SLOT_MS);
  });

  it("refuses a forged mac, a swapped session id, a future slot and another server's secret", () => {
    const token = signCheckinToken(SECRET, 42, T0);
    const [id, slot, mac] = token.split(".");
    const flipped = mac!.slice(0, -1) + (mac!.endsWith("A") ? "B" : "A");
    expect(verifyCheckinToken(SECRET, `${id}.${slot}.${flipped}`, T0)).toEqual({
      ok: false,
      reason: "forged",
    });
    expect(verifyCheckinToken(SECRET, `43.${slot}.${mac}`, T0)).toEqual({
      ok: false,
      reason: "forged",
    });
    expect(verifyCheckinToken(SECRET, `${id}.${Number(slot) + 1}.${mac}`, T0)).toEqual({
      ok: false,
      reason: "forged",
    });
    const future = signCheckinToken(SECRET, 42, T0 + 5 * CHECKIN_SLOT_MS);
    expect(verifyCheckinToken(SECRET, future, T0)).toEqual({ ok: false, reason: "forged" });
    expect(verifyCheckinToken("another-secret-xxxxxxxxxxxx", token, T0)).toEqual({
      ok: false,
      reason: "forged",
    });
  });

  it("refuses malformed input", () => {
    for (const bad of [
      "",
      "abc",
      "42",
      "42.1.",
      "0.1.AAAAAAAAAAAAAAAAAAAAAA",
      "42.x.AAAAAAAAAAAAAAAAAAAAAA",
      "42.1.AAAA/AAAAAAAAAAAAAAAAA",
      "42.1.AAAAAAAAAAAAAAAAAAAAAA.extra",
    ]) {
      expect(verifyCheckinToken(SECRET, bad, T0)).toEqual({ ok: false, reason: "malformed" });
    }
  });
});

describe("scan pass (after a valid scan, time to log in)", () => {
  it("lasts ten minutes and cannot be stretched or moved to another session", () => {
    const pass = signCheckinPass(SECRET, 42, T0);
    expect(verifyCheckinCode(SECRET, pass, T0 + PASS_TTL_MS)).toMatchObject({
      ok: true,
      sessionId: 42,
    });
    expect(verifyCheckinCode(SECRET, pass, T0 + PASS_TTL_MS + 1)).toEqual({
      ok: false,
      reason: "expired",
      sessionId: 42,
    });
    const [, , exp, mac] = pass.split(".");
    expect(verifyCheckinCode(SECRET, `p.42.${Number(exp) + 3_600_000}.${mac}`, T0)).toEqual({
      ok: false,
      reason: "forged",
    });
    expect(verifyCheckinCode(SECRET, `p.43.${exp}.${mac}`, T0)).toEqual({
      ok: false,
      reason: "forged",
    });
    expect(verifyCheckinCode(SECRET, "p.42.1.x", T0)).toEqual({ ok: false, reason: "malformed" });
  });
  it("routes rotating tokens through the 30-second check", () => {
    const token = signCheckinToken(SECRET, 42, T0);
    expect(verifyCheckinCode(SECRET, token, T0).ok).toBe(true);
    expect(verifyCheckinCode(SECRET, token, T0 + 2 * CHECKIN_SLOT_MS).ok).toBe(false);
  });
});

describe("check-in window", () => {
  const session = { startsAt: T0, endsAt: T0 + 90 * 60_000, status: "scheduled" };
  it("opens 30 minutes before the start and closes at the end", () => {
    expect(checkinWindowProblem(session, T0 - 31 * 60_000)).toBe("not_open");
    expect(checkinWindowProblem(session, T0 - 30 * 60_000)).toBeNull();
    expect(checkinWindowProblem(session, T0 + 45 * 60_000)).toBeNull();
    expect(checkinWindowProblem(session, session.endsAt)).toBeNull();
    expect(checkinWindowProblem(session, session.endsAt + 1)).toBe("closed");
  });
  it("is never open for a cancelled session", () => {
    expect(checkinWindowProblem({ ...session, status: "cancelled" }, T0)).toBe("cancelled");
  });
});
