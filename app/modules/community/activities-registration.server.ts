/**
 * Registering for an activity (活动报名) and checking in (签到). Seats, the waitlist, family
 * sign-up and the no-show policy are the enrolment module's, reached through its seat target
 * `{ kind: "activity" }` (seats.server.ts): the same guarded INSERT that keeps classes from being
 * oversold keeps activities from being oversold. Check-in uses the same rotating QR token as class
 * sessions (checkin-token.ts), signed under a key derived for activities so a class code never
 * opens an activity and the other way round.
 */
import { and, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import QRCode from "qrcode";
import type { Conn, DB } from "@db/client";
import {
  academies,
  activities,
  activityAttendance,
  activityRegistrations,
  familyMembers,
  rooms,
  users,
} from "@db/schema";
import { writeAudit } from "~/modules/auth/audit.server";
import type { Actor } from "~/modules/auth/permissions";
import {
  checkinOpensAt,
  checkinWindowProblem,
  isPass,
  nextRotation,
  signCheckinPass,
  signCheckinToken,
  TOKEN_MESSAGES,
  verifyCheckinCode,
} from "~/modules/learning/checkin-token";
import { checkinSecret } from "~/modules/learning/checkin.server";
import {
  enrollLimiter,
  EnrollRefusal,
  isBusy,
  isUniqueViolation,
  resolvePerson,
} from "~/modules/enrollment/enroll.server";
import { waitlistOnlyRestriction } from "~/modules/enrollment/policy.server";
import {
  activeSeatOf,
  confirmedCountOf,
  describePerson,
  promoteQueue,
  seatOrWaitlistIn,
  waitlistPositionIn,
  type SeatTarget,
} from "~/modules/enrollment/seats.server";
import { notify } from "~/modules/auth/notifications.server";
import { formatDateTime } from "~/utils/dates";
import { UserError } from "~/utils/errors";
import { notFound } from "~/utils/http";
import { loadManagedActivity } from "./activities.server";

const target = (id: number): SeatTarget => ({ kind: "activity", id });

function loadActivity(conn: Conn, id: number) {
  const a = conn.select().from(activities).where(eq(activities.id, id)).get();
  if (!a) notFound("没有找到这个活动。");
  return a;
}

/** When registration closes: `enrolClosesAt`, else the start. */
export function registrationClosesAt(a: { enrollClosesAt: number | null; startsAt: number }) {
  return a.enrollClosesAt ?? a.startsAt;
}

export type RegisterOutcome = {
  registrationId: number;
  status: "confirmed" | "waitlisted";
  position: number | null;
  who: string;
  restricted: string | null;
};

async function consumeAttempt(db: DB, userId: number) {
  try {
    await enrollLimiter(db).consume(String(userId));
  } catch (e) {
    if (e instanceof Error) throw e;
    throw new EnrollRefusal("rate_limited");
  }
}

/** 活动报名 for oneself or a family member: a seat if free (guarded write), else the waitlist. */
export async function registerForActivity(
  db: DB,
  actor: Actor,
  input: { activityId: number; memberId?: number | null },
  now = Date.now(),
): Promise<RegisterOutcome> {
  await consumeAttempt(db, actor.id);
  try {
    return db.transaction(
      (tx) => {
        const a = loadActivity(tx, input.activityId);
        if (a.status === "cancelled")
          throw new EnrollRefusal("run_cancelled", "这个活动已经取消，不能报名。");
        if (!a.registration)
          throw new EnrollRefusal("not_open", "这个活动不需要报名，直接到场参加即可。");
        if (now >= registrationClosesAt(a))
          throw new EnrollRefusal("window_closed", "这个活动的报名已经截止了。");
        const person = resolvePerson(tx, actor, input.memberId);
        const existing = activeSeatOf(tx, target(a.id), person);
        if (existing) {
          const state =
            existing.status === "waitlisted"
              ? `候补第 ${waitlistPositionIn(tx, target(a.id), existing)} 位`
              : "已报名";
          throw new EnrollRefusal(
            "already_enrolled",
            `${person.who}已经报过这个活动了（${state}），同一个人只能报名一次。`,
            input.memberId != null ? "memberId" : undefined,
          );
        }
        const restricted = waitlistOnlyRestriction(
          tx,
          { userId: person.userId, familyMemberId: person.familyMemberId },
          now,
        );
        // Seats freed earlier go to the waitlist first, never to a newcomer.
        promoteQueue(tx, target(a.id), now, (row) => tellPromoted(tx, row, a));
        const seat = {
          userId: person.userId,
          familyMemberId: person.familyMemberId,
          priority: false,
          addedBy: null,
        };
        const placed = seatOrWaitlistIn(tx, target(a.id), seat, now, !!restricted);
        const { id, status } = placed;
        return {
          registrationId: id,
          status,
          position: placed.position,
          who: person.who === "您" ? person.name : person.who,
          restricted: restricted && status === "waitlisted" ? restricted.reason : null,
        };
      },
      { behavior: "immediate" },
    );
  } catch (e) {
    if (isUniqueViolation(e))
      throw new EnrollRefusal("already_enrolled", "已经报过这个活动了，同一个人只能报名一次。");
    if (isBusy(e)) throw new EnrollRefusal("busy");
    throw e;
  }
}

function tellPromoted(
  tx: Conn,
  row: { userId: number | null; familyMemberId: number | null; walkinName: string | null },
  a: { id: number; title: string },
) {
  const who = describePerson(tx, row);
  notify(tx, row.userId!, {
    title: `候补转正：「${a.title}」`,
    body: `${who.forWhom}活动「${a.title}」有了空位，已从候补转为正式报名。如不能参加，请尽早取消，把名额让给下一位。`,
    link: `/activities/${a.id}`,
  });
}

/** 取消活动报名 (or leave the waitlist) until the activity starts; the seat goes to the head of the waitlist. */
export function cancelActivityRegistration(
  db: DB,
  actor: Actor,
  input: { activityId: number; memberId?: number | null },
  now = Date.now(),
) {
  try {
    return db.transaction(
      (tx) => {
        const a = loadActivity(tx, input.activityId);
        const person = resolvePerson(tx, actor, input.memberId);
        const e = activeSeatOf(tx, target(a.id), person);
        if (!e)
          throw new EnrollRefusal("not_enrolled", `${person.who}没有报名这个活动，无需取消。`);
        if (e.status === "confirmed" && now >= a.startsAt && a.status !== "cancelled")
          throw new EnrollRefusal(
            "cancel_deadline_passed",
            `活动已于 ${formatDateTime(a.startsAt)} 开始，不能再取消报名。`,
          );
        tx.update(activityRegistrations)
          .set({ status: "cancelled", cancelledAt: now, endedBy: actor.id, updatedAt: now })
          .where(eq(activityRegistrations.id, e.id))
          .run();
        const promoted =
          e.status === "confirmed" && a.status === "scheduled"
            ? promoteQueue(tx, target(a.id), now, (row) => tellPromoted(tx, row, a))
            : [];
        return { wasStatus: e.status, promoted: promoted.length };
      },
      { behavior: "immediate" },
    );
  } catch (e) {
    if (isBusy(e)) throw new EnrollRefusal("busy");
    throw e;
  }
}

/**
 * 现场报名 for an activity, as classes have it (enrollment/roster.server.ts `addWalkIn`): the
 * manager adds someone at the door. A phone that belongs to an account registers that account
 * (told in 消息); otherwise a walk-in with name and phone. The manager may add after registration
 * closed, never past the capacity (a full activity waitlists them). Once check-in has opened
 * (30 minutes before the start) the person is standing there, so a seat is also marked present
 * (roll-call row) in the same transaction. Audited.
 */
export function addActivityWalkIn(
  db: DB,
  actor: Actor,
  input: { activityId: number; name: string; phone: string },
  ip: string | null = null,
  now = Date.now(),
  academyId?: number,
) {
  const name = input.name.trim();
  const phone = input.phone.trim();
  if (!name) throw new UserError("请填写姓名。", "name");
  if (name.length > 20) throw new UserError("姓名最多 20 个字。", "name");
  if (!/^1\d{10}$/.test(phone)) throw new UserError("请填写 11 位手机号码。", "phone");
  try {
    return db.transaction(
      (tx) => {
        const a = loadManagedActivity(tx, actor, input.activityId, academyId);
        if (a.status === "cancelled") throw new UserError("这个活动已经取消，不能再加人。", "name");
        if (!a.registration)
          throw new UserError("这个活动不需要报名，现场来的人请计入现场人数。", "name");
        if (now >= a.endsAt) throw new UserError("这个活动已经结束，不能再加人。", "name");
        const account = tx.select().from(users).where(eq(users.phone, phone)).get();
        const dup = account
          ? activeSeatOf(tx, target(a.id), { userId: account.id, familyMemberId: null })
          : tx
              .select({ id: activityRegistrations.id })
              .from(activityRegistrations)
              .where(
                and(
                  eq(activityRegistrations.activityId, a.id),
                  isNull(activityRegistrations.userId),
                  eq(activityRegistrations.walkinPhone, phone),
                  inArray(activityRegistrations.status, [
                    "confirmed",
                    "waitlisted",
                    "lottery_pending",
                  ]),
                ),
              )
              .get();
        if (dup)
          throw new EnrollRefusal(
            "already_enrolled",
            account
              ? `手机号 ${phone} 的账号（${account.name}）已经在名单上了。`
              : `手机号 ${phone} 已经在名单上了。`,
            "phone",
          );
        const seat = {
          userId: account?.id ?? null,
          familyMemberId: null,
          walkinName: account ? null : name,
          walkinPhone: account ? null : phone,
          priority: false,
          addedBy: actor.id,
        };
        promoteQueue(tx, target(a.id), now, (row) => tellPromoted(tx, row, a));
        const { id, status, position } = seatOrWaitlistIn(tx, target(a.id), seat, now);
        const present = status === "confirmed" && now >= checkinOpensAt(a);
        if (present) {
          tx.insert(activityAttendance)
            .values({
              activityId: a.id,
              registrationId: id,
              userId: account?.id ?? null,
              familyMemberId: null,
              present: true,
              method: "roster",
              markedBy: actor.id,
              markedAt: now,
            })
            .run();
        }
        const placedName = account?.name ?? name;
        const outcome =
          status === "confirmed" ? (present ? "已报名并到场" : "已报名") : `候补第 ${position} 位`;
        if (account) {
          notify(tx, account.id, {
            title: `书院为您报名：「${a.title}」`,
            body: `书院管理员为您报名了活动「${a.title}」，当前状态：${outcome}。如不能参加，请在活动页面取消报名。`,
            link: `/activities/${a.id}`,
          });
        }
        writeAudit(tx, actor.id, ip, {
          action: "activity.walkin",
          targetType: "activity",
          targetId: a.id,
          summary: `为活动「${a.title}」${account ? "账号" : "现场"}报名 ${placedName}（${phone}）：${outcome}`,
          detail: {
            registrationId: id,
            userId: account?.id ?? null,
            status,
            present,
          },
        });
        return {
          registrationId: id,
          status,
          position,
          present,
          name: placedName,
          account: !!account,
        };
      },
      { behavior: "immediate" },
    );
  } catch (e) {
    if (isUniqueViolation(e))
      throw new EnrollRefusal("already_enrolled", `手机号 ${phone} 已经在名单上了。`, "phone");
    if (isBusy(e)) throw new EnrollRefusal("busy");
    throw e;
  }
}

/** The account's own active registrations for an activity (self and family), for the activity page. */
export function myRegistrations(conn: Conn, actor: Actor | null, activityId: number) {
  if (!actor) return [];
  return conn
    .select({
      id: activityRegistrations.id,
      status: activityRegistrations.status,
      queueKey: activityRegistrations.queueKey,
      familyMemberId: activityRegistrations.familyMemberId,
      memberName: familyMembers.name,
      relation: familyMembers.relation,
    })
    .from(activityRegistrations)
    .leftJoin(familyMembers, eq(familyMembers.id, activityRegistrations.familyMemberId))
    .where(
      and(
        eq(activityRegistrations.activityId, activityId),
        eq(activityRegistrations.userId, actor.id),
        inArray(activityRegistrations.status, ["confirmed", "waitlisted"]),
      ),
    )
    .all()
    .map((r) => ({
      ...r,
      position: r.status === "waitlisted" ? waitlistPositionIn(conn, target(activityId), r) : null,
    }));
}

// ---- Check-in (签到) ---------------------------------------------------------------------------

/** Activity codes are the class-session codes signed under a key derived for activities. */
export function activityCheckinSecret(conn: Conn) {
  return `${checkinSecret(conn)}:activity`;
}

const ACTIVITY_TOKEN_MESSAGES = {
  ...TOKEN_MESSAGES,
  malformed: "这个签到码无效。请扫描活动现场屏幕上的二维码。",
  forged: "这个签到码无效。请扫描活动现场屏幕上的二维码。",
  expired: "这个签到码已过期（二维码每 30 秒更新一次）。请重新扫描现场屏幕上的二维码。",
  cancelled: "这个活动已取消，不需要签到。",
  not_open: "签到还没有开始：活动开始前 30 分钟开放签到。",
  closed: "这个活动已经结束，不能再签到。",
};

/** The manager's QR screen for an activity (rotates every 30 seconds), with the count so far. */
export async function activityCheckinScreen(
  db: DB,
  actor: Actor,
  activityId: number,
  origin: string,
  now = Date.now(),
  academyId?: number,
) {
  const a = loadManagedActivity(db, actor, activityId, academyId);
  const problem = checkinWindowProblem(a, now);
  let code: { token: string; url: string; svg: string; rotatesAt: number } | null = null;
  if (!problem) {
    const token = signCheckinToken(activityCheckinSecret(db), a.id, now);
    const url = `${origin}/activities/checkin/${token}`;
    const svg = await QRCode.toString(url, {
      type: "svg",
      margin: 2,
      errorCorrectionLevel: "M",
      color: { dark: "#000000", light: "#ffffff" },
    });
    code = { token, url, svg, rotatesAt: nextRotation(now) };
  }
  const present = db
    .select({ n: sql<number>`count(*)` })
    .from(activityAttendance)
    .where(and(eq(activityAttendance.activityId, a.id), eq(activityAttendance.present, true)))
    .get()!.n;
  const recent = db
    .select({
      name: sql<string>`coalesce(${familyMembers.name}, ${users.name}, '居民')`,
      markedAt: activityAttendance.markedAt,
      method: activityAttendance.method,
    })
    .from(activityAttendance)
    .leftJoin(users, eq(users.id, activityAttendance.userId))
    .leftJoin(familyMembers, eq(familyMembers.id, activityAttendance.familyMemberId))
    .where(and(eq(activityAttendance.activityId, a.id), eq(activityAttendance.present, true)))
    .orderBy(desc(activityAttendance.markedAt), desc(activityAttendance.id))
    .limit(8)
    .all();
  const place = a.roomId
    ? (db.select({ name: rooms.name }).from(rooms).where(eq(rooms.id, a.roomId)).get()?.name ?? "")
    : a.place;
  const academyName = db
    .select({ name: academies.name })
    .from(academies)
    .where(eq(academies.id, a.academyId))
    .get()!.name;
  return {
    session: {
      sessionId: a.id,
      runId: 0,
      title: a.title,
      academyName,
      roomName: place,
      startsAt: a.startsAt,
      endsAt: a.endsAt,
      status: a.status,
    },
    problem: problem ? ACTIVITY_TOKEN_MESSAGES[problem] : null,
    opensAt: checkinOpensAt(a),
    code,
    present,
    expected: a.registration ? confirmedCountOf(db, target(a.id)) : null,
    recent,
    now,
  };
}

export type ActivityCheckinPerson = {
  /** r<registrationId> for a registered person; u (self) or m<memberId> at an open event. */
  key: string;
  name: string;
  relation: string | null;
  presentAt: number | null;
};

export type ActivityCheckinPrompt =
  | { kind: "refused"; message: string }
  | { kind: "login"; pass: string }
  | {
      kind: "ready";
      pass: string;
      activity: { id: number; title: string; startsAt: number; endsAt: number; place: string };
      people: ActivityCheckinPerson[];
      allPresent: boolean;
    };

/** Who this account may check in: its confirmed registrations (registered activity), or itself and its family (open event). */
function peopleFor(
  conn: Conn,
  userId: number,
  a: typeof activities.$inferSelect,
): ActivityCheckinPerson[] {
  const marks = conn
    .select()
    .from(activityAttendance)
    .where(and(eq(activityAttendance.activityId, a.id), eq(activityAttendance.present, true)))
    .all();
  if (a.registration) {
    const regs = conn
      .select({
        id: activityRegistrations.id,
        familyMemberId: activityRegistrations.familyMemberId,
        memberName: familyMembers.name,
        relation: familyMembers.relation,
        ownerName: users.name,
      })
      .from(activityRegistrations)
      .innerJoin(users, eq(users.id, activityRegistrations.userId))
      .leftJoin(familyMembers, eq(familyMembers.id, activityRegistrations.familyMemberId))
      .where(
        and(
          eq(activityRegistrations.activityId, a.id),
          eq(activityRegistrations.userId, userId),
          eq(activityRegistrations.status, "confirmed"),
        ),
      )
      .orderBy(activityRegistrations.id)
      .all();
    return regs
      .map((r) => ({
        key: `r${r.id}`,
        name: r.memberName ?? r.ownerName,
        relation: r.familyMemberId ? r.relation : null,
        presentAt: marks.find((m) => m.registrationId === r.id)?.markedAt ?? null,
      }))
      .sort((x, y) => Number(x.relation !== null) - Number(y.relation !== null));
  }
  const me = conn.select({ name: users.name }).from(users).where(eq(users.id, userId)).get();
  const family = conn
    .select()
    .from(familyMembers)
    .where(and(eq(familyMembers.ownerUserId, userId), isNull(familyMembers.removedAt)))
    .orderBy(familyMembers.id)
    .all();
  return [
    {
      key: "u",
      name: me?.name ?? "本人",
      relation: null,
      presentAt:
        marks.find(
          (m) => m.registrationId == null && m.familyMemberId == null && m.userId === userId,
        )?.markedAt ?? null,
    },
    ...family.map((f) => ({
      key: `m${f.id}`,
      name: f.name,
      relation: f.relation,
      presentAt:
        marks.find((m) => m.registrationId == null && m.familyMemberId === f.id)?.markedAt ?? null,
    })),
  ];
}

function notRegisteredMessage(conn: Conn, userId: number, a: typeof activities.$inferSelect) {
  const waiting = conn
    .select({ id: activityRegistrations.id })
    .from(activityRegistrations)
    .where(
      and(
        eq(activityRegistrations.activityId, a.id),
        eq(activityRegistrations.userId, userId),
        eq(activityRegistrations.status, "waitlisted"),
      ),
    )
    .get();
  if (waiting)
    return `您在「${a.title}」的候补名单上，还没有名额，不能签到。如现场有空位，请联系工作人员。`;
  return `「${a.title}」需要报名参加，您和您的家人没有报名，不能签到。如需现场报名，请联系书院工作人员。`;
}

/** What /activities/checkin/:code shows: a refusal, a login redirect (with a pass), or the people to tick. */
/** `browser`: this browser's check-in id (checkinBrowserOf); a pass made here works only here, as for classes. */
export function activityCheckinPrompt(
  db: DB,
  actor: Actor | null,
  code: string,
  now = Date.now(),
  browser = "",
): ActivityCheckinPrompt {
  const secret = activityCheckinSecret(db);
  const check = verifyCheckinCode(secret, code, now, browser);
  if (!check.ok) return { kind: "refused", message: ACTIVITY_TOKEN_MESSAGES[check.reason] };
  const a = db.select().from(activities).where(eq(activities.id, check.sessionId)).get();
  if (!a) return { kind: "refused", message: ACTIVITY_TOKEN_MESSAGES.forged };
  const problem = checkinWindowProblem(a, now);
  if (problem) return { kind: "refused", message: ACTIVITY_TOKEN_MESSAGES[problem] };
  const pass = isPass(code) ? code : signCheckinPass(secret, a.id, now, browser);
  if (!actor) return { kind: "login", pass };
  const people = peopleFor(db, actor.id, a);
  if (people.length === 0)
    return { kind: "refused", message: notRegisteredMessage(db, actor.id, a) };
  return {
    kind: "ready",
    pass,
    activity: { id: a.id, title: a.title, startsAt: a.startsAt, endsAt: a.endsAt, place: a.place },
    people,
    allPresent: people.every((p) => p.presentAt !== null),
  };
}

/**
 * Checks the chosen people in, in one transaction; the code and the window are verified again
 * inside it. UNIQUE indexes make a replayed scan a no-op ("已签到").
 */
export function activityCheckIn(
  db: DB,
  actor: Actor,
  input: { code: string; keys: string[]; browser?: string },
  now = Date.now(),
) {
  const secret = activityCheckinSecret(db);
  const check = verifyCheckinCode(secret, input.code, now, input.browser ?? "");
  if (!check.ok) throw new UserError(ACTIVITY_TOKEN_MESSAGES[check.reason]);
  const keys = [...new Set(input.keys)];
  if (keys.length === 0) throw new UserError("请至少勾选一位要签到的人。", "person");
  return db.transaction(
    (tx) => {
      const a = tx.select().from(activities).where(eq(activities.id, check.sessionId)).get();
      if (!a) throw new UserError(ACTIVITY_TOKEN_MESSAGES.forged);
      const problem = checkinWindowProblem(a, now);
      if (problem) throw new UserError(ACTIVITY_TOKEN_MESSAGES[problem]);
      const mine = new Map(peopleFor(tx, actor.id, a).map((p) => [p.key, p]));
      if (mine.size === 0) throw new UserError(notRegisteredMessage(tx, actor.id, a));
      const checkedIn: string[] = [];
      const already: string[] = [];
      for (const key of keys) {
        const p = mine.get(key);
        if (!p) throw new UserError("只能为自己和自己的家人签到。", "person");
        if (p.presentAt !== null) {
          already.push(p.name);
          continue;
        }
        const registrationId = key.startsWith("r") ? Number(key.slice(1)) : null;
        const familyMemberId = key.startsWith("m") ? Number(key.slice(1)) : null;
        let done = 0;
        if (registrationId != null) {
          done = tx
            .update(activityAttendance)
            .set({ present: true, method: "qr", markedBy: actor.id, markedAt: now })
            .where(
              and(
                eq(activityAttendance.activityId, a.id),
                eq(activityAttendance.registrationId, registrationId),
                eq(activityAttendance.present, false),
              ),
            )
            .run().changes;
        }
        if (!done) {
          const reg =
            registrationId != null
              ? tx
                  .select()
                  .from(activityRegistrations)
                  .where(eq(activityRegistrations.id, registrationId))
                  .get()!
              : null;
          done = tx
            .insert(activityAttendance)
            .values({
              activityId: a.id,
              registrationId,
              userId: actor.id,
              familyMemberId: reg ? reg.familyMemberId : familyMemberId,
              present: true,
              method: "qr",
              markedBy: actor.id,
              markedAt: now,
            })
            .onConflictDoNothing()
            .run().changes;
        }
        (done ? checkedIn : already).push(p.name);
      }
      return { activityId: a.id, checkedIn, already };
    },
    { behavior: "immediate" },
  );
}
