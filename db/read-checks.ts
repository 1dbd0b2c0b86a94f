/**
 * Checked reads, for the HTML cache (html-cache.server.ts). A cached public page is kept while
 * the change counters of the topics it reads stand still; for a busy topic that is almost never:
 * during a rush on one class (抢课) every enrolment moves `seats`, and every listing that shows
 * seats would render again although none of the classes it shows changed.
 *
 * So a function that reads such a topic for a page notes, with `noteCheck`, how to tell later
 * whether what it read still stands (the seats taken of the classes the page shows). A page whose
 * routes declare the topic checked (`handle.cacheChecked: ["seats"]`) is then kept while the
 * other topics stand still and its checks still hold. tests/unit/html-cache-topics.test.ts proves
 * that such a page reads the checked topic's tables only through noting functions.
 */
import { AsyncLocalStorage } from "node:async_hooks";

/** True while what a read returned for the page is still what the same read returns now. */
export type ReadCheck = () => boolean;

// One store per process, even when this module is loaded twice (the built server bundle and the
// sources a test imports beside it): a check noted into another copy's store would be lost, and
// its page kept past a change.
const STORE = Symbol.for("xiamen-academies.read-checks");
const storage: AsyncLocalStorage<ReadCheck[]> = ((globalThis as Record<symbol, unknown>)[STORE] ??=
  new AsyncLocalStorage<ReadCheck[]>()) as AsyncLocalStorage<ReadCheck[]>;

/** Runs `fn` (a render for the cache), collecting into `checks` what its reads note. */
export function collectingChecks<T>(checks: ReadCheck[], fn: () => Promise<T>): Promise<T> {
  return storage.run(checks, fn);
}

/** Notes a check for the render being collected; outside one (any other request) it does nothing. */
export function noteCheck(check: ReadCheck) {
  storage.getStore()?.push(check);
}

/**
 * Runs a memo's `compute` (synchronous), returning its value and the checks it noted, which are
 * also noted for the render under way, if any. A memo hit replays them (`noteChecks`): a check
 * noted only when the value was computed would otherwise be missing from every page that reuses it.
 */
export function computeNotingChecks<V>(compute: () => V): { value: V; checks: ReadCheck[] } {
  const checks: ReadCheck[] = [];
  const value = storage.run(checks, compute);
  noteChecks(checks);
  return { value, checks };
}

export function noteChecks(checks: readonly ReadCheck[]) {
  if (checks.length) storage.getStore()?.push(...checks);
}

/**
 * Notes that `readAgain()` (reading the database as it is then) must still give what `shown`
 * is, compared as JSON: for a loader whose part that depends on a checked topic is cheaper to
 * read again than the page is to render. Returns `shown`.
 */
export function noteSameRead<T>(shown: T, readAgain: () => T): T {
  if (!storage.getStore()) return shown; // not a render for the cache: nothing to note
  const json = JSON.stringify(shown);
  noteCheck(() => JSON.stringify(readAgain()) === json);
  return shown;
}

/** Whether two small maps hold the same entries. */
export function sameEntries<K, V>(a: Map<K, V>, b: Map<K, V>) {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}
