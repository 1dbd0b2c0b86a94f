import type { z } from "~/utils/zod";

/**
 * A rule the person broke: shown to them in Chinese, next to `field` when given. `code` names the
 * case for callers that answer differently (e.g. `stale_draft` is a 409), so nobody matches the text.
 */
export class UserError extends Error {
  constructor(
    message: string,
    public field?: string,
    public code?: string,
  ) {
    super(message);
    this.name = "UserError";
  }
}

export function isUserError(e: unknown): e is UserError {
  return e instanceof UserError;
}

/** The first problem zod found, as a Chinese UserError on its field (the one conversion in the app). */
export function userErrorOf(error: z.ZodError): UserError {
  const issue = error.issues[0];
  if (!issue) return new UserError("提交的内容有误，请检查后重试。");
  return new UserError(issue.message, issue.path.length ? String(issue.path[0]) : undefined);
}

/** Parses module input with a zod schema; the first problem becomes a UserError on its field. */
export function parseInput<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  throw userErrorOf(r.error);
}
