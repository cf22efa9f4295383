import { defineConfig } from 'wxt';

/**
 * Frostline's extension build. Permissions are the least the product needs
 * (issue #2): `storage` for the session and settings, `alarms` for the
 * connection watchdog, `notifications` for alerts, and in Chrome `offscreen`
 * for alert sounds (issue #13). Loopback is always
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

/**
 * The background's socket uses the WebSocket transport only (`lib/socket.ts`:
 * `transports: ['websocket']`; PROTOCOL.md: the server refuses long-polling,
 * and an MV3 worker has no XMLHttpRequest). engine.io-client's table of
 * default transports still imports long-polling (XHR) and WebTransport, which
 * nothing here can use: about 6 KiB of the worker's bundle (issue #14, row
 * 6a). In builds, that table lists WebSocket alone, resolved exactly as
 * before (the browser build of the same transport, for Chrome and Firefox),
 * and the packages' entries (engine.io-client, socket.io-client) no longer
 * re-export the other transports.
 * Tests run in Node on the package as published.
 */
const websocketTransportOnly = {
  name: 'frostline:websocket-transport-only',
  apply: 'build' as const,
  transform(code: string, id: string) {
    // The package's entry also re-exports each transport, and the long-polling
    // ones run code at import (an XHR probe), so they would stay in the bundle.
    if (/engine\.io-client[\\/]build[\\/]esm[\\/]index\.js$/.test(id))
      return {
        code: code.replace(
          /^export \{[^}]*\} from "\.\/transports\/(polling|webtransport)[^"]*";$/gm,
          '',
        ),
        map: null,
      };
    if (/socket\.io-client[\\/]build[\\/]esm[\\/]index\.js$/.test(id))
      return {
        code: code.replace(
          'export { Fetch, NodeXHR, XHR, NodeWebSocket, WebSocket, WebTransport, } from "engine.io-client";',
          'export { NodeWebSocket, WebSocket } from "engine.io-client";',
        ),
        map: null,
      };
    if (!/engine\.io-client[\\/]build[\\/]esm[\\/]transports[\\/]index\.js$/.test(id)) return null;
    return {
      code: 'import { WS } from "./websocket.node.js";\nexport const transports = { websocket: WS };\n',
      map: null,
    };
  },
};

/**
 * webextension-polyfill ships as a UMD module (`module.exports = …`), so the
 * bundle imported it through the CommonJS interop, which copies every own
 * property of the export onto a namespace object at start. In a browser that
 * has `browser` itself (Chrome 156 does), the export is that object, whose
 * API namespaces are made on first access: reading each one's descriptor
 * made every API the extension may use (windows, tabs, action, …) at once,
 * inside the worker's start-up (issue #14, row 7: 25 ms of a traced
 * wake-up's script evaluation, most of it in `get windows`); the offscreen
 * document bundles it too, the popup and options page do not. Given
 * a `module` of its own and a default export, the same file is an ES module:
 * the export is the same object, and nothing is read before it is used.
 */
const polyfillAsEsModule = {
  name: 'frostline:polyfill-as-es-module',
  transform(code: string, id: string) {
    if (!/webextension-polyfill[\\/]dist[\\/]browser-polyfill\.js$/.test(id)) return null;
    return {
      // Its UMD header takes the CommonJS branch when `exports` exists.
      code: `const module = { exports: {} };\nconst exports = module.exports;\n${code}\nexport default module.exports;\n`,
      map: null,
    };
  },
};

/**
 * Firefox's default MV3 CSP for extension pages is `script-src 'self';
 * upgrade-insecure-requests;`: the upgrade turns the socket's
 * `ws://127.0.0.1` into `wss://`, so against a loopback backend the
 * background never connects while plain-http REST calls still work (issue
 * #12). Stated explicitly, without the upgrade, and as strict as the default
 * for scripts; MV2 gets its own default made explicit the same way. Plain
 * http stays limited to loopback by the server-URL check, not by the CSP.
 */
function firefoxCsp(manifestVersion: 2 | 3) {
  const policy = "script-src 'self'; object-src 'self';";
  return manifestVersion === 2
    ? { content_security_policy: policy }
    : { content_security_policy: { extension_pages: policy } };
}

export default defineConfig({
  modules: ['@wxt-dev/module-react', '@wxt-dev/webextension-polyfill'],
  // A separate output folder lets parallel checkouts and benchmarks build side by side.
  outDir: process.env.FROSTLINE_OUT_DIR ?? '.output',
  // Chrome: Manifest V3. Firefox: Manifest V2 with a persistent background
  // page (WXT's default for Firefox), decided on measured runs (issue #12,
  // docs/firefox.md): Firefox suspends an idle MV3 background after 30 s even
  // with a live WebSocket, dropping the socket about once a minute on a quiet
  // server; an MV2 background page is never suspended and Firefox keeps
  // supporting MV2. `wxt build -b firefox --mv3` still builds and runs.
  // Auto-imports hide where things come from; every module imports explicitly.
  imports: false,
  vite: () => ({
    plugins: [noFunctionConstructor, websocketTransportOnly, polyfillAsEsModule],
    // Vite's modulepreload polyfill (about 0.7 KiB in every page) only acts in
    // browsers without `<link rel="modulepreload">`; Chrome 120+ and Firefox
    // 140+ (the minimum versions below) have it, so it returns at once there
    // (issue #14, row 6b). The preloads themselves stay.
    build: { modulePreload: { polyfill: false } },
  }),
  manifest: ({ browser, manifestVersion }) => ({
    name: 'Frostline',
    description:
      'Live cold-chain alerts: know within seconds when a fridge or freezer goes out of range.',
    // Chrome also needs `offscreen`: an MV3 worker has no audio, and the alert
    // sound plays in an offscreen document (issue #13). Firefox's background
    // page plays it itself and has no such API.
    permissions: [
      'storage',
      'alarms',
      'notifications',
      ...(browser === 'firefox' ? [] : ['offscreen']),
    ],
    host_permissions: ['http://127.0.0.1/*', 'http://localhost/*'],
    optional_host_permissions: ['https://*/*', 'http://*/*'],
    ...(browser === 'firefox'
      ? {
          ...firefoxCsp(manifestVersion),
          // MV2 has no optional_host_permissions (WXT drops it): the same
          // origins go in optional_permissions, asked for the same way.
          ...(manifestVersion === 2 ? { optional_permissions: ['https://*/*', 'http://*/*'] } : {}),
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
          // What an administrator may preset by policy (issue #10): server URL,
          // Stack Auth project and key, Auth API URL, lock. Firefox reads the
          // same keys from its enterprise policies ("3rdparty"), with no schema
          // in the manifest (docs/managed-policy.md).
          storage: { managed_schema: 'managed-schema.json' },
        }),
    action: { default_title: 'Frostline' },
  }),
});
