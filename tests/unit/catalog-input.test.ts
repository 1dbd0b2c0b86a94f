import { eq, sql } from "drizzle-orm";
import { auditLog, categories, courses, courseVersions, resources } from "@db/schema";
import type { Actor } from "~/modules/auth/permissions";
import {
  addCategory,
  deleteCategory,
  listCategories,
  moveCategory,
  setCategoryRetired,
  updateCategory,
} from "~/modules/catalog/categories.server";
import { editCourseFormSchema, newCourseFormSchema } from "~/modules/catalog/courses";
import { createCourse, saveDraft } from "~/modules/catalog/courses.server";
import { markdownToDoc } from "~/modules/catalog/richtext.server";
import { createTestDb } from "@tests/factories/db";
import { createCourse as buildCourse, seedCategories } from "@tests/factories/catalog";
import { createActor } from "@tests/factories/users";

let db: ReturnType<typeof createTestDb>;
let hq: Actor;
let cats: ReturnType<typeof seedCategories>;

beforeEach(async () => {
  db = createTestDb();
  cats = seedCategories(db);
  hq = await createActor(db, [{ role: "hq_editor" }]);
});
afterEach(() => db.cleanup());

const good = () => ({
  code: "HS-0012",
  categoryId: cats["red-heritage"]!.id,
  sourceLevel: "city",
  title: "鼓浪屿红色足迹",
  summary: "",
  audience: ["全体"],
  sessions: 3,
  minutesPerSession: 90,
  objectives: [],
  tags: [],
});
const counts = () => ({
  courses: db
    .select({ n: sql<number>`count(*)` })
    .from(courses)
    .get()!.n,
  versions: db
    .select({ n: sql<number>`count(*)` })
    .from(courseVersions)
    .get()!.n,
});

function userError(fn: () => unknown): { message: string; field?: string } {
  try {
    fn();
  } catch (e) {
    expect((e as Error).name).toBe("UserError");
    return e as { message: string; field?: string };
  }
  throw new Error("expected a UserError");
}

describe("bad course input", () => {
  test("an empty title is refused in Chinese on its field; nothing is stored", () => {
    const e = userError(() => createCourse(db, hq, { ...good(), title: "   " }, null));
    expect(e).toMatchObject({ field: "title", message: "请填写课程名称" });
    expect(counts()).toEqual({ courses: 0, versions: 0 });
  });

  test("a duplicate code is refused in Chinese on its field; nothing is stored", () => {
    createCourse(db, hq, good(), null);
    const e = userError(() =>
      createCourse(db, hq, { ...good(), title: "另一门课", code: "hs-0012" }, null),
    );
    expect(e).toMatchObject({ field: "code", message: "课程编号 HS-0012 已被使用，请换一个。" });
    expect(counts()).toEqual({ courses: 1, versions: 1 });
  });

  test("a malformed code, no audience, out-of-range sessions each get a Chinese message", () => {
    expect(userError(() => createCourse(db, hq, { ...good(), code: "12" }, null))).toMatchObject({
      field: "code",
      message: expect.stringMatching(/HS-0012/),
    });
    expect(userError(() => createCourse(db, hq, { ...good(), audience: [] }, null))).toMatchObject({
      field: "audience",
      message: "请至少选择一类适用对象",
    });
    expect(userError(() => createCourse(db, hq, { ...good(), sessions: 0 }, null))).toMatchObject({
      field: "sessions",
      message: "课次至少 1 次",
    });
    expect(
      userError(() => createCourse(db, hq, { ...good(), minutesPerSession: 5000 }, null)),
    ).toMatchObject({ field: "minutesPerSession" });
    expect(counts().courses).toBe(0);
  });

  test("a body with an unknown or script-bearing node, or a javascript: link, is refused and the draft kept as it was", () => {
    const { course, version } = createCourse(db, hq, good(), null);
    const bad = [
      { type: "doc", content: [{ type: "script", content: [{ type: "text", text: "alert(1)" }] }] },
      {
        type: "doc",
        content: [
          {
            type: "paragraph",
            content: [
              {
                type: "text",
                text: "点我",
                marks: [{ type: "link", attrs: { href: "javascript:alert(1)" } }],
              },
            ],
          },
        ],
      },
      "{not json",
    ];
    for (const body of bad) {
      const e = userError(() =>
        saveDraft(db, hq, course.id, { ...good(), title: "不该保存", body }),
      );
      expect(e.field).toBe("body");
      expect(e.message).toMatch(/[\u4e00-\u9fff]/);
    }
    expect(
      db.select().from(courseVersions).where(eq(courseVersions.id, version.id)).get()!.title,
    ).toBe("鼓浪屿红色足迹");
  });

  test("the form schemas turn textarea lines and comma lists into arrays", () => {
    const r = editCourseFormSchema.safeParse({
      title: "课程",
      audience: "长者",
      sessions: "2",
      minutesPerSession: "60",
      objectives: "第一条\n\n 第二条 \n",
      tags: "太极，养生、健康  长者",
      categoryId: "1",
      body: "{}",
    });
    expect(r.success).toBe(true);
    expect(r.data).toMatchObject({
      audience: ["长者"],
      objectives: ["第一条", "第二条"],
      tags: ["太极", "养生", "健康", "长者"],
    });
    // Audience comes back in the list's own order, so re-saving the same choice is not a change.
    expect(
      editCourseFormSchema.parse({
        title: "课程",
        audience: ["亲子", "全体", "亲子"],
        sessions: "1",
        minutesPerSession: "60",
        categoryId: "1",
        body: "{}",
      }).audience,
    ).toEqual(["全体", "亲子"]);
    const n = newCourseFormSchema.safeParse({ code: "", title: "", audience: [], sessions: "x" });
    expect(n.success).toBe(false);
    const byField = Object.fromEntries(
      n.error!.issues.map((i) => [String(i.path[0]), i.message]).reverse(),
    );
    expect(byField.code).toBe("请填写课程编号");
    expect(byField.title).toBe("请填写课程名称");
  });

  test("a cover must be a public image from the resource library", () => {
    const { course } = createCourse(db, hq, good(), null);
    const res = (kind: "image" | "pdf", visibility: "public" | "teachers") =>
      db
        .insert(resources)
        .values({
          kind,
          title: `${kind}-${visibility}`,
          storedName: `x-${kind}-${visibility}`,
          mime: kind === "pdf" ? "application/pdf" : "image/png",
          visibility,
          createdAt: Date.now(),
        })
        .returning()
        .get().id;
    const pdf = res("pdf", "public");
    const hidden = res("image", "teachers");
    const ok = res("image", "public");
    for (const id of [pdf, hidden, 999_999]) {
      expect(
        userError(() =>
          saveDraft(db, hq, course.id, {
            ...good(),
            coverResourceId: id,
            body: markdownToDoc("x"),
          }),
        ),
      ).toMatchObject({
        field: "coverResourceId",
        message: "封面只能选资源库中公开的图片。",
      });
    }
    expect(
      saveDraft(db, hq, course.id, { ...good(), coverResourceId: ok, body: markdownToDoc("x") })
        .version.coverResourceId,
    ).toBe(ok);
  });

  test("the code cannot change once a course has been published", () => {
    const { course } = buildCourse(db, { code: "HS-0300", category: "red-heritage" });
    const e = userError(() =>
      saveDraft(db, hq, course.id, { ...good(), code: "HS-0301", body: markdownToDoc("x") }),
    );
    expect(e.field).toBe("code");
  });
});

