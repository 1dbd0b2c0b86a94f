import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { MIGRATIONS_FOLDER, migrateDatabase, openDatabase } from "@db/client";
import { seedDistricts } from "@tests/factories/org";
import { createUser } from "@tests/factories/users";

/**
 * The volunteer_activity_fk migration rebuilds volunteer_signups to give activity_id its foreign key. Drizzle runs migrations in
 * one transaction, where `PRAGMA foreign_keys=OFF` is a no-op, so the rebuild's DROP TABLE would
 * cascade into volunteer_hours unless migrateDatabase turns the keys off around it. This migrates
 * a database to the migration before it, writes confirmed hours, then applies the rest and checks nothing was lost.
 */
describe("migrations keep data across a table rebuild", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "academy-migrate-"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("volunteer hours survive the rebuild and activity_id gains its foreign key", async () => {
    const old = path.join(dir, "migrations-before");
    fs.cpSync(MIGRATIONS_FOLDER, old, { recursive: true });
    const journalFile = path.join(old, "meta", "_journal.json");
    const journal = JSON.parse(fs.readFileSync(journalFile, "utf8")) as {
      entries: { idx: number; tag: string }[];
    };
    const upTo = journal.entries.findIndex((e) => e.tag.endsWith("_volunteer_activity_fk"));
    expect(upTo).toBeGreaterThan(0);
    journal.entries = journal.entries.slice(0, upTo);
    fs.writeFileSync(journalFile, JSON.stringify(journal));

    const db = openDatabase(path.join(dir, "db.sqlite"));
    migrateDatabase(db, old);
    const run = (q: string) => db.run(sql.raw(q));
    const d = seedDistricts(db);
    // Raw SQL: the factory writes today's columns, which this older schema does not have yet.
    run(`INSERT INTO academies (id, slug, name, district_id, community, address, opening_hours, population, created_at)
         VALUES (1, 'old-1', '测试社区书院', ${d.huli!.id}, '测试社区', '测试路1号', '每天 9:00–21:00', 10000, 0)`);
    const academy = { id: 1 };
    const user = await createUser(db);
    run(`INSERT INTO organisations (id, academy_id, name, type, leader_id, stage, stage_changed_at, created_at, updated_at)
         VALUES (1, ${academy.id}, '环保志愿队', 'volunteer', ${user.id}, 'founded', 0, 0, 0)`);
    run(
      `INSERT INTO volunteer_signups (id, user_id, academy_id, organisation_id, status, created_at) VALUES (1, ${user.id}, ${academy.id}, 1, 'active', 0)`,
    );
    run(
      `INSERT INTO volunteer_hours (signup_id, user_id, service_date, minutes, confirmed_at) VALUES (1, ${user.id}, '2026-01-10', 150, 0)`,
    );

    const triggers = () =>
      db.all<{ name: string; sql: string }>(
        sql.raw(
          `SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' AND tbl_name LIKE 'volunteer_%' AND name NOT LIKE 'change_topic_%' ORDER BY name`,
        ),
      );
    const before = triggers();
    expect(before.map((t) => t.name)).toContain("stats_volunteer_signup_delete");
    const rollup = () =>
      db.get<{ n: number }>(
        sql.raw(`SELECT coalesce(sum(volunteer_minutes), 0) AS n FROM stats_academy_month`),
      )!.n;
    const rolled = rollup();

    migrateDatabase(db);
    expect(db.get<{ n: number }>(sql.raw(`SELECT sum(minutes) AS n FROM volunteer_hours`))!.n).toBe(
      150,
    );
    // Every trigger on the rebuilt tables is back, word for word (the statistics triggers on
    // volunteer_* included), and still counts. (Later migrations may rewrite triggers elsewhere.)
    expect(triggers()).toEqual(before);
    run(
      `INSERT INTO volunteer_hours (signup_id, user_id, service_date, minutes, confirmed_at) VALUES (1, ${user.id}, '2026-01-11', 30, 0)`,
    );
    expect(rollup()).toBe(rolled + 30);
    const fks = db.all<{ table: string; from: string }>(
      sql.raw(`PRAGMA foreign_key_list(volunteer_signups)`),
    );
    expect(fks.map((f) => `${f.from}→${f.table}`)).toContain("activity_id→activities");
    expect(db.$client.pragma("foreign_keys", { simple: true })).toBe(1);
    db.$client.close();
  });
});
