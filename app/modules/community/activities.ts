/** Activities (群众性活动): labels and form input, pure (shared by forms and the module). */
import { ACTIVITY_TYPES, type ActivityType } from "@db/schema/community";
import { recurrenceShape } from "~/modules/scheduling/runs";
import { isValidDate, isValidTime } from "~/utils/time";
import { z } from "~/utils/zod";

export { ACTIVITY_TYPES, type ActivityType };

export const ACTIVITY_TYPE_LABELS: Record<ActivityType, string> = {
  culture_sports: "文体活动",
  volunteer: "志愿服务",
  festival: "节庆活动",
  lecture: "讲座宣讲",
  family: "亲子活动",
  party: "党群活动",
  other: "其他",
};

export const ACTIVITIES_PAGE_SIZE = 20;
/** A headcount above this many times the venue's capacity asks the manager to confirm it first. */
export const HEADCOUNT_CONFIRM_FACTOR = 10;

const blank = (v: unknown) => (v === "" || v == null ? undefined : v);
const checkbox = z.preprocess((v) => v === "on" || v === "true" || v === true, z.boolean()).default(false);

/** Everything an activity has apart from its date(s). */
export const activityFieldsShape = {
  title: z
    .string({ error: "请填写活动名称。" })
    .trim()
    .min(1, "请填写活动名称。")
    .max(60, "活动名称最多 60 个字。"),
  type: z.enum(ACTIVITY_TYPES, { error: "请选择活动类型。" }),
  description: z.string().trim().max(1000, "活动介绍最多 1000 字。").default(""),
  audience: z.string().trim().max(40, "面向对象最多 40 个字。").default(""),
  organisationId: z.preprocess(blank, z.coerce.number().int().positive().optional()),
  roomId: z.preprocess(blank, z.coerce.number().int().positive().optional()),
  place: z.string().trim().max(60, "活动地点最多 60 个字。").default(""),
  startTime: recurrenceShape.startTime,
  endTime: recurrenceShape.endTime,
  registration: checkbox,
  capacity: z.preprocess(
    blank,
    z.coerce
      .number({ error: "名额请填整数。" })
      .int("名额请填整数。")
      .min(1, "名额至少为 1。")
      .max(5000, "名额不能超过 5000。")
      .optional(),
  ),
  /** 开放时间外: the manager confirms a time outside the academy's opening hours (audited). */
  outsideHours: checkbox,
};

export const createActivitySchema = z.object({
  intent: z.literal("create"),
  ...activityFieldsShape,
  date: z.string({ error: "请填写日期。" }).refine(isValidDate, "请填写日期。"),
  repeat: checkbox,
  weekdays: recurrenceShape.weekdays.optional(),
  weeks: recurrenceShape.weeks,
  until: recurrenceShape.until,
});
export type CreateActivityInput = Omit<z.infer<typeof createActivitySchema>, "intent" | "outsideHours"> & { outsideHours?: boolean };

export const updateActivitySchema = z.object({
  intent: z.literal("update"),
  ...activityFieldsShape,
  date: z.string({ error: "请填写日期。" }).refine(isValidDate, "请填写日期。"),
});
export type UpdateActivityInput = Omit<z.infer<typeof updateActivitySchema>, "intent" | "outsideHours"> & { outsideHours?: boolean };

export const cancelActivitySchema = z.object({
  intent: z.literal("cancel"),
  reason: z
    .string({ error: "请写明取消原因，报名的居民会收到它。" })
    .trim()
    .min(1, "请写明取消原因，报名的居民会收到它。")
    .max(200, "原因最多 200 字。"),
  /** this = only this date; rest = this and the later dates of its series. */
  scope: z.enum(["this", "rest"]).default("this"),
});

export const headcountSchema = z.object({
  intent: z.literal("headcount"),
  headcount: z.coerce
    .number({ error: "请填写现场人数（整数）。" })
    .int("现场人数请填整数。")
    .min(0, "现场人数不能是负数。")
    .max(1_000_000, "现场人数太大了，请检查。"),
  confirmLarge: checkbox,
});

export const reportSchema = z.object({
  intent: z.literal("report"),
  report: z.string().max(400_000, "活动报道太长了。").default(""),
  photoIds: z.preprocess(
    (v) => (v == null || v === "" ? [] : Array.isArray(v) ? v : [v]),
    z.array(z.coerce.number().int().positive()).max(12, "最多选 12 张照片。"),
  ),
});

/** The finder's URL (/activities?district=&academy=&type=&date=&weekday=&daypart=&page=). */
export const activityFinderQuerySchema = z.object({
  /** A district code (siming, huli …). */
  district: z.preprocess(blank, z.string().max(20).optional()).catch(undefined),
  academy: z.preprocess(blank, z.coerce.number().int().positive().optional()).catch(undefined),
  type: z.preprocess(blank, z.enum(ACTIVITY_TYPES).optional()).catch(undefined),
  date: z.preprocess(blank, z.string().refine(isValidDate).optional()).catch(undefined),
  weekday: z.preprocess(blank, z.coerce.number().int().min(1).max(7).optional()).catch(undefined),
  daypart: z.preprocess(blank, z.enum(["morning", "afternoon", "evening"]).optional()).catch(undefined),
  open: z.preprocess(blank, z.literal("1").optional()).catch(undefined),
  page: z.preprocess(blank, z.coerce.number().int().min(1).max(10_000).optional()).catch(undefined),
});
export type ActivityFinderQuery = z.infer<typeof activityFinderQuerySchema>;

export { isValidTime };

export const rollCallSchema = z.object({
  intent: z.literal("attendance"),
  registrationId: z.preprocess(
    (v) => (v == null || v === "" ? [] : Array.isArray(v) ? v : [v]),
    z.array(z.coerce.number().int().positive()),
  ),
});

/** 现场报名: the manager adds someone who came without registering (name and phone). */
export const walkInSchema = z.object({
  intent: z.literal("walkin"),
  name: z.string({ error: "请填写姓名。" }).trim().min(1, "请填写姓名。").max(20, "姓名最多 20 个字。"),
  phone: z
    .string({ error: "请填写 11 位手机号码。" })
    .trim()
    .regex(/^1\d{10}$/, "请填写 11 位手机号码。"),
});

export const manageActivitySchema = z.discriminatedUnion("intent", [
  walkInSchema,
  updateActivitySchema,
  cancelActivitySchema,
  headcountSchema,
  rollCallSchema,
  reportSchema,
]);
