/**
 * db/client.ts `inGroupCommit` (issue 17: the enrolment burst and reads under writes): work handed
 * in during one event-loop turn (or in turns that keep bringing more) runs in one immediate
 * transaction, each piece in its own savepoint, and every promise settles only after the commit.
 * And `prepared` finds a database's query from inside one of its transactions.
 */
import fs from "node:fs";
import Database from "better-sqlite3";
import { eq, sql } from "drizzle-orm";
import {
  GROUP_COMMIT_MAX,
  GROUP_GATHER_TURNS,
  inGroupCommit,
  prepared,
  type Conn,
} from "@db/client";
import { holidays } from "@db/schema";
import { createTestDb, type TestDb } from "@tests/factories/db";

let db: TestDb;
let other: Database.Database;
beforeAll(() => {
  db = createTestDb();
  other = new Database(db.file, { readonly: true });
});
afterAll(() => {
  other.close();
  db.cleanup();
});

const count = (conn: Database.Database, like: string) =>
  (
    conn.prepare("SELECT count(*) AS n FROM holidays WHERE name LIKE ?").get(like) as {
      n: number;
    }
  ).n;
const add = (tx: Conn, date: string, name: string) =>
  tx.insert(holidays).values({ date, name, createdAt: 0 }).run();

it("runs one turn's pieces in one transaction, each in a savepoint, and settles after the commit", async () => {
  const seen: { sameTx: boolean; othersSee: number }[] = [];
  const a = inGroupCommit(db, (tx) => {
    add(tx, "2031-01-01", "组提交-甲");
    return "甲";
  });
  const b = inGroupCommit(db, (tx) => {
    // Piece 甲's row is visible here, and not yet to another connection: one open transaction.
    seen.push({
      sameTx: count(db.$client, "组提交-甲") === 1 && db.$client.inTransaction,
      othersSee: count(other, "组提交-%"),
    });
    add(tx, "2031-01-02", "组提交-乙");
    throw new Error("乙 fails");
  });
  const c = inGroupCommit(db, (tx) => {
    add(tx, "2031-01-03", "组提交-丙");
    return "丙";
  });
  expect(count(other, "组提交-%")).toBe(0); // nothing runs before the next turn
  const results = await Promise.allSettled([a, b, c]);
  expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
  expect((results[1] as PromiseRejectedResult).reason.message).toBe("乙 fails");
  expect(seen).toEqual([{ sameTx: true, othersSee: 0 }]);
  // Settled means committed: another connection sees 甲 and 丙, and 乙's savepoint was undone.
  expect(count(other, "组提交-甲") + count(other, "组提交-丙")).toBe(2);
  expect(count(other, "组提交-乙")).toBe(0);
});

it("settles only after the WAL file is flushed to disk, off the main thread, and leaves the connection at synchronous = FULL", async () => {
  const events: string[] = [];
  const fsync = fs.fsync;
  // Observed, not replaced: the real file is really flushed.
  const spy = vi.spyOn(fs, "fsync").mockImplementation((fd, done) => {
    events.push("flush begins");
    fsync(fd, (error) => {
      events.push("flushed");
      done(error);
    });
  });
  try {
    const piece = inGroupCommit(db, (tx) => {
      add(tx, "2035-01-01", "落盘");
      events.push("committed in the group");
    }).then(() => events.push("settled"));
    await piece;
  } finally {
    spy.mockRestore();
  }
  expect(events).toEqual(["committed in the group", "flush begins", "flushed", "settled"]);
  expect(db.$client.pragma("synchronous", { simple: true })).toBe(2); // FULL
});

/**
 * Hands in `n` pieces one event-loop turn after the other, as writers that fell out of step do;
 * each adds a row named `name-i` and notes how many of those rows its open transaction holds that
 * another connection cannot see yet.
 */
async function onePiecePerTurn(n: number, year: number, name: string) {
  const uncommitted: number[] = [];
  const piece = (i: number) =>
    inGroupCommit(db, (tx) => {
      add(tx, `${year}-01-${String(i + 1).padStart(2, "0")}`, `${name}-${i}`);
      uncommitted.push(count(db.$client, `${name}-%`) - count(other, `${name}-%`));
    });
  const pieces = [piece(0)];
  for (let i = 1; i < n; i++) {
    await new Promise<void>((r) => setImmediate(r));
    pieces.push(piece(i));
  }
  await Promise.all(pieces);
  return uncommitted;
}

