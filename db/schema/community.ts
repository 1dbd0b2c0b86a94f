import { sql } from "drizzle-orm";
import { check, index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { users } from "./auth";
import { courses, courseVersions, resources } from "./catalog";
import { familyMembers } from "./enrollment";
import { academies, rooms } from "./org";

// =============================================================================================
// groups (issue 11 parts 2–5): resident organisations (组织孵化), deliberation (群众议事),
// courses proposed from below (社区特色课程 with 公示 votes), volunteers.
// Owned by the `groups` slice; activities live in their own section of this file.
// =============================================================================================

/** 筹备 → 孵化中 → 已成立 → 已注销 (labels in app/modules/community/labels.ts). */
export const ORG_STAGES = ["preparing", "incubating", "established", "dissolved"] as const;
export type OrgStage = (typeof ORG_STAGES)[number];

export const ORG_TYPES = [
  "culture",
  "sports",
  "volunteer",
  "interest",
  "mutual_aid",
  "other",
] as const;
export type OrgType = (typeof ORG_TYPES)[number];

/** A resident organisation (居民自组织) incubated by an academy: a choir, a volunteer team, a tai chi club. */
export const organisations = sqliteTable(
  "organisations",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /** The sponsoring academy (孵化书院). */
    academyId: integer("academy_id")
      .notNull()
      .references(() => academies.id),
    name: text("name").notNull(),
    type: text("type", { enum: ORG_TYPES }).notNull(),
    description: text("description").notNull().default(""),
    /** The leader (负责人), a resident; also an active member. */
    leaderId: integer("leader_id")
      .notNull()
      .references(() => users.id),
    stage: text("stage", { enum: ORG_STAGES }).notNull().default("preparing"),
    stageChangedAt: integer("stage_changed_at").notNull(),
    isDemo: integer("is_demo", { mode: "boolean" }).notNull().default(false),
    createdBy: integer("created_by").references(() => users.id),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("organisations_academy_name_unique").on(t.academyId, t.name),
    index("organisations_stage_idx").on(t.stage, t.academyId),
    check("organisations_name_check", sql`length(trim(${t.name})) > 0`),
  ],
);

export const MEMBERSHIP_STATUSES = ["pending", "active", "declined", "left", "removed"] as const;
export type MembershipStatus = (typeof MEMBERSHIP_STATUSES)[number];

/** Applications and memberships; at most one pending-or-active row per person and organisation. */
export const organisationMembers = sqliteTable(
  "organisation_members",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    organisationId: integer("organisation_id")
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    status: text("status", { enum: MEMBERSHIP_STATUSES }).notNull(),
    /** What the applicant wrote (≤ 200 characters). */
    note: text("note").notNull().default(""),
    appliedAt: integer("applied_at").notNull(),
    decidedAt: integer("decided_at"),
    decidedBy: integer("decided_by").references(() => users.id),
    leftAt: integer("left_at"),
  },
  (t) => [
    uniqueIndex("organisation_members_live_unique")
      .on(t.organisationId, t.userId)
      .where(sql`status IN ('pending', 'active')`),
    index("organisation_members_user_idx").on(t.userId, t.status),
    index("organisation_members_org_idx").on(t.organisationId, t.status),
  ],
);

/** Dated stage changes (incubation history); each is also in the audit log. */
export const organisationStageChanges = sqliteTable(
  "organisation_stage_changes",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    organisationId: integer("organisation_id")
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    fromStage: text("from_stage", { enum: ORG_STAGES }),
    toStage: text("to_stage", { enum: ORG_STAGES }).notNull(),
    note: text("note").notNull().default(""),
    changedBy: integer("changed_by").references(() => users.id),
    changedAt: integer("changed_at").notNull(),
  },
  (t) => [index("organisation_stage_changes_org_idx").on(t.organisationId, t.changedAt)],
);

// ---- Deliberation (群众议事) -----------------------------------------------------------------

/** proposed (a resident raised it, awaiting the manager) → open (议事中) → decided (已形成决议) | closed (不予受理/关闭, reason). */
export const TOPIC_STATUSES = ["proposed", "open", "decided", "closed"] as const;
export type TopicStatus = (typeof TOPIC_STATUSES)[number];

