/**
 * The benchmarks' measuring part: HTTP load from autocannon (in this process, keep-alive, N
 * connections), targets measured in alternating windows so that load from anything else on the
 * shared machine falls on all of them alike, ratios against reference targets measured in the
 * same run, and the resident memory of a whole process tree read from /proc.
 *
 * Nothing here builds data or starts servers: see data.ts (what the app serves) and servers.ts
 * (our built app and the bare Remix page).
 */
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import autocannon from "autocannon";
import { ppidOf, rssKiB, statFields } from "../factories/proc";

export type Measurement = {
  label: string;
  url: string;
  connections: number;
  seconds: number;
  requests: number;
  errors: number;
  non2xx: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  /** Mean bytes per response as read off the wire (headers included; compressed when the server compressed). */
  bytesPerResponse: number;
};

export type Target = { label: string; url: string; headers?: Record<string, string> };

/** Accept-Encoding a browser sends. */
export const BROWSER_ENCODING = { "accept-encoding": "gzip, deflate, br" };

export function percentile(sorted: number[], p: number) {
  if (sorted.length === 0) return NaN;
  return sorted[
    Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  ]!;
}

type Sink = { lat: number[]; errors: number; non2xx: number; bytes: number; ms: number };

/** One autocannon run of `seconds` against one URL; latencies and bytes go into `sink` when given. */
export function load(
  url: string,
  opts: {
    connections?: number;
    seconds: number;
    headers?: Record<string, string>;
    method?: string;
    body?: string;
    /** Every response: its latency (ms) and status. */
    onResponse?: (latencyMs: number, status: number) => void;
  },
  sink?: Sink,
): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const instance = autocannon(
      {
        url,
        connections: opts.connections ?? 20,
        duration: opts.seconds,
        headers: opts.headers ?? {},
        method: (opts.method ?? "GET") as autocannon.Request["method"],
        body: opts.body,
        timeout: 30,
      },
      (err, result) => {
        if (sink) sink.ms += performance.now() - started;
        if (err) reject(err);
        else {
          if (sink) sink.errors += result.errors;
          resolve(result);
        }
      },
    );
    if (opts.onResponse)
      instance.on("response", (_c, status, _b, ms) => opts.onResponse!(ms, status));
    if (sink) {
      instance.on("response", (_client, statusCode, resBytes, responseTime) => {
        sink.lat.push(responseTime);
        sink.bytes += resBytes;
        if (statusCode < 200 || statusCode >= 300) sink.non2xx++;
      });
    }
  });
}

function summarise(t: Target, connections: number, sink: Sink): Measurement {
  const lat = [...sink.lat].sort((a, b) => a - b);
  const seconds = sink.ms / 1000;
  return {
    label: t.label,
    url: t.url,
    connections,
    seconds,
    requests: lat.length,
    errors: sink.errors,
    non2xx: sink.non2xx,
    rps: lat.length / seconds,
    p50: percentile(lat, 50),
    p95: percentile(lat, 95),
    p99: percentile(lat, 99),
    bytesPerResponse: lat.length ? sink.bytes / lat.length : 0,
  };
}

export type CompareOptions = {
  connections?: number;
  /** Measured seconds per target in all (default BENCH_SECONDS, else 10), split over the rounds. */
  seconds?: number;
  /** Rounds (default 2): every target once per round, the order rotating every round. */
  rounds?: number;
  /** Unmeasured warm-up per target in seconds (default 1). */
  warmup?: number;
  /** Called just before a measured window starts. */
  onWindowStart?: (t: Target) => void;
  /** Called between windows (memory sampling, progress); with wrk, the CPU milliseconds it used. */
  onWindow?: (t: Target, generatorCpuMs?: number) => void;
  /**
   * The load generator: autocannon in this process (default), or wrk, a C program in a process of
   * its own (Debian's package; `hasWrk()`), which takes a fraction of autocannon's CPU per request.
   * wrk reports percentiles per window: p50 is the median of the windows' medians, p95 and p99 the
   * largest window's.
   */
  generator?: "autocannon" | "wrk";
};

export const benchSeconds = () => Number(process.env.BENCH_SECONDS ?? 10);

/**
 * Measures every target in alternating windows (each target once per round, the order rotating
 * every round) and returns one measurement per target in the order given. Fails fast when a target
 * does not answer 200 before the run.
 */
