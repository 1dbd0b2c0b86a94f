/**
 * 签到 by QR code. The teacher's (or manager's) screen shows a code for /checkin/:token that
 * rotates every 30 seconds; a learner's scan turns into a ten-minute pass so they can log in and
 * tick family members; the check-in itself is one transaction that writes at most one attendance
 * row per session and enrolment (UNIQUE), so a second scan only says "您已签到".
 */
import { config } from "~/utils/config.server";
import { randomBytes } from "node:crypto";
import { and, desc, eq, sql } from "drizzle-orm";
import QRCode from "qrcode";
import type { Conn, DB } from "@db/client";
import { attendance, enrollments, familyMembers, serverSecrets, users } from "@db/schema";
import type { Actor } from "~/modules/auth/permissions";
import { formatDateTime } from "~/utils/dates";
import { UserError } from "~/utils/errors";
import { cookieSecure, readCookie } from "~/modules/auth/session.server";
import {
  CHECKIN_BROWSER_COOKIE,
  checkinBrowser,
  checkinOpensAt,
  checkinWindowProblem,
  isPass,
  nextRotation,
  signCheckinPass,
  signCheckinToken,
  TOKEN_MESSAGES,
  verifyCheckinCode,
} from "./checkin-token";
import {
  learnerName,
  listLearners,
  loadSession,
  requireSessionStaff,
  type SessionContext,
} from "./staff.server";

const secretCache = new WeakMap<object, string>();

/**
 * The check-in HMAC secret: CHECKIN_SECRET when set (≥ 16 characters), else one generated on first
 * use and kept in the database, so codes stay valid across restarts and between processes.
 */
export function checkinSecret(conn: Conn): string {
  const env = config().CHECKIN_SECRET;
  if (env) return env;
  const client = (conn as unknown as { $client?: object }).$client ?? conn;
  const hit = secretCache.get(client);
  if (hit) return hit;
  conn
    .insert(serverSecrets)
    .values({
      name: "checkin",
      value: randomBytes(32).toString("base64url"),
      createdAt: Date.now(),
    })
    .onConflictDoNothing()
    .run();
  const value = conn
    .select({ value: serverSecrets.value })
    .from(serverSecrets)
    .where(eq(serverSecrets.name, "checkin"))
    .get()!.value;
  secretCache.set(client, value);
  return value;
}

/** This browser's check-in id (a random HttpOnly cookie, made on the first scan): scan passes are
 * bound to it. `setCookie` is the header to send when it was just made. */
export function checkinBrowserOf(request: Request) {
  const existing = checkinBrowser(readCookie(request, CHECKIN_BROWSER_COOKIE));
  if (existing) return { browser: existing, setCookie: null as string | null };
  const browser = randomBytes(16).toString("base64url");
  const parts = [
    `${CHECKIN_BROWSER_COOKIE}=${browser}`,
    "HttpOnly",
    "SameSite=Lax",
    "Path=/",
    "Max-Age=31536000",
  ];
  if (cookieSecure(request)) parts.push("Secure");
  return { browser, setCookie: parts.join("; ") };
}

function sessionSummary(s: SessionContext) {
  return {
    sessionId: s.sessionId,
    runId: s.runId,
    title: s.title,
    academyName: s.academyName,
    academySlug: s.academySlug,
    roomName: s.roomName,
    startsAt: s.startsAt,
    endsAt: s.endsAt,
    status: s.status,
  };
}

export function presentCount(conn: Conn, sessionId: number) {
  return conn
    .select({ n: sql<number>`count(*)` })
    .from(attendance)
    .where(and(eq(attendance.sessionId, sessionId), eq(attendance.present, true)))
    .get()!.n;
}

function confirmedCountOf(conn: Conn, runId: number) {
  return conn
    .select({ n: sql<number>`count(*)` })
    .from(enrollments)
    .where(and(eq(enrollments.runId, runId), eq(enrollments.status, "confirmed")))
    .get()!.n;
}

