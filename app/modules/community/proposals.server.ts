/**
 * 社区特色课程 proposed from below, following 康城's practice:
 *   needs survey (each resident answers once) → a draft course written through the catalogue's
 *   author path → public notice (公示) for N days, residents vote 支持/反对 once each and comment →
 *   when the notice closes, the scheduled job `closeDueProposals` decides by the threshold the
 *   manager set beforehand → accepted: the draft goes to HQ review as the academy's 社区特色课程
 *   (catalogue `submitForReview`, on behalf of the manager who opened the notice) → HQ publishes it,
 *   and may later adopt it into the city library (市总部课程).
 * Every step is in the audit log (target `course_proposal`) and listed on the proposal page.
 */
import { and, asc, desc, eq, inArray, lte, sql } from "drizzle-orm";
import type { Conn, DB } from "@db/client";
import {
  academies,
  auditLog,
  courseProposals,
  courses,
  courseVersions,
  needsSurveys,
  proposalComments,
  proposalVotes,
  surveyResponses,
  userRoles,
  users,
  type SurveyQuestion,
} from "@db/schema";
import { writeAudit } from "~/modules/auth/audit.server";
import { canManageAcademy, isHq, type Actor } from "~/modules/auth/permissions";
import { submitForReview, workingVersion } from "~/modules/catalog/courses.server";
import { isEmptyDoc, type RichDoc } from "~/modules/catalog/richtext";
import { indexCourse } from "~/modules/catalog/search.server";
import { maskName } from "~/modules/learning/evaluation.server";
import { notify, notifyMany } from "~/modules/auth/notifications.server";
import { formatDateTime } from "~/utils/dates";
import { UserError, parseInput } from "~/utils/errors";
import { forbidden, notFound } from "~/utils/http";
import {
  commentInput,
  proposalInput,
  proposalOutcome,
  surveyAnswerSchema,
  surveyInput,
  voteInput,
} from "./groups-labels";
import { academyRow, assertManages } from "./groups-scope.server";

const DAY = 86_400_000;
const T = "course_proposal";

const tx = <R>(db: DB, fn: (tx: Conn) => R) => db.transaction(fn, { behavior: "immediate" });
const isUnique = (e: unknown) => e instanceof Error && /UNIQUE constraint failed/.test(e.message);

// ---- Needs surveys -------------------------------------------------------------------------------

/** One question per line. A trailing * (or ＊) makes it required; "问题：甲/乙/丙" makes a choice question. */
export function parseQuestions(text: string): SurveyQuestion[] {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  if (lines.length === 0) throw new UserError("请至少写一个问题。", "questions");
  if (lines.length > 10) throw new UserError("一份调查最多 10 个问题。", "questions");
  return lines.map((line, i) => {
    let l = line;
    const required = /[*＊]$/.test(l);
    if (required) l = l.replace(/[*＊]+$/, "").trim();
    const m = /^(.+?)[：:](.+)$/.exec(l);
    const options = m
      ? m[2]!
          .split(/[/／|]/)
          .map((o) => o.trim())
          .filter(Boolean)
      : [];
    const label = (m && options.length >= 2 ? m[1]! : l).trim();
    if (label.length < 2 || label.length > 100)
      throw new UserError(`第 ${i + 1} 个问题的长度须在 2–100 个字之间。`, "questions");
    return {
      id: `q${i + 1}`,
      label,
      kind: m && options.length >= 2 ? "choice" : "text",
      options: m && options.length >= 2 ? options.slice(0, 8) : [],
      required,
    };
  });
}

export function createSurvey(
  db: DB,
  actor: Actor,
  academyId: number,
  raw: unknown,
  ip: string | null,
) {
  assertManages(actor, academyId);
  const input = parseInput(surveyInput, raw);
  const questions = parseQuestions(input.questions);
  return tx(db, (t) => {
    const academy = academyRow(t, academyId);
    const row = t
      .insert(needsSurveys)
      .values({
        academyId,
        title: input.title,
        intro: input.intro,
        questions,
        status: "open",
        createdBy: actor.id,
        createdAt: Date.now(),
      })
      .returning()
      .get();
    writeAudit(t, actor.id, ip, {
      action: "survey.publish",
      targetType: "needs_survey",
      targetId: row.id,
      summary: `${academy.name}发布需求调查“${row.title}”（${questions.length} 个问题）`,
    });
    return row;
  });
}

