/**
 * A person's rights under PIPL (个人信息保护法, issue 14): download everything the platform holds
 * about them, and delete their account. Deletion anonymises instead of removing rows, so the
 * city's counts (enrolments, attendance, participations) stay right: the person's name and phone
 * number go, their family members' names go, their sessions and secrets go, their history stays
 * attached to an account that says 已注销用户 and can never sign in again.
 */
import { randomBytes } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import type { DB } from "@db/client";
import { userRoles, users } from "@db/schema";
import { writeAudit } from "./audit.server";
import { verifyPassword } from "./password.server";
import type { Actor } from "./permissions";
import { invalidateUserSessions } from "./session.server";
import { UserError } from "~/utils/errors";

/** Columns that are never handed out, even to their owner (hashes, tokens, secrets). */
const SECRET_COLUMN = /password|hash|token|secret|^code$/i;
/** Tables that are security plumbing, not personal data (sessions, limiter and code state). */
const SKIP_TABLES = new Set([
  "sessions",
  "sms_codes",
  "rate_limits",
  "server_secrets",
  "job_leases",
]);

type Row = Record<string, unknown>;

/** Every table with a column that references a person (a foreign key to users), and those columns. */
function tablesWithUserColumns(db: DB) {
  const tables = db.all<{ name: string }>(
    sql`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__drizzle%' AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name`,
  );
  const out: { table: string; columns: string[] }[] = [];
  for (const { name } of tables) {
    if (SKIP_TABLES.has(name) || name.startsWith("stats_")) continue;
    const fks = db.$client
      .prepare('SELECT "from" AS col FROM pragma_foreign_key_list(?) WHERE "table" = \'users\'')
      .all(name) as { col: string }[];
    if (fks.length) out.push({ table: name, columns: [...new Set(fks.map((f) => f.col))] });
  }
  return out;
}

function clean(row: Row): Row {
  return Object.fromEntries(Object.entries(row).filter(([k]) => !SECRET_COLUMN.test(k)));
}

/** Everything held about this person, table by table (their account, and every row that names them). */
export function personalData(db: DB, actor: Actor) {
  const account = db.select().from(users).where(eq(users.id, actor.id)).get();
  const data: Record<string, Row[]> = {};
  for (const { table, columns } of tablesWithUserColumns(db)) {
    const where = columns.map((c) => `"${c}" = ?`).join(" OR ");
    const rows = db.$client
      .prepare(`SELECT * FROM "${table}" WHERE ${where}`)
      .all(...columns.map(() => actor.id)) as Row[];
    if (rows.length) data[table] = rows.map(clean);
  }
  // Enrolments made for family members, and attendance marks, hang off enrolments, not the person.
  const family = "SELECT id FROM family_members WHERE owner_user_id = ?";
  const familyEnrollments = db.$client
    .prepare(
      `SELECT * FROM enrollments WHERE family_member_id IN (${family}) AND (user_id IS NULL OR user_id <> ?)`,
    )
    .all(actor.id, actor.id) as Row[];
  if (familyEnrollments.length) data.family_enrollments = familyEnrollments.map(clean);
  const marks = db.$client
    .prepare(
      `SELECT a.* FROM attendance a JOIN enrollments e ON e.id = a.enrollment_id WHERE e.user_id = ? OR e.family_member_id IN (${family})`,
    )
    .all(actor.id, actor.id) as Row[];
  if (marks.length) data.attendance = marks.map(clean);
  return {
    exportedAt: new Date().toISOString(),
    note: "厦门社区书院平台保存的您的个人信息。时间为 UTC 毫秒数。密码、登录凭证等安全信息不导出。",
    account: account ? clean(account as unknown as Row) : null,
    data,
  };
}

/**
 * Deletes the account after the password is confirmed: anonymised in one transaction, audited.
 * Staff accounts (any role but resident) are refused: HQ removes the roles first, so no academy is
 * left without its manager by accident.
 */
export async function deleteAccount(db: DB, actor: Actor, password: string, ip: string | null) {
  const user = db.select().from(users).where(eq(users.id, actor.id)).get();
  if (!user || !(await verifyPassword(user.passwordHash, password)))
    throw new UserError("密码不正确。", "password");
  const staff = db
    .select()
    .from(userRoles)
    .where(eq(userRoles.userId, actor.id))
    .all()
    .filter((r) => r.role !== "resident");
  if (staff.length)
    throw new UserError("您还担任书院或总部的工作角色，请先请总部管理员撤销这些角色，再注销账号。");
  db.transaction(
    (tx) => {
      tx.update(users)
        .set({
          name: "已注销用户",
          // A unique placeholder that is not a phone number: nobody can register or sign in as it.
          phone: `deleted-${actor.id}-${randomBytes(4).toString("hex")}`,
          passwordHash: "!deleted",
          homeAcademyId: null,
          birthYear: null,
        })
        .where(eq(users.id, actor.id))
        .run();
      tx.run(
        sql`UPDATE family_members SET name = '已注销用户的家人' WHERE owner_user_id = ${actor.id}`,
      );
      tx.delete(userRoles).where(eq(userRoles.userId, actor.id)).run();
      invalidateUserSessions(tx, actor.id);
      writeAudit(tx, actor.id, ip, {
        action: "account.delete",
        targetType: "user",
        targetId: actor.id,
        summary: "居民注销账号（姓名、手机号已删除，学习记录匿名保留）",
      });
    },
    { behavior: "immediate" },
  );
}
