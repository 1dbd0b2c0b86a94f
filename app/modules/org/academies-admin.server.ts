/**
 * The network itself (issue 15 part 6): HQ admins create, edit, close and reopen any academy;
 * district centre staff do the same for the academies of their own district only (they cannot
 * move one to another district). Every write is one immediate transaction with its audit row.
 * Opening hours are stored per weekday (./opening-hours.ts) and enforced on scheduling
 * (./opening-hours.server.ts).
 */
import { and, asc, count, eq, gt, inArray, isNotNull, isNull, like, ne, sql } from "drizzle-orm";
import type { Conn, DB } from "@db/client";
import { academies, activities, branches, classRuns, classSessions, districts, rooms, subdistricts } from "@db/schema";
import { writeAudit } from "~/modules/auth/audit.server";
import { isHqAdmin, staffDistrictIds, type Actor } from "~/modules/auth/permissions";
import { UserError } from "~/utils/errors";
import { forbidden, notFound } from "~/utils/http";
import { containsAny } from "~/utils/sql";
import { ACADEMIES_PAGE_SIZE, type AcademyInput, type BranchInput } from "./academies";
import { asWeeklyHours, formatWeeklyHours } from "./opening-hours";

export const NOT_YOUR_DISTRICT = "您只能管理本区的书院。";

/** HQ admins for every district; district centre staff for their own. */
export function canAdministerAcademiesIn(actor: Actor | null | undefined, districtId: number) {
  return isHqAdmin(actor) || staffDistrictIds(actor).includes(districtId);
}

function assertAdministers(actor: Actor, districtId: number) {
  if (!canAdministerAcademiesIn(actor, districtId)) forbidden(NOT_YOUR_DISTRICT);
}

/** The districts this person may create academies in (all six for HQ). */
export function academyFormChoices(db: DB, actor: Actor) {
  const ds = db.select().from(districts).orderBy(asc(districts.sortOrder)).all().filter((d) => canAdministerAcademiesIn(actor, d.id));
  if (!ds.length) forbidden("只有总部管理员和区指导中心可以管理书院。");
  const subs = db.select().from(subdistricts).orderBy(asc(subdistricts.districtId), asc(subdistricts.sortOrder)).all();
  return {
    districts: ds.map((d) => ({
      id: d.id,
      name: d.name,
      subdistricts: subs.filter((s) => s.districtId === d.id).map((s) => ({ id: s.id, name: s.name })),
    })),
  };
}

/**
 * The list: HQ sees every district (optionally one); district staff must name one of theirs.
 * Search over name, community, address and slug; open/closed filter; 30 a page.
 */
export function listAcademiesForAdmin(
  db: DB,
  actor: Actor,
  opts: { districtId?: number; q?: string; status?: "open" | "closed"; page?: number },
) {
  if (opts.districtId != null) assertAdministers(actor, opts.districtId);
  else if (!isHqAdmin(actor)) forbidden(NOT_YOUR_DISTRICT);
  const where = and(
    opts.districtId != null ? eq(academies.districtId, opts.districtId) : undefined,
    containsAny(opts.q, [academies.name, academies.community, academies.address, academies.slug]),
    opts.status === "open" ? isNull(academies.closedAt) : opts.status === "closed" ? isNotNull(academies.closedAt) : undefined,
  );
  const total = db.select({ n: count() }).from(academies).where(where).get()!.n;
  const pages = Math.max(1, Math.ceil(total / ACADEMIES_PAGE_SIZE));
  const page = Math.min(Math.max(1, opts.page ?? 1), pages);
  const rows = db
    .select({
      id: academies.id,
      slug: academies.slug,
      name: academies.name,
      community: academies.community,
      address: academies.address,
      phone: academies.phone,
      population: academies.population,
      openingHours: academies.openingHours,
      openingSchedule: academies.openingSchedule,
      closedAt: academies.closedAt,
      closedReason: academies.closedReason,
      districtName: districts.name,
      subdistrictName: subdistricts.name,
      branchCount: sql<number>`(SELECT count(*) FROM branches b WHERE b.academy_id = ${academies.id})`,
    })
    .from(academies)
    .innerJoin(districts, eq(districts.id, academies.districtId))
    .leftJoin(subdistricts, eq(subdistricts.id, academies.subdistrictId))
    .where(where)
    .orderBy(asc(districts.sortOrder), asc(academies.slug))
    .limit(ACADEMIES_PAGE_SIZE)
    .offset((page - 1) * ACADEMIES_PAGE_SIZE)
    .all()
    .map(({ openingSchedule, ...r }) => ({ ...r, hoursSet: asWeeklyHours(openingSchedule) != null }));
  return { rows, total, page, pages };
}

/** 404 / 403 before a form is read: the academy exists and is in the person's scope. */
export function assertAdministersAcademy(db: DB, actor: Actor, id: number) {
  const a = db.select({ districtId: academies.districtId }).from(academies).where(eq(academies.id, id)).get();
  if (!a) notFound("没有找到这所书院。");
  assertAdministers(actor, a.districtId);
}

