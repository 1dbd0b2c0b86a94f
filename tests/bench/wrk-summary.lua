-- wrk's summary in one machine-readable line (lib.ts, wrkLoad): requests, duration (µs), bytes,
-- socket errors, non-2xx/3xx answers, latency p50, p95, p99 (µs).
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("WRK %d %d %d %d %d %d %d %d\n", summary.requests, summary.duration,
    summary.bytes, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
