/** The accept / decline form posts shared by /hq/orders/:id and /district/orders/:id. */
import type { DB } from "@db/client";
import type { Actor } from "~/modules/auth/permissions";
import { isUserError, userErrorOf } from "~/utils/errors";
import { z } from "~/utils/zod";
import { acceptOrder, declineOrder } from "./orders.server";

const schema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("accept"),
    teacherId: z.coerce.number({ error: "请选择授课教师。" }).int().positive("请选择授课教师。"),
    note: z.string().trim().max(200).default(""),
  }),
  z.object({
    intent: z.literal("decline"),
    reason: z.string().trim().max(300, "原因最多 300 字。").default(""),
  }),
]);

export type DecisionResult =
  | { ok: true; intent: "accept" | "decline" }
  | { ok: false; error: string; field: string | null; reason?: string };

export function decideOrderFromForm(
  db: DB,
  actor: Actor,
  orderId: number,
  form: FormData,
  ip: string | null,
): DecisionResult {
  const parsed = schema.safeParse(Object.fromEntries(form));
  if (!parsed.success) {
    const e = userErrorOf(parsed.error);
    return { ok: false, error: e.message, field: e.field ?? null };
  }
  try {
    if (parsed.data.intent === "accept") acceptOrder(db, actor, orderId, parsed.data, ip);
    else declineOrder(db, actor, orderId, parsed.data, ip);
    return { ok: true, intent: parsed.data.intent };
  } catch (e) {
    if (!isUserError(e)) throw e;
    return {
      ok: false,
      error: e.message,
      field: e.field ?? null,
      reason: parsed.data.intent === "decline" ? parsed.data.reason : undefined,
    };
  }
}
