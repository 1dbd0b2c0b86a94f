/**
 * The statements of enrol and cancel, as SQLite plans them on a database the way production has
 * it: the real migrations and no ANALYZE statistics. Each one must reach the enrolments it needs
 * through an index on the run or the person, never walk the table or an index that matches most of
 * it (family_member_id IS NULL is true of nearly every enrolment).
 */
import { explainWithNulls, type TestDb } from "@tests/factories/db";
import { cancelEnrollment, enroll } from "~/modules/enrollment/enroll.server";
import {
  addMember,
  createOpenRun,
  createResidents,
  freshEnrollmentDb,
} from "@tests/factories/enrollment";
import { schedulingWorld } from "@tests/factories/scheduling";

let db: TestDb;
beforeEach(() => {
  db = freshEnrollmentDb();
});
afterEach(() => db.cleanup());

/** Every SQL text `work` prepares on the connection (observed, not replaced). */
async function statementsOf(work: () => Promise<unknown>) {
  const client = db.$client;
  const original = client.prepare;
  const seen = new Set<string>();
  client.prepare = function (this: typeof client, source: string) {
    seen.add(source);
    return original.call(this, source);
  } as typeof client.prepare;
  try {
    await work();
  } finally {
    client.prepare = original;
  }
  return [...seen];
}

function plansOn(table: string, statements: string[]) {
  const out: { sql: string; plan: string }[] = [];
  for (const s of statements) {
    if (!new RegExp(`\\b${table}\\b`).test(s)) continue;
    const rows = explainWithNulls<{ detail: string }>(db.$client, "EXPLAIN QUERY PLAN", s);
    // The plan names the table by its alias when the SQL gives one (`activity_registrations r`).
    const alias = new RegExp(`\\b${table}"?\\s+(?:AS\\s+)?(\\w+)`, "i").exec(s)?.[1];
    const names = [
      table,
      ...(alias && !/^(where|join|inner|left|on|set)$/i.test(alias) ? [alias] : []),
    ];
    for (const r of rows)
      if (names.some((n) => new RegExp(`^(SEARCH|SCAN) ${n}\\b`).test(r.detail)))
        out.push({
          sql: s,
          plan: r.detail.replace(new RegExp(`^(SEARCH|SCAN) \\w+`), `$1 ${table}`),
        });
  }
  return out;
}

describe("enrolment query plans without ANALYZE", () => {
  it("enrol, the duplicate check and cancel search enrolments by run or person only", async () => {
    const w = await schedulingWorld(db);
    const run = createOpenRun(db, w, { capacity: 3 });
    const people = await createResidents(db, 12);
    const [me, other] = people.slice(10);
    const member = addMember(db, other!);
    // Statements are prepared once per connection: observe from the first enrolment on.
    const statements = await statementsOf(async () => {
      // Self-enrolments make family_member_id IS NULL match nearly every row.
      for (const p of people.slice(0, 10)) await enroll(db, p, { runId: run.id });
      await enroll(db, me!, { runId: run.id });
      await enroll(db, other!, { runId: run.id, memberId: member.id });
      await expect(enroll(db, me!, { runId: run.id })).rejects.toMatchObject({
        code: "already_enrolled",
      });
      cancelEnrollment(db, people[0]!, { runId: run.id });
      cancelEnrollment(db, other!, { runId: run.id, memberId: member.id });
    });
    const plans = plansOn("enrollments", statements);
    // The no-show check before a seat reads activity registrations the same way.
    const activityPlans = plansOn("activity_registrations", statements);
    expect(activityPlans.length).toBeGreaterThan(0);
    expect(plans.length).toBeGreaterThan(5);
    // The index on family_member_id serves only a lookup of one member, never `IS NULL`.
    const bad = [...plans, ...activityPlans].filter(
      (p) =>
        /\bSCAN (enrollments|activity_registrations)\b/.test(p.plan) ||
        (/_member_idx/.test(p.plan) && !/family_member_id"? = \?/.test(p.sql)),
    );
    // Joining the waitlist finds the run's last queue key by index seeks on (run, status), not by
    // walking every enrolment of the run (a burst of 1,000 made that quadratic).
    const join = plans.filter((p) => /^\s*INSERT INTO enrollments[\s\S]*'waitlisted'/.test(p.sql));
    expect(join.length).toBeGreaterThan(0);
    for (const p of join) expect(p.plan).toMatch(/\(run_id=\? AND status=\?\)/);
    // The duplicate check is the lookup of one row in a partial UNIQUE index.
    expect(plans.map((p) => p.plan)).toContainEqual(
      expect.stringContaining("enrollments_self_active_unique"),
    );
    expect(bad).toEqual([]);
  });
});
