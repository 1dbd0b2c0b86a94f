/** Closed dates: HQ's public holiday list (国庆, 春节 …) and each academy's own closed days. */
import { and, asc, eq, gte, lte } from "drizzle-orm";
import fs from "node:fs";
import path from "node:path";
import type { Conn, DB } from "@db/client";
import { academyClosedDates, holidays } from "@db/schema";
import { writeAudit } from "~/modules/auth/audit.server";
import { isHq, type Actor } from "~/modules/auth/permissions";
import { UserError } from "~/utils/errors";
import { forbidden, notFound } from "~/utils/http";
import { assertManagesAcademy } from "./access.server";
import { addDays, daysBetween, isValidDate } from "~/utils/time";

const MAX_RANGE_DAYS = 62;

function datesOf(from: string, to: string | undefined) {
  if (!isValidDate(from)) throw new UserError("请填写日期。", "from");
  const last = to && to !== "" ? to : from;
  if (!isValidDate(last)) throw new UserError("结束日期格式不对。", "to");
  if (last < from) throw new UserError("结束日期不能早于开始日期。", "to");
  if (daysBetween(from, last) >= MAX_RANGE_DAYS)
    throw new UserError(`一次最多添加 ${MAX_RANGE_DAYS} 天。`, "to");
  const out: string[] = [];
  for (let d = from; d <= last; d = addDays(d, 1)) out.push(d);
  return out;
}

export function listHolidays(db: Conn, opts: { from?: string } = {}) {
  return db
    .select()
    .from(holidays)
    .where(opts.from ? gte(holidays.date, opts.from) : undefined)
    .orderBy(asc(holidays.date))
    .all();
}

/** Adds a holiday (or a run of days, e.g. 国庆 10-01 … 10-07); dates already listed are renamed. */
export function addHolidays(
  db: DB,
  actor: Actor,
  input: { from: string; to?: string; name: string },
  ip: string | null = null,
) {
  if (!isHq(actor)) forbidden("只有总部可以维护节假日。");
  const name = input.name.trim();
  if (!name) throw new UserError("请填写节日名称。", "name");
  const dates = datesOf(input.from, input.to);
  db.transaction(
    (tx) => {
      for (const date of dates) {
        tx.insert(holidays)
          .values({ date, name, createdBy: actor.id, createdAt: Date.now() })
          .onConflictDoUpdate({ target: holidays.date, set: { name } })
          .run();
      }
      writeAudit(tx, actor.id, ip, {
        action: "holiday.add",
        targetType: "holiday",
        targetId: dates[0],
        summary: `节假日「${name}」${dates[0]}${dates.length > 1 ? ` 至 ${dates.at(-1)}` : ""}`,
      });
    },
    { behavior: "immediate" },
  );
  return dates.length;
}

export function removeHoliday(db: DB, actor: Actor, id: number, ip: string | null = null) {
  if (!isHq(actor)) forbidden("只有总部可以维护节假日。");
  db.transaction(
    (tx) => {
      const row = tx.select().from(holidays).where(eq(holidays.id, id)).get();
      if (!row) throw new UserError("这一天已经不在节假日列表里了。");
      tx.delete(holidays).where(eq(holidays.id, id)).run();
      writeAudit(tx, actor.id, ip, {
        action: "holiday.remove",
        targetType: "holiday",
        targetId: row.date,
        summary: `删除节假日「${row.name}」${row.date}`,
      });
    },
    { behavior: "immediate" },
  );
}

export function listClosedDates(db: Conn, academyId: number, opts: { from?: string } = {}) {
  return db
    .select()
    .from(academyClosedDates)
    .where(
      and(
        eq(academyClosedDates.academyId, academyId),
        opts.from ? gte(academyClosedDates.date, opts.from) : undefined,
      ),
    )
    .orderBy(asc(academyClosedDates.date))
    .all();
}

export function addClosedDates(
  db: DB,
  actor: Actor,
  academyId: number,
  input: { from: string; to?: string; reason: string },
  ip: string | null = null,
) {
  assertManagesAcademy(actor, academyId);
  const dates = datesOf(input.from, input.to);
  const reason = input.reason.trim() || "书院闭馆";
  db.transaction(
    (tx) => {
      for (const date of dates) {
        tx.insert(academyClosedDates)
          .values({ academyId, date, reason, createdBy: actor.id, createdAt: Date.now() })
          .onConflictDoUpdate({
            target: [academyClosedDates.academyId, academyClosedDates.date],
            set: { reason },
          })
          .run();
      }
      writeAudit(tx, actor.id, ip, {
        action: "closed.add",
        targetType: "academy",
        targetId: academyId,
        summary: `闭馆日 ${dates[0]}${dates.length > 1 ? ` 至 ${dates.at(-1)}` : ""}：${reason}`,
      });
    },
    { behavior: "immediate" },
  );
  return dates.length;
}

export function removeClosedDate(db: DB, actor: Actor, id: number, ip: string | null = null) {
  db.transaction(
    (tx) => {
      const row = tx.select().from(academyClosedDates).where(eq(academyClosedDates.id, id)).get();
      if (!row) notFound("这一天已经不是闭馆日了。");
      assertManagesAcademy(actor, row.academyId);
      tx.delete(academyClosedDates).where(eq(academyClosedDates.id, id)).run();
      writeAudit(tx, actor.id, ip, {
        action: "closed.remove",
        targetType: "academy",
        targetId: row.academyId,
        summary: `取消闭馆日 ${row.date}`,
      });
    },
    { behavior: "immediate" },
  );
}

/** Every closed date of an academy between two dates (inclusive), holidays included, with reasons. */
export function closedDatesMap(conn: Conn, academyId: number, from: string, to: string) {
  const map = new Map<string, string>();
  for (const h of conn
    .select()
    .from(holidays)
    .where(and(gte(holidays.date, from), lte(holidays.date, to)))
    .all()) {
    map.set(h.date, h.name);
  }
  for (const c of conn
    .select()
    .from(academyClosedDates)
    .where(
      and(
        eq(academyClosedDates.academyId, academyId),
        gte(academyClosedDates.date, from),
        lte(academyClosedDates.date, to),
      ),
    )
    .all()) {
    if (!map.has(c.date)) map.set(c.date, c.reason);
  }
  return map;
}

/**
 * The public holidays in content/holidays.json, imported only while the list is empty so that
 * HQ's own edits are never undone by a restart.
 */
export function importHolidays(
  db: DB,
  file = path.resolve(process.cwd(), "content/holidays.json"),
) {
  if (db.select({ id: holidays.id }).from(holidays).limit(1).get()) return 0;
  if (!fs.existsSync(file)) return 0;
  const list = JSON.parse(fs.readFileSync(file, "utf8")) as {
    name: string;
    from: string;
    to?: string;
  }[];
  let n = 0;
  db.transaction(
    (tx) => {
      for (const h of list) {
        for (const date of datesOf(h.from, h.to)) {
          tx.insert(holidays)
            .values({ date, name: h.name, createdAt: Date.now() })
            .onConflictDoNothing()
            .run();
          n++;
        }
      }
    },
    { behavior: "immediate" },
  );
  return n;
}
