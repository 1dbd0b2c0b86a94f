/**
 * The server's entry, compiled with the app into build/server/index.js (remix.config.js `server`).
 * `node build/server/index.js` serves; imported by anything else (remix-serve, tests, benches) it
 * is a plain Remix server build and starts nothing.
 */
import { pathToFileURL } from "node:url";
import * as build from "@remix-run/dev/server-build";
import { main } from "~/modules/ops/main.server";

export * from "@remix-run/dev/server-build";

/** Called by db/start.mjs after its build check, in the same process. */
export function start() {
  return main(build);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main(build);
}
