import { assertSameOrigin } from "~/utils/csrf.server";
import { safeRedirectPath } from "~/utils/http";
import { securityHeaders } from "~/utils/security.server";

function post(headers: Record<string, string>) {
  return new Request("http://academy.test/login", {
    method: "POST",
    headers: { host: "academy.test", ...headers },
  });
}
function status(fn: () => void) {
  try {
    fn();
    return 200;
  } catch (e) {
    return (e as Response).status;
  }
}

describe("cross-site POSTs", () => {
  it("refuses a POST with no Origin but Sec-Fetch-Site: cross-site", () => {
    expect(status(() => assertSameOrigin(post({ "sec-fetch-site": "cross-site" })))).toBe(403);
  });
  it("refuses a foreign or null Origin", () => {
    expect(status(() => assertSameOrigin(post({ origin: "https://evil.example" })))).toBe(403);
    expect(status(() => assertSameOrigin(post({ origin: "null" })))).toBe(403);
  });
  it("lets same-origin and same-site browser posts and header-less clients through", () => {
    expect(
      status(() =>
        assertSameOrigin(post({ origin: "http://academy.test", "sec-fetch-site": "same-origin" })),
      ),
    ).toBe(200);
    expect(status(() => assertSameOrigin(post({})))).toBe(200);
  });
  // That every action really runs this check is proven over HTTP, not by reading the source:
  // tests/integration/access-matrix.test.ts "every action refuses a cross-site post …".
});

describe("headers and redirects", () => {
  it("sets CSP with the nonce and the other baseline headers", () => {
    const h = new Headers();
    securityHeaders(h, "abc123");
    expect(h.get("content-security-policy")).toContain("script-src 'self' 'nonce-abc123'");
    expect(h.get("content-security-policy")).toContain("frame-ancestors 'self'");
    expect(h.get("x-content-type-options")).toBe("nosniff");
    expect(h.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
  });
  it("only follows local redirect targets", () => {
    expect(safeRedirectPath("/me")).toBe("/me");
    expect(safeRedirectPath("//evil.example")).toBe("/");
    expect(safeRedirectPath("https://evil.example")).toBe("/");
    expect(safeRedirectPath("/\\evil.example")).toBe("/");
    expect(safeRedirectPath(null, "/x")).toBe("/x");
  });
});