export const topics = sqliteTable(
  "topics",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    academyId: integer("academy_id")
      .notNull()
      .references(() => academies.id),
    title: text("title").notNull(),
    description: text("description").notNull().default(""),
    raisedBy: integer("raised_by").references(() => users.id),
    raisedByManager: integer("raised_by_manager", { mode: "boolean" }).notNull().default(false),
    /** Public topics are shown to residents with their outcome and progress; internal ones only to staff. */
    visibility: text("visibility", { enum: ["public", "internal"] })
      .notNull()
      .default("public"),
    status: text("status", { enum: TOPIC_STATUSES }).notNull(),
    closeReason: text("close_reason").notNull().default(""),
    /** The outcome (议事结果) in plain words, once decided. */
    outcome: text("outcome").notNull().default(""),
    isDemo: integer("is_demo", { mode: "boolean" }).notNull().default(false),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    index("topics_academy_idx").on(t.academyId, t.status, t.id),
    check(
      "topics_close_reason_check",
      sql`${t.status} <> 'closed' OR length(trim(${t.closeReason})) > 0`,
    ),
    check("topics_title_check", sql`length(trim(${t.title})) > 0`),
  ],
);

export const MEETING_KINDS = ["council", "hearing", "coordination", "review"] as const;
export type MeetingKind = (typeof MEETING_KINDS)[number];

/** A meeting on a topic (议事会, 听证会, 协调会, 评议会). Closed → minutes frozen; later changes are addenda. */
export const meetings = sqliteTable(
  "meetings",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    topicId: integer("topic_id")
      .notNull()
      .references(() => topics.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: MEETING_KINDS }).notNull(),
    startsAt: integer("starts_at").notNull(),
    roomId: integer("room_id").references(() => rooms.id),
    /** Free text for a place that is not a room (楼道口, 小区广场). */
    place: text("place").notNull().default(""),
    status: text("status", { enum: ["scheduled", "closed"] })
      .notNull()
      .default("scheduled"),
    minutes: text("minutes", { mode: "json" }),
    minutesHtml: text("minutes_html").notNull().default(""),
    minutesText: text("minutes_text").notNull().default(""),
    minutesUpdatedAt: integer("minutes_updated_at"),
    closedAt: integer("closed_at"),
    closedBy: integer("closed_by").references(() => users.id),
    createdBy: integer("created_by").references(() => users.id),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    index("meetings_topic_idx").on(t.topicId, t.startsAt),
    check("meetings_closed_check", sql`${t.status} <> 'closed' OR ${t.closedAt} IS NOT NULL`),
  ],
);

/** Invited and present participants: residents with an account, or named guests (街道, 物业). */
export const meetingParticipants = sqliteTable(
  "meeting_participants",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    meetingId: integer("meeting_id")
      .notNull()
      .references(() => meetings.id, { onDelete: "cascade" }),
    userId: integer("user_id").references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    invited: integer("invited", { mode: "boolean" }).notNull().default(true),
    present: integer("present", { mode: "boolean" }).notNull().default(false),
  },
  (t) => [
    uniqueIndex("meeting_participants_user_unique")
      .on(t.meetingId, t.userId)
      .where(sql`user_id IS NOT NULL`),
    uniqueIndex("meeting_participants_guest_unique")
      .on(t.meetingId, t.name)
      .where(sql`user_id IS NULL`),
  ],
);

/** A dated addendum (补充说明) to the frozen minutes of a closed meeting. */
export const meetingAddenda = sqliteTable(
  "meeting_addenda",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    meetingId: integer("meeting_id")
      .notNull()
      .references(() => meetings.id, { onDelete: "cascade" }),
    body: text("body", { mode: "json" }).notNull(),
    bodyHtml: text("body_html").notNull(),
    createdBy: integer("created_by").references(() => users.id),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("meeting_addenda_meeting_idx").on(t.meetingId, t.id)],
);

export const TASK_STATUSES = ["todo", "doing", "done"] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** A follow-up task (跟进事项) from a decision: owner, due date, status until closed. */
export const topicTasks = sqliteTable(
  "topic_tasks",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    topicId: integer("topic_id")
      .notNull()
      .references(() => topics.id, { onDelete: "cascade" }),
    meetingId: integer("meeting_id").references(() => meetings.id, { onDelete: "set null" }),
    title: text("title").notNull(),
    /** Who follows it up: a person or a body (物业公司, 社区居委会). */
    owner: text("owner").notNull(),
    /** Asia/Shanghai calendar date YYYY-MM-DD. */
    dueDate: text("due_date").notNull(),
    status: text("status", { enum: TASK_STATUSES }).notNull().default("todo"),
    progress: text("progress").notNull().default(""),
    closedAt: integer("closed_at"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    index("topic_tasks_topic_idx").on(t.topicId, t.id),
    check(
      "topic_tasks_due_check",
      sql`${t.dueDate} GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'`,
    ),
    check("topic_tasks_closed_check", sql`${t.status} <> 'done' OR ${t.closedAt} IS NOT NULL`),
  ],
);

