import { parsePage, queryCount, safeRedirectPath } from "~/utils/http";

function status(fn: () => unknown) {
  try {
    fn();
    return 200;
  } catch (e) {
    return (e as Response).status;
  }
}

describe("safeRedirectPath: one same-origin check for every redirect target", () => {
  it.each([
    "/\t/evil.example/",
    "/\n/x",
    "/\r\n/x",
    "/%09/evil.example".replace("%09", "\u0009"),
    "/\u0000/evil",
    "/\u007f/evil",
    "/\u0085/evil",
    "/\\evil.example",
    "/\\/evil.example",
    "/x\\y",
    "//evil.example",
    "///evil.example",
    "https://evil.example/",
    "javascript:alert(1)",
    "evil.example",
    "",
    " /me",
    "/a/..//evil.example",
    "/./..//evil.example",
  ])("refuses %j", (target) => {
    expect(safeRedirectPath(target, "/fallback")).toBe("/fallback");
  });

  it("keeps same-origin paths, query and hash, and percent-encodes non-ASCII", () => {
    expect(safeRedirectPath("/me")).toBe("/me");
    expect(safeRedirectPath("/classes/12?result=ok#enrol")).toBe("/classes/12?result=ok#enrol");
    expect(safeRedirectPath("/classes?q=书法")).toBe("/classes?q=%E4%B9%A6%E6%B3%95");
    expect(safeRedirectPath("/%2F%2Fevil.example")).toBe("/%2F%2Fevil.example");
    expect(safeRedirectPath(null, "/x")).toBe("/x");
  });

  it("returns something a Location header accepts", () => {
    const out = safeRedirectPath("/me?name=王秀英");
    expect(() => new Headers({ Location: out })).not.toThrow();
  });
});

describe("parsePage: odd page numbers are a 400, not a 500", () => {
  it("accepts absent, empty and ordinary pages", () => {
    expect(parsePage(new URLSearchParams(""))).toBe(1);
    expect(parsePage(new URLSearchParams("page="))).toBe(1);
    expect(parsePage(new URLSearchParams("page=3"))).toBe(3);
  });
  it.each(["1e999", "-1", "0", "abc", "2.5", "99999999999999999999", "Infinity", "0x10"])(
    "refuses page=%s",
    (v) => {
      expect(status(() => parsePage(new URLSearchParams({ page: v })))).toBe(400);
    },
  );
});

describe("queryCount: notices never echo query text", () => {
  it("takes only small whole numbers", () => {
    expect(queryCount(new URLSearchParams("n=3"), "n")).toBe(3);
    expect(queryCount(new URLSearchParams("n=3 天。另：请拨打 110"), "n")).toBeNull();
    expect(queryCount(new URLSearchParams("n=<b>x</b>"), "n")).toBeNull();
  });
});
