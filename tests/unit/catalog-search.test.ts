import {
  ngramMatch,
  ngramText,
  parseSearchQuery,
  trigramMatch,
} from "~/modules/catalog/search-query";
import { retireCourse } from "~/modules/catalog/courses.server";
import { searchLibrary } from "~/modules/catalog/search.server";
import { createTestDb } from "@tests/factories/db";
import { createCourse, seedCategories } from "@tests/factories/catalog";
import { createActor } from "@tests/factories/users";

let db: ReturnType<typeof createTestDb>;

beforeEach(() => {
  db = createTestDb();
  seedCategories(db);
  createCourse(db, {
    code: "LS-0001",
    title: "垃圾分类从我做起",
    category: "green-eco",
    tags: ["环保", "社区"],
    summary: "厦门四分类实操。",
    audience: ["全体", "新市民"],
  });
  createCourse(db, {
    code: "LS-0002",
    title: "海洋保护与净滩行动",
    category: "green-eco",
    summary: "守护中华白海豚。",
    body: "## 课程简介\n\n一次环保志愿活动，走进沙滩。",
  });
  createCourse(db, {
    code: "LS-0003",
    title: "环保手作工坊",
    category: "green-eco",
    summary: "旧物改造。",
    audience: ["亲子"],
  });
  createCourse(db, {
    code: "HS-0001",
    title: "百年党史在厦门",
    category: "red-heritage",
    summary: "从第一个党支部讲起。",
    audience: ["党员", "全体"],
  });
  createCourse(db, {
    code: "JK-0001",
    title: "二十四式太极拳入门",
    category: "healthy-living",
    summary: "强身健体。",
    audience: ["长者"],
  });
  createCourse(db, {
    code: "JK-0002",
    title: "AI 手机课：长辈的智能助手入门",
    category: "healthy-living",
    summary: "用手机问 AI。",
    audience: ["长者"],
    sourceLevel: "district",
    ownerType: "district",
    ownerId: 1,
  });
  createCourse(db, {
    code: "JK-0003",
    title: "慢病管理",
    category: "healthy-living",
    summary: "学会控糖。",
    body: "## 课程简介\n\n每天练习太极拳半小时。",
  });
  createCourse(db, {
    code: "JK-0004",
    title: "尚未发布的太极拳草稿",
    category: "healthy-living",
    status: "draft",
  });
});
afterEach(() => db.cleanup());

const codes = (q: string, more: object = {}) =>
  searchLibrary(db, { q, ...more }).rows.map((r) => r.code);

describe("query parsing", () => {
  test("splits on spaces and punctuation, lower-cases, dedupes", () => {
    expect(parseSearchQuery("  AI  手机课，AI！ ").terms).toEqual(["ai", "手机课"]);
  });
  test("a 500-character query is clamped with a Chinese note", () => {
    const p = parseSearchQuery("太".repeat(500));
    expect(Array.from(p.display)).toHaveLength(100);
    expect(p.note).toMatch(/搜索词太长/);
  });
  test("punctuation only leaves no terms and says so", () => {
    const p = parseSearchQuery("？！……——“”《》@#$%^&*()\"'");
    expect(p.terms).toEqual([]);
    expect(p.note).toMatch(/只有标点/);
  });
  test("grams: CJK runs become unigrams and bigrams, Latin words stay whole", () => {
    expect(ngramText("AI手机课")).toBe("ai 手 手机 机 机课 课");
    expect(ngramMatch(["环保", "ai", "书"])).toBe('"环保" AND "ai"* AND "书"');
    expect(trigramMatch(["环保", "太极拳"])).toBe('"太极拳"');
  });
  test("FTS syntax in a query is only ever text", () => {
    const { terms } = parseSearchQuery('abc" OR "x NEAR(y) *');
    expect(trigramMatch(terms)).toBe('"abc" AND "near"');
    expect(ngramMatch(terms)).toBe('"or"* AND "x"* AND "y"*');
  });
});

describe("library search", () => {
  test("1 character", () => {
    expect(codes("党").sort()).toEqual(["HS-0001"]);
    expect(codes("环").sort()).toEqual(["LS-0001", "LS-0002", "LS-0003"]);
  });

  test("2 characters: 环保 and 党史, across title, tags and body", () => {
    expect(codes("环保").sort()).toEqual(["LS-0001", "LS-0002", "LS-0003"]);
    expect(codes("党史")).toEqual(["HS-0001"]);
  });

  test("3+ characters: 太极拳 finds title and body hits, never drafts", () => {
    expect(codes("太极拳")).toEqual(["JK-0001", "JK-0003"]);
  });

  test("ranking: a title hit comes before a tag hit, which comes before a body-only hit", () => {
    // LS-0003 has 环保 in the title, LS-0001 in its tags, LS-0002 only in the body.
    expect(codes("环保")).toEqual(["LS-0003", "LS-0001", "LS-0002"]);
    expect(codes("太极拳")[0]).toBe("JK-0001");
  });

  test("mixed Chinese and Latin, terms ANDed: AI 手机课", () => {
    expect(codes("AI 手机课")).toEqual(["JK-0002"]);
    expect(codes("ai")).toEqual(["JK-0002"]);
    expect(codes("AI 太极拳")).toEqual([]);
  });

  test("a 500-character query and a punctuation-only query never error", () => {
    const long = searchLibrary(db, { q: "环保".repeat(250) });
    expect(long.total).toBe(0);
    expect(long.note).toMatch(/搜索词太长/);
    const punct = searchLibrary(db, { q: "！？。，、……" });
    expect(punct.note).toMatch(/只有标点/);
    expect(punct.total).toBe(7);
    expect(() => searchLibrary(db, { q: '" OR * NEAR( ^ -- ;' })).not.toThrow();
    expect(() => searchLibrary(db, { q: "\u0000\u200b😀" })).not.toThrow();
  });

  test("filters combine with search: category, audience, source level", () => {
    expect(codes("", { category: "red-heritage" })).toEqual(["HS-0001"]);
    expect(codes("", { audience: "长者" }).sort()).toEqual(["JK-0001", "JK-0002"]);
    expect(codes("", { level: "district" })).toEqual(["JK-0002"]);
    expect(codes("环保", { audience: "亲子" })).toEqual(["LS-0003"]);
    expect(codes("环保", { category: "healthy-living" })).toEqual([]);
  });

  test("paging: 20 a page with the total", () => {
    for (let i = 0; i < 25; i++)
      createCourse(db, {
        code: `FZ-${String(i).padStart(4, "0")}`,
        title: `防诈骗第${i}课`,
        category: "law-safety",
      });
    const p1 = searchLibrary(db, { q: "诈骗" });
    const p2 = searchLibrary(db, { q: "诈骗", page: 2 });
    expect(p1.total).toBe(25);
    expect(p1.pages).toBe(2);
    expect(p1.rows).toHaveLength(20);
    expect(p2.rows).toHaveLength(5);
    expect(new Set([...p1.rows, ...p2.rows].map((r) => r.code)).size).toBe(25);
  });

  test("the index follows publish and retire", async () => {
    const hq = await createActor(db, [{ role: "hq_editor" }]);
    const { course } = createCourse(db, { code: "MN-0001", title: "闽南语入门" });
    expect(codes("闽南")).toEqual(["MN-0001"]);
    retireCourse(db, hq, course.id, null);
    expect(codes("闽南")).toEqual([]);
  });
});
