import fs from "node:fs";
import path from "node:path";
import { CONFIG_VARIABLES, ConfigError, config, parseConfig } from "~/utils/config.server";
import { runWithRequestContext } from "~/utils/log.server";

function problemsOf(env: Record<string, string>) {
  try {
    parseConfig(env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems;
  }
  throw new Error("expected a ConfigError");
}

describe("configuration", () => {
  it("has documented defaults", () => {
    const c = parseConfig({});
    expect(c).toMatchObject({
      PORT: 3000,
      DEMO: true,
      TRUST_PROXY: 0,
      PUBLIC_URL: null,
      BACKUP_DIR: "db/backups",
      BACKUP_KEEP: 14,
      CHECKIN_SECRET: null,
      NODE_ENV: "production",
      COMPLETION_RATE: 0.8,
      WRITE_CONCURRENCY: 5,
    });
  });

  it.each([
    ["DEMO", "yes"],
    ["PORT", "80a"],
    ["PORT", "70000"],
    ["TRUST_PROXY", "-1"],
    ["TRUST_PROXY", "true"],
    ["PUBLIC_URL", "javascript://evil.example/"],
    ["PUBLIC_URL", "https://xuexi.example.cn/path"],
    ["PUBLIC_URL", "not a url"],
    ["BACKUP_KEEP", "0"],
    ["BACKUP_CRON", "every day"],
    ["UPLOAD_MAX_MB", "nonsense"],
    ["COMPLETION_RATE", "1.5"],
    ["LOG_LEVEL", "loud"],
    ["WRITE_CONCURRENCY", "-1"],
  ])("refuses %s=%s and names the variable", (name, value) => {
    const problems = problemsOf({ [name]: value });
    expect(problems.map((p) => p.variable)).toEqual([name]);
    expect(problems[0]!.accepts.length).toBeGreaterThan(2);
  });

  it("refuses a CHECKIN_SECRET shorter than 16 characters without printing it", () => {
    try {
      parseConfig({ CHECKIN_SECRET: "short-secret" });
      throw new Error("expected a ConfigError");
    } catch (e) {
      expect((e as Error).message).toContain("CHECKIN_SECRET");
      expect((e as Error).message).not.toContain("short-secret");
    }
  });

  it("names every bad variable at once, and treats an empty value as unset", () => {
    const problems = problemsOf({ PORT: "x", DEMO: "2", TRUST_PROXY: "" });
    expect(problems.map((p) => p.variable).sort()).toEqual(["DEMO", "PORT"]);
  });

  it("keeps PUBLIC_URL as an origin and accepts TRUST_PROXY hops", () => {
    const c = parseConfig({ PUBLIC_URL: "https://xuexi.example.cn/", TRUST_PROXY: "2", DEMO: "0" });
    expect(c).toMatchObject({
      PUBLIC_URL: "https://xuexi.example.cn",
      TRUST_PROXY: 2,
      DEMO: false,
    });
  });

  it("the README's configuration table lists exactly the variables the module reads", () => {
    const readme = fs.readFileSync(path.resolve(import.meta.dirname, "../../README.md"), "utf8");
    const section = readme.split("### Configuration (environment variables)")[1]!.split("\n\n")[1]!;
    const documented = new Set<string>();
    for (const line of section.split("\n").slice(2)) {
      const first = line.split("|")[1] ?? "";
      for (const m of first.matchAll(/`([A-Z_]+)`/g)) documented.add(m[1]!);
    }
    expect([...documented].sort()).toEqual([...CONFIG_VARIABLES].sort());
  });

  it("is read once per request: a request keeps the configuration it first saw; outside one, a change shows at once", () => {
    const saved = process.env.SELF_PUBLISH;
    const request = (requestId: string) => ({
      requestId,
      method: "GET",
      route: null,
      userId: null,
      errorId: null,
      startedAt: Date.now(),
    });
    try {
      process.env.SELF_PUBLISH = "0";
      runWithRequestContext(request("first"), () => {
        expect(config().SELF_PUBLISH).toBe(false);
        process.env.SELF_PUBLISH = "1";
        expect(config().SELF_PUBLISH).toBe(false);
      });
      expect(config().SELF_PUBLISH).toBe(true);
      runWithRequestContext(request("next"), () => expect(config().SELF_PUBLISH).toBe(true));
    } finally {
      if (saved === undefined) delete process.env.SELF_PUBLISH;
      else process.env.SELF_PUBLISH = saved;
    }
  });

  it("no module reads process.env outside the configuration module", () => {
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (/\.(ts|tsx)$/.test(e.name) && !p.endsWith("config.server.ts")) {
          if (fs.readFileSync(p, "utf8").includes("process.env")) offenders.push(p);
        }
      }
    };
    walk(path.resolve(import.meta.dirname, "../../app"));
    expect(offenders).toEqual([]);
  });
});