export function closeSurvey(db: DB, actor: Actor, surveyId: number, ip: string | null) {
  return tx(db, (t) => {
    const s = t.select().from(needsSurveys).where(eq(needsSurveys.id, surveyId)).get();
    if (!s) notFound("没有找到这份调查。");
    assertManages(actor, s.academyId);
    if (s.status === "closed") throw new UserError("这份调查已经结束了。");
    t.update(needsSurveys)
      .set({ status: "closed", closedAt: Date.now() })
      .where(eq(needsSurveys.id, surveyId))
      .run();
    writeAudit(t, actor.id, ip, {
      action: "survey.close",
      targetType: "needs_survey",
      targetId: surveyId,
      summary: `结束需求调查“${s.title}”`,
    });
  });
}

/** A resident answers once. Answers come as { q1: "…", q2: "…" }; a required one left empty → a message next to it. */
export function answerSurvey(
  db: DB,
  actor: Actor,
  surveyId: number,
  answers: Record<string, unknown>,
) {
  try {
    return tx(db, (t) => {
      const s = t.select().from(needsSurveys).where(eq(needsSurveys.id, surveyId)).get();
      if (!s) notFound("没有找到这份调查。");
      if (s.status !== "open") throw new UserError("这份调查已经结束，谢谢关注。");
      const clean = parseInput(surveyAnswerSchema(s.questions), answers) as Record<string, string>;
      const dup = t
        .select({ id: surveyResponses.id })
        .from(surveyResponses)
        .where(and(eq(surveyResponses.surveyId, surveyId), eq(surveyResponses.userId, actor.id)))
        .get();
      if (dup) throw new UserError("您已经填写过这份调查了，每人只能填一次。谢谢！");
      return t
        .insert(surveyResponses)
        .values({ surveyId, userId: actor.id, answers: clean, createdAt: Date.now() })
        .returning()
        .get();
    });
  } catch (e) {
    if (isUnique(e)) throw new UserError("您已经填写过这份调查了，每人只能填一次。谢谢！");
    throw e;
  }
}

export function getSurveyPage(db: DB, actor: Actor | null, surveyId: number) {
  const s = db.select().from(needsSurveys).where(eq(needsSurveys.id, surveyId)).get();
  if (!s) notFound("没有找到这份调查。");
  const academy = db
    .select({ id: academies.id, slug: academies.slug, name: academies.name })
    .from(academies)
    .where(eq(academies.id, s.academyId))
    .get()!;
  const answered = actor
    ? !!db
        .select({ id: surveyResponses.id })
        .from(surveyResponses)
        .where(and(eq(surveyResponses.surveyId, surveyId), eq(surveyResponses.userId, actor.id)))
        .get()
    : false;
  const count = db
    .select({ n: sql<number>`count(*)` })
    .from(surveyResponses)
    .where(eq(surveyResponses.surveyId, surveyId))
    .get()!.n;
  return {
    survey: {
      id: s.id,
      title: s.title,
      intro: s.intro,
      questions: s.questions,
      status: s.status,
      createdAt: s.createdAt,
    },
    academy,
    answered,
    responses: count,
    canManage: !!actor && canManageAcademy(actor, s.academyId),
  };
}

/** The manager's summary: counts per option, the text answers (newest first, at most 50 per question). */
export function surveyResults(db: DB, actor: Actor, surveyId: number) {
  const s = db.select().from(needsSurveys).where(eq(needsSurveys.id, surveyId)).get();
  if (!s) notFound("没有找到这份调查。");
  assertManages(actor, s.academyId);
  const rows = db
    .select({ answers: surveyResponses.answers })
    .from(surveyResponses)
    .where(eq(surveyResponses.surveyId, surveyId))
    .orderBy(desc(surveyResponses.id))
    .all();
  return {
    survey: { id: s.id, title: s.title, status: s.status, academyId: s.academyId },
    responses: rows.length,
    questions: s.questions.map((q) => ({
      ...q,
      counts:
        q.kind === "choice"
          ? q.options.map((o) => ({
              option: o,
              n: rows.filter((r) => r.answers[q.id] === o).length,
            }))
          : [],
      texts:
        q.kind === "text"
          ? rows
              .map((r) => r.answers[q.id])
              .filter((x): x is string => !!x)
              .slice(0, 50)
          : [],
    })),
  };
}