export async function compareAll(
  targets: Target[],
  opts: CompareOptions = {},
): Promise<Measurement[]> {
  const connections = opts.connections ?? 20;
  const rounds = opts.rounds ?? 2;
  const window = Math.max(1, Math.round((opts.seconds ?? benchSeconds()) / rounds));
  for (const t of targets) {
    const res = await fetch(t.url, { headers: t.headers, redirect: "manual" });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${t.label} (${t.url}) answered ${res.status}`);
  }
  const wrk = opts.generator === "wrk";
  for (const t of targets) {
    const warm = { connections, seconds: opts.warmup ?? 1, headers: t.headers };
    await (wrk ? wrkLoad(t.url, warm) : load(t.url, warm));
  }
  const sinks: Sink[] = targets.map(() => ({ lat: [], errors: 0, non2xx: 0, bytes: 0, ms: 0 }));
  const windows: WrkWindow[][] = targets.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < targets.length; k++) {
      const i = (k + r) % targets.length;
      const t = targets[i]!;
      const o = { connections, seconds: window, headers: t.headers };
      opts.onWindowStart?.(t);
      if (wrk) {
        const w = await wrkLoad(t.url, o);
        windows[i]!.push(w);
        opts.onWindow?.(t, w.cpuMs);
      } else {
        await load(t.url, o, sinks[i]);
        opts.onWindow?.(t);
      }
    }
  }
  return targets.map((t, i) =>
    wrk ? summariseWrk(t, connections, windows[i]!) : summarise(t, connections, sinks[i]!),
  );
}

/* ---------------------------------------------------------------- wrk */

/** Whether wrk (Debian's package `wrk`) is installed. */
export function hasWrk() {
  try {
    execFileSync("wrk", ["--version"], { stdio: "pipe" });
    return true;
  } catch (e) {
    // wrk --version prints its banner and exits 1; only a missing program throws ENOENT.
    return (e as NodeJS.ErrnoException).code !== "ENOENT";
  }
}

type WrkWindow = {
  requests: number;
  ms: number;
  bytes: number;
  errors: number;
  non2xx: number;
  p50: number;
  p95: number;
  p99: number;
  /** wrk's own CPU (user + system), from the shell's `times` once it exited. */
  cpuMs: number;
};

/** One wrk run (one thread, `connections`, `seconds`) against one URL. */
function wrkLoad(
  url: string,
  opts: { connections?: number; seconds: number; headers?: Record<string, string> },
): Promise<WrkWindow> {
  const args = ["-t1", `-c${opts.connections ?? 20}`, `-d${opts.seconds}s`, "--timeout", "30s"];
  for (const [k, v] of Object.entries(opts.headers ?? {})) args.push("-H", `${k}: ${v}`);
  args.push("-s", path.join(import.meta.dirname, "wrk-summary.lua"), url);
  return new Promise((resolve, reject) => {
    const child = spawn("bash", ["-c", 'wrk "$@" && times', "wrk", ...args], { stdio: "pipe" });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += String(d)));
    child.stderr.on("data", (d) => (err += String(d)));
    child.once("error", reject);
    child.once("exit", (code) => {
      const m = /^WRK (\d+) (\d+) (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)$/m.exec(out);
      // `times`: this shell's user and system time, then its children's (wrk's).
      const t = /\n(\d+)m([\d.]+)s (\d+)m([\d.]+)s\s*$/.exec(out);
      if (code !== 0 || !m || !t) return reject(new Error(`wrk failed (${code}):\n${out}\n${err}`));
      const [requests, us, bytes, errors, non2xx, p50, p95, p99] = m.slice(1).map(Number);
      const [um, us2, sm, ss] = t.slice(1).map(Number);
      resolve({
        requests: requests!,
        ms: us! / 1000,
        bytes: bytes!,
        errors: errors!,
        non2xx: non2xx!,
        p50: p50! / 1000,
        p95: p95! / 1000,
        p99: p99! / 1000,
        cpuMs: (um! * 60 + us2! + sm! * 60 + ss!) * 1000,
      });
    });
  });
}

/** One measurement from a target's wrk windows (percentiles: see CompareOptions.generator). */
function summariseWrk(t: Target, connections: number, ws: WrkWindow[]): Measurement {
  const sum = (k: keyof WrkWindow) => ws.reduce((a, w) => a + w[k], 0);
  const requests = sum("requests");
  return {
    label: t.label,
    url: t.url,
    connections,
    seconds: sum("ms") / 1000,
    requests,
    errors: sum("errors"),
    non2xx: sum("non2xx"),
    rps: requests / (sum("ms") / 1000),
    p50: percentile(
      ws.map((w) => w.p50).sort((a, b) => a - b),
      50,
    ),
    p95: Math.max(...ws.map((w) => w.p95)),
    p99: Math.max(...ws.map((w) => w.p99)),
    bytesPerResponse: requests ? sum("bytes") / requests : 0,
  };
}

/* ---------------------------------------------------------------- memory */

const TICK_MS = 10; // USER_HZ = 100 on Linux

/** User + system CPU milliseconds so far of the process or thread whose stat file this is. */
function statCpuMs(file: string) {
  const f = statFields(file);
  return (Number(f[11]) + Number(f[12])) * TICK_MS;
}

/** CPU milliseconds (user + system) a process has used so far, all its threads, from /proc (10 ms resolution). */
export function cpuMs(pid: number) {
  return statCpuMs(`/proc/${pid}/stat`);
}

/** The same for the process's main thread alone (JavaScript runs there; not the GC helpers or the thread pool). */
export function mainThreadCpuMs(pid: number) {
  return statCpuMs(`/proc/${pid}/task/${pid}/stat`);
}

/** `pid` and every process below it (read from /proc). */
export function treePids(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const ppid = ppidOf(name);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch {
      /* exited meanwhile */
    }
  }
  const out: number[] = [];
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop()!;
    out.push(p);
    stack.push(...(children.get(p) ?? []));
  }
  return out;
}

/** Resident set size in MiB of `pid` and every process below it. */
export function treeRssMiB(pid: number): number {
  return treePids(pid).reduce((kib, p) => kib + rssKiB(p), 0) / 1024;
}

/** CPU milliseconds (user + system, all threads) of `pid` and every process below it, so far. */
export function treeCpuMs(pid: number): number {
  let ms = 0;
  for (const p of treePids(pid)) {
    try {
      ms += cpuMs(p);
    } catch {
      /* exited meanwhile */
    }
  }
  return ms;
}

/** Samples the tree's RSS every `ms` until stopped; `peak` is the largest sample. */
export function sampleRss(pid: number, ms = 200) {
  let peak = treeRssMiB(pid);
  const timer = setInterval(() => (peak = Math.max(peak, treeRssMiB(pid))), ms);
  timer.unref();
  return {
    get peak() {
      return peak;
    },
    stop() {
      clearInterval(timer);
      return peak;
    },
  };
}

/**
 * CPU used in each target's measured windows (compareAll's window hooks): its server's whole
 * process tree, that server's main thread, and this process (the load generator). Once the load
 * generator's core is the limit, a server's CPU per request still tells two versions apart.
 */
export function cpuDuringWindows(pidOf: (t: Target) => number) {
  const used = new Map<Target, { server: number; main: number; generator: number; ms: number }>();
  let start: { server: number; main: number; generator: NodeJS.CpuUsage; at: number } | null = null;
  return {
    used,
    /** Server (or load generator) CPU µs per request of a target's measurement. */
    perRequestUs(t: Target, m: Measurement, of: "server" | "generator" = "server") {
      const u = used.get(t);
      return u && m.requests ? (u[of] * 1000) / m.requests : NaN;
    },
    onWindowStart(t: Target) {
      const pid = pidOf(t);
      start = {
        server: treeCpuMs(pid),
        main: mainThreadCpuMs(pid),
        generator: process.cpuUsage(),
        at: performance.now(),
      };
    },
    /** `generatorCpuMs`: a load generator in a process of its own (wrk) says what it used. */
    onWindow(t: Target, generatorCpuMs?: number) {
      const pid = pidOf(t);
      const g = process.cpuUsage(start!.generator);
      const u = used.get(t) ?? { server: 0, main: 0, generator: 0, ms: 0 };
      u.server += treeCpuMs(pid) - start!.server;
      u.main += mainThreadCpuMs(pid) - start!.main;
      u.generator += generatorCpuMs ?? (g.user + g.system) / 1000;
      u.ms += performance.now() - start!.at;
      used.set(t, u);
    },
  };
}

/* ---------------------------------------------------------------- printing */

const num = (n: number, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : "—");

/**
 * A table of measurements with ratios against references measured in the same run
 * (`refs`: label → measurement, e.g. the bare Remix page, /help, /healthz).
 */
export function table(
  rows: Measurement[],
  refs: Record<string, Measurement | undefined>,
  opts: { p95?: boolean; extra?: [string, (m: Measurement) => string][] } = {},
) {
  const refNames = Object.keys(refs);
  const head = [
    "target",
    "req/s",
    "p50 ms",
    ...(opts.p95 ? ["p95 ms"] : []),
    "p99 ms",
    "KiB",
    ...refNames.map((r) => `× ${r}`),
    ...(opts.extra ?? []).map(([name]) => name),
  ];
  const body = rows.map((m) => [
    m.label + (m.errors || m.non2xx ? ` (errors ${m.errors}, non-2xx ${m.non2xx})` : ""),
    num(m.rps),
    num(m.p50),
    ...(opts.p95 ? [num(m.p95)] : []),
    num(m.p99),
    num(m.bytesPerResponse / 1024, 1),
    ...refNames.map((r) => (refs[r] ? num(m.rps / refs[r]!.rps, 2) : "—")),
    ...(opts.extra ?? []).map(([, value]) => value(m)),
  ]);
  const widths = head.map((h, i) => Math.max(width(h), ...body.map((r) => width(r[i]!))));
  const line = (cells: string[]) =>
    "| " +
    cells.map((c, i) => (i === 0 ? padEnd(c, widths[i]!) : padStart(c, widths[i]!))).join(" | ") +
    " |";
  return [
    line(head),
    "|" +
      widths.map((w, i) => (i === 0 ? "-".repeat(w + 2) : "-".repeat(w + 1) + ":")).join("|") +
      "|",
    ...body.map(line),
  ].join("\n");
}

/** Display width: CJK characters take two columns. */
function width(s: string) {
  let w = 0;
  for (const ch of s)
    w +=
      /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(
        ch,
      )
        ? 2
        : 1;
  return w;
}
const padEnd = (s: string, n: number) => s + " ".repeat(Math.max(0, n - width(s)));
const padStart = (s: string, n: number) => " ".repeat(Math.max(0, n - width(s))) + s;
