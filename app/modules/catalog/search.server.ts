/**
 * The public library's search index and queries. Only the published current version of a live
 * course is indexed; `indexCourse` is called inside the transaction that publishes, retires or
 * restores, so the index never disagrees with the library.
 */
import { and, asc, desc, eq, isNotNull, isNull, like, sql, type SQL } from "drizzle-orm";
import { memoUntilChange, prepared, type Conn, type DB } from "@db/client";
import { categories, courseSearch, courses, courseVersions } from "@db/schema";
import { COURSE_PAGE_SIZE, type SourceLevel } from "./courses";
import { ngramMatch, ngramText, parseSearchQuery, trigramMatch } from "./search-query";

const audienceKey = (a: string[]) => `|${a.join("|")}|`;

/** Removes a course from the index. */
export function unindexCourse(conn: Conn, courseId: number) {
  conn.run(sql`delete from course_fts where rowid = ${courseId}`);
  conn.run(sql`delete from course_fts_ngram where rowid = ${courseId}`);
  conn.delete(courseSearch).where(eq(courseSearch.courseId, courseId)).run();
}

/** Writes (or removes) a course's index rows from its current state. Run it in the caller's transaction. */
export function indexCourse(conn: Conn, courseId: number) {
  unindexCourse(conn, courseId);
  const c = conn.select().from(courses).where(eq(courses.id, courseId)).get();
  if (!c || c.retiredAt || !c.currentVersionId) return false;
  const v = conn
    .select()
    .from(courseVersions)
    .where(eq(courseVersions.id, c.currentVersionId))
    .get();
  if (!v || v.status !== "published") return false;
  const tags = v.tags.join(" ");
  conn
    .insert(courseSearch)
    .values({
      courseId,
      versionId: v.id,
      code: c.code,
      categoryId: c.categoryId,
      sourceLevel: c.sourceLevel,
      title: v.title,
      summary: v.summary,
      tags,
      audience: audienceKey(v.audience),
      sessions: v.sessions,
      minutesPerSession: v.minutesPerSession,
      publishedAt: v.publishedAt ?? v.updatedAt,
    })
    .run();
  conn.run(
    sql`insert into course_fts (rowid, title, summary, tags, body) values (${courseId}, ${v.title}, ${v.summary}, ${tags}, ${v.bodyText})`,
  );
  conn.run(
    sql`insert into course_fts_ngram (rowid, title, summary, tags, body) values (${courseId}, ${ngramText(v.title)}, ${ngramText(v.summary)}, ${ngramText(tags)}, ${ngramText(v.bodyText)})`,
  );
  return true;
}

/** Rebuilds the whole index (after a bulk load; tests). */
export function rebuildSearchIndex(db: DB) {
  db.transaction(
    (tx) => {
      tx.run(sql`delete from course_fts`);
      tx.run(sql`delete from course_fts_ngram`);
      tx.delete(courseSearch).run();
      const ids = tx
        .select({ id: courses.id })
        .from(courses)
        .where(and(isNotNull(courses.currentVersionId), isNull(courses.retiredAt)))
        .all();
      for (const { id } of ids) indexCourse(tx, id);
    },
    { behavior: "immediate" },
  );
}

export type LibraryFilters = {
  q?: string | null;
  category?: string | null;
  audience?: string | null;
  level?: SourceLevel | null;
  page?: number;
};

export type LibraryRow = {
  courseId: number;
  code: string;
  title: string;
  summary: string;
  tags: string;
  audience: string;
  sessions: number;
  minutesPerSession: number;
  sourceLevel: SourceLevel;
  categorySlug: string;
  categoryName: string;
  categoryColor: string;
};

type LibraryResult = {
  rows: LibraryRow[];
  total: number;
  page: number;
  pages: number;
  /** The query as searched (clamped), and a Chinese note when it was cut or unusable. */
  query: string;
  terms: string[];
  note: string | null;
};

/** Listing results per query, until the catalog changes (db/change-topics.ts). */
const listings = memoUntilChange<LibraryResult>(500, ["catalog"]);

/**
 * The public library: published current versions, filtered and searched, 20 a page. Title hits
 * rank above summary/tag hits, which rank above body-only hits. Never throws on odd input.
 */
