/**
 * `npm start`: build if the build is missing or older than the sources, migrate, import content,
 * seed demo data into an empty database, then serve with remix-serve on PORT (default 3000).
 */
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { migrateDatabase, openDatabase } from "./client";
import { seed } from "./seed";

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

const serverBuild = path.resolve("build/server/index.js");
const stale =
  !fs.existsSync(serverBuild) ||
  fs.statSync(serverBuild).mtimeMs < Math.max(newestMtime("app"), fs.statSync("package-lock.json").mtimeMs);
if (stale) {
  console.log("正在构建……");
  const r = spawnSync("npx", ["remix", "build"], { stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const db = openDatabase();
migrateDatabase(db);
for (const line of await seed(db, { demo: "if-empty" })) console.log(line);
db.$client.close();

const child = spawn("npx", ["remix-serve", serverBuild], {
  stdio: "inherit",
  env: { ...process.env, NODE_ENV: process.env.NODE_ENV ?? "production", PORT: process.env.PORT ?? "3000" },
});
for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => child.kill(sig));
child.on("exit", (code) => process.exit(code ?? 0));