describe("categories", () => {
  test("add, rename, reorder; names and slugs stay unique; all audited", () => {
    const c = addCategory(
      db,
      hq,
      { name: "科学普及", slug: "science", description: "", color: "#0369A1" },
      null,
    );
    expect(listCategories(db).at(-1)!.slug).toBe("science");
    expect(
      userError(() =>
        addCategory(db, hq, { name: "红色传承", slug: "red-2", color: "#000000" }, null),
      ),
    ).toMatchObject({ field: "name" });
    expect(
      userError(() =>
        addCategory(db, hq, { name: "新分类", slug: "science", color: "#000000" }, null),
      ),
    ).toMatchObject({ field: "slug" });
    expect(
      userError(() =>
        addCategory(db, hq, { name: "新分类", slug: "Bad Slug", color: "#000000" }, null),
      ),
    ).toMatchObject({ field: "slug" });
    updateCategory(db, hq, c.id, { name: "科普天地", description: "", color: "#0369A1" }, null);
    moveCategory(db, hq, c.id, "up");
    const order = listCategories(db).map((x) => x.slug);
    expect(order.slice(-2)).toEqual(["science", "law-safety"]);
    expect(db.select().from(categories).where(eq(categories.id, c.id)).get()!.name).toBe(
      "科普天地",
    );
    expect(
      db
        .select()
        .from(auditLog)
        .all()
        .map((a) => a.action),
    ).toEqual(["category.add", "category.update"]);
  });

  test("a retired category leaves the public list; one with courses cannot be deleted, in Chinese", () => {
    const green = cats["green-eco"]!;
    buildCourse(db, { category: "green-eco" });
    expect(userError(() => deleteCategory(db, hq, green.id, null)).message).toBe(
      "请先停用分类“绿色环保”，再删除。",
    );
    setCategoryRetired(db, hq, green.id, true, null);
    expect(listCategories(db).map((c) => c.slug)).not.toContain("green-eco");
    expect(userError(() => deleteCategory(db, hq, green.id, null)).message).toMatch(
      /分类“绿色环保”下还有 1 门课程.*不能删除/,
    );
    expect(db.select().from(categories).where(eq(categories.id, green.id)).get()).toBeDefined();
    // A new course cannot be put into a retired category.
    expect(
      userError(() => createCourse(db, hq, { ...good(), categoryId: green.id }, null)),
    ).toMatchObject({ field: "categoryId" });
    // An empty retired category can be deleted.
    const empty = addCategory(db, hq, { name: "临时分类", slug: "temp", color: "#111111" }, null);
    setCategoryRetired(db, hq, empty.id, true, null);
    deleteCategory(db, hq, empty.id, null);
    expect(db.select().from(categories).where(eq(categories.id, empty.id)).get()).toBeUndefined();
  });

  test("only HQ manages categories", async () => {
    const resident = await createActor(db, []);
    expect(() =>
      addCategory(db, resident, { name: "越权分类", slug: "nope", color: "#111111" }, null),
    ).toThrow(Response);
    expect(db.select().from(categories).where(eq(categories.slug, "nope")).get()).toBeUndefined();
  });
});