export function listSurveys(db: DB, academyId: number, opts: { openOnly?: boolean } = {}) {
  return db
    .select({
      id: needsSurveys.id,
      title: needsSurveys.title,
      status: needsSurveys.status,
      createdAt: needsSurveys.createdAt,
      responses: sql<number>`(SELECT count(*) FROM survey_responses r WHERE r.survey_id = ${needsSurveys.id})`,
    })
    .from(needsSurveys)
    .where(
      and(
        eq(needsSurveys.academyId, academyId),
        opts.openOnly ? eq(needsSurveys.status, "open") : undefined,
      ),
    )
    .orderBy(desc(needsSurveys.id))
    .limit(20)
    .all();
}

// ---- Public notice (公示) -----------------------------------------------------------------------

/** The academy's 社区特色 courses with a draft that can go to notice (none already in notice). */
export function draftCoursesForNotice(db: DB, actor: Actor, academyId: number) {
  assertManages(actor, academyId);
  return db
    .select({
      courseId: courses.id,
      code: courses.code,
      title: courseVersions.title,
      versionNo: courseVersions.versionNo,
    })
    .from(courses)
    .innerJoin(
      courseVersions,
      and(eq(courseVersions.courseId, courses.id), eq(courseVersions.status, "draft")),
    )
    .where(
      and(
        eq(courses.sourceLevel, "community"),
        eq(courses.ownerType, "academy"),
        eq(courses.ownerId, academyId),
        sql`NOT EXISTS (SELECT 1 FROM course_proposals p WHERE p.course_id = ${courses.id} AND p.status = 'notice')`,
      ),
    )
    .orderBy(desc(courses.id))
    .all();
}

/** Opens the notice for N days with the outcome rule fixed now (support ≥ threshold % of votes, and at least minVotes votes). */
export function startNotice(
  db: DB,
  actor: Actor,
  academyId: number,
  raw: unknown,
  ip: string | null,
  now = Date.now(),
) {
  assertManages(actor, academyId);
  const input = parseInput(proposalInput, raw);
  try {
    return tx(db, (t) => {
      const academy = academyRow(t, academyId);
      const c = t.select().from(courses).where(eq(courses.id, input.courseId)).get();
      if (
        !c ||
        c.sourceLevel !== "community" ||
        c.ownerType !== "academy" ||
        c.ownerId !== academyId
      ) {
        throw new UserError("请选择本书院的一门社区特色课程草稿。", "courseId");
      }
      const w = workingVersion(t, c.id);
      if (!w || w.status !== "draft")
        throw new UserError("这门课程没有草稿可以公示（审核中的版本请先退回草稿）。", "courseId");
      const missing: string[] = [];
      if (!w.summary.trim()) missing.push("课程简介");
      if (w.objectives.length === 0) missing.push("学习目标");
      if (isEmptyDoc(w.body as RichDoc)) missing.push("教学大纲");
      if (missing.length)
        throw new UserError(`公示前请在课程编辑页填写：${missing.join("、")}。`, "courseId");
      if (input.surveyId) {
        const s = t
          .select({ academyId: needsSurveys.academyId })
          .from(needsSurveys)
          .where(eq(needsSurveys.id, input.surveyId))
          .get();
        if (!s || s.academyId !== academyId)
          throw new UserError("请选择本书院的需求调查。", "surveyId");
      }
      const closes = now + input.days * DAY;
      const p = t
        .insert(courseProposals)
        .values({
          academyId,
          courseId: c.id,
          versionId: w.id,
          surveyId: input.surveyId ?? null,
          title: w.title,
          summary: w.summary,
          noticeOpensAt: now,
          noticeClosesAt: closes,
          thresholdPercent: input.thresholdPercent,
          minVotes: input.minVotes,
          status: "notice",
          createdBy: actor.id,
          createdAt: now,
        })
        .returning()
        .get();
      writeAudit(t, actor.id, ip, {
        action: "proposal.notice",
        targetType: T,
        targetId: p.id,
        summary: `${academy.name}将课程 ${c.code}“${w.title}”公示 ${input.days} 天（至 ${formatDateTime(closes)}）；通过条件：支持票占 ${input.thresholdPercent}% 及以上，且至少 ${input.minVotes} 人投票`,
        detail: {
          courseId: c.id,
          versionId: w.id,
          thresholdPercent: input.thresholdPercent,
          minVotes: input.minVotes,
          closesAt: closes,
        },
      });
      return p;
    });
  } catch (e) {
    if (isUnique(e)) throw new UserError("这门课程已经在公示中了。", "courseId");
    throw e;
  }
}

