/**
 * Writes take turns (ops/http.server.ts `writeTurns`) over real HTTP: at most the limit of POSTs
 * are in progress, the others start in arrival order as earlier ones finish, reads never wait, and
 * a client that gives up while waiting does not keep a turn.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { writeTurns } from "~/modules/ops/http.server";

let server: http.Server;
let url: string;
/** The POSTs in progress, in the order they started; each waits until released. */
const started: string[] = [];
const release = new Map<string, () => void>();
let inProgress = 0;
let most = 0;

beforeAll(async () => {
  const app = express();
  app.use(writeTurns(2));
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
  server = app.listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => server?.close());
beforeEach(() => {
  started.length = 0;
  release.clear();
  most = 0;
});

/** A POST on its own connection; resolves with the body, or rejects when aborted. */
function post(n: string, signal?: AbortSignal) {
  return fetch(`${url}/write/${n}`, {
    method: "POST",
    signal,
    headers: { connection: "close" },
  }).then((r) => r.text());
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
});
