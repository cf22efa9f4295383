/**
 * A bench "lab": one reference server, the extension signed in to it, the
 * unit directory the server was built with, and instrumentation installed in
 * the service worker. Measurements receive a lab and leave it usable.
 */
import type { Page, Worker } from '@playwright/test';
import type { TempUnit } from '../lib/protocol';
import type { RunningServer, ServerOptions } from '../server/app';
import { buildDirectory, type UnitRecord } from '../server/directory';
import { estimateOffset, now, type ClockOffset } from './clock';
import {
  DEMO_ORG_ID,
  launchExtension,
  login,
  signIn,
  startBenchServer,
  waitUntil,
  type ExtensionSession,
} from './harness';

export interface Lab {
  server: RunningServer;
  session: ExtensionSession;
  /** Demo organization's units, in the server's order. */
  units: UnitRecord[];
  siteName(siteId: string): string;
  areaName(areaId: string): string;
  /** Worker clock minus Node clock. */
  workerClock: ClockOffset;
  close(): Promise<void>;
}

export interface LabOptions extends ServerOptions {
  sites: number;
  unitsPerSite: number;
}

export async function openLab(extensionDir: string, options: LabOptions): Promise<Lab> {
  const server = await startBenchServer(options);
  const session = await launchExtension(extensionDir);
  try {
    await signIn(session, server);
    const directory = buildDirectory({ sites: options.sites, unitsPerSite: options.unitsPerSite });
    const units = directory.unitList.filter((u) => u.organizationId === DEMO_ORG_ID);
    // Subscriptions follow the directory load: wait for every site room.
    await waitUntil(
      'site rooms',
      () => {
        const socket = server.control.state().sockets.find((s) => s.organizationId === DEMO_ORG_ID);
        return socket !== undefined && socket.rooms.length >= 1 + options.sites;
      },
      30_000,
    );
    await installWorkerProbe(session.worker);
    const workerClock = await estimateOffset(() => workerNow(session.worker));
    return {
      server,
      session,
      units,
      siteName: (id) => directory.sites.get(id)?.name ?? id,
      areaName: (id) => directory.areas.get(id)?.name ?? id,
      workerClock,
      async close() {
        await session.close();
        await server.close();
      },
    };
  } catch (error) {
    await session.close();
    await server.close();
    throw error;
  }
}

/**
 * tsx compiles with esbuild's keepNames, which wraps named functions in
 * `__name(...)`; functions serialised into a browser context need the helper.
 */
export const NAME_SHIM = 'globalThis.__name ??= (fn) => fn; undefined';

/** Quiet this long (no `get:latest` answered) before a row starts; `--quick` waits less. */
export const SETTLE_QUIET_MS = 1_000;
const SETTLE_BOUND_MS = 20_000;

/**
 * Waits until the worker is in the steady state every row is defined in
 * (#14): connected, its site rooms joined, and no resync running. After a
 * sign-in or a reconnect (the previous row's wake-up stops the worker) the
 * worker asks `get:latest` for each of its 1,000 units; a row that started
 * during that sweep measured the sweep as well (3b's worker profile showed
 * `get:latest` encodes in a window meant for readings alone). Returns how long
 * it waited and whether the worker settled within the bound.
 */
