import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { auditLog, courses, teacherCourses, teachers, userRoles, users } from "@db/schema";
import { seedDemoAccounts } from "@db/demo/accounts";
import type { Actor } from "~/modules/auth/permissions";
import { importCatalogContent } from "~/modules/catalog/import.server";
import { createFileResource, receiveFile } from "~/modules/catalog/resources.server";
import { seedDemoTeachers, DEMO_POOL_SIZE } from "@db/demo/teachers";
import {
  createTeacher,
  findTeachersFor,
  getOwnTeacher,
  getPublicTeacher,
  getTeacherForEdit,
  listTeachers,
  listTeachersForCourse,
  setTeacherActive,
  updateOwnBio,
  updateTeacher,
} from "~/modules/catalog/teachers.server";
import { seedDemoAcademies } from "@db/demo/academies";
import { isUserError } from "~/utils/errors";
import { createCourse, seedCategories } from "@tests/factories/catalog";
import { createTestDb } from "@tests/factories/db";
import * as files from "@tests/factories/files";
import { seedDistricts } from "@tests/factories/org";
import { createActor, createUser } from "@tests/factories/users";

let db: ReturnType<typeof createTestDb>;
let hq: Actor;
let resident: Actor;
let d: ReturnType<typeof seedDistricts>;
let cats: ReturnType<typeof seedCategories>;

beforeEach(async () => {
  db = createTestDb();
  d = seedDistricts(db);
  cats = seedCategories(db);
  hq = await createActor(db, [{ role: "hq_editor" }]);
  resident = await createActor(db, []);
});

afterEach(() => db.cleanup());

function thrown(fn: () => unknown) {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error("expected a refusal");
}

async function teacherAccount(name = "陈老师") {
  const user = await createUser(db, { name });
  return user;
}

const profile = (over: Record<string, unknown> = {}) => ({
  displayName: "陈美玲",
  bio: "退休历史教师",
  organisation: "社区志愿者",
  kind: "volunteer",
  categoryIds: [cats["red-heritage"]!.id],
  districtIds: [d.huli!.id],
  courseCodes: "",
  ...over,
});

