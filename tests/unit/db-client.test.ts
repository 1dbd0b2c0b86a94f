/** db/client.ts: the statement cache, prepared() queries and the memo dropped on any change. */
import Database from "better-sqlite3";
import { eq, sql } from "drizzle-orm";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import {
  cacheStatements,
  changeStamp,
  commitGeneration,
  memoUntilChange,
  openDatabase,
  prepared,
  topicCounters,
} from "@db/client";
import { collectingChecks, noteCheck, type ReadCheck } from "@db/read-checks";
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

  it("hands out a cached statement with every mode off, whatever the last caller switched on", () => {
    const text = "select 1 as a, 2 as b, 9007199254740993 as big";
    const fresh = db.$client.prepare(text).get();
    expect(fresh).toEqual({ a: 1, b: 2, big: 9007199254740992 });
    const modes: [string, (s: ReturnType<typeof db.$client.prepare>) => void][] = [
      ["raw", (s) => s.raw(true)],
      ["pluck", (s) => s.pluck(true)],
      ["expand", (s) => s.expand(true)],
      ["safeIntegers", (s) => s.safeIntegers(true)],
      ["pluck + safeIntegers", (s) => s.pluck(true).safeIntegers(true)],
    ];
    for (const [name, set] of modes) {
      const stmt = db.$client.prepare(text);
      set(stmt);
      expect(stmt.get(), name).not.toEqual(fresh); // the mode took effect on the cached statement
      const again = db.$client.prepare(text);
      expect(again, name).toBe(stmt); // the same compiled statement came back
      expect(again.get(), `${name} leaked into the next prepare()`).toEqual(fresh);
    }
  });

  it("gives drizzle's object reads and raw reads of the same query the right row shapes", () => {
    db.insert(categories)
      .values({ slug: "x", name: "测试", description: "", color: "#000000", sortOrder: 1 })
      .run();
    for (let i = 0; i < 3; i++) {
      // .get() with selected fields reads raw rows, the sql`` read right after expects objects.
      expect(
        db.select({ name: categories.name }).from(categories).where(eq(categories.slug, "x")).get(),
      ).toEqual({ name: "测试" });
      expect(
        db.$client
          .prepare('select "name" from "categories" where "categories"."slug" = ?')
          .get("x"),
      ).toEqual({ name: "测试" });
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

describe("prepared(): a query built once per connection", () => {
  const bySlug = prepared((d) =>
    d
      .select({ name: categories.name })
      .from(categories)
      .where(eq(categories.slug, sql.placeholder("slug")))
      .prepare(),
  );

  it("runs against the connection it is given, with the values given", () => {
    const other = createTestDb();
    try {
      db.insert(categories).values({ slug: "a", name: "甲", color: "#000000" }).run();
      other.insert(categories).values({ slug: "a", name: "乙", color: "#000000" }).run();
      expect(bySlug(db).get({ slug: "a" })).toEqual({ name: "甲" });
      expect(bySlug(other).get({ slug: "a" })).toEqual({ name: "乙" });
      expect(bySlug(db).get({ slug: "b" })).toBeUndefined();
      expect(bySlug(db)).toBe(bySlug(db));
    } finally {
      other.cleanup();
    }
  });

  it("sees rows written after it was built, inside and outside transactions", () => {
    expect(bySlug(db).get({ slug: "c" })).toBeUndefined();
    db.transaction((tx) => {
      tx.insert(categories).values({ slug: "c", name: "丙", color: "#000000" }).run();
      expect(bySlug(db).get({ slug: "c" })).toEqual({ name: "丙" });
    });
    expect(bySlug(db).get({ slug: "c" })).toEqual({ name: "丙" });
  });
});

describe("memoUntilChange(): read results kept until the database changes", () => {
  const names = memoUntilChange<string[]>(2);
  const read = (d: TestDb, key = "all") =>
    names(d, key, () =>
      d
        .select({ name: categories.name })
        .from(categories)
        .all()
        .map((r) => r.name),
    );

  it("notes a value's checked reads again on every hit, for the page being cached", async () => {
    const memo = memoUntilChange<number>(2);
    const check = () => true;
    const compute = () => {
      noteCheck(check);
      return 7;
    };
    const first: ReadCheck[] = [];
    await collectingChecks(first, async () => expect(memo(db, "k", compute)).toBe(7));
    const again: ReadCheck[] = [];
    await collectingChecks(again, async () =>
      expect(memo(db, "k", () => expect.unreachable("a hit"))).toBe(7),
    );
    expect(first).toEqual([check]);
    expect(again).toEqual([check]);
  });

  it("reuses a result until this connection writes", () => {
    expect(read(db)).toEqual([]);
    const first = read(db);
    expect(read(db)).toBe(first);
    db.insert(categories).values({ slug: "a", name: "甲", color: "#000000" }).run();
    expect(read(db)).toEqual(["甲"]);
  });

  it("drops it when another connection commits", () => {
    expect(read(db)).toEqual([]);
    const second = openDatabase(db.file);
    try {
      const before = changeStamp(db);
      second.insert(categories).values({ slug: "b", name: "乙", color: "#000000" }).run();
      expect(changeStamp(db)).not.toBe(before);
      expect(read(db)).toEqual(["乙"]);
    } finally {
      second.$client.close();
    }
  });

  it("never keeps a result read inside a transaction that rolls back", () => {
    expect(read(db)).toEqual([]);
    expect(() =>
      db.transaction((tx) => {
        tx.insert(categories).values({ slug: "r", name: "回滚", color: "#000000" }).run();
        expect(read(db)).toEqual(["回滚"]); // the transaction sees its own row
        throw new Error("roll back");
      }),
    ).toThrow("roll back");
    // total_changes() moved and stays moved after the rollback: a memo filled inside would match.
    expect(read(db)).toEqual([]);
    expect(read(db, "other")).toEqual([]);
  });

  it("keeps only the most recent keys", () => {
    let computed = 0;
    const memo = memoUntilChange<number>(2);
    const get = (key: string) => memo(db, key, () => ++computed);
    get("a");
    get("b");
    get("a");
    get("c"); // evicts b
    expect(computed).toBe(3);
    get("a");
    expect(computed).toBe(3);
    get("b");
    expect(computed).toBe(4);
  });
});

describe("commitGeneration(): telling from the WAL-index header that nothing was committed", () => {
  const insert = (d: TestDb | ReturnType<typeof openDatabase>, slug: string) =>
    d.insert(categories).values({ slug, name: slug, color: "#000000" }).run();
  /** A commit by another process, as a second server worker or a seed run makes. */
  const commitFromAnotherProcess = (file: string, slug: string) =>
    execFileSync(process.execPath, [
      "-e",
      `const D = require("better-sqlite3"); const d = new D(process.argv[1]);
       d.prepare("insert into categories (slug, name, color) values (?, ?, '#000000')").run(process.argv[2], process.argv[2]);
       d.close();`,
      file,
      slug,
    ]);

  it("stands still while nothing is committed, and moves at every commit of any connection or process", () => {
    const g0 = commitGeneration(db.$client);
    expect(g0).not.toBeNull();
    db.select().from(categories).all();
    expect(commitGeneration(db.$client)).toBe(g0);
    insert(db, "own");
    const g1 = commitGeneration(db.$client);
    expect(g1).not.toBe(g0);
    const second = openDatabase(db.file);
    try {
      insert(second, "same-process");
    } finally {
      second.$client.close();
    }
    const g2 = commitGeneration(db.$client);
    expect(g2).not.toBe(g1);
    commitFromAnotherProcess(db.file, "other-process");
    const g3 = commitGeneration(db.$client);
    expect(g3).not.toBe(g2);
    // A checkpoint that empties the WAL, then a commit that starts it again from its first frame.
    db.$client.pragma("wal_checkpoint(TRUNCATE)");
    const g4 = commitGeneration(db.$client);
    insert(db, "after-restart");
    expect(commitGeneration(db.$client)).not.toBe(g4);
    expect(commitGeneration(db.$client)).toBe(commitGeneration(db.$client));
  });

  it("cannot tell inside a transaction (its own writes are not in the header yet)", () => {
    db.transaction(() => {
      expect(commitGeneration(db.$client)).toBeNull();
    });
    expect(commitGeneration(db.$client)).not.toBeNull();
  });

  it("cannot tell while a writer is between the header's two copies", () => {
    const g = commitGeneration(db.$client);
    const shm = fs.openSync(`${db.file}-shm`, "r+");
    try {
      const copy = Buffer.alloc(48);
      fs.readSync(shm, copy, 0, 48, 48);
      const torn = Buffer.from(copy);
      torn[16] = torn[16]! ^ 0xff; // mxFrame of the second copy
      fs.writeSync(shm, torn, 0, 48, 48);
      expect(commitGeneration(db.$client)).toBeNull();
      fs.writeSync(shm, copy, 0, 48, 48);
    } finally {
      fs.closeSync(shm);
    }
    expect(commitGeneration(db.$client)).toBe(g);
  });

  it("is not available for a memory database", () => {
    const mem = openDatabase(":memory:");
    try {
      expect(commitGeneration(mem.$client)).toBeNull();
    } finally {
      mem.$client.close();
    }
  });

  it("keeps the change counters and the stamp between commits, and reads them again after one", () => {
    const counters = topicCounters(db);
    const stamp = changeStamp(db);
    expect(topicCounters(db)).toBe(counters); // the same object: not read again
    expect(changeStamp(db)).toBe(stamp);
    commitFromAnotherProcess(db.file, "p");
    const after = topicCounters(db);
    expect(after.get("catalog")).toBe(counters.get("catalog")! + 1);
    expect(changeStamp(db)).not.toBe(stamp);
    insert(db, "q");
    expect(topicCounters(db).get("catalog")).toBe(counters.get("catalog")! + 2);
  });

  it("reads the counters afresh inside a transaction, and the kept ones still hold after a rollback", () => {
    const counters = topicCounters(db);
    expect(() =>
      db.transaction(() => {
        insert(db, "uncommitted");
        expect(topicCounters(db).get("catalog")).toBe(counters.get("catalog")! + 1);
        throw new Error("roll back");
      }),
    ).toThrow("roll back");
    expect(topicCounters(db).get("catalog")).toBe(counters.get("catalog"));
  });

  it("closes its descriptor of the -shm file once the connection is closed", () => {
    const shmDescriptors = (file: string) =>
      fs.readdirSync("/proc/self/fd").filter((fd) => {
        try {
          return fs.readlinkSync(`/proc/self/fd/${fd}`) === `${file}-shm`;
        } catch {
          return false; // the directory's own descriptor, gone by now
        }
      }).length;
    const other = createTestDb(); // a file of its own: no other connection shares its descriptors
    const sqliteOwn = shmDescriptors(other.file);
    expect(commitGeneration(other.$client)).not.toBeNull();
    expect(shmDescriptors(other.file)).toBe(sqliteOwn + 1);
    other.$client.close();
    expect(shmDescriptors(other.file)).toBe(0);
    // Its number is free now and the next file opened takes it: closing the connection again
    // (cleanup does) must leave that file open.
    const next = fs.openSync(`${other.file}-next`, "w");
    try {
      other.cleanup();
      expect(() => fs.fstatSync(next)).not.toThrow();
    } finally {
      fs.closeSync(next);
    }
  });
});
