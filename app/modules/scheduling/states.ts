/** The order (点单) and run (开课) state machines, pure so they are tested on their own. */
import type { OrderState, RunStatus } from "@db/schema/scheduling";

// The value lists the filters offer; routes take them from here, not from the schema.
export { ORDER_STATES, RUN_STATUSES, type OrderState, type RunStatus } from "@db/schema/scheduling";
import { UserError } from "~/utils/errors";

export const ORDER_STATE_LABELS: Record<OrderState, string> = {
  submitted: "待受理",
  accepted: "已受理",
  declined: "已婉拒",
  withdrawn: "已撤回",
  scheduled: "已开课",
};

/** submitted → accepted | declined | withdrawn; accepted → scheduled | withdrawn; the rest are final. */
export const ORDER_TRANSITIONS: Record<OrderState, readonly OrderState[]> = {
  submitted: ["accepted", "declined", "withdrawn"],
  accepted: ["scheduled", "withdrawn"],
  declined: [],
  withdrawn: [],
  scheduled: [],
};

export function canOrderMove(from: OrderState, to: OrderState) {
  return ORDER_TRANSITIONS[from].includes(to);
}

const ORDER_VERBS: Record<OrderState, string> = {
  submitted: "重新提交",
  accepted: "受理",
  declined: "婉拒",
  withdrawn: "撤回",
  scheduled: "开课",
};

export function assertOrderMove(from: OrderState, to: OrderState) {
  if (!canOrderMove(from, to)) {
    throw new UserError(`这个点单${ORDER_STATE_LABELS[from]}，不能再${ORDER_VERBS[to]}。`);
  }
}

export const RUN_STATUS_LABELS: Record<RunStatus, string> = {
  draft: "草稿",
  open: "报名中",
  full: "已满员",
  closed: "报名截止",
  finished: "已结课",
  cancelled: "已取消",
};

/** draft → open → full/closed → finished, or cancelled with a reason from any unfinished state. */
export const RUN_TRANSITIONS: Record<RunStatus, readonly RunStatus[]> = {
  draft: ["open", "cancelled"],
  open: ["full", "closed", "finished", "cancelled"],
  full: ["open", "closed", "finished", "cancelled"],
  closed: ["open", "finished", "cancelled"],
  finished: [],
  cancelled: [],
};

export function canRunMove(from: RunStatus, to: RunStatus) {
  return RUN_TRANSITIONS[from].includes(to);
}

export function assertRunMove(from: RunStatus, to: RunStatus) {
  if (!canRunMove(from, to)) {
    throw new UserError(`这个班${RUN_STATUS_LABELS[from]}，不能改为「${RUN_STATUS_LABELS[to]}」。`);
  }
}

/** Statuses a resident may see in the class finder and on academy pages. */
export const PUBLIC_RUN_STATUSES: readonly RunStatus[] = ["open", "full", "closed", "finished"];
/** Statuses whose sessions occupy rooms and teachers. */
export const ACTIVE_RUN_STATUSES: readonly RunStatus[] = [
  "draft",
  "open",
  "full",
  "closed",
  "finished",
];
