/**
 * 组织孵化: resident organisations an academy incubates. Stage 筹备 → 孵化中 → 已成立 → 已注销
 * (one step forward at a time, or 注销 from any live stage), each change dated in
 * `organisation_stage_changes` and audited in the same transaction. Residents apply to join; the
 * leader or the academy's manager approves or declines; members leave themselves (the leader hands
 * over first). One pending-or-active membership per person is also a partial UNIQUE index.
 */
import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import type { Conn, DB } from "@db/client";
import {
  academies,
  districts,
  organisationMembers,
  organisations,
  organisationStageChanges,
  users,
  type OrgStage,
} from "@db/schema";
import { writeAudit } from "~/modules/auth/audit.server";
import type { Actor } from "~/modules/auth/permissions";
import { canManageAcademy, canOverseeDistrict } from "~/modules/auth/permissions";
import { maskName } from "~/modules/learning/evaluation.server";
import { notify } from "~/modules/auth/notifications.server";
import { forbidden, notFound } from "~/utils/http";
import { UserError, parseInput } from "~/utils/errors";
import {
  allowedStageMoves,
  joinInput,
  ORG_STAGE_LABELS,
  organisationInput,
  stageInput,
  type OrganisationInput,
} from "./groups-labels";
import { academyRow, assertManages } from "./groups-scope.server";
import { organisationActivityStats } from "./organisation-activities.server";

export type Organisation = typeof organisations.$inferSelect;

function requireOrg(conn: Conn, id: number) {
  const o = conn.select().from(organisations).where(eq(organisations.id, id)).get();
  if (!o) notFound("没有找到这个居民组织。");
  return o;
}

function isUnique(e: unknown) {
  return e instanceof Error && /UNIQUE constraint failed/.test(e.message);
}

/** A manager registers an organisation with its leader (an existing account, by phone). */
export function createOrganisation(
  db: DB,
  actor: Actor,
  academyId: number,
  raw: OrganisationInput | Record<string, unknown>,
  ip: string | null,
) {
  assertManages(actor, academyId);
  const input = parseInput(organisationInput, raw);
  try {
    return db.transaction(
      (tx) => {
        const academy = academyRow(tx, academyId);
        const leader = tx
          .select({ id: users.id, name: users.name })
          .from(users)
          .where(eq(users.phone, input.leaderPhone))
          .get();
        if (!leader)
          throw new UserError("这个手机号还没有注册。请负责人先注册账号。", "leaderPhone");
        const t = Date.now();
        const org = tx
          .insert(organisations)
          .values({
            academyId,
            name: input.name,
            type: input.type,
            description: input.description,
            leaderId: leader.id,
            stage: "preparing",
            stageChangedAt: t,
            createdBy: actor.id,
            createdAt: t,
            updatedAt: t,
          })
          .returning()
          .get();
        tx.insert(organisationMembers)
          .values({
            organisationId: org.id,
            userId: leader.id,
            status: "active",
            note: "负责人",
            appliedAt: t,
            decidedAt: t,
            decidedBy: actor.id,
          })
          .run();
        tx.insert(organisationStageChanges)
          .values({
            organisationId: org.id,
            fromStage: null,
            toStage: "preparing",
            note: "登记成立筹备组",
            changedBy: actor.id,
            changedAt: t,
          })
          .run();
        writeAudit(tx, actor.id, ip, {
          action: "organisation.create",
          targetType: "organisation",
          targetId: org.id,
          summary: `${academy.name}登记居民组织“${org.name}”（负责人 ${leader.name}，筹备）`,
        });
        notify(tx, leader.id, {
          title: `您已被登记为“${org.name}”的负责人`,
          body: `${academy.name}登记了居民组织“${org.name}”，由您负责。入会申请会发到您的消息里。`,
          link: `/organisations/${org.id}`,
        });
        return org;
      },
      { behavior: "immediate" },
    );
  } catch (e) {
    if (isUnique(e)) throw new UserError(`本书院已有名为“${input.name}”的组织。`, "name");
    throw e;
  }
}