/** One academy with its branches, for its edit page. */
export function getAcademyForAdmin(db: DB, actor: Actor, id: number) {
  const a = db.select().from(academies).where(eq(academies.id, id)).get();
  if (!a) notFound("没有找到这所书院。");
  assertAdministers(actor, a.districtId);
  const bs = db.select().from(branches).where(eq(branches.academyId, a.id)).orderBy(asc(branches.id)).all();
  const district = db.select().from(districts).where(eq(districts.id, a.districtId)).get()!;
  return { academy: { ...a, hours: asWeeklyHours(a.openingSchedule) }, districtName: district.name, branches: bs };
}

function checkPlace(conn: Conn, input: AcademyInput) {
  const d = conn.select().from(districts).where(eq(districts.id, input.districtId)).get();
  if (!d) throw new UserError("请选择所在区。", "districtId");
  if (input.subdistrictId != null) {
    const s = conn.select().from(subdistricts).where(eq(subdistricts.id, input.subdistrictId)).get();
    if (!s || s.districtId !== d.id) throw new UserError(`所选街道/镇不在${d.name}，请重新选择。`, "subdistrictId");
  }
  return d;
}

function assertNameFree(conn: Conn, input: AcademyInput, exceptId?: number) {
  const same = conn
    .select({ id: academies.id })
    .from(academies)
    .where(and(eq(academies.districtId, input.districtId), eq(academies.name, input.name), exceptId ? ne(academies.id, exceptId) : undefined))
    .get();
  if (same) throw new UserError(`本区已经有一所「${input.name}」。`, "name");
}

/** The next free slug of the district: siming-051 after siming-050. */
function nextSlug(conn: Conn, districtCode: string) {
  const rows = conn.select({ slug: academies.slug }).from(academies).where(like(academies.slug, `${districtCode}-%`)).all();
  let max = 0;
  for (const r of rows) {
    const n = Number(r.slug.slice(districtCode.length + 1));
    if (Number.isInteger(n) && n > max) max = n;
  }
  return `${districtCode}-${String(max + 1).padStart(3, "0")}`;
}

function columns(input: AcademyInput) {
  return {
    name: input.name,
    districtId: input.districtId,
    subdistrictId: input.subdistrictId ?? null,
    community: input.community,
    address: input.address,
    phone: input.phone ?? null,
    population: input.population,
    description: input.description || null,
    openingSchedule: input.hours,
    openingHours: formatWeeklyHours(input.hours),
  };
}

/** Brings the branches in line with the list (matched by name): new ones added, addresses updated,
 * missing ones removed unless a room still belongs to them. */
function syncBranches(conn: Conn, academyId: number, wanted: BranchInput[]) {
  const current = conn.select().from(branches).where(eq(branches.academyId, academyId)).all();
  const changes: string[] = [];
  for (const b of current) {
    if (wanted.some((w) => w.name === b.name)) continue;
    const used = conn
      .select({ name: rooms.name })
      .from(rooms)
      .where(and(eq(rooms.branchId, b.id), isNull(rooms.archivedAt)))
      .get();
    if (used) throw new UserError(`分院「${b.name}」还有教室「${used.name}」，请先在书院的教室页把它改到别处，再删除这个分院。`, "branches");
    conn.delete(branches).where(eq(branches.id, b.id)).run();
    changes.push(`删除分院「${b.name}」`);
  }
  for (const w of wanted) {
    const b = current.find((c) => c.name === w.name);
    if (!b) {
      conn.insert(branches).values({ academyId, name: w.name, address: w.address }).run();
      changes.push(`新增分院「${w.name}」`);
    } else if (b.address !== w.address) {
      conn.update(branches).set({ address: w.address }).where(eq(branches.id, b.id)).run();
      changes.push(`分院「${w.name}」改地址`);
    }
  }
  return changes;
}

export function createAcademy(db: DB, actor: Actor, input: AcademyInput, ip: string | null = null, now = Date.now()) {
  assertAdministers(actor, input.districtId);
  return db.transaction(
    (tx) => {
      const d = checkPlace(tx, input);
      assertNameFree(tx, input);
      const row = tx
        .insert(academies)
        .values({ ...columns(input), slug: nextSlug(tx, d.code), createdAt: now })
        .returning({ id: academies.id, slug: academies.slug })
        .get();
      syncBranches(tx, row.id, input.branches);
      writeAudit(tx, actor.id, ip, {
        action: "academy.create",
        targetType: "academy",
        targetId: row.id,
        summary: `新建书院「${input.name}」（${d.name}），开放时间 ${formatWeeklyHours(input.hours)}${input.branches.length ? `，分院 ${input.branches.length} 个` : ""}`,
      });
      return row;
    },
    { behavior: "immediate" },
  );
}

