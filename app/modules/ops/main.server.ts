/**
 * Starting and stopping the server process (called by app/server.ts, the build's entry):
 * validate the configuration, migrate, apply the demo policy, import content, start the jobs,
 * listen; on SIGTERM/SIGINT stop accepting, finish in-flight requests (≤ 10 s), stop the jobs,
 * checkpoint the WAL, close the database and exit 0.
 *
 * `prepare` and `serve` are separate so a cluster primary can prepare once and workers serve.
 */
import http from "node:http";
import type { Socket } from "node:net";
import os from "node:os";
import v8 from "node:v8";
import type { ServerBuild } from "@remix-run/node";
import { sql } from "drizzle-orm";
import { getDb, migrateDatabase, type DB } from "@db/client";
import { seed } from "@db/seed";
import { deviceSecret } from "~/modules/auth/device.server";
import { checkinSecret } from "~/modules/learning/checkin.server";
import { config, ConfigError } from "~/utils/config.server";
import { createApp, type AppOptions } from "./http.server";
import { registerAllJobs } from "./job-list.server";
import { startJobs, type JobRunner } from "./jobs.server";
import { logger } from "~/utils/log.server";

export class StartRefused extends Error {}

export const SHUTDOWN_GRACE_MS = 10_000;
/** A connection accepted just before shutdown gets this long to send its request. */
const NEW_CONNECTION_GRACE_MS = 2_000;

export function countDemoUsers(db: DB) {
  return db.get<{ n: number }>(sql`SELECT count(*) AS n FROM users WHERE is_demo = 1`)!.n;
}

export function countHqAdmins(db: DB) {
  return db.get<{ n: number }>(sql`SELECT count(*) AS n FROM user_roles WHERE role = 'hq_admin'`)!
    .n;
}

/** Migrations, the demo policy (DEMO) and the content import. Throws StartRefused when DEMO=0 meets demo accounts. */
/**
 * Connections the kernel holds for us while we are busy (capped by net.core.somaxconn). Node's
 * default of 511 is less than a class opening to a thousand phones at once: the connections past it
 * were dropped and retried a second later, which put 1 s stalls into the enrolment burst (p99
 * 1.2–1.4 s in some rounds against 0.56–0.76 s in every round with this).
 */
export const LISTEN_BACKLOG = 4096;

export async function prepare(db: DB) {
  const c = config();
  // Libraries loaded on first use (utils/lazy.server.ts) include ES modules (happy-dom for rich
  // text): refuse now rather than fail the first save with a 500.
  if (!(process.features as { require_module?: boolean }).require_module)
    throw new StartRefused(
      `Node ${process.version} 不能按需加载 ES 模块（课程正文的排版需要），请使用 Node 20.19 或更高的 20.x 版本。`,
    );
  migrateDatabase(db);
  // Statistics for the query planner, as SQLite advises for a long-lived connection (only tables
  // that need it; approximate, so quick even at province scale). Without them a condition such as
  // `family_member_id IS NULL`, true of nearly every enrolment, can look like a selective index.
  db.$client.pragma("optimize = 0x10002");
  // The HMAC secrets are made now, not on first use: a page view must never write (issue 13).
  checkinSecret(db);
  deviceSecret(db);
  if (!c.DEMO) {
    const demo = countDemoUsers(db);
    if (demo > 0)
      throw new StartRefused(
        `DEMO=0，但数据库里有 ${demo} 个演示账号（密码公开在 README 里）。` +
          "生产环境请使用新的空数据库（DATABASE_PATH 指向新文件），不要在演示数据上运行。",
      );
  }
  const lines = await seed(db, { demo: c.DEMO ? "if-empty" : "never" });
  for (const line of lines) logger().info(line);
  if (!c.DEMO && countHqAdmins(db) === 0) {
    const hint =
      "数据库里还没有总部管理员。请在服务器上运行：\n" +
      "  npm run admin:create -- --phone 手机号 --name 姓名\n" +
      "按提示输入密码（至少 8 位），然后用这个账号登录，在「用户与角色」里为其他人授权。";
    logger().warn("no hq_admin yet: run npm run admin:create");
    process.stdout.write(`\n${hint}\n\n`);
  }
}

function addresses(port: number, host: string) {
  if (host !== "0.0.0.0" && host !== "::") return [`http://${host}:${port}`];
  const out = [`http://localhost:${port}`];
  for (const list of Object.values(os.networkInterfaces())) {
    for (const a of list ?? [])
      if (a.family === "IPv4" && !a.internal) out.push(`http://${a.address}:${port}`);
  }
  return out;
}