export function searchLibrary(db: DB, filters: LibraryFilters): LibraryResult {
  const parsed = parseSearchQuery(filters.q ?? "");
  const page = Math.min(10_000, Math.max(1, Math.floor(filters.page ?? 1) || 1));
  const key = JSON.stringify([
    parsed.terms,
    filters.category ?? "",
    filters.audience ?? "",
    filters.level ?? "",
    page,
  ]);
  const value = listings(db, key, () => runLibrarySearch(db, filters, parsed, page));
  return { ...value, query: parsed.display, note: parsed.note };
}

function runLibrarySearch(
  db: DB,
  filters: LibraryFilters,
  parsed: ReturnType<typeof parseSearchQuery>,
  page: number,
): LibraryResult {
  const where: SQL[] = [];
  if (filters.category) where.push(eq(categories.slug, filters.category));
  if (filters.audience)
    where.push(like(courseSearch.audience, `%|${filters.audience.replace(/[%_|]/g, "")}|%`));
  if (filters.level) where.push(eq(courseSearch.sourceLevel, filters.level));
  const tri = trigramMatch(parsed.terms);
  const gram = ngramMatch(parsed.terms);
  if (tri)
    where.push(
      sql`${courseSearch.courseId} in (select rowid from course_fts where course_fts match ${tri})`,
    );
  if (gram)
    where.push(
      sql`${courseSearch.courseId} in (select rowid from course_fts_ngram where course_fts_ngram match ${gram})`,
    );
  const cond = where.length ? and(...where) : undefined;

  const total = db
    .select({ n: sql<number>`count(*)` })
    .from(courseSearch)
    .innerJoin(categories, eq(courseSearch.categoryId, categories.id))
    .where(cond)
    .get()!.n;
  const pages = Math.max(1, Math.ceil(total / COURSE_PAGE_SIZE));

  const hits = (col: SQL | typeof courseSearch.title) =>
    parsed.terms.length
      ? sql.join(
          parsed.terms.map((t) => sql`(instr(lower(${col}), ${t}) > 0)`),
          sql` + `,
        )
      : sql`0`;
  const titleHits = hits(courseSearch.title);
  const metaHits = hits(sql`${courseSearch.summary} || ' ' || ${courseSearch.tags}`);
  // Newest first; (published_at, code) descending walks course_search_recent_idx backwards, no sort.
  const order = parsed.terms.length
    ? [desc(titleHits), desc(metaHits), desc(courseSearch.publishedAt), desc(courseSearch.code)]
    : [desc(courseSearch.publishedAt), desc(courseSearch.code)];

  const rows = db
    .select({
      courseId: courseSearch.courseId,
      code: courseSearch.code,
      title: courseSearch.title,
      summary: courseSearch.summary,
      tags: courseSearch.tags,
      audience: courseSearch.audience,
      sessions: courseSearch.sessions,
      minutesPerSession: courseSearch.minutesPerSession,
      sourceLevel: courseSearch.sourceLevel,
      categorySlug: categories.slug,
      categoryName: categories.name,
      categoryColor: categories.color,
    })
    .from(courseSearch)
    .innerJoin(categories, eq(courseSearch.categoryId, categories.id))
    .where(cond)
    .orderBy(...order)
    .limit(COURSE_PAGE_SIZE)
    .offset((Math.min(page, pages) - 1) * COURSE_PAGE_SIZE)
    .all();

  return {
    rows,
    total,
    page: Math.min(page, pages),
    pages,
    query: parsed.display,
    terms: parsed.terms,
    note: parsed.note,
  };
}

/** Audience stored as "|全体|长者|" back to a list. */
export function audienceList(key: string) {
  return key.split("|").filter(Boolean);
}

const activeCategories = prepared((db) =>
  db
    .select({ slug: categories.slug, name: categories.name, color: categories.color })
    .from(categories)
    .where(isNull(categories.retiredAt))
    .orderBy(asc(categories.sortOrder), asc(categories.id))
    .prepare(),
);

/** Everything /courses shows: the active categories for the filters and one page of results. */
export function getLibraryPage(db: DB, filters: LibraryFilters) {
  return { categories: activeCategories(db).all(), ...searchLibrary(db, filters) };
}
