import { eq } from "drizzle-orm";
import { courseOrders, courses, notifications, ORDER_STATES, type OrderState } from "@db/schema";
import { retireCourse } from "~/modules/catalog/courses.server";
import {
  acceptOrder,
  createOrder,
  declineOrder,
  getOrderDetail,
  listAllOrders,
  withdrawOrder,
} from "~/modules/scheduling/orders.server";
import { createRun } from "~/modules/scheduling/runs.server";
import { assertOrderMove, canOrderMove, ORDER_TRANSITIONS } from "~/modules/scheduling/states";
import { UserError } from "~/utils/errors";
import { createCourse } from "@tests/factories/catalog";
import { createTestDb } from "@tests/factories/db";
import {
  createTeacher,
  daysFromToday,
  runDefaults,
  schedulingWorld,
} from "@tests/factories/scheduling";

let db: ReturnType<typeof createTestDb>;
beforeEach(() => {
  db = createTestDb();
});
afterEach(() => db.cleanup());

const order = (courseId: number) => ({
  courseId,
  term: "2027 年春季",
  weekdays: [2, 4],
  dayparts: ["evening" as const],
  note: "居民想学",
});
const state = (id: number) =>
  db.select().from(courseOrders).where(eq(courseOrders.id, id)).get()!.state;

async function status(fn: () => unknown) {
  try {
    await fn();
  } catch (e) {
    if (e instanceof Response) return e.status;
    if (e instanceof UserError) return e.message;
    throw e;
  }
  return "ok";
}

describe("order state machine (pure)", () => {
  it("allows exactly submitted → accepted/declined/withdrawn and accepted → scheduled/withdrawn", () => {
    const allowed = new Set([
      "submitted>accepted",
      "submitted>declined",
      "submitted>withdrawn",
      "accepted>scheduled",
      "accepted>withdrawn",
    ]);
    for (const from of ORDER_STATES) {
      for (const to of ORDER_STATES) {
        expect(canOrderMove(from, to), `${from} → ${to}`).toBe(allowed.has(`${from}>${to}`));
      }
    }
    for (const final of ["declined", "withdrawn", "scheduled"] as OrderState[])
      expect(ORDER_TRANSITIONS[final]).toEqual([]);
  });

  it("explains a refused move in Chinese", () => {
    expect(() => assertOrderMove("declined", "accepted")).toThrow("这个点单已婉拒，不能再受理。");
    expect(() => assertOrderMove("scheduled", "withdrawn")).toThrow("这个点单已开课，不能再撤回。");
  });
});

