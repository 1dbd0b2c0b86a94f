/**
 * The enrol / cancel form posts of /classes/:id (the interface others script against):
 * `intent=enroll` (optional `memberId`) and `intent=cancel` (optional `memberId`). The outcome is
 * carried by the redirect target's query so it works without JavaScript and is easy to script:
 *   ?result=confirmed | waitlisted&position=N | lottery_pending | cancelled[&promoted=1] | refused&reason=<code>
 * (plus `member=<id>` when acting for a family member). Past the cancel deadline an enrol post must
 * carry `confirmLate=1` (the panel's checkbox), else it is refused with `late_unconfirmed`.
 */
import type { DB } from "@db/client";
import type { Actor } from "~/modules/auth/permissions";
import { badRequest } from "~/utils/http";
import { z } from "~/utils/zod";
import { cancelEnrollmentGrouped, enroll, isEnrollRefusal } from "./enroll.server";

export const ENROLL_INTENTS = ["enroll", "cancel"] as const;

const schema = z.object({
  intent: z.enum(ENROLL_INTENTS),
  memberId: z.preprocess(
    (v) => (v === "" || v == null ? undefined : v),
    z.coerce.number().int().positive().optional(),
  ),
});

export function isEnrollIntent(formData: FormData) {
  const intent = formData.get("intent");
  return intent === "enroll" || intent === "cancel";
}

/**
 * Handles an enrol/cancel post for run `runId`; returns the page address the route redirects to
 * (never throws a refusal: the outcome is in the address).
 */
export async function enrollPostTarget(
  db: DB,
  actor: Actor,
  runId: number,
  formData: FormData,
): Promise<string> {
  const parsed = schema.safeParse(Object.fromEntries(formData));
  const base = `/classes/${runId}`;
  if (!parsed.success) badRequest("报名请求有误：请从课程页面的按钮报名或取消。");
  const { intent, memberId } = parsed.data;
  const member = memberId ? `&member=${memberId}` : "";
  try {
    if (intent === "enroll") {
      const confirmLate = formData.get("confirmLate") === "1";
      const out = await enroll(db, actor, { runId, memberId, confirmLate });
      const position = out.position != null ? `&position=${out.position}` : "";
      const restricted = out.restricted ? "&restricted=1" : "";
      return `${base}?result=${out.status}${position}${restricted}${member}#enrol`;
    }
    const out = await cancelEnrollmentGrouped(db, actor, { runId, memberId });
    return `${base}?result=cancelled${out.promoted ? "&promoted=1" : ""}${member}#enrol`;
  } catch (e) {
    if (isEnrollRefusal(e)) return `${base}?result=refused&reason=${e.code}${member}#enrol`;
    throw e;
  }
}
