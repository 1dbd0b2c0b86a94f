import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import matter from "gray-matter";
import { Window } from "happy-dom";
import { isSafeHref, normalizeHrefInput } from "~/modules/catalog/richtext";
import {
  docToText,
  markdownToDoc,
  renderDocHtml,
  validateDoc,
} from "~/modules/catalog/richtext.server";

type J = Record<string, unknown>;
const doc = (...content: J[]): J => ({ type: "doc", content });
const p = (...content: J[]): J =>
  content.length ? { type: "paragraph", content } : { type: "paragraph" };
const text = (t: string, marks?: J[]): J =>
  marks ? { type: "text", text: t, marks } : { type: "text", text: t };
const link = (href: string, extra: J = {}): J => ({ type: "link", attrs: { href, ...extra } });
const linked = (href: string, extra: J = {}) => doc(p(text("点我", [link(href, extra)])));
const image = (attrs: J) => doc({ type: "image", attrs });

/** Everything that must never reach the page, judged on the markup (tags), not on escaped text. */
function assertHarmless(html: string) {
  // Text is escaped, so no raw tag can hide in it; attribute values are escaped too.
  expect(html).not.toMatch(/<script/i);
  // Tags with their quoted values blanked: what remains are element and attribute names.
  const tags = html.match(/<\/?[a-zA-Z][^\s>/]*(?:\s+[^\s"'>/=]+(?:="[^"]*")?)*\s*\/?>/g) ?? [];
  const markup = tags.map((t) => t.replace(/="[^"]*"/g, '=""')).join("");
  expect(
    html.replace(/<\/?[a-zA-Z][^\s>/]*(?:\s+[^\s"'>/=]+(?:="[^"]*")?)*\s*\/?>/g, ""),
  ).not.toMatch(/[<>]/);
  expect(markup).not.toMatch(/<(iframe|svg|style|object|embed|math|form|input|base|meta|link)\b/i);
  expect(markup).not.toMatch(/\son\w+\s*=/i);
  const urls = tags.flatMap((t) => [...t.matchAll(/\s(?:href|src)="([^"]*)"/g)].map((m) => m[1]!));
  for (const url of urls) {
    expect(url.toLowerCase()).not.toMatch(/^\s*(javascript|vbscript|data):/);
    expect(url).toMatch(/^(https?:\/\/|mailto:|\/(?!\/)|$)/i);
  }
  // The same through a real HTML parser: no event-handler attributes, only safe targets.
  const window = new Window();
  const document = window.document;
  const root = document.createElement("div");
  root.innerHTML = html;
  for (const el of Array.from(root.querySelectorAll("*"))) {
    for (const attr of Array.from(el.attributes)) {
      expect(attr.name.toLowerCase().startsWith("on")).toBe(false);
      // Only the styles tiptap itself writes for tables (widths, cell alignment).
      if (attr.name.toLowerCase() === "style") {
        expect(attr.value).toMatch(/^((min-)?width: \d+px|text-align: (left|center|right));?$/);
      }
    }
    expect(["SCRIPT", "IFRAME", "SVG", "STYLE", "OBJECT", "EMBED"]).not.toContain(el.tagName);
  }
  for (const img of Array.from(root.querySelectorAll("img"))) {
    expect(img.getAttribute("src")).toMatch(/^\/resources\/\d+$/);
  }
  for (const a of Array.from(root.querySelectorAll("a"))) {
    const href = a.getAttribute("href") ?? "";
    expect(href === "" || /^(https?:\/\/|mailto:|\/(?!\/))/i.test(href)).toBe(true);
    expect(a.getAttribute("rel")).toBe("noopener noreferrer nofollow");
  }
  window.close();
}

function deep(levels: number): J {
  let node: J = p(text("底"));
  for (let i = 0; i < levels; i++) node = { type: "blockquote", content: [node] };
  return doc(node);
}

const payloads: Array<[string, unknown]> = [
  ["script node", doc({ type: "script", content: [text("alert(1)")] })],
  ["script node inside a paragraph", doc(p({ type: "script", text: "alert(1)" }))],
  ["html node", doc({ type: "html", content: "<img src=x onerror=alert(1)>" })],
  ["rawHTML node", doc({ type: "rawHTML", attrs: { html: "<script>alert(1)</script>" } })],
  ["iframe node", doc({ type: "iframe", attrs: { src: "https://evil.example/" } })],
  ["svg node", doc({ type: "svg", content: [{ type: "script", text: "alert(1)" }] })],
  [
    "style node",
    doc({ type: "style", content: [text("body{background:url(javascript:alert(1))}")] }),
  ],
  ["codeBlock (not in our list)", doc({ type: "codeBlock", content: [text("x")] })],
  ["node type in another case", doc({ type: "Paragraph", content: [text("x")] })],
  [
    "onclick attribute on a paragraph",
    doc({ type: "paragraph", attrs: { onclick: "alert(1)" }, content: [text("x")] }),
  ],
  [
    "style attribute on a paragraph",
    doc({ type: "paragraph", attrs: { style: "position:fixed" } }),
  ],
  [
    "id attribute on a heading",
    doc({ type: "heading", attrs: { level: 2, id: 'x" onload="alert(1)' }, content: [text("x")] }),
  ],
  ["heading level 1", doc({ type: "heading", attrs: { level: 1 }, content: [text("x")] })],
  ["onerror attribute on an image", image({ src: "/resources/1", onerror: "alert(1)" })],
  ["image from javascript:", image({ src: "javascript:alert(1)" })],
  [
    "image from data: svg",
    image({ src: "data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+" }),
  ],
  ["image from data: png", image({ src: "data:image/png;base64,iVBORw0KGgo=" })],
  ["image from a foreign host", image({ src: "https://evil.example/x.png" })],
  ["image protocol-relative", image({ src: "//evil.example/resources/1" })],
  ["image src breaking out of the attribute", image({ src: '/resources/1" onerror="alert(1)' })],
  ["image path traversal", image({ src: "/resources/../../etc/passwd" })],
  ["image foreign host with our path", image({ src: "https://evil.example/resources/1" })],
  ["link javascript:", linked("javascript:alert(1)")],
  ["link JAVASCRIPT: upper case", linked("JAVASCRIPT:alert(1)")],
  ["link JaVaScRiPt: mixed case", linked("JaVaScRiPt:alert(1)")],
  ["link with leading space", linked(" javascript:alert(1)")],
  ["link with a tab inside the scheme", linked("java\tscript:alert(1)")],
  ["link with a newline inside the scheme", linked("java\nscript:alert(1)")],
  ["link with a NUL before the scheme", linked("\u0000javascript:alert(1)")],
  ["link with a zero-width space", linked("\u200bjavascript:alert(1)")],
  ["link with decimal entity", linked("&#106;avascript:alert(1)")],
  ["link with hex entity", linked("&#x6A;avascript:alert(1)")],
  ["link with &colon; entity", linked("javascript&colon;alert(1)")],
  ["link with full-width letters", linked("ｊａｖａｓｃｒｉｐｔ:alert(1)")],
  ["link data: html", linked("data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==")],
  ["link vbscript:", linked("vbscript:msgbox(1)")],
  ["link VBScript: mixed case", linked("VBScript:msgbox(1)")],
  ["link file:", linked("file:///etc/passwd")],
  ["link protocol-relative", linked("//evil.example/")],
  ["link with backslashes", linked("/\\evil.example/")],
  ["link https: without slashes", linked("https:javascript:alert(1)")],
  ["link breaking out of href", linked('https://x.example" onmouseover="alert(1)')],
  ["link with onclick attribute", linked("https://x.example/", { onclick: "alert(1)" })],
  ["link with class", linked("https://x.example/", { class: "evil" })],
  ["link with odd target", linked("https://x.example/", { target: "javascript:alert(1)" })],
  ["link with forged rel", linked("https://x.example/", { rel: "opener" })],
  ["unknown mark code", doc(p(text("x", [{ type: "code" }])))],
  [
    "unknown mark style",
    doc(
      p(
        text("x", [{ type: "textStyle", attrs: { style: "background:url(javascript:alert(1))" } }]),
      ),
    ),
  ],
  ["bold with attributes", doc(p(text("x", [{ type: "bold", attrs: { style: "color:red" } }])))],
  [
    "table cell with style",
    doc({
      type: "table",
      content: [
        {
          type: "tableRow",
          content: [{ type: "tableCell", attrs: { style: "x" }, content: [p(text("x"))] }],
        },
      ],
    }),
  ],
  [
    "table cell align injection",
    doc({
      type: "table",
      content: [
        {
          type: "tableRow",
          content: [
            {
              type: "tableCell",
              attrs: { align: "left;background:url(javascript:alert(1))" },
              content: [p(text("x"))],
            },
          ],
        },
      ],
    }),
  ],
  [
    "ordered list type injection",
    doc({
      type: "orderedList",
      attrs: { type: '1" onclick="alert(1)' },
      content: [{ type: "listItem", content: [p(text("x"))] }],
    }),
  ],
  ["content as an HTML string", { type: "doc", content: "<script>alert(1)</script>" }],
  ["text that is not a string", doc(p({ type: "text", text: { toString: "<script>" } }))],
  ["over-deep document", deep(10_000)],
  ["over-large document", doc(...Array.from({ length: 25_000 }, () => p(text("字"))))],
  ["over-long text", doc(p(text("长".repeat(250_000))))],
  ["top level is not a doc", { type: "paragraph", content: [text("x")] }],
  [
    "JSON with __proto__",
    '{"type":"doc","content":[{"type":"paragraph","__proto__":{"onclick":"alert(1)"},"attrs":{"onclick":"x"}}]}',
  ],
  ["broken JSON string", '{"type":"doc","content":[<script>'],
  // Accepted as harmless text: must render with nothing executable.
  ["script tag as text", doc(p(text("<script>alert(1)</script>")))],
  ["img onerror as text", doc(p(text('"><img src=x onerror=alert(1)>')))],
  ["javascript: as text", doc(p(text("javascript:alert(1)")))],
  ["svg onload as text", doc(p(text("<svg/onload=alert(1)>")))],
  [
    "alt attribute injection",
    image({
      src: "/resources/7",
      alt: '"><script>alert(1)</script>',
      title: '" onerror="alert(1)',
    }),
  ],
  ["link title injection", linked("https://x.example/", { title: '" onmouseover="alert(1)' })],
  ["https link with quotes in the path", linked('https://x.example/"onmouseover="alert(1)')],
  [
    "JSON string with markup in text",
    '{"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":"</p><script>alert(1)</script>"}]}]}',
  ],
];

describe("validateDoc against XSS payloads", () => {
  it("has at least 30 payloads", () => {
    expect(payloads.length).toBeGreaterThanOrEqual(30);
  });

  it.each(payloads)(
    "%s: refused with a Chinese message, or rendered harmless",
    (_name, payload) => {
      const result = validateDoc(payload);
      if (!result.ok) {
        expect(result.message).toMatch(/[\u4e00-\u9fff]/);
        expect(() => renderDocHtml(payload)).toThrow(/[\u4e00-\u9fff]/);
        return;
      }
      assertHarmless(renderDocHtml(result.doc));
    },
  );

  it("refuses the dangerous ones outright (not just blanks them)", () => {
    const mustRefuse = payloads.filter(
      ([name]) =>
        /node|attribute|image|link (?!title)|unknown mark|data|javascript|vbscript|over-|entity|scheme|cell|type injection|__proto__|broken/i.test(
          name,
        ) && !/as text|quotes in the path|title injection|alt attribute/.test(name),
    );
    expect(mustRefuse.length).toBeGreaterThan(30);
    for (const [name, payload] of mustRefuse) {
      expect(validateDoc(payload).ok, name).toBe(false);
    }
  });

  it("explains what is wrong in Chinese", () => {
    expect(validateDoc(doc({ type: "script" }))).toEqual({
      ok: false,
      message: "正文包含不支持的内容类型「script」，请删除后再保存。",
    });
    const js = validateDoc(linked("javascript:alert(1)"));
    expect(js.ok === false && js.message).toContain("链接只能是");
    const img = validateDoc(image({ src: "https://evil.example/x.png" }));
    expect(img.ok === false && img.message).toContain("资源库");
    const deepResult = validateDoc(deep(10_000));
    expect(deepResult.ok === false && deepResult.message).toContain("嵌套");
    const big = validateDoc(doc(...Array.from({ length: 25_000 }, () => p(text("字")))));
    expect(big.ok === false && big.message).toContain("过多");
  });
});

describe("what a document may hold", () => {
  const full = doc(
    { type: "heading", attrs: { level: 2 }, content: [text("第一讲")] },
    { type: "heading", attrs: { level: 4 }, content: [text("小节")] },
    p(
      text("加粗", [{ type: "bold" }]),
      text(" 斜体", [{ type: "italic" }]),
      { type: "hardBreak" },
      text("下一行"),
    ),
    p(
      text("官网", [
        {
          type: "link",
          attrs: {
            href: "https://www.xm.gov.cn/",
            target: null,
            rel: "noopener noreferrer nofollow",
            class: null,
            title: null,
          },
        },
      ]),
      text(" 邮件", [link("mailto:academy@example.cn")]),
      text(" 站内", [link("/courses/HS-0001")]),
    ),
    {
      type: "bulletList",
      content: [
        {
          type: "listItem",
          content: [
            p(text("一")),
            {
              type: "orderedList",
              attrs: { start: 3, type: null },
              content: [{ type: "listItem", content: [p(text("三"))] }],
            },
          ],
        },
      ],
    },
    { type: "blockquote", content: [p(text("引用"))] },
    { type: "horizontalRule" },
    {
      type: "image",
      attrs: { src: "/resources/12", alt: "鼓浪屿", title: null, width: null, height: null },
    },
    {
      type: "table",
      content: [
        {
          type: "tableRow",
          content: [
            {
              type: "tableHeader",
              attrs: { colspan: 1, rowspan: 1, colwidth: null },
              content: [p(text("类别"))],
            },
          ],
        },
        {
          type: "tableRow",
          content: [
            {
              type: "tableCell",
              attrs: { colspan: 1, rowspan: 1, colwidth: null, align: "center" },
              content: [p(text("可回收物"))],
            },
          ],
        },
      ],
    },
  );

  it("accepts every allowed node and mark and renders them", () => {
    const result = validateDoc(full);
    expect(result.ok).toBe(true);
    const html = renderDocHtml(full);
    for (const tag of [
      "<h2>",
      "<h4>",
      "<strong>",
      "<em>",
      "<br>",
      "<ul>",
      '<ol start="3">',
      "<blockquote>",
      "<hr>",
      "<table",
      "<th",
      "<td",
    ]) {
      expect(html).toContain(tag);
    }
    expect(html).toContain('<img src="/resources/12" alt="鼓浪屿">');
    expect(html).toContain('href="https://www.xm.gov.cn/"');
    expect(html).toContain('href="mailto:academy@example.cn"');
    expect(html).toContain('href="/courses/HS-0001"');
    expect(html).toContain('rel="noopener noreferrer nofollow"');
    assertHarmless(html);
  });

  it("accepts the same document as a JSON string (what the form field carries)", () => {
    expect(validateDoc(JSON.stringify(full)).ok).toBe(true);
  });

  it("refuses a list item that does not start with a paragraph (ProseMirror's content model)", () => {
    const bad = doc({
      type: "bulletList",
      content: [
        {
          type: "listItem",
          content: [
            { type: "bulletList", content: [{ type: "listItem", content: [p(text("x"))] }] },
          ],
        },
      ],
    });
    const result = validateDoc(bad);
    expect(result.ok).toBe(false);
  });

  it("extracts plain text for search", () => {
    const t = docToText(full as never);
    expect(t).toContain("第一讲");
    expect(t).toContain("可回收物");
    expect(t).toContain("鼓浪屿");
    expect(t).not.toContain("<");
  });

  it("knows safe hrefs and normalises typed ones", () => {
    expect(isSafeHref("https://example.cn/a?b=1&c=2#d")).toBe(true);
    expect(isSafeHref("HTTP://EXAMPLE.CN")).toBe(true);
    expect(isSafeHref("ftp://example.cn")).toBe(false);
    expect(normalizeHrefInput("www.xm.gov.cn")).toBe("https://www.xm.gov.cn");
    expect(normalizeHrefInput("a@b.cn")).toBe("mailto:a@b.cn");
    expect(normalizeHrefInput("javascript:alert(1)")).toBe("javascript:alert(1)");
  });
});

describe("markdownToDoc", () => {
  it("covers headings, paragraphs, marks, nested lists, quotes, GFM tables, links and rules", () => {
    const md = [
      "# 大标题",
      "## 课程简介",
      '这是**加粗**和*斜体*，还有[厦门](https://www.xm.gov.cn/ "厦门")。',
      "",
      "- 第一项",
      "  - 嵌套项",
      "- 第二项",
      "",
      "3. 三",
      "4. 四",
      "",
      "> 引用的话",
      "",
      "| 类别 | 颜色 |",
      "|---|:---:|",
      "| 可回收物 | 蓝色 |",
      "",
      "---",
      "",
      "[坏链接](javascript:alert(1)) <script>alert(1)</script> ![外图](https://evil.example/x.png)",
    ].join("\n");
    const d = markdownToDoc(md);
    const result = validateDoc(d);
    expect(result.ok).toBe(true);
    const types = d.content.map((n) => n.type);
    expect(types).toEqual([
      "heading",
      "heading",
      "paragraph",
      "bulletList",
      "orderedList",
      "blockquote",
      "table",
      "horizontalRule",
      "paragraph",
    ]);
    const html = renderDocHtml(d);
    expect(html).toContain("<h2>大标题</h2>");
    expect(html).toContain("<strong>加粗</strong>");
    expect(html).toContain("<em>斜体</em>");
    expect(html).toMatch(/<li><p>第一项<\/p><ul><li><p>嵌套项<\/p><\/li><\/ul><\/li>/);
    expect(html).toContain('<ol start="3">');
    expect(html).toContain("<th");
    expect(html).toContain("text-align: center");
    expect(html).toContain('href="https://www.xm.gov.cn/"');
    expect(html).toContain("坏链接");
    expect(html).toContain("&lt;script&gt;");
    assertHarmless(html);
  });

  const root = path.resolve(__dirname, "../../content/courses");
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith(".md")) files.push(full);
    }
  };
  walk(root);

  it("finds the starter course files", () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files.map((f) => [path.relative(root, f), f]))(
    "%s validates and renders",
    (_rel, file) => {
      const { content } = matter(readFileSync(file, "utf8"));
      const d = markdownToDoc(content);
      const result = validateDoc(d);
      if (!result.ok) throw new Error(result.message);
      const html = renderDocHtml(d);
      expect(html).toMatch(/<h[234]>/);
      assertHarmless(html);
      expect(docToText(d).length).toBeGreaterThan(50);
    },
  );
});
