/**
 * Open data API v1 (/api/v1/…): public information only (published courses, academies,
 * upcoming classes, scheduled activities, aggregate figures), JSON, paged (page + limit ≤ 100),
 * ETag + 304 + Cache-Control. The same zod schemas validate each query (unknown parameters are
 * refused) and produce the OpenAPI 3.1 document; errors are JSON with a Chinese message and a
 * stable code, never a 500 for bad input.
 */
import { PUBLIC_TOPICS } from "@db/change-topics";
import crypto from "node:crypto";
import { memoUntilChange, type DB } from "@db/client";

// Everything public (db/change-topics.ts), not the private noise (sessions, audit, notifications).
const apiMemo = memoUntilChange<string>(1000, PUBLIC_TOPICS);
import { z } from "~/utils/zod";
import { DEFINITIONS, FIGURE_KEYS } from "./definitions";
import { PeriodError, periodQueryShape, resolvePeriod } from "./period";
import { computeFigures, scopeFromCodes, StatsAccessError } from "./stats.server";

export class ApiError extends Error {
  constructor(
    public status: number,
    public code: string,
    message: string,
  ) {
    super(message);
  }
}

const code = z.string().regex(/^[a-z0-9-]{1,40}$/, "代码只能包含小写字母、数字和连字符。");
const paging = {
  page: z.coerce
    .number({ message: "page 应为正整数。" })
    .int("page 应为正整数。")
    .min(1, "page 应为正整数。")
    .max(10_000, "page 不能超过 10000。")
    .default(1),
  limit: z.coerce
    .number({ message: "limit 应为 1–100 的整数。" })
    .int("limit 应为 1–100 的整数。")
    .min(1, "limit 应为 1–100 的整数。")
    .max(100, "limit 不能超过 100。")
    .default(20),
};
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "日期格式应为 YYYY-MM-DD。");

export const API_QUERIES = {
  courses: z.strictObject({
    ...paging,
    q: z.string().max(50, "q 最长 50 个字。").optional(),
    category: code.optional(),
  }),
  academies: z.strictObject({ ...paging, district: code.optional() }),
  classes: z.strictObject({
    ...paging,
    district: code.optional(),
    academy: code.optional(),
    category: code.optional(),
    available: z.enum(["1"]).optional(),
  }),
  activities: z.strictObject({
    ...paging,
    district: code.optional(),
    academy: code.optional(),
    from: date.optional(),
    to: date.optional(),
  }),
  summary: z.strictObject({
    ...periodQueryShape,
    district: code.optional(),
    academy: code.optional(),
  }),
} as const;
export type ApiEndpoint = keyof typeof API_QUERIES;

const pageMeta = z.object({
  page: z.number().int(),
  limit: z.number().int(),
  total: z.number().int(),
  pages: z.number().int(),
  next: z.string().nullable(),
});
const list = <T extends z.ZodType>(item: T) => z.object({ data: z.array(item), meta: pageMeta });

