import { defineConfig } from "@playwright/test";

// The browser tests drive Debian's Chromium (Playwright cannot download its
// own here) against `deploy --serve`: the devnode with the protocol and the
// built app. One worker: the tests share one chain, each test reverts it to
// a snapshot when it ends.
export default defineConfig({
  testDir: "e2e",
  workers: 1,
  fullyParallel: false,
  timeout: 90_000,
  expect: { timeout: 15_000 },
  reporter: [["list"]],
  outputDir: "../target/app-artifacts/test-results",
  use: {
    baseURL: "http://127.0.0.1:5173/",
    viewport: { width: 1200, height: 900 },
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
    },
  },
  webServer: {
    command: "cargo run --release --locked -p deploy -- --serve",
    cwd: "..",
    url: "http://127.0.0.1:5173/deployments/index.json",
    timeout: 600_000,
    reuseExistingServer: !process.env.CI,
    stdout: "pipe",
  },
});
