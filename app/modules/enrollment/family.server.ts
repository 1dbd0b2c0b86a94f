/**
 * 我的家庭: the people a resident registers for. A member with an active enrolment cannot be
 * removed (cancel first); removal is soft so past enrolments keep the name.
 */
import { and, asc, eq, inArray, isNull } from "drizzle-orm";
import type { Conn, DB } from "@db/client";
import {
  ACTIVE_ENROLLMENT_STATUSES,
  classRuns,
  enrollments,
  familyMembers,
  users,
} from "@db/schema";
import type { Actor } from "~/modules/auth/permissions";
import { getPinnedVersion } from "~/modules/catalog/read.server";
import { UserError } from "~/utils/errors";
import type { MemberInput } from "./family";

export const MAX_FAMILY_MEMBERS = 10;

export function listFamily(db: DB, actor: Actor) {
  const members = db
    .select()
    .from(familyMembers)
    .where(and(eq(familyMembers.ownerUserId, actor.id), isNull(familyMembers.removedAt)))
    .orderBy(asc(familyMembers.id))
    .all();
  const active = members.length
    ? db
        .select({ memberId: enrollments.familyMemberId, runId: enrollments.runId })
        .from(enrollments)
        .where(
          and(
            inArray(
              enrollments.familyMemberId,
              members.map((m) => m.id),
            ),
            inArray(enrollments.status, [...ACTIVE_ENROLLMENT_STATUSES]),
          ),
        )
        .all()
    : [];
  const me = db
    .select({ birthYear: users.birthYear, name: users.name })
    .from(users)
    .where(eq(users.id, actor.id))
    .get();
  return {
    me: { name: me?.name ?? actor.name, birthYear: me?.birthYear ?? null },
    members: members.map((m) => ({
      ...m,
      activeEnrollments: active.filter((a) => a.memberId === m.id).length,
    })),
  };
}

function clean(input: MemberInput) {
  const name = input.name.trim();
  const relation = input.relation.trim();
  if (!name) throw new UserError("请填写家庭成员的姓名。", "name");
  if (!relation) throw new UserError("请选择与您的关系。", "relation");
  const thisYear = new Date().getFullYear();
  if (!Number.isInteger(input.birthYear) || input.birthYear < 1900 || input.birthYear > thisYear) {
    throw new UserError(`出生年份请填 1900 到 ${thisYear} 之间的年份。`, "birthYear");
  }
  const phone = input.phone?.trim() || null;
  if (phone && !/^1[3-9]\d{9}$/.test(phone))
    throw new UserError("手机号码请填 11 位数字，以 13–19 开头；没有可以不填。", "phone");
  return { name, relation, birthYear: input.birthYear, phone };
}

function ownMember(db: Conn, actor: Actor, memberId: number) {
  const m = db.select().from(familyMembers).where(eq(familyMembers.id, memberId)).get();
  if (!m || m.ownerUserId !== actor.id || m.removedAt != null)
    throw new UserError("没有找到这位家庭成员。");
  return m;
}

export function addFamilyMember(db: DB, actor: Actor, input: MemberInput, now = Date.now()) {
  const values = clean(input);
  return db.transaction(
    (tx) => {
      const current = tx
        .select({ id: familyMembers.id, name: familyMembers.name })
        .from(familyMembers)
        .where(and(eq(familyMembers.ownerUserId, actor.id), isNull(familyMembers.removedAt)))
        .all();
      if (current.length >= MAX_FAMILY_MEMBERS)
        throw new UserError(`最多登记 ${MAX_FAMILY_MEMBERS} 位家庭成员。`);
      if (current.some((c) => c.name === values.name))
        throw new UserError(`家里已经登记过「${values.name}」了。`, "name");
      return tx
        .insert(familyMembers)
        .values({ ...values, ownerUserId: actor.id, createdAt: now, updatedAt: now })
        .returning()
        .get();
    },
    { behavior: "immediate" },
  );
}

export function updateFamilyMember(
  db: DB,
  actor: Actor,
  memberId: number,
  input: MemberInput,
  now = Date.now(),
) {
  const values = clean(input);
  return db.transaction(
    (tx) => {
      const m = ownMember(tx, actor, memberId);
      const dup = tx
        .select({ id: familyMembers.id })
        .from(familyMembers)
        .where(
          and(
            eq(familyMembers.ownerUserId, actor.id),
            isNull(familyMembers.removedAt),
            eq(familyMembers.name, values.name),
          ),
        )
        .all()
        .some((r) => r.id !== m.id);
      if (dup) throw new UserError(`家里已经登记过「${values.name}」了。`, "name");
      tx.update(familyMembers)
        .set({ ...values, updatedAt: now })
        .where(eq(familyMembers.id, m.id))
        .run();
    },
    { behavior: "immediate" },
  );
}

/** Soft-removes a member; refused while they hold a seat, a waitlist place or a lottery ticket. */
export function removeFamilyMember(db: DB, actor: Actor, memberId: number, now = Date.now()) {
  return db.transaction(
    (tx) => {
      const m = ownMember(tx, actor, memberId);
      const active = tx
        .select({ runId: enrollments.runId, versionId: classRuns.courseVersionId })
        .from(enrollments)
        .innerJoin(classRuns, eq(classRuns.id, enrollments.runId))
        .where(
          and(
            eq(enrollments.familyMemberId, m.id),
            inArray(enrollments.status, [...ACTIVE_ENROLLMENT_STATUSES]),
          ),
        )
        .all();
      if (active.length) {
        const titles = active
          .slice(0, 3)
          .map((a) => `「${getPinnedVersion(tx, a.versionId)?.title ?? `班级 #${a.runId}`}」`);
        throw new UserError(
          `${m.relation}${m.name}还报着 ${active.length} 个班（${titles.join("、")}${
            active.length > 3 ? "等" : ""
          }），请先在“我的课程”里取消这些报名，再移除。`,
        );
      }
      tx.update(familyMembers)
        .set({ removedAt: now, updatedAt: now })
        .where(eq(familyMembers.id, m.id))
        .run();
      return m;
    },
    { behavior: "immediate" },
  );
}

/** The resident's own birth year (age rules of classes need it). */
export function setMyBirthYear(db: DB, actor: Actor, birthYear: number) {
  const thisYear = new Date().getFullYear();
  if (!Number.isInteger(birthYear) || birthYear < 1900 || birthYear > thisYear) {
    throw new UserError(`出生年份请填 1900 到 ${thisYear} 之间的年份。`, "birthYear");
  }
  db.update(users).set({ birthYear }).where(eq(users.id, actor.id)).run();
}