function requireProposal(conn: Conn, id: number) {
  const p = conn.select().from(courseProposals).where(eq(courseProposals.id, id)).get();
  if (!p) notFound("没有找到这条课程公示。");
  return p;
}

function inWindow(
  p: { status: string; noticeOpensAt: number; noticeClosesAt: number },
  now: number,
) {
  return p.status === "notice" && now >= p.noticeOpensAt && now < p.noticeClosesAt;
}

/** 支持/反对, once per person, only inside the notice window. */
export function castVote(db: DB, actor: Actor, proposalId: number, raw: unknown, now = Date.now()) {
  const input = parseInput(voteInput, raw);
  try {
    return tx(db, (t) => {
      const p = requireProposal(t, proposalId);
      if (!inWindow(p, now))
        throw new UserError(
          now < p.noticeOpensAt ? "公示还没有开始，暂不能投票。" : "公示期已结束，不能再投票。",
          "choice",
        );
      const dup = t
        .select({ id: proposalVotes.id })
        .from(proposalVotes)
        .where(and(eq(proposalVotes.proposalId, proposalId), eq(proposalVotes.userId, actor.id)))
        .get();
      if (dup) throw new UserError("您已经投过票了，每人只能投一次。", "choice");
      return t
        .insert(proposalVotes)
        .values({ proposalId, userId: actor.id, choice: input.choice, createdAt: now })
        .returning()
        .get();
    });
  } catch (e) {
    if (isUnique(e)) throw new UserError("您已经投过票了，每人只能投一次。", "choice");
    throw e;
  }
}

export function addComment(
  db: DB,
  actor: Actor,
  proposalId: number,
  raw: unknown,
  now = Date.now(),
) {
  const input = parseInput(commentInput, raw);
  return tx(db, (t) => {
    const p = requireProposal(t, proposalId);
    if (!inWindow(p, now)) throw new UserError("公示期已结束，不能再发表意见。", "body");
    const recent = t
      .select({ n: sql<number>`count(*)` })
      .from(proposalComments)
      .where(
        and(eq(proposalComments.proposalId, proposalId), eq(proposalComments.userId, actor.id)),
      )
      .get()!.n;
    if (recent >= 5) throw new UserError("每人最多发表 5 条意见。", "body");
    return t
      .insert(proposalComments)
      .values({ proposalId, userId: actor.id, body: input.body, createdAt: now })
      .returning()
      .get();
  });
}

/** The manager withdraws a notice early (no outcome, the draft stays a draft). */
export function withdrawNotice(
  db: DB,
  actor: Actor,
  proposalId: number,
  ip: string | null,
  now = Date.now(),
) {
  return tx(db, (t) => {
    const p = requireProposal(t, proposalId);
    assertManages(actor, p.academyId);
    if (p.status !== "notice") throw new UserError("这条公示已经结束了。");
    t.update(courseProposals)
      .set({ status: "withdrawn", decidedAt: now })
      .where(and(eq(courseProposals.id, proposalId), eq(courseProposals.status, "notice")))
      .run();
    writeAudit(t, actor.id, ip, {
      action: "proposal.withdraw",
      targetType: T,
      targetId: proposalId,
      summary: `撤回课程公示“${p.title}”`,
    });
  });
}

function voteCounts(conn: Conn, proposalId: number) {
  const r = conn
    .select({
      support: sql<number>`coalesce(sum(${proposalVotes.choice} = 'support'), 0)`,
      oppose: sql<number>`coalesce(sum(${proposalVotes.choice} = 'oppose'), 0)`,
    })
    .from(proposalVotes)
    .where(eq(proposalVotes.proposalId, proposalId))
    .get()!;
  return { support: r.support, oppose: r.oppose };
}

