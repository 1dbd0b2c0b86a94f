import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sourceFingerprint, staleReason } from "@db/start.mjs";

let root: string;

function write(rel: string, text: string) {
  fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  fs.writeFileSync(path.join(root, rel), text);
}

/** A checkout with a build recorded as made from its current sources in `mode`. */
function recordBuild(mode: string) {
  write("build/server/index.js", "// built");
  write("build/server/version.txt", "abc123");
  write(
    "build/fingerprint.json",
    JSON.stringify({ sources: sourceFingerprint(root, mode), mode, version: "abc123" }),
  );
}

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "fingerprint-"));
  write("app/root.tsx", "export default 1;");
  write("db/schema/auth.ts", "export const users = 1;");
  write("db/client.ts", "export {};");
  write("package-lock.json", "{}");
  write("remix.config.js", "export default {};");
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

describe("start fingerprint", () => {
  it("serves a build made from the same sources in the same mode", () => {
    recordBuild("production");
    expect(staleReason(root, "production")).toBeNull();
  });

  it("a changed schema file forces a rebuild (db/ is bundled into the server)", () => {
    recordBuild("production");
    write("db/schema/auth.ts", "export const users = 2;");
    expect(staleReason(root, "production")).toMatch(/源代码/);
  });

  it("a build made in another mode (a test build) is never served in production", () => {
    recordBuild("test");
    expect(staleReason(root, "production")).toMatch(/模式是 test/);
  });

  it("a changed lockfile or app file forces a rebuild; data files do not", () => {
    recordBuild("production");
    write("db/data.sqlite", "data");
    write("db/backups/academy-1.sqlite", "data");
    write("db/uploads/a.pdf", "data");
    expect(staleReason(root, "production")).toBeNull();
    write("package-lock.json", '{"x":1}');
    expect(staleReason(root, "production")).not.toBeNull();
  });

  it("a build replaced after its fingerprint was recorded, or one without a fingerprint, is rebuilt", () => {
    recordBuild("production");
    write("build/server/version.txt", "other");
    expect(staleReason(root, "production")).toMatch(/改动/);
    fs.rmSync(path.join(root, "build/fingerprint.json"));
    expect(staleReason(root, "production")).toMatch(/指纹/);
  });
});