export async function settle(
  lab: Lab,
  sites: number,
  quietMs = SETTLE_QUIET_MS,
): Promise<{ waitedMs: number; settled: boolean }> {
  const started = Date.now();
  let last = -1;
  let quietSince = started;
  while (Date.now() - started < SETTLE_BOUND_MS) {
    const { sockets } = lab.server.control.state();
    const live = sockets.some(
      (s) => s.organizationId === DEMO_ORG_ID && s.rooms.length >= 1 + sites,
    );
    const answered = lab.server.control.counters().answered['get:latest'] ?? 0;
    if (answered !== last || !live) {
      last = answered;
      quietSince = Date.now();
    } else if (Date.now() - quietSince >= quietMs) {
      return { waitedMs: Date.now() - started, settled: true };
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { waitedMs: Date.now() - started, settled: false };
}

export function workerNow(worker: Worker): Promise<number> {
  return worker.evaluate(() => performance.timeOrigin + performance.now());
}

/**
 * Stamps each `alert:triggered` frame as it reaches a WebSocket of this
 * context, before any of its handling, into `globalThis[key].arrivals`:
 * engine.io sets `onmessage` on each WebSocket it opens, so a socket opened
 * after this ran is seen (`sockets` counts them). Self-contained, so that it
 * runs in the worker (`evaluate`) and in a page (`addInitScript`) alike.
 */
export function watchAlertFrames(key: string): void {
  type Watch = { arrivals: [number, string][]; sockets: number };
  const g = globalThis as unknown as Record<string, Watch | undefined>;
  if (g[key]?.arrivals) return;
  const watch: Watch = Object.assign(g[key] ?? {}, { arrivals: [], sockets: 0 });
  g[key] = watch;
  const stamp = () => performance.timeOrigin + performance.now();
  const onmessage = Object.getOwnPropertyDescriptor(WebSocket.prototype, 'onmessage');
  if (!onmessage?.set || !onmessage.get) return;
  const { get, set } = onmessage;
  Object.defineProperty(WebSocket.prototype, 'onmessage', {
    configurable: true,
    enumerable: onmessage.enumerable,
    get,
    set(this: WebSocket, handler: ((event: MessageEvent) => unknown) | null) {
      if (typeof handler !== 'function') return set.call(this, handler);
      watch.sockets += 1;
      set.call(this, function (this: WebSocket, event: MessageEvent) {
        const data: unknown = event.data;
        if (typeof data === 'string' && data.startsWith('42["alert:triggered"')) {
          const id = /"alertId":"([^"]+)"/.exec(data)?.[1];
          if (id !== undefined) watch.arrivals.push([stamp(), id]);
        }
        return handler.call(this, event);
      });
    },
  });
}

/**
 * Wraps the two sinks the brief names, in the worker, without touching
 * product code: `chrome.action.setBadgeText` and `chrome.notifications.create`
 * (the webextension polyfill looks the method up on `chrome.*` at call time,
 * and `browser.action === chrome.action` in Chromium). Each call is stamped
 * with the shared clock and forwarded unchanged.
 */
export async function installWorkerProbe(worker: Worker): Promise<void> {
  await worker.evaluate(NAME_SHIM);
  await worker.evaluate(watchAlertFrames, '__bench');
  await worker.evaluate(() => {
    type Probe = {
      badge: [number, string][];
      notes: [number, string][];
      arrivals: [number, string][];
      sockets: number;
    };
    const g = globalThis as unknown as { __bench?: Probe; __benchSinks?: boolean };
    // `watchAlertFrames` made the object and watches the sockets; the sinks are added once.
    if (g.__benchSinks || !g.__bench) return;
    g.__benchSinks = true;
    const probe = g.__bench;
    probe.badge ??= [];
    probe.notes ??= [];
    const stamp = () => performance.timeOrigin + performance.now();
    const action = chrome.action as unknown as Record<string, (...a: unknown[]) => unknown>;
    const setBadgeText = action.setBadgeText as (...a: unknown[]) => unknown;
    action.setBadgeText = function (this: unknown, ...args: unknown[]) {
      probe.badge.push([stamp(), String((args[0] as { text?: string } | undefined)?.text)]);
      return setBadgeText.apply(this, args);
    };
    const notifications = chrome.notifications as unknown as Record<
      string,
      (...a: unknown[]) => unknown
    >;
    const create = notifications.create as (...a: unknown[]) => unknown;
    notifications.create = function (this: unknown, ...args: unknown[]) {
      probe.notes.push([stamp(), String(args[0])]);
      return create.apply(this, args);
    };
  });
}

