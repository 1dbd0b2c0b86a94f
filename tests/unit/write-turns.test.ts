/**
 * Writes take turns (ops/http.server.ts `writeTurns`) over real HTTP: at most the limit of POSTs
 * are in progress, the others start in arrival order as earlier ones finish, reads never wait, a
 * client that gives up while waiting does not keep a turn, and a write that takes too long gives its
 * turn up.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { sql } from "drizzle-orm";
import { inGroupCommit } from "@db/client";
import { writeTurns } from "~/modules/ops/http.server";
import { requestContext as currentRequest, runWithRequestContext } from "~/utils/log.server";
import { createTestDb } from "@tests/factories/db";

let server: http.Server;
let url: string;
let slowServer: http.Server;
let slowUrl: string;
/** The POSTs in progress, in the order they started; each waits until released. */
const started: string[] = [];
const release = new Map<string, () => void>();
let inProgress = 0;
let most = 0;

function listen(app: express.Express) {
  const s = app.listen(0, "127.0.0.1");
  return new Promise<[http.Server, string]>((r) =>
    s.once("listening", () => r([s, `http://127.0.0.1:${(s.address() as AddressInfo).port}`])),
  );
}

beforeAll(async () => {
  const app = express();
  app.use(writeTurns(2, { turnMs: 60_000 }));
  app.get("/read", (_req, res) => res.send("ok"));
  app.post("/write/:n", (req, res) => {
    inProgress++;
    most = Math.max(most, inProgress);
    started.push(req.params.n);
    release.set(req.params.n, () => {
      inProgress--;
      res.send(`done ${req.params.n}`);
    });
  });
  [server, url] = await listen(app);
  // One turn of 200 ms: a write that hangs lets the next one start after that.
  const slow = express();
  slow.use(writeTurns(1, { turnMs: 200 }));
  slow.post("/write/:n", (req, res) => {
    started.push(req.params.n);
    if (req.params.n !== "hang") res.send(`done ${req.params.n}`);
    else release.set("hang", () => res.send("done hang"));
  });
  [slowServer, slowUrl] = await listen(slow);
});
afterAll(() => {
  server?.close();
  slowServer?.close();
});
beforeEach(() => {
  started.length = 0;
  release.clear();
  most = 0;
});

/** A POST on its own connection; resolves with the body, or rejects when aborted. */
function post(n: string, signal?: AbortSignal, base = url) {
  return fetch(`${base}/write/${n}`, {
    method: "POST",
    signal,
    headers: { connection: "close" },
  }).then((r) => r.text());
}

/** Runs each request in a request context of its own, with the id `idOf` gives it. */
function inRequestContext(idOf: (req: express.Request) => string): express.RequestHandler {
  return (req, _res, next) =>
    runWithRequestContext(
      {
        requestId: idOf(req),
        method: req.method,
        route: null,
        userId: null,
        errorId: null,
        startedAt: 0,
      },
      next,
    );
}

async function until(check: () => boolean) {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(check()).toBe(true);
}