export const API_RESPONSES = {
  courses: list(
    z.object({
      code: z.string(),
      title: z.string(),
      summary: z.string(),
      category: z.string(),
      categoryName: z.string(),
      sessions: z.number().int(),
      minutesPerSession: z.number().int(),
      publishedAt: z.string(),
      url: z.string(),
    }),
  ),
  academies: list(
    z.object({
      slug: z.string(),
      name: z.string(),
      district: z.string(),
      districtName: z.string(),
      community: z.string(),
      address: z.string(),
      openingHours: z.string(),
      phone: z.string().nullable(),
      population: z.number().int(),
      url: z.string(),
    }),
  ),
  classes: list(
    z.object({
      id: z.number().int(),
      courseCode: z.string(),
      title: z.string(),
      category: z.string(),
      academy: z.string(),
      academyName: z.string(),
      district: z.string(),
      status: z.enum(["open", "full", "closed"]),
      capacity: z.number().int(),
      seatsLeft: z.number().int(),
      nextSessionAt: z.string(),
      sessionsLeft: z.number().int(),
      url: z.string(),
    }),
  ),
  activities: list(
    z.object({
      id: z.number().int(),
      title: z.string(),
      type: z.string(),
      academy: z.string(),
      academyName: z.string(),
      district: z.string(),
      place: z.string(),
      startsAt: z.string(),
      endsAt: z.string(),
      registration: z.boolean(),
      capacity: z.number().int().nullable(),
      url: z.string(),
    }),
  ),
  summary: z.object({
    scope: z.object({ type: z.enum(["city", "district", "academy"]), code: z.string().nullable() }),
    period: z.object({ from: z.string(), to: z.string(), label: z.string() }),
    figures: z.object(
      Object.fromEntries(FIGURE_KEYS.map((k) => [k, z.number().nullable()])) as Record<
        (typeof FIGURE_KEYS)[number],
        z.ZodNullable<z.ZodNumber>
      >,
    ),
    counts: z.object({
      ratings: z.number().int(),
      population: z.number().int().nullable(),
      classAttendances: z.number().int(),
      activityParticipations: z.number().int(),
    }),
    definitions: z.record(
      z.string(),
      z.object({ label: z.string(), unit: z.string(), explain: z.string() }),
    ),
  }),
} as const;

const errorSchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

function parseQuery<E extends ApiEndpoint>(
  endpoint: E,
  url: URL,
): z.infer<(typeof API_QUERIES)[E]> {
  const raw: Record<string, string> = {};
  for (const [k, v] of url.searchParams) {
    if (k in raw) throw new ApiError(400, "repeated_parameter", `参数 ${k} 只能出现一次。`);
    raw[k] = v;
  }
  const r = API_QUERIES[endpoint].safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    if (issue.code === "unrecognized_keys")
      throw new ApiError(400, "unknown_filter", `不支持的查询参数：${issue.keys.join("、")}。`);
    const field = String(issue.path[0] ?? "");
    const codeFor =
      field === "limit"
        ? "bad_limit"
        : field === "page"
          ? "bad_page"
          : field === "from" || field === "to" || field === "p"
            ? "bad_period"
            : "bad_query";
    throw new ApiError(400, codeFor, issue.message);
  }
  return r.data as z.infer<(typeof API_QUERIES)[E]>;
}

const iso = (ms: number) => new Date(ms).toISOString();
function meta(url: URL, page: number, limit: number, total: number) {
  const pages = Math.max(1, Math.ceil(total / limit));
  let next: string | null = null;
  if (page < pages) {
    const u = new URL(url);
    u.searchParams.set("page", String(page + 1));
    next = u.pathname + u.search;
  }
  return { page, limit, total, pages, next };
}