/** The manager on whose behalf an accepted draft is submitted: the one who opened the notice if still a
 * manager there, else any current manager of the academy. */
function submitterFor(
  conn: Conn,
  p: { academyId: number; createdBy: number | null },
): Actor | null {
  const managers = conn
    .select({
      id: users.id,
      name: users.name,
      phone: users.phone,
      homeAcademyId: users.homeAcademyId,
    })
    .from(userRoles)
    .innerJoin(users, eq(users.id, userRoles.userId))
    .where(
      and(
        eq(userRoles.role, "academy_manager"),
        eq(userRoles.scopeType, "academy"),
        eq(userRoles.scopeId, p.academyId),
      ),
    )
    .orderBy(asc(userRoles.id))
    .all();
  const u = managers.find((m) => m.id === p.createdBy) ?? managers[0];
  if (u)
    return {
      ...u,
      roles: [{ role: "academy_manager", scopeType: "academy", scopeId: p.academyId }],
    };
  // No manager at the academy (e.g. an HQ admin opened the notice): the creator with their own roles.
  const creator = p.createdBy
    ? conn
        .select({
          id: users.id,
          name: users.name,
          phone: users.phone,
          homeAcademyId: users.homeAcademyId,
        })
        .from(users)
        .where(eq(users.id, p.createdBy))
        .get()
    : undefined;
  if (!creator) return null;
  const roles = conn
    .select({ role: userRoles.role, scopeType: userRoles.scopeType, scopeId: userRoles.scopeId })
    .from(userRoles)
    .where(eq(userRoles.userId, creator.id))
    .all();
  return { ...creator, roles };
}

/**
 * The scheduled job: closes every notice whose window has ended at `now` and applies the rule set
 * beforehand. Idempotent: each proposal is decided by one guarded UPDATE (status = 'notice') in its
 * own immediate transaction, so running it twice, or in two processes, decides each once.
 * Returns what it decided.
 */
export function closeDueProposals(db: DB, now = Date.now()) {
  const due = db
    .select({ id: courseProposals.id })
    .from(courseProposals)
    .where(and(eq(courseProposals.status, "notice"), lte(courseProposals.noticeClosesAt, now)))
    .orderBy(asc(courseProposals.noticeClosesAt))
    .limit(500)
    .all();
  const decided: {
    id: number;
    outcome: "accepted" | "rejected";
    support: number;
    oppose: number;
    submitted: boolean;
  }[] = [];
  for (const { id } of due) {
    const r = tx(db, (t) => {
      const p = requireProposal(t, id);
      if (p.status !== "notice" || p.noticeClosesAt > now) return null;
      const c = voteCounts(t, id);
      const outcome = proposalOutcome({
        ...c,
        thresholdPercent: p.thresholdPercent,
        minVotes: p.minVotes,
      });
      const changed = t
        .update(courseProposals)
        .set({ status: outcome, supportCount: c.support, opposeCount: c.oppose, decidedAt: now })
        .where(and(eq(courseProposals.id, id), eq(courseProposals.status, "notice")))
        .run();
      if (changed.changes !== 1) return null;
      const total = c.support + c.oppose;
      const share = total ? Math.round((c.support * 1000) / total) / 10 : 0;
      writeAudit(t, null, null, {
        action: `proposal.${outcome}`,
        targetType: T,
        targetId: id,
        summary: `公示期满（系统定时任务）：支持 ${c.support} 票、反对 ${c.oppose} 票（支持 ${share}%），${outcome === "accepted" ? "达到" : "未达到"}通过条件（${p.thresholdPercent}%、至少 ${p.minVotes} 人）——${outcome === "accepted" ? "通过" : "未通过"}`,
        detail: { ...c, thresholdPercent: p.thresholdPercent, minVotes: p.minVotes },
      });
      let submitted = false;
      if (outcome === "accepted") {
        const by = submitterFor(t, p);
        let problem: string | null = by ? null : "书院目前没有管理员";
        if (by) {
          try {
            // The catalogue's own author path (a savepoint inside this transaction).
            submitForReview(t as unknown as DB, by, p.courseId);
            submitted = true;
          } catch (e) {
            if (e instanceof UserError) problem = e.message;
            else if (e instanceof Response) problem = "没有权限提交";
            else throw e;
          }
        }
        writeAudit(t, null, null, {
          action: submitted ? "proposal.submit_review" : "proposal.submit_failed",
          targetType: T,
          targetId: id,
          summary: submitted
            ? `课程“${p.title}”作为本书院的社区特色课程提交总部审核`
            : `课程“${p.title}”未能自动提交总部审核（${problem}），请管理员在课程编辑页提交`,
        });
      }
      const voters = t
        .select({ id: proposalVotes.userId })
        .from(proposalVotes)
        .where(eq(proposalVotes.proposalId, id))
        .all()
        .map((v) => v.id);
      const msg = {
        title: `课程公示结果：“${p.title}”${outcome === "accepted" ? "通过" : "未通过"}`,
        body: `支持 ${c.support} 票，反对 ${c.oppose} 票。${outcome === "accepted" ? "课程已报总部审核，审核通过后即可开课。" : "感谢您参与公示。"}`,
        link: `/proposals/${id}`,
      };
      notifyMany(t, [...voters, ...(p.createdBy ? [p.createdBy] : [])], msg);
      return { id, outcome, ...c, submitted };
    });
    if (r) decided.push(r);
  }
  return decided;
}

