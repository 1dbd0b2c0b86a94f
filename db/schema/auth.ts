import { sql } from "drizzle-orm";
import { check, index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export const ROLES = [
  "hq_admin",
  "hq_editor",
  "district_staff",
  "academy_manager",
  "teacher",
  "resident",
] as const;
export type Role = (typeof ROLES)[number];

export const users = sqliteTable(
  "users",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    phone: text("phone").notNull(),
    name: text("name").notNull(),
    passwordHash: text("password_hash").notNull(),
    /** The academy nearest home, preselected when the resident marks 想学 or searches. */
    homeAcademyId: integer("home_academy_id"),
    /** When the resident last changed an already chosen home academy (at most once per 30 days). */
    homeAcademyChangedAt: integer("home_academy_changed_at"),
    birthYear: integer("birth_year"),
    isDemo: integer("is_demo", { mode: "boolean" }).notNull().default(false),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [uniqueIndex("users_phone_unique").on(t.phone), index("users_name_idx").on(t.name)],
);

/** Sessions as Lucia's guide teaches: the id is the SHA-256 of the token, never the token. */
export const sessions = sqliteTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    expiresAt: integer("expires_at").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("sessions_user_idx").on(t.userId)],
);

/** A role granted at one scope: city (no scope id), a district or an academy. */
export const userRoles = sqliteTable(
  "user_roles",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: text("role", { enum: ROLES }).notNull(),
    scopeType: text("scope_type", { enum: ["city", "district", "academy"] }).notNull(),
    scopeId: integer("scope_id").notNull().default(0),
    grantedBy: integer("granted_by"),
    grantedAt: integer("granted_at").notNull(),
  },
  (t) => [
    uniqueIndex("user_roles_unique").on(t.userId, t.role, t.scopeType, t.scopeId),
    index("user_roles_scope_idx").on(t.scopeType, t.scopeId),
    check(
      "user_roles_scope_check",
      sql`(${t.scopeType} = 'city' AND ${t.scopeId} = 0) OR (${t.scopeType} <> 'city' AND ${t.scopeId} > 0)`,
    ),
  ],
);

/** Who did what, when and from where: grants, revokes, publishes, deletions. */
export const auditLog = sqliteTable(
  "audit_log",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    actorId: integer("actor_id").references(() => users.id, { onDelete: "set null" }),
    action: text("action").notNull(),
    targetType: text("target_type").notNull(),
    targetId: text("target_id"),
    summary: text("summary").notNull(),
    detail: text("detail", { mode: "json" }),
    ip: text("ip"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("audit_created_idx").on(t.createdAt), index("audit_action_idx").on(t.action)],
);

export const SMS_CODE_PURPOSES = ["register", "reset"] as const;
export type SmsCodePurpose = (typeof SMS_CODE_PURPOSES)[number];

/**
 * 短信验证码: 6 digits, only the SHA-256 (with the phone and purpose) stored; valid 10 minutes and
 * for 5 wrong tries (`attempts`); `usedAt` set by the write that consumed it, so a code works once.
 * A phone that is not registered still gets a row for `reset` (no SMS is sent), so the answer and the
 * timing do not say whether the phone has an account.
 */
export const smsCodes = sqliteTable(
  "sms_codes",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    phone: text("phone").notNull(),
    purpose: text("purpose", { enum: SMS_CODE_PURPOSES }).notNull(),
    codeHash: text("code_hash").notNull(),
    attempts: integer("attempts").notNull().default(0),
    expiresAt: integer("expires_at").notNull(),
    usedAt: integer("used_at"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    index("sms_codes_phone_idx").on(t.phone, t.purpose, t.id),
    check("sms_codes_attempts_check", sql`${t.attempts} >= 0`),
  ],
);

/** 消息: a person's inbox (moved or cancelled sessions, order decisions, waitlist promotions …). */
export const notifications = sqliteTable(
  "notifications",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    body: text("body").notNull().default(""),
    link: text("link"),
    readAt: integer("read_at"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("notifications_user_idx").on(t.userId, t.id)],
);

/**
 * Fixed-window rate limits shared by every server process (rate-limiter-flexible's
 * RateLimiterSQLite writes here; app/modules/auth/rate-limit.server.ts). The columns are the
 * library's own: `key` is "<limiter>:<ip or phone>", `points` the attempts counted in the window,
 * `expire` when the window ends (ms). Rows past `expire` are dead and the hourly job deletes them.
 */
export const rateLimits = sqliteTable("rate_limits", {
  key: text("key").primaryKey(),
  points: integer("points").notNull().default(0),
  expire: integer("expire"),
});

/**
 * The growing delays per phone number (PhoneThrottle), shared by every server process: failures
 * since the count last faded, when the last one was, and when the count fades (`expire`, ms: the
 * window after the last failure). Rows past `expire` are dead and the hourly job deletes them.
 */
export const rateLimitDelays = sqliteTable(
  "rate_limit_delays",
  {
    key: text("key").primaryKey(),
    failures: integer("failures").notNull(),
    lastAt: integer("last_at").notNull(),
    expire: integer("expire").notNull(),
  },
  (t) => [check("rate_limit_delays_failures_check", sql`${t.failures} > 0`)],
);
