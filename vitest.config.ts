import { defineConfig } from 'vitest/config';
import { WxtVitest } from 'wxt/testing';

/**
 * Three levels, one command (`npm test` also runs Playwright after these,
 * then the `firefox` project on the Firefox build):
 * - unit: pure modules and background modules on WXT's fake browser;
 * - components: React views in jsdom with a fresh QueryClient per test;
 * - integration: background modules and protocol tests against the real
 *   reference server started in-process on 127.0.0.1.
 */
export default defineConfig({
  plugins: [WxtVitest()],
  test: {
    globals: true,
    restoreMocks: true,
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], environment: 'node' },
      },
      {
        extends: true,
        test: {
          name: 'components',
          include: ['tests/components/**/*.test.tsx'],
          environment: 'jsdom',
          setupFiles: ['tests/components/setup.ts'],
        },
      },
      {
        // Real Firefox over WebDriver BiDi on the `wxt build -b firefox` output
        // (issue #12); `npm test` builds it and runs this project last.
        extends: true,
        test: {
          name: 'firefox',
          include: ['tests/firefox/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
    ],
  },
});