/** HQ adopts an accepted (and published) 社区特色课程 into the city library (市总部课程). */
export function adoptIntoCityLibrary(db: DB, actor: Actor, proposalId: number, ip: string | null) {
  if (!isHq(actor)) forbidden("只有总部可以把课程纳入市级课程库。");
  return tx(db, (t) => {
    const p = requireProposal(t, proposalId);
    if (p.status !== "accepted") throw new UserError("只有公示通过的课程可以纳入市级课程库。");
    if (p.adoptedAt) throw new UserError("这门课程已经纳入市级课程库了。");
    const c = t.select().from(courses).where(eq(courses.id, p.courseId)).get()!;
    if (!c.currentVersionId) throw new UserError("请先审核发布这门课程，再纳入市级课程库。");
    const now = Date.now();
    t.update(courses)
      .set({ sourceLevel: "city", ownerType: "city", ownerId: 0, updatedAt: now })
      .where(eq(courses.id, c.id))
      .run();
    indexCourse(t, c.id);
    t.update(courseProposals)
      .set({ adoptedAt: now })
      .where(eq(courseProposals.id, proposalId))
      .run();
    writeAudit(t, actor.id, ip, {
      action: "proposal.adopt",
      targetType: T,
      targetId: proposalId,
      summary: `总部将社区特色课程 ${c.code}“${p.title}”纳入市级课程库（中央厨房）`,
      detail: { courseId: c.id },
    });
    if (p.createdBy)
      notify(t, p.createdBy, {
        title: `“${p.title}”已纳入市级课程库`,
        body: "全市书院都可以点单这门课程了。",
        link: `/proposals/${proposalId}`,
      });
  });
}

// ---- Reading -------------------------------------------------------------------------------------

