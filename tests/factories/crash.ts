/**
 * Crash safety (issue 14): an enrolment load against the BUILT server, killed with SIGKILL at a
 * random moment, restarted on the same SQLite file, again and again. After every restart:
 * `PRAGMA integrity_check` is ok, no foreign key dangles, and every enrolment the server
 * acknowledged (a 302/303 whose location says confirmed or waitlisted) is in the database, with
 * confirmed seats never above capacity and waitlist places distinct. Used by
 * tests/integration/crash.test.ts (a few kills) and tests/bench/crash.bench.ts (20 kills).
 */
import Database from "better-sqlite3";
import {
  outcomeOf,
  postEnroll,
  prepareEnrollDb,
  startBuiltServer,
  type BuiltServer,
} from "./built-server";

export type CrashReport = {
  kills: number;
  acknowledged: number;
  lost: number;
  integrity: string[];
  problems: string[];
};

function sigkill(server: BuiltServer) {
  const exited = new Promise<void>((r) =>
    server.child.exitCode != null || server.child.signalCode != null
      ? r()
      : server.child.once("exit", () => r()),
  );
  try {
    process.kill(-server.child.pid!, "SIGKILL");
  } catch {
    /* already gone */
  }
  return exited;
}

/** What the database holds after a crash, checked against what the server acknowledged. */
export function checkAfterCrash(
  file: string,
  runId: number,
  capacity: number,
  acknowledged: Map<number, string>,
) {
  const db = new Database(file, { readonly: false });
  try {
    const integrity = (db.pragma("integrity_check") as { integrity_check: string }[]).map(
      (r) => r.integrity_check,
    );
    const problems: string[] = [];
    const fk = db.pragma("foreign_key_check") as unknown[];
    if (fk.length) problems.push(`${fk.length} dangling foreign keys`);
    const rows = db
      .prepare(
        "select user_id as userId, status, queue_key as position from enrollments where run_id = ? and status in ('confirmed', 'waitlisted')",
      )
      .all(runId) as { userId: number; status: string; position: number | null }[];
    const byUser = new Map(rows.map((r) => [r.userId, r]));
    let lost = 0;
    for (const [userId, result] of acknowledged) {
      const row = byUser.get(userId);
      if (!row || row.status !== result) lost++;
    }
    const confirmed = rows.filter((r) => r.status === "confirmed").length;
    if (confirmed > capacity) problems.push(`${confirmed} confirmed in ${capacity} seats`);
    const positions = rows.filter((r) => r.status === "waitlisted").map((r) => r.position);
    if (new Set(positions).size !== positions.length)
      problems.push("two waitlisted people share a queue key");
    return { integrity, lost, problems, rows: rows.length };
  } finally {
    db.close();
  }
}

export async function crashTrial(opts: {
  kills: number;
  users?: number;
  capacity?: number;
  log?: (s: string) => void;
}): Promise<CrashReport> {
  const users = opts.users ?? 400;
  const capacity = opts.capacity ?? 60;
  const prepared = await prepareEnrollDb({ capacity, userCount: users });
  const acknowledged = new Map<number, string>();
  const report: CrashReport = { kills: 0, acknowledged: 0, lost: 0, integrity: [], problems: [] };
  let next = 0;
  try {
    for (let k = 0; k < opts.kills && next < users; k++) {
      const server = await startBuiltServer({
        dbFile: prepared.file,
        env: { LOG_LEVEL: "fatal", DEMO: "0" },
      });
      let dead = false;
      // This round's share of the residents that are left, so that every kill lands under load
      // however fast the machine enrols (a fast one used to finish them all before the 2nd kill).
      const roundEnd = Math.min(users, next + Math.ceil((users - next) / (opts.kills - k)));
      // Eight residents at a time post 报名 until the server dies under them.
      const workers = Array.from({ length: 8 }, async () => {
        while (!dead && next < roundEnd) {
          const i = next++;
          try {
            const r = await postEnroll(server.url, prepared.runId, prepared.tokens[i]!);
            const { result } = outcomeOf(r.location);
            if (
              (r.status === 302 || r.status === 303) &&
              (result === "confirmed" || result === "waitlisted")
            )
              acknowledged.set(prepared.userIds[i]!, result);
          } catch {
            /* the connection died with the server: not acknowledged */
          }
        }
      });
      // Kill mid-load: once this round's first writes were acknowledged, at a random moment after.
      const before = acknowledged.size;
      for (let t = 0; t < 500 && acknowledged.size < before + 3 && next < roundEnd; t++)
        await new Promise((r) => setTimeout(r, 10));
      await new Promise((r) => setTimeout(r, Math.random() * 30));
      dead = true;
      await sigkill(server);
      await Promise.all(workers);
      report.kills++;
      const after = checkAfterCrash(prepared.file, prepared.runId, capacity, acknowledged);
      report.integrity.push(...after.integrity.filter((s) => s !== "ok"));
      report.problems.push(...after.problems.map((p) => `after kill ${k + 1}: ${p}`));
      report.lost = after.lost;
      opts.log?.(
        `kill ${k + 1}: ${acknowledged.size} acknowledged so far, ${after.rows} rows, lost ${after.lost}, integrity ${after.integrity.join(",")}`,
      );
    }
    // A last clean start proves the file still opens, migrates and serves after the kills.
    const server = await startBuiltServer({
      dbFile: prepared.file,
      env: { LOG_LEVEL: "fatal", DEMO: "0" },
    });
    await server.stop();
    const final = checkAfterCrash(prepared.file, prepared.runId, capacity, acknowledged);
    report.integrity.push(...final.integrity.filter((s) => s !== "ok"));
    report.problems.push(...final.problems);
    report.lost = final.lost;
    report.acknowledged = acknowledged.size;
    return report;
  } finally {
    prepared.cleanup();
  }
}
