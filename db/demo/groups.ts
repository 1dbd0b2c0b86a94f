/**
 * Demo data of the groups slice, seeded into an empty database on every fresh start: every academy
 * gets one to three resident organisations at different stages (with members and a dated history),
 * a public deliberation topic with a held meeting, frozen minutes and a follow-up task, and one
 * 社区特色 course draft in 公示 with a few votes. Bulk rows in two transactions; the notice goes
 * through startNotice so its checks and audit trail are the real ones.
 */
import { asc, eq, like, sql } from "drizzle-orm";
import type { DB } from "@db/client";
import {
  academies,
  categories,
  courseEvents,
  courses,
  courseVersions,
  meetingParticipants,
  meetings,
  organisationMembers,
  organisations,
  organisationStageChanges,
  proposalVotes,
  rooms,
  topics,
  topicTasks,
  users,
  type OrgStage,
  type OrgType,
} from "@db/schema";
import { loadActor } from "~/modules/auth/users.server";
import { markdownToDoc, renderDocHtml, docToText } from "~/modules/catalog/richtext.server";
import { startNotice } from "~/modules/community/proposals.server";

const DAY = 86_400_000;

const ORGS: { name: string; type: OrgType; description: string }[] = [
  {
    name: "夕阳红合唱团",
    type: "culture",
    description: "每周二、周四晚上在书院排练，常在社区节庆活动上演出。",
  },
  {
    name: "晨练太极拳队",
    type: "sports",
    description: "每天清晨在小区广场练习二十四式太极拳，欢迎长者加入。",
  },
  {
    name: "邻里守望志愿服务队",
    type: "volunteer",
    description: "垃圾分类督导、独居老人探访、楼道清洁，居民自发组织。",
  },
  {
    name: "墨香书法社",
    type: "interest",
    description: "书法爱好者交流切磋，春节前为居民义写春联。",
  },
  {
    name: "南音传习社",
    type: "culture",
    description: "传唱闽南南音，带孩子们认识琵琶、洞箫和拍板。",
  },
  { name: "亲子读书会", type: "interest", description: "每月一次亲子共读，交换图书。" },
  { name: "巧手互助坊", type: "mutual_aid", description: "修理小家电、缝补衣物，邻里互帮互助。" },
];
const STAGES: OrgStage[] = ["established", "incubating", "preparing"];
const TOPICS = [
  {
    title: "老旧楼栋加装电梯",
    description: "3 号楼多位老人上下楼困难，希望加装电梯，需要协商出资比例和低层住户的意见。",
    outcome: "经议事会协商，3 号楼同意按楼层分摊费用，由业主代表牵头向街道申请补助。",
    task: "向街道提交加装电梯补助申请",
    owner: "楼栋业主代表",
  },
  {
    title: "小区停车管理",
    description: "晚间车辆乱停占用消防通道，外来车辆多。",
    outcome: "划定临时停车区，消防通道两侧禁停，物业加强夜间巡查。",
    task: "消防通道施划禁停标线",
    owner: "物业公司",
  },
  {
    title: "楼道堆物清理",
    description: "部分楼道堆放杂物和电动车，存在消防隐患。",
    outcome: "每月第一个周六集中清理楼道，电动车统一到充电棚充电。",
    task: "张贴清理通知并组织第一次集中清理",
    owner: "社区居委会",
  },
];
const COURSES = [
  {
    title: "社区口述史工作坊",
    cat: "minnan-culture",
    summary: "请老街坊讲讲社区的变迁，学习记录、整理口述史。",
    objectives: ["学会访谈和记录的基本方法", "整理一篇社区口述史"],
  },
  {
    title: "阳台小菜园",
    cat: "green-eco",
    summary: "用回收容器在阳台种菜，学做厨余堆肥。",
    objectives: ["掌握阳台种菜的基本技巧", "学会家庭厨余堆肥"],
  },
  {
    title: "长者智能手机互助课",
    cat: "healthy-living",
    summary: "由年轻志愿者一对一教长者用手机挂号、乘车和防诈骗。",
    objectives: ["会用手机挂号和扫码乘车", "识别常见诈骗短信"],
  },
  {
    title: "闽南童谣亲子唱",
    cat: "minnan-culture",
    summary: "亲子一起学唱闽南童谣，了解背后的老厦门故事。",
    objectives: ["学唱三首闽南童谣", "了解童谣里的民俗"],
  },
];

