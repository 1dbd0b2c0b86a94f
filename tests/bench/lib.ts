/**
 * A small HTTP load generator for the benchmarks (autocannon-like, built on Node's fetch/undici
 * with keep-alive): N connections each loop GET requests for a fixed time. Add a target to any
 * bench with `measure(url)` and print it against a trivial route with `ratioLine`.
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

/** Loads `url` with `connections` concurrent request loops; returns throughput and latency percentiles. */
export async function measure(url: string, opts: MeasureOptions = {}): Promise<Measurement> {
  const connections = opts.connections ?? 20;
  const durationMs = opts.durationMs ?? Number(process.env.BENCH_SECONDS ?? 10) * 1000;
  const warmupMs = opts.warmupMs ?? 1000;
  const headers = opts.headers ?? {};
  await Promise.all(Array.from({ length: connections }, () => loop(url, performance.now() + warmupMs, headers)));
  const sink = { lat: [] as number[], errors: 0, non2xx: 0, bytes: 0 };
  const start = performance.now();
  const until = start + durationMs;
  await Promise.all(Array.from({ length: connections }, () => loop(url, until, headers, sink)));
  const seconds = (performance.now() - start) / 1000;
  const lat = sink.lat.sort((a, b) => a - b);
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
 * Measures `url` and a baseline (the trivial route) in alternating short windows (default 5 × 2 s
 * each), so that load from anything else on the machine falls on both alike; returns both
 * measurements. Use this for ratios on a shared machine.
 */
export async function compare(
  baselineUrl: string,
  url: string,
  opts: MeasureOptions & { rounds?: number } = {},
): Promise<{ baseline: Measurement; target: Measurement }> {
  const connections = opts.connections ?? 20;
  const total = opts.durationMs ?? Number(process.env.BENCH_SECONDS ?? 10) * 1000;
  const rounds = opts.rounds ?? 5;
  const windowMs = total / rounds;
  const headers = opts.headers ?? {};
  const warm = opts.warmupMs ?? 1000;
  for (const u of [baselineUrl, url]) await Promise.all(Array.from({ length: connections }, () => loop(u, performance.now() + warm / 2, headers)));
  const sinks: [Sink, Sink] = [
    { lat: [], errors: 0, non2xx: 0, bytes: 0, ms: 0 },
    { lat: [], errors: 0, non2xx: 0, bytes: 0, ms: 0 },
  ];
  for (let r = 0; r < rounds; r++) {
    // Alternate which goes first so neither always follows the other.
    const order: [string, Sink][] = r % 2 === 0 ? [[baselineUrl, sinks[0]], [url, sinks[1]]] : [[url, sinks[1]], [baselineUrl, sinks[0]]];
    for (const [u, sink] of order) {
      const start = performance.now();
      await Promise.all(Array.from({ length: connections }, () => loop(u, start + windowMs, headers, sink)));
      sink.ms += performance.now() - start;
    }
  }
  return { baseline: summarise(baselineUrl, connections, sinks[0]), target: summarise(url, connections, sinks[1]) };
}

/** One line: requests/s and p95, each as a ratio to the trivial route measured in the same run. */
export function ratioLine(label: string, m: Measurement, baseline: Measurement) {
  const rpsRatio = m.rps / baseline.rps;
  const p95Ratio = baseline.p95 / m.p95;
  return (
    `${label.padEnd(22)} ${m.rps.toFixed(0).padStart(6)} req/s (${rpsRatio.toFixed(2)}× trivial)` +
    `   p95 ${m.p95.toFixed(1).padStart(6)} ms (trivial/p95 = ${p95Ratio.toFixed(2)})` +
    `   ${(m.bytesPerRequest / 1024).toFixed(1)} KiB` +
    (m.errors || m.non2xx ? `   errors ${m.errors}, non-2xx ${m.non2xx}` : "")
  );
}
