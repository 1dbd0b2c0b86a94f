/** A trivial text route: liveness checks, and the baseline the benchmarks divide by. */
export function loader() {
  return new Response("ok", { headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" } });
}
