/**
 * Rich text (教学大纲) shared by the browser editor and the server: one tiptap extension list and
 * one zod schema of the document those extensions produce. Pure — no DOM, no database — so the
 * editor (app/components/rich-editor.tsx) and the server (richtext.server.ts) agree by construction.
 *
 * What a document may hold, and nothing else:
 *   nodes  doc, paragraph, heading (levels 2–4), text, hardBreak, bulletList, orderedList, listItem,
 *          blockquote, horizontalRule, image, table, tableRow, tableHeader, tableCell
 *   marks  bold, italic, link
 * Links: http://, https://, mailto: or a path on this site (`/courses/HS-0001`); images: only our own
 * resource route `/resources/<id>`. Everything else is refused with a Chinese sentence.
 */
import type { AnyExtension } from "@tiptap/core";
import { Image } from "@tiptap/extension-image";
import { Link } from "@tiptap/extension-link";
import { Table, TableCell, TableHeader, TableRow } from "@tiptap/extension-table";
import { StarterKit } from "@tiptap/starter-kit";
import { z } from "~/utils/zod";

export const LINK_REL = "noopener noreferrer nofollow";
export const HEADING_LEVELS = [2, 3, 4] as const;

/** Limits that keep a hostile document from exhausting the server. */
export const RICH_LIMITS = {
  /** Nesting of `content` arrays (doc → list → item → list … → text). */
  maxDepth: 24,
  maxNodes: 20_000,
  /** Characters of text across the whole document. */
  maxTextChars: 200_000,
  maxHrefLength: 2_000,
  maxAttrText: 500,
} as const;

// ---------------------------------------------------------------------------------------------
// URL rules
// ---------------------------------------------------------------------------------------------

