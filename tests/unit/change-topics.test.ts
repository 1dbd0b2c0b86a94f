/**
 * Change topics (db/change-topics.ts): every table of the migrated schema has a topic and the
 * three triggers that bump it; topicStamp moves with its topics' writes only (this connection's,
 * another connection's, not a rolled-back one); memoUntilChange with topics keeps its entry
 * through writes elsewhere.
 */
import { sql } from "drizzle-orm";
import { memoUntilChange, openDatabase, topicCounters, topicStamp } from "@db/client";
import {
  TABLE_TOPICS,
  TOPICS,
  VIRTUAL_TOPICS,
  tableTriggers,
  triggerName,
} from "@db/change-topics";
import { categories, notifications } from "@db/schema";
import { createTestDb, type TestDb } from "@tests/factories/db";
import { createUser } from "@tests/factories/users";

let db: TestDb;
beforeEach(() => {
  db = createTestDb();
});
afterEach(() => db.cleanup());

const schemaRows = (type: string) =>
  db.$client.prepare("SELECT name, tbl_name, sql FROM sqlite_schema WHERE type = ?").all(type) as {
    name: string;
    tbl_name: string;
    sql: string | null;
  }[];

describe("every table has a topic and its triggers", () => {
  it("maps each table of the migrated schema (but SQLite's, drizzle's, FTS and change_topics) to a topic", () => {
    const tables = schemaRows("table").map((r) => r.name);
    const virtuals = schemaRows("table")
      .filter((r) => r.sql?.startsWith("CREATE VIRTUAL"))
      .map((r) => r.name);
    expect(new Set(virtuals)).toEqual(new Set(Object.keys(VIRTUAL_TOPICS)));
    const tracked = tables.filter(
      (t) =>
        t !== "change_topics" &&
        t !== "__drizzle_migrations" &&
        !t.startsWith("sqlite_") &&
        !virtuals.some((v) => t === v || t.startsWith(`${v}_`)),
    );
    expect(tracked.length).toBeGreaterThan(50);
    expect(tracked.filter((t) => !TABLE_TOPICS[t])).toEqual([]);
    expect(Object.keys(TABLE_TOPICS).filter((t) => !tracked.includes(t))).toEqual([]);
    for (const topic of Object.values(TABLE_TOPICS)) expect(TOPICS).toContain(topic);
  });

  it("has the three triggers of every table word for word (a rebuilt table loses them)", () => {
    const triggers = new Map(schemaRows("trigger").map((r) => [r.name, r]));
    const missing: string[] = [];
    for (const table of Object.keys(TABLE_TOPICS)) {
      const want = tableTriggers(table);
      (["insert", "update", "delete"] as const).forEach((op, i) => {
        const t = triggers.get(triggerName(table, op));
        if (t?.sql !== want[i] || t.tbl_name !== table) missing.push(triggerName(table, op));
      });
    }
    expect(missing).toEqual([]);
    expect(topicCounters(db)).toEqual(new Map(TOPICS.map((t) => [t, 0])));
  });

  it("bumps exactly the written table's topic, once per row, for insert, update and delete", () => {
    const before = topicCounters(db);
    db.insert(categories)
      .values([
        { slug: "a", name: "甲", color: "#000000" },
        { slug: "b", name: "乙", color: "#000000" },
      ])
      .run();
    db.update(categories)
      .set({ name: "丙" })
      .where(sql`slug = 'a'`)
      .run();
    db.delete(categories)
      .where(sql`slug = 'b'`)
      .run();
    const after = topicCounters(db);
    for (const t of TOPICS)
      expect(after.get(t), t).toBe(before.get(t)! + (t === "catalog" ? 4 : 0));
  });
});

describe("topicStamp and memoUntilChange with topics", () => {
  const names = memoUntilChange<string[]>(10, ["catalog"]);
  let computed = 0;
  const read = () =>
    names(db, "all", () => {
      computed++;
      return db
        .select({ name: categories.name })
        .from(categories)
        .all()
        .map((r) => r.name);
    });

  it("keeps a catalog listing through private writes, drops it on a catalog write", async () => {
    computed = 0;
    expect(read()).toEqual([]);
    const user = await createUser(db); // people
    db.insert(notifications)
      .values({ userId: user.id, title: "t", body: "b", createdAt: Date.now() })
      .run();
    expect(read()).toEqual([]);
    expect(computed).toBe(1);
    db.insert(categories).values({ slug: "a", name: "甲", color: "#000000" }).run();
    expect(read()).toEqual(["甲"]);
    expect(computed).toBe(2);
  });

  it("sees another connection's commit, and not a rolled-back write", () => {
    const stamp = topicStamp(db, ["catalog", "network"]);
    expect(stamp).toBe("catalog=0;network=0;");
    expect(() =>
      db.transaction((tx) => {
        tx.insert(categories).values({ slug: "r", name: "回滚", color: "#000000" }).run();
        expect(topicStamp(db, ["catalog"])).toBe("catalog=1;");
        // Inside the transaction the memo computes but does not fill.
        expect(read()).toEqual(["回滚"]);
        tx.rollback();
      }),
    ).toThrow("Rollback");
    expect(topicStamp(db, ["catalog", "network"])).toBe(stamp);
    expect(read()).toEqual([]);
    const other = openDatabase(db.file);
    try {
      other.insert(categories).values({ slug: "o", name: "别处", color: "#000000" }).run();
    } finally {
      other.$client.close();
    }
    expect(topicStamp(db, ["catalog", "network"])).toBe("catalog=1;network=0;");
    expect(read()).toEqual(["别处"]);
  });

  it("falls back to the global change stamp for a topic it does not know", () => {
    const s = topicStamp(db, ["nosuch" as never]);
    expect(s).not.toContain("nosuch");
    db.insert(categories).values({ slug: "x", name: "某", color: "#000000" }).run();
    expect(topicStamp(db, ["nosuch" as never])).not.toBe(s);
  });
});
