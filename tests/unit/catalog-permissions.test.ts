import { eq, sql } from "drizzle-orm";
import { courses, courseVersions } from "@db/schema";
import type { Actor } from "~/modules/auth/permissions";
import { authorableLevels, canAuthorCourse, canPublishCourses } from "~/modules/catalog/courses";
import {
  createCourse,
  getCourseOverview,
  listCoursesForEditors,
  publishCourse,
  retireCourse,
  saveDraft,
  submitForReview,
} from "~/modules/catalog/courses.server";
import { markdownToDoc } from "~/modules/catalog/richtext.server";
import { createTestDb } from "@tests/factories/db";
import { seedCategories } from "@tests/factories/catalog";
import { createAcademy, seedDistricts } from "@tests/factories/org";
import { createActor } from "@tests/factories/users";

let db: ReturnType<typeof createTestDb>;
let cat: number;
let huli: number;
let siming: number;
let academyA: number;
let academyB: number;
let hqEditor: Actor,
  hqAdmin: Actor,
  huliStaff: Actor,
  simingStaff: Actor,
  managerA: Actor,
  managerB: Actor,
  teacher: Actor,
  resident: Actor;

const content = {
  title: "测试课程名称",
  summary: "简介",
  audience: ["全体"],
  sessions: 2,
  minutesPerSession: 60,
  objectives: ["目标"],
  tags: [],
  body: markdownToDoc("## 大纲\n\n第一讲"),
};

/** Expects a refused call: a 403 Response thrown by the module. */
function refused(fn: () => unknown) {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(Response);
    expect((e as Response).status).toBe(403);
    return;
  }
  throw new Error("expected a refusal");
}

beforeEach(async () => {
  db = createTestDb();
  cat = seedCategories(db)["virtue"]!.id;
  const d = seedDistricts(db);
  huli = d["huli"]!.id;
  siming = d["siming"]!.id;
  academyA = createAcademy(db, huli).id;
  academyB = createAcademy(db, huli).id;
  hqEditor = await createActor(db, [{ role: "hq_editor" }]);
  hqAdmin = await createActor(db, [{ role: "hq_admin" }]);
  huliStaff = await createActor(db, [{ role: "district_staff", district: huli }]);
  simingStaff = await createActor(db, [{ role: "district_staff", district: siming }]);
  managerA = await createActor(db, [{ role: "academy_manager", academy: academyA }]);
  managerB = await createActor(db, [{ role: "academy_manager", academy: academyB }]);
  teacher = await createActor(db, [{ role: "teacher" }]);
  resident = await createActor(db, []);
});
afterEach(() => db.cleanup());

const count = () =>
  db
    .select({ n: sql<number>`count(*)` })
    .from(courses)
    .get()!.n;

describe("who may author which course", () => {
  test("HQ editors and admins author and publish city courses", () => {
    for (const [i, actor] of [hqEditor, hqAdmin].entries()) {
      const { course } = createCourse(
        db,
        actor,
        { code: `PD-010${i}`, categoryId: cat, sourceLevel: "city", ...content },
        null,
      );
      submitForReview(db, actor, course.id);
      // Four eyes: the other HQ person publishes.
      expect(
        publishCourse(db, actor === hqEditor ? hqAdmin : hqEditor, course.id, null).status,
      ).toBe("published");
    }
    expect(canPublishCourses(hqEditor)).toBe(true);
    expect(authorableLevels(hqEditor)).toEqual(["city", "district", "subdistrict", "community"]);
  });

  test("district staff author 区级流动课程 for their own district only, and cannot publish", () => {
    const { course } = createCourse(
      db,
      huliStaff,
      { code: "PD-0201", categoryId: cat, sourceLevel: "district", ...content },
      null,
    );
    expect(course.ownerType).toBe("district");
    expect(course.ownerId).toBe(huli);
    submitForReview(db, huliStaff, course.id);
    refused(() => publishCourse(db, huliStaff, course.id, null));
    // HQ publishes it to the library.
    expect(publishCourse(db, hqEditor, course.id, null).status).toBe("published");
    refused(() => retireCourse(db, huliStaff, course.id, null));
    // Staff of another district may neither create for 湖里 nor edit 湖里's course.
    refused(() =>
      createCourse(
        db,
        simingStaff,
        { code: "PD-0202", categoryId: cat, sourceLevel: "district", ownerId: huli, ...content },
        null,
      ),
    );
    refused(() => saveDraft(db, simingStaff, course.id, content));
    refused(() => getCourseOverview(db, simingStaff, course.id));
    expect(listCoursesForEditors(db, simingStaff, {}).total).toBe(0);
    expect(listCoursesForEditors(db, huliStaff, {}).rows.map((r) => r.code)).toEqual(["PD-0201"]);
    // The editors' table names the owning district (joined in the list query).
    expect(
      listCoursesForEditors(db, hqEditor, { q: "PD-0201" }).rows.map((r) => r.ownerName),
    ).toEqual(["湖里区"]);
    // District staff cannot write city courses.
    refused(() =>
      createCourse(
        db,
        huliStaff,
        { code: "PD-0203", categoryId: cat, sourceLevel: "city", ...content },
        null,
      ),
    );
    expect(count()).toBe(1);
  });

  test("academy managers author 社区特色课程 for their academy only", () => {
    const { course } = createCourse(
      db,
      managerA,
      { code: "PD-0301", categoryId: cat, sourceLevel: "community", ...content },
      null,
    );
    expect(course).toMatchObject({
      ownerType: "academy",
      ownerId: academyA,
      sourceLevel: "community",
    });
    expect(
      saveDraft(db, managerA, course.id, { ...content, title: "改好的名称" }).version.title,
    ).toBe("改好的名称");
    refused(() => saveDraft(db, managerB, course.id, content));
    refused(() =>
      createCourse(
        db,
        managerB,
        {
          code: "PD-0302",
          categoryId: cat,
          sourceLevel: "community",
          ownerId: academyA,
          ...content,
        },
        null,
      ),
    );
    refused(() =>
      createCourse(
        db,
        managerA,
        { code: "PD-0303", categoryId: cat, sourceLevel: "district", ownerId: huli, ...content },
        null,
      ),
    );
    submitForReview(db, managerA, course.id);
    refused(() => publishCourse(db, managerA, course.id, null));
    // District staff do not edit an academy's own course either.
    refused(() => saveDraft(db, huliStaff, course.id, content));
    expect(listCoursesForEditors(db, managerB, {}).total).toBe(0);
    expect(count()).toBe(1);
  });

  test("teachers and residents author nothing", () => {
    for (const actor of [teacher, resident]) {
      refused(() =>
        createCourse(
          db,
          actor,
          { code: "PD-0401", categoryId: cat, sourceLevel: "city", ...content },
          null,
        ),
      );
      expect(authorableLevels(actor)).toEqual([]);
    }
    const { course } = createCourse(
      db,
      hqEditor,
      { code: "PD-0402", categoryId: cat, sourceLevel: "city", ...content },
      null,
    );
    refused(() => saveDraft(db, teacher, course.id, content));
    submitForReview(db, hqEditor, course.id);
    refused(() => publishCourse(db, resident, course.id, null));
    expect(canAuthorCourse(resident, course)).toBe(false);
    expect(
      db.select().from(courseVersions).where(eq(courseVersions.courseId, course.id)).get()!.status,
    ).toBe("review");
  });
});
