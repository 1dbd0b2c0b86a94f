import fs from "node:fs";
import path from "node:path";
import { defineConfig, devices } from "@playwright/test";
import { SERVER_NODE_FLAGS } from "../db/start.mjs";

const root = path.resolve(import.meta.dirname, "..");
const PORT = Number(process.env.E2E_PORT ?? 3100);
/** Each project gets its own server and database (E2E_PORT for the phone, E2E_PORT + 1 for the
 * desktop), so a journey that changes data (publishes a course, checks a resident in) runs on both
 * viewports from the same starting point. */
const PORTS = { phone: PORT, desktop: PORT + 1 };
const dbFileOf = (port: number) => path.join(root, `tests/.tmp/e2e-${port}.sqlite`);
/** The development SMS sender writes here (both servers append to one file; every test phone is
 * unique); tests read codes from it (helpers.ts readSmsCode). */
const smsFile = path.join(root, `tests/.tmp/sms-${PORT}.jsonl`);
/** Each server's JSON log (stdout), read by ops.spec.ts to find a 500 page's 错误编号. */
export const logFileOf = (port: number) => path.join(root, `tests/.tmp/server-${port}.log`);

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
  // CI does not retry: a retry hides a flake.
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  use: {
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
  // Every journey on a 375 px phone and on a 1280×800 desktop.
  projects: [
    // overflow.spec.ts measures 375 px pages; the link crawl reads server HTML, the same on both;
    // tests tagged @desktop (keyboard journey, time zone, XSS in the browser) do not depend on the width.
    {
      name: "phone",
      testIgnore: /crawl\.spec/,
      grepInvert: /@desktop/,
      use: {
        ...devices["Desktop Chrome"],
        baseURL: `http://localhost:${PORTS.phone}`,
        viewport: { width: 375, height: 812 },
        isMobile: false,
        hasTouch: true,
      },
    },
    {
      name: "desktop",
      testIgnore: /overflow\.spec/,
      use: {
        ...devices["Desktop Chrome"],
        baseURL: `http://localhost:${PORTS.desktop}`,
        viewport: { width: 1280, height: 800 },
      },
    },
  ],
  webServer: Object.values(PORTS).map((port) => ({
    // A fresh database with the real migrations and the demo seed, on its own port, with the
    // heap limits production runs with.
    // The phone's server clears the shared SMS file; the desktop's must not delete what it already wrote.
    command: `rm -f ${dbFileOf(port)}* ${port === PORTS.phone ? smsFile : ""} && mkdir -p ${path.dirname(dbFileOf(port))} && node ${SERVER_NODE_FLAGS.join(" ")} db/start.mjs > ${logFileOf(port)}`,
    cwd: root,
    url: `http://localhost:${port}/`,
    timeout: 180_000,
    reuseExistingServer: false,
    stdout: "ignore" as const,
    stderr: "pipe" as const,
    env: {
      PORT: String(port),
      DATABASE_PATH: dbFileOf(port),
      NODE_ENV: "production",
      // The server's own clock zone must not matter: everything is shown in Asia/Shanghai (issue 14).
      TZ: "UTC",
      HOST: "127.0.0.1",
      BACKUP_DIR: path.join(root, `tests/.tmp/backups-${port}`),
      LOGIN_LIMIT_PER_IP: "10000",
      REGISTER_LIMIT_PER_IP: "10000",
      SMS_LIMIT_PER_IP: "10000",
      SMS_DEV_FILE: smsFile,
      UPLOAD_DIR: path.join(root, `tests/.tmp/uploads-${port}`),
    },
  })),
});
