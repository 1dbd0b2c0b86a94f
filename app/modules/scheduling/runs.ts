/** Run (开课) and session (课次) input, pure: shared by forms and the module. */
import { z } from "~/utils/zod";
import { ENROL_MODES, RUN_STATUSES, type LocalResource } from "@db/schema/scheduling";
import { MAX_RECURRENCE_WEEKS } from "./recurrence";
import { isValidDate, isValidTime, wallToUtc } from "~/utils/time";

const blank = (v: unknown) => (v === "" || v == null ? undefined : v);
const many = (v: unknown) => (v == null || v === "" ? [] : Array.isArray(v) ? v : [v]);
const checkbox = z.preprocess((v) => v === "on" || v === "true" || v === true, z.boolean()).default(false);

const age = (label: string) =>
  z.preprocess(blank, z.coerce.number({ error: `${label}请填整数。` }).int(`${label}请填整数。`).min(0, `${label}不能小于 0。`).max(120, `${label}不能大于 120。`).optional());

/** "2026-12-01T09:00" (an Asia/Shanghai wall-clock time from <input type="datetime-local">) → UTC ms. */
export function parseLocalDateTime(value: string) {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(:\d{2})?$/.exec(value);
  if (!m || !isValidDate(m[1]!) || !isValidTime(m[2]!)) return null;
  return wallToUtc(m[1]!, m[2]!);
}

const localDateTime = (message: string) =>
  z.preprocess(
    blank,
    z
      .string()
      .transform((v, ctx) => {
        const ms = parseLocalDateTime(v);
        if (ms == null) {
          ctx.addIssue({ code: "custom", message });
          return z.NEVER;
        }
        return ms;
      })
      .optional(),
  );

/** Lines of "标题 | https://链接" → resources; only http(s) links. */
export function parseResources(text: string): LocalResource[] | string {
  const out: LocalResource[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line) continue;
    const [titlePart, ...rest] = line.split("|");
    const url = rest.join("|").trim();
    const title = titlePart!.trim();
    if (!title || !url) return `请按“标题 | 链接”一行一个填写：${line.slice(0, 30)}`;
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return `链接格式不对：${url.slice(0, 60)}`;
    }
    if (parsed.protocol !== "https:" && parsed.protocol !== "http:") return `只能添加 http 或 https 链接：${url.slice(0, 60)}`;
    if (title.length > 60) return "资料标题最多 60 个字。";
    out.push({ title, url: parsed.toString() });
  }
  if (out.length > 20) return "本地资料最多 20 条。";
  return out;
}

export function formatResources(list: LocalResource[]) {
  return list.map((r) => `${r.title} | ${r.url}`).join("\n");
}

/** The run's settings (everything but the course, which is pinned at creation). */
export const runSettingsShape = {
  roomId: z.coerce.number({ error: "请选择教室。" }).int().positive("请选择教室。"),
  capacity: z.coerce
    .number({ error: "请填写名额。" })
    .int("名额必须是整数。")
    .min(1, "名额至少为 1。")
    .max(2000, "名额不能超过 2000。"),
  overflowConfirmed: checkbox,
  teacherIds: z.preprocess(many, z.array(z.coerce.number().int().positive()).max(5, "最多 5 位教师。")),
  guestTeacher: z.string().trim().max(40, "讲师姓名最多 40 个字。").default(""),
  minAge: age("最小年龄"),
  maxAge: age("最大年龄"),
  residentsFirst: checkbox,
  enrolOpensAt: localDateTime("报名开始时间格式不对。"),
  enrolClosesAt: localDateTime("报名截止时间格式不对。"),
  cancelDeadlineAt: localDateTime("取消截止时间格式不对。"),
  enrolMode: z.enum(ENROL_MODES, { error: "请选择报名方式。" }).default("first_come"),
  localNotes: z.string().trim().max(2000, "本地说明最多 2000 字。").default(""),
  localResources: z
    .string()
    .max(4000, "本地资料太长了。")
    .default("")
    .transform((v, ctx) => {
      const r = parseResources(v);
      if (typeof r === "string") {
        ctx.addIssue({ code: "custom", message: r });
        return z.NEVER;
      }
      return r;
    }),
};

