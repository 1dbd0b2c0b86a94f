/**
 * The XSS corpus (issue 14): 108 payloads (36 vectors, each bare, after `">` and after `'>`, so
 * they try to leave text, a double-quoted and a single-quoted attribute), and the check a page's
 * HTML must pass once they are in it: parsed as a browser parses it (happy-dom, no scripts run),
 * no element or attribute from a payload exists.
 */
import { Window } from "happy-dom";

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

/** Problems in a page's HTML: elements or attributes a payload put there. */
export function injectedProblems(html: string, nonce?: string): string[] {
  const window = new Window({ settings: { disableJavaScriptEvaluation: true, disableJavaScriptFileLoading: true, disableCSSFileLoading: true, navigation: { disableMainFrameNavigation: true } } });
  try {
    const doc = window.document;
    doc.write(html);
    const out: string[] = [];
    for (const el of Array.from(doc.querySelectorAll("*"))) {
      const tag = el.tagName.toLowerCase();
      if (el.hasAttribute("data-xss")) out.push(`<${tag} data-xss> from a payload`);
      for (const a of Array.from(el.attributes)) {
        const name = a.name.toLowerCase();
        if (name.startsWith("on")) out.push(`<${tag} ${name}=…>`);
        if (["href", "src", "action", "formaction", "data", "xlink:href", "srcdoc"].includes(name) && /^\s*(javascript|vbscript|data:text\/html)/i.test((a.value ?? "").replace(/[\u0000-\u001f]/g, "")))
          out.push(`<${tag} ${name}="${(a.value ?? "").slice(0, 40)}">`);
      }
      if (["iframe", "object", "embed", "base", "marquee"].includes(tag)) out.push(`a <${tag}> element`);
      if (tag === "meta" && el.getAttribute("http-equiv")) out.push("a <meta http-equiv>");
      if (tag === "script" && !el.getAttribute("nonce") && !/json/.test(el.getAttribute("type") ?? "")) out.push("a <script> without our nonce");
    }
    return [...new Set(out)];
  } finally {
    void window.happyDOM.close();
  }
}
