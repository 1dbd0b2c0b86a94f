/**
 * Demo teacher pool: a profile for the demo teacher (13900000005) and 40 generated teachers with
 * demo accounts (13900100001 …), spread over the six categories and six districts, each listing
 * starter courses of their categories. Deterministic, idempotent (existing phones and profiles are
 * left alone), and it does nothing until the library has courses.
 */
import { asc, eq, inArray, isNotNull } from "drizzle-orm";
import type { DB } from "@db/client";
import {
  categories,
  courses,
  districts,
  teacherCategories,
  teacherCourses,
  teacherDistricts,
  teachers,
  userRoles,
  users,
} from "@db/schema";
import { DEMO_PASSWORD } from "./accounts";
import { hashPassword } from "~/modules/auth/password.server";
import { demoRandom } from "./academies";

export const DEMO_TEACHER_PHONE = "13900000005";
export const DEMO_POOL_SIZE = 40;
export const demoPoolPhone = (i: number) => `139001${String(i + 1).padStart(5, "0")}`;

const SURNAMES = "陈林黄张李王吴刘蔡杨许郑谢洪郭邱曾廖赖周叶苏庄吕江何萧罗高潘".split("");
const GIVEN = [
  "美玲",
  "志强",
  "秀英",
  "建国",
  "丽华",
  "文彬",
  "雅婷",
  "明辉",
  "淑芬",
  "国栋",
  "晓燕",
  "永福",
  "佩珊",
  "振华",
  "惠敏",
  "伟杰",
  "碧霞",
  "少华",
  "玉兰",
  "清水",
  "丽娟",
  "海峰",
  "雪梅",
  "荣发",
  "思远",
  "婉清",
  "家豪",
  "素贞",
  "子涵",
  "德胜",
];

type Persona = { organisation: string; kind: "volunteer" | "paid"; bio: string };

const PERSONAS: Record<string, Persona[]> = {
  "red-heritage": [
    {
      organisation: "退休中学历史教师",
      kind: "volunteer",
      bio: "从教三十余年，退休后一直在社区宣讲厦门党史。熟悉福建第一个党支部、1930 年厦门破狱斗争等史料，讲课时常带上老照片和地图，让居民在熟悉的街巷里找到历史。",
    },
    {
      organisation: "区党史学习教育宣讲团",
      kind: "volunteer",
      bio: "区级宣讲团成员，长期走进社区、学校和企业讲述“英雄三岛”海防故事与经济特区建设历程，擅长把宏大历史讲成身边人的故事。",
    },
    {
      organisation: "华侨历史研究爱好者",
      kind: "volunteer",
      bio: "关注陈嘉庚先生与厦门华侨的爱国事迹，多次带领居民寻访集美学村和华侨故居，组织“读家书、讲侨史”分享会。",
    },
  ],
  "green-eco": [
    {
      organisation: "社区环保志愿服务队",
      kind: "volunteer",
      bio: "参与垃圾分类进小区督导多年，擅长用实物分拣游戏和家庭打卡带动居民养成分类习惯，也带孩子们做厨余堆肥和旧物改造。",
    },
    {
      organisation: "湿地与海洋保护社会组织",
      kind: "paid",
      bio: "长期从事筼筜湖、下潭尾湿地的自然观察和中华白海豚保护宣传，组织过数十场净滩行动，课程以户外观察和动手实践为主。",
    },
    {
      organisation: "阳台农园讲师",
      kind: "volunteer",
      bio: "在自家阳台种菜十余年，教居民用回收容器育苗、用厨余做堆肥，让环保和餐桌连在一起。",
    },
  ],
  virtue: [
    {
      organisation: "家庭教育指导师",
      kind: "paid",
      bio: "持证家庭教育指导师，结合《家庭教育促进法》为家长开设亲子沟通、家风家训课程，注重情景演练和家庭作业。",
    },
    {
      organisation: "退休小学校长",
      kind: "volunteer",
      bio: "退休前从事基础教育管理工作，现在社区开展文明礼仪和孝亲敬老课程，讲课亲切，喜欢请居民分享自家的好家风。",
    },
    {
      organisation: "社区社会工作者",
      kind: "paid",
      bio: "社会工作师，长期服务社区长者与困境家庭，擅长组织邻里互助和志愿服务项目，课程以讨论和实践为主。",
    },
  ],
  "minnan-culture": [
    {
      organisation: "南音社团负责人",
      kind: "volunteer",
      bio: "自幼学习南音，现为社区南音社团负责人，教居民认识南音的乐器和曲牌，也能带大家唱几段闽南童谣。",
    },
    {
      organisation: "闽南语推广志愿者",
      kind: "volunteer",
      bio: "土生土长的老厦门，热心推广闽南语，课程从日常问候、菜市场对话到俗语谚语，欢迎新厦门人一起学讲“厦门话”。",
    },
    {
      organisation: "非遗传承工作室",
      kind: "paid",
      bio: "从事漆线雕等闽南传统工艺创作多年，带领居民体验非遗手作，讲述工艺背后的闽南民俗与匠人故事。",
    },
    {
      organisation: "鼓浪屿文史讲解员",
      kind: "paid",
      bio: "持证讲解员，熟悉鼓浪屿世界文化遗产和老城骑楼街区的历史建筑，课程多以走读形式进行。",
    },
  ],
  "healthy-living": [
    {
      organisation: "社会体育指导员（太极拳）",
      kind: "volunteer",
      bio: "国家二级社会体育指导员，教授二十四式太极拳和八段锦十余年，注重动作要领与安全，特别适合长者循序渐进地练习。",
    },
    {
      organisation: "社区卫生服务中心全科医生",
      kind: "paid",
      bio: "全科医生，负责辖区慢病管理，为居民讲解高血压、糖尿病的自我管理和长者防跌倒知识；课程内容不替代个人诊疗建议。",
    },
    {
      organisation: "红十字会急救培训师",
      kind: "volunteer",
      bio: "红十字救护师资，教授心肺复苏、AED 使用和常见意外的现场处置，课程以分组实操为主。",
    },
    {
      organisation: "长者智能手机课志愿者",
      kind: "volunteer",
      bio: "大学生志愿服务队骨干，耐心教长者用手机挂号、乘车码、视频通话和识别诈骗信息，一对一辅导。",
    },
  ],
  "law-safety": [
    {
      organisation: "律师事务所（法律援助志愿律师）",
      kind: "volunteer",
      bio: "执业律师，长期参与社区法律援助，讲解民法典中的婚姻家庭、继承和老年人权益，现场为居民答疑。",
    },
    {
      organisation: "派出所社区民警",
      kind: "paid",
      bio: "社区民警，结合辖区真实案例讲解电信网络诈骗的常见手法和防范要点，教居民使用国家反诈中心 App。",
    },
    {
      organisation: "消防救援站宣传员",
      kind: "paid",
      bio: "消防宣传员，讲授家庭防火、燃气安全、电动自行车充电安全和台风季防范，带居民现场学用灭火器。",
    },
  ],
};

