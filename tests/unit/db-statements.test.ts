/** The statement cache of db/client.ts: compiled once, modes reset, never shared mid-iteration. */
import Database from "better-sqlite3";
import { eq } from "drizzle-orm";
import { cacheStatements } from "@db/client";
import { categories } from "@db/schema";
import { createTestDb, type TestDb } from "@tests/factories/db";

let db: TestDb;
beforeEach(() => {
  db = createTestDb();
});
afterEach(() => db.cleanup());

describe("the prepared-statement cache", () => {
  it("hands out the compiled statement again for the same SQL", () => {
    const a = db.$client.prepare("select 1 as one");
    expect(db.$client.prepare("select 1 as one")).toBe(a);
    expect(db.$client.prepare("select 2 as two")).not.toBe(a);
  });

  it("switches raw mode off again before a statement is reused", () => {
    db.$client.prepare("select 1 as one").raw(true);
    expect(db.$client.prepare("select 1 as one").get()).toEqual({ one: 1 });
  });

  it("gives drizzle's object reads and raw reads of the same query the right row shapes", () => {
    db.insert(categories).values({ slug: "x", name: "测试", description: "", color: "#000000", sortOrder: 1 }).run();
    for (let i = 0; i < 3; i++) {
      // .get() with selected fields reads raw rows, the sql`` read right after expects objects.
      expect(db.select({ name: categories.name }).from(categories).where(eq(categories.slug, "x")).get()).toEqual({ name: "测试" });
      expect(db.$client.prepare('select "name" from "categories" where "categories"."slug" = ?').get("x")).toEqual({ name: "测试" });
    }
  });

  it("never hands out a statement that is still iterating", () => {
    const sql = "select value from json_each('[1,2,3]')";
    const it = db.$client.prepare(sql).iterate();
    it.next();
    expect(db.$client.prepare(sql).all()).toEqual([{ value: 1 }, { value: 2 }, { value: 3 }]);
    it.return?.();
  });

  it("keeps only the most recently used statements", () => {
    const sqlite = new Database(":memory:");
    cacheStatements(sqlite, 2);
    const first = sqlite.prepare("select 1");
    sqlite.prepare("select 2");
    expect(sqlite.prepare("select 1")).toBe(first); // used again: now the most recent
    sqlite.prepare("select 3"); // evicts "select 2"
    const second = sqlite.prepare("select 2");
    expect(sqlite.prepare("select 2")).toBe(second);
    expect(sqlite.prepare("select 1")).not.toBe(first); // evicted by "select 2" coming back
    sqlite.close();
  });
});