/** Whitespace, C0/C1 control characters, zero-width and bidi characters: never inside a URL we keep. */
const UNSAFE_URL_CHARS =
  // eslint-disable-next-line no-control-regex
  /[\s\u0000-\u001f\u007f-\u009f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/;

/**
 * A link target we render: `http(s)://host…`, `mailto:…` or a same-site path `/…` (not `//host`).
 * Everything is judged on the raw string: whitespace or control characters anywhere, entity
 * spellings (`&#106;avascript:`), backslashes in the scheme part, or any other scheme are refused.
 */
export function isSafeHref(href: unknown): href is string {
  if (typeof href !== "string") return false;
  if (href.length === 0 || href.length > RICH_LIMITS.maxHrefLength) return false;
  if (UNSAFE_URL_CHARS.test(href)) return false;
  if (href.includes("\\")) return false;
  if (/^\/(?!\/)/.test(href)) return true; // same-site path
  const m = /^([a-z][a-z0-9+.-]*):/i.exec(href);
  if (!m) return false;
  const scheme = m[1]!.toLowerCase();
  if (scheme === "mailto") return /^mailto:[^<>"']+@[^<>"']+$/i.test(href);
  if (scheme !== "http" && scheme !== "https") return false;
  if (!/^https?:\/\/[^/?#<>"'`]+/i.test(href)) return false;
  try {
    const url = new URL(href);
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname.length > 0;
  } catch {
    return false;
  }
}

/** `/resources/<id>` — the only image source a document may use. */
export const RESOURCE_IMAGE_SRC = /^\/resources\/([1-9][0-9]{0,9})$/;

export function isResourceImageSrc(src: unknown): src is string {
  return typeof src === "string" && RESOURCE_IMAGE_SRC.test(src);
}

export function resourceImageSrc(resourceId: number) {
  return `/resources/${resourceId}`;
}

/** What the editor does with a link someone typed: add https:// to a bare host, else keep it. */
export function normalizeHrefInput(input: string): string {
  const s = input.trim();
  if (/^(www\.)?[a-z0-9-]+(\.[a-z0-9-]+)+([/?#].*)?$/i.test(s)) return `https://${s}`;
  if (/^[^@\s/:]+@[^@\s/:]+\.[a-z]{2,}$/i.test(s)) return `mailto:${s}`;
  return s;
}

// ---------------------------------------------------------------------------------------------
// Extensions: the same list builds the editor and the server HTML.
// ---------------------------------------------------------------------------------------------

export function richTextExtensions(): AnyExtension[] {
  return [
    StarterKit.configure({
      heading: { levels: [...HEADING_LEVELS] },
      code: false,
      codeBlock: false,
      strike: false,
      underline: false,
      link: false, // configured below
    }),
    Link.extend({
      addAttributes() {
        return {
          ...this.parent?.(),
          // Whatever a stored document says, every link renders with our rel.
          rel: { default: LINK_REL, renderHTML: () => ({ rel: LINK_REL }) },
        };
      },
    }).configure({
      openOnClick: false,
      autolink: true,
      linkOnPaste: true,
      protocols: [],
      defaultProtocol: "https",
      isAllowedUri: (url) => isSafeHref(url),
      HTMLAttributes: { rel: LINK_REL, target: null, class: null },
    }),
    Image.configure({ inline: false, allowBase64: false }),
    Table.configure({ resizable: false, renderWrapper: false }),
    TableRow,
    TableHeader,
    TableCell,
  ];
}

// ---------------------------------------------------------------------------------------------
// The document schema
// ---------------------------------------------------------------------------------------------

export type RichMark =
  | { type: "bold" }
  | { type: "italic" }
  | {
      type: "link";
      attrs: {
        href: string;
        target?: "_blank" | null;
        rel?: string | null;
        class?: null;
        title?: string | null;
      };
    };

export type RichText = { type: "text"; text: string; marks?: RichMark[] };
export type RichHardBreak = { type: "hardBreak"; marks?: RichMark[] };
export type RichInline = RichText | RichHardBreak;

export type RichParagraph = {
  type: "paragraph";
  attrs?: Record<string, never>;
  content?: RichInline[];
};
export type RichHeading = { type: "heading"; attrs: { level: 2 | 3 | 4 }; content?: RichInline[] };
export type RichBlockquote = { type: "blockquote"; content: RichBlock[] };
export type RichListItem = { type: "listItem"; content: RichBlock[] };
export type RichBulletList = { type: "bulletList"; content: RichListItem[] };
export type RichOrderedList = {
  type: "orderedList";
  attrs?: { start?: number; type?: "1" | "a" | "A" | "i" | "I" | null };
  content: RichListItem[];
};
export type RichHorizontalRule = { type: "horizontalRule" };
export type RichImage = {
  type: "image";
  attrs: {
    src: string;
    alt?: string | null;
    title?: string | null;
    width?: number | null;
    height?: number | null;
  };
};
export type RichCellAttrs = {
  colspan?: number;
  rowspan?: number;
  colwidth?: number[] | null;
  align?: "left" | "center" | "right" | null;
};
export type RichTableCell = {
  type: "tableCell" | "tableHeader";
  attrs?: RichCellAttrs;
  content: RichBlock[];
};
export type RichTableRow = { type: "tableRow"; content: RichTableCell[] };
export type RichTable = { type: "table"; content: RichTableRow[] };
export type RichBlock =
  | RichParagraph
  | RichHeading
  | RichBlockquote
  | RichBulletList
  | RichOrderedList
  | RichHorizontalRule
  | RichImage
  | RichTable;
export type RichDoc = { type: "doc"; content: RichBlock[] };

const NODE_LABELS: Record<string, string> = {
  doc: "文档",
  paragraph: "段落",
  heading: "标题",
  text: "文字",
  hardBreak: "换行",
  bulletList: "项目列表",
  orderedList: "编号列表",
  listItem: "列表项",
  blockquote: "引用",
  horizontalRule: "分隔线",
  image: "图片",
  table: "表格",
  tableRow: "表格行",
  tableHeader: "表头单元格",
  tableCell: "表格单元格",
};

function typeOf(input: unknown): string {
  if (input && typeof input === "object" && "type" in input) {
    const t = (input as { type: unknown }).type;
    if (typeof t === "string") return t.slice(0, 40);
  }
  return "";
}

function unknownNodeMessage(where: string) {
  return (iss: { input?: unknown }) => {
    const t = typeOf(iss.input);
    if (!t) return `正文格式不正确：${where}缺少类型。`;
    if (NODE_LABELS[t]) return `正文格式不正确：${NODE_LABELS[t]}不能放在${where}。`;
    return `正文包含不支持的内容类型「${t}」，请删除后再保存。`;
  };
}

const attrText = z
  .string({ error: "图片说明必须是文字。" })
  .max(RICH_LIMITS.maxAttrText, { error: `图片说明不能超过 ${RICH_LIMITS.maxAttrText} 个字。` })
  .nullable()
  .optional();

const dimension = z
  .number({ error: "图片尺寸必须是数字。" })
  .int({ error: "图片尺寸必须是整数。" })
  .min(1, { error: "图片尺寸必须大于 0。" })
  .max(4000, { error: "图片尺寸不能超过 4000。" })
  .nullable()
  .optional();

const hrefSchema = z.string({ error: "链接地址必须是文字。" }).refine(isSafeHref, {
  error: "链接只能是 http://、https:// 或 mailto: 开头的地址（或本站的 / 路径），请修改后再保存。",
});

const BoldMark = z.strictObject({ type: z.literal("bold") }, { error: "加粗格式不能带额外属性。" });
const ItalicMark = z.strictObject(
  { type: z.literal("italic") },
  { error: "斜体格式不能带额外属性。" },
);
const LinkMark = z.strictObject(
  {
    type: z.literal("link"),
    attrs: z.strictObject(
      {
        href: hrefSchema,
        target: z.enum(["_blank"], { error: "链接的打开方式不受支持。" }).nullable().optional(),
        // Whatever arrives, we render our own rel (LINK_REL); accept only that value or nothing.
        rel: z.literal(LINK_REL, { error: "链接的 rel 属性不受支持。" }).nullable().optional(),
        class: z.null({ error: "链接不能带样式类。" }).optional(),
        title: attrText,
      },
      { error: "链接带有不支持的属性。" },
    ),
  },
  { error: "链接格式不正确。" },
);

const Mark = z.discriminatedUnion("type", [BoldMark, ItalicMark, LinkMark], {
  error: (iss) => {
    const t = typeOf(iss.input);
    return t ? `正文包含不支持的文字格式「${t}」，请删除后再保存。` : "正文的文字格式缺少类型。";
  },
});
const Marks = z
  .array(Mark, { error: "文字格式必须是列表。" })
  .max(3, { error: "同一段文字的格式过多。" })
  .optional();

const TextNode = z.strictObject(
  {
    type: z.literal("text"),
    text: z.string({ error: "文字内容必须是字符串。" }).min(1, { error: "正文里有空的文字节点。" }),
    marks: Marks,
  },
  { error: "文字节点带有不支持的属性。" },
);
const HardBreakNode = z.strictObject(
  { type: z.literal("hardBreak"), marks: Marks },
  { error: "换行不能带额外属性。" },
);

const Inline = z.discriminatedUnion("type", [TextNode, HardBreakNode], {
  error: unknownNodeMessage("一段文字里"),
});
const InlineContent = z.array(Inline, { error: "段落内容必须是列表。" }).optional();

const Block: z.ZodType<RichBlock> = z.lazy(() => BlockUnion) as unknown as z.ZodType<RichBlock>;
const Blocks = (label: string) =>
  z.array(Block, { error: `${label}的内容必须是列表。` }).min(1, { error: `${label}不能是空的。` });

const ParagraphNode = z.strictObject(
  {
    type: z.literal("paragraph"),
    attrs: z.strictObject({}, { error: "段落不能带额外属性。" }).optional(),
    content: InlineContent,
  },
  { error: "段落带有不支持的属性。" },
);

const HeadingNode = z.strictObject(
  {
    type: z.literal("heading"),
    attrs: z.strictObject(
      {
        level: z.union([z.literal(2), z.literal(3), z.literal(4)], {
          error: "标题只能是二级、三级或四级。",
        }),
      },
      { error: "标题带有不支持的属性。" },
    ),
    content: InlineContent,
  },
  { error: "标题带有不支持的属性。" },
);

const BlockquoteNode = z.strictObject(
  { type: z.literal("blockquote"), content: Blocks("引用") },
  { error: "引用带有不支持的属性。" },
);

const ListItemNode = z.strictObject(
  { type: z.literal("listItem"), content: Blocks("列表项") },
  { error: "列表项带有不支持的属性。" },
);
const ListItems = z
  .array(z.discriminatedUnion("type", [ListItemNode], { error: unknownNodeMessage("列表里") }), {
    error: "列表内容必须是列表项。",
  })
  .min(1, { error: "列表不能是空的。" });

const BulletListNode = z.strictObject(
  { type: z.literal("bulletList"), content: ListItems },
  { error: "项目列表带有不支持的属性。" },
);
const OrderedListNode = z.strictObject(
  {
    type: z.literal("orderedList"),
    attrs: z
      .strictObject(
        {
          start: z
            .number({ error: "编号必须是数字。" })
            .int({ error: "编号必须是整数。" })
            .min(0, { error: "编号不能小于 0。" })
            .max(100_000, { error: "编号过大。" })
            .optional(),
          type: z
            .enum(["1", "a", "A", "i", "I"], { error: "编号样式不受支持。" })
            .nullable()
            .optional(),
        },
        { error: "编号列表带有不支持的属性。" },
      )
      .optional(),
    content: ListItems,
  },
  { error: "编号列表带有不支持的属性。" },
);

const HorizontalRuleNode = z.strictObject(
  { type: z.literal("horizontalRule") },
  { error: "分隔线不能带额外属性。" },
);

const ImageNode = z.strictObject(
  {
    type: z.literal("image"),
    attrs: z.strictObject(
      {
        src: z.string({ error: "图片地址必须是文字。" }).refine(isResourceImageSrc, {
          error: "图片只能从资源库中选择，不能使用外部地址或内嵌数据。",
        }),
        alt: attrText,
        title: attrText,
        width: dimension,
        height: dimension,
      },
      { error: "图片带有不支持的属性。" },
    ),
  },
  { error: "图片带有不支持的属性。" },
);

const span = z
  .number({ error: "单元格跨度必须是数字。" })
  .int({ error: "单元格跨度必须是整数。" })
  .min(1, { error: "单元格跨度至少为 1。" })
  .max(50, { error: "单元格跨度过大。" })
  .optional();
const CellAttrs = z
  .strictObject(
    {
      colspan: span,
      rowspan: span,
      colwidth: z
        .array(z.number().int().min(1).max(4000), { error: "列宽格式不正确。" })
        .max(50)
        .nullable()
        .optional(),
      align: z
        .enum(["left", "center", "right"], { error: "单元格对齐方式不受支持。" })
        .nullable()
        .optional(),
    },
    { error: "单元格带有不支持的属性。" },
  )
  .optional();
const TableCellNode = z.strictObject(
  { type: z.literal("tableCell"), attrs: CellAttrs, content: Blocks("单元格") },
  { error: "单元格带有不支持的属性。" },
);
const TableHeaderNode = z.strictObject(
  { type: z.literal("tableHeader"), attrs: CellAttrs, content: Blocks("表头单元格") },
  { error: "表头单元格带有不支持的属性。" },
);
const TableRowNode = z.strictObject(
  {
    type: z.literal("tableRow"),
    content: z
      .array(
        z.discriminatedUnion("type", [TableCellNode, TableHeaderNode], {
          error: unknownNodeMessage("表格行里"),
        }),
        { error: "表格行的内容必须是单元格。" },
      )
      .min(1, { error: "表格行不能是空的。" })
      .max(50, { error: "表格的列数不能超过 50。" }),
  },
  { error: "表格行带有不支持的属性。" },
);
const TableNode = z.strictObject(
  {
    type: z.literal("table"),
    content: z
      .array(
        z.discriminatedUnion("type", [TableRowNode], { error: unknownNodeMessage("表格里") }),
        { error: "表格的内容必须是表格行。" },
      )
      .min(1, { error: "表格不能是空的。" })
      .max(1000, { error: "表格的行数不能超过 1000。" }),
  },
  { error: "表格带有不支持的属性。" },
);

const BlockUnion = z.discriminatedUnion(
  "type",
  [
    ParagraphNode,
    HeadingNode,
    BlockquoteNode,
    BulletListNode,
    OrderedListNode,
    HorizontalRuleNode,
    ImageNode,
    TableNode,
  ],
  { error: unknownNodeMessage("这里") },
);

/** Depth, node count and text size, checked before the structural schema ever recurses. */
export function docLimitsProblem(input: unknown): string | null {
  let nodes = 0;
  let chars = 0;
  const stack: Array<[unknown, number]> = [[input, 1]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (depth > RICH_LIMITS.maxDepth) return "正文嵌套层级过深，请减少列表或引用的嵌套。";
    if (++nodes > RICH_LIMITS.maxNodes) return "正文内容过多，请拆分后再保存。";
    if (!node || typeof node !== "object" || Array.isArray(node)) continue;
    const n = node as { text?: unknown; content?: unknown };
    if (typeof n.text === "string") {
      chars += n.text.length;
      if (chars > RICH_LIMITS.maxTextChars) {
        return `正文不能超过 ${RICH_LIMITS.maxTextChars.toLocaleString("zh-CN")} 个字。`;
      }
    }
    if (Array.isArray(n.content)) {
      if (n.content.length > RICH_LIMITS.maxNodes) return "正文内容过多，请拆分后再保存。";
      for (const child of n.content) stack.push([child, depth + 1]);
    }
  }
  return null;
}

const DocShape = z.strictObject(
  {
    type: z.literal("doc", { error: "正文格式不正确：最外层必须是文档。" }),
    content: z
      .array(Block, { error: "正文格式不正确：文档内容必须是列表。" })
      .min(1, { error: "正文不能是空的。" }),
  },
  { error: "正文格式不正确。" },
);

/**
 * The whole document: limits first (so a 10 000-deep document never reaches the recursive
 * schema), then exactly the nodes, marks and attributes listed above.
 */
export const richDocSchema: z.ZodType<RichDoc> = z
  .unknown()
  .superRefine((value, ctx) => {
    if (!value || typeof value !== "object" || Array.isArray(value)) {
      ctx.addIssue({ code: "custom", message: "正文格式不正确。" });
      return;
    }
    const problem = docLimitsProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  })
  .pipe(DocShape) as unknown as z.ZodType<RichDoc>;

/** An empty document: one empty paragraph (what the editor starts from). */
export function emptyDoc(): RichDoc {
  return { type: "doc", content: [{ type: "paragraph" }] };
}

export function isEmptyDoc(doc: RichDoc) {
  return docToPlainText(doc).trim() === "" && !JSON.stringify(doc).includes('"image"');
}

/** Plain text of a document, blocks separated by newlines (pure; also used for search). */
export function docToPlainText(doc: RichDoc): string {
  const out: string[] = [];
  const walk = (node: { type: string; text?: string; content?: unknown[] }) => {
    if (node.type === "text") {
      out.push(node.text ?? "");
      return;
    }
    if (node.type === "hardBreak") {
      out.push("\n");
      return;
    }
    if (node.type === "image") {
      const alt = (node as RichImage).attrs?.alt;
      if (alt) out.push(alt);
    }
    for (const child of (node.content ?? []) as Array<{ type: string }>) walk(child);
    if (node.type !== "doc" && node.type !== "text") {
      if (node.type === "tableCell" || node.type === "tableHeader") out.push(" ");
      else if (
        !["listItem", "tableRow", "table", "bulletList", "orderedList", "blockquote"].includes(
          node.type,
        )
      )
        out.push("\n");
    }
  };
  walk(doc);
  return out
    .join("")
    .replace(/[ \t]+\n/g, "\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}
