import fs from "node:fs";
import path from "node:path";
import { defineConfig, devices } from "@playwright/test";

const root = path.resolve(import.meta.dirname, "..");
const PORT = Number(process.env.E2E_PORT ?? 3100);
const dbFile = path.join(root, `tests/.tmp/e2e-${PORT}.sqlite`);

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
  // Every journey on a 375 px phone and on a 1280×800 desktop.
  projects: [
    // overflow.spec.ts measures 375 px pages; the link crawl reads server HTML, the same on both.
    { name: "phone", testIgnore: /crawl\.spec/, use: { ...devices["Desktop Chrome"], viewport: { width: 375, height: 812 }, isMobile: false, hasTouch: true } },
    { name: "desktop", testIgnore: /overflow\.spec/, use: { ...devices["Desktop Chrome"], viewport: { width: 1280, height: 800 } } },
  ],
  webServer: {
    // A fresh database with the real migrations and the demo seed, on its own port.
    command: `rm -f ${dbFile}* && mkdir -p ${path.dirname(dbFile)} && npx tsx db/start.ts`,
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
      COOKIE_SECURE: "0",
      LOGIN_LIMIT_PER_IP: "10000",
      REGISTER_LIMIT_PER_IP: "10000",
      UPLOAD_DIR: path.join(root, `tests/.tmp/uploads-${PORT}`),
    },
  },
});
