/**
 * What a file really is, judged by its bytes — never by its name or the browser's Content-Type.
 * Office files (PPTX/DOCX) are ZIP packages: we read the ZIP's central directory and the
 * `[Content_Types].xml` part to tell a presentation from a document from any other ZIP, and refuse
 * macro-enabled packages.
 */
import fs from "node:fs";
import { inflateRawSync } from "node:zlib";
import type { ResourceKind } from "@db/schema";

export type DetectedType = { kind: Exclude<ResourceKind, "video_link">; mime: string; ext: string };
export type Detection = { ok: true; type: DetectedType } | { ok: false; message: string };

export const ALLOWED_TYPES_TEXT =
  "PDF、PPTX、DOCX、图片（PNG、JPEG、GIF、WebP）或音频（MP3、M4A、WAV）";

const T = {
  pdf: { kind: "pdf", mime: "application/pdf", ext: "pdf" },
  pptx: {
    kind: "pptx",
    mime: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ext: "pptx",
  },
  docx: {
    kind: "docx",
    mime: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ext: "docx",
  },
  png: { kind: "image", mime: "image/png", ext: "png" },
  jpeg: { kind: "image", mime: "image/jpeg", ext: "jpg" },
  gif: { kind: "image", mime: "image/gif", ext: "gif" },
  webp: { kind: "image", mime: "image/webp", ext: "webp" },
  mp3: { kind: "audio", mime: "audio/mpeg", ext: "mp3" },
  m4a: { kind: "audio", mime: "audio/mp4", ext: "m4a" },
  wav: { kind: "audio", mime: "audio/wav", ext: "wav" },
} satisfies Record<string, DetectedType>;

const HEAD_BYTES = 4096;
const ascii = (b: Uint8Array, start: number, end: number) =>
  Buffer.from(b.subarray(start, end)).toString("latin1");
const startsWith = (b: Uint8Array, bytes: number[]) => bytes.every((x, i) => b[i] === x);

const refuse = (message: string): Detection => ({ ok: false, message });
const notAllowed = () =>
  refuse(
    `只能上传 ${ALLOWED_TYPES_TEXT}。这个文件的内容不属于这些类型（系统按文件内容判断，不看扩展名）。`,
  );

/** Detects the type of the file at `file` (a path) from its content. */
export function detectFileType(file: string): Detection {
  const fd = fs.openSync(file, "r");
  try {
    const size = fs.fstatSync(fd).size;
    if (size === 0) return refuse("文件是空的，请重新选择。");
    const head = Buffer.alloc(Math.min(HEAD_BYTES, size));
    fs.readSync(fd, head, 0, head.length, 0);

    if (startsWith(head, [0x4d, 0x5a]))
      return refuse(
        "这是一个可执行程序（.exe 等），不能上传。请上传 PDF、PPTX、DOCX、图片或音频文件。",
      );
    if (startsWith(head, [0x7f, 0x45, 0x4c, 0x46])) return refuse("这是一个可执行程序，不能上传。");
    if (startsWith(head, [0x23, 0x21])) return refuse("这是一个脚本文件，不能上传。");

    if (ascii(head, 0, 5) === "%PDF-") return { ok: true, type: T.pdf };
    if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
      return { ok: true, type: T.png };
    if (startsWith(head, [0xff, 0xd8, 0xff])) return { ok: true, type: T.jpeg };
    const six = ascii(head, 0, 6);
    if (six === "GIF87a" || six === "GIF89a") return { ok: true, type: T.gif };
    if (ascii(head, 0, 4) === "RIFF" && head.length >= 12) {
      const form = ascii(head, 8, 12);
      if (form === "WEBP") return { ok: true, type: T.webp };
      if (form === "WAVE") return { ok: true, type: T.wav };
    }
    if (ascii(head, 0, 3) === "ID3") return { ok: true, type: T.mp3 };
    // MPEG audio frame sync: 11 set bits, a valid version, layer III/II/I.
    if (
      head.length >= 2 &&
      head[0] === 0xff &&
      (head[1]! & 0xe0) === 0xe0 &&
      (head[1]! & 0x06) !== 0 &&
      (head[1]! & 0x18) !== 0x08
    ) {
      return { ok: true, type: T.mp3 };
    }
    if (head.length >= 12 && ascii(head, 4, 8) === "ftyp") return detectFtyp(head);
    if (startsWith(head, [0x50, 0x4b, 0x03, 0x04]) || startsWith(head, [0x50, 0x4b, 0x05, 0x06])) {
      return detectOoxml(fd, size);
    }
    return notAllowed();
  } finally {
    fs.closeSync(fd);
  }
}

const AUDIO_BRANDS = new Set(["M4A ", "M4B ", "M4P ", "F4A ", "F4B "]);