/** The QR screen: the current code (when check-in is open), who has checked in so far. */
export async function checkinScreen(
  db: DB,
  actor: Actor,
  sessionId: number,
  origin: string,
  now = Date.now(),
  academyId?: number,
) {
  const { session, role } = requireSessionStaff(db, actor, sessionId, academyId);
  const problem = checkinWindowProblem(session, now);
  let code: { token: string; url: string; svg: string; rotatesAt: number } | null = null;
  if (!problem) {
    const token = signCheckinToken(checkinSecret(db), session.sessionId, now);
    const url = `${origin}/checkin/${token}`;
    const svg = await QRCode.toString(url, {
      type: "svg",
      margin: 2,
      errorCorrectionLevel: "M",
      color: { dark: "#000000", light: "#ffffff" },
    });
    code = { token, url, svg, rotatesAt: nextRotation(now) };
  }
  const recent = db
    .select({ name: learnerName, markedAt: attendance.markedAt, method: attendance.method })
    .from(attendance)
    .innerJoin(enrollments, eq(enrollments.id, attendance.enrollmentId))
    .leftJoin(users, eq(users.id, enrollments.userId))
    .leftJoin(familyMembers, eq(familyMembers.id, enrollments.familyMemberId))
    .where(and(eq(attendance.sessionId, session.sessionId), eq(attendance.present, true)))
    .orderBy(desc(attendance.markedAt), desc(attendance.id))
    .limit(8)
    .all();
  return {
    session: sessionSummary(session),
    role,
    problem: problem ? TOKEN_MESSAGES[problem] : null,
    opensAt: checkinOpensAt(session),
    code,
    present: presentCount(db, session.sessionId),
    expected: confirmedCountOf(db, session.runId),
    recent,
    now,
  };
}

export type CheckinPerson = {
  enrollmentId: number;
  name: string;
  /** null for the person themself, else 母亲 / 父亲 … */
  relation: string | null;
  presentAt: number | null;
};

export type CheckinPrompt =
  | { kind: "refused"; message: string }
  | { kind: "login"; pass: string }
  | {
      kind: "ready";
      pass: string;
      session: ReturnType<typeof sessionSummary>;
      people: CheckinPerson[];
      allPresent: boolean;
    };

function refusal(reason: keyof typeof TOKEN_MESSAGES): CheckinPrompt {
  return { kind: "refused", message: TOKEN_MESSAGES[reason] };
}

/** The people this account may check in to a session: itself and family members it enrolled,
 * each with a confirmed seat in the session's run. */
function peopleFor(conn: Conn, userId: number, runId: number, sessionId: number): CheckinPerson[] {
  const list = listLearners(
    conn,
    and(
      eq(enrollments.runId, runId),
      eq(enrollments.userId, userId),
      eq(enrollments.status, "confirmed"),
    ),
  );
  if (list.length === 0) return [];
  const marks = new Map(
    conn
      .select({
        enrollmentId: attendance.enrollmentId,
        present: attendance.present,
        markedAt: attendance.markedAt,
      })
      .from(attendance)
      .where(eq(attendance.sessionId, sessionId))
      .all()
      .filter((m) => m.present)
      .map((m) => [m.enrollmentId, m.markedAt]),
  );
  return list
    .map((l) => ({
      enrollmentId: l.enrollmentId,
      name: l.name,
      relation: l.familyMemberId ? l.relation : null,
      presentAt: marks.get(l.enrollmentId) ?? null,
    }))
    .sort(
      (a, b) =>
        Number(a.relation !== null) - Number(b.relation !== null) ||
        a.enrollmentId - b.enrollmentId,
    );
}

function notEnrolledMessage(conn: Conn, userId: number, s: SessionContext) {
  const waiting = conn
    .select({ status: enrollments.status })
    .from(enrollments)
    .where(
      and(
        eq(enrollments.runId, s.runId),
        eq(enrollments.userId, userId),
        sql`${enrollments.status} IN ('waitlisted', 'lottery_pending')`,
      ),
    )
    .get();
  if (waiting)
    return `您在「${s.title}」的候补名单上，还没有座位，不能签到。如现场有空位，请联系老师或书院工作人员。`;
  return `这个签到码属于「${s.title}」（${s.academyName}），您和您的家人没有报名这个班，不能签到。如需现场报名，请联系书院工作人员。`;
}

