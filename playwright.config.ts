import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests drive the built extension (`.output/chrome-mv3`) in the
 * system Chromium against the reference server, started per test on
 * 127.0.0.1. No browser is downloaded: `CHROMIUM_PATH` or /usr/bin/chromium.
 */
export default defineConfig({
  testDir: 'tests/e2e',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: true,
  reporter: process.env.CI ? [['list']] : [['list']],
  use: {
    trace: 'retain-on-failure',
  },
});