/** Moves the organisation to its next stage (or 注销), dated and audited. */
export function changeStage(db: DB, actor: Actor, orgId: number, raw: unknown, ip: string | null) {
  const input = parseInput(stageInput, raw);
  return db.transaction(
    (tx) => {
      const org = requireOrg(tx, orgId);
      assertManages(actor, org.academyId);
      if (!allowedStageMoves(org.stage).includes(input.to)) {
        throw new UserError(
          org.stage === "dissolved"
            ? "这个组织已注销，不能再变更阶段。"
            : `“${ORG_STAGE_LABELS[org.stage]}”之后只能转为${allowedStageMoves(org.stage)
                .map((s) => `“${ORG_STAGE_LABELS[s]}”`)
                .join("或")}。`,
          "to",
        );
      }
      const t = Date.now();
      const changed = tx
        .update(organisations)
        .set({ stage: input.to, stageChangedAt: t, updatedAt: t })
        .where(and(eq(organisations.id, orgId), eq(organisations.stage, org.stage)))
        .run();
      if (changed.changes !== 1) throw new UserError("阶段刚被别人改过，请刷新后再试。", "to");
      tx.insert(organisationStageChanges)
        .values({
          organisationId: orgId,
          fromStage: org.stage,
          toStage: input.to,
          note: input.note,
          changedBy: actor.id,
          changedAt: t,
        })
        .run();
      if (input.to === "dissolved") {
        // Pending applications end with the organisation.
        tx.update(organisationMembers)
          .set({ status: "declined", decidedAt: t, decidedBy: actor.id })
          .where(
            and(
              eq(organisationMembers.organisationId, orgId),
              eq(organisationMembers.status, "pending"),
            ),
          )
          .run();
      }
      writeAudit(tx, actor.id, ip, {
        action: "organisation.stage",
        targetType: "organisation",
        targetId: orgId,
        summary: `居民组织“${org.name}”：${ORG_STAGE_LABELS[org.stage]} → ${ORG_STAGE_LABELS[input.to]}${input.note ? `（${input.note}）` : ""}`,
        detail: { from: org.stage, to: input.to },
      });
      notify(tx, org.leaderId, {
        title: `“${org.name}”进入新阶段：${ORG_STAGE_LABELS[input.to]}`,
        body: input.note,
        link: `/organisations/${orgId}`,
      });
    },
    { behavior: "immediate" },
  );
}

/** A resident applies to join; the leader is told. Twice → a Chinese message on the form. */
export function applyToJoin(db: DB, actor: Actor, orgId: number, raw: unknown = {}) {
  const input = parseInput(joinInput, raw);
  try {
    return db.transaction(
      (tx) => {
        const org = requireOrg(tx, orgId);
        if (org.stage === "dissolved") throw new UserError("这个组织已注销，不再接受入会申请。");
        const live = tx
          .select({ status: organisationMembers.status })
          .from(organisationMembers)
          .where(
            and(
              eq(organisationMembers.organisationId, orgId),
              eq(organisationMembers.userId, actor.id),
              inArray(organisationMembers.status, ["pending", "active"]),
            ),
          )
          .get();
        if (live)
          throw new UserError(
            live.status === "active"
              ? "您已经是这个组织的成员了，不用重复加入。"
              : "您已经申请过了，请等待负责人审核，不用重复申请。",
            "note",
          );
        const t = Date.now();
        const row = tx
          .insert(organisationMembers)
          .values({
            organisationId: orgId,
            userId: actor.id,
            status: "pending",
            note: input.note,
            appliedAt: t,
          })
          .returning()
          .get();
        notify(tx, org.leaderId, {
          title: `${actor.name} 申请加入“${org.name}”`,
          body: input.note,
          link: `/organisations/${orgId}`,
        });
        return row;
      },
      { behavior: "immediate" },
    );
  } catch (e) {
    if (isUnique(e))
      throw new UserError("您已经申请过了，请等待负责人审核，不用重复申请。", "note");
    throw e;
  }
}

