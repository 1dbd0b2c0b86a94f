/**
 * Each statistical definition on a small hand-built world with answers computed by hand, the
 * scope rules (district staff: their district; a manager: their academy), the exports (CSV with
 * BOM and XLSX, Chinese headers, audited) and the open data API (public data only, validated
 * queries, ETag/304, responses valid against its own OpenAPI document).
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import Ajv2020 from "ajv/dist/2020";
import ExcelJS from "exceljs";
import { sessionLocalColumns } from "~/modules/scheduling/runs.server";
import {
  academyDashboard,
  districtDashboard,
  hqDashboard,
} from "~/modules/stats/dashboards.server";
import { makePeriod } from "~/modules/stats/period";
import { computeFigures, StatsAccessError } from "~/modules/stats/stats.server";
import { volunteerService } from "~/modules/community/volunteers.server";
import { exportStats } from "~/modules/stats/pages.server";
import { apiResponse, openApiDocument } from "~/modules/stats/api.server";
import {
  addFamilyMember,
  cancelSessionRow,
  createWorldRun,
  addEnrollment,
  freshLearningWorld,
  markPresent,
  type LearningWorld,
} from "../factories/learning";
import { createActor } from "../factories/users";
import { createCourse } from "../factories/catalog";
import type { TestDb } from "../factories/db";

const JAN = makePeriod("custom", "2026-01", "2026-01");
const NOW = Date.UTC(2026, 5, 1, 4);
const at = (d: number, h = 1) => Date.UTC(2026, 0, d, h); // 2026-01-d 09:00 in Xiamen

let db: TestDb;
let w: LearningWorld;
beforeEach(async () => {
  ({ db, w } = await freshLearningWorld());
  const c = db.$client;
  // One run in 湖边 (湖里): three January sessions of 90 minutes, one cancelled; one pool teacher.
  const { run, sessions } = createWorldRun(db, w, {
    starts: [at(10), at(17), at(24)],
    minutes: 90,
    status: "finished",
  });
  cancelSessionRow(db, sessions[2]!.id);
  const member = addFamilyMember(db, w.resident);
  const e1 = addEnrollment(db, run.id, { userId: w.resident.id }, { at: at(2) });
  const e2 = addEnrollment(
    db,
    run.id,
    { userId: w.resident.id, familyMemberId: member.id },
    { at: at(2) },
  );
  const e3 = addEnrollment(
    db,
    run.id,
    { userId: w.neighbour.id },
    { status: "waitlisted", at: at(3) },
  );
  c.prepare(`UPDATE enrollments SET status = 'confirmed', promoted_at = ? WHERE id = ?`).run(
    at(4),
    e3.id,
  );
  markPresent(db, sessions[0]!.id, e1.id);
  markPresent(db, sessions[0]!.id, e2.id);
  markPresent(db, sessions[1]!.id, e1.id);
  markPresent(db, sessions[1]!.id, e2.id, false);
  c.prepare(
    `INSERT INTO evaluations (enrollment_id, author_id, rating, created_at) VALUES (?, ?, 5, ?), (?, ?, 3, ?)`,
  ).run(e1.id, w.resident.id, at(25), e2.id, w.resident.id, at(25));
  // One open activity on 1/20: 3 people checked in (the resident again, the neighbour, the teacher), headcount 10.
  const s = at(20, 2);
  const l = sessionLocalColumns(s);
  const act = c
    .prepare(
      `INSERT INTO activities (academy_id, type, title, place, starts_at, ends_at, local_date, weekday, start_minute, registration, headcount, created_at, updated_at) VALUES (?, 'festival', '元宵灯谜会', '社区广场', ?, ?, ?, ?, ?, 0, 10, 0, 0) RETURNING id`,
    )
    .get(w.academy.id, s, s + 7200_000, l.localDate, l.weekday, l.startMinute) as { id: number };
  for (const u of [w.resident.id, w.neighbour.id, w.teacher.id])
    c.prepare(
      `INSERT INTO activity_attendance (activity_id, user_id, present, method, marked_at) VALUES (?, ?, 1, 'qr', ?)`,
    ).run(act.id, u, s);
});
afterEach(() => db.cleanup());

describe("definitions", () => {
  it("compute each figure of a hand-built January", () => {
    const f = computeFigures(
      db,
      { type: "academy", academyId: w.academy.id, districtId: w.academy.districtId },
      JAN,
      NOW,
    );
    expect(f.runsHeld).toBe(1); // one run with a held session
    expect(f.sessionsHeld).toBe(2); // the cancelled one does not count
    expect(f.activitiesHeld).toBe(1);
    expect(f.classAttendances).toBe(3); // present marks
    expect(f.activityParticipations).toBe(10); // 3 checked in + 7 more of the headcount
    expect(f.participations).toBe(13);
    expect(f.participants).toBe(4); // resident, mother, neighbour, teacher — the resident once
    expect(f.population).toBe(10000);
    expect(f.participationRate).toBeCloseTo(4 / 10000, 10);
    expect(f.satisfaction).toBe(4); // (5 + 3) / 2
    expect(f.ratings).toBe(2);
    expect(f.volunteerHours).toBe(3); // 2 held sessions × 90 min × 1 teacher
    expect(f.waitlistConversion).toBe(1); // 1 waitlisted, 1 promoted
    expect(f.noShowRate).toBe(0.25); // 1 absent of 4 marks
  });

  it("count nothing outside the period or the district", () => {
    const feb = computeFigures(
      db,
      { type: "academy", academyId: w.academy.id, districtId: w.academy.districtId },
      makePeriod("custom", "2026-02", "2026-03"),
      NOW,
    );
    expect([feb.runsHeld, feb.sessionsHeld, feb.participations, feb.participants]).toEqual([
      0, 0, 0, 0,
    ]);
    const siming = computeFigures(
      db,
      { type: "district", districtId: w.other.districtId },
      JAN,
      NOW,
    );
    expect([siming.participations, siming.participants, siming.runsHeld]).toEqual([0, 0, 0]);
    const city = computeFigures(db, { type: "city" }, JAN, NOW);
    expect(city.participations).toBe(13);
    expect(city.population).toBe(20000);
  });
});

describe("definitions that join the community module", () => {
  it("志愿服务时长 adds confirmed community service to teaching, equal to the sum of everyone's /me figure", () => {
    const c = db.$client;
    const signup = c
      .prepare(
        `INSERT INTO volunteer_signups (user_id, academy_id, activity_id, status, created_at) VALUES (?, ?, 1, 'active', 0) RETURNING id`,
      )
      .get(w.neighbour.id, w.academy.id) as { id: number };
    const hours = c.prepare(
      `INSERT INTO volunteer_hours (signup_id, user_id, service_date, minutes, confirmed_at) VALUES (?, ?, ?, ?, 0)`,
    );
    hours.run(signup.id, w.neighbour.id, "2026-01-18", 90);
    hours.run(signup.id, w.neighbour.id, "2026-02-03", 45);
    const academy = {
      type: "academy",
      academyId: w.academy.id,
      districtId: w.academy.districtId,
    } as const;
    const jan = computeFigures(db, academy, JAN, NOW);
    expect(jan.volunteerHours).toBe(4.5); // 3 h teaching + 1.5 h confirmed service on 1/18
    expect([jan.teachingHours, jan.communityVolunteerHours]).toEqual([3, 1.5]);
    expect(
      computeFigures(db, academy, makePeriod("custom", "2026-02", "2026-02"), NOW).volunteerHours,
    ).toBe(0.8); // 45 min, rounded to 0.1 h
    // The same total as /me: every account's volunteerService() summed (this world's runs have pool teachers only).
    const all = computeFigures(
      db,
      { type: "city" },
      makePeriod("custom", "2025-01", "2026-06"),
      NOW,
    );
    const people = c.prepare(`SELECT id FROM users`).all() as { id: number }[];
    const me = people.reduce((sum, u) => sum + (volunteerService(db, u.id, NOW)?.minutes ?? 0), 0);
    expect(me).toBe(3 * 60 + 135);
    expect(all.volunteerHours).toBe(Math.round((me / 60) * 10) / 10);
    // Deleting the signup (cascading its hours) takes them out again.
    c.prepare(`DELETE FROM volunteer_signups WHERE id = ?`).run(signup.id);
    expect(computeFigures(db, academy, JAN, NOW).volunteerHours).toBe(3);
  });

  it("候补转正率 counts activity waitlists as well as class waitlists", () => {
    const c = db.$client;
    const s = at(22, 2);
    const l = sessionLocalColumns(s);
    const act = c
      .prepare(
        `INSERT INTO activities (academy_id, type, title, place, starts_at, ends_at, local_date, weekday, start_minute, registration, capacity, created_at, updated_at) VALUES (?, 'lecture', '防诈骗宣讲', '二楼', ?, ?, ?, ?, ?, 1, 1, 0, 0) RETURNING id`,
      )
      .get(w.academy.id, s, s + 3600_000, l.localDate, l.weekday, l.startMinute) as { id: number };
    const reg = c.prepare(
      `INSERT INTO activity_registrations (activity_id, user_id, status, queue_key, created_at, confirmed_at, promoted_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    reg.run(act.id, w.teacher.id, "confirmed", null, at(5), at(5), null, at(5));
    reg.run(act.id, w.resident.id, "waitlisted", at(6), at(6), null, null, at(6));
    reg.run(act.id, w.neighbour.id, "confirmed", at(6), at(6), at(8), at(8), at(8)); // waitlisted, then promoted
    const academy = {
      type: "academy",
      academyId: w.academy.id,
      districtId: w.academy.districtId,
    } as const;
    const f = computeFigures(db, academy, JAN, NOW);
    expect([f.waitlisted, f.promoted]).toEqual([3, 2]); // class: 1 of 1; activity: 1 of 2
    expect(f.waitlistConversion).toBeCloseTo(2 / 3, 10);
    c.prepare(`DELETE FROM activities WHERE id = ?`).run(act.id);
    expect(computeFigures(db, academy, JAN, NOW).waitlistConversion).toBe(1);
  });
});

describe("scope", () => {
  it("district staff read their district only; a manager their academy only; HQ the city", async () => {
    const staff = await createActor(db, [
      { role: "district_staff", district: w.academy.districtId },
    ]);
    expect(
      districtDashboard(db, staff, w.academy.districtId, JAN, "rate", NOW).tables.find(
        (t) => t.id === "academies",
      )!.rows.length,
    ).toBe(1);
    expect(() => districtDashboard(db, staff, w.other.districtId, JAN, "rate", NOW)).toThrow(
      StatsAccessError,
    );
    expect(() => hqDashboard(db, staff, JAN, NOW)).toThrow(StatsAccessError);
    expect(academyDashboard(db, staff, w.academy.id, JAN, NOW).scopeLabel).toBe(w.academy.name);
    expect(() => academyDashboard(db, staff, w.other.id, JAN, NOW)).toThrow(StatsAccessError);
    expect(
      academyDashboard(db, w.manager, w.academy.id, JAN, NOW).tables.find((t) => t.id === "runs")!
        .rows.length,
    ).toBe(1);
    expect(() => academyDashboard(db, w.manager, w.other.id, JAN, NOW)).toThrow(StatsAccessError);
    expect(() => districtDashboard(db, w.manager, w.academy.districtId, JAN, "rate", NOW)).toThrow(
      StatsAccessError,
    );
    expect(
      hqDashboard(db, w.hqAdmin, JAN, NOW).cards.find((c) => c.key === "participations")!.value,
    ).toBe("13");
  });

  it("an export outside the actor's scope is refused and not audited", async () => {
    const url = new URL(
      `http://x/stats/export?academy=${w.other.slug}&p=custom&from=2026-01&to=2026-01&format=csv&table=runs`,
    );
    const before = (db.$client.prepare(`SELECT count(*) n FROM audit_log`).get() as { n: number })
      .n;
    await expect(exportStats(db, w.manager, url, "127.0.0.1", NOW)).rejects.toMatchObject({
      status: 403,
    });
    expect((db.$client.prepare(`SELECT count(*) n FROM audit_log`).get() as { n: number }).n).toBe(
      before,
    );
  });
});

describe("exports", () => {
  it("CSV has a BOM and Chinese headers, XLSX opens with them, and both are audited", async () => {
    const base = `http://x/stats/export?district=huli&p=custom&from=2026-01&to=2026-01`;
    const csv = await exportStats(
      db,
      w.hqAdmin,
      new URL(`${base}&format=csv&table=academies`),
      "127.0.0.1",
      NOW,
    );
    const text = csv.body as string;
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(text.split("\r\n")[0]).toContain("参与率（%）");
    expect(text).toContain(w.academy.name);
    expect(csv.headers["Content-Disposition"]).toContain(encodeURIComponent("湖里区"));
    expect(csv.headers["X-Content-Type-Options"]).toBe("nosniff");
    expect(csv.headers["Cache-Control"]).toBe("private, no-store");
    const xlsx = await exportStats(db, w.hqAdmin, new URL(`${base}&format=xlsx`), "127.0.0.1", NOW);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.body as ArrayBuffer);
    const names = wb.worksheets.map((s) => s.name);
    expect(names).toContain("本区书院对比");
    expect(wb.getWorksheet("本区书院对比")!.getRow(1).getCell(1).value).toBe("书院");
    const audits = db.$client
      .prepare(`SELECT action, summary FROM audit_log WHERE action = 'stats.export'`)
      .all() as { summary: string }[];
    expect(audits).toHaveLength(2);
    expect(audits[0]!.summary).toContain("湖里区");
  });
});

describe("open data API", () => {
  const get = (path: string, headers: Record<string, string> = {}) =>
    apiResponse(
      db,
      path.split("?")[0]!.replace("/api/v1/", "").replace("stats/", "") as never,
      new Request(`http://x${path}`, { headers }),
      NOW,
    );

  it("serves published courses only, validates its query, answers 304 to a matching ETag", async () => {
    createCourse(db, { title: "草稿里的课程", status: "draft" });
    const res = get("/api/v1/courses?limit=100");
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data: { title: string }[] };
    expect(body.data.some((c) => c.title === "草稿里的课程")).toBe(false);
    expect(body.data.some((c) => c.title === "闽南语入门")).toBe(true);
    const etag = res.headers.get("ETag")!;
    expect(res.headers.get("Cache-Control")).toContain("max-age");
    expect(get("/api/v1/courses?limit=100", { "If-None-Match": etag }).status).toBe(304);
    for (const [path, code] of [
      ["/api/v1/courses?limit=101", "bad_limit"],
      ["/api/v1/classes?page=0", "bad_page"],
      ["/api/v1/academies?colour=red", "unknown_filter"],
      ["/api/v1/stats/summary?p=custom&from=2026-05&to=2026-01", "bad_period"],
      ["/api/v1/stats/summary?p=custom&from=2020-01&to=2026-01", "bad_period"],
      ["/api/v1/classes?district=atlantis", "unknown_district"],
    ] as const) {
      const r = get(path);
      expect(r.status, path).toBe(400);
      const e = (await r.json()) as { error: { code: string; message: string } };
      expect(e.error.code, path).toBe(code);
      expect(e.error.message).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it("responses validate against its own OpenAPI document", async () => {
    const doc = openApiDocument();
    expect(doc.openapi).toBe("3.1.0");
    const ajv = new Ajv2020({ strict: false });
    for (const [path, schema] of [
      ["/api/v1/courses", "courses"],
      ["/api/v1/academies", "academies"],
      ["/api/v1/classes", "classes"],
      ["/api/v1/activities?from=2026-01-01", "activities"],
      [
        "/api/v1/stats/summary?p=custom&from=2026-01&to=2026-01&academy=" + w.academy.slug,
        "summary",
      ],
    ] as const) {
      const body = await get(path).json();
      const validate = ajv.compile({
        ...(doc.components.schemas as Record<string, object>)[schema],
        $id: schema,
      });
      expect(validate(body), `${path}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
    const summary = (await get(
      `/api/v1/stats/summary?p=custom&from=2026-01&to=2026-01&academy=${w.academy.slug}`,
    ).json()) as { figures: { participations: number } };
    expect(summary.figures.participations).toBe(13); // the same function as the dashboards
  });
});
