/** The academy form (/hq/academies, /district/academies), pure: shared by the form and the module. */
import { z } from "~/utils/zod";
import { HOURS_FIELDS, parseDayRanges, WEEKDAY_NAMES, type DayRanges, type WeeklyHours } from "./opening-hours";

export const ACADEMIES_PAGE_SIZE = 30;
export const MAX_BRANCHES = 12;

const blank = (v: unknown) => (v === "" || v == null ? undefined : v);

export type BranchInput = { name: string; address: string };

/** Lines of "名称 | 地址" → branches (分院), or a Chinese message. */
export function parseBranches(text: string): BranchInput[] | string {
  const out: BranchInput[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line) continue;
    const [namePart, ...rest] = line.split(/[|｜]/);
    const name = namePart!.trim();
    const address = rest.join("|").trim();
    if (!name || !address) return `请按“分院名称 | 地址”一行一个填写：${line.slice(0, 30)}`;
    if (name.length > 40) return `分院名称最多 40 个字：${name.slice(0, 20)}…`;
    if (address.length > 100) return `分院地址最多 100 个字：${name}`;
    if (out.some((b) => b.name === name)) return `分院「${name}」写了两次。`;
    out.push({ name, address });
  }
  if (out.length > MAX_BRANCHES) return `分院最多 ${MAX_BRANCHES} 个。`;
  return out;
}

export function formatBranches(list: BranchInput[]) {
  return list.map((b) => `${b.name} | ${b.address}`).join("\n");
}

const dayField = (i: number) =>
  z
    .string()
    .max(100, `${WEEKDAY_NAMES[i]}的开放时间太长了。`)
    .default("")
    .transform((v, ctx): DayRanges => {
      const r = parseDayRanges(v, `${WEEKDAY_NAMES[i]}：`);
      if (typeof r === "string") {
        ctx.addIssue({ code: "custom", message: r });
        return z.NEVER;
      }
      return r;
    });

export const academyInputSchema = z
  .object({
    intent: z.literal("save"),
    name: z.string({ error: "请填写书院名称。" }).trim().min(2, "请填写书院名称（至少 2 个字）。").max(40, "书院名称最多 40 个字。"),
    districtId: z.coerce.number({ error: "请选择所在区。" }).int().positive("请选择所在区。"),
    subdistrictId: z.preprocess(blank, z.coerce.number().int().positive().optional()),
    community: z.string({ error: "请填写所在社区。" }).trim().min(1, "请填写所在社区。").max(40, "社区名称最多 40 个字。"),
    address: z.string({ error: "请填写地址。" }).trim().min(4, "请填写地址（至少 4 个字）。").max(100, "地址最多 100 个字。"),
    phone: z.preprocess(
      blank,
      z
        .string()
        .trim()
        .regex(/^[0-9+\-()（） ]{5,20}$/, "电话格式不对，例如 0592-5123456。")
        .optional(),
    ),
    population: z.preprocess(
      (v) => (v === "" || v == null ? 0 : v),
      z.coerce.number({ error: "常住人口请填整数。" }).int("常住人口请填整数。").min(0, "常住人口不能是负数。").max(1_000_000, "常住人口不能超过 100 万。"),
    ),
    description: z.string().trim().max(500, "简介最多 500 字。").default(""),
    hours1: dayField(0),
    hours2: dayField(1),
    hours3: dayField(2),
    hours4: dayField(3),
    hours5: dayField(4),
    hours6: dayField(5),
    hours7: dayField(6),
    branches: z
      .string()
      .max(3000, "分院写得太长了。")
      .default("")
      .transform((v, ctx) => {
        const r = parseBranches(v);
        if (typeof r === "string") {
          ctx.addIssue({ code: "custom", message: r });
          return z.NEVER;
        }
        return r;
      }),
  })
  .superRefine((v, ctx) => {
    if (HOURS_FIELDS.every((f) => (v[f] as DayRanges).length === 0)) {
      ctx.addIssue({ code: "custom", path: ["hours1"], message: "请至少填写一天的开放时间，例如 周二至周日 09:00-21:00。" });
    }
  });

export type AcademyFormValue = z.infer<typeof academyInputSchema>;
export type AcademyInput = Omit<AcademyFormValue, "intent" | (typeof HOURS_FIELDS)[number]> & { hours: WeeklyHours };

/** The parsed form → the module's input (the seven days as one week). */
export function toAcademyInput(v: AcademyFormValue): AcademyInput {
  const { intent: _i, hours1, hours2, hours3, hours4, hours5, hours6, hours7, ...rest } = v;
  return { ...rest, hours: [hours1, hours2, hours3, hours4, hours5, hours6, hours7] };
}

export const closeAcademySchema = z.object({
  intent: z.literal("close"),
  reason: z.string({ error: "请写明关闭原因。" }).trim().min(2, "请写明关闭原因（至少 2 个字）。").max(200, "原因最多 200 字。"),
});

export const reopenAcademySchema = z.object({ intent: z.literal("reopen") });

export const academyAdminSchema = z.discriminatedUnion("intent", [academyInputSchema, closeAcademySchema, reopenAcademySchema]);

/** The list's URL (?q=&district=&status=&page=). */
export const academyListQuerySchema = z.object({
  q: z.preprocess(blank, z.string().trim().max(50).optional()).catch(undefined),
  district: z.preprocess(blank, z.coerce.number().int().positive().optional()).catch(undefined),
  status: z.preprocess(blank, z.enum(["open", "closed"]).optional()).catch(undefined),
});
