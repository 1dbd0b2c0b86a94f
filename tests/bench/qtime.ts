import Database from "better-sqlite3";
import { eq } from "drizzle-orm";
import { openDatabase } from "@db/client";
import { users } from "@db/schema";
import { learningRecord } from "~/modules/learning/record.server";

const file = process.argv[2]!;
const proto = (Database as any).prototype;
const stats = new Map<string, { n: number; ms: number }>();
const origPrepare = proto.prepare;
proto.prepare = function (sqlText: string, ...rest: unknown[]) {
  const st = origPrepare.call(this, sqlText, ...rest);
  for (const m of ["all", "get", "run", "iterate"]) {
    const orig = st[m].bind(st);
    st[m] = (...a: unknown[]) => {
      const t = performance.now();
      const r = orig(...a);
      const e = stats.get(sqlText) ?? { n: 0, ms: 0 };
      e.n++;
      e.ms += performance.now() - t;
      stats.set(sqlText, e);
      return r;
    };
  }
  return st;
};
const db = openDatabase(file);
const u = db.select().from(users).where(eq(users.phone, "13900000006")).get()!;
const actor = { id: u.id, name: u.name, phone: u.phone, homeAcademyId: u.homeAcademyId, roles: [{ role: "resident" as const, scopeType: "city" as const, scopeId: 0 }] };
const N = 200;
const t = performance.now();
for (let i = 0; i < N; i++) learningRecord(db, actor, Date.now(), { pastLimit: 10 });
console.log(`learningRecord: ${((performance.now() - t) / N).toFixed(2)} ms per call`);
for (const [s, e] of [...stats].sort((a, b) => b[1].ms - a[1].ms).slice(0, 10))
  console.log(`${(e.ms / N).toFixed(3)} ms/call  n=${e.n}  ${s.replace(/\s+/g, " ").slice(0, 300)}`);
