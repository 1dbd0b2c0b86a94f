/**
 * A small HTTP load generator for the benchmarks (autocannon-like, built on Node's fetch/undici
 * with keep-alive): N connections each loop GET requests for a fixed time (`compareAll`). Add a target to any
 * bench with `measureAgainstTrivial(origin, label, path)`: it prints the path against the two
 * trivial routes measured in the same run.
 */

export type Measurement = {
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
  bytesPerRequest: number;
};

export type MeasureOptions = {
  /** Concurrent connections (default 20). */
  connections?: number;
  /** Measured time in ms (default 10 000, or BENCH_SECONDS × 1000). */
  durationMs?: number;
  /** Unmeasured warm-up in ms (default 1 000). */
  warmupMs?: number;
  headers?: Record<string, string>;
};

export function percentile(sorted: number[], p: number) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

async function loop(url: string, until: number, headers: Record<string, string>, sink?: { lat: number[]; errors: number; non2xx: number; bytes: number }) {
  while (performance.now() < until) {
    const t = performance.now();
    try {
      const res = await fetch(url, { headers });
      const body = await res.arrayBuffer();
      if (sink) {
        sink.lat.push(performance.now() - t);
        sink.bytes += body.byteLength;
        if (res.status < 200 || res.status >= 300) sink.non2xx++;
      }
    } catch {
      if (sink) sink.errors++;
    }
  }
}

type Sink = { lat: number[]; errors: number; non2xx: number; bytes: number; ms: number };

function summarise(url: string, connections: number, sink: Sink): Measurement {
  const lat = [...sink.lat].sort((a, b) => a - b);
  const seconds = sink.ms / 1000;
  return {
    url,
    connections,
    seconds,
    requests: lat.length,
    errors: sink.errors,
    non2xx: sink.non2xx,
    rps: lat.length / seconds,
    p50: percentile(lat, 50),
    p95: percentile(lat, 95),
    p99: percentile(lat, 99),
    bytesPerRequest: lat.length ? sink.bytes / lat.length : 0,
  };
}

/**
 * Measures several URLs in alternating short windows (default 5 rounds of 2 s each per URL, the
 * order rotating every round), so that load from anything else on the machine falls on all alike;
 * returns one measurement per URL, in the order given. Use this for ratios on a shared machine.
 */
export async function compareAll(urls: string[], opts: MeasureOptions & { rounds?: number } = {}): Promise<Measurement[]> {
  const connections = opts.connections ?? 20;
  const total = opts.durationMs ?? Number(process.env.BENCH_SECONDS ?? 10) * 1000;
  const rounds = opts.rounds ?? 5;
  const windowMs = total / rounds;
  const headers = opts.headers ?? {};
  const warm = opts.warmupMs ?? 1000;
  for (const u of urls) await Promise.all(Array.from({ length: connections }, () => loop(u, performance.now() + warm / 2, headers)));
  const sinks: Sink[] = urls.map(() => ({ lat: [], errors: 0, non2xx: 0, bytes: 0, ms: 0 }));
  for (let r = 0; r < rounds; r++) {
    // Rotate the order so no URL always follows the same one.
    for (let k = 0; k < urls.length; k++) {
      const i = (k + r) % urls.length;
      const start = performance.now();
      await Promise.all(Array.from({ length: connections }, () => loop(urls[i]!, start + windowMs, headers, sinks[i])));
      sinks[i]!.ms += performance.now() - start;
    }
  }
  return urls.map((u, i) => summarise(u, connections, sinks[i]!));
}

/**
 * The two trivial routes every page is compared with, measured in the same alternating windows
 * as the target: `/help`, a page with no loader of its own (the root layout and the framework's
 * document render only), and `/healthz`, a text resource route (no React render at all).
 */
export const TRIVIAL_PAGE = "/help";
export const TRIVIAL_TEXT = "/healthz";

export type PageResult = { label: string; target: Measurement; page: Measurement; text: Measurement };

/** Measures `path` against both trivial routes on `origin` and prints one line for it. */
export async function measureAgainstTrivial(origin: string, label: string, path: string, headers: Record<string, string> = {}): Promise<PageResult> {
  const probe = await fetch(origin + path, { headers });
  if (probe.status !== 200) throw new Error(`${path} answered ${probe.status}`);
  await probe.arrayBuffer();
  const [page, text, target] = await compareAll([origin + TRIVIAL_PAGE, origin + TRIVIAL_TEXT, origin + path], { headers });
  const r: PageResult = { label, target: target!, page: page!, text: text! };
  console.log(resultLine(r));
  return r;
}

/** One line: req/s and p95 of the target, as ratios to the trivial page and to the text route. */
export function resultLine({ label, target: m, page, text }: PageResult) {
  return (
    `${label.padEnd(26)} ${m.rps.toFixed(0).padStart(5)} req/s  p95 ${m.p95.toFixed(0).padStart(4)} ms  ` +
    `${(m.rps / page.rps).toFixed(2)}× ${TRIVIAL_PAGE} (p95 ${(page.p95 / m.p95).toFixed(2)})  ` +
    `${(m.rps / text.rps).toFixed(2)}× ${TRIVIAL_TEXT} (p95 ${(text.p95 / m.p95).toFixed(2)})  ` +
    `${(m.bytesPerRequest / 1024).toFixed(1)} KiB` +
    `  [${TRIVIAL_PAGE} ${page.rps.toFixed(0)} req/s, ${TRIVIAL_TEXT} ${text.rps.toFixed(0)} req/s]` +
    (m.errors || m.non2xx ? `  errors ${m.errors}, non-2xx ${m.non2xx}` : "")
  );
}

/** The closing lines of a page benchmark: how it was measured and the target. */
export function printLegend(results: PageResult[]) {
  const s = results[0]?.target.seconds.toFixed(0) ?? "?";
  console.log(
    `\nEach target alternated with ${TRIVIAL_PAGE} (trivial page: root layout, no loader of its own) and ` +
      `${TRIVIAL_TEXT} (trivial text route, no React) in rotating 2-second windows, 20 connections, ${s} s each.` +
      `\nTarget: ≥ 0.5× the trivial route. ratio = target req/s ÷ trivial req/s; p95 ratio = trivial p95 ÷ target p95.`
  );
}
