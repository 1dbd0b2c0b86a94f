import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { auditLog, resources, teachers } from "@db/schema";
import type { Actor } from "~/modules/auth/permissions";
import { detectFileType } from "~/modules/catalog/filetype.server";
import {
  contentDisposition,
  createFileResource,
  createVideoLink,
  deleteResource,
  listCourseResources,
  listImageResources,
  listResources,
  parseResourceUpload,
  receiveFile,
  resourceResponse,
  updateResource,
  uploadDir,
  uploadMaxBytes,
} from "~/modules/catalog/resources.server";
import { isUserError } from "~/utils/errors";
import { createCourse } from "@tests/factories/catalog";
import { createTestDb } from "@tests/factories/db";
import * as files from "@tests/factories/files";
import { createActor } from "@tests/factories/users";

let db: ReturnType<typeof createTestDb>;
let dir: string;
let hq: Actor;
let teacher: Actor;
let resident: Actor;

beforeEach(async () => {
  db = createTestDb();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "academy-uploads-"));
  process.env.UPLOAD_DIR = dir;
  delete process.env.UPLOAD_MAX_MB;
  hq = await createActor(db, [{ role: "hq_editor" }]);
  teacher = await createActor(db, [{ role: "teacher" }]);
  resident = await createActor(db, []);
});

afterEach(() => {
  db.cleanup();
  fs.rmSync(dir, { recursive: true, force: true });
  delete process.env.UPLOAD_DIR;
  delete process.env.UPLOAD_MAX_MB;
});

/** Every file under the upload directory, incoming temporaries included. */
function storedFiles(): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    if (!fs.existsSync(d)) return;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(path.relative(dir, p));
    }
  };
  walk(dir);
  return out;
}

async function upload(
  bytes: Buffer,
  name: string,
  input: Record<string, unknown> = { visibility: "public" },
  actor: Actor = hq,
) {
  const received = await receiveFile(name, files.chunks(bytes));
  return createFileResource(db, actor, input, received, "127.0.0.1");
}

async function refusal(p: Promise<unknown>) {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error("expected a refusal");
}

function rowCount() {
  return db.select().from(resources).all().length;
}

describe("configuration", () => {
  it("defaults to 50 MB under db/uploads and follows UPLOAD_MAX_MB / UPLOAD_DIR", () => {
    expect(uploadMaxBytes()).toBe(50 * 1024 * 1024);
    process.env.UPLOAD_MAX_MB = "2";
    expect(uploadMaxBytes()).toBe(2 * 1024 * 1024);
    // A bad value is refused with the variable's name (the server would not start).
    process.env.UPLOAD_MAX_MB = "nonsense";
    expect(() => uploadMaxBytes()).toThrow(/UPLOAD_MAX_MB/);
    delete process.env.UPLOAD_MAX_MB;
    expect(uploadDir()).toBe(dir);
    delete process.env.UPLOAD_DIR;
    expect(uploadDir()).toBe(path.resolve("db/uploads"));
  });
});

