import { defineConfig } from '@playwright/test';

/** Tests that write the README's screenshots (docs/screenshots/). */
const SCREENSHOTS = /screenshots\.spec\.ts$/;

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
  reporter: [['list']],
  use: {
    trace: 'retain-on-failure',
  },
  projects: [
    { name: 'e2e', testIgnore: SCREENSHOTS },
    // README screenshots rewrite docs/screenshots/*.png, so CI must never select them:
    // the project exists only with FROSTLINE_SCREENSHOTS=1 (`npm run screenshots`).
    ...(process.env.FROSTLINE_SCREENSHOTS === '1'
      ? [{ name: 'screenshots', testMatch: SCREENSHOTS }]
      : []),
  ],
});
