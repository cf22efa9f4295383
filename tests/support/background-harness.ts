/**
 * The real background (`createBackground`) on WXT's fake browser, signed in
 * through its own `sign-in` command against the real reference server,
 * optionally through the fault-injection TCP proxy (issue #6).
 *
 * What a test can observe, without reaching into the background's internals:
 * - every notification created or cleared, in order (`notifications.log`),
 *   by wrapping the fake browser's notifications surface the background writes to;
 * - the badge text and title (`badge()`), sampled over time (`badgeSamples`);
 * - the state and diagnostics the background exposes to its pages (`app`).
 *
 * The background runs as `main()` would (tests/support/fake-extension.ts).
 */
import { fakeBrowser } from 'wxt/testing';
import type { BackgroundApi } from '../../lib/background';
import { NOTIFICATION_IDS } from '../../lib/notification-policy';
import type { Result } from '../../lib/messages';
import { startServer, type RunningServer, type ServerOptions } from '../../server/app';
import { stackConfig } from '../integration/server/helpers';
import { OWN_PAGE, bootBackground, prepareFakeBrowser } from './fake-extension';
import { startTcpProxy, type TcpProxy } from './tcp-proxy';

export const DEMO_EMAIL = 'demo@frostline.test';
export const DEMO_PASSWORD = 'frostline';
export const DEMO_ORG = 'org-northwind';

