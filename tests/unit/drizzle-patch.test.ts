/**
 * app/patches/drizzle-orm+0.45.4.patch: drizzle's `is(value, Class)` walked the value's class chain
 * for every failed check, and building one select's SQL makes hundreds of them (165 µs a select
 * before, 58 µs after: `npx tsx tests/bench/query-build.bench.ts`). The patch keeps the answer per
 * (class of the value, class asked about). These tests check at runtime that it is applied, that
 * it hits, and that every answer is the one the walk gives.
 */
import { and, asc, Column, eq, gt, inArray, is, SQL, sql, Table } from "drizzle-orm";
import * as drizzle from "drizzle-orm";
import { SQLiteColumn, SQLiteInteger, SQLiteTable, SQLiteText } from "drizzle-orm/sqlite-core";
import { classSessions, enrollments, rooms, users } from "@db/schema";
import { createTestDb, type TestDb } from "@tests/factories/db";

const stats = () => {
  const s = (drizzle as unknown as { isCacheStats?: { hits: number; misses: number } })
    .isCacheStats;
  if (!s)
    throw new Error(
      "the drizzle patch is not applied (run `npx patch-package --patch-dir app/patches`)",
    );
  return { ...s };
};

let db: TestDb;
beforeAll(() => (db = createTestDb()));
afterAll(() => db?.cleanup());

const build = () =>
  db
    .select({ id: classSessions.id, room: rooms.name, enrollmentId: enrollments.id })
    .from(classSessions)
    .innerJoin(enrollments, eq(enrollments.runId, classSessions.runId))
    .innerJoin(rooms, eq(rooms.id, classSessions.roomId))
    .where(
      and(
        inArray(enrollments.id, [1, 2, 3]),
        gt(classSessions.endsAt, 5),
        sql`${classSessions.status} <> 'cancelled'`,
      ),
    )
    .orderBy(asc(classSessions.startsAt))
    .limit(12)
    .toSQL();

describe("drizzle's entity check, answered once per pair of classes", () => {
  it("builds a query the second time without walking any class chain, and builds the same SQL", () => {
    const first = build();
    const warm = stats();
    const again = build();
    const after = stats();
    expect(again).toEqual(first);
    expect(after.hits - warm.hits, "the second build asked no cached question").toBeGreaterThan(20);
    expect(after.misses - warm.misses, "the second build walked class chains again").toBe(0);
  });

  it("gives the walk's answers: subclasses, unrelated classes, SQL and tables", () => {
    const checks: [unknown, abstract new (...a: never[]) => unknown, boolean][] = [
      [users.id, Column, true],
      [users.id, SQLiteColumn, true],
      [users.id, SQLiteInteger, true],
      [users.name, SQLiteInteger, false],
      [users.name, SQLiteText, true],
      [users.id, Table, false],
      [users, Table, true],
      [users, SQLiteTable, true],
      [users, Column, false],
      [sql`1`, SQL, true],
      [sql`1`, Column, false],
      [{}, SQL, false],
      [null, SQL, false],
      ["text", SQL, false],
    ];
    for (let round = 0; round < 2; round++)
      for (const [value, type, want] of checks)
        expect(is(value, type as never), `${String(type.name)} (round ${round})`).toBe(want);
  });

  it("still refuses a class that is not a drizzle entity", () => {
    class NotDrizzle {}
    expect(() => is(users.id, NotDrizzle as never)).toThrow(/doesn't look like a Drizzle entity/);
  });

  it("runs queries with the right rows", () => {
    db.insert(users)
      .values({ phone: "13800000001", name: "甲", passwordHash: "x", createdAt: 1 })
      .run();
    expect(
      db.select({ name: users.name }).from(users).where(eq(users.phone, "13800000001")).all(),
    ).toEqual([{ name: "甲" }]);
  });
});