// ---- Courses proposed from below (社区特色课程, 康城's practice) ---------------------------------

export type SurveyQuestion = {
  id: string;
  label: string;
  kind: "text" | "choice";
  options: string[];
  required: boolean;
};

/** A short needs survey (需求调查) an academy manager publishes; each resident answers once. */
export const needsSurveys = sqliteTable(
  "needs_surveys",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    academyId: integer("academy_id")
      .notNull()
      .references(() => academies.id),
    title: text("title").notNull(),
    intro: text("intro").notNull().default(""),
    questions: text("questions", { mode: "json" }).$type<SurveyQuestion[]>().notNull(),
    status: text("status", { enum: ["open", "closed"] })
      .notNull()
      .default("open"),
    isDemo: integer("is_demo", { mode: "boolean" }).notNull().default(false),
    createdBy: integer("created_by").references(() => users.id),
    createdAt: integer("created_at").notNull(),
    closedAt: integer("closed_at"),
  },
  (t) => [index("needs_surveys_academy_idx").on(t.academyId, t.id)],
);

export const surveyResponses = sqliteTable(
  "survey_responses",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    surveyId: integer("survey_id")
      .notNull()
      .references(() => needsSurveys.id, { onDelete: "cascade" }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    answers: text("answers", { mode: "json" }).$type<Record<string, string>>().notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [uniqueIndex("survey_responses_unique").on(t.surveyId, t.userId)],
);

/** notice (公示中) → accepted (通过, the course went to HQ review) | rejected (未通过) | withdrawn (撤回). */
export const PROPOSAL_STATUSES = ["notice", "accepted", "rejected", "withdrawn"] as const;
export type ProposalStatus = (typeof PROPOSAL_STATUSES)[number];

/** A draft 社区特色 course put to public notice (公示) with 支持/反对 votes. */
export const courseProposals = sqliteTable(
  "course_proposals",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    academyId: integer("academy_id")
      .notNull()
      .references(() => academies.id),
    courseId: integer("course_id")
      .notNull()
      .references(() => courses.id),
    /** The draft version shown during the notice (its title and summary are copied below). */
    versionId: integer("version_id")
      .notNull()
      .references(() => courseVersions.id),
    surveyId: integer("survey_id").references(() => needsSurveys.id, { onDelete: "set null" }),
    title: text("title").notNull(),
    summary: text("summary").notNull().default(""),
    noticeOpensAt: integer("notice_opens_at").notNull(),
    noticeClosesAt: integer("notice_closes_at").notNull(),
    /** Set before the notice opens: accepted when support ≥ this percentage of votes … */
    thresholdPercent: integer("threshold_percent").notNull(),
    /** … and at least this many votes were cast. */
    minVotes: integer("min_votes").notNull(),
    status: text("status", { enum: PROPOSAL_STATUSES }).notNull().default("notice"),
    supportCount: integer("support_count"),
    opposeCount: integer("oppose_count"),
    decidedAt: integer("decided_at"),
    adoptedAt: integer("adopted_at"),
    isDemo: integer("is_demo", { mode: "boolean" }).notNull().default(false),
    createdBy: integer("created_by").references(() => users.id),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    index("course_proposals_academy_idx").on(t.academyId, t.id),
    index("course_proposals_due_idx").on(t.status, t.noticeClosesAt),
    uniqueIndex("course_proposals_live_course_unique")
      .on(t.courseId)
      .where(sql`status = 'notice'`),
    check("course_proposals_window_check", sql`${t.noticeClosesAt} > ${t.noticeOpensAt}`),
    check("course_proposals_threshold_check", sql`${t.thresholdPercent} BETWEEN 1 AND 100`),
    check("course_proposals_min_votes_check", sql`${t.minVotes} >= 0`),
  ],
);

