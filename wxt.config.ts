import { defineConfig } from 'wxt';

/**
 * Frostline's extension build. Permissions are the least the product needs
 * (issue #2): `storage` for the session and settings, `alarms` for the
 * connection watchdog, `notifications` for alerts. Loopback is always
 * reachable so the demo and tests need no prompt; any other backend origin is
 * asked for at runtime from the options page.
 */
/**
 * engine.io-client falls back to `Function("return this")()` to find the
 * global object when neither `self` nor `window` exists. That never happens in
 * an extension, but the Function constructor is eval to store reviewers and
 * linters: use `globalThis` instead (issue #6, "no remote code").
 */
const noFunctionConstructor = {
  name: 'frostline:no-function-constructor',
  transform(code: string, id: string) {
    if (!id.includes('engine.io-client') || !code.includes('Function("return this")()'))
      return null;
    return { code: code.replace('Function("return this")()', 'globalThis'), map: null };
  },
};

export default defineConfig({
  modules: ['@wxt-dev/module-react', '@wxt-dev/webextension-polyfill'],
  // A separate output folder lets parallel checkouts and benchmarks build side by side.
  outDir: process.env.FROSTLINE_OUT_DIR ?? '.output',
  // Manifest V3 in every browser (WXT builds Firefox as MV2 by default, which
  // would drop optional_host_permissions and strand remote backends).
  manifestVersion: 3,
  // Auto-imports hide where things come from; every module imports explicitly.
  imports: false,
  vite: () => ({ plugins: [noFunctionConstructor] }),
  manifest: ({ browser }) => ({
    name: 'Frostline',
    description:
      'Live cold-chain alerts: know within seconds when a fridge or freezer goes out of range.',
    permissions: ['storage', 'alarms', 'notifications'],
    host_permissions: ['http://127.0.0.1/*', 'http://localhost/*'],
    optional_host_permissions: ['https://*/*', 'http://*/*'],
    ...(browser === 'firefox'
      ? {
          browser_specific_settings: {
            gecko: {
              id: 'frostline@frostline.app',
              // 140: the first version that knows `data_collection_permissions`.
              strict_min_version: '140.0',
              data_collection_permissions: { required: ['none'] },
            },
            gecko_android: { strict_min_version: '142.0' },
          },
        }
      : {
          // 120: the first Chrome whose alarms run every 30 s. Before it, any
          // period under 1 min is clamped to 1 min, and the watchdog alarm
          // (WATCHDOG_PERIOD_MIN, 0.5) that revives a stopped worker would fire
          // half as often as designed (issue #11). Chrome 120 shipped in
          // December 2023; older builds no longer get security fixes.
          minimum_chrome_version: '120',
        }),
    action: { default_title: 'Frostline' },
  }),
});
