/**
 * The scale generator: `npm run db:seed -- --scale demo|city|province [--seed N] [--today YYYY-MM-DD]`.
 *
 * demo      the demo seed (db/seed.ts), what `npm start` puts into an empty database.
 * city      the demo seed plus the city's published figures: 6 districts, 201 academies with
 *           rooms and populations, ~4,300 published courses in 6 categories, ~4,600 runs with
 *           their sessions over two years, ~150,000 residents (some with family members),
 *           enrolments (waitlists, promotions, cancellations) and attendance, ~23,000 activities
 *           with registrations, check-ins and headcounts, organisations and topics,
 *           evaluations and 想学 marks: together well over 520,000 participations.
 * province  10× the city: 2,010 academies, 46,000 runs, 1.5 million residents, 230,000
 *           activities, 5.2 million+ participations (the library stays at ~4,300 courses).
 *
 * Deterministic: the same --seed and --today give the same database. Stages run in immediate
 * transactions of prepared bulk inserts that SQLite checks against the schema's own constraints
 * (foreign keys, UNIQUE, CHECK); the statistics triggers are suspended during the load and the
 * rollups rebuilt from scratch at the end (then `npm run stats:check` agrees).
 */
import { pathToFileURL } from "node:url";
import { migrateDatabase, openDatabase, type DB } from "./client";
import { countUsers } from "@db/demo/accounts";
import { seed as seedDemo } from "./seed";
import { hashPassword } from "~/modules/auth/password.server";
import { generateCourses } from "@db/demo/courses";
import { seedDemoRooms } from "@db/demo/schedule";
import { demoRandom } from "@db/demo/academies";
import { sessionLocalColumns } from "~/modules/scheduling/runs.server";
import { rebuildRollups, suspendRollups } from "~/modules/stats/rollups.server";

export const SCALES = ["demo", "city", "province"] as const;
export type Scale = (typeof SCALES)[number];

const FACTOR: Record<Exclude<Scale, "demo">, number> = { city: 1, province: 10 };
const DAY = 86_400_000;

const SURNAMES =
  "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡蒋余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤";
const GIVEN =
  "秀英 桂英 秀兰 玉兰 淑珍 丽华 建国 建华 志强 国华 文华 明辉 海燕 晓燕 丽娟 美玲 志明 俊杰 雅琴 慧敏 春梅 宝珠 金水 阿花 丽云 碧霞 惠珍 福生 天佑 德明".split(
    " ",
  );
const ACTIVITY_TITLES: [string, string][] = [
  ["culture_sports", "广场舞联谊"],
  ["culture_sports", "太极拳晨练"],
  ["culture_sports", "南音雅集"],
  ["culture_sports", "社区合唱排练"],
  ["volunteer", "邻里守望志愿服务"],
  ["volunteer", "垃圾分类督导"],
  ["volunteer", "敬老院慰问"],
  ["festival", "中秋博饼"],
  ["festival", "端午包粽子"],
  ["festival", "元宵灯谜会"],
  ["lecture", "防诈骗宣讲"],
  ["lecture", "健康义诊讲座"],
  ["family", "亲子阅读会"],
  ["family", "周末手工坊"],
  ["party", "主题党日"],
  ["other", "社区议事开放日"],
];
const ORG_NAMES: [string, string][] = [
  ["culture", "合唱团"],
  ["sports", "太极队"],
  ["volunteer", "志愿服务队"],
  ["interest", "书画社"],
  ["mutual_aid", "邻里互助会"],
  ["culture", "南音社"],
];
const TOPIC_TITLES = [
  "小区停车位如何分配",
  "楼道堆物清理",
  "加装电梯意见征集",
  "社区花园认养",
  "夜间噪音扰民",
  "老旧小区改造方案",
  "快递柜设置位置",
  "垃圾分类点调整",
];
const SLOTS = [11 * 60 + 15, 13 * 60, 16 * 60 + 45]; // between the demo schedule's 9:00, 14:30 and 19:00 classes

type Log = (line: string) => void;

function shanghaiToday(now: number) {
  return new Date(now + 8 * 3600_000).toISOString().slice(0, 10);
}
function wall(date: string, minute: number) {
  return Date.parse(`${date}T00:00:00Z`) - 8 * 3600_000 + minute * 60_000;
}
function addDaysIso(date: string, n: number) {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);
}