it("keeps gathering while pieces keep arriving turn after turn, so writers out of step share a transaction", async () => {
  const uncommitted = await onePiecePerTurn(GROUP_GATHER_TURNS, 2036, "陆续");
  // One transaction: each piece saw the rows of the pieces before it, none of them committed.
  expect(uncommitted).toEqual(Array.from({ length: GROUP_GATHER_TURNS }, (_, i) => i + 1));
  expect(count(other, "陆续-%")).toBe(GROUP_GATHER_TURNS);
});

it(`stops gathering after ${GROUP_GATHER_TURNS} more turns, however long pieces keep coming`, async () => {
  const uncommitted = await onePiecePerTurn(GROUP_GATHER_TURNS + 3, 2037, "不停");
  // The first transaction closed with the pieces of its first GROUP_GATHER_TURNS + 1 turns.
  expect(Math.max(...uncommitted)).toBe(GROUP_GATHER_TURNS + 1);
  expect(uncommitted[GROUP_GATHER_TURNS + 1]).toBe(1);
  expect(count(other, "不停-%")).toBe(GROUP_GATHER_TURNS + 3);
});

it(`takes at most ${GROUP_COMMIT_MAX} pieces a transaction and still runs every piece once`, async () => {
  const inTxWith = new Map<number, number>();
  const pieces = Array.from({ length: GROUP_COMMIT_MAX * 2 + 3 }, (_, i) =>
    inGroupCommit(db, (tx) => {
      add(tx, `2032-01-${String(i + 1).padStart(2, "0")}`, `分批-${i}`);
      // How many of this test's rows the open transaction holds that others cannot see yet.
      inTxWith.set(i, count(db.$client, "分批-%") - count(other, "分批-%"));
      return i;
    }),
  );
  expect(await Promise.all(pieces)).toEqual(pieces.map((_, i) => i));
  expect(count(other, "分批-%")).toBe(GROUP_COMMIT_MAX * 2 + 3);
  // Within a transaction the uncommitted rows count up to the batch size, then start over.
  expect(Math.max(...inTxWith.values())).toBe(GROUP_COMMIT_MAX);
  expect(inTxWith.get(GROUP_COMMIT_MAX)).toBe(1);
  expect(inTxWith.get(GROUP_COMMIT_MAX * 2 + 2)).toBe(3);
});

it("rejects every piece of a transaction that cannot begin, and writes none of them", async () => {
  const locker = new Database(db.file);
  locker.pragma("busy_timeout = 0");
  locker.prepare("BEGIN IMMEDIATE").run();
  const before = db.$client.pragma("busy_timeout", { simple: true });
  db.$client.pragma("busy_timeout = 50");
  try {
    const r = await Promise.allSettled([
      inGroupCommit(db, (tx) => add(tx, "2033-01-01", "锁住-1")),
      inGroupCommit(db, (tx) => add(tx, "2033-01-02", "锁住-2")),
    ]);
    expect(r.map((x) => x.status)).toEqual(["rejected", "rejected"]);
    expect(String((r[0] as PromiseRejectedResult).reason.code)).toMatch(/^SQLITE_BUSY/);
  } finally {
    locker.prepare("ROLLBACK").run();
    locker.close();
    db.$client.pragma(`busy_timeout = ${before}`);
  }
  expect(count(other, "锁住-%")).toBe(0);
});

it("finds a database's prepared query from inside its transaction (one build per connection)", () => {
  let builds = 0;
  const byName = prepared((conn: Conn) => {
    builds++;
    return conn
      .select({ date: holidays.date })
      .from(holidays)
      .where(eq(holidays.name, sql.placeholder("name")))
      .prepare();
  });
  expect(byName(db).all({ name: "组提交-甲" })).toEqual([{ date: "2031-01-01" }]);
  expect(() =>
    db.transaction((tx) => {
      add(tx, "2034-01-01", "事务内");
      expect(byName(tx).all({ name: "事务内" })).toEqual([{ date: "2034-01-01" }]);
      tx.rollback();
    }),
  ).toThrow("Rollback");
  expect(builds).toBe(1);
  expect(byName(db).all({ name: "事务内" })).toEqual([]);
});