describe("permissions", () => {
  it("HQ adds an existing account by phone: profile, links, teacher role and audit in one go", async () => {
    const user = await teacherAccount();
    createCourse(db, { code: "HS-0101", category: "red-heritage" });
    const t = createTeacher(
      db,
      hq,
      { phone: user.phone, ...profile({ courseCodes: "hs-0101" }) },
      "1.2.3.4",
    );
    const edit = getTeacherForEdit(db, hq, t.id)!;
    expect(edit).toMatchObject({
      displayName: "陈美玲",
      phone: user.phone,
      kind: "volunteer",
      districtIds: [d.huli!.id],
    });
    expect(edit.courses.map((c) => c.code)).toEqual(["HS-0101"]);
    const roles = db.select().from(userRoles).where(eq(userRoles.userId, user.id)).all();
    expect(roles.map((r) => r.role)).toEqual(["teacher"]);
    const audit = db.select().from(auditLog).where(eq(auditLog.action, "teacher.create")).all();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.summary).toContain("授予教师角色");
  });

  it("a resident and a teacher may not manage the pool", async () => {
    const user = await teacherAccount();
    const teacher = await createActor(db, [{ role: "teacher" }]);
    for (const actor of [resident, teacher]) {
      const e = thrown(() => createTeacher(db, actor, { phone: user.phone, ...profile() }, null));
      expect(e).toBeInstanceOf(Response);
      expect((e as Response).status).toBe(403);
    }
    expect(db.select().from(teachers).all()).toHaveLength(0);
    const t = createTeacher(db, hq, { phone: user.phone, ...profile() }, null);
    expect(
      thrown(() => updateTeacher(db, teacher, t.id, profile({ displayName: "改名" }), null)),
    ).toBeInstanceOf(Response);
    expect(thrown(() => setTeacherActive(db, resident, t.id, false, null))).toBeInstanceOf(
      Response,
    );
    expect(
      thrown(() => listTeachers(db, teacher, { q: "", status: "active", page: 1 })),
    ).toBeInstanceOf(Response);
  });

  it("a teacher edits only their own bio; a resident is refused", async () => {
    const a = await teacherAccount("甲");
    const b = await teacherAccount("乙");
    const ta = createTeacher(
      db,
      hq,
      { phone: a.phone, ...profile({ displayName: "甲老师", bio: "甲的简介" }) },
      null,
    );
    const tb = createTeacher(
      db,
      hq,
      { phone: b.phone, ...profile({ displayName: "乙老师", bio: "乙的简介" }) },
      null,
    );
    const actorA = await (async () => {
      const { loadActor } = await import("~/modules/auth/users.server");
      return loadActor(db, { id: a.id, name: a.name, phone: a.phone, homeAcademyId: null });
    })();
    updateOwnBio(db, actorA, { bio: "  我教党史，也讲厦门破狱斗争。  " }, null);
    expect(getOwnTeacher(db, actorA)!.bio).toBe("我教党史，也讲厦门破狱斗争。");
    expect(db.select().from(teachers).where(eq(teachers.id, tb.id)).get()!.bio).toBe("乙的简介");
    // Extra fields are ignored: a teacher cannot change their name, kind or lists this way.
    updateOwnBio(
      db,
      actorA,
      { bio: "新简介", displayName: "黑客", kind: "paid", districtIds: [d.siming!.id] } as never,
      null,
    );
    const after = getTeacherForEdit(db, hq, ta.id)!;
    expect(after).toMatchObject({
      displayName: "甲老师",
      kind: "volunteer",
      bio: "新简介",
      districtIds: [d.huli!.id],
    });
    expect(thrown(() => updateOwnBio(db, resident, { bio: "x" }, null))).toBeInstanceOf(Response);
    const longBio = thrown(() => updateOwnBio(db, actorA, { bio: "长".repeat(1001) }, null));
    expect(isUserError(longBio) && longBio.message).toContain("1000");
  });

  it("a teacher not yet in the pool is told so", async () => {
    const teacher = await createActor(db, [{ role: "teacher" }]);
    const e = thrown(() => updateOwnBio(db, teacher, { bio: "x" }, null));
    expect(isUserError(e) && e.message).toContain("还不在师资库");
  });
});

