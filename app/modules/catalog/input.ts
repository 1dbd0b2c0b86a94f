import type { z } from "~/utils/zod";
import { UserError } from "~/utils/errors";

/** Parses module input with a zod schema; the first problem becomes a Chinese UserError on its field. */
export function parseInput<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const field = issue.path.length ? String(issue.path[0]) : undefined;
  throw new UserError(issue.message, field);
}