/** The leader or the academy's manager approves or declines an application; the applicant is told. */
export function decideApplication(
  db: DB,
  actor: Actor,
  memberId: number,
  approve: boolean,
  ip: string | null,
) {
  return db.transaction(
    (tx) => {
      const m = tx
        .select()
        .from(organisationMembers)
        .where(eq(organisationMembers.id, memberId))
        .get();
      if (!m) notFound("没有找到这份申请。");
      const org = requireOrg(tx, m.organisationId);
      if (org.leaderId !== actor.id) assertManages(actor, org.academyId);
      if (m.status !== "pending") throw new UserError("这份申请已经处理过了。");
      const t = Date.now();
      tx.update(organisationMembers)
        .set({ status: approve ? "active" : "declined", decidedAt: t, decidedBy: actor.id })
        .where(and(eq(organisationMembers.id, memberId), eq(organisationMembers.status, "pending")))
        .run();
      const who = tx.select({ name: users.name }).from(users).where(eq(users.id, m.userId)).get();
      writeAudit(tx, actor.id, ip, {
        action: approve ? "organisation.member.approve" : "organisation.member.decline",
        targetType: "organisation",
        targetId: org.id,
        summary: `${approve ? "同意" : "婉拒"} ${who?.name ?? ""} 加入“${org.name}”`,
        detail: { memberId, userId: m.userId },
      });
      notify(tx, m.userId, {
        title: approve ? `您已加入“${org.name}”` : `“${org.name}”暂未通过您的入会申请`,
        body: approve
          ? "负责人已同意您的申请，欢迎参加组织的活动。"
          : "可以联系组织负责人或书院了解情况。",
        link: `/organisations/${org.id}`,
      });
    },
    { behavior: "immediate" },
  );
}

/** A member leaves (or withdraws a pending application). The leader cannot leave without a successor. */
export function leaveOrganisation(db: DB, actor: Actor, orgId: number) {
  return db.transaction(
    (tx) => {
      const org = requireOrg(tx, orgId);
      if (org.leaderId === actor.id)
        throw new UserError("您是这个组织的负责人，请先请书院管理员更换负责人，再退出。");
      const m = tx
        .select()
        .from(organisationMembers)
        .where(
          and(
            eq(organisationMembers.organisationId, orgId),
            eq(organisationMembers.userId, actor.id),
            inArray(organisationMembers.status, ["pending", "active"]),
          ),
        )
        .get();
      if (!m) throw new UserError("您不是这个组织的成员。");
      tx.update(organisationMembers)
        .set({ status: "left", leftAt: Date.now() })
        .where(eq(organisationMembers.id, m.id))
        .run();
      return m.status;
    },
    { behavior: "immediate" },
  );
}

/** The manager hands the organisation to another active member (audited). */
export function changeLeader(
  db: DB,
  actor: Actor,
  orgId: number,
  memberUserId: number,
  ip: string | null,
) {
  return db.transaction(
    (tx) => {
      const org = requireOrg(tx, orgId);
      assertManages(actor, org.academyId);
      const m = tx
        .select({ id: organisationMembers.id, name: users.name })
        .from(organisationMembers)
        .innerJoin(users, eq(users.id, organisationMembers.userId))
        .where(
          and(
            eq(organisationMembers.organisationId, orgId),
            eq(organisationMembers.userId, memberUserId),
            eq(organisationMembers.status, "active"),
          ),
        )
        .get();
      if (!m) throw new UserError("新负责人须是组织的现有成员。", "leader");
      tx.update(organisations)
        .set({ leaderId: memberUserId, updatedAt: Date.now() })
        .where(eq(organisations.id, orgId))
        .run();
      writeAudit(tx, actor.id, ip, {
        action: "organisation.leader",
        targetType: "organisation",
        targetId: orgId,
        summary: `“${org.name}”更换负责人为 ${m.name}`,
      });
      notify(tx, memberUserId, {
        title: `您已成为“${org.name}”的负责人`,
        link: `/organisations/${orgId}`,
      });
    },
    { behavior: "immediate" },
  );
}