function districtId(db: DB, c?: string) {
  if (!c) return null;
  const d = db.$client.prepare(`SELECT id FROM districts WHERE code = ?`).get(c) as
    { id: number } | undefined;
  if (!d) throw new ApiError(400, "unknown_district", `没有代码为「${c}」的区。`);
  return d.id;
}
function academyId(db: DB, slug?: string) {
  if (!slug) return null;
  const a = db.$client.prepare(`SELECT id FROM academies WHERE slug = ?`).get(slug) as
    { id: number } | undefined;
  if (!a) throw new ApiError(400, "unknown_academy", `没有编号为「${slug}」的书院。`);
  return a.id;
}
function categoryId(db: DB, slug?: string) {
  if (!slug) return null;
  const k = db.$client.prepare(`SELECT id FROM categories WHERE slug = ?`).get(slug) as
    { id: number } | undefined;
  if (!k) throw new ApiError(400, "unknown_category", `没有代码为「${slug}」的课程类别。`);
  return k.id;
}
const like = (s: string) => `%${s.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;

function query(db: DB, endpoint: ApiEndpoint, url: URL, now: number): unknown {
  const c = db.$client;
  switch (endpoint) {
    case "courses": {
      const q = parseQuery("courses", url);
      const cat = categoryId(db, q.category);
      const where = `WHERE (? IS NULL OR s.category_id = ?) AND (? IS NULL OR s.title LIKE ? ESCAPE '\\' OR s.summary LIKE ? ESCAPE '\\' OR s.tags LIKE ? ESCAPE '\\')`;
      const term = q.q?.trim() ? like(q.q.trim()) : null;
      const args = [cat, cat, term, term, term, term];
      const total = (
        c.prepare(`SELECT count(*) n FROM course_search s ${where}`).get(...args) as { n: number }
      ).n;
      const rows = c
        .prepare(
          `SELECT s.code, s.title, s.summary, k.slug category, k.name categoryName, s.sessions, s.minutes_per_session minutesPerSession, s.published_at publishedAt FROM course_search s JOIN categories k ON k.id = s.category_id ${where} ORDER BY s.published_at DESC, s.code LIMIT ? OFFSET ?`,
        )
        .all(...args, q.limit, (q.page - 1) * q.limit) as { code: string; publishedAt: number }[];
      return {
        data: rows.map((r) => ({
          ...r,
          publishedAt: iso(r.publishedAt),
          url: `/courses/${r.code}`,
        })),
        meta: meta(url, q.page, q.limit, total),
      };
    }
    case "academies": {
      const q = parseQuery("academies", url);
      const d = districtId(db, q.district);
      const total = (
        c
          .prepare(`SELECT count(*) n FROM academies a WHERE (? IS NULL OR a.district_id = ?)`)
          .get(d, d) as { n: number }
      ).n;
      const rows = c
        .prepare(
          `SELECT a.slug, a.name, d.code district, d.name districtName, a.community, a.address, a.opening_hours openingHours, a.phone, a.population FROM academies a JOIN districts d ON d.id = a.district_id WHERE (? IS NULL OR a.district_id = ?) ORDER BY d.sort_order, a.slug LIMIT ? OFFSET ?`,
        )
        .all(d, d, q.limit, (q.page - 1) * q.limit) as { slug: string }[];
      return {
        data: rows.map((r) => ({ ...r, url: `/academies/${r.slug}` })),
        meta: meta(url, q.page, q.limit, total),
      };
    }
    case "classes": {
      const q = parseQuery("classes", url);
      const d = districtId(db, q.district);
      const a = academyId(db, q.academy);
      const k = categoryId(db, q.category);
      const where = `FROM class_runs r JOIN academies a ON a.id = r.academy_id JOIN districts d ON d.id = a.district_id JOIN courses c ON c.id = r.course_id
        WHERE r.status IN ('open', 'full', 'closed') AND (? IS NULL OR a.district_id = ?) AND (? IS NULL OR r.academy_id = ?) AND (? IS NULL OR c.category_id = ?)
          AND (? IS NULL OR r.status = 'open')
          AND EXISTS (SELECT 1 FROM class_sessions s WHERE s.run_id = r.id AND s.status = 'scheduled' AND s.starts_at > ?)`;
      const args = [d, d, a, a, k, k, q.available ?? null, now];
      const total = (c.prepare(`SELECT count(*) n ${where}`).get(...args) as { n: number }).n;
      const rows = c
        .prepare(
          `SELECT r.id, c.code courseCode, v.title, (SELECT slug FROM categories WHERE id = c.category_id) category, a.slug academy, a.name academyName, d.code district, r.status, r.capacity,
             max(0, r.capacity - (SELECT count(*) FROM enrollments e WHERE e.run_id = r.id AND e.status = 'confirmed')) seatsLeft,
             (SELECT min(starts_at) FROM class_sessions s WHERE s.run_id = r.id AND s.status = 'scheduled' AND s.starts_at > ?) nextSessionAt,
             (SELECT count(*) FROM class_sessions s WHERE s.run_id = r.id AND s.status = 'scheduled' AND s.starts_at > ?) sessionsLeft
           ${where.replace("FROM class_runs r", "FROM class_runs r JOIN course_versions v ON v.id = r.course_version_id")}
           ORDER BY nextSessionAt, r.id LIMIT ? OFFSET ?`,
        )
        .all(now, now, ...args, q.limit, (q.page - 1) * q.limit) as {
        id: number;
        nextSessionAt: number;
      }[];
      return {
        data: rows.map((r) => ({
          ...r,
          nextSessionAt: iso(r.nextSessionAt),
          url: `/classes/${r.id}`,
        })),
        meta: meta(url, q.page, q.limit, total),
      };
    }
    case "activities": {
      const q = parseQuery("activities", url);
      const d = districtId(db, q.district);
      const a = academyId(db, q.academy);
      if (q.from && q.to && q.to < q.from)
        throw new ApiError(400, "bad_period", "结束日期早于开始日期。");
      const from = q.from ?? new Date(now + 8 * 3600_000).toISOString().slice(0, 10);
      const where = `FROM activities x JOIN academies a ON a.id = x.academy_id JOIN districts d ON d.id = a.district_id
        WHERE x.status = 'scheduled' AND x.local_date >= ? AND (? IS NULL OR x.local_date <= ?) AND (? IS NULL OR a.district_id = ?) AND (? IS NULL OR x.academy_id = ?)`;
      const args = [from, q.to ?? null, q.to ?? null, d, d, a, a];
      const total = (c.prepare(`SELECT count(*) n ${where}`).get(...args) as { n: number }).n;
      const rows = c
        .prepare(
          `SELECT x.id, x.title, x.type, a.slug academy, a.name academyName, d.code district, CASE WHEN x.place <> '' THEN x.place ELSE coalesce((SELECT name FROM rooms WHERE id = x.room_id), '') END place, x.starts_at startsAt, x.ends_at endsAt, x.registration, x.capacity ${where} ORDER BY x.starts_at, x.id LIMIT ? OFFSET ?`,
        )
        .all(...args, q.limit, (q.page - 1) * q.limit) as {
        id: number;
        startsAt: number;
        endsAt: number;
        registration: number;
      }[];
      return {
        data: rows.map((r) => ({
          ...r,
          registration: !!r.registration,
          startsAt: iso(r.startsAt),
          endsAt: iso(r.endsAt),
          url: `/activities/${r.id}`,
        })),
        meta: meta(url, q.page, q.limit, total),
      };
    }
    case "summary": {
      const q = parseQuery("summary", url);
      try {
        const period = resolvePeriod(q, now);
        const scope = scopeFromCodes(db, { district: q.district, academy: q.academy });
        const f = computeFigures(db, scope, period, now);
        return {
          scope: { type: scope.type, code: q.academy ?? q.district ?? null },
          period: { from: period.from, to: period.to, label: period.label },
          figures: Object.fromEntries(FIGURE_KEYS.map((key) => [key, f[key]])),
          counts: {
            ratings: f.ratings,
            population: f.population,
            classAttendances: f.classAttendances,
            activityParticipations: f.activityParticipations,
          },
          definitions: DEFINITIONS,
        };
      } catch (e) {
        if (e instanceof PeriodError) throw new ApiError(400, "bad_period", e.message);
        if (e instanceof StatsAccessError) throw new ApiError(400, e.code, e.message);
        throw e;
      }
    }
  }
}

/** One API request → a JSON Response (200, 304 or a 4xx error with a code). */
export function apiResponse(
  db: DB,
  endpoint: ApiEndpoint,
  request: Request,
  now = Date.now(),
): Response {
  const headers = {
    "Content-Type": "application/json; charset=utf-8",
    "Access-Control-Allow-Origin": "*",
    "X-Content-Type-Options": "nosniff",
  };
  let body: string;
  try {
    // Public answers are the same for everyone: kept until the database changes, and per minute.
    body = apiMemo(
      db,
      `${endpoint}:${Math.floor(now / 60_000)}:${new URL(request.url).search}`,
      () => JSON.stringify(query(db, endpoint, new URL(request.url), now)),
    );
  } catch (e) {
    if (e instanceof ApiError)
      return new Response(JSON.stringify({ error: { code: e.code, message: e.message } }), {
        status: e.status,
        headers: { ...headers, "Cache-Control": "no-store" },
      });
    throw e;
  }
  const etag = `W/"${crypto.createHash("sha1").update(body).digest("base64url")}"`;
  const cache = { ...headers, ETag: etag, "Cache-Control": "public, max-age=60" };
  const match = request.headers.get("if-none-match");
  if (match && match.split(",").some((t) => t.trim() === etag))
    return new Response(null, { status: 304, headers: cache });
  return new Response(body, { status: 200, headers: cache });
}

const PATHS: Record<ApiEndpoint, { path: string; summary: string }> = {
  courses: { path: "/api/v1/courses", summary: "中央厨房课程库中已发布的课程" },
  academies: { path: "/api/v1/academies", summary: "全市社区书院" },
  classes: { path: "/api/v1/classes", summary: "正在报名或即将开课的班级（可据此做找课程）" },
  activities: { path: "/api/v1/activities", summary: "今天起（或 from 起）的群众性活动" },
  summary: { path: "/api/v1/stats/summary", summary: "统计口径下的主要指标（全市、区或书院）" },
};

/** The OpenAPI 3.1 document, generated from the same zod schemas that validate the queries. */
export function openApiDocument() {
  const paths: Record<string, unknown> = {};
  const errorRef = { $ref: "#/components/schemas/Error" };
  for (const endpoint of Object.keys(API_QUERIES) as ApiEndpoint[]) {
    const q = z.toJSONSchema(API_QUERIES[endpoint], { io: "input", target: "draft-2020-12" }) as {
      properties: Record<string, unknown>;
      required?: string[];
    };
    const parameters = Object.entries(q.properties).map(([name, schema]) => ({
      name,
      in: "query",
      required: (q.required ?? []).includes(name),
      schema,
    }));
    const json = (ref: object) => ({ "application/json": { schema: ref } });
    paths[PATHS[endpoint].path] = {
      get: {
        operationId: endpoint,
        summary: PATHS[endpoint].summary,
        parameters,
        responses: {
          "200": {
            description: "成功",
            headers: { ETag: { schema: { type: "string" } } },
            content: json({ $ref: `#/components/schemas/${endpoint}` }),
          },
          "304": { description: "未修改（If-None-Match 与 ETag 相同）" },
          "400": {
            description:
              "查询有误（code：bad_limit、bad_page、unknown_filter、bad_period、unknown_district、unknown_academy、unknown_category …）",
            content: json(errorRef),
          },
        },
      },
    };
  }
  const schemas: Record<string, unknown> = {
    Error: strip(z.toJSONSchema(errorSchema, { target: "draft-2020-12" })),
  };
  for (const endpoint of Object.keys(API_RESPONSES) as ApiEndpoint[])
    schemas[endpoint] = strip(z.toJSONSchema(API_RESPONSES[endpoint], { target: "draft-2020-12" }));
  return {
    openapi: "3.1.0",
    info: {
      title: "厦门社区书院开放数据接口",
      version: "1.0.0",
      description:
        "只含公开信息：已发布课程、书院、班级、活动与统计汇总。分页：page、limit（≤ 100）。支持 ETag / If-None-Match。",
    },
    servers: [{ url: "/" }],
    paths,
    components: { schemas },
  };
}

function strip(schema: Record<string, unknown>) {
  const { $schema: _drop, ...rest } = schema;
  return rest;
}