type CourseRow = { id: number; code: string; categoryId: number };

/** Seeds the demo pool. Returns how many profiles were created, or why it skipped. */
export async function seedDemoTeachers(db: DB): Promise<{ created: number; skipped?: string }> {
  const liveCourses: CourseRow[] = db
    .select({ id: courses.id, code: courses.code, categoryId: courses.categoryId })
    .from(courses)
    .where(isNotNull(courses.currentVersionId))
    .orderBy(asc(courses.code))
    .all();
  if (!liveCourses.length) return { created: 0, skipped: "课程库还没有已发布的课程，暂不生成师资" };
  const cats = db
    .select({ id: categories.id, slug: categories.slug })
    .from(categories)
    .orderBy(asc(categories.sortOrder))
    .all();
  const dists = db
    .select({ id: districts.id, code: districts.code })
    .from(districts)
    .orderBy(asc(districts.sortOrder))
    .all();
  if (!dists.length) return { created: 0, skipped: "还没有区的数据，暂不生成师资" };
  const byCat = new Map<number, CourseRow[]>();
  for (const c of liveCourses) byCat.set(c.categoryId, [...(byCat.get(c.categoryId) ?? []), c]);
  const catsWithCourses = cats.filter((c) => byCat.has(c.id));
  if (!catsWithCourses.length)
    return { created: 0, skipped: "课程库还没有已发布的课程，暂不生成师资" };

  const rand = demoRandom(5005);
  const pick = <T>(list: T[]) => list[Math.floor(rand() * list.length)]!;
  const sample = <T>(list: T[], n: number) => {
    const copy = [...list];
    const out: T[] = [];
    while (copy.length && out.length < n)
      out.push(copy.splice(Math.floor(rand() * copy.length), 1)[0]!);
    return out;
  };

  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const now = Date.now();
  let created = 0;

  db.transaction(
    (tx) => {
      const existingProfiles = new Set(
        tx
          .select({ userId: teachers.userId })
          .from(teachers)
          .all()
          .map((r) => r.userId),
      );
      const addProfile = (
        userId: number,
        p: {
          displayName: string;
          persona: Persona;
          catIds: number[];
          districtIds: number[];
          courseIds: number[];
        },
      ) => {
        if (existingProfiles.has(userId)) return null;
        const t = tx
          .insert(teachers)
          .values({
            userId,
            displayName: p.displayName,
            bio: p.persona.bio,
            organisation: p.persona.organisation,
            kind: p.persona.kind,
            active: true,
            createdAt: now,
          })
          .returning({ id: teachers.id })
          .get();
        for (const categoryId of p.catIds)
          tx.insert(teacherCategories).values({ teacherId: t.id, categoryId }).run();
        for (const districtId of p.districtIds)
          tx.insert(teacherDistricts).values({ teacherId: t.id, districtId }).run();
        for (const courseId of p.courseIds)
          tx.insert(teacherCourses)
            .values({ teacherId: t.id, courseId })
            .onConflictDoNothing()
            .run();
        const teacherRole = tx
          .select({ role: userRoles.role })
          .from(userRoles)
          .where(eq(userRoles.userId, userId))
          .all();
        if (!teacherRole.some((r) => r.role === "teacher")) {
          tx.insert(userRoles)
            .values({ userId, role: "teacher", scopeType: "city", scopeId: 0, grantedAt: now })
            .run();
        }
        existingProfiles.add(userId);
        created++;
        return t.id;
      };

      // The demo teacher: 湖里 and 思明, 绿色环保 and 健康生活, a handful of listed courses.
      const demoUser = tx
        .select({ id: users.id })
        .from(users)
        .where(eq(users.phone, DEMO_TEACHER_PHONE))
        .get();
      if (demoUser) {
        const wanted = ["green-eco", "healthy-living"];
        const catIds = cats
          .filter((c) => wanted.includes(c.slug) && byCat.has(c.id))
          .map((c) => c.id);
        const useCats = catIds.length ? catIds : [catsWithCourses[0]!.id];
        const districtIds = dists
          .filter((d) => d.code === "huli" || d.code === "siming")
          .map((d) => d.id);
        addProfile(demoUser.id, {
          displayName: "林晓燕",
          persona: {
            organisation: "湖里区社区志愿者协会",
            kind: "volunteer",
            bio: "社区志愿讲师，周末在湖里、思明的社区书院讲垃圾分类和长者健康课。喜欢和居民一起动手：分拣、堆肥、练八段锦。欢迎书院点单！",
          },
          catIds: useCats,
          districtIds: districtIds.length ? districtIds : [dists[0]!.id],
          courseIds: useCats.flatMap((id) => (byCat.get(id) ?? []).slice(0, 4).map((c) => c.id)),
        });
      }

      // 40 generated teachers: category i % 6, 1–3 districts (district i % 6 always), 3–6 courses.
      const phones = Array.from({ length: DEMO_POOL_SIZE }, (_, i) => demoPoolPhone(i));
      const existingUsers = new Map(
        tx
          .select({ id: users.id, phone: users.phone })
          .from(users)
          .where(inArray(users.phone, phones))
          .all()
          .map((u) => [u.phone, u.id]),
      );
      for (let i = 0; i < DEMO_POOL_SIZE; i++) {
        const primary = catsWithCourses[i % catsWithCourses.length]!;
        const slug = cats.find((c) => c.id === primary.id)!.slug;
        const persona = pick(PERSONAS[slug] ?? Object.values(PERSONAS).flat());
        const catIds = [primary.id];
        if (rand() < 0.25) {
          const second = pick(catsWithCourses);
          if (second.id !== primary.id) catIds.push(second.id);
        }
        const homeDistrict = dists[i % dists.length]!.id;
        const others = sample(
          dists.filter((d) => d.id !== homeDistrict),
          Math.floor(rand() * 3),
        ).map((d) => d.id);
        const courseIds = sample(byCat.get(primary.id)!, 3 + Math.floor(rand() * 4)).map(
          (c) => c.id,
        );
        const name = `${SURNAMES[(i * 7) % SURNAMES.length]}${GIVEN[(i * 11 + 3) % GIVEN.length]}`;
        let userId = existingUsers.get(phones[i]!);
        if (!userId) {
          userId = tx
            .insert(users)
            .values({ phone: phones[i]!, name, passwordHash, isDemo: true, createdAt: now })
            .returning({ id: users.id })
            .get().id;
        }
        addProfile(userId, {
          displayName: name,
          persona,
          catIds,
          districtIds: [homeDistrict, ...others],
          courseIds,
        });
      }

      // Every live course gets at least one teacher who lists it (the course page shows them).
      const listed = new Set(
        tx
          .select({ courseId: teacherCourses.courseId })
          .from(teacherCourses)
          .all()
          .map((r) => r.courseId),
      );
      const poolByCat = new Map<number, number[]>();
      for (const r of tx
        .select({
          teacherId: teacherCategories.teacherId,
          categoryId: teacherCategories.categoryId,
        })
        .from(teacherCategories)
        .innerJoin(teachers, eq(teachers.id, teacherCategories.teacherId))
        .where(eq(teachers.active, true))
        .orderBy(asc(teacherCategories.teacherId))
        .all()) {
        poolByCat.set(r.categoryId, [...(poolByCat.get(r.categoryId) ?? []), r.teacherId]);
      }
      let turn = 0;
      for (const c of liveCourses) {
        if (listed.has(c.id)) continue;
        const pool = poolByCat.get(c.categoryId);
        if (!pool?.length) continue;
        tx.insert(teacherCourses)
          .values({ teacherId: pool[turn++ % pool.length]!, courseId: c.id })
          .onConflictDoNothing()
          .run();
      }
    },
    { behavior: "immediate" },
  );
  return { created };
}
