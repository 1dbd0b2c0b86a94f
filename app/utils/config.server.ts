/**
 * The one place that reads the environment. Validated with zod when the server starts: a bad
 * value stops the server with a message naming the variable and what it accepts. The README's
 * configuration table lists exactly these variables (tests/unit/config.test.ts checks both ways).
 */
import path from "node:path";
import { Cron } from "croner";
import { z } from "~/utils/zod";

function int(name: string, min: number, max: number, fallback: number) {
  const accepts = `${min} 到 ${max} 之间的整数`;
  return z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined) return fallback;
      const n = Number(v);
      if (!/^-?\d+$/.test(v.trim()) || !Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: "custom", message: accepts });
        return z.NEVER;
      }
      return n;
    })
    .describe(accepts);
}

function num(min: number, max: number, fallback: number, minExclusive = false) {
  const accepts = `${minExclusive ? "大于" : "不小于"} ${min}、不大于 ${max} 的数`;
  return z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined) return fallback;
      const n = Number(v);
      if (
        v.trim() === "" ||
        !Number.isFinite(n) ||
        n > max ||
        (minExclusive ? n <= min : n < min)
      ) {
        ctx.addIssue({ code: "custom", message: accepts });
        return z.NEVER;
      }
      return n;
    });
}

function flag(fallback: boolean) {
  return z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined) return fallback;
      if (v === "1" || v === "true") return true;
      if (v === "0" || v === "false") return false;
      ctx.addIssue({ code: "custom", message: "0 或 1" });
      return z.NEVER;
    });
}

const publicUrl = z
  .string()
  .optional()
  .transform((v, ctx) => {
    if (v === undefined) return null;
    let url: URL;
    try {
      url = new URL(v);
    } catch {
      ctx.addIssue({
        code: "custom",
        message: "以 http:// 或 https:// 开头的网址，例如 https://xuexi.example.cn",
      });
      return z.NEVER;
    }
    if (
      (url.protocol !== "http:" && url.protocol !== "https:") ||
      url.username ||
      url.password ||
      url.search ||
      url.hash ||
      (url.pathname !== "/" && url.pathname !== "")
    ) {
      ctx.addIssue({
        code: "custom",
        message:
          "只含协议和主机名的 http(s) 网址（不带路径、参数或账号），例如 https://xuexi.example.cn",
      });
      return z.NEVER;
    }
    return url.origin;
  });

const cron = (fallback: string) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      const pattern = v ?? fallback;
      try {
        new Cron(pattern, { paused: true }).stop();
      } catch {
        ctx.addIssue({ code: "custom", message: "cron 表达式，例如 30 3 * * *（每天 3:30）" });
        return z.NEVER;
      }
      return pattern;
    });

const text = (fallback: string) =>
  z
    .string()
    .optional()
    .transform((v) => v ?? fallback);
const optionalText = z.string().optional();