export function getProposalPage(db: DB, actor: Actor | null, proposalId: number, now = Date.now()) {
  const p = requireProposal(db, proposalId);
  const academy = db
    .select({ id: academies.id, slug: academies.slug, name: academies.name })
    .from(academies)
    .where(eq(academies.id, p.academyId))
    .get()!;
  const course = db
    .select({
      id: courses.id,
      code: courses.code,
      sourceLevel: courses.sourceLevel,
      currentVersionId: courses.currentVersionId,
    })
    .from(courses)
    .where(eq(courses.id, p.courseId))
    .get()!;
  const version = db
    .select({
      versionNo: courseVersions.versionNo,
      status: courseVersions.status,
      objectives: courseVersions.objectives,
      bodyHtml: courseVersions.bodyHtml,
      sessions: courseVersions.sessions,
      minutesPerSession: courseVersions.minutesPerSession,
    })
    .from(courseVersions)
    .where(eq(courseVersions.id, p.versionId))
    .get()!;
  const counts =
    p.status === "notice"
      ? voteCounts(db, proposalId)
      : { support: p.supportCount ?? 0, oppose: p.opposeCount ?? 0 };
  const myVote = actor
    ? (db
        .select({ choice: proposalVotes.choice })
        .from(proposalVotes)
        .where(and(eq(proposalVotes.proposalId, proposalId), eq(proposalVotes.userId, actor.id)))
        .get()?.choice ?? null)
    : null;
  const comments = db
    .select({
      id: proposalComments.id,
      body: proposalComments.body,
      createdAt: proposalComments.createdAt,
      name: users.name,
    })
    .from(proposalComments)
    .innerJoin(users, eq(users.id, proposalComments.userId))
    .where(eq(proposalComments.proposalId, proposalId))
    .orderBy(asc(proposalComments.id))
    .limit(200)
    .all()
    .map((c) => ({ ...c, name: maskName(c.name) }));
  const trail = db
    .select({
      id: auditLog.id,
      action: auditLog.action,
      summary: auditLog.summary,
      createdAt: auditLog.createdAt,
      actorName: users.name,
    })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorId))
    .where(and(eq(auditLog.targetType, T), eq(auditLog.targetId, String(proposalId))))
    .orderBy(asc(auditLog.id))
    .all()
    .map((a) => ({ ...a, actorName: a.actorName ? maskName(a.actorName) : "系统" }));
  const survey = p.surveyId
    ? (db
        .select({ id: needsSurveys.id, title: needsSurveys.title })
        .from(needsSurveys)
        .where(eq(needsSurveys.id, p.surveyId))
        .get() ?? null)
    : null;
  // Where the course is now: the version that went to review may since have been published.
  const courseState =
    db
      .select({ status: courseVersions.status })
      .from(courseVersions)
      .where(
        and(
          eq(courseVersions.courseId, p.courseId),
          inArray(courseVersions.status, ["draft", "review", "published"]),
        ),
      )
      .orderBy(desc(courseVersions.versionNo))
      .get()?.status ?? null;
  return {
    proposal: {
      id: p.id,
      title: p.title,
      summary: p.summary,
      status: p.status,
      noticeOpensAt: p.noticeOpensAt,
      noticeClosesAt: p.noticeClosesAt,
      thresholdPercent: p.thresholdPercent,
      minVotes: p.minVotes,
      decidedAt: p.decidedAt,
      adoptedAt: p.adoptedAt,
    },
    academy,
    course: {
      ...course,
      versionNo: version.versionNo,
      objectives: version.objectives,
      bodyHtml: version.bodyHtml,
      sessions: version.sessions,
      minutesPerSession: version.minutesPerSession,
      state: courseState,
      published: !!course.currentVersionId,
    },
    counts,
    myVote,
    open: inWindow(p, now),
    comments,
    trail,
    survey,
    canManage: !!actor && canManageAcademy(actor, p.academyId),
    canAdopt:
      !!actor &&
      isHq(actor) &&
      p.status === "accepted" &&
      !p.adoptedAt &&
      !!course.currentVersionId,
  };
}

export function listAcademyProposals(db: DB, academyId: number, limit = 10) {
  return db
    .select({
      id: courseProposals.id,
      title: courseProposals.title,
      status: courseProposals.status,
      noticeClosesAt: courseProposals.noticeClosesAt,
      decidedAt: courseProposals.decidedAt,
    })
    .from(courseProposals)
    .where(
      and(eq(courseProposals.academyId, academyId), sql`${courseProposals.status} <> 'withdrawn'`),
    )
    .orderBy(desc(courseProposals.id))
    .limit(limit)
    .all();
}

export function listManagedProposals(db: DB, actor: Actor, academyId: number) {
  assertManages(actor, academyId);
  return db
    .select({
      id: courseProposals.id,
      title: courseProposals.title,
      status: courseProposals.status,
      noticeClosesAt: courseProposals.noticeClosesAt,
      thresholdPercent: courseProposals.thresholdPercent,
      minVotes: courseProposals.minVotes,
      votes: sql<number>`(SELECT count(*) FROM proposal_votes v WHERE v.proposal_id = ${courseProposals.id})`,
    })
    .from(courseProposals)
    .where(eq(courseProposals.academyId, academyId))
    .orderBy(desc(courseProposals.id))
    .all();
}
