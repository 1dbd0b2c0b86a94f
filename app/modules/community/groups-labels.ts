/** Chinese labels and input schemas of the groups slice (organisations, deliberation, proposals,
 * volunteers). Pure: no database. */
import type {
  MeetingKind,
  OrgStage,
  OrgType,
  ProposalStatus,
  SurveyQuestion,
  TaskStatus,
  TopicStatus,
} from "@db/schema/community";

export { ORG_STAGES } from "@db/schema/community";
import { z } from "~/utils/zod";

export const ORG_STAGE_LABELS: Record<OrgStage, string> = {
  preparing: "筹备",
  incubating: "孵化中",
  established: "已成立",
  dissolved: "已注销",
};

export const ORG_TYPE_LABELS: Record<OrgType, string> = {
  culture: "文艺团队",
  sports: "体育健身",
  volunteer: "志愿服务队",
  interest: "兴趣社团",
  mutual_aid: "邻里互助",
  other: "其他",
};

export const TOPIC_STATUS_LABELS: Record<TopicStatus, string> = {
  proposed: "待受理",
  open: "议事中",
  decided: "已形成决议",
  closed: "已关闭",
};

export const MEETING_KIND_LABELS: Record<MeetingKind, string> = {
  council: "议事会",
  hearing: "听证会",
  coordination: "协调会",
  review: "评议会",
};

export const TASK_STATUS_LABELS: Record<TaskStatus, string> = {
  todo: "待办",
  doing: "进行中",
  done: "已完成",
};

export const PROPOSAL_STATUS_LABELS: Record<ProposalStatus, string> = {
  notice: "公示中",
  accepted: "已通过，报总部审核",
  rejected: "未通过",
  withdrawn: "已撤回",
};

/** Stage moves a manager may make: one step forward, or 注销 from any live stage. */
export function allowedStageMoves(from: OrgStage): OrgStage[] {
  switch (from) {
    case "preparing":
      return ["incubating", "dissolved"];
    case "incubating":
      return ["established", "dissolved"];
    case "established":
      return ["dissolved"];
    case "dissolved":
      return [];
  }
}

/** 支持 share (percent of votes cast) and turnout decide the outcome; both were set before the notice. */
export function proposalOutcome(p: {
  support: number;
  oppose: number;
  thresholdPercent: number;
  minVotes: number;
}) {
  const total = p.support + p.oppose;
  if (total < p.minVotes || total === 0) return "rejected" as const;
  return p.support * 100 >= p.thresholdPercent * total
    ? ("accepted" as const)
    : ("rejected" as const);
}

/** Asia/Shanghai YYYY-MM-DD. */
export const localDateField = (message: string) =>
  z
    .string({ error: message })
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}$/, message);

export const organisationInput = z.object({
  name: z
    .string({ error: "请填写组织名称。" })
    .trim()
    .min(2, "组织名称至少 2 个字。")
    .max(40, "组织名称最多 40 个字。"),
  type: z.enum(Object.keys(ORG_TYPE_LABELS) as [OrgType, ...OrgType[]], {
    error: "请选择组织类型。",
  }),
  description: z.string().trim().max(500, "简介最多 500 个字。").default(""),
  leaderPhone: z
    .string({ error: "请填写负责人的手机号。" })
    .trim()
    .regex(/^1\d{10}$/, "请填写 11 位手机号。"),
});
export type OrganisationInput = z.input<typeof organisationInput>;

export const stageInput = z.object({
  to: z.enum(["preparing", "incubating", "established", "dissolved"], {
    error: "请选择新的阶段。",
  }),
  note: z.string().trim().max(200, "说明最多 200 个字。").default(""),
});

export const joinInput = z.object({
  note: z.string().trim().max(200, "留言最多 200 个字。").default(""),
});

export const topicInput = z.object({
  title: z
    .string({ error: "请填写议题。" })
    .trim()
    .min(2, "议题至少 2 个字。")
    .max(60, "议题最多 60 个字。"),
  description: z.string().trim().max(1000, "说明最多 1000 个字。").default(""),
});

export const managerTopicInput = topicInput.extend({
  visibility: z.enum(["public", "internal"], { error: "请选择是否公开。" }).default("public"),
});

export const closeTopicInput = z.object({
  reason: z
    .string({ error: "请填写关闭的原因。" })
    .trim()
    .min(2, "请填写关闭的原因。")
    .max(200, "原因最多 200 个字。"),
});

export const meetingInput = z.object({
  kind: z.enum(["council", "hearing", "coordination", "review"], { error: "请选择会议类型。" }),
  date: localDateField("请选择日期。"),
  time: z.string({ error: "请选择时间。" }).regex(/^\d{2}:\d{2}$/, "请选择时间。"),
  roomId: z.coerce.number().int().positive().optional(),
  place: z.string().trim().max(60, "地点最多 60 个字。").default(""),
  invitePhones: z.string().trim().max(2000).default(""),
  guests: z.string().trim().max(500, "列席人员最多 500 个字。").default(""),
});

