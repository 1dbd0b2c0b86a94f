import { desc, eq, sql } from "drizzle-orm";
import { containsAny } from "~/utils/sql";
import type { Conn, DB } from "@db/client";
import { auditLog, users } from "@db/schema";

export type AuditEntry = {
  action: string;
  targetType: string;
  targetId?: string | number | null;
  summary: string;
  detail?: unknown;
};

/** Writes one audit row; call it inside the transaction of the change it records. */
export function writeAudit(db: Conn, actorId: number | null, ip: string | null, entry: AuditEntry) {
  db.insert(auditLog)
    .values({
      actorId,
      ip,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId == null ? null : String(entry.targetId),
      summary: entry.summary,
      detail: entry.detail ?? null,
      createdAt: Date.now(),
    })
    .run();
}

export const AUDIT_PAGE_SIZE = 50;

export function listAudit(db: DB, opts: { q?: string; page?: number }) {
  const page = Math.max(1, opts.page ?? 1);
  const q = opts.q?.trim();
  const where = containsAny(q, [auditLog.summary, auditLog.action, users.name]);
  const rows = db
    .select({
      id: auditLog.id,
      action: auditLog.action,
      summary: auditLog.summary,
      ip: auditLog.ip,
      createdAt: auditLog.createdAt,
      actorName: users.name,
      actorPhone: users.phone,
    })
    .from(auditLog)
    .leftJoin(users, eq(auditLog.actorId, users.id))
    .where(where)
    .orderBy(desc(auditLog.id))
    .limit(AUDIT_PAGE_SIZE)
    .offset((page - 1) * AUDIT_PAGE_SIZE)
    .all();
  const total = db
    .select({ n: sql<number>`count(*)` })
    .from(auditLog)
    .leftJoin(users, eq(auditLog.actorId, users.id))
    .where(where)
    .get()!.n;
  return {
    rows: rows.map((r) => ({
      ...r,
      summary: maskPhonesIn(r.summary),
      actorPhone: maskPhonesIn(r.actorPhone ?? ""),
    })),
    total,
    page,
    pages: Math.max(1, Math.ceil(total / AUDIT_PAGE_SIZE)),
  };
}

/** Every mainland mobile number in a text as 138****5678: the audit log never prints a full number,
 * whatever an older row's summary says. */
export function maskPhonesIn(text: string) {
  return text.replace(/(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)/g, "$1****$3");
}