// ---- Reading -----------------------------------------------------------------------------------

function memberCounts(conn: Conn, orgIds: number[]) {
  if (orgIds.length === 0) return new Map<number, number>();
  return new Map(
    conn
      .select({ id: organisationMembers.organisationId, n: sql<number>`count(*)` })
      .from(organisationMembers)
      .where(
        and(
          inArray(organisationMembers.organisationId, orgIds),
          eq(organisationMembers.status, "active"),
        ),
      )
      .groupBy(organisationMembers.organisationId)
      .all()
      .map((r) => [r.id, r.n]),
  );
}

const listCols = {
  id: organisations.id,
  name: organisations.name,
  type: organisations.type,
  stage: organisations.stage,
  stageChangedAt: organisations.stageChangedAt,
  description: organisations.description,
  leaderName: users.name,
  academyId: organisations.academyId,
};

/** The academy page's list: every organisation it sponsors except dissolved ones. */
export function listAcademyOrganisations(
  db: DB,
  academyId: number,
  opts: { includeDissolved?: boolean } = {},
) {
  const rows = db
    .select(listCols)
    .from(organisations)
    .innerJoin(users, eq(users.id, organisations.leaderId))
    .where(
      and(
        eq(organisations.academyId, academyId),
        opts.includeDissolved ? undefined : sql`${organisations.stage} <> 'dissolved'`,
      ),
    )
    .orderBy(asc(organisations.name))
    .all();
  const counts = memberCounts(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => ({
    ...r,
    leaderName: maskName(r.leaderName),
    members: counts.get(r.id) ?? 0,
  }));
}

/** /manage/:academy/organisations: every organisation with pending applications counted. */
export function listManagedOrganisations(db: DB, actor: Actor, academyId: number) {
  assertManages(actor, academyId);
  const rows = db
    .select(listCols)
    .from(organisations)
    .innerJoin(users, eq(users.id, organisations.leaderId))
    .where(eq(organisations.academyId, academyId))
    .orderBy(asc(organisations.stage), asc(organisations.name))
    .all();
  const counts = memberCounts(
    db,
    rows.map((r) => r.id),
  );
  const pending = new Map(
    rows.length
      ? db
          .select({ id: organisationMembers.organisationId, n: sql<number>`count(*)` })
          .from(organisationMembers)
          .where(
            and(
              inArray(
                organisationMembers.organisationId,
                rows.map((r) => r.id),
              ),
              eq(organisationMembers.status, "pending"),
            ),
          )
          .groupBy(organisationMembers.organisationId)
          .all()
          .map((r) => [r.id, r.n])
      : [],
  );
  return rows.map((r) => ({
    ...r,
    members: counts.get(r.id) ?? 0,
    pending: pending.get(r.id) ?? 0,
  }));
}

/** The district centre's view: its academies' organisations grouped by stage. */
export function districtOrganisationsByStage(db: DB, actor: Actor, districtId: number) {
  if (!canOverseeDistrict(actor, districtId)) forbidden("您没有权限查看这个区的居民组织。");
  const rows = db
    .select({ ...listCols, academyName: academies.name, academySlug: academies.slug })
    .from(organisations)
    .innerJoin(users, eq(users.id, organisations.leaderId))
    .innerJoin(academies, eq(academies.id, organisations.academyId))
    .where(eq(academies.districtId, districtId))
    .orderBy(asc(academies.name), asc(organisations.name))
    .all();
  const counts = memberCounts(
    db,
    rows.map((r) => r.id),
  );
  const byStage: Record<OrgStage, ((typeof rows)[number] & { members: number })[]> = {
    preparing: [],
    incubating: [],
    established: [],
    dissolved: [],
  };
  for (const r of rows) byStage[r.stage].push({ ...r, members: counts.get(r.id) ?? 0 });
  const district = db
    .select({ name: districts.name })
    .from(districts)
    .where(eq(districts.id, districtId))
    .get();
  return { districtName: district?.name ?? "", byStage, total: rows.length };
}