const asIds = (v: unknown) => (v == null || v === "" ? [] : Array.isArray(v) ? v : [v]);

/** The small forms of a meeting page (/manage/:academy/meetings/:id), one `intent` each. */
export const meetingActionInput = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("minutes"),
    minutes: z.string({ error: "请写下会议纪要。" }).max(400_000, "纪要太长了。"),
  }),
  z.object({
    intent: z.literal("presence"),
    present: z.preprocess(asIds, z.array(z.coerce.number().int().positive())),
  }),
  z.object({
    intent: z.literal("walkin"),
    who: z
      .string({ error: "请填写手机号或姓名。" })
      .trim()
      .min(1, "请填写手机号或姓名。")
      .max(40, "姓名最多 40 个字。"),
  }),
  z.object({ intent: z.literal("close") }),
  z.object({
    intent: z.literal("addendum"),
    addendum: z.string({ error: "请写下补充说明的内容。" }).max(400_000, "补充说明太长了。"),
  }),
]);

export const taskInput = z.object({
  title: z
    .string({ error: "请填写事项。" })
    .trim()
    .min(2, "事项至少 2 个字。")
    .max(100, "事项最多 100 个字。"),
  owner: z
    .string({ error: "请填写负责人。" })
    .trim()
    .min(1, "请填写负责人。")
    .max(40, "负责人最多 40 个字。"),
  dueDate: localDateField("请选择完成期限。"),
});

export const taskUpdateInput = z.object({
  status: z.enum(["todo", "doing", "done"], { error: "请选择状态。" }),
  progress: z.string().trim().max(300, "进展最多 300 个字。").default(""),
});

export const surveyInput = z.object({
  title: z
    .string({ error: "请填写调查标题。" })
    .trim()
    .min(2, "标题至少 2 个字。")
    .max(60, "标题最多 60 个字。"),
  intro: z.string().trim().max(500, "说明最多 500 个字。").default(""),
  /** One question per line; a line ending with * is required; "题目：选项1/选项2" makes a choice question. */
  questions: z
    .string({ error: "请至少写一个问题。" })
    .trim()
    .min(2, "请至少写一个问题。")
    .max(2000, "问题太长了。"),
});

/**
 * The answers to one survey, built from its own questions (q1…q10): the route parses the form with
 * it (conform) and answerSurvey parses again inside its transaction. A required question left
 * empty is a message next to it; a choice must be one of the options.
 */
export function surveyAnswerSchema(questions: SurveyQuestion[]) {
  const shape: Record<string, z.ZodType<string>> = {};
  for (const q of questions) {
    const required = `“${q.label}”是必答题，请填写。`;
    // conform turns an empty field into "missing", so a required question's "missing" says the same.
    let field: z.ZodType<string> = z
      .string({ error: q.required ? required : "请填写文字。" })
      .trim()
      .max(500, "每题最多 500 个字。");
    if (q.kind === "choice")
      field = field.refine((v) => v === "" || q.options.includes(v), "请从选项中选择。");
    if (q.required) field = field.refine((v) => v !== "", required);
    shape[q.id] = q.required
      ? field
      : (field.optional().transform((v) => v ?? "") as unknown as z.ZodType<string>);
  }
  return z.object(shape);
}

export const proposalInput = z.object({
  courseId: z.coerce
    .number({ error: "请选择一门草稿课程。" })
    .int()
    .positive("请选择一门草稿课程。"),
  surveyId: z.coerce.number().int().positive().optional(),
  days: z.coerce
    .number({ error: "请填写公示天数。" })
    .int("公示天数须为整数。")
    .min(1, "公示至少 1 天。")
    .max(30, "公示最多 30 天。"),
  thresholdPercent: z.coerce
    .number({ error: "请填写通过所需的支持比例。" })
    .int("支持比例须为整数。")
    .min(1, "支持比例在 1–100 之间。")
    .max(100, "支持比例在 1–100 之间。"),
  minVotes: z.coerce
    .number({ error: "请填写最少投票人数。" })
    .int("最少投票人数须为整数。")
    .min(0, "最少投票人数不能为负数。")
    .max(100000, "最少投票人数太大了。"),
});

export const voteInput = z.object({
  choice: z.enum(["support", "oppose"], { error: "请选择支持或反对。" }),
});

export const commentInput = z.object({
  body: z
    .string({ error: "请写下您的意见。" })
    .trim()
    .min(1, "请写下您的意见。")
    .max(500, "意见最多 500 个字。"),
});

export const hoursInput = z.object({
  serviceDate: localDateField("请选择服务日期。"),
  hours: z.coerce
    .number({ error: "请填写服务时长。" })
    .positive("服务时长须大于 0。")
    .max(24, "一次服务最多 24 小时。"),
  note: z.string().trim().max(100, "备注最多 100 个字。").default(""),
});