/** Every variable the app reads, with its default. Keep the README table in step. */
export const configSchema = z.object({
  NODE_ENV: z
    .enum(["production", "development", "test"], { error: "production、development 或 test" })
    .optional()
    .transform((v) => v ?? "production"),
  PORT: int("PORT", 1, 65535, 3000),
  HOST: text("0.0.0.0"),
  DATABASE_PATH: text("db/data.sqlite"),
  PUBLIC_URL: publicUrl,
  TRUST_PROXY: int("TRUST_PROXY", 0, 10, 0),
  DEMO: flag(true),
  LOG_LEVEL: z
    .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], {
      error: "fatal、error、warn、info、debug、trace 或 silent",
    })
    .optional()
    .transform((v) => v ?? "info"),
  JOBS: flag(true),
  WEB_CONCURRENCY: int("WEB_CONCURRENCY", 1, 64, 1),
  HTML_CACHE: flag(true),
  WRITE_CONCURRENCY: int("WRITE_CONCURRENCY", 0, 10000, 5),
  SELF_PUBLISH: flag(false),
  BACKUP_DIR: text("db/backups"),
  BACKUP_KEEP: int("BACKUP_KEEP", 1, 1000, 14),
  BACKUP_CRON: cron("30 3 * * *"),
  LOGIN_LIMIT_PER_IP: int("LOGIN_LIMIT_PER_IP", 1, 1_000_000, 50),
  LOGIN_LIMIT_PER_PHONE: int("LOGIN_LIMIT_PER_PHONE", 1, 1_000_000, 5),
  LOGIN_LIMIT_PER_PAIR: int("LOGIN_LIMIT_PER_PAIR", 1, 1_000_000, 5),
  AUTH_LIMIT_WINDOW_SECONDS: int("AUTH_LIMIT_WINDOW_SECONDS", 1, 86_400, 15 * 60),
  REGISTER_LIMIT_PER_IP: int("REGISTER_LIMIT_PER_IP", 1, 1_000_000, 10),
  REGISTER_LIMIT_PER_PHONE: int("REGISTER_LIMIT_PER_PHONE", 1, 1_000_000, 5),
  ENROL_LIMIT_PER_USER: int("ENROL_LIMIT_PER_USER", 1, 1_000_000, 20),
  UPLOAD_DIR: text("db/uploads"),
  UPLOAD_MAX_MB: num(0, 1024, 50, true),
  CHECKIN_SECRET: z
    .string()
    .min(16, { error: "至少 16 个字符的随机字符串（不设置则自动生成并保存在数据库里）" })
    .optional()
    .transform((v) => v ?? null),
  NO_SHOW_LIMIT: int("NO_SHOW_LIMIT", 0, 100, 3),
  NO_SHOW_WINDOW_DAYS: int("NO_SHOW_WINDOW_DAYS", 1, 3650, 90),
  NO_SHOW_PENALTY_DAYS: int("NO_SHOW_PENALTY_DAYS", 1, 3650, 30),
  COMPLETION_RATE: num(0, 1, 0.8, true),
  SMS_PROVIDER: z
    .enum(["dev", "aliyun"], { error: "dev 或 aliyun" })
    .optional()
    .transform((v) => v ?? "dev"),
  SMS_DEV_FILE: text("db/sms-outbox.jsonl"),
  SMS_ALIYUN_ACCESS_KEY_ID: optionalText,
  SMS_ALIYUN_ACCESS_KEY_SECRET: optionalText,
  SMS_ALIYUN_SIGN_NAME: optionalText,
  SMS_ALIYUN_TEMPLATE_CODE: optionalText,
  SMS_ALIYUN_TEMPLATE_PROMOTED: optionalText,
  SMS_ALIYUN_ENDPOINT: text("dysmsapi.aliyuncs.com"),
  SMS_LIMIT_PER_PHONE: int("SMS_LIMIT_PER_PHONE", 1, 1_000_000, 5),
  SMS_LIMIT_PER_IP: int("SMS_LIMIT_PER_IP", 1, 1_000_000, 20),
});

const SMS_ALIYUN_REQUIRED = [
  "SMS_ALIYUN_ACCESS_KEY_ID",
  "SMS_ALIYUN_ACCESS_KEY_SECRET",
  "SMS_ALIYUN_SIGN_NAME",
  "SMS_ALIYUN_TEMPLATE_CODE",
  "SMS_ALIYUN_TEMPLATE_PROMOTED",
] as const;

export type Config = z.output<typeof configSchema>;
export const CONFIG_VARIABLES = Object.keys(configSchema.shape) as (keyof Config)[];

export class ConfigError extends Error {
  constructor(public problems: { variable: string; value: string | undefined; accepts: string }[]) {
    super(
      "配置有误，服务器没有启动：\n" +
        problems
          .map((p) => `  ${p.variable}=${JSON.stringify(p.value)}：应为${p.accepts}`)
          .join("\n"),
    );
    this.name = "ConfigError";
  }
}

