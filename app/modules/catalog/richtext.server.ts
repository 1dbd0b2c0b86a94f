/**
 * Server side of rich text: validate a tiptap document against the shared schema, render it to
 * HTML with the very extensions the editor uses, extract plain text for search, and turn the
 * starter library's Markdown into a document.
 */
import { getSchema } from "@tiptap/core";
import { DOMSerializer, Node as PmNode } from "@tiptap/pm/model";
import { marked, type Token, type Tokens } from "marked";
import {
  docToPlainText,
  isSafeHref,
  richDocSchema,
  richTextExtensions,
  type RichBlock,
  type RichDoc,
  type RichInline,
  type RichListItem,
  type RichMark,
  type RichTableCell,
} from "./richtext";
import { onFirstUse } from "~/utils/lazy.server";

export type { RichDoc } from "./richtext";

export type ValidateResult = { ok: true; doc: RichDoc } | { ok: false; message: string };

let extensionsCache: ReturnType<typeof richTextExtensions> | null = null;
function extensions() {
  return (extensionsCache ??= richTextExtensions());
}
let pmSchemaCache: ReturnType<typeof getSchema> | null = null;
function pmSchema() {
  return (pmSchemaCache ??= getSchema(extensions()));
}

/**
 * happy-dom, the DOM ProseMirror's serializer writes into, is loaded by the first document
 * rendered (a save, an import): about 10 MB of heap that page views never need.
 */
const happyDom = onFirstUse<typeof import("happy-dom")>("happy-dom");

/**
 * A validated document as HTML: what `generateHTML` from `@tiptap/html/server` does (the same
 * serializer, the same DOM settings), with happy-dom loaded lazily and the schema built once.
 */
function docHtml(doc: RichDoc): string {
  const schema = pmSchema();
  const window = new (happyDom().Window)({
    settings: {
      disableJavaScriptEvaluation: true,
      disableJavaScriptFileLoading: true,
      disableCSSFileLoading: true,
      disableIframePageLoading: true,
      disableComputedStyleRendering: true,
    },
  });
  try {
    const document = window.document as unknown as Document;
    const wrap = document.createElement("div");
    DOMSerializer.fromSchema(schema).serializeFragment(
      PmNode.fromJSON(schema, doc).content,
      { document },
      wrap,
    );
    return escapeAttributeBrackets(wrap.innerHTML);
  } finally {
    void window.happyDOM.abort();
    void window.happyDOM.close();
  }
}

const MAX_JSON_CHARS = 2_000_000;

/**
 * Check a document (an object, or the JSON string a form field carries). Returns the document or
 * one Chinese sentence saying what is wrong. Never throws.
 */
export function validateDoc(json: unknown): ValidateResult {
  let value = json;
  if (typeof value === "string") {
    if (value.length > MAX_JSON_CHARS)
      return { ok: false, message: "正文内容过多，请拆分后再保存。" };
    try {
      value = JSON.parse(value);
    } catch {
      return { ok: false, message: "正文格式不正确，无法读取。" };
    }
  }
  const parsed = richDocSchema.safeParse(value);
  if (!parsed.success) {
    return { ok: false, message: parsed.error.issues[0]?.message ?? "正文格式不正确。" };
  }
  // Second opinion from ProseMirror itself: the content model (a list item starts with a
  // paragraph, a table row holds cells …) must hold too, or the serializer could misbehave.
  try {
    pmSchema().nodeFromJSON(parsed.data).check();
  } catch {
    return {
      ok: false,
      message: "正文结构不正确（例如列表项或表格的内容不完整），请检查后再保存。",
    };
  }
  return { ok: true, doc: parsed.data };
}

/** HTML of a document, rendered on the server. A bad document throws a UserError-like Error with a Chinese message. */
export function renderDocHtml(doc: unknown): string {
  const result = validateDoc(doc);
  if (!result.ok) throw new RichTextError(result.message);
  return docHtml(result.doc);
}

