/**
 * Resources for the people who teach (issue 15, item 5): teachers, managers and district staff browse
 * the library (teachers-only resources included) with a 我的课程 filter; district staff upload for
 * their district's courses, managers for their academy's own courses, each audited; they delete
 * only their own uploads; district staff see their district's teacher pool without phone numbers.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import { auditLog, resources, teacherDistricts, teachers } from "@db/schema";
import type { Actor } from "~/modules/auth/permissions";
import {
  createFileResource,
  deleteResource,
  listResources,
  ownCourses,
  receiveFile,
} from "~/modules/catalog/resources.server";
import { listTeachersQuery } from "~/modules/catalog/teachers";
import { listTeachers } from "~/modules/catalog/teachers.server";
import { listResourcesQuery } from "~/modules/catalog/resources";
import { isUserError } from "~/utils/errors";
import { createCourse } from "@tests/factories/catalog";
import * as files from "@tests/factories/files";
import { createWorldRun, freshLearningWorld, type LearningWorld } from "@tests/factories/learning";
import { createActor } from "@tests/factories/users";

let db: Awaited<ReturnType<typeof freshLearningWorld>>["db"];
let w: LearningWorld;
let dir: string;
let districtStaff: Actor;
let otherDistrictStaff: Actor;

beforeEach(async () => {
  ({ db, w } = await freshLearningWorld());
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "staff-uploads-"));
  process.env.UPLOAD_DIR = dir;
  districtStaff = await createActor(db, [{ role: "district_staff", district: w.d.huli!.id }]);
  otherDistrictStaff = await createActor(db, [
    { role: "district_staff", district: w.d.siming!.id },
  ]);
});
afterEach(() => {
  db.cleanup();
  fs.rmSync(dir, { recursive: true, force: true });
  delete process.env.UPLOAD_DIR;
});

async function upload(
  actor: Actor,
  courseCode: string,
  visibility: "public" | "teachers" = "public",
) {
  const received = await receiveFile("讲义.pdf", files.chunks(files.pdfBytes()));
  return createFileResource(
    db,
    actor,
    { visibility, courseCode, title: `讲义 ${courseCode}` },
    received,
    "127.0.0.1",
  );
}

function refusal(fn: () => unknown): { status?: number; message: string; field?: string } {
  try {
    fn();
  } catch (e) {
    if (e instanceof Response) return { status: e.status, message: String(e.status) };
    if (isUserError(e)) return { message: e.message, field: e.field };
    throw e;
  }
  throw new Error("expected a refusal");
}

const query = (q: Record<string, string> = {}) => listResourcesQuery.parse(q);

describe("who may upload for which course", () => {
  it("district staff upload for their district's course, managers for their academy's own course; both audited", async () => {
    const districtCourse = createCourse(db, {
      code: "HL-0901",
      sourceLevel: "district",
      ownerType: "district",
      ownerId: w.d.huli!.id,
    }).course;
    const academyCourse = createCourse(db, {
      code: "HB-0902",
      sourceLevel: "community",
      ownerType: "academy",
      ownerId: w.academy.id,
    }).course;
    const a = await upload(districtStaff, districtCourse.code, "teachers");
    const b = await upload(w.manager, academyCourse.code);
    expect(a.courseId).toBe(districtCourse.id);
    expect(b.courseId).toBe(academyCourse.id);
    const audits = db.select().from(auditLog).where(eq(auditLog.action, "resource.upload")).all();
    expect(audits.map((x) => x.actorId).sort()).toEqual([districtStaff.id, w.manager.id].sort());
    expect(ownCourses(db, districtStaff).map((c) => c.code)).toEqual(["HL-0901"]);
    expect(ownCourses(db, w.manager).map((c) => c.code)).toEqual(["HB-0902"]);
  });

  it("refuses a city course, another district's or academy's course, and the shared library, storing nothing", async () => {
    const otherDistrict = createCourse(db, {
      code: "SM-0903",
      sourceLevel: "district",
      ownerType: "district",
      ownerId: w.d.siming!.id,
    }).course;
    const otherAcademy = createCourse(db, {
      code: "LH-0904",
      sourceLevel: "community",
      ownerType: "academy",
      ownerId: w.other.id,
    }).course;
    for (const [actor, code] of [
      [districtStaff, w.course.code],
      [districtStaff, otherDistrict.code],
      [w.manager, otherAcademy.code],
      [w.manager, w.course.code],
      [w.manager, ""],
    ] as const) {
      let err: unknown;
      try {
        await upload(actor, code);
      } catch (e) {
        err = e;
      }
      expect(isUserError(err), `${code || "shared"}`).toBe(true);
      expect((err as { field?: string }).field).toBe("courseCode");
      expect((err as Error).message).toMatch(/不归你们维护|全市共享的资源由总部上传/);
    }
    expect(db.select().from(resources).all()).toHaveLength(0);
    expect(fs.readdirSync(dir).filter((f) => !f.startsWith("."))).toEqual(
      fs.existsSync(path.join(dir, "incoming")) ? ["incoming"] : [],
    );
  });

  it("teachers and residents cannot upload at all (403)", async () => {
    const received = await receiveFile("a.pdf", files.chunks(files.pdfBytes()));
    expect(
      refusal(() =>
        createFileResource(
          db,
          w.teacher,
          { visibility: "public", courseCode: w.course.code },
          received,
          null,
        ),
      ).status,
    ).toBe(403);
    expect(
      refusal(() =>
        createFileResource(
          db,
          w.resident,
          { visibility: "public", courseCode: w.course.code },
          received,
          null,
        ),
      ).status,
    ).toBe(403);
  });

  it("a manager deletes their own upload (audited) but not HQ's or another manager's", async () => {
    const own = createCourse(db, {
      code: "HB-0905",
      sourceLevel: "community",
      ownerType: "academy",
      ownerId: w.academy.id,
    }).course;
    const mine = await upload(w.manager, own.code);
    const hqs = await upload(w.hqEditor, own.code);
    expect(refusal(() => deleteResource(db, w.manager, hqs.id, null)).status).toBe(403);
    expect(refusal(() => deleteResource(db, w.otherManager, mine.id, null)).status).toBe(403);
    deleteResource(db, w.manager, mine.id, null);
    expect(db.select().from(resources).where(eq(resources.id, mine.id)).get()).toBeUndefined();
    expect(
      db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.action, "resource.delete"), eq(auditLog.actorId, w.manager.id)))
        .all(),
    ).toHaveLength(1);
  });
});

describe("browsing the library", () => {
  it("teachers, managers and district staff browse it (teachers-only included); residents get 403", async () => {
    await upload(w.hqEditor, w.course.code, "teachers");
    for (const actor of [w.teacher, w.manager, districtStaff]) {
      const list = listResources(db, actor, query());
      expect(list.total).toBe(1);
      expect(list.rows[0]!.visibility).toBe("teachers");
    }
    expect(refusal(() => listResources(db, w.resident, query())).status).toBe(403);
  });

  it("我的课程 keeps the courses a teacher teaches, an academy runs, a district owns", async () => {
    const taught = w.course; // the world's teacher teaches a run of it below
    const other = createCourse(db, { code: "XX-0002" }).course;
    const huliOwned = createCourse(db, {
      code: "HL-0906",
      sourceLevel: "district",
      ownerType: "district",
      ownerId: w.d.huli!.id,
    }).course;
    createWorldRun(db, w, { starts: [Date.now() + 86_400_000] });
    await upload(w.hqEditor, taught.code);
    await upload(w.hqEditor, other.code);
    await upload(w.hqEditor, huliOwned.code);
    const codes = (actor: Actor) =>
      listResources(db, actor, query({ mine: "1" }))
        .rows.map((r) => r.courseCode)
        .sort();
    expect(codes(w.teacher)).toEqual([taught.code]);
    expect(codes(w.otherTeacher)).toEqual([]);
    expect(codes(w.manager)).toEqual([taught.code]); // the run is at the manager's academy
    expect(codes(districtStaff)).toEqual([huliOwned.code, taught.code].sort()); // owned + run in 湖里
    expect(codes(otherDistrictStaff)).toEqual([]);
    expect(listResources(db, w.teacher, query()).total).toBe(3);
  });
});

describe("the district's teacher pool", () => {
  it("district staff see the active teachers serving their district, without phone numbers; not another district's", () => {
    const t = db.select().from(teachers).where(eq(teachers.id, w.teacher.teacherId)).get()!;
    db.insert(teacherDistricts).values({ teacherId: t.id, districtId: w.d.huli!.id }).run();
    const q = (district: number) => listTeachersQuery.parse({ district: String(district) });
    const list = listTeachers(db, districtStaff, q(w.d.huli!.id));
    expect(list.rows.map((r) => r.id)).toEqual([t.id]);
    expect(list.rows[0]!.phone).toBeNull();
    expect(listTeachers(db, w.hqEditor, q(w.d.huli!.id)).rows[0]!.phone).toBe(w.teacher.phone);
    expect(refusal(() => listTeachers(db, districtStaff, q(w.d.siming!.id))).status).toBe(403);
    expect(refusal(() => listTeachers(db, w.manager, q(w.d.huli!.id))).status).toBe(403);
    // A search by phone finds nobody for district staff (no phone oracle).
    expect(
      listTeachers(
        db,
        districtStaff,
        listTeachersQuery.parse({ district: String(w.d.huli!.id), q: w.teacher.phone.slice(-6) }),
      ).total,
    ).toBe(0);
  });
});
