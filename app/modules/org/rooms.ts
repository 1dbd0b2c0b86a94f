/** Room input (pure, shared by the form and the module). */
import { z } from "~/utils/zod";

export const ROOM_EQUIPMENT = [
  "投影仪",
  "音响",
  "白板",
  "钢琴",
  "电脑",
  "厨房",
  "茶具",
  "书画桌",
  "瑜伽垫",
  "无线话筒",
] as const;

const optionalInt = z.preprocess(
  (v) => (v === "" || v == null ? undefined : v),
  z.coerce.number().int().positive().optional(),
);

export const roomSchema = z.object({
  name: z
    .string({ error: "请填写教室名称。" })
    .trim()
    .min(1, "请填写教室名称。")
    .max(40, "教室名称最多 40 个字。"),
  capacity: z.coerce
    .number({ error: "请填写容纳人数。" })
    .int("容纳人数必须是整数。")
    .min(1, "容纳人数至少为 1。")
    .max(2000, "容纳人数不能超过 2000。"),
  floor: z.string().trim().max(20, "楼层最多 20 个字。").default(""),
  stepFree: z
    .preprocess((v) => v === "on" || v === "true" || v === true, z.boolean())
    .default(false),
  equipment: z.preprocess(
    (v) => (v == null ? [] : Array.isArray(v) ? v : [v]),
    z.array(z.string().trim().min(1).max(20)).max(20),
  ),
  openingHours: z.string().trim().max(100, "开放时间最多 100 个字。").default(""),
  branchId: optionalInt,
  note: z.string().trim().max(500, "备注最多 500 个字。").default(""),
});
export type RoomInput = z.infer<typeof roomSchema>;