export const proposalVotes = sqliteTable(
  "proposal_votes",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    proposalId: integer("proposal_id")
      .notNull()
      .references(() => courseProposals.id, { onDelete: "cascade" }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    choice: text("choice", { enum: ["support", "oppose"] }).notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [uniqueIndex("proposal_votes_unique").on(t.proposalId, t.userId)],
);

export const proposalComments = sqliteTable(
  "proposal_comments",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    proposalId: integer("proposal_id")
      .notNull()
      .references(() => courseProposals.id, { onDelete: "cascade" }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    body: text("body").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    index("proposal_comments_proposal_idx").on(t.proposalId, t.id),
    check("proposal_comments_body_check", sql`length(trim(${t.body})) BETWEEN 1 AND 500`),
  ],
);

// ---- Volunteers (志愿者) ---------------------------------------------------------------------

/** A resident signs up to volunteer with an organisation or for an activity. */
export const volunteerSignups = sqliteTable(
  "volunteer_signups",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    academyId: integer("academy_id")
      .notNull()
      .references(() => academies.id),
    organisationId: integer("organisation_id").references(() => organisations.id, {
      onDelete: "cascade",
    }),
    /** The activity volunteered for (activities section of this file). */
    activityId: integer("activity_id").references(() => activities.id, { onDelete: "cascade" }),
    note: text("note").notNull().default(""),
    status: text("status", { enum: ["applied", "active", "cancelled"] })
      .notNull()
      .default("applied"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("volunteer_signups_org_unique")
      .on(t.userId, t.organisationId)
      .where(sql`organisation_id IS NOT NULL AND status <> 'cancelled'`),
    uniqueIndex("volunteer_signups_activity_unique")
      .on(t.userId, t.activityId)
      .where(sql`activity_id IS NOT NULL AND status <> 'cancelled'`),
    index("volunteer_signups_academy_idx").on(t.academyId, t.status),
    check(
      "volunteer_signups_target_check",
      sql`${t.organisationId} IS NOT NULL OR ${t.activityId} IS NOT NULL`,
    ),
  ],
);

/** Confirmed volunteer service (确认的志愿服务时长), added to the same 志愿服务时长 as teaching hours. */
export const volunteerHours = sqliteTable(
  "volunteer_hours",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    signupId: integer("signup_id")
      .notNull()
      .references(() => volunteerSignups.id, { onDelete: "cascade" }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** Asia/Shanghai date of the service. */
    serviceDate: text("service_date").notNull(),
    minutes: integer("minutes").notNull(),
    note: text("note").notNull().default(""),
    confirmedBy: integer("confirmed_by").references(() => users.id),
    confirmedAt: integer("confirmed_at").notNull(),
  },
  (t) => [
    index("volunteer_hours_user_idx").on(t.userId),
    index("volunteer_hours_signup_idx").on(t.signupId),
    check("volunteer_hours_minutes_check", sql`${t.minutes} BETWEEN 1 AND 1440`),
    check(
      "volunteer_hours_date_check",
      sql`${t.serviceDate} GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'`,
    ),
  ],
);

// ==== end of groups section ====

// =============================================================================================
// activities (issue 11 part 1): 群众性活动, their registrations (through the enrolment module's
// seat-taking, generalised to a seat target), check-ins, headcounts, photos and reports.
// Owned by the `activities` slice.
// =============================================================================================

/** 文体活动, 志愿服务, 节庆活动, 讲座宣讲, 亲子活动, 党群活动, 其他 (labels in activities.ts). */
export const ACTIVITY_TYPES = [
  "culture_sports",
  "volunteer",
  "festival",
  "lecture",
  "family",
  "party",
  "other",
] as const;
export type ActivityType = (typeof ACTIVITY_TYPES)[number];

/** A repeating activity (每周二 广场舞): the rule it was expanded from. Each occurrence is an `activities` row. */
export const activitySeries = sqliteTable("activity_series", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  academyId: integer("academy_id")
    .notNull()
    .references(() => academies.id, { onDelete: "cascade" }),
  /** ISO weekdays 1 (Monday) … 7 (Sunday). */
  weekdays: text("weekdays", { mode: "json" }).$type<number[]>().notNull(),
  startTime: text("start_time").notNull(),
  endTime: text("end_time").notNull(),
  firstDate: text("first_date").notNull(),
  lastDate: text("last_date").notNull(),
  createdBy: integer("created_by").references(() => users.id, { onDelete: "set null" }),
  createdAt: integer("created_at").notNull(),
});

/**
 * 群众性活动: one occurrence (a one-off event, or one date of a series). In a room of the academy
 * (then it shares the room with class sessions: clashes are refused both ways) or at an outdoor
 * `place`. Organised by the academy itself or one of its resident organisations. Registration is
 * optional: with it, seats are taken through the enrolment module's seat-taking
 * (`activity_registrations`); without it, anyone may come and the manager records a headcount.
 * Times as for class sessions: UTC ms plus Asia/Shanghai `localDate`, `weekday`, `startMinute`.
 */
