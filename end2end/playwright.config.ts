import { defineConfig } from '@playwright/test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// Runs the browser tests against the already-built release binary, in Debian's Chromium.
//
//   cargo leptos build --release      (builds target/release/who-can-see and target/site/pkg)
//   cd end2end && npx playwright test
//
// E2E_PORT picks the port (default 3100); E2E_BINARY an absolute path to another binary.

const PORT = process.env.E2E_PORT || '3100';
const baseURL = `http://127.0.0.1:${PORT}`;

// Playwright loads this file in the runner and again in every worker. The runner creates the
// fresh database file and exports its URL; workers inherit the runner's environment, so they
// reuse it instead of making a database of their own that the server would never see.
if (!process.env.E2E_DATABASE_URL) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wcs-e2e-'));
  process.env.E2E_DATABASE_URL = `sqlite://${path.join(dir, 'who-can-see.db')}?mode=rwc`;
}
process.env.E2E_BASE_URL = baseURL;

const binary = process.env.E2E_BINARY
  ? JSON.stringify(process.env.E2E_BINARY)
  : '../target/release/who-can-see';

export default defineConfig({
  testDir: './tests',
  outputDir: 'test-results',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: 'list',
  timeout: 30_000,
  forbidOnly: !!process.env.CI,
  use: {
    baseURL,
    browserName: 'chromium',
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
  },
  webServer: {
    command: `${binary} serve`,
    cwd: __dirname,
    url: `${baseURL}/sign-in`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      DATABASE_URL: process.env.E2E_DATABASE_URL,
      LEPTOS_SITE_ADDR: `127.0.0.1:${PORT}`,
      LEPTOS_SITE_ROOT: '../target/site',
      RUST_LOG: 'warn',
    },
  },
});
