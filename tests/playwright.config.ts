import fs from "node:fs";
import path from "node:path";
import { defineConfig, devices } from "@playwright/test";

const root = path.resolve(import.meta.dirname, "..");
const PORT = Number(process.env.E2E_PORT ?? 3100);
const dbFile = path.join(root, `tests/.tmp/e2e-${PORT}.sqlite`);
/** The development SMS sender writes here; tests read codes from it (helpers.ts readSmsCode). */
const smsFile = path.join(root, `tests/.tmp/sms-${PORT}.jsonl`);

function chromiumPath() {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  if (fs.existsSync("/usr/bin/chromium")) return "/usr/bin/chromium";
  return undefined; // Playwright's own browser, where one is installed
}

export default defineConfig({
  testDir: path.join(root, "tests/e2e"),
  outputDir: path.join(root, `tests/.output/${PORT}`),
  fullyParallel: false,
  workers: 2,
  retries: process.env.CI ? 1 : 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  use: {
    baseURL: `http://localhost:${PORT}`,
    locale: "zh-CN",
    timezoneId: "Asia/Shanghai",
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: chromiumPath(),
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
  projects: [
    { name: "phone", use: { ...devices["Desktop Chrome"], viewport: { width: 375, height: 812 }, isMobile: false, hasTouch: true } },
  ],
  webServer: {
    // A fresh database with the real migrations and the demo seed, on its own port.
    command: `rm -f ${dbFile}* ${smsFile} && mkdir -p ${path.dirname(dbFile)} && node db/start.mjs`,
    cwd: root,
    url: `http://localhost:${PORT}/`,
    timeout: 180_000,
    reuseExistingServer: false,
    stdout: "ignore",
    stderr: "pipe",
    env: {
      PORT: String(PORT),
      DATABASE_PATH: dbFile,
      NODE_ENV: "production",
      HOST: "127.0.0.1",
      BACKUP_DIR: path.join(root, `tests/.tmp/backups-${PORT}`),
      LOGIN_LIMIT_PER_IP: "10000",
      REGISTER_LIMIT_PER_IP: "10000",
      SMS_LIMIT_PER_IP: "10000",
      SMS_DEV_FILE: smsFile,
      UPLOAD_DIR: path.join(root, `tests/.tmp/uploads-${PORT}`),
    },
  },
});