describe("ordering from the library", () => {
  it("pins the published version, goes to HQ, which assigns a pool teacher and accepts; a run from it marks it scheduled", async () => {
    const w = await schedulingWorld(db);
    const o = createOrder(db, w.managerA, w.a.id, order(w.course.id));
    expect(o).toMatchObject({
      state: "submitted",
      handler: "hq",
      courseVersionId: w.version.id,
      handlerDistrictId: null,
    });
    const detail = getOrderDetail(db, w.hq, o.id);
    expect(detail.canDecide).toBe(true);
    expect(detail.teacherChoices.map((t) => t.displayName)).toEqual(["陈美玲"]);
    acceptOrder(db, w.hq, o.id, { teacherId: w.teacher.id });
    expect(state(o.id)).toBe("accepted");
    // The manager and the teacher are told.
    const inbox = db.select().from(notifications).all();
    expect(inbox.map((n) => n.userId).sort()).toEqual([w.managerA.id, w.teacher.userId].sort());
    expect(inbox.find((n) => n.userId === w.managerA.id)!.title).toContain("点单已受理");
    const { run } = createRun(db, w.managerA, w.a.id, {
      ...runDefaults,
      courseId: w.course.id,
      orderId: o.id,
      roomId: w.roomA.id,
      startDate: daysFromToday(3),
      weekdays: [1, 2, 3, 4, 5, 6, 7],
      startTime: "19:00",
      endTime: "20:30",
      weeks: 1,
    });
    expect(run.courseVersionId).toBe(w.version.id);
    expect(state(o.id)).toBe("scheduled");
    expect(await status(() => withdrawOrder(db, w.managerA, o.id))).toBe(
      "这个点单已开课，不能再撤回。",
    );
  });

  it("refuses a teacher who cannot teach the course or does not travel to the district", async () => {
    const w = await schedulingWorld(db);
    const notHere = await createTeacher(db, {
      name: "只去思明",
      courseIds: [w.course.id],
      districtIds: [w.d.siming!.id],
    });
    const wrongCourse = await createTeacher(db, {
      name: "不会这门课",
      courseIds: [w.other.course.id],
      districtIds: [w.d.huli!.id],
    });
    const byCategory = await createTeacher(db, {
      name: "红色传承讲师",
      categoryIds: [w.course.categoryId],
      districtIds: [w.d.huli!.id],
    });
    const o = createOrder(db, w.managerA, w.a.id, order(w.course.id));
    expect(
      getOrderDetail(db, w.hq, o.id)
        .teacherChoices.map((t) => t.displayName)
        .sort(),
    ).toEqual(["红色传承讲师", "陈美玲"].sort());
    for (const t of [notHere, wrongCourse]) {
      expect(await status(() => acceptOrder(db, w.hq, o.id, { teacherId: t.id }))).toBe(
        "请从能教这门课、并且愿意到这个区授课的教师中选择。",
      );
    }
    expect(state(o.id)).toBe("submitted");
    acceptOrder(db, w.hq, o.id, { teacherId: byCategory.id });
    expect(state(o.id)).toBe("accepted");
  });

  it("declines only with a reason, which the manager reads in 消息", async () => {
    const w = await schedulingWorld(db);
    const o = createOrder(db, w.managerA, w.a.id, order(w.course.id));
    expect(await status(() => declineOrder(db, w.hq, o.id, { reason: "  " }))).toBe(
      "请写明婉拒的原因，书院会看到它。",
    );
    declineOrder(db, w.hq, o.id, { reason: "本学期师资已排满" });
    expect(state(o.id)).toBe("declined");
    const msg = db
      .select()
      .from(notifications)
      .where(eq(notifications.userId, w.managerA.id))
      .get()!;
    expect(msg.body).toContain("本学期师资已排满");
    expect(await status(() => acceptOrder(db, w.hq, o.id, { teacherId: w.teacher.id }))).toBe(
      "这个点单已婉拒，不能再受理。",
    );
    // The database refuses a declined order without a reason too.
    expect(() =>
      db.update(courseOrders).set({ decisionNote: "" }).where(eq(courseOrders.id, o.id)).run(),
    ).toThrow(/CHECK/);
  });

  it("lets the manager withdraw a submitted order, and refuses a duplicate open order", async () => {
    const w = await schedulingWorld(db);
    const o = createOrder(db, w.managerA, w.a.id, order(w.course.id));
    expect(await status(() => createOrder(db, w.managerA, w.a.id, order(w.course.id)))).toContain(
      "不必重复点单",
    );
    withdrawOrder(db, w.managerA, o.id);
    expect(state(o.id)).toBe("withdrawn");
    expect(await status(() => acceptOrder(db, w.hq, o.id, { teacherId: w.teacher.id }))).toBe(
      "这个点单已撤回，不能再受理。",
    );
    expect(createOrder(db, w.managerA, w.a.id, order(w.course.id)).state).toBe("submitted");
  });

  it("refuses an order for a retired course, and a run from an order whose course was retired since", async () => {
    const w = await schedulingWorld(db);
    const accepted = createOrder(db, w.managerA, w.a.id, order(w.course.id));
    acceptOrder(db, w.hq, accepted.id, { teacherId: w.teacher.id });
    retireCourse(db, w.hq, w.course.id, null);
    expect(
      db.select().from(courses).where(eq(courses.id, w.course.id)).get()!.retiredAt,
    ).not.toBeNull();
    expect(await status(() => createOrder(db, w.managerB, w.b.id, order(w.course.id)))).toBe(
      "「百年党史在厦门」已经停用，不能点单。",
    );
    expect(
      await status(() =>
        createRun(db, w.managerA, w.a.id, {
          ...runDefaults,
          courseId: w.course.id,
          orderId: accepted.id,
          roomId: w.roomA.id,
          startDate: daysFromToday(3),
          weekdays: [1],
          startTime: "09:00",
          endTime: "10:00",
          weeks: 1,
        }),
      ),
    ).toBe("这门课程已经停用，不能再开课。");
  });

  it("routes a 区级流动课程 order to its district centre, not HQ", async () => {
    const w = await schedulingWorld(db);
    const { course } = createCourse(db, {
      title: "湖里区流动课：闽南童谣",
      category: "minnan-culture",
      sourceLevel: "district",
      ownerId: w.d.huli!.id,
    });
    const t = await createTeacher(db, {
      name: "湖里讲师",
      courseIds: [course.id],
      districtIds: [w.d.siming!.id],
    });
    const o = createOrder(db, w.managerB, w.b.id, order(course.id));
    expect(o).toMatchObject({ handler: "district", handlerDistrictId: w.d.huli!.id });
    // The 湖里 centre was told; HQ editors and the 思明 centre may not decide it.
    expect(
      db.select().from(notifications).where(eq(notifications.userId, w.huliStaff.id)).all(),
    ).toHaveLength(1);
    expect(await status(() => acceptOrder(db, w.hq, o.id, { teacherId: t.id }))).toBe(403);
    expect(await status(() => acceptOrder(db, w.simingStaff, o.id, { teacherId: t.id }))).toBe(403);
    acceptOrder(db, w.huliStaff, o.id, { teacherId: t.id });
    expect(state(o.id)).toBe("accepted");
  });

  it("HQ sees all orders and filters by state, district and category", async () => {
    const w = await schedulingWorld(db);
    const o1 = createOrder(db, w.managerA, w.a.id, order(w.course.id));
    createOrder(db, w.managerA, w.a.id, order(w.other.course.id));
    createOrder(db, w.managerB, w.b.id, order(w.course.id));
    acceptOrder(db, w.hq, o1.id, { teacherId: w.teacher.id });
    expect(listAllOrders(db, w.hq).total).toBe(3);
    expect(listAllOrders(db, w.hq, { state: "accepted" }).rows.map((r) => r.id)).toEqual([o1.id]);
    expect(
      listAllOrders(db, w.hq, { districtId: w.d.siming!.id }).rows.map((r) => r.academyName),
    ).toEqual(["莲花社区书院"]);
    expect(
      listAllOrders(db, w.hq, { categoryId: w.other.course.categoryId }).rows.map((r) => r.title),
    ).toEqual(["垃圾分类我先行"]);
    expect(await status(() => listAllOrders(db, w.managerA))).toBe(403);
  });

  it("refuses community courses (scheduled directly) and unpublished ones", async () => {
    const w = await schedulingWorld(db);
    const own = createCourse(db, {
      title: "本社区的茶艺课",
      sourceLevel: "community",
      ownerId: w.a.id,
    });
    const draft = createCourse(db, { title: "还在写的课", status: "draft" });
    expect(await status(() => createOrder(db, w.managerA, w.a.id, order(own.course.id)))).toBe(
      "社区特色课程由书院自己开课，不需要点单。",
    );
    expect(await status(() => createOrder(db, w.managerA, w.a.id, order(draft.course.id)))).toBe(
      "「还在写的课」还没有发布，不能点单。",
    );
  });
});