export const activities = sqliteTable(
  "activities",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    academyId: integer("academy_id")
      .notNull()
      .references(() => academies.id, { onDelete: "cascade" }),
    seriesId: integer("series_id").references(() => activitySeries.id, { onDelete: "set null" }),
    /** null = the academy organises it. */
    organisationId: integer("organisation_id").references(() => organisations.id, {
      onDelete: "set null",
    }),
    type: text("type", { enum: ACTIVITY_TYPES }).notNull(),
    title: text("title").notNull(),
    description: text("description").notNull().default(""),
    /** Who it is for (面向): 全体居民, 老年人, 亲子家庭 … */
    audience: text("audience").notNull().default(""),
    roomId: integer("room_id").references(() => rooms.id),
    /** An outdoor place (小区广场, 海湾公园) when there is no room. */
    place: text("place").notNull().default(""),
    startsAt: integer("starts_at").notNull(),
    endsAt: integer("ends_at").notNull(),
    localDate: text("local_date").notNull(),
    weekday: integer("weekday").notNull(),
    startMinute: integer("start_minute").notNull(),
    /** Registration (报名) with a capacity; false = open event (no registration, headcount afterwards). */
    registration: integer("registration", { mode: "boolean" }).notNull().default(false),
    capacity: integer("capacity"),
    /** Registration closes here (default: the start). */
    enrollClosesAt: integer("enrol_closes_at"),
    status: text("status", { enum: ["scheduled", "cancelled"] })
      .notNull()
      .default("scheduled"),
    cancelReason: text("cancel_reason").notNull().default(""),
    /** 现场总人数 counted by the manager afterwards (includes people who checked in); see participations. */
    headcount: integer("headcount"),
    headcountAt: integer("headcount_at"),
    headcountBy: integer("headcount_by").references(() => users.id, { onDelete: "set null" }),
    /** 活动报道: tiptap JSON (catalog/richtext), its server HTML, written after the event. */
    report: text("report", { mode: "json" }),
    reportHtml: text("report_html").notNull().default(""),
    reportUpdatedAt: integer("report_updated_at"),
    isDemo: integer("is_demo", { mode: "boolean" }).notNull().default(false),
    createdBy: integer("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    index("activities_starts_idx").on(t.startsAt),
    index("activities_academy_idx").on(t.academyId, t.startsAt),
    index("activities_room_idx").on(t.roomId, t.startsAt),
    index("activities_date_idx").on(t.localDate),
    index("activities_series_idx").on(t.seriesId, t.startsAt),
    index("activities_org_idx").on(t.organisationId, t.startsAt),
    check("activities_order_check", sql`${t.endsAt} > ${t.startsAt}`),
    check("activities_title_check", sql`length(trim(${t.title})) > 0`),
    check("activities_where_check", sql`${t.roomId} IS NOT NULL OR length(trim(${t.place})) > 0`),
    check(
      "activities_capacity_check",
      sql`(${t.registration} = 0 AND ${t.capacity} IS NULL) OR (${t.registration} = 1 AND ${t.capacity} BETWEEN 1 AND 5000)`,
    ),
    check("activities_headcount_check", sql`${t.headcount} IS NULL OR ${t.headcount} >= 0`),
    check("activities_weekday_check", sql`${t.weekday} BETWEEN 1 AND 7`),
    check("activities_minute_check", sql`${t.startMinute} BETWEEN 0 AND 1439`),
    check(
      "activities_cancel_reason_check",
      sql`${t.status} <> 'cancelled' OR length(trim(${t.cancelReason})) > 0`,
    ),
  ],
);

const ACTIVE_REG_SQL = sql.raw(`status IN ('confirmed', 'waitlisted', 'lottery_pending')`);

/**
 * 活动报名: the same shape as `enrollments` (a person is the account holder, a family member or a
 * walk-in), so the enrolment module's seat-taking writes both with the same guarded SQL
 * (`seats.server.ts`, seat target `activity`). One active registration per person per activity.
 */
