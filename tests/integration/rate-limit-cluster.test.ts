/**
 * The login limits hold across server processes: the BUILT server started with WEB_CONCURRENCY=2
 * (node:cluster, two workers sharing the port), wrong-password form posts over real HTTP, each on
 * a new connection so the primary hands them to both workers in turn. The (IP, phone) pair is
 * refused after exactly LOGIN_LIMIT_PER_PAIR failures in total, not that many per worker; the
 * workers' request log lines (pino's `pid`) show that both answered.
 */
import fs from "node:fs";
import { eq } from "drizzle-orm";
import { openDatabase } from "@db/client";
import { users } from "@db/schema";
import { hashPassword } from "~/modules/auth/password.server";
import { WORKER_NODE_FLAGS } from "@db/cluster.mjs";
import {
  ensureBuild,
  httpRequest,
  prepareEnrollDb,
  startBuiltServer,
  type BuiltServer,
} from "@tests/factories/built-server";

const PAIR_LIMIT = 6;
const PASSWORD = "right-password-1";

let server: BuiltServer | undefined;
let prepared: Awaited<ReturnType<typeof prepareEnrollDb>> | undefined;
let phone = "";

beforeAll(async () => {
  ensureBuild();
  prepared = await prepareEnrollDb({ capacity: 1, userCount: 1 });
  const db = openDatabase(prepared.file);
  const user = db.select().from(users).get()!;
  phone = user.phone;
  db.update(users)
    .set({ passwordHash: await hashPassword(PASSWORD) })
    .where(eq(users.id, user.id))
    .run();
  db.$client.close();
  server = await startBuiltServer({
    dbFile: prepared.file,
    env: {
      WEB_CONCURRENCY: "2",
      JOBS: "0",
      // One proxy hop trusted, so the test can speak from two addresses (X-Forwarded-For).
      TRUST_PROXY: "1",
      LOGIN_LIMIT_PER_PAIR: String(PAIR_LIMIT),
      // The per-IP limit and the phone's growing delays stay out of the way of the pair limit.
      LOGIN_LIMIT_PER_IP: "10000",
      LOGIN_LIMIT_PER_PHONE: "10000",
    },
  });
}, 360_000);

afterAll(async () => {
  await server?.stop();
  prepared?.cleanup();
}, 30_000);

/** One no-JavaScript login form post on a connection of its own. */
function postLogin(password: string, ip: string) {
  const url = server!.url;
  return httpRequest(
    "POST",
    `${url}/login`,
    {
      "Content-Type": "application/x-www-form-urlencoded",
      Origin: url,
      Connection: "close",
      "X-Forwarded-For": ip,
    },
    new URLSearchParams({ phone, password, redirectTo: "" }).toString(),
  );
}

/** The pids of the processes that logged a POST /login request. */
function loginPids() {
  const pids = new Set<number>();
  for (const line of server!.output().split("\n")) {
    if (!line.startsWith("{")) continue;
    try {
      const l = JSON.parse(line) as { msg?: string; method?: string; pid?: number; route?: string };
      if (l.msg === "request" && l.method === "POST" && /login/.test(l.route ?? ""))
        pids.add(l.pid!);
    } catch {
      /* not a log line */
    }
  }
  return pids;
}

describe("login limits with two server processes (WEB_CONCURRENCY=2)", () => {
  it("the (IP, phone) pair is refused after exactly the configured failures, counted across both workers", async () => {
    const answers: string[] = [];
    for (let i = 0; i < PAIR_LIMIT * 2 + 2; i++) {
      const r = await postLogin("wrong-password", "198.51.100.23");
      expect(r.status, r.body.slice(0, 300)).toBeLessThan(500);
      answers.push(
        r.body.includes("手机号或密码不正确")
          ? "wrong"
          : /尝试次数过多，请 \d+ 分钟后再试/.test(r.body)
            ? "refused"
            : `other ${r.status}`,
      );
    }
    // Per-process counting would let through up to 2 × PAIR_LIMIT wrong answers.
    expect(answers).toEqual([
      ...Array<string>(PAIR_LIMIT).fill("wrong"),
      ...Array<string>(PAIR_LIMIT + 2).fill("refused"),
    ]);
    // Both workers answered these posts.
    expect(loginPids().size).toBe(2);

    // The right password from that pair is refused too, on either worker …
    for (let i = 0; i < 2; i++) {
      const r = await postLogin(PASSWORD, "198.51.100.23");
      expect(r.status).not.toBe(302);
      expect(r.body).toMatch(/尝试次数过多，请 \d+ 分钟后再试/);
    }
    // … while the owner from another address signs in (the phone itself is not locked).
    const owner = await postLogin(PASSWORD, "192.0.2.50");
    expect([302, 303]).toContain(owner.status);
    expect(owner.location).toBe("/me");
  }, 120_000);

  it("each worker runs without V8's helper threads (WORKER_NODE_FLAGS); they would only compete with the other worker", () => {
    const pids = [...loginPids()];
    expect(pids).toHaveLength(2);
    for (const pid of pids) {
      const argv = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
      for (const flag of WORKER_NODE_FLAGS) expect(argv, `worker ${pid}`).toContain(flag);
    }
  });
});