describe("bad input stores nothing", () => {
  it("unknown phone, duplicate profile, unknown course code, no district", async () => {
    const user = await teacherAccount();
    const e1 = thrown(() => createTeacher(db, hq, { phone: "13712345678", ...profile() }, null));
    expect(e1).toMatchObject({ field: "phone" });
    expect((e1 as Error).message).toContain("没有用这个手机号注册的账号");
    const e2 = thrown(() =>
      createTeacher(
        db,
        hq,
        { phone: user.phone, ...profile({ courseCodes: "ZZ-0001, HS-9999" }) },
        null,
      ),
    );
    expect(e2).toMatchObject({ field: "courseCodes" });
    expect((e2 as Error).message).toContain("ZZ-0001、HS-9999");
    const e3 = thrown(() =>
      createTeacher(db, hq, { phone: user.phone, ...profile({ districtIds: [] }) }, null),
    );
    expect((e3 as Error).message).toBe("请至少选择一个愿意前往授课的区。");
    const e4 = thrown(() =>
      createTeacher(db, hq, { phone: user.phone, ...profile({ displayName: " " }) }, null),
    );
    expect(e4).toMatchObject({ field: "displayName", message: "请填写姓名。" });
    expect(db.select().from(teachers).all()).toHaveLength(0);
    expect(db.select().from(userRoles).where(eq(userRoles.userId, user.id)).all()).toHaveLength(0);
    createTeacher(db, hq, { phone: user.phone, ...profile() }, null);
    const e5 = thrown(() => createTeacher(db, hq, { phone: user.phone, ...profile() }, null));
    expect((e5 as Error).message).toContain("已经在师资库中");
  });

  it("a photo must be a public image from the resource library", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "academy-uploads-"));
    process.env.UPLOAD_DIR = dir;
    try {
      const user = await teacherAccount();
      const pdf = createFileResource(
        db,
        hq,
        { visibility: "public" },
        await receiveFile("a.pdf", files.chunks(files.pdfBytes())),
        null,
      );
      const hidden = createFileResource(
        db,
        hq,
        { visibility: "teachers" },
        await receiveFile("b.png", files.chunks(files.pngBytes())),
        null,
      );
      const photo = createFileResource(
        db,
        hq,
        { visibility: "public" },
        await receiveFile("c.png", files.chunks(files.pngBytes())),
        null,
      );
      for (const bad of [pdf.id, hidden.id, 99999]) {
        const e = thrown(() =>
          createTeacher(db, hq, { phone: user.phone, ...profile({ photoResourceId: bad }) }, null),
        );
        expect(e).toMatchObject({ field: "photoResourceId" });
      }
      const t = createTeacher(
        db,
        hq,
        { phone: user.phone, ...profile({ photoResourceId: String(photo.id) }) },
        null,
      );
      expect(getPublicTeacher(db, t.id)!.photoResourceId).toBe(photo.id);
    } finally {
      delete process.env.UPLOAD_DIR;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("finding teachers", () => {
  it("findTeachersFor filters by course (listed, or its whole category) and district, active only", async () => {
    const { course: a } = createCourse(db, { code: "HS-0201", category: "red-heritage" });
    const { course: b } = createCourse(db, { code: "HS-0202", category: "red-heritage" });
    const { course: c } = createCourse(db, { code: "LS-0201", category: "green-eco" });
    const mk = async (name: string, over: Record<string, unknown>) => {
      const u = await teacherAccount(name);
      return createTeacher(
        db,
        hq,
        { phone: u.phone, ...profile({ displayName: name, categoryIds: [], ...over }) },
        null,
      );
    };
    const t1 = await mk("赵一", { courseCodes: "HS-0201", districtIds: [d.huli!.id] });
    const t2 = await mk("钱二", {
      categoryIds: [cats["red-heritage"]!.id],
      districtIds: [d.siming!.id],
    });
    const t3 = await mk("孙三", {
      courseCodes: "LS-0201",
      districtIds: [d.huli!.id, d.siming!.id],
    });
    const t4 = await mk("李四", { courseCodes: "HS-0201", districtIds: [d.huli!.id] });
    setTeacherActive(db, hq, t4.id, false, null);
    const names = (courseId: number, districtId: number) =>
      findTeachersFor(db, { courseId, districtId }).map((t) => t.displayName);

    expect(names(a.id, d.huli!.id)).toEqual(["赵一"]);
    expect(names(a.id, d.siming!.id)).toEqual(["钱二"]);
    expect(names(b.id, d.huli!.id)).toEqual([]);
    expect(names(b.id, d.siming!.id)).toEqual(["钱二"]);
    expect(names(c.id, d.huli!.id)).toEqual(["孙三"]);
    expect(names(c.id, d.jimei!.id)).toEqual([]);
    expect(findTeachersFor(db, { courseId: 999_999, districtId: d.huli!.id })).toEqual([]);

    // A teacher who lists the course comes before one who only covers its category.
    await mk("阿category", { categoryIds: [cats["red-heritage"]!.id], districtIds: [d.huli!.id] });
    expect(names(a.id, d.huli!.id)).toEqual(["赵一", "阿category"]);

    expect(listTeachersForCourse(db, a.id).map((t) => t.id)).toEqual([t1.id]);
    setTeacherActive(db, hq, t4.id, true, null);
    expect(
      listTeachersForCourse(db, a.id)
        .map((t) => t.id)
        .sort(),
    ).toEqual([t1.id, t4.id].sort());
    void t2;
    void t3;
  });

  it("the public profile shows active teachers with published courses only", async () => {
    const u = await teacherAccount();
    createCourse(db, { code: "MN-0301", category: "minnan-culture", title: "闽南语入门" });
    createCourse(db, { code: "MN-0302", category: "minnan-culture", status: "draft" });
    const t = createTeacher(
      db,
      hq,
      {
        phone: u.phone,
        ...profile({ courseCodes: "MN-0301 MN-0302", categoryIds: [cats["minnan-culture"]!.id] }),
      },
      null,
    );
    const pub = getPublicTeacher(db, t.id)!;
    expect(pub.courses.map((c) => c.code)).toEqual(["MN-0301"]);
    expect(pub.courses[0]!.title).toBe("闽南语入门");
    expect(pub.categories.map((c) => c.name)).toEqual(["闽南文化"]);
    expect(pub.districts.map((x) => x.name)).toEqual(["湖里区"]);
    expect(pub.kindLabel).toBe("志愿者讲师");
    setTeacherActive(db, hq, t.id, false, null);
    expect(getPublicTeacher(db, t.id)).toBeNull();
    expect(thrown(() => setTeacherActive(db, hq, t.id, false, null))).toMatchObject({
      message: "这位教师已经停用了。",
    });
    expect(
      db.select().from(auditLog).where(eq(auditLog.action, "teacher.deactivate")).all(),
    ).toHaveLength(1);
  });

  it("HQ lists, searches and filters the pool with paging", async () => {
    for (let i = 0; i < 23; i++) {
      const u = await teacherAccount();
      createTeacher(
        db,
        hq,
        {
          phone: u.phone,
          ...profile({
            displayName: i === 5 ? "黄南音" : `教师${String(i).padStart(2, "0")}`,
            organisation: i === 7 ? "厦门南音社" : "社区",
            kind: i % 2 ? "paid" : "volunteer",
            districtIds: [i % 3 ? d.huli!.id : d.jimei!.id],
          }),
        },
        null,
      );
    }
    const all = listTeachers(db, hq, { q: "", status: "active", page: 1 });
    expect(all.total).toBe(23);
    expect(all.rows).toHaveLength(20);
    expect(listTeachers(db, hq, { q: "", status: "active", page: 2 }).rows).toHaveLength(3);
    expect(
      listTeachers(db, hq, { q: "南音", status: "active", page: 1 })
        .rows.map((r) => r.displayName)
        .sort(),
    ).toEqual(["教师07", "黄南音"].sort());
    expect(
      listTeachers(db, hq, { q: "", district: d.jimei!.id, status: "active", page: 1 }).total,
    ).toBe(8);
    expect(listTeachers(db, hq, { q: "", kind: "paid", status: "active", page: 1 }).total).toBe(11);
    expect(
      listTeachers(db, hq, { q: "", category: cats["red-heritage"]!.id, status: "active", page: 1 })
        .total,
    ).toBe(23);
    expect(
      listTeachers(db, hq, { q: "", category: cats["virtue"]!.id, status: "active", page: 1 })
        .total,
    ).toBe(0);
  });
});

describe("demo pool", () => {
  it("skips gracefully without courses, then seeds 41 profiles once and covers every course", async () => {
    const fresh = createTestDb();
    try {
      seedDistricts(fresh);
      seedDemoAcademies(fresh);
      await seedDemoAccounts(fresh);
      const none = await seedDemoTeachers(fresh);
      expect(none.created).toBe(0);
      expect(none.skipped).toMatch(/课程/);
      importCatalogContent(fresh);
      const first = await seedDemoTeachers(fresh);
      expect(first.created).toBe(DEMO_POOL_SIZE + 1);
      const again = await seedDemoTeachers(fresh);
      expect(again.created).toBe(0);
      expect(fresh.select().from(teachers).all()).toHaveLength(DEMO_POOL_SIZE + 1);
      const demoTeacher = fresh.select().from(users).where(eq(users.phone, "13900000005")).get()!;
      expect(
        fresh.select().from(teachers).where(eq(teachers.userId, demoTeacher.id)).get()!.displayName,
      ).toBe("林晓燕");
      const generated = fresh.select().from(users).where(eq(users.phone, "13900100001")).get()!;
      expect(generated.isDemo).toBe(true);
      const live = fresh.select({ id: courses.id }).from(courses).all();
      const listed = new Set(
        fresh
          .select()
          .from(teacherCourses)
          .all()
          .map((r) => r.courseId),
      );
      expect(live.every((c) => listed.has(c.id))).toBe(true);
      // Every district has someone who will travel there.
      for (const district of Object.values(seedDistricts(fresh))) {
        const some = live.some(
          (c) => findTeachersFor(fresh, { courseId: c.id, districtId: district.id }).length > 0,
        );
        expect(some, district.name).toBe(true);
      }
    } finally {
      fresh.cleanup();
    }
  });
});
