/**
 * Resource library (资源库): uploads checked by size and magic bytes, stored under random names in
 * UPLOAD_DIR (outside public/), served by /resources/:id with the access check; video links.
 *
 * Upload path, memory bounded: the multipart body is streamed part by part; the file part goes
 * straight to a temporary file in UPLOAD_DIR/.incoming while its size is counted (over the limit →
 * stop, delete, Chinese message) and hashed; then its type is read from its bytes, and only then is
 * it renamed to its random final name inside the same transaction that inserts its row and audit
 * entry. A refusal leaves no row and no file.
 */
import { config } from "~/utils/config.server";
import { containsAny } from "~/utils/sql";
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import {
  MaxPartSizeExceededError,
  unstable_composeUploadHandlers,
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
} from "@remix-run/node";
import { and, count, desc, eq, inArray, isNotNull, isNull, or, sql, type SQL } from "drizzle-orm";
import type { Conn, DB } from "@db/client";
import { courses, courseVersions, resources, teachers, users, type ResourceKind } from "@db/schema";
import { writeAudit } from "~/modules/auth/audit.server";
import { isHq, managedAcademyIds, staffDistrictIds, type Actor } from "~/modules/auth/permissions";
import { UserError, parseInput } from "~/utils/errors";
import { forbidden } from "~/utils/http";
import { detectFileType, type DetectedType } from "./filetype.server";
import {
  canBrowseResources,
  canManageResources,
  canSeeResource,
  canUploadForCourse,
  canUploadResources,
  fileResourceSchema,
  formatBytes,
  RESOURCE_KIND_LABELS,
  updateResourceSchema,
  videoLinkSchema,
  type FileResourceInput,
  type ListResourcesQuery,
  type UpdateResourceInput,
  type VideoLinkInput,
} from "./resources";

export { canManageResources, canSeeResource } from "./resources";

// ---------------------------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------------------------

/** UPLOAD_MAX_MB (default 50) in bytes. */
export function uploadMaxBytes() {
  return Math.floor(config().UPLOAD_MAX_MB * 1024 * 1024);
}

export function uploadMaxText(maxBytes = uploadMaxBytes()) {
  const mb = maxBytes / 1024 / 1024;
  return `${Number.isInteger(mb) ? mb : mb.toFixed(1)} MB`;
}

/** UPLOAD_DIR (default db/uploads/), resolved against the working directory. */
export function uploadDir() {
  return path.resolve(config().UPLOAD_DIR);
}

function incomingDir(dir: string) {
  return path.join(dir, ".incoming");
}

// ---------------------------------------------------------------------------------------------
// Receiving a file (streamed, size-limited, hashed)
// ---------------------------------------------------------------------------------------------

export type ReceivedFile = {
  tmpPath: string;
  originalName: string;
  size: number;
  sha256: string;
};

