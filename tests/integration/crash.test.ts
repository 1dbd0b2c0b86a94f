/**
 * Crash safety, the short form (issue 14): 3 SIGKILLs of the built server under an enrolment load
 * (tests/factories/crash.ts); the 20-kill form is tests/bench/crash.bench.ts in `npm run bench`.
 *
 *   npx vitest run --config tests/vitest.config.ts tests/integration/crash.test.ts
 */
import { ensureBuild } from "@tests/factories/built-server";
import { crashTrial } from "@tests/factories/crash";

beforeAll(() => ensureBuild(), 300_000);

describe("crash safety", () => {
  it("survives SIGKILL under enrolment load: integrity ok, no acknowledged enrolment lost", async () => {
    const report = await crashTrial({ kills: 3, users: 240, log: (s) => console.log(s) });
    expect(report.kills).toBe(3);
    // The load really ran: the server acknowledged enrolments before it was killed.
    expect(report.acknowledged).toBeGreaterThan(0);
    expect(report.integrity, "PRAGMA integrity_check").toEqual([]);
    expect(report.problems).toEqual([]);
    expect(report.lost, "acknowledged enrolments missing after the kills").toBe(0);
    console.log(
      `crash: ${report.kills} kills survived, ${report.acknowledged} acknowledged enrolments, ${report.lost} lost`,
    );
  }, 300_000);
});
