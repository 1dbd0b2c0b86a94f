import { eq, sql } from "drizzle-orm";
import {
  courseProposals,
  courseVersions,
  meetings,
  organisations,
  topics,
  users,
} from "@db/schema";
import { seedGroupsDemo } from "@db/demo/groups";
import { closeDueProposals } from "~/modules/community/proposals.server";
import { createTestDb } from "@tests/factories/db";
import { seedCategories } from "@tests/factories/catalog";
import { createAcademy, seedDistricts } from "@tests/factories/org";
import { createUser, grant } from "@tests/factories/users";

let db: ReturnType<typeof createTestDb>;
beforeEach(() => {
  db = createTestDb();
});
afterEach(() => db.cleanup());

describe("groups demo data", () => {
  it("gives every academy 1–3 organisations at different stages, a topic with closed minutes and one proposal in 公示", async () => {
    const d = seedDistricts(db);
    seedCategories(db);
    const list = [0, 1, 2, 3].map(() => createAcademy(db, d.huli!.id));
    const admin = await createUser(db, { phone: "13900000001" });
    grant(db, admin.id, "hq_admin");
    for (let i = 1; i <= 30; i++)
      await createUser(db, { phone: `136000000${String(i).padStart(2, "0")}` });
    const now = Date.now();
    const r = seedGroupsDemo(db, now);
    expect(r).toMatchObject({ skipped: null, proposals: 4 });
    for (const a of list) {
      const orgs = db.select().from(organisations).where(eq(organisations.academyId, a.id)).all();
      expect(orgs.length).toBeGreaterThanOrEqual(1);
      expect(orgs.length).toBeLessThanOrEqual(3);
      expect(new Set(orgs.map((o) => o.stage)).size).toBe(orgs.length);
      const t = db.select().from(topics).where(eq(topics.academyId, a.id)).all();
      expect(t).toHaveLength(1);
      const m = db.select().from(meetings).where(eq(meetings.topicId, t[0]!.id)).get()!;
      expect(m.status).toBe("closed");
      expect(m.minutesHtml).toContain("议定事项");
      const p = db.select().from(courseProposals).where(eq(courseProposals.academyId, a.id)).all();
      expect(p.map((x) => x.status)).toEqual(["notice"]);
      expect(p[0]!.noticeClosesAt).toBeGreaterThan(now);
    }
    expect(
      db
        .select({ n: sql<number>`count(*)` })
        .from(users)
        .get()!.n,
    ).toBe(31);
    // When the notices end, the job decides them; drafts with enough support go to review.
    const decided = closeDueProposals(db, now + 8 * 86_400_000);
    expect(decided).toHaveLength(4);
    const accepted = decided.filter((x) => x.outcome === "accepted");
    for (const x of accepted) {
      const p = db.select().from(courseProposals).where(eq(courseProposals.id, x.id)).get()!;
      expect(
        db.select().from(courseVersions).where(eq(courseVersions.courseId, p.courseId)).get()!
          .status,
      ).toBe("review");
    }
    expect(accepted.every((x) => x.submitted)).toBe(true);
  });
});
