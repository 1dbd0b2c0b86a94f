import { openDatabase } from "@db/client";
import { loadStatsPage } from "~/modules/stats/pages.server";
import { loadActor } from "~/modules/auth/users.server";
const db = openDatabase(process.env.DB!);
const c = db.$client;
const actor = (p: string) => loadActor(db, c.prepare(`SELECT id, name, phone, home_academy_id homeAcademyId FROM users WHERE phone = ?`).get(p) as any);
const who = actor(process.env.PHONE ?? "13900000001");
const page = (process.env.PAGE ?? "hq") as any;
const aid = (c.prepare(`SELECT id FROM academies WHERE slug='huli-001'`).get() as any).id;
const ts: number[] = [];
for (let i = 0; i < 30; i++) {
  if (process.env.WRITE) c.prepare(`INSERT INTO audit_log (action, target_type, summary, created_at) VALUES ('x','x','x',0)`).run();
  const t = performance.now();
  loadStatsPage(db, who, page, new URL("http://x/" + page + "/stats?p=year"), { academyId: aid });
  ts.push(performance.now() - t);
}
console.log(page, "first", ts[0]!.toFixed(0), "median", ts.sort((a, b) => a - b)[15]!.toFixed(1));