export async function generate(
  db: DB,
  opts: { scale: Scale; seed: number; now?: number; log?: Log },
) {
  const log = opts.log ?? ((l: string) => console.log(l));
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const cpu = () => {
    const u = process.cpuUsage(cpu0);
    return (u.user + u.system) / 1e6;
  };
  const step = (label: string) =>
    log(
      `  [${((performance.now() - t0) / 1000).toFixed(1).padStart(5)} s，CPU ${cpu().toFixed(1).padStart(5)} s] ${label}`,
    );
  for (const line of await seedDemo(db, { demo: "force" })) log(line);
  if (opts.scale === "demo") return;
  const k = FACTOR[opts.scale];
  const now = opts.now ?? Date.now();
  const today = shanghaiToday(now);
  const r = demoRandom(opts.seed);
  const c = db.$client;
  c.pragma("synchronous = OFF");
  c.pragma("cache_size = -400000");
  suspendRollups(db);
  const tx = (fn: () => void) => c.transaction(fn).immediate();
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const int = (a: number, b: number) => a + Math.floor(r() * (b - a + 1));
  step(
    `演示数据就绪，开始生成${opts.scale === "city" ? "全市" : "全省（10 倍）"}规模数据（seed ${opts.seed}，今天 ${today}）`,
  );

  // 1. Academies: the demo's 201, and for the province 9 more sets of the same districts.
  if (k > 1) {
    const districts = c
      .prepare(`SELECT id, code, name FROM districts ORDER BY sort_order`)
      .all() as { id: number; code: string; name: string }[];
    const subs = c
      .prepare(`SELECT id, district_id FROM subdistricts ORDER BY sort_order`)
      .all() as { id: number; district_id: number }[];
    const per = new Map(
      (
        c.prepare(`SELECT district_id id, count(*) n FROM academies GROUP BY 1`).all() as {
          id: number;
          n: number;
        }[]
      ).map((x) => [x.id, x.n]),
    );
    const ins = c.prepare(
      `INSERT INTO academies (slug, name, district_id, subdistrict_id, community, address, opening_hours, phone, population, description, is_demo, created_at) VALUES (?, ?, ?, ?, ?, ?, '每天 8:30–20:30', ?, ?, '', 1, ?)`,
    );
    tx(() => {
      for (const d of districts) {
        const ds = subs.filter((s) => s.district_id === d.id);
        const base = per.get(d.id) ?? 0;
        for (let i = base; i < base * k; i++) {
          const name = `${d.name.slice(0, 2)}第${i + 1}社区`;
          ins.run(
            `${d.code}-${String(i + 1).padStart(4, "0")}`,
            `${name}书院`,
            d.id,
            ds[i % ds.length]?.id ?? null,
            name,
            `${d.name}${name}服务中心`,
            `0592-${5000000 + int(0, 3999999)}`,
            3000 + int(0, 22000),
            now,
          );
        }
      }
    });
    seedDemoRooms(db);
  }
  const academies = c
    .prepare(`SELECT id, district_id, population FROM academies ORDER BY id`)
    .all() as { id: number; district_id: number; population: number }[];
  const rooms = new Map<number, { id: number; capacity: number }[]>();
  for (const x of c
    .prepare(`SELECT id, academy_id, capacity FROM rooms WHERE archived_at IS NULL ORDER BY id`)
    .all() as { id: number; academy_id: number; capacity: number }[])
    rooms.set(x.academy_id, [...(rooms.get(x.academy_id) ?? []), x]);
  step(
    `书院 ${academies.length} 所，教室 ${[...rooms.values()].reduce((s, x) => s + x.length, 0)} 间`,
  );

  // 2. The library: ~4,300 published courses in the six categories, through the publish path.
  const existing = (
    c.prepare(`SELECT count(*) n FROM courses WHERE current_version_id IS NOT NULL`).get() as {
      n: number;
    }
  ).n;
  generateCourses(db, Math.max(0, 4300 - existing), opts.seed);
  const library = c
    .prepare(
      `SELECT c.id, v.id vid, v.minutes_per_session m, v.sessions s FROM courses c JOIN course_versions v ON v.id = c.current_version_id ORDER BY c.id`,
    )
    .all() as { id: number; vid: number; m: number; s: number }[];
  step(`课程库 ${library.length} 门已发布课程`);

  // 3. Residents (with home academies by population) and family members.
  const residents = 150_000 * k;
  const hash = await hashPassword("xiamen-2015");
  const firstUser = (
    c.prepare(`SELECT coalesce(max(id), 0) + 1 n FROM users`).get() as { n: number }
  ).n;
  const popTotal = academies.reduce((s, a) => s + a.population, 0);
  const cumulative: number[] = [];
  let acc = 0;
  for (const a of academies) cumulative.push((acc += a.population / popTotal));
  const homeOf = (x: number) => {
    let lo = 0,
      hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const byAcademy = new Map<number, number[]>(); // academy id → user ids living there
  const family = new Map<number, number>(); // user id → family member id
  const insUser = c.prepare(
    `INSERT INTO users (id, phone, name, password_hash, home_academy_id, birth_year, is_demo, created_at) VALUES (?, ?, ?, ?, ?, ?, 1, ?)`,
  );
  const insFamily = c.prepare(
    `INSERT INTO family_members (owner_user_id, name, relation, birth_year, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
  );
  for (let from = 0; from < residents; from += 100_000) {
    tx(() => {
      for (let i = from; i < Math.min(residents, from + 100_000); i++) {
        const id = firstUser + i;
        const a = academies[homeOf(r())]!;
        insUser.run(
          id,
          `15${String(i).padStart(9, "0")}`,
          `${pick([...SURNAMES])}${pick(GIVEN)}`,
          hash,
          a.id,
          int(1940, 2012),
          now - 800 * DAY,
        );
        let list = byAcademy.get(a.id);
        if (!list) byAcademy.set(a.id, (list = []));
        list.push(id);
        if (r() < 0.1) {
          const f = insFamily.get(
            id,
            `${pick([...SURNAMES])}${pick(GIVEN)}`,
            pick(["母亲", "父亲", "子女", "配偶"]),
            int(1930, 2018),
            now,
            now,
          ) as { id: number };
          family.set(id, f.id);
        }
      }
    });
    step(
      `居民 ${Math.min(residents, from + 100_000).toLocaleString()} / ${residents.toLocaleString()}`,
    );
  }
  const neighbour = (academyId: number) => {
    const list = byAcademy.get(academyId);
    if (list && list.length && r() < 0.75) return pick(list);
    const a = academies[homeOf(r())]!;
    const other = byAcademy.get(a.id)!;
    return pick(other);
  };

  // 4. Runs with weekly sessions over two years (92 weeks back, 12 ahead), no room double-booked.
  const runsTarget = 4600 * k;
  const insRun = c.prepare(
    `INSERT INTO class_runs (academy_id, course_id, course_version_id, room_id, capacity, overflow_confirmed, status, guest_teacher, enrol_mode, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 0, ?, '社区志愿讲师', 'first_come', ?, ?) RETURNING id`,
  );
  const insSession = c.prepare(
    `INSERT INTO class_sessions (run_id, room_id, starts_at, ends_at, local_date, weekday, start_minute, status, cancel_reason, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
  );
  const insEnroll = c.prepare(
    `INSERT INTO enrollments (run_id, user_id, family_member_id, status, queue_key, created_at, confirmed_at, promoted_at, cancelled_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
  );
  const insMark = c.prepare(
    `INSERT INTO attendance (session_id, enrollment_id, present, method, marked_at) VALUES (?, ?, ?, ?, ?)`,
  );
  const insEval = c.prepare(
    `INSERT INTO evaluations (enrollment_id, session_id, author_id, rating, comment, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const monday = addDaysIso(today, -((new Date(`${today}T00:00:00Z`).getUTCDay() + 6) % 7));
  const COMMENTS = [
    "老师讲得很好，很实用",
    "内容丰富，希望多开",
    "时间安排合适",
    "教室有点挤",
    "收获很大",
    "",
  ];
  let runs = 0,
    sessions = 0,
    enrollmentCount = 0,
    marks = 0,
    evaluations = 0;
  const perAcademy = Math.ceil(runsTarget / academies.length);
  for (let ai = 0; ai < academies.length; ai += 50) {
    tx(() => {
      for (const a of academies.slice(ai, ai + 50)) {
        const rs = rooms.get(a.id) ?? [];
        if (rs.length === 0) continue;
        for (let j = 0; j < perAcademy && runs < runsTarget; j++) {
          const room = rs[j % rs.length]!;
          const lane = Math.floor(j / rs.length); // one weekday × slot per run of a room: no clash
          const weekday = lane % 7;
          const slot = SLOTS[Math.floor(lane / 7) % SLOTS.length]!;
          const course = pick(library);
          const n = Math.max(4, Math.min(12, course.s + 4));
          const firstWeek = -92 + Math.floor(r() * 100);
          const firstDate = addDaysIso(monday, firstWeek * 7 + weekday);
          const minutes = Math.min(90, course.m);
          const starts = Array.from({ length: n }, (_, w) =>
            wall(addDaysIso(firstDate, w * 7), slot),
          );
          const over = starts[n - 1]! + minutes * 60_000 < now;
          const capacity = Math.min(room.capacity, int(10, 24));
          const fill = r() < 0.3 ? 1 : 0.4 + r() * 0.6;
          const confirmed = Math.max(1, Math.round(capacity * fill));
          const status = over ? "finished" : confirmed >= capacity ? "full" : "open";
          const created = starts[0]! - 30 * DAY;
          const run = (
            insRun.get(
              a.id,
              course.id,
              course.vid,
              room.id,
              capacity,
              status,
              created,
              created,
            ) as { id: number }
          ).id;
          runs++;
          const sessionIds: { id: number; startsAt: number; held: boolean }[] = [];
          for (const s of starts) {
            const l = sessionLocalColumns(s);
            const cancelled = r() < 0.02;
            const id = (
              insSession.get(
                run,
                room.id,
                s,
                s + minutes * 60_000,
                l.localDate,
                l.weekday,
                l.startMinute,
                cancelled ? "cancelled" : "scheduled",
                cancelled ? "台风停课" : "",
                created,
                created,
              ) as { id: number }
            ).id;
            sessionIds.push({ id, startsAt: s, held: !cancelled && s + minutes * 60_000 < now });
            sessions++;
          }
          // Enrolments: confirmed seats, a waitlist when full (some promoted), a few cancellations.
          const people = new Set<string>();
          const seats: { id: number; userId: number }[] = [];
          const take = () => {
            for (let tries = 0; tries < 20; tries++) {
              const u = neighbour(a.id);
              const fm = family.has(u) && r() < 0.3 ? family.get(u)! : null;
              const key = fm ? `f${fm}` : `u${u}`;
              if (!people.has(key)) {
                people.add(key);
                return { u, fm };
              }
            }
            return null;
          };
          for (let e = 0; e < confirmed; e++) {
            const p = take();
            if (!p) break;
            const at = created + Math.floor(r() * 25 * DAY);
            const promoted = fill === 1 && r() < 0.1;
            const id = (
              insEnroll.get(
                run,
                p.u,
                p.fm,
                "confirmed",
                promoted ? at : null,
                at,
                at,
                promoted ? at + DAY : null,
                null,
                at,
              ) as { id: number }
            ).id;
            seats.push({ id, userId: p.u });
            enrollmentCount++;
          }
          const extra = fill === 1 ? int(0, 6) : int(0, 2);
          for (let e = 0; e < extra; e++) {
            const p = take();
            if (!p) break;
            const at = created + Math.floor(r() * 25 * DAY);
            const waitlist = fill === 1;
            insEnroll.run(
              run,
              p.u,
              p.fm,
              waitlist && !over ? "waitlisted" : "cancelled",
              waitlist ? at : null,
              at,
              waitlist ? null : at,
              null,
              waitlist && !over ? null : at + DAY,
              at,
            );
            enrollmentCount++;
          }
          // Attendance for held sessions; evaluations after the run.
          for (const s of sessionIds) {
            if (!s.held) continue;
            for (const seat of seats) {
              const x = r();
              if (x < 0.8) insMark.run(s.id, seat.id, 1, r() < 0.6 ? "qr" : "roster", s.startsAt);
              else if (x < 0.9) insMark.run(s.id, seat.id, 0, "roster", s.startsAt);
              else continue;
              marks++;
            }
          }
          const last = sessionIds.filter((s) => s.held).at(-1);
          if (last) {
            for (const seat of seats) {
              if (r() < 0.4) {
                const at = Math.min(now - 60_000, last.startsAt + int(1, 5) * DAY);
                insEval.run(
                  seat.id,
                  last.id,
                  seat.userId,
                  r() < 0.6 ? 5 : r() < 0.7 ? 4 : int(1, 3),
                  pick(COMMENTS),
                  at,
                );
                evaluations++;
              }
            }
          }
        }
      }
    });
    step(
      `开课 ${runs.toLocaleString()} 个班、${sessions.toLocaleString()} 次课、报名 ${enrollmentCount.toLocaleString()} 条、出勤记录 ${marks.toLocaleString()} 条、评价 ${evaluations.toLocaleString()} 条`,
    );
  }

  // 5. Activities: registrations, check-ins and headcounts; outdoors so no room clashes.
  const activitiesTarget = 23_000 * k;
  const insAct = c.prepare(
    `INSERT INTO activities (academy_id, type, title, description, audience, place, starts_at, ends_at, local_date, weekday, start_minute, registration, capacity, status, cancel_reason, headcount, headcount_at, is_demo, created_at, updated_at) VALUES (?, ?, ?, '', '全体居民', '社区文化广场', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?) RETURNING id`,
  );
  const insReg = c.prepare(
    `INSERT INTO activity_registrations (activity_id, user_id, family_member_id, status, created_at, confirmed_at, updated_at) VALUES (?, ?, ?, 'confirmed', ?, ?, ?) RETURNING id`,
  );
  const insAMark = c.prepare(
    `INSERT INTO activity_attendance (activity_id, registration_id, user_id, family_member_id, present, method, marked_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const perAcademyAct = Math.ceil(activitiesTarget / academies.length);
  let acts = 0,
    regs = 0,
    checkins = 0;
  for (let ai = 0; ai < academies.length; ai += 100) {
    tx(() => {
      for (const a of academies.slice(ai, ai + 100)) {
        for (let j = 0; j < perAcademyAct && acts < activitiesTarget; j++) {
          const [type, title] = pick(ACTIVITY_TITLES);
          const date = addDaysIso(today, -670 + Math.floor(r() * 700));
          const startsAt = wall(date, pick([9 * 60 + 30, 15 * 60, 19 * 60 + 30]));
          const l = sessionLocalColumns(startsAt);
          const past = startsAt < now;
          const cancelled = r() < 0.03;
          const registration = r() < 0.4;
          const capacity = registration ? int(20, 50) : null;
          const people = new Set<number>();
          const regRows: { id: number; u: number }[] = [];
          const created = startsAt - 14 * DAY;
          // Insert first with no headcount; set it after the check-ins (as the manager does).
          const id = (
            insAct.get(
              a.id,
              type,
              title,
              startsAt,
              startsAt + 2 * 3600_000,
              l.localDate,
              l.weekday,
              l.startMinute,
              registration ? 1 : 0,
              capacity,
              cancelled ? "cancelled" : "scheduled",
              cancelled ? "天气原因" : "",
              null,
              null,
              created,
              created,
            ) as { id: number }
          ).id;
          acts++;
          if (registration) {
            const n = Math.round(capacity! * (0.3 + r() * 0.6));
            for (let e = 0; e < n; e++) {
              const u = neighbour(a.id);
              if (people.has(u)) continue;
              people.add(u);
              regRows.push({
                id: (insReg.get(id, u, null, created, created, created) as { id: number }).id,
                u,
              });
              regs++;
            }
          }
          if (!past || cancelled) continue;
          let identified = 0;
          for (const g of regRows) {
            if (r() < 0.7) {
              insAMark.run(id, g.id, null, null, 1, r() < 0.5 ? "qr" : "roster", startsAt);
              identified++;
            }
          }
          const walkins = int(0, registration ? 3 : 10);
          for (let e = 0; e < walkins; e++) {
            const u = neighbour(a.id);
            if (people.has(u)) continue;
            people.add(u);
            insAMark.run(id, null, u, null, 1, "qr", startsAt);
            identified++;
          }
          checkins += identified;
          const headcount = identified + int(0, registration ? 4 : 12);
          c.prepare(`UPDATE activities SET headcount = ?, headcount_at = ? WHERE id = ?`).run(
            headcount,
            startsAt + 2 * 3600_000,
            id,
          );
        }
      }
    });
    step(
      `活动 ${acts.toLocaleString()} 场、报名 ${regs.toLocaleString()} 条、签到与登记出勤 ${checkins.toLocaleString()} 人次`,
    );
  }

  // 6. Organisations with members, deliberation topics, 想学 marks.
  const insOrg = c.prepare(
    `INSERT INTO organisations (academy_id, name, type, description, leader_id, stage, stage_changed_at, is_demo, created_at, updated_at) VALUES (?, ?, ?, '', ?, ?, ?, 1, ?, ?) RETURNING id`,
  );
  const insMember = c.prepare(
    `INSERT OR IGNORE INTO organisation_members (organisation_id, user_id, status, applied_at, decided_at) VALUES (?, ?, 'active', ?, ?)`,
  );
  const insTopic = c.prepare(
    `INSERT INTO topics (academy_id, title, description, raised_by, status, outcome, is_demo, created_at, updated_at) VALUES (?, ?, '', ?, ?, ?, 1, ?, ?)`,
  );
  const insWant = c.prepare(
    `INSERT OR IGNORE INTO course_wants (user_id, course_id, academy_id, created_at) VALUES (?, ?, ?, ?)`,
  );
  let orgs = 0,
    topics = 0,
    wants = 0;
  tx(() => {
    for (const a of academies) {
      const used = new Set<string>(
        (
          c.prepare(`SELECT name FROM organisations WHERE academy_id = ?`).all(a.id) as {
            name: string;
          }[]
        ).map((x) => x.name),
      );
      for (let j = 0; j < 2; j++) {
        const [type, suffix] = ORG_NAMES[(a.id + j) % ORG_NAMES.length]!;
        const name = `${suffix}`;
        if (used.has(name)) continue;
        used.add(name);
        const leader = neighbour(a.id);
        const at = now - int(30, 600) * DAY;
        const org = (
          insOrg.get(
            a.id,
            name,
            type,
            leader,
            pick(["incubating", "established", "established"]),
            at,
            at,
            at,
          ) as { id: number }
        ).id;
        insMember.run(org, leader, at, at);
        for (let m = 0; m < int(5, 15); m++) insMember.run(org, neighbour(a.id), at, at);
        orgs++;
      }
      for (let j = 0; j < 3; j++) {
        const status = pick(["open", "decided", "decided", "proposed"] as const);
        const at = now - int(1, 600) * DAY;
        insTopic.run(
          a.id,
          pick(TOPIC_TITLES),
          neighbour(a.id),
          status,
          status === "decided" ? "经议事会协商，形成方案并已公示。" : "",
          at,
          at,
        );
        topics++;
      }
    }
    for (let i = 0; i < 30_000 * k; i++) {
      const a = academies[homeOf(r())]!;
      const info = insWant.run(neighbour(a.id), pick(library).id, a.id, now - int(1, 600) * DAY);
      wants += info.changes;
    }
  });
  step(`居民组织 ${orgs} 个、议题 ${topics} 个、想学 ${wants.toLocaleString()} 条`);

  // 7. Rollups from scratch, planner statistics, a compact file.
  rebuildRollups(db);
  c.pragma("synchronous = FULL");
  c.exec("ANALYZE");
  c.pragma("wal_checkpoint(TRUNCATE)");
  const total = c
    .prepare(
      `SELECT (SELECT coalesce(sum(attendances), 0) FROM stats_run_month) + (SELECT coalesce(sum(max(headcount, identified)), 0) FROM stats_activity WHERE cancelled = 0 AND starts_at <= ?) n`,
    )
    .get(now) as { n: number };
  step(`统计汇总已重算；参与人次合计 ${total.n.toLocaleString()}`);
  return { participations: total.n, seconds: (performance.now() - t0) / 1000, cpuSeconds: cpu() };
}

// Run as a script (`npm run db:seed`); a server build that bundles this file must not run it.
if (
  import.meta.url === pathToFileURL(process.argv[1] ?? "").href &&
  import.meta.url.endsWith("/db/generate.ts")
) {
  // npm run db:seed [-- --scale demo|city|province] [--seed N] [--today YYYY-MM-DD] [--no-demo]
  const arg = (name: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const scale = arg("scale") ?? "demo";
  if (!(SCALES as readonly string[]).includes(scale)) {
    console.error(`--scale 应为 ${SCALES.join(" | ")}`);
    process.exit(2);
  }
  const today = arg("today");
  if (today && !/^\d{4}-\d{2}-\d{2}$/.test(today)) {
    console.error("--today 应为 YYYY-MM-DD");
    process.exit(2);
  }
  const db = openDatabase();
  migrateDatabase(db);
  if (process.argv.includes("--no-demo"))
    for (const line of await seedDemo(db, { demo: "never" })) console.log(line);
  else if (scale !== "demo" && countUsers(db) > 0) {
    console.error("city / province 规模的数据只能生成到空数据库里：请换一个 DATABASE_PATH。");
    process.exit(2);
  } else {
    const t = performance.now();
    const result = await generate(db, {
      scale: scale as (typeof SCALES)[number],
      seed: Number(arg("seed") ?? 2015),
      now: today ? Date.parse(`${today}T04:00:00Z`) : undefined,
    });
    if (result)
      console.log(
        `完成：用时 ${((performance.now() - t) / 1000).toFixed(1)} s（CPU ${result.cpuSeconds.toFixed(1)} s），参与人次 ${result.participations.toLocaleString()}`,
      );
  }
  db.$client.close();
}
