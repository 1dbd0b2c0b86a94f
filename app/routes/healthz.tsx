import { getDb } from "@db/client";
import { healthOf } from "~/modules/ops/health.server";

/**
 * Liveness and readiness: 200 "ok" when the database answers and every migration is applied,
 * else 503 with the reason. Also the text route the benchmarks divide by.
 */
export function loader() {
  let health;
  try {
    health = healthOf(getDb());
  } catch {
    health = { ok: false as const, problem: "database unreadable" };
  }
  return new Response(health.ok ? "ok" : health.problem, {
    status: health.ok ? 200 : 503,
    headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" },
  });
}
