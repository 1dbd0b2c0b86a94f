import { or, sql, type SQL, type SQLWrapper } from "drizzle-orm";

/** `%q%` with LIKE's own wildcards escaped, so a search for "50%" or "a_b" means those characters. */
export function likePattern(q: string) {
  return `%${q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
}

/** Any of the columns contains q (case-insensitive for ASCII, as SQLite's LIKE); undefined for an empty q. */
export function containsAny(q: string | null | undefined, columns: SQLWrapper[]): SQL | undefined {
  const text = q?.trim();
  if (!text) return undefined;
  const pattern = likePattern(text);
  return or(...columns.map((c) => sql`${c} LIKE ${pattern} ESCAPE '\\'`));
}
