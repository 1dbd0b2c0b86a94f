/**
 * For every role, every link offered in the header menu and in the tab bars opens: no 403, 404 or
 * 500. Runs on the desktop project only (see tests/playwright.config.ts): the links come from the
 * server's HTML, which is the same on every viewport, and the crawl uses plain HTTP requests.
 */
import { expect, request as http, test, type APIRequestContext } from "@playwright/test";
import { DEMO, DEMO_PASSWORD, offeredLinks } from "./helpers";

const ROLES: { who: string; phone: string | null; start: string[] }[] = [
  { who: "anonymous", phone: null, start: ["/"] },
  { who: "resident", phone: DEMO.resident, start: ["/"] },
  { who: "teacher", phone: DEMO.teacher, start: ["/"] },
  { who: "manager", phone: DEMO.manager, start: ["/", "/manage/huli-001"] },
  { who: "district staff", phone: DEMO.district, start: ["/"] },
  { who: "hq_editor", phone: DEMO.hqEditor, start: ["/"] },
  { who: "hq_admin", phone: DEMO.hqAdmin, start: ["/", "/manage/huli-001"] },
];

async function signIn(baseURL: string, phone: string | null): Promise<APIRequestContext> {
  const ctx = await http.newContext({ baseURL });
  if (phone) {
    const res = await ctx.post("/login", {
      form: { phone, password: DEMO_PASSWORD, redirectTo: "" },
      maxRedirects: 0,
    });
    expect(res.status(), "login redirects").toBe(302);
  }
  return ctx;
}

for (const role of ROLES) {
  test(`${role.who}: every header, menu and tab-bar link opens`, async ({ baseURL }) => {
    const ctx = await signIn(baseURL!, role.phone);
    const seen = new Map<string, number>();
    const queue = [...role.start];
    const offeredOn = new Map<string, string>();
    while (queue.length > 0 && seen.size < 200) {
      const path = queue.shift()!;
      if (seen.has(path)) continue;
      const res = await ctx.get(path);
      seen.set(path, res.status());
      if (res.status() !== 200) continue;
      for (const link of offeredLinks(await res.text())) {
        if (!seen.has(link) && !queue.includes(link)) {
          queue.push(link);
          offeredOn.set(link, path);
        }
      }
    }
    const broken = [...seen]
      .filter(([, status]) => status !== 200)
      .map(
        ([p, s]) =>
          `${s} ${p.slice(0, 160)} (offered on ${offeredOn.get(p)?.slice(0, 160) ?? "start"})`,
      );
    expect(broken, `links that do not open for ${role.who}`).toEqual([]);
    // The crawl really walked the menus: signed-in people reach their own pages, staff their tab bars.
    expect(seen.size).toBeGreaterThanOrEqual(role.phone ? 7 : 5);
    expect(seen.size, "the menus link a bounded set of pages").toBeLessThan(200);
    if (role.phone) expect([...seen.keys()]).toContain("/me/messages");
    if (role.who === "hq_admin")
      expect([...seen.keys()]).toEqual(
        expect.arrayContaining(["/hq/users", "/hq/audit", "/hq/system", "/manage/huli-001/closed"]),
      );
    if (role.who === "hq_editor") {
      expect([...seen.keys()]).toEqual(expect.arrayContaining(["/hq", "/hq/teachers"]));
      expect([...seen.keys()]).not.toContain("/hq/users");
      // Not in the page body either: the 总部工作台 cards follow the same rule as the tab bar.
      expect(await (await ctx.get("/hq")).text()).not.toContain('href="/hq/users"');
    }
    if (role.who === "district staff") expect([...seen.keys()]).toContain("/district/evaluations");
    await ctx.dispose();
  });
}