/**
 * Makes sure the lab talks to the live worker and that it carries the probe.
 * Chrome may replace the worker (stop/restart); a new one has no probe.
 * Returns false when the probe had to be reinstalled.
 */
export async function ensureWorkerProbe(lab: Lab): Promise<boolean> {
  const all = lab.session.context
    .serviceWorkers()
    .filter((w) => w.url().startsWith('chrome-extension://'));
  const live = all[all.length - 1];
  if (live && live !== lab.session.worker) lab.session.worker = live;
  const present = await lab.session.worker
    .evaluate(() => (globalThis as { __bench?: unknown }).__bench !== undefined)
    .catch(() => false);
  if (!present) {
    await installWorkerProbe(lab.session.worker);
    lab.workerClock = await estimateOffset(() => workerNow(lab.session.worker));
  }
  return present;
}

/** Takes (and clears) what the probe recorded. */
export async function drainWorkerProbe(worker: Worker): Promise<{
  badge: [number, string][];
  notes: [number, string][];
  arrivals: [number, string][];
}> {
  return worker.evaluate(() => {
    const g = globalThis as unknown as {
      __bench?: {
        badge: [number, string][];
        notes: [number, string][];
        arrivals: [number, string][];
      };
    };
    const probe = g.__bench;
    if (!probe) return { badge: [], notes: [], arrivals: [] };
    const out = { badge: probe.badge, notes: probe.notes, arrivals: probe.arrivals };
    probe.badge = [];
    probe.notes = [];
    probe.arrivals = [];
    return out;
  });
}

/**
 * Whether the worker's socket was opened after the probe was installed, so
 * that its `alert:triggered` frames are stamped on arrival (`arrivals`).
 */
export async function probeSeesSocket(worker: Worker): Promise<boolean> {
  return worker.evaluate(
    () => ((globalThis as { __bench?: { sockets: number } }).__bench?.sockets ?? 0) > 0,
  );
}

/** Injects an alert and returns its id and the Node time just before the emit. */
export function injectProbeAlert(
  server: RunningServer,
  unitId: string,
): { id: string; at: number } {
  const at = now();
  const alert = server.control.injectAlert({
    unitId,
    severity: 'warning',
    alertType: 'alarm_active',
    message: 'bench probe',
  });
  return { id: alert.id, at };
}

/** A unit row of the bench's baseline page (bench/baseline/main.ts `Config`). */
export interface BaselineUnit {
  id: string;
  name: string;
  tempUnit: TempUnit;
  /** The list label the popup gives the unit's site and area: "Site, Area". */
  group: string;
}

/**
 * Opens the bench's baseline page (socket.io-client and a TanStack Query
 * cache, signed in as the demo user, in the org room) with these rows, and
 * resolves once its socket is connected. `beforeLoad` runs in the page
 * before its scripts (`addInitScript`).
 */
export async function openBaselinePage(
  lab: Lab,
  baselineUrl: string,
  units: readonly BaselineUnit[],
  beforeLoad?: (page: Page) => Promise<void>,
): Promise<Page> {
  const token = await login(lab.server.url);
  const config = { url: lab.server.url, token, units };
  const page = await lab.session.context.newPage();
  try {
    // The token goes in through an init script, never in the page's URL.
    await page.addInitScript((c) => {
      (globalThis as { __baselineConfig?: unknown }).__baselineConfig = c;
    }, config);
    await beforeLoad?.(page);
    await page.goto(`${baselineUrl}/index.html`);
    await page.waitForFunction(
      () => (globalThis as { __baselineConnected?: boolean }).__baselineConnected === true,
      undefined,
      { timeout: 15_000 },
    );
    return page;
  } catch (error) {
    await page.close();
    throw error;
  }
}

/** A page's clock, on the scale the worker probe stamps with. */
export function pageNow(page: Page): Promise<number> {
  return page.evaluate(() => performance.timeOrigin + performance.now());
}