const TAG = /<[a-zA-Z][a-zA-Z0-9]*(?:\s+[^\s"'>/=]+(?:="[^"]*")?)*\s*\/?>/g;

/**
 * The serializer escapes `"` and `&` inside attribute values but leaves `<` and `>`: harmless in a
 * quoted value, but we escape them too so no `<script` ever appears in stored HTML, even inside an
 * image's alt text (defence in depth against mutation-XSS tricks).
 */
export function escapeAttributeBrackets(html: string) {
  return html.replace(TAG, (tag) =>
    tag.replace(
      /="([^"]*)"/g,
      (_, v: string) => `="${v.replace(/</g, "&lt;").replace(/>/g, "&gt;")}"`,
    ),
  );
}

/** Like renderDocHtml, but a bad document yields "" instead of throwing (for read-only pages). */
export function renderDocHtmlSafe(doc: unknown): string {
  const result = validateDoc(doc);
  return result.ok ? docHtml(result.doc) : "";
}

export class RichTextError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RichTextError";
  }
}

/** Plain text for search and summaries. */
export function docToText(doc: RichDoc): string {
  return docToPlainText(doc);
}

// ---------------------------------------------------------------------------------------------
// Markdown → tiptap JSON (marked's lexer)
// ---------------------------------------------------------------------------------------------

type Marks = RichMark[];

function withMark(marks: Marks, mark: RichMark): Marks {
  return marks.some((m) => m.type === mark.type) ? marks : [...marks, mark];
}

function textNode(text: string, marks: Marks): RichInline[] {
  if (!text) return [];
  return [marks.length ? { type: "text", text, marks: [...marks] } : { type: "text", text }];
}

/** Marked keeps the source's HTML entities in inline text (`&amp;`); turn the common ones back. */
function decodeEntities(s: string) {
  return s
    .replace(/&#(\d+);/g, (_, d: string) => safeFromCodePoint(Number(d)))
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => safeFromCodePoint(parseInt(h, 16)))
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&nbsp;/g, "\u00a0")
    .replace(/&amp;/g, "&");
}
function safeFromCodePoint(n: number) {
  return Number.isInteger(n) && n > 0 && n <= 0x10ffff && !(n >= 0xd800 && n <= 0xdfff)
    ? String.fromCodePoint(n)
    : "";
}

function inlineTokens(tokens: Token[] | undefined, marks: Marks = []): RichInline[] {
  const out: RichInline[] = [];
  for (const t of tokens ?? []) {
    switch (t.type) {
      case "strong":
        out.push(...inlineTokens((t as Tokens.Strong).tokens, withMark(marks, { type: "bold" })));
        break;
      case "em":
        out.push(...inlineTokens((t as Tokens.Em).tokens, withMark(marks, { type: "italic" })));
        break;
      case "del":
        out.push(...inlineTokens((t as Tokens.Del).tokens, marks));
        break;
      case "link": {
        const link = t as Tokens.Link;
        const inner = link.tokens?.length
          ? link.tokens
          : [{ type: "text", raw: link.text, text: link.text }];
        if (isSafeHref(link.href)) {
          const linkMark: RichMark = {
            type: "link",
            attrs: {
              href: link.href,
              target: null,
              rel: null,
              class: null,
              title: link.title || null,
            },
          };
          out.push(
            ...inlineTokens(inner as Token[], [
              ...marks.filter((m) => m.type !== "link"),
              linkMark,
            ]),
          );
        } else {
          out.push(...inlineTokens(inner as Token[], marks));
        }
        break;
      }
      case "image":
        // Markdown images point elsewhere; documents only hold resource-library images.
        out.push(...textNode((t as Tokens.Image).text, marks));
        break;
      case "br":
        out.push(marks.length ? { type: "hardBreak", marks: [...marks] } : { type: "hardBreak" });
        break;
      case "codespan":
        out.push(...textNode(decodeEntities((t as Tokens.Codespan).text), marks));
        break;
      case "escape":
        out.push(...textNode((t as Tokens.Escape).text, marks));
        break;
      case "html":
        // Raw HTML is kept as visible text, never as markup.
        out.push(...textNode((t as Tokens.HTML).text, marks));
        break;
      case "text": {
        const tt = t as Tokens.Text;
        if (tt.tokens?.length) out.push(...inlineTokens(tt.tokens, marks));
        else out.push(...textNode(decodeEntities(tt.text).replace(/\n/g, " "), marks));
        break;
      }
      default:
        if ("text" in t && typeof t.text === "string") out.push(...textNode(t.text, marks));
    }
  }
  return mergeAdjacentText(out);
}