/** A file name safe to show and to put in a header: base name, no control characters, ≤ 120 chars. */
export function cleanFileName(name: string) {
  const base = name.split(/[/\\]/).pop() ?? "";
  // eslint-disable-next-line no-control-regex
  const cleaned = base.replace(/[\u0000-\u001f\u007f"<>|*?:]/g, "").trim();
  if (cleaned.length <= 120) return cleaned || "文件";
  const ext = path.extname(cleaned).slice(0, 10);
  return cleaned.slice(0, 120 - ext.length) + ext;
}

/**
 * Streams `data` into a temporary file under UPLOAD_DIR/.incoming, counting and hashing. Throws a
 * UserError (on field "file") and leaves nothing behind when the file is empty or too large.
 */
export async function receiveFile(
  filename: string,
  data: AsyncIterable<Uint8Array>,
  opts: { maxBytes?: number; dir?: string } = {},
): Promise<ReceivedFile> {
  const maxBytes = opts.maxBytes ?? uploadMaxBytes();
  const dir = incomingDir(opts.dir ?? uploadDir());
  fs.mkdirSync(dir, { recursive: true });
  const tmpPath = path.join(dir, `${randomBytes(16).toString("hex")}.part`);
  const hash = createHash("sha256");
  let size = 0;
  const fh = await fs.promises.open(tmpPath, "wx", 0o600);
  let tooBig = false;
  try {
    for await (const chunk of data) {
      size += chunk.byteLength;
      if (size > maxBytes) {
        tooBig = true;
        break;
      }
      hash.update(chunk);
      await fh.write(chunk);
    }
  } catch (e) {
    await fh.close().catch(() => {});
    fs.rmSync(tmpPath, { force: true });
    throw e;
  }
  await fh.close();
  if (tooBig) {
    fs.rmSync(tmpPath, { force: true });
    throw new UserError(
      `文件超过 ${uploadMaxText(maxBytes)} 的上限，请压缩或拆分后再上传。`,
      "file",
    );
  }
  if (size === 0) {
    fs.rmSync(tmpPath, { force: true });
    throw new UserError("请选择要上传的文件（文件不能是空的）。", "file");
  }
  return { tmpPath, originalName: cleanFileName(filename), size, sha256: hash.digest("hex") };
}

export function discardReceived(file: ReceivedFile | null | undefined) {
  if (file) fs.rmSync(file.tmpPath, { force: true });
}

/**
 * Parses a multipart upload form with bounded memory: text fields up to 64 KB each, one file part
 * named `file` streamed to disk. The received file comes from this function, not from the form
 * data, so a text field can never pose as an upload. Refuses early when Content-Length already
 * exceeds the limit.
 */
export async function parseResourceUpload(
  request: Request,
  opts: { maxBytes?: number; dir?: string } = {},
): Promise<{ form: FormData; file: ReceivedFile | null }> {
  const maxBytes = opts.maxBytes ?? uploadMaxBytes();
  const type = request.headers.get("content-type") ?? "";
  if (!type.startsWith("multipart/form-data")) {
    throw new UserError("上传表单格式不正确，请刷新页面后重试。");
  }
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes + 256 * 1024) {
    throw new UserError(
      `文件超过 ${uploadMaxText(maxBytes)} 的上限，请压缩或拆分后再上传。`,
      "file",
    );
  }
  let file: ReceivedFile | null = null;
  const fileHandler = async (part: {
    name: string;
    filename?: string;
    data: AsyncIterable<Uint8Array>;
  }) => {
    if (part.filename === undefined) return undefined; // a text field: next handler
    if (part.name !== "file" || file || part.filename === "") {
      for await (const _ of part.data) void _; // drain parts we ignore
      return "";
    }
    file = await receiveFile(part.filename, part.data, { maxBytes, dir: opts.dir });
    return "received";
  };
  try {
    const form = await unstable_parseMultipartFormData(
      request,
      unstable_composeUploadHandlers(
        fileHandler,
        unstable_createMemoryUploadHandler({ maxPartSize: 64 * 1024 }),
      ),
    );
    return { form, file };
  } catch (e) {
    discardReceived(file);
    if (e instanceof MaxPartSizeExceededError)
      throw new UserError("表单内容过长，请精简后再提交。");
    if (e instanceof UserError) throw e;
    // A malformed part header (a raw CR/LF in a file name, a broken boundary) throws a plain Error
    // from the parser: the client's fault, a Chinese 400. System errors (ENOSPC…) carry a code and stay 500s.
    if (e instanceof TypeError || (e instanceof Error && !("code" in e)))
      throw new UserError("上传中断或表单格式不正确，请重试。");
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// Creating, editing, deleting
// ---------------------------------------------------------------------------------------------

function requireManager(actor: Actor) {
  if (!canManageResources(actor)) forbidden("只有总部可以管理资源库。");
}

function requireBrowser(actor: Actor) {
  if (!canBrowseResources(actor)) forbidden("资源库对教师、书院管理员、区指导中心和总部开放。");
}

function requireUploader(actor: Actor) {
  if (!canUploadResources(actor)) forbidden("只有总部、区指导中心和书院管理员可以上传资源。");
}

function courseForCode(db: Conn, code: string | undefined) {
  if (!code) return null;
  const c = db
    .select({ id: courses.id, ownerType: courses.ownerType, ownerId: courses.ownerId })
    .from(courses)
    .where(eq(courses.code, code))
    .get();
  if (!c) throw new UserError(`没有编号为 ${code} 的课程，请检查后再填。`, "courseCode");
  return c;
}

/** The course a resource is attached to, checked against what this actor may upload for. */
function courseIdForCode(db: Conn, code: string | undefined, actor: Actor): number | null {
  const c = courseForCode(db, code);
  if (!canUploadForCourse(actor, c)) {
    throw new UserError(
      c
        ? "这门课程不归你们维护：区指导中心为本区的课程、书院为本书院的社区特色课程上传资源，其余由总部上传。"
        : "请填写你们自己课程的编号；全市共享的资源由总部上传。",
      "courseCode",
    );
  }
  return c?.id ?? null;
}

/** The courses a district's staff or an academy's managers look after (what they may upload for). */
export function ownCourses(db: Conn, actor: Actor) {
  const academies = managedAcademyIds(actor);
  const districts = staffDistrictIds(actor);
  const owned: SQL[] = [];
  if (academies.length)
    owned.push(and(eq(courses.ownerType, "academy"), inArray(courses.ownerId, academies))!);
  if (districts.length)
    owned.push(and(eq(courses.ownerType, "district"), inArray(courses.ownerId, districts))!);
  if (!owned.length) return [];
  return db
    .select({ code: courses.code, title: courseVersions.title })
    .from(courses)
    .leftJoin(courseVersions, eq(courseVersions.id, courses.currentVersionId))
    .where(and(or(...owned), isNull(courses.retiredAt)))
    .orderBy(courses.code)
    .limit(30)
    .all()
    .map((c) => ({ code: c.code, title: c.title ?? "（草稿）" }));
}

/** HQ edits every resource; others only what they uploaded, for a course they still look after. */
function requireEditable(
  db: Conn,
  actor: Actor,
  r: { uploadedBy: number | null; courseId: number | null },
) {
  if (isHq(actor)) return;
  const c = r.courseId
    ? (db
        .select({ ownerType: courses.ownerType, ownerId: courses.ownerId })
        .from(courses)
        .where(eq(courses.id, r.courseId))
        .get() ?? null)
    : null;
  if (r.uploadedBy !== actor.id || !canUploadForCourse(actor, c))
    forbidden("只能删除自己为本区或本书院课程上传的资源。");
}

/** 我的课程: courses the actor teaches, that their academies run or own, that their district owns or runs. */
function myCoursesCondition(actor: Actor): SQL {
  const list = (ids: number[]) =>
    ids.length
      ? sql.join(
          ids.map((i) => sql`${i}`),
          sql`, `,
        )
      : sql`NULL`;
  const academies = list(managedAcademyIds(actor));
  const districts = list(staffDistrictIds(actor));
  return sql`${resources.courseId} IN (
    SELECT r.course_id FROM class_runs r JOIN run_teachers rt ON rt.run_id = r.id JOIN teachers t ON t.id = rt.teacher_id WHERE t.user_id = ${actor.id}
    UNION SELECT course_id FROM class_runs WHERE academy_id IN (${academies})
    UNION SELECT id FROM courses WHERE owner_type = 'academy' AND owner_id IN (${academies})
    UNION SELECT id FROM courses WHERE owner_type = 'district' AND owner_id IN (${districts})
    UNION SELECT r.course_id FROM class_runs r JOIN academies a ON a.id = r.academy_id WHERE a.district_id IN (${districts}))`;
}

/** The original name with the extension of what the file really is (shown and downloaded as). */
function nameWithExt(originalName: string, type: DetectedType) {
  const ext = path.extname(originalName);
  const base = ext ? originalName.slice(0, -ext.length) : originalName;
  const known = type.ext === "jpg" ? [".jpg", ".jpeg"] : [`.${type.ext}`];
  return known.includes(ext.toLowerCase()) ? originalName : `${base || "文件"}.${type.ext}`;
}

function titleFromName(name: string) {
  const ext = path.extname(name);
  return (ext ? name.slice(0, -ext.length) : name).slice(0, 100) || "未命名资源";
}

/**
 * Stores a received file as a resource. The file's type comes from its bytes; a refusal deletes
 * the temporary file and stores nothing. Returns the new resource.
 */
export function createFileResource(
  db: DB,
  actor: Actor,
  raw: FileResourceInput | Record<string, unknown>,
  file: ReceivedFile,
  ip: string | null,
  opts: { dir?: string } = {},
) {
  try {
    requireUploader(actor);
    const input = parseInput(fileResourceSchema, raw);
    const detected = detectFileType(file.tmpPath);
    if (!detected.ok) throw new UserError(detected.message, "file");
    const type = detected.type;
    const dir = opts.dir ?? uploadDir();
    const storedName = `${randomBytes(16).toString("hex")}.${type.ext}`;
    const finalPath = path.join(dir, storedName);
    const originalName = nameWithExt(file.originalName, type);
    const title = input.title || titleFromName(file.originalName);
    return db.transaction(
      (tx) => {
        const courseId = courseIdForCode(tx, input.courseCode, actor);
        const row = tx
          .insert(resources)
          .values({
            kind: type.kind,
            title,
            originalName,
            storedName,
            mime: type.mime,
            size: file.size,
            sha256: file.sha256,
            courseId,
            visibility: input.visibility,
            url: null,
            uploadedBy: actor.id,
            createdAt: Date.now(),
          })
          .returning()
          .get();
        writeAudit(tx, actor.id, ip, {
          action: "resource.upload",
          targetType: "resource",
          targetId: row.id,
          summary: `上传资源“${title}”（${RESOURCE_KIND_LABELS[type.kind]}，${formatBytes(file.size)}）`,
          detail: {
            originalName,
            mime: type.mime,
            size: file.size,
            sha256: file.sha256,
            courseId,
            visibility: input.visibility,
          },
        });
        // Last step inside the transaction: if the rename fails, the row is rolled back.
        fs.renameSync(file.tmpPath, finalPath);
        return row;
      },
      { behavior: "immediate" },
    );
  } finally {
    discardReceived(file); // no-op after a successful rename
  }
}

export function createVideoLink(
  db: DB,
  actor: Actor,
  raw: VideoLinkInput | Record<string, unknown>,
  ip: string | null,
) {
  requireUploader(actor);
  const input = parseInput(videoLinkSchema, raw);
  return db.transaction(
    (tx) => {
      const courseId = courseIdForCode(tx, input.courseCode, actor);
      const row = tx
        .insert(resources)
        .values({
          kind: "video_link",
          title: input.title,
          originalName: "",
          storedName: null,
          mime: "text/uri-list",
          size: 0,
          sha256: null,
          courseId,
          visibility: input.visibility,
          url: input.url,
          uploadedBy: actor.id,
          createdAt: Date.now(),
        })
        .returning()
        .get();
      writeAudit(tx, actor.id, ip, {
        action: "resource.link",
        targetType: "resource",
        targetId: row.id,
        summary: `添加视频链接“${input.title}”（${new URL(input.url).hostname}）`,
        detail: { url: input.url, courseId, visibility: input.visibility },
      });
      return row;
    },
    { behavior: "immediate" },
  );
}

export function updateResource(
  db: DB,
  actor: Actor,
  id: number,
  raw: UpdateResourceInput | Record<string, unknown>,
  ip: string | null,
) {
  requireManager(actor);
  const input = parseInput(updateResourceSchema, raw);
  return db.transaction(
    (tx) => {
      const before = tx.select().from(resources).where(eq(resources.id, id)).get();
      if (!before) throw new UserError("这个资源不存在，可能已被删除。");
      const courseId = courseIdForCode(tx, input.courseCode, actor);
      if (before.kind === "image" && input.visibility === "teachers") {
        const used = resourceUsage(tx, id);
        if (used) throw new UserError(`这张图片${used}，需要保持公开。`, "visibility");
      }
      tx.update(resources)
        .set({ title: input.title, visibility: input.visibility, courseId })
        .where(eq(resources.id, id))
        .run();
      writeAudit(tx, actor.id, ip, {
        action: "resource.update",
        targetType: "resource",
        targetId: id,
        summary: `修改资源“${input.title}”`,
        detail: {
          before: { title: before.title, visibility: before.visibility, courseId: before.courseId },
          after: { title: input.title, visibility: input.visibility, courseId },
        },
      });
    },
    { behavior: "immediate" },
  );
}

/** Where a resource is in use (teacher photo, course cover, course body), as a Chinese phrase, or null. */
function resourceUsage(db: Conn, id: number): string | null {
  const teacher = db
    .select({ name: teachers.displayName })
    .from(teachers)
    .where(eq(teachers.photoResourceId, id))
    .get();
  if (teacher) return `正被用作教师“${teacher.name}”的照片`;
  const ref = `%/resources/${id}"%`;
  const version = db
    .select({
      title: courseVersions.title,
      code: courses.code,
      versionNo: courseVersions.versionNo,
    })
    .from(courseVersions)
    .innerJoin(courses, eq(courses.id, courseVersions.courseId))
    .where(or(eq(courseVersions.coverResourceId, id), sql`${courseVersions.body} LIKE ${ref}`))
    .get();
  if (version)
    return `正被课程“${version.title}”（${version.code} 第 ${version.versionNo} 版）使用`;
  return null;
}

/** Deletes a resource that nothing uses any more; the file goes after the row is gone. */
export function deleteResource(
  db: DB,
  actor: Actor,
  id: number,
  ip: string | null,
  opts: { dir?: string } = {},
) {
  requireUploader(actor);
  const removed = db.transaction(
    (tx) => {
      const r = tx.select().from(resources).where(eq(resources.id, id)).get();
      if (!r) throw new UserError("这个资源不存在，可能已被删除。");
      requireEditable(tx, actor, r);
      const used = resourceUsage(tx, id);
      if (used) throw new UserError(`资源“${r.title}”${used}，不能删除。请先在那里换掉它。`);
      tx.delete(resources).where(eq(resources.id, id)).run();
      writeAudit(tx, actor.id, ip, {
        action: "resource.delete",
        targetType: "resource",
        targetId: id,
        summary: `删除资源“${r.title}”（${RESOURCE_KIND_LABELS[r.kind]}）`,
        detail: {
          originalName: r.originalName,
          sha256: r.sha256,
          url: r.url,
          courseId: r.courseId,
        },
      });
      return r;
    },
    { behavior: "immediate" },
  );
  if (removed.storedName)
    fs.rmSync(path.join(opts.dir ?? uploadDir(), removed.storedName), { force: true });
  return removed;
}

// ---------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------

export function getResource(db: Conn, id: number) {
  return db.select().from(resources).where(eq(resources.id, id)).get() ?? null;
}

/** A resource for the HQ detail page, with its course code and uploader. */
export function getResourceDetail(db: DB, actor: Actor, id: number) {
  requireManager(actor);
  const row = db
    .select({
      r: resources,
      courseCode: courses.code,
      uploaderName: users.name,
    })
    .from(resources)
    .leftJoin(courses, eq(courses.id, resources.courseId))
    .leftJoin(users, eq(users.id, resources.uploadedBy))
    .where(eq(resources.id, id))
    .get();
  if (!row) return null;
  return {
    ...row.r,
    courseCode: row.courseCode,
    uploaderName: row.uploaderName,
    usage: resourceUsage(db, id),
  };
}

export const RESOURCES_PAGE_SIZE = 20;

export function listResources(db: DB, actor: Actor, query: ListResourcesQuery) {
  requireBrowser(actor);
  const where: SQL[] = [];
  if (query.mine) where.push(myCoursesCondition(actor));
  const q = query.q.trim();
  if (q) where.push(containsAny(q, [resources.title, resources.originalName, courses.code])!);
  if (query.kind) where.push(eq(resources.kind, query.kind));
  if (query.visibility) where.push(eq(resources.visibility, query.visibility));
  if (query.scope === "course") where.push(isNotNull(resources.courseId));
  if (query.scope === "shared") where.push(isNull(resources.courseId));
  const cond = where.length ? and(...where) : undefined;
  const total = db
    .select({ n: count() })
    .from(resources)
    .leftJoin(courses, eq(courses.id, resources.courseId))
    .where(cond)
    .get()!.n;
  const pages = Math.max(1, Math.ceil(total / RESOURCES_PAGE_SIZE));
  const page = Math.min(query.page, pages);
  const rows = db
    .select({
      id: resources.id,
      kind: resources.kind,
      title: resources.title,
      originalName: resources.originalName,
      size: resources.size,
      visibility: resources.visibility,
      url: resources.url,
      createdAt: resources.createdAt,
      courseCode: courses.code,
      uploaderName: users.name,
      uploadedBy: resources.uploadedBy,
      courseOwnerType: courses.ownerType,
      courseOwnerId: courses.ownerId,
    })
    .from(resources)
    .leftJoin(courses, eq(courses.id, resources.courseId))
    .leftJoin(users, eq(users.id, resources.uploadedBy))
    .where(cond)
    .orderBy(desc(resources.createdAt), desc(resources.id))
    .limit(RESOURCES_PAGE_SIZE)
    .offset((page - 1) * RESOURCES_PAGE_SIZE)
    .all()
    .map(({ uploadedBy, courseOwnerType, courseOwnerId, ...r }) => ({
      ...r,
      /** HQ deletes anything (on its detail page); others what they uploaded for their own courses. */
      canDelete:
        isHq(actor) ||
        (uploadedBy === actor.id &&
          canUploadForCourse(
            actor,
            courseOwnerType ? { ownerType: courseOwnerType, ownerId: courseOwnerId! } : null,
          )),
    }));
  return { rows, total, page, pages };
}

export type CourseResource = {
  id: number;
  kind: ResourceKind;
  title: string;
  size: number;
  mime: string;
  visibility: "public" | "teachers";
  /** Where to open it: /resources/<id> (files and links alike; the route checks access). */
  href: string;
  /** For a video link, the host it points to (shown beside the link). */
  host: string | null;
};

/** Resources attached to a course that this actor may see (public ones for everybody). */
export function listCourseResources(
  db: Conn,
  courseId: number,
  { actor }: { actor: Actor | null },
): CourseResource[] {
  const rows = db
    .select()
    .from(resources)
    .where(eq(resources.courseId, courseId))
    .orderBy(resources.kind, resources.title, resources.id)
    .all();
  return rows
    .filter((r) => canSeeResource(actor, r))
    .map((r) => ({
      id: r.id,
      kind: r.kind,
      title: r.title,
      size: r.size,
      mime: r.mime,
      visibility: r.visibility,
      href: `/resources/${r.id}`,
      host: r.url ? safeHost(r.url) : null,
    }));
}

function safeHost(url: string) {
  try {
    return new URL(url).hostname;
  } catch {
    return null;
  }
}

/** Public images for the editor's image picker and for teacher photos (newest first). */
export function listImageResources(db: Conn, opts: { limit?: number } = {}) {
  return db
    .select({ id: resources.id, title: resources.title })
    .from(resources)
    .where(and(eq(resources.kind, "image"), eq(resources.visibility, "public")))
    .orderBy(desc(resources.createdAt), desc(resources.id))
    .limit(opts.limit ?? 500)
    .all();
}

/** True when `id` is a public image resource (what a teacher photo or course cover may be). */
export function isPublicImage(db: Conn, id: number) {
  const r = db
    .select({ id: resources.id })
    .from(resources)
    .where(
      and(eq(resources.id, id), eq(resources.kind, "image"), eq(resources.visibility, "public")),
    )
    .get();
  return !!r;
}

export function resourcesByIds(db: Conn, ids: number[]) {
  if (!ids.length) return [];
  return db.select().from(resources).where(inArray(resources.id, ids)).all();
}

// ---------------------------------------------------------------------------------------------
// Serving (/resources/:id)
// ---------------------------------------------------------------------------------------------

/** RFC 6266 / 5987: an ASCII fallback plus filename*=UTF-8'' for Chinese names. */
export function contentDisposition(kind: "inline" | "attachment", name: string) {
  const fallback = name.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_") || "file";
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `${kind}; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

function textResponse(status: number, body: string, extra: Record<string, string> = {}) {
  return new Response(body, {
    status,
    headers: {
      "Content-Type": "text/plain; charset=utf-8",
      "X-Content-Type-Options": "nosniff",
      "Cache-Control": "no-store",
      ...extra,
    },
  });
}

/**
 * The response for GET /resources/:id: the access check, then the file streamed with its real
 * Content-Type, Content-Disposition (inline for images and PDF, attachment otherwise), nosniff,
 * ETag and single byte ranges (audio seeking); a video link redirects to its https address.
 */
export function resourceResponse(
  db: DB,
  actor: Actor | null,
  id: number,
  request: Request,
  opts: { dir?: string } = {},
): Response {
  const r = Number.isSafeInteger(id) && id > 0 ? getResource(db, id) : null;
  if (!r) return textResponse(404, "资源不存在或已被删除。");
  if (!canSeeResource(actor, r)) {
    if (!actor) {
      const url = new URL(request.url);
      return new Response(null, {
        status: 302,
        headers: {
          Location: `/login?redirectTo=${encodeURIComponent(url.pathname)}`,
          "Cache-Control": "no-store",
        },
      });
    }
    return textResponse(403, "此资源仅供教师使用。如需查看，请联系书院或总部。");
  }
  const cache = r.visibility === "public" ? "public, max-age=3600" : "private, no-store";
  if (r.kind === "video_link") {
    if (!r.url) return textResponse(404, "资源不存在或已被删除。");
    return new Response(null, {
      status: 302,
      headers: { Location: r.url, "Cache-Control": cache, "Referrer-Policy": "no-referrer" },
    });
  }
  const file = path.join(opts.dir ?? uploadDir(), r.storedName!);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    return textResponse(404, "资源文件已丢失，请联系总部重新上传。");
  }
  const inline = r.kind === "image" || r.kind === "pdf";
  const etag = r.sha256 ? `"${r.sha256}"` : `"${stat.size}-${stat.mtimeMs}"`;
  const headers: Record<string, string> = {
    "Content-Type": r.mime,
    "Content-Disposition": contentDisposition(
      inline ? "inline" : "attachment",
      r.originalName || `${r.title}`,
    ),
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": cache,
    ETag: etag,
    "Accept-Ranges": "bytes",
    // Nothing served from here may run script or be framed by others; PDF viewers need no sandbox.
    "Content-Security-Policy":
      r.kind === "pdf"
        ? "default-src 'none'; frame-ancestors 'self'"
        : "default-src 'none'; sandbox; frame-ancestors 'self'",
    "Cross-Origin-Resource-Policy": "same-origin",
  };
  if (request.headers.get("if-none-match") === etag)
    return new Response(null, { status: 304, headers });
  let start = 0;
  let end = stat.size - 1;
  let status = 200;
  const range = request.headers.get("range");
  if (range) {
    const m = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
    if (m && (m[1] || m[2])) {
      if (m[1]) {
        start = Number(m[1]);
        end = m[2] ? Math.min(Number(m[2]), stat.size - 1) : stat.size - 1;
      } else {
        start = Math.max(0, stat.size - Number(m[2]));
      }
      if (start > end || start >= stat.size) {
        return new Response(null, {
          status: 416,
          headers: { ...headers, "Content-Range": `bytes */${stat.size}` },
        });
      }
      status = 206;
      headers["Content-Range"] = `bytes ${start}-${end}/${stat.size}`;
    }
  }
  headers["Content-Length"] = String(end - start + 1);
  if (request.method === "HEAD") return new Response(null, { status, headers });
  const stream = Readable.toWeb(
    fs.createReadStream(file, { start, end }),
  ) as ReadableStream<Uint8Array>;
  return new Response(stream, { status, headers });
}