export type Served = {
  server: http.Server;
  jobs: JobRunner | null;
  shutdown: (signal: string) => Promise<void>;
};

/** Listens on PORT; runs the jobs when JOBS=1; installs the shutdown on SIGTERM/SIGINT. */
export async function serve(
  build: ServerBuild,
  db: DB,
  opts: Omit<AppOptions, "build" | "isClosing"> = {},
): Promise<Served> {
  const c = config();
  let closing = false;
  const app = createApp({ ...opts, build, isClosing: () => closing });
  const server = http.createServer(app);
  server.keepAliveTimeout = 5_000;
  registerAllJobs();
  const jobs = c.JOBS ? startJobs(db) : null;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ port: c.PORT, host: c.HOST, backlog: LISTEN_BACKLOG }, () => resolve());
  });
  const urls = addresses(c.PORT, c.HOST);
  // The V8 heap limit this process runs with (SERVER_NODE_FLAGS, db/start.mjs): tests read it here.
  const heapLimitMiB = Math.round(v8.getHeapStatistics().heap_size_limit / 2 ** 20);
  logger().info({ port: c.PORT, mode: build.mode, urls, heapLimitMiB }, "listening");
  process.stdout.write(
    `已启动：${urls.join("  ")}${c.PUBLIC_URL ? `（对外地址 ${c.PUBLIC_URL}）` : ""}\n`,
  );

  // Each connection's state, so shutdown closes only keep-alive connections between requests and
  // never one that was just accepted and whose request is still on its way.
  const conns = new Map<
    Socket,
    { busy: boolean; served: number; since: number; res: http.ServerResponse | null }
  >();
  server.on("connection", (socket: Socket) => {
    conns.set(socket, { busy: false, served: 0, since: Date.now(), res: null });
    socket.once("close", () => conns.delete(socket));
  });
  server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
    const st = conns.get(req.socket);
    if (!st) return;
    st.busy = true;
    st.res = res;
    res.once("close", () => {
      st.busy = false;
      st.res = null;
      st.served++;
    });
  });
  const closeIdle = (now: number) => {
    for (const [socket, st] of conns) {
      // Idle after a response, or connected for a while without sending a request.
      if (!st.busy && (st.served > 0 || now - st.since > NEW_CONNECTION_GRACE_MS)) socket.destroy();
    }
  };

  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    const started = Date.now();
    logger().info({ signal }, "shutting down");
    // Let the event loop accept what is already waiting in the listen backlog before the
    // listening socket closes (closing it resets those connections).
    await new Promise((r) => setTimeout(r, 50));
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // Responses still being made end their connection (Connection: close) instead of keeping it.
    for (const st of conns.values())
      if (st.res && !st.res.headersSent) st.res.shouldKeepAlive = false;
    // Idle keep-alive connections go now; busy ones once their response is out (Connection: close).
    closeIdle(Date.now());
    const sweep = setInterval(() => closeIdle(Date.now()), 50);
    const timeout = new Promise<void>((resolve) =>
      setTimeout(() => {
        logger().warn("requests still running after 10 s: closing their connections");
        server.closeAllConnections();
        resolve();
      }, SHUTDOWN_GRACE_MS).unref(),
    );
    await Promise.race([closed, timeout]);
    clearInterval(sweep);
    await jobs?.stop();
    try {
      db.$client.pragma("wal_checkpoint(TRUNCATE)");
      db.$client.close();
    } catch (err) {
      logger().error({ err }, "closing the database failed");
    }
    logger().info({ ms: Date.now() - started }, "stopped");
    process.exit(0);
  };
  // `on`, not `once`: a cluster worker gets the signal twice (from the service manager or the
  // terminal, and forwarded by the primary), and without a listener the second would kill it in the
  // middle of its graceful shutdown. shutdown() runs once.
  for (const sig of ["SIGTERM", "SIGINT"] as const) process.on(sig, () => void shutdown(sig));
  return { server, jobs, shutdown };
}

/**
 * The whole start: configuration, preparation (not in a cluster's later workers: the first one
 * prepared the database before they were forked), serving. A bad configuration exits 1 naming the
 * variable.
 */
export async function main(
  build: ServerBuild,
  opts: Omit<AppOptions, "build" | "isClosing"> = {},
  { prepare: prepares = true } = {},
) {
  try {
    config();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
  const db = getDb();
  try {
    if (prepares) await prepare(db);
  } catch (e) {
    if (e instanceof StartRefused) {
      process.stderr.write(`无法启动：${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
  return serve(build, db, opts);
}