/** /organisations/:id for anyone; members' names are masked unless the viewer leads or manages it. */
export function getOrganisationPage(db: DB, actor: Actor | null, orgId: number) {
  const org = requireOrg(db, orgId);
  const academy = db
    .select({
      id: academies.id,
      slug: academies.slug,
      name: academies.name,
      districtId: academies.districtId,
    })
    .from(academies)
    .where(eq(academies.id, org.academyId))
    .get()!;
  const leader = db
    .select({ id: users.id, name: users.name })
    .from(users)
    .where(eq(users.id, org.leaderId))
    .get()!;
  const isLeader = actor?.id === org.leaderId;
  const canManage = !!actor && canManageAcademy(actor, academy.id);
  const canDecide = isLeader || canManage;
  const members = db
    .select({
      id: organisationMembers.id,
      userId: organisationMembers.userId,
      name: users.name,
      status: organisationMembers.status,
      note: organisationMembers.note,
      appliedAt: organisationMembers.appliedAt,
    })
    .from(organisationMembers)
    .innerJoin(users, eq(users.id, organisationMembers.userId))
    .where(
      and(
        eq(organisationMembers.organisationId, orgId),
        inArray(organisationMembers.status, ["pending", "active"]),
      ),
    )
    .orderBy(asc(organisationMembers.appliedAt))
    .all();
  const mine = actor ? members.find((m) => m.userId === actor.id) : undefined;
  const history = db
    .select({
      from: organisationStageChanges.fromStage,
      to: organisationStageChanges.toStage,
      note: organisationStageChanges.note,
      at: organisationStageChanges.changedAt,
    })
    .from(organisationStageChanges)
    .where(eq(organisationStageChanges.organisationId, orgId))
    .orderBy(asc(organisationStageChanges.changedAt), asc(organisationStageChanges.id))
    .all();
  const active = members.filter((m) => m.status === "active");
  return {
    org: {
      id: org.id,
      name: org.name,
      type: org.type,
      stage: org.stage,
      description: org.description,
      stageChangedAt: org.stageChangedAt,
      createdAt: org.createdAt,
    },
    academy,
    leaderName: canDecide ? leader.name : maskName(leader.name),
    isLeader,
    canManage,
    canDecide,
    myStatus: mine?.status ?? null,
    memberCount: active.length,
    members: active.map((m) => ({
      userId: m.userId,
      name: canDecide ? m.name : maskName(m.name),
      isLeader: m.userId === org.leaderId,
    })),
    pending: canDecide
      ? members
          .filter((m) => m.status === "pending")
          .map((m) => ({ id: m.id, name: m.name, note: m.note, appliedAt: m.appliedAt }))
      : [],
    history,
    activities: organisationActivityStats(db, orgId),
  };
}

/** The organisations a person belongs to or applied to (for /me). */
export function myOrganisations(db: DB, actor: Actor) {
  return db
    .select({
      id: organisations.id,
      name: organisations.name,
      stage: organisations.stage,
      status: organisationMembers.status,
      leaderId: organisations.leaderId,
      academyName: academies.name,
    })
    .from(organisationMembers)
    .innerJoin(organisations, eq(organisations.id, organisationMembers.organisationId))
    .innerJoin(academies, eq(academies.id, organisations.academyId))
    .where(
      and(
        eq(organisationMembers.userId, actor.id),
        inArray(organisationMembers.status, ["pending", "active"]),
      ),
    )
    .orderBy(desc(organisationMembers.appliedAt))
    .all()
    .map((r) => ({ ...r, isLeader: r.leaderId === actor.id }));
}
