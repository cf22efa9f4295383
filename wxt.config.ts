import { defineConfig } from 'wxt';

/**
 * Frostline's extension build. Permissions are the least the product needs
 * (issue #2): `storage` for the session and settings, `alarms` for the
 * connection watchdog, `notifications` for alerts. Loopback is always
 * reachable so the demo and tests need no prompt; any other backend origin is
 * asked for at runtime from the options page.
 */
export default defineConfig({
  modules: ['@wxt-dev/module-react', '@wxt-dev/webextension-polyfill'],
  // A separate output folder lets parallel checkouts and benchmarks build side by side.
  outDir: process.env.FROSTLINE_OUT_DIR ?? '.output',
  // Auto-imports hide where things come from; every module imports explicitly.
  imports: false,
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
              strict_min_version: '128.0',
              data_collection_permissions: { required: ['none'] },
            },
          },
        }
      : { minimum_chrome_version: '116' }),
    action: { default_title: 'Frostline' },
  }),
});