/** What /checkin/:code shows: a refusal, a login redirect (with a pass), or the people to tick. */
export function checkinPrompt(
  db: DB,
  actor: Actor | null,
  code: string,
  now = Date.now(),
  browser = "",
): CheckinPrompt {
  const secret = checkinSecret(db);
  const check = verifyCheckinCode(secret, code, now, browser);
  if (!check.ok) return refusal(check.reason);
  const s = loadSession(db, check.sessionId);
  if (!s) return refusal("forged");
  const problem = checkinWindowProblem(s, now);
  if (problem) return refusal(problem);
  const pass = isPass(code) ? code : signCheckinPass(secret, s.sessionId, now, browser);
  if (!actor) return { kind: "login", pass };
  const people = peopleFor(db, actor.id, s.runId, s.sessionId);
  if (people.length === 0) return { kind: "refused", message: notEnrolledMessage(db, actor.id, s) };
  return {
    kind: "ready",
    pass,
    session: sessionSummary(s),
    people,
    allPresent: people.every((p) => p.presentAt !== null),
  };
}

export type CheckinResult = {
  sessionId: number;
  checkedIn: string[];
  already: { name: string; at: number; self: boolean }[];
};

/**
 * Checks the chosen people in. The code (token or pass) and the session's window are verified
 * again inside the transaction; every enrolment must be the actor's own confirmed seat in the run.
 * A second scan changes nothing and reports "您已签到".
 */
export function checkIn(
  db: DB,
  actor: Actor,
  input: { code: string; enrollmentIds: number[]; browser?: string },
  now = Date.now(),
): CheckinResult {
  const secret = checkinSecret(db);
  const check = verifyCheckinCode(secret, input.code, now, input.browser ?? "");
  if (!check.ok) throw new UserError(TOKEN_MESSAGES[check.reason]);
  const ids = [...new Set(input.enrollmentIds)];
  if (ids.length === 0) throw new UserError("请至少勾选一位要签到的人。", "enrollmentId");
  return db.transaction(
    (tx) => {
      const s = loadSession(tx, check.sessionId);
      if (!s) throw new UserError(TOKEN_MESSAGES.forged);
      const problem = checkinWindowProblem(s, now);
      if (problem) throw new UserError(TOKEN_MESSAGES[problem]);
      const mine = new Map(
        peopleFor(tx, actor.id, s.runId, s.sessionId).map((p) => [p.enrollmentId, p]),
      );
      if (mine.size === 0) throw new UserError(notEnrolledMessage(tx, actor.id, s));
      const result: CheckinResult = { sessionId: s.sessionId, checkedIn: [], already: [] };
      for (const id of ids) {
        const person = mine.get(id);
        if (!person) throw new UserError("只能为自己和自己报名的家人签到。", "enrollmentId");
        if (person.presentAt !== null) {
          result.already.push({
            name: person.name,
            at: person.presentAt,
            self: person.relation === null,
          });
          continue;
        }
        // An explicit "absent" ticked earlier (or a leave: they came after all) turns into present; otherwise a new row. The UNIQUE
        // index makes a racing second scan a no-op.
        const updated = tx
          .update(attendance)
          .set({
            present: true,
            excused: false,
            note: "",
            method: "qr",
            markedBy: actor.id,
            markedAt: now,
          })
          .where(
            and(
              eq(attendance.sessionId, s.sessionId),
              eq(attendance.enrollmentId, id),
              eq(attendance.present, false),
            ),
          )
          .run().changes;
        const inserted = updated
          ? 1
          : tx
              .insert(attendance)
              .values({
                sessionId: s.sessionId,
                enrollmentId: id,
                present: true,
                method: "qr",
                markedBy: actor.id,
                markedAt: now,
              })
              .onConflictDoNothing()
              .run().changes;
        if (inserted) result.checkedIn.push(person.name);
        else result.already.push({ name: person.name, at: now, self: person.relation === null });
      }
      return result;
    },
    { behavior: "immediate" },
  );
}

/** "您已签到（11月27日 14:03）" — the idempotent answer to a second scan. */
export function alreadyMessage(list: { name: string; at: number; self: boolean }[]) {
  return list
    .map((p) =>
      p.self ? `您已签到（${formatDateTime(p.at)}）` : `${p.name}已签到（${formatDateTime(p.at)}）`,
    )
    .join("；");
}