/** Full cycle counts with `FROSTLINE_FAULTS=full` (npm run test:faults), reduced in `npm test`. */
export const FULL = process.env.FROSTLINE_FAULTS === 'full';
export const cycles = (full: number, reduced: number): number => (FULL ? full : reduced);

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `check` returns a value other than `undefined`/`false`; fails with `what`. */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 10_000,
  everyMs = 20,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${what}`);
    await sleep(everyMs);
  }
}

export interface NotificationRecord {
  op: 'create' | 'clear';
  id: string;
  title: string;
  message: string;
  at: number;
}

/** The URL a fake-browser sender of our own options page carries. */

export interface Harness {
  server: RunningServer;
  proxy: TcpProxy | null;
  app: BackgroundApi;
  /** Sends a command as the extension's options page would. */
  command<T = unknown>(
    message: unknown,
    sender?: { id?: string; url?: string },
  ): Promise<Result<T>>;
  /** Signs in with the demo account (URL of the proxy when there is one). */
  signIn(options?: { keepSignedIn?: boolean }): Promise<void>;
  /** Every notification create/clear the background made, in order. */
  log: NotificationRecord[];
  /** Creations of `alert:<id>` so far. */
  createdFor(alertId: string): number;
  /**
   * How an alert was announced: `alone` (its own notification), `group` (a
   * storm's grouped notification was created or updated at or after `since`,
   * and the worker recorded the alert as notified), or `undefined` (not yet).
   * From the sixth alert within 10 s the product folds new alerts into the
   * group, so "nothing lost" must count both.
   */
  shownAs(alertId: string, since: number): Promise<'alone' | 'group' | undefined>;
  /** Notifications currently shown. */
  shown(): Promise<Record<string, unknown>>;
  badge(): Promise<{ text: string; title: string }>;
  /** Badge text sampled every 50 ms since sign-in (for "never showed off"). */
  badgeSamples: { at: number; text: string }[];
  /** Live and its site rooms restored on the server for the demo user. */
  waitLive(timeoutMs?: number): Promise<void>;
  demoSockets(): { id: string; rooms: string[] }[];
  dispose(): Promise<void>;
}

export interface HarnessOptions {
  server?: ServerOptions;
  /** Put the fault-injection proxy between the background and the server (default true). */
  proxy?: boolean;
  /** Reuse a running server (restart tests restart it themselves). */
  existingServer?: RunningServer;
}

/**
 * Starts a server (127.0.0.1, random port, simulator paused, control on),
 * the proxy, and a fresh background on a reset fake browser. One harness at a
 * time per test file: the fake browser and the socket module are singletons.
 */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  prepareFakeBrowser();
  const server =
    options.existingServer ??
    (await startServer({
      port: 0,
      host: '127.0.0.1',
      control: true,
      simulate: false,
      sites: 2,
      unitsPerSite: 4,
      ...options.server,
    }));
  const proxy =
    options.proxy === false ? null : await startTcpProxy({ host: '127.0.0.1', port: server.port });
  const url = proxy?.url ?? server.url;

  // Observe the notifications surface the background writes to.
  const log: NotificationRecord[] = [];
  const notifications = fakeBrowser.notifications as unknown as {
    create: (id: string, options: { title: string; message: string }) => Promise<string>;
    clear: (id: string) => Promise<boolean>;
  };
  const originalCreate = notifications.create;
  const originalClear = notifications.clear;
  notifications.create = async (id, opts) => {
    log.push({ op: 'create', id, title: opts.title, message: opts.message, at: Date.now() });
    return originalCreate(id, opts);
  };
  notifications.clear = async (id) => {
    log.push({ op: 'clear', id, title: '', message: '', at: Date.now() });
    return originalClear(id);
  };

  const background = await bootBackground();
  const app = background.app;

  const badgeSamples: { at: number; text: string }[] = [];
  let sampling: ReturnType<typeof setInterval> | null = null;

  const badge = async () => ({
    text: await fakeBrowser.action.getBadgeText({}),
    title: await fakeBrowser.action.getTitle({}),
  });

  async function command<T>(
    message: unknown,
    sender: { id?: string; url?: string } = OWN_PAGE,
  ): Promise<Result<T>> {
    const answers = (await fakeBrowser.runtime.onMessage.trigger(message, sender)) as unknown[];
    return answers.find((a) => a !== undefined) as Result<T>;
  }

  const demoSockets = () =>
    server.control
      .state()
      .sockets.filter((s) => s.email === DEMO_EMAIL)
      .map((s) => ({ id: s.id, rooms: s.rooms }));

  /** Site rooms the background should hold with the whole-organization scope. */
  const siteRooms = () =>
    (app.state().directory?.sites ?? []).map((site) => `org:${DEMO_ORG}:site:${site.id}`);

  async function waitLive(timeoutMs = 15_000): Promise<void> {
    await waitFor(
      'live, with the org room and every site room on the server',
      () => {
        if (app.state().connection.status !== 'live') return false;
        // A socket the server has not noticed dead yet (production heartbeat: 45 s) may
        // linger beside the new one; the new one must hold every room.
        const wanted = [`org:${DEMO_ORG}`, ...siteRooms()];
        return (
          siteRooms().length > 0 &&
          demoSockets().some((socket) => wanted.every((room) => socket.rooms.includes(room)))
        );
      },
      timeoutMs,
    );
  }

  return {
    server,
    proxy,
    app,
    command,
    async signIn({ keepSignedIn = false } = {}) {
      // Through Stack Auth (#10): the identity API is reached through the proxy too.
      const result = await command({
        type: 'sign-in',
        serverUrl: url,
        email: DEMO_EMAIL,
        password: DEMO_PASSWORD,
        keepSignedIn,
        stack: stackConfig(server, url),
      });
      if (!result.ok) throw new Error(`sign-in failed: ${result.error.code}`);
      await waitLive();
      sampling ??= setInterval(() => {
        void badge().then((b) => badgeSamples.push({ at: Date.now(), text: b.text }));
      }, 50);
    },
    log,
    createdFor: (alertId) =>
      log.filter((r) => r.op === 'create' && r.id === `alert:${alertId}`).length,
    async shownAs(alertId, since) {
      if (log.some((r) => r.op === 'create' && r.id === `alert:${alertId}`)) return 'alone';
      const grouped = log.some(
        (r) => r.op === 'create' && r.id === NOTIFICATION_IDS.group && r.at >= since,
      );
      if (!grouped) return undefined;
      const { notified } = (await fakeBrowser.storage.local.get('notified')) as {
        notified?: Record<string, number>;
      };
      return notified?.[alertId] !== undefined ? 'group' : undefined;
    },
    shown: async () => (await fakeBrowser.notifications.getAll()) as Record<string, unknown>,
    badge,
    badgeSamples,
    waitLive,
    demoSockets,
    async dispose() {
      if (sampling !== null) clearInterval(sampling);
      // Signing out stops the socket and the throttled persistence; `stop()`
      // removes the listeners and timers, as when the browser ends the worker.
      await app.end();
      background.stop();
      notifications.create = originalCreate;
      notifications.clear = originalClear;
      await proxy?.close();
      if (options.existingServer === undefined) await server.close();
    },
  };
}