function mergeAdjacentText(nodes: RichInline[]): RichInline[] {
  const out: RichInline[] = [];
  for (const n of nodes) {
    const prev = out[out.length - 1];
    if (
      prev &&
      prev.type === "text" &&
      n.type === "text" &&
      JSON.stringify(prev.marks ?? []) === JSON.stringify(n.marks ?? [])
    ) {
      out[out.length - 1] = { ...prev, text: prev.text + n.text };
    } else {
      out.push(n);
    }
  }
  return out;
}

function paragraph(content: RichInline[]): RichBlock {
  return content.length ? { type: "paragraph", content } : { type: "paragraph" };
}

function blockTokens(tokens: Token[]): RichBlock[] {
  const out: RichBlock[] = [];
  for (const t of tokens) {
    switch (t.type) {
      case "space":
      case "def":
        break;
      case "heading": {
        const h = t as Tokens.Heading;
        const level = Math.min(4, Math.max(2, h.depth)) as 2 | 3 | 4;
        const content = inlineTokens(h.tokens);
        out.push(
          content.length
            ? { type: "heading", attrs: { level }, content }
            : { type: "heading", attrs: { level } },
        );
        break;
      }
      case "paragraph":
        out.push(paragraph(inlineTokens((t as Tokens.Paragraph).tokens)));
        break;
      case "text": {
        const tt = t as Tokens.Text;
        out.push(paragraph(tt.tokens?.length ? inlineTokens(tt.tokens) : inlineTokens([tt])));
        break;
      }
      case "blockquote": {
        const inner = blockTokens((t as Tokens.Blockquote).tokens);
        out.push({ type: "blockquote", content: inner.length ? inner : [{ type: "paragraph" }] });
        break;
      }
      case "list": {
        const list = t as Tokens.List;
        const items: RichListItem[] = list.items.map((item) => {
          const inner = blockTokens(item.tokens);
          // ProseMirror wants a list item to start with a paragraph.
          if (!inner.length || inner[0]!.type !== "paragraph") inner.unshift({ type: "paragraph" });
          return { type: "listItem", content: inner };
        });
        if (!items.length) break;
        if (list.ordered) {
          const start = typeof list.start === "number" && list.start >= 0 ? list.start : 1;
          out.push({ type: "orderedList", attrs: { start, type: null }, content: items });
        } else {
          out.push({ type: "bulletList", content: items });
        }
        break;
      }
      case "table": {
        const table = t as Tokens.Table;
        const align = (a: "left" | "center" | "right" | null | undefined) => a ?? null;
        const cell = (
          kind: "tableHeader" | "tableCell",
          c: Tokens.TableCell,
          i: number,
        ): RichTableCell => ({
          type: kind,
          attrs: { colspan: 1, rowspan: 1, colwidth: null, align: align(table.align[i]) },
          content: [paragraph(inlineTokens(c.tokens))],
        });
        const rows = [
          {
            type: "tableRow" as const,
            content: table.header.map((c, i) => cell("tableHeader", c, i)),
          },
          ...table.rows.map((r) => ({
            type: "tableRow" as const,
            content: r.map((c, i) => cell("tableCell", c, i)),
          })),
        ];
        out.push({ type: "table", content: rows });
        break;
      }
      case "hr":
        out.push({ type: "horizontalRule" });
        break;
      case "code": {
        const lines = (t as Tokens.Code).text.split("\n");
        const content: RichInline[] = [];
        lines.forEach((line, i) => {
          if (i > 0) content.push({ type: "hardBreak" });
          content.push(...textNode(line, []));
        });
        out.push(paragraph(content));
        break;
      }
      case "html": {
        const text = (t as Tokens.HTML).text.trim();
        if (text) out.push(paragraph(textNode(text, [])));
        break;
      }
      default:
        if ("text" in t && typeof t.text === "string" && t.text.trim()) {
          out.push(paragraph(textNode(t.text, [])));
        }
    }
  }
  return out;
}

/** Markdown (CommonMark + GFM tables) → a tiptap document that passes validateDoc. */
export function markdownToDoc(md: string): RichDoc {
  const tokens = marked.lexer(md, { gfm: true });
  const content = blockTokens(tokens);
  return { type: "doc", content: content.length ? content : [{ type: "paragraph" }] };
}