/** ISO base media (MP4 family): audio brands only — videos are added as links. */
function detectFtyp(head: Buffer): Detection {
  const boxSize = head.readUInt32BE(0);
  const brands = [ascii(head, 8, 12)];
  for (let i = 16; i + 4 <= Math.min(boxSize, head.length); i += 4)
    brands.push(ascii(head, i, i + 4));
  if (brands.some((b) => AUDIO_BRANDS.has(b))) return { ok: true, type: T.m4a };
  return refuse(
    "视频文件不能直接上传（体积太大，居民用手机也不便观看）。请把视频发布到视频平台后，以“视频链接”的方式添加。",
  );
}

type ZipEntry = {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localOffset: number;
};

/** Reads the central directory of a ZIP file (no ZIP64; office files are far below 4 GB). */
export function readZipDirectory(fd: number, size: number): ZipEntry[] | null {
  const tailLen = Math.min(size, 0xffff + 22);
  const tail = Buffer.alloc(tailLen);
  fs.readSync(fd, tail, 0, tailLen, size - tailLen);
  let eocd = -1;
  for (let i = tailLen - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return null;
  const count = tail.readUInt16LE(eocd + 10);
  const cdSize = tail.readUInt32LE(eocd + 12);
  const cdOffset = tail.readUInt32LE(eocd + 16);
  if (
    cdOffset === 0xffffffff ||
    cdSize === 0xffffffff ||
    cdOffset + cdSize > size ||
    cdSize > 16 * 1024 * 1024
  ) {
    return null;
  }
  const cd = Buffer.alloc(cdSize);
  fs.readSync(fd, cd, 0, cdSize, cdOffset);
  const entries: ZipEntry[] = [];
  let p = 0;
  for (let n = 0; n < count && p + 46 <= cd.length; n++) {
    if (cd.readUInt32LE(p) !== 0x02014b50) return null;
    const method = cd.readUInt16LE(p + 10);
    const compressedSize = cd.readUInt32LE(p + 20);
    const uncompressed = cd.readUInt32LE(p + 24);
    const nameLen = cd.readUInt16LE(p + 28);
    const extraLen = cd.readUInt16LE(p + 30);
    const commentLen = cd.readUInt16LE(p + 32);
    const localOffset = cd.readUInt32LE(p + 42);
    const name = cd.toString("utf8", p + 46, p + 46 + nameLen);
    entries.push({ name, method, compressedSize, size: uncompressed, localOffset });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

function readZipEntry(fd: number, fileSize: number, e: ZipEntry, maxBytes: number): Buffer | null {
  if (e.size > maxBytes || e.compressedSize > maxBytes) return null;
  const local = Buffer.alloc(30);
  if (e.localOffset + 30 > fileSize) return null;
  fs.readSync(fd, local, 0, 30, e.localOffset);
  if (local.readUInt32LE(0) !== 0x04034b50) return null;
  const dataStart = e.localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
  if (dataStart + e.compressedSize > fileSize) return null;
  const data = Buffer.alloc(e.compressedSize);
  fs.readSync(fd, data, 0, e.compressedSize, dataStart);
  if (e.method === 0) return data;
  if (e.method === 8) {
    try {
      return inflateRawSync(data, { maxOutputLength: maxBytes });
    } catch {
      return null;
    }
  }
  return null;
}

function detectOoxml(fd: number, size: number): Detection {
  const entries = readZipDirectory(fd, size);
  if (!entries) return refuse("压缩包已损坏或格式不受支持，无法识别为 PPTX 或 DOCX 文件。");
  const names = new Set(entries.map((e) => e.name));
  const ct = entries.find((e) => e.name === "[Content_Types].xml");
  if (!ct) {
    return refuse(`这是一个普通压缩包（ZIP），不能上传。只能上传 ${ALLOWED_TYPES_TEXT}。`);
  }
  if ([...names].some((n) => /vbaProject\.bin$/i.test(n))) {
    return refuse("文件中含有宏，存在安全风险，不能上传。请另存为不含宏的 PPTX 或 DOCX 后再上传。");
  }
  const xml = readZipEntry(fd, size, ct, 1024 * 1024)?.toString("utf8") ?? "";
  if (
    names.has("ppt/presentation.xml") &&
    /presentationml\.(presentation|slideshow)\.main\+xml/.test(xml)
  ) {
    return { ok: true, type: T.pptx };
  }
  if (names.has("word/document.xml") && /wordprocessingml\.document\.main\+xml/.test(xml)) {
    return { ok: true, type: T.docx };
  }
  if (/macroEnabled/i.test(xml)) {
    return refuse("文件中含有宏，存在安全风险，不能上传。请另存为不含宏的 PPTX 或 DOCX 后再上传。");
  }
  if (/spreadsheetml/.test(xml))
    return refuse(`暂不支持表格文件（XLSX）。只能上传 ${ALLOWED_TYPES_TEXT}。`);
  return notAllowed();
}