export function seedGroupsDemo(db: DB, now = Date.now()) {
  const list = db
    .select({ id: academies.id, slug: academies.slug, name: academies.name })
    .from(academies)
    .orderBy(asc(academies.id))
    .all();
  const residents = db
    .select({ id: users.id, name: users.name })
    .from(users)
    .where(like(users.phone, "136%"))
    .orderBy(asc(users.phone))
    .all();
  const admin = db.select().from(users).where(eq(users.phone, "13900000001")).get();
  if (list.length === 0 || residents.length < 20 || !admin)
    return { skipped: "没有演示书院或居民", organisations: 0, topics: 0, proposals: 0 };
  const pick = (i: number) =>
    residents[((i % residents.length) + residents.length) % residents.length]!;
  const roomOf = new Map(
    db
      .select({ academyId: rooms.academyId, id: rooms.id })
      .from(rooms)
      .orderBy(asc(rooms.id))
      .all()
      .map((r) => [r.academyId, r.id] as const)
      .reverse(),
  );
  const minutesDoc = (t: (typeof TOPICS)[number]) =>
    markdownToDoc(
      `## 议题\n\n${t.description}\n\n## 讨论情况\n\n- 居民代表发言，说明诉求\n- 物业和社区居委会回应\n\n## 议定事项\n\n${t.outcome}`,
    );
  const rendered = TOPICS.map((t) => {
    const doc = minutesDoc(t);
    return { doc, html: renderDocHtml(doc), text: docToText(doc) };
  });
  let orgCount = 0;
  db.transaction(
    (tx) => {
      list.forEach((a, i) => {
        const n = (i % 3) + 1;
        for (let k = 0; k < n; k++) {
          const spec = ORGS[(i + k * 3) % ORGS.length]!;
          const stage = STAGES[k]!;
          const leader = pick(i * 11 + k * 5);
          const created = now - (200 + ((i * 7) % 90)) * DAY;
          const stageTimes: [OrgStage | null, OrgStage, number][] = [[null, "preparing", created]];
          if (stage !== "preparing")
            stageTimes.push(["preparing", "incubating", created + 45 * DAY]);
          if (stage === "established")
            stageTimes.push(["incubating", "established", created + 140 * DAY]);
          const org = tx
            .insert(organisations)
            .values({
              academyId: a.id,
              name: spec.name,
              type: spec.type,
              description: spec.description,
              leaderId: leader.id,
              stage,
              stageChangedAt: stageTimes.at(-1)![2],
              isDemo: true,
              createdBy: admin.id,
              createdAt: created,
              updatedAt: stageTimes.at(-1)![2],
            })
            .returning({ id: organisations.id })
            .get();
          for (const [from, to, at] of stageTimes)
            tx.insert(organisationStageChanges)
              .values({
                organisationId: org.id,
                fromStage: from,
                toStage: to,
                note:
                  to === "preparing"
                    ? "登记成立筹备组"
                    : to === "incubating"
                      ? "固定成员达到 10 人，进入孵化"
                      : "章程通过，正式成立",
                changedBy: admin.id,
                changedAt: at,
              })
              .run();
          const members = new Set<number>([leader.id]);
          const size = stage === "established" ? 8 : stage === "incubating" ? 5 : 2;
          for (let m = 1; members.size < size && m < 40; m++)
            members.add(pick(i * 11 + k * 5 + m * 13).id);
          for (const uid of members)
            tx.insert(organisationMembers)
              .values({
                organisationId: org.id,
                userId: uid,
                status: "active",
                appliedAt: created,
                decidedAt: created,
                decidedBy: leader.id,
              })
              .run();
          // One application waiting for the leader.
          const applicant = pick(i * 11 + k * 5 + 250);
          if (!members.has(applicant.id))
            tx.insert(organisationMembers)
              .values({
                organisationId: org.id,
                userId: applicant.id,
                status: "pending",
                note: "想参加，周末有空",
                appliedAt: now - 2 * DAY,
              })
              .run();
          orgCount++;
        }

        const ti = i % TOPICS.length;
        const t = TOPICS[ti]!;
        const decided = i % 2 === 0;
        const raised = now - 40 * DAY;
        const topic = tx
          .insert(topics)
          .values({
            academyId: a.id,
            title: t.title,
            description: t.description,
            raisedBy: pick(i * 17).id,
            raisedByManager: false,
            visibility: "public",
            status: decided ? "decided" : "open",
            outcome: decided ? t.outcome : "",
            isDemo: true,
            createdAt: raised,
            updatedAt: now - 5 * DAY,
          })
          .returning({ id: topics.id })
          .get();
        const held = now - 20 * DAY;
        const r = rendered[ti]!;
        const meeting = tx
          .insert(meetings)
          .values({
            topicId: topic.id,
            kind: "council",
            startsAt: held,
            roomId: roomOf.get(a.id) ?? null,
            place: roomOf.get(a.id) ? "" : "书院活动室",
            status: "closed",
            minutes: r.doc,
            minutesHtml: r.html,
            minutesText: r.text,
            minutesUpdatedAt: held + 2 * 3600_000,
            closedAt: held + 2 * 3600_000,
            closedBy: admin.id,
            createdBy: admin.id,
            createdAt: raised + DAY,
          })
          .returning({ id: meetings.id })
          .get();
        for (let p = 0; p < 4; p++) {
          const u = pick(i * 17 + p * 29);
          tx.insert(meetingParticipants)
            .values({
              meetingId: meeting.id,
              userId: u.id,
              name: u.name,
              invited: true,
              present: p < 3,
            })
            .onConflictDoNothing()
            .run();
        }
        tx.insert(meetingParticipants)
          .values({
            meetingId: meeting.id,
            userId: null,
            name: "物业服务中心",
            invited: true,
            present: true,
          })
          .run();
        tx.insert(topicTasks)
          .values({
            topicId: topic.id,
            meetingId: meeting.id,
            title: t.task,
            owner: t.owner,
            dueDate: new Date(now + (decided ? 20 : 10) * DAY).toISOString().slice(0, 10),
            status: decided ? "doing" : "todo",
            progress: decided ? "已启动" : "",
            createdAt: held + DAY,
            updatedAt: held + DAY,
          })
          .run();
      });
    },
    { behavior: "immediate" },
  );

  // 社区特色课程 drafts through the catalogue's author path, then 公示 through ours.
  const hq = loadActor(db, {
    id: admin.id,
    name: admin.name,
    phone: admin.phone,
    homeAcademyId: admin.homeAcademyId,
  });
  const cats = new Map(
    db
      .select({ slug: categories.slug, id: categories.id })
      .from(categories)
      .all()
      .map((c) => [c.slug, c.id]),
  );
  let proposals = 0;
  // The course rows are bulk-inserted like the other demo seeders do (the catalogue's createCourse
  // renders the syllabus with tiptap at ~10 ms a course, 2 s for 201 academies); the four syllabi are
  // rendered once. The notice then goes through startNotice, so its checks and audit are the real ones.
  const bodies = COURSES.map((c) => {
    const doc = markdownToDoc(
      `## 课程安排\n\n1. 第一次：相识与分享\n2. 第二次：动手实践\n3. 第三次：成果展示\n\n## 为什么开这门课\n\n居民需求调查中，很多居民希望学习“${c.title}”这方面的内容。`,
    );
    return { doc, html: renderDocHtml(doc), text: docToText(doc) };
  });
  // One transaction: startNotice runs as a savepoint inside it (one commit, not 201).
  db.transaction(
    (tx) => {
      const tdb = tx as unknown as DB;
      list.forEach((a, i) => {
        const c = COURSES[i % COURSES.length]!;
        const body = bodies[i % COURSES.length]!;
        const categoryId = cats.get(c.cat) ?? [...cats.values()][0];
        if (!categoryId) return;
        const t = now - 3 * DAY;
        const course = tx
          .insert(courses)
          .values({
            code: `SQ-${String(i + 1).padStart(4, "0")}`,
            categoryId,
            sourceLevel: "community",
            ownerType: "academy",
            ownerId: a.id,
            createdBy: admin.id,
            createdAt: t,
            updatedAt: t,
          })
          .returning({ id: courses.id })
          .get();
        const v = tx
          .insert(courseVersions)
          .values({
            courseId: course.id,
            versionNo: 1,
            status: "draft",
            title: c.title,
            summary: c.summary,
            audience: ["全体"],
            sessions: 3,
            minutesPerSession: 90,
            objectives: c.objectives,
            tags: ["社区特色"],
            body: body.doc,
            bodyHtml: body.html,
            bodyText: body.text,
            editedBy: admin.id,
            createdAt: t,
            updatedAt: t,
          })
          .returning({ id: courseVersions.id })
          .get();
        tx.insert(courseEvents)
          .values({
            courseId: course.id,
            versionId: v.id,
            versionNo: 1,
            actorId: admin.id,
            action: "create",
            summary: `新建课程“${c.title}”（第 1 版草稿）`,
            createdAt: t,
          })
          .run();
        const p = startNotice(
          tdb,
          hq,
          a.id,
          { courseId: course.id, days: 7, thresholdPercent: 60, minVotes: 5 },
          null,
          now - 2 * DAY,
        );
        const votes = 2 + (i % 4);
        for (let v = 0; v < votes; v++)
          tx.insert(proposalVotes)
            .values({
              proposalId: p.id,
              userId: pick(i * 23 + v * 31).id,
              choice: v % 4 === 3 ? "oppose" : "support",
              createdAt: now - DAY,
            })
            .onConflictDoNothing()
            .run();
        proposals++;
      });
    },
    { behavior: "immediate" },
  );
  const topicCount = db
    .select({ n: sql<number>`count(*)` })
    .from(topics)
    .get()!.n;
  return { skipped: null, organisations: orgCount, topics: topicCount, proposals };
}