export const activityRegistrations = sqliteTable(
  "activity_registrations",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    activityId: integer("activity_id")
      .notNull()
      .references(() => activities.id, { onDelete: "cascade" }),
    userId: integer("user_id").references(() => users.id, { onDelete: "cascade" }),
    familyMemberId: integer("family_member_id").references(() => familyMembers.id),
    walkinName: text("walkin_name"),
    walkinPhone: text("walkin_phone"),
    status: text("status", {
      enum: ["confirmed", "waitlisted", "lottery_pending", "cancelled", "removed"],
    }).notNull(),
    queueKey: integer("queue_key"),
    priority: integer("priority", { mode: "boolean" }).notNull().default(false),
    createdAt: integer("created_at").notNull(),
    confirmedAt: integer("confirmed_at"),
    promotedAt: integer("promoted_at"),
    cancelledAt: integer("cancelled_at"),
    addedBy: integer("added_by").references(() => users.id, { onDelete: "set null" }),
    endedBy: integer("ended_by").references(() => users.id, { onDelete: "set null" }),
    endReason: text("end_reason").notNull().default(""),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("activity_registrations_self_active_unique")
      .on(t.activityId, t.userId)
      .where(sql`family_member_id IS NULL AND user_id IS NOT NULL AND ${ACTIVE_REG_SQL}`),
    uniqueIndex("activity_registrations_member_active_unique")
      .on(t.activityId, t.familyMemberId)
      .where(sql`family_member_id IS NOT NULL AND ${ACTIVE_REG_SQL}`),
    uniqueIndex("activity_registrations_walkin_active_unique")
      .on(t.activityId, t.walkinPhone)
      .where(sql`user_id IS NULL AND ${ACTIVE_REG_SQL}`),
    index("activity_registrations_activity_status_idx").on(t.activityId, t.status, t.queueKey),
    index("activity_registrations_user_idx").on(t.userId, t.status),
    check(
      "activity_registrations_person_check",
      sql`(${t.userId} IS NOT NULL AND ${t.walkinName} IS NULL AND ${t.walkinPhone} IS NULL) OR (${t.userId} IS NULL AND ${t.familyMemberId} IS NULL AND length(trim(${t.walkinName})) > 0 AND length(trim(${t.walkinPhone})) > 0)`,
    ),
    check(
      "activity_registrations_queue_check",
      sql`${t.status} <> 'waitlisted' OR ${t.queueKey} IS NOT NULL`,
    ),
  ],
);

/**
 * 活动出勤: one row per person present (or ticked absent) at an activity. `qr` = checked in by
 * scanning (a registered person, or anyone at an open event: then `registrationId` is null);
 * `roster` = ticked present on the registration list by the manager. UNIQUE per registration
 * and per unregistered person, so nobody is counted twice.
 */
export const activityAttendance = sqliteTable(
  "activity_attendance",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    activityId: integer("activity_id")
      .notNull()
      .references(() => activities.id, { onDelete: "cascade" }),
    registrationId: integer("registration_id").references(() => activityRegistrations.id, {
      onDelete: "cascade",
    }),
    userId: integer("user_id").references(() => users.id, { onDelete: "set null" }),
    familyMemberId: integer("family_member_id").references(() => familyMembers.id),
    present: integer("present", { mode: "boolean" }).notNull().default(true),
    method: text("method", { enum: ["qr", "roster"] }).notNull(),
    markedBy: integer("marked_by").references(() => users.id, { onDelete: "set null" }),
    markedAt: integer("marked_at").notNull(),
  },
  (t) => [
    uniqueIndex("activity_attendance_registration_unique")
      .on(t.activityId, t.registrationId)
      .where(sql`registration_id IS NOT NULL`),
    uniqueIndex("activity_attendance_self_unique")
      .on(t.activityId, t.userId)
      .where(sql`registration_id IS NULL AND family_member_id IS NULL`),
    uniqueIndex("activity_attendance_member_unique")
      .on(t.activityId, t.familyMemberId)
      .where(sql`registration_id IS NULL AND family_member_id IS NOT NULL`),
    index("activity_attendance_activity_idx").on(t.activityId, t.present, t.method),
    index("activity_attendance_user_idx").on(t.userId),
  ],
);

/** 活动照片: images from the resource store shown on the activity page after the event. */
export const activityPhotos = sqliteTable(
  "activity_photos",
  {
    activityId: integer("activity_id")
      .notNull()
      .references(() => activities.id, { onDelete: "cascade" }),
    resourceId: integer("resource_id")
      .notNull()
      .references(() => resources.id),
    sortOrder: integer("sort_order").notNull().default(0),
  },
  (t) => [uniqueIndex("activity_photos_pk").on(t.activityId, t.resourceId)],
);

// ==== end of activities section ====