const LABELS: Record<string, string> = {
  name: "名称",
  districtId: "所在区",
  subdistrictId: "街道/镇",
  community: "社区",
  address: "地址",
  phone: "电话",
  population: "常住人口",
  description: "简介",
  openingHours: "开放时间",
};

export function updateAcademy(db: DB, actor: Actor, id: number, input: AcademyInput, ip: string | null = null) {
  return db.transaction(
    (tx) => {
      const a = tx.select().from(academies).where(eq(academies.id, id)).get();
      if (!a) notFound("没有找到这所书院。");
      assertAdministers(actor, a.districtId);
      if (input.districtId !== a.districtId && !canAdministerAcademiesIn(actor, input.districtId)) {
        throw new UserError("区指导中心不能把书院划到其他区，请联系总部。", "districtId");
      }
      checkPlace(tx, input);
      assertNameFree(tx, input, a.id);
      const cols = columns(input);
      const changed = (Object.keys(LABELS) as (keyof typeof cols)[]).filter((k) => (a[k] ?? null) !== (cols[k] ?? null));
      tx.update(academies).set(cols).where(eq(academies.id, a.id)).run();
      const branchChanges = syncBranches(tx, a.id, input.branches);
      const parts = [
        ...changed.map((k) => (k === "openingHours" ? `开放时间 ${a.openingHours} → ${cols.openingHours}` : `改${LABELS[k]}`)),
        ...branchChanges,
      ];
      writeAudit(tx, actor.id, ip, {
        action: "academy.update",
        targetType: "academy",
        targetId: a.id,
        summary: `修改书院「${cols.name}」：${parts.length ? parts.join("；") : "没有改动"}`,
        detail: { changed, branchChanges },
      });
      return { changed: parts.length };
    },
    { behavior: "immediate" },
  );
}

/** What still lies ahead at an academy: scheduled sessions of live runs, scheduled activities. */
export function upcomingAtAcademy(conn: Conn, academyId: number, now = Date.now()) {
  const sessions = conn
    .select({ n: count() })
    .from(classSessions)
    .innerJoin(classRuns, eq(classRuns.id, classSessions.runId))
    .where(
      and(
        eq(classRuns.academyId, academyId),
        inArray(classRuns.status, ["draft", "open", "full", "closed"]),
        eq(classSessions.status, "scheduled"),
        gt(classSessions.endsAt, now),
      ),
    )
    .get()!.n;
  const acts = conn
    .select({ n: count() })
    .from(activities)
    .where(and(eq(activities.academyId, academyId), eq(activities.status, "scheduled"), gt(activities.endsAt, now)))
    .get()!.n;
  return { sessions, activities: acts };
}

/**
 * 关闭书院 with a reason. Refused while classes or activities are still ahead (the academy's
 * manager cancels or finishes them first, and the residents are told through those actions).
 */
export function closeAcademy(db: DB, actor: Actor, id: number, input: { reason: string }, ip: string | null = null, now = Date.now()) {
  const reason = input.reason.trim();
  if (reason.length < 2) throw new UserError("请写明关闭原因（至少 2 个字）。", "reason");
  return db.transaction(
    (tx) => {
      const a = tx.select().from(academies).where(eq(academies.id, id)).get();
      if (!a) notFound("没有找到这所书院。");
      assertAdministers(actor, a.districtId);
      if (a.closedAt != null) throw new UserError("这所书院已经关闭了。", "reason");
      const left = upcomingAtAcademy(tx, a.id, now);
      if (left.sessions || left.activities) {
        throw new UserError(
          `这所书院还有 ${left.sessions} 次课、${left.activities} 场活动没有举办。请书院管理员先停课或取消（居民会收到通知），再关闭书院。`,
          "reason",
        );
      }
      tx.update(academies).set({ closedAt: now, closedReason: reason }).where(eq(academies.id, a.id)).run();
      writeAudit(tx, actor.id, ip, { action: "academy.close", targetType: "academy", targetId: a.id, summary: `关闭书院「${a.name}」：${reason}` });
    },
    { behavior: "immediate" },
  );
}

/** 重新开放: undoes a mistaken close (the earlier reason stays in the audit log). */
export function reopenAcademy(db: DB, actor: Actor, id: number, ip: string | null = null) {
  return db.transaction(
    (tx) => {
      const a = tx.select().from(academies).where(eq(academies.id, id)).get();
      if (!a) notFound("没有找到这所书院。");
      assertAdministers(actor, a.districtId);
      if (a.closedAt == null) throw new UserError("这所书院没有关闭。");
      tx.update(academies).set({ closedAt: null, closedReason: null }).where(eq(academies.id, a.id)).run();
      writeAudit(tx, actor.id, ip, {
        action: "academy.reopen",
        targetType: "academy",
        targetId: a.id,
        summary: `重新开放书院「${a.name}」（原关闭原因：${a.closedReason ?? ""}）`,
      });
    },
    { behavior: "immediate" },
  );
}
