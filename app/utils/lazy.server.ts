/**
 * A library loaded the first time it is needed, not at start (issue 17: idle memory): charts,
 * rich-text rendering. `require` works for ES modules too from Node 20.19 on (the server refuses
 * to start on an older Node: ops/main.server.ts) and yields the same instance an `import` would.
 */
import { createRequire } from "node:module";

const load = createRequire(import.meta.url);

/** `() => module`, loading `id` on the first call. */
export function onFirstUse<T>(id: string): () => T {
  let mod: T | undefined;
  return () => (mod ??= load(id) as T);
}