describe("type by magic bytes, not by name", () => {
  const accepted: Array<[string, () => Buffer, string, string, string]> = [
    ["PDF", files.pdfBytes, "讲义.pdf", "pdf", "application/pdf"],
    ["PNG", files.pngBytes, "海报.png", "image", "image/png"],
    ["JPEG", files.jpegBytes, "照片.jpg", "image", "image/jpeg"],
    ["GIF", files.gifBytes, "动图.gif", "image", "image/gif"],
    ["WebP", files.webpBytes, "图.webp", "image", "image/webp"],
    ["MP3", files.mp3Bytes, "闽南语儿歌.mp3", "audio", "audio/mpeg"],
    ["M4A", files.m4aBytes, "录音.m4a", "audio", "audio/mp4"],
    [
      "DOCX",
      files.docxBytes,
      "教案.docx",
      "docx",
      "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ],
    [
      "PPTX",
      files.pptxBytes,
      "课件.pptx",
      "pptx",
      "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ],
  ];

  it.each(accepted)("accepts a real %s", async (_label, make, name, kind, mime) => {
    const r = await upload(make(), name);
    expect(r.kind).toBe(kind);
    expect(r.mime).toBe(mime);
    expect(r.originalName).toBe(name);
    expect(r.storedName).toMatch(/^[0-9a-f]{32}\.[a-z0-9]+$/);
    expect(r.storedName).not.toContain(path.parse(name).name);
    expect(fs.readFileSync(path.join(dir, r.storedName!))).toEqual(make());
    expect(r.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(storedFiles()).toEqual([r.storedName]);
    const audit = db.select().from(auditLog).where(eq(auditLog.action, "resource.upload")).all();
    expect(audit).toHaveLength(1);
  });

  it("trusts the bytes over the extension: a PDF named .docx is stored as a PDF called .pdf", async () => {
    const r = await upload(files.pdfBytes(), "讲义.docx");
    expect(r.kind).toBe("pdf");
    expect(r.originalName).toBe("讲义.pdf");
  });

  const refused: Array<[string, () => Buffer, string, RegExp]> = [
    ["an .exe renamed .pdf", files.exeBytes, "课程讲义.pdf", /可执行程序/],
    ["an .exe renamed .png", files.exeBytes, "photo.png", /可执行程序/],
    ["a shell script named .docx", () => Buffer.from("#!/bin/sh\nrm -rf /\n"), "a.docx", /脚本/],
    [
      "HTML named .pdf",
      () => Buffer.from("<html><script>alert(1)</script></html>"),
      "x.pdf",
      /只能上传/,
    ],
    [
      "SVG named .png",
      () => Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
      "x.png",
      /只能上传/,
    ],
    ["a plain ZIP named .docx", files.plainZipBytes, "x.docx", /普通压缩包/],
    ["an XLSX named .pptx", files.xlsxBytes, "x.pptx", /XLSX/],
    ["a macro-enabled DOCM named .docx", files.docmBytes, "x.docx", /宏/],
    ["an MP4 video named .m4a", files.mp4VideoBytes, "x.m4a", /视频链接/],
    ["a truncated ZIP", () => files.docxBytes().subarray(0, 60), "x.docx", /损坏/],
  ];

  it.each(refused)(
    "refuses %s with a Chinese message and stores nothing",
    async (_label, make, name, message) => {
      const e = await refusal(upload(make(), name));
      expect(isUserError(e)).toBe(true);
      expect((e as Error).message).toMatch(message);
      expect((e as { field?: string }).field).toBe("file");
      expect(rowCount()).toBe(0);
      expect(storedFiles()).toEqual([]);
    },
  );

  it("refuses an oversized file while streaming, and leaves no temporary file", async () => {
    process.env.UPLOAD_MAX_MB = "0.01"; // ≈ 10 KB
    const big = Buffer.concat([files.pdfBytes(), Buffer.alloc(20 * 1024, 0x20)]);
    const e = await refusal(upload(big, "大文件.pdf"));
    expect((e as Error).message).toMatch(/超过 0\.0 MB|超过 .* 的上限/);
    expect(rowCount()).toBe(0);
    expect(storedFiles()).toEqual([]);
  });

  it("refuses an empty file", async () => {
    const e = await refusal(upload(Buffer.alloc(0), "空.pdf"));
    expect((e as Error).message).toMatch(/空/);
    expect(storedFiles()).toEqual([]);
  });

  it("detectFileType reads the ZIP central directory, not the name", () => {
    const p = path.join(dir, "anything.bin");
    fs.writeFileSync(p, files.pptxBytes());
    expect(detectFileType(p)).toMatchObject({ ok: true, type: { kind: "pptx" } });
    fs.writeFileSync(p, files.docxBytes());
    expect(detectFileType(p)).toMatchObject({ ok: true, type: { kind: "docx" } });
  });
});

describe("nothing stored on any refusal", () => {
  it("a resident may not upload: no row, no file", async () => {
    const e = await refusal(upload(files.pdfBytes(), "a.pdf", { visibility: "public" }, resident));
    expect(e).toBeInstanceOf(Response);
    expect((e as Response).status).toBe(403);
    expect(rowCount()).toBe(0);
    expect(storedFiles()).toEqual([]);
  });

  it("an unknown course code: message on the field, no row, no file", async () => {
    const e = await refusal(
      upload(files.pdfBytes(), "a.pdf", { visibility: "public", courseCode: "ZZ-9999" }),
    );
    expect((e as { field?: string }).field).toBe("courseCode");
    expect((e as Error).message).toContain("ZZ-9999");
    expect(rowCount()).toBe(0);
    expect(storedFiles()).toEqual([]);
  });

  it("a missing visibility: message, no row, no file", async () => {
    const e = await refusal(upload(files.pdfBytes(), "a.pdf", {}));
    expect((e as Error).message).toBe("请选择谁可以查看。");
    expect(rowCount()).toBe(0);
    expect(storedFiles()).toEqual([]);
  });
});

describe("multipart parsing with bounded memory", () => {
  function multipart(fields: Record<string, string | Blob>, name = "讲义.pdf") {
    const fd = new FormData();
    for (const [k, v] of Object.entries(fields)) {
      if (v instanceof Blob) fd.append(k, v, name);
      else fd.append(k, v);
    }
    return new Request("http://localhost/hq/resources/new", { method: "POST", body: fd });
  }

  it("streams the file part to disk and returns the text fields", async () => {
    const req = multipart({
      title: "讲义",
      visibility: "teachers",
      file: new Blob([files.pdfBytes()]),
    });
    const { form, file } = await parseResourceUpload(req);
    expect(form.get("title")).toBe("讲义");
    expect(form.get("visibility")).toBe("teachers");
    expect(file?.originalName).toBe("讲义.pdf");
    expect(file?.size).toBe(files.pdfBytes().length);
    const r = createFileResource(db, hq, Object.fromEntries(form), file!, null);
    expect(r.visibility).toBe("teachers");
    expect(storedFiles()).toEqual([r.storedName]);
  });

  it("a text field named file is not an upload", async () => {
    const req = multipart({ title: "x", visibility: "public", file: '{"tmpPath":"/etc/passwd"}' });
    const { file } = await parseResourceUpload(req);
    expect(file).toBeNull();
  });

  it("refuses a body larger than the limit, by Content-Length or while streaming", async () => {
    process.env.UPLOAD_MAX_MB = "0.01";
    const big = new Blob([files.pdfBytes(), new Uint8Array(400 * 1024)]);
    const e1 = await refusal(parseResourceUpload(multipart({ visibility: "public", file: big })));
    expect((e1 as Error).message).toMatch(/上限/);
    // No Content-Length: the stream itself is cut off at the limit.
    const body = await multipart({
      visibility: "public",
      file: new Blob([files.pdfBytes(), new Uint8Array(40 * 1024)]),
    });
    const req = new Request(body.url, {
      method: "POST",
      headers: { "content-type": body.headers.get("content-type")! },
      body: body.body,
      duplex: "half",
    } as RequestInit);
    const e2 = await refusal(parseResourceUpload(req));
    expect((e2 as Error).message).toMatch(/上限/);
    expect(storedFiles()).toEqual([]);
  });

  it("refuses a form that is not multipart", async () => {
    const req = new Request("http://localhost/x", {
      method: "POST",
      body: new URLSearchParams({ a: "b" }),
    });
    const e = await refusal(parseResourceUpload(req));
    expect((e as Error).message).toMatch(/格式不正确/);
  });
});

describe("serving /resources/:id with the access check", () => {
  const get = (id: number, actor: Actor | null, headers: Record<string, string> = {}) =>
    resourceResponse(db, actor, id, new Request(`http://localhost/resources/${id}`, { headers }));

  it("public files for everybody, with type, disposition and nosniff", async () => {
    const pdf = await upload(files.pdfBytes(), "垃圾分类 讲义.pdf");
    const res = get(pdf.id, null);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("content-disposition")).toBe(
      `inline; filename="____ __.pdf"; filename*=UTF-8''${encodeURIComponent("垃圾分类 讲义.pdf")}`,
    );
    expect(Buffer.from(await res.arrayBuffer())).toEqual(files.pdfBytes());

    const docx = await upload(files.docxBytes(), "教案.docx");
    const d = get(docx.id, null);
    expect(d.headers.get("content-disposition")).toMatch(/^attachment; /);
    expect(d.headers.get("content-type")).toBe(
      "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    );
    const img = await upload(files.pngBytes(), "海报.png");
    expect(get(img.id, null).headers.get("content-disposition")).toMatch(/^inline; /);
    expect(get(img.id, null).headers.get("content-security-policy")).toContain("sandbox");
  });

  it("teachers-only files: signed-out → login, resident → 403, teacher and HQ → 200", async () => {
    const r = await upload(files.pptxBytes(), "教师用课件.pptx", { visibility: "teachers" });
    const out = get(r.id, null);
    expect(out.status).toBe(302);
    expect(out.headers.get("location")).toBe(
      `/login?redirectTo=${encodeURIComponent(`/resources/${r.id}`)}`,
    );
    const res = get(r.id, resident);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("仅供教师");
    expect(get(r.id, teacher).status).toBe(200);
    expect(get(r.id, hq).status).toBe(200);
    expect(get(r.id, teacher).headers.get("cache-control")).toContain("no-store");
  });

  it("404 for unknown ids, 304 for a matching ETag, 206 for a byte range", async () => {
    expect(get(999, hq).status).toBe(404);
    const r = await upload(files.mp3Bytes(), "儿歌.mp3");
    const first = get(r.id, null);
    const etag = first.headers.get("etag")!;
    expect(get(r.id, null, { "if-none-match": etag }).status).toBe(304);
    const part = get(r.id, null, { range: "bytes=0-3" });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe(`bytes 0-3/${files.mp3Bytes().length}`);
    expect(Buffer.from(await part.arrayBuffer()).toString("latin1")).toBe("ID3\x04");
  });

  it("a video link redirects to its https address", () => {
    const v = createVideoLink(
      db,
      hq,
      { title: "太极拳示范", url: "https://www.bilibili.com/video/BV1xx", visibility: "public" },
      null,
    );
    const res = get(v.id, null);
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("https://www.bilibili.com/video/BV1xx");
  });

  it("builds RFC 5987 Content-Disposition for Chinese names", () => {
    expect(contentDisposition("attachment", "闽南语入门.pptx")).toBe(
      `attachment; filename="_____.pptx"; filename*=UTF-8''%E9%97%BD%E5%8D%97%E8%AF%AD%E5%85%A5%E9%97%A8.pptx`,
    );
  });
});

describe("video links", () => {
  it.each([
    ["http://www.example.com/v", /https:\/\//],
    ["javascript:alert(1)", /https:\/\//],
    ["https://user:pw@example.com/v", /https:\/\//],
    ["", /请填写视频地址/],
  ])("refuses %s", (url, message) => {
    expect(() =>
      createVideoLink(db, hq, { title: "视频", url, visibility: "public" }, null),
    ).toThrow(message);
    expect(rowCount()).toBe(0);
  });

  it("residents and teachers may not add links", () => {
    expect(() =>
      createVideoLink(
        db,
        teacher,
        { title: "视频", url: "https://v.qq.com/x", visibility: "public" },
        null,
      ),
    ).toThrow(Response);
  });
});

describe("listing, editing and deleting", () => {
  it("lists a course's resources by what the actor may see; images for the editor are public only", async () => {
    const { course } = createCourse(db, { code: "LS-0101" });
    const pub = await upload(files.pdfBytes(), "公开讲义.pdf", {
      visibility: "public",
      courseCode: "ls-0101",
    });
    const priv = await upload(files.pptxBytes(), "教师课件.pptx", {
      visibility: "teachers",
      courseCode: "LS-0101",
    });
    await upload(files.pdfBytes(), "共享.pdf", { visibility: "public" });
    const img = await upload(files.pngBytes(), "封面.png", { visibility: "public" });
    await upload(files.jpegBytes(), "内部图.jpg", { visibility: "teachers" });

    expect(listCourseResources(db, course.id, { actor: null }).map((r) => r.id)).toEqual([pub.id]);
    expect(listCourseResources(db, course.id, { actor: resident }).map((r) => r.id)).toEqual([
      pub.id,
    ]);
    expect(
      listCourseResources(db, course.id, { actor: teacher })
        .map((r) => r.id)
        .sort(),
    ).toEqual([pub.id, priv.id].sort());
    expect(listCourseResources(db, course.id, { actor: hq })).toHaveLength(2);
    expect(listImageResources(db)).toEqual([{ id: img.id, title: "封面" }]);

    const all = listResources(db, hq, { q: "", page: 1 });
    expect(all.total).toBe(5);
    expect(listResources(db, hq, { q: "课件", page: 1 }).rows.map((r) => r.id)).toEqual([priv.id]);
    expect(listResources(db, hq, { q: "LS-0101", page: 1 }).total).toBe(2);
    expect(listResources(db, hq, { q: "", kind: "image", page: 1 }).total).toBe(2);
    expect(listResources(db, hq, { q: "", scope: "shared", page: 1 }).total).toBe(3);
    expect(listResources(db, hq, { q: "", visibility: "teachers", page: 1 }).total).toBe(2);
    expect(listResources(db, hq, { q: "%", page: 1 }).total).toBe(0);
    expect(() => listResources(db, resident, { q: "", page: 1 })).toThrow(Response);
  });

  it("edits title, visibility and course, audited", async () => {
    createCourse(db, { code: "MN-0201" });
    const r = await upload(files.pdfBytes(), "a.pdf");
    updateResource(
      db,
      hq,
      r.id,
      { title: "闽南语讲义", visibility: "teachers", courseCode: "MN-0201" },
      null,
    );
    const after = db.select().from(resources).where(eq(resources.id, r.id)).get()!;
    expect(after).toMatchObject({ title: "闽南语讲义", visibility: "teachers" });
    expect(after.courseId).not.toBeNull();
    expect(
      db.select().from(auditLog).where(eq(auditLog.action, "resource.update")).all(),
    ).toHaveLength(1);
  });

  it("deletes the row and the file, audited; refuses while a teacher photo uses it", async () => {
    const r = await upload(files.pdfBytes(), "a.pdf");
    expect(storedFiles()).toHaveLength(1);
    expect(() => deleteResource(db, teacher, r.id, null)).toThrow(Response);
    deleteResource(db, hq, r.id, null);
    expect(rowCount()).toBe(0);
    expect(storedFiles()).toEqual([]);
    expect(
      db.select().from(auditLog).where(eq(auditLog.action, "resource.delete")).all(),
    ).toHaveLength(1);

    const photo = await upload(files.pngBytes(), "照片.png");
    db.insert(teachers)
      .values({ userId: teacher.id, displayName: "林老师", createdAt: Date.now() })
      .run();
    db.update(teachers).set({ photoResourceId: photo.id }).run();
    expect(() => deleteResource(db, hq, photo.id, null)).toThrow(/林老师/);
    expect(rowCount()).toBe(1);
    expect(storedFiles()).toHaveLength(1);
  });
});