describe("writes take turns", () => {
  it("two writes at most in progress; the others start in arrival order; reads pass meanwhile", async () => {
    const answers: Promise<string>[] = [];
    for (const n of ["1", "2", "3", "4", "5"]) {
      answers.push(post(n));
      await until(() => started.length >= Math.min(Number(n), 2)); // arrival order is known
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(started).toEqual(["1", "2"]);
    // A read while three writes wait.
    expect(await fetch(`${url}/read`).then((r) => r.text())).toBe("ok");
    release.get("2")!();
    await until(() => started.length === 3);
    expect(started).toEqual(["1", "2", "3"]);
    release.get("1")!();
    await until(() => started.length === 4);
    release.get("3")!();
    await until(() => started.length === 5);
    release.get("4")!();
    release.get("5")!();
    expect(await Promise.all(answers)).toEqual(["1", "2", "3", "4", "5"].map((n) => `done ${n}`));
    expect(started).toEqual(["1", "2", "3", "4", "5"]);
    expect(most).toBe(2);
  });

  it("a client that leaves while waiting gives its turn to the next one", async () => {
    const first = post("a");
    const second = post("b");
    await until(() => started.length === 2);
    const gone = new AbortController();
    const leaving = post("c", gone.signal).catch((e: unknown) => String(e));
    await new Promise((r) => setTimeout(r, 50));
    const last = post("d");
    await new Promise((r) => setTimeout(r, 50));
    gone.abort();
    expect(await leaving).toMatch(/abort/i);
    await new Promise((r) => setTimeout(r, 50));
    release.get("a")!();
    await until(() => started.length === 3);
    expect(started).toEqual(["a", "b", "d"]);
    release.get("b")!();
    release.get("d")!();
    expect(await Promise.all([first, second, last])).toEqual(["done a", "done b", "done d"]);
    // Both turns are free again.
    const again = [post("e"), post("f")];
    await until(() => started.length === 5);
    release.get("e")!();
    release.get("f")!();
    expect(await Promise.all(again)).toEqual(["done e", "done f"]);
  });

  it("a write that holds its turn past the limit lets the next one start", async () => {
    const hanging = post("hang", undefined, slowUrl);
    await until(() => started.length === 1);
    const t = performance.now();
    expect(await post("next", undefined, slowUrl)).toBe("done next");
    expect(performance.now() - t).toBeGreaterThanOrEqual(150);
    expect(started).toEqual(["hang", "next"]);
    release.get("hang")!();
    expect(await hanging).toBe("done hang");
  });
});

describe("while nobody reads", () => {
  /** A server whose writes are held until released; its turns made by `make`. */
  async function heldWrites(make: () => express.RequestHandler) {
    const app = express();
    app.use(make());
    app.get("/read", (_req, res) => res.send("ok"));
    app.post("/write/:n", (req, res) => {
      started.push(req.params.n);
      release.set(req.params.n, () => res.send(`done ${req.params.n}`));
    });
    return listen(app);
  }
  async function fourWrites(base: string) {
    const answers = ["w", "x", "y", "z"].map((n) => post(n, undefined, base));
    await new Promise((r) => setTimeout(r, 200));
    const first = [...started];
    for (const n of ["w", "x", "y", "z"]) {
      await until(() => release.has(n));
      release.get(n)!();
    }
    expect(await Promise.all(answers)).toEqual(["w", "x", "y", "z"].map((n) => `done ${n}`));
    return first.length;
  }

  it("up to the quiet limit of writes are in progress (a group commit's worth)", async () => {
    const [s, base] = await heldWrites(() =>
      writeTurns(1, { turnMs: 60_000, quietMs: 50, quietLimit: 3 }),
    );
    try {
      expect(await fourWrites(base)).toBe(3);
    } finally {
      s.close();
    }
  });

  it("with a read in the quiet time, only the limit", async () => {
    const [s, base] = await heldWrites(() =>
      writeTurns(1, { turnMs: 60_000, quietMs: 60_000, quietLimit: 3 }),
    );
    try {
      expect(await fetch(`${base}/read`).then((r) => r.text())).toBe("ok");
      expect(await fourWrites(base)).toBe(1);
    } finally {
      s.close();
    }
  });
});

describe("a write that waited for its turn", () => {
  it("goes on in its own request's context, not in the one whose end started it", async () => {
    const app = express();
    const seen: [string, string | undefined][] = [];
    const held = new Map<string, () => void>();
    app.use(inRequestContext((req) => req.path));
    app.use(writeTurns(1, { turnMs: 60_000 }));
    app.post("/write/:n", (req, res) => {
      seen.push([req.path, currentRequest()?.requestId]);
      held.set(req.params.n, () => res.send("done"));
    });
    const [s, base] = await listen(app);
    try {
      const first = post("1", undefined, base);
      await until(() => held.has("1"));
      const second = post("2", undefined, base);
      await new Promise((r) => setTimeout(r, 50));
      held.get("1")!(); // its end starts the second
      await until(() => held.has("2"));
      held.get("2")!();
      await Promise.all([first, second]);
      expect(seen).toEqual([
        ["/write/1", "/write/1"],
        ["/write/2", "/write/2"],
      ]);
    } finally {
      s.close();
    }
  });
});

describe("a write waiting only for the disk", () => {
  // Each POST puts one row in through a real group commit, then holds its response until released.
  let db: ReturnType<typeof createTestDb>;
  let groupUrl: string;
  let groupServer: http.Server;
  /** The write turns under test, made anew by each case (its quiet time for reads). */
  let turns: express.RequestHandler;
  beforeAll(async () => {
    db = createTestDb();
    const app = express();
    let n = 0;
    app.use(inRequestContext(() => String(++n)));
    app.use((req, res, next) => turns(req, res, next));
    app.get("/read", (_req, res) => res.send("ok"));
    app.post("/write/:n", async (req, res) => {
      started.push(req.params.n);
      await inGroupCommit(db, (tx) =>
        tx.run(sql`INSERT INTO change_topics (topic, n) VALUES (${`turn-${req.params.n}`}, 0)`),
      );
      release.set(req.params.n, () => res.send(`done ${req.params.n}`));
    });
    [groupServer, groupUrl] = await listen(app);
  });
  afterAll(() => {
    groupServer?.close();
    db?.cleanup();
  });

  it("gives its turn up once its group committed, while nobody reads", async () => {
    turns = writeTurns(1, { turnMs: 60_000, quietMs: 50 });
    // A read that ended more than 50 ms ago no longer counts (its end was counted too).
    expect(await fetch(`${groupUrl}/read`).then((r) => r.text())).toBe("ok");
    await new Promise((r) => setTimeout(r, 100));
    const first = post("a", undefined, groupUrl);
    // The second write starts while the first still holds its response: the turn ended at commit.
    const second = post("b", undefined, groupUrl);
    await until(() => release.has("a") && release.has("b"));
    expect(started).toEqual(["a", "b"]);
    release.get("a")!();
    release.get("b")!();
    expect([await first, await second]).toEqual(["done a", "done b"]);
  });

  it("keeps its turn to the end while someone reads (a read ended within the quiet time)", async () => {
    turns = writeTurns(1, { turnMs: 60_000, quietMs: 60_000 });
    expect(await fetch(`${groupUrl}/read`).then((r) => r.text())).toBe("ok");
    const first = post("c", undefined, groupUrl);
    await until(() => release.has("c"));
    const second = post("d", undefined, groupUrl);
    await new Promise((r) => setTimeout(r, 200));
    expect(started).toEqual(["c"]);
    release.get("c")!();
    await until(() => release.has("d"));
    release.get("d")!();
    expect([await first, await second]).toEqual(["done c", "done d"]);
  });
});
