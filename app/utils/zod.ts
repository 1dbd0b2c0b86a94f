import { z } from "zod";

// The Chinese locale is the fallback; user-facing fields carry their own sentences.
z.config(z.locales.zhCN());
// In the browser our CSP forbids eval, so zod's compiled object parsers can never run there; without
// this, zod probes `new Function("")` once and every hydrated page reports a CSP violation
// (tests/e2e/xss-browser.spec.ts). Set before any schema is built (it is read per schema).
if (typeof document !== "undefined") z.config({ jitless: true });

export { z };