/** Parses an environment; an empty string counts as unset. Throws ConfigError naming each bad variable. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const input: Record<string, string | undefined> = {};
  for (const k of CONFIG_VARIABLES) {
    const v = env[k];
    input[k] = v === undefined || v.trim() === "" ? undefined : v;
  }
  const result = configSchema.safeParse(input);
  if (result.success) {
    if (result.data.SMS_PROVIDER === "aliyun") {
      const missing = SMS_ALIYUN_REQUIRED.filter((k) => !result.data[k]);
      if (missing.length)
        throw new ConfigError(
          missing.map((variable) => ({
            variable,
            value: undefined,
            accepts: "SMS_PROVIDER=aliyun 时必须设置",
          })),
        );
    }
    return result.data;
  }
  const seen = new Set<string>();
  const problems = [];
  for (const issue of result.error.issues) {
    const variable = String(issue.path[0]);
    if (seen.has(variable)) continue;
    seen.add(variable);
    // Secrets are named, never echoed.
    const value = variable.includes("SECRET") || variable.includes("KEY") ? "…" : input[variable];
    problems.push({ variable, value, accepts: issue.message });
  }
  throw new ConfigError(problems);
}

let cached: { key: string; config: Config; frozen: boolean } | undefined;

/**
 * Where a request keeps the configuration it read (log.server.ts hands over its request context):
 * the check below reads every variable of process.env, and a request calls config() dozens of
 * times, so a request checks once and keeps that answer to its end.
 */
let requestScope: (() => { config?: Config } | undefined) | undefined;
export function setConfigScope(scope: () => { config?: Config } | undefined) {
  requestScope = scope;
}

/**
 * The validated configuration of this process (re-read if a test changes process.env). A server
 * started with NODE_ENV=production reads it once: nothing changes its environment under it, and
 * the check costs about 10 µs (every variable read from process.env), once per request and job.
 */
export function config(): Config {
  if (cached?.frozen) return cached.config;
  const scope = requestScope?.();
  if (scope?.config) return scope.config;
  const key = CONFIG_VARIABLES.map((k) => process.env[k] ?? "\u0000").join("\u0001");
  if (!cached || cached.key !== key)
    cached = {
      key,
      config: parseConfig(process.env),
      frozen: process.env.NODE_ENV === "production",
    };
  if (scope) scope.config = cached.config;
  return cached.config;
}

export function resolvePath(p: string) {
  return path.resolve(process.cwd(), p);
}

/** The attendance policy (no-show restriction, completion rate) from the configuration. */
export function learningPolicy() {
  const c = config();
  return {
    noShowLimit: c.NO_SHOW_LIMIT,
    noShowWindowDays: c.NO_SHOW_WINDOW_DAYS,
    noShowPenaltyDays: c.NO_SHOW_PENALTY_DAYS,
    completionRate: c.COMPLETION_RATE,
  };
}

/** The SMS settings as the SMS module reads them (auth/sms.server.ts). */
export function smsEnv(): Record<string, string | undefined> {
  const c = config();
  return {
    SMS_PROVIDER: c.SMS_PROVIDER,
    SMS_ALIYUN_ACCESS_KEY_ID: c.SMS_ALIYUN_ACCESS_KEY_ID,
    SMS_ALIYUN_ACCESS_KEY_SECRET: c.SMS_ALIYUN_ACCESS_KEY_SECRET,
    SMS_ALIYUN_SIGN_NAME: c.SMS_ALIYUN_SIGN_NAME,
    SMS_ALIYUN_TEMPLATE_CODE: c.SMS_ALIYUN_TEMPLATE_CODE,
    SMS_ALIYUN_TEMPLATE_PROMOTED: c.SMS_ALIYUN_TEMPLATE_PROMOTED,
    SMS_ALIYUN_ENDPOINT: c.SMS_ALIYUN_ENDPOINT,
  };
}