export const recurrenceShape = {
  startDate: z.string({ error: "请填写开始日期。" }).refine(isValidDate, "请填写开始日期。"),
  weekdays: z.preprocess(many, z.array(z.coerce.number().int().min(1).max(7)).min(1, "请至少选择一个上课的星期。")),
  startTime: z.string({ error: "请填写开始时间。" }).refine(isValidTime, "请按 时:分 填写开始时间，例如 09:30。"),
  endTime: z.string({ error: "请填写结束时间。" }).refine(isValidTime, "请按 时:分 填写结束时间，例如 11:00。"),
  weeks: z.preprocess(
    blank,
    z.coerce
      .number({ error: "周数请填整数。" })
      .int("周数请填整数。")
      .min(1, "周数至少为 1。")
      .max(MAX_RECURRENCE_WEEKS, `一次最多排 ${MAX_RECURRENCE_WEEKS} 周的课。`)
      .optional(),
  ),
  until: z.preprocess(blank, z.string().refine(isValidDate, "截止日期格式不对。").optional()),
  /** 开放时间外: the manager confirms a time outside the academy's opening hours (audited). */
  outsideHours: checkbox,
};

export const createRunSchema = z.object({
  intent: z.literal("create"),
  courseId: z.coerce.number({ error: "请选择课程。" }).int().positive("请选择课程。"),
  orderId: z.preprocess(blank, z.coerce.number().int().positive().optional()),
  publish: checkbox,
  ...runSettingsShape,
  ...recurrenceShape,
});
export type CreateRunInput = Omit<z.infer<typeof createRunSchema>, "outsideHours"> & { outsideHours?: boolean };

export const updateRunSchema = z.object({ intent: z.literal("update"), ...runSettingsShape });
export type RunSettings = Omit<z.infer<typeof updateRunSchema>, "intent">;

export const addSessionsSchema = z.object({ intent: z.literal("add-sessions"), ...recurrenceShape });
export const addSessionSchema = z.object({
  intent: z.literal("add-session"),
  date: z.string({ error: "请填写日期。" }).refine(isValidDate, "请填写日期。"),
  startTime: recurrenceShape.startTime,
  endTime: recurrenceShape.endTime,
  roomId: z.preprocess(blank, z.coerce.number().int().positive().optional()),
  outsideHours: checkbox,
});
export const moveSessionSchema = z.object({
  intent: z.literal("move-session"),
  sessionId: z.coerce.number().int().positive(),
  date: z.string({ error: "请填写日期。" }).refine(isValidDate, "请填写日期。"),
  startTime: recurrenceShape.startTime,
  endTime: recurrenceShape.endTime,
  roomId: z.preprocess(blank, z.coerce.number().int().positive().optional()),
  note: z.string().trim().max(200, "说明最多 200 字。").default(""),
  outsideHours: checkbox,
});
export const cancelSessionSchema = z.object({
  intent: z.literal("cancel-session"),
  sessionId: z.coerce.number().int().positive(),
  reason: z.string({ error: "请写明停课原因，学员会收到它。" }).trim().min(1, "请写明停课原因，学员会收到它。").max(200, "原因最多 200 字。"),
});
/** Move this academy's upcoming runs of the course to its newest published version. */
export const moveVersionSchema = z.object({ intent: z.literal("move-version") });

export const statusSchema = z.object({
  intent: z.literal("status"),
  to: z.enum(RUN_STATUSES),
  reason: z.string().trim().max(300, "原因最多 300 字。").default(""),
});

export type SessionSlotInput = { date: string; startTime: string; endTime: string; roomId?: number; outsideHours?: boolean };
