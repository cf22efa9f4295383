/**
 * The background service worker, assembled by `createBackground` on WXT's fake
 * browser, against the real reference server started in-process. Commands go
 * through `runtime.onMessage` exactly as a page's `sendMessage` would arrive.
 */
import { fakeBrowser } from 'wxt/testing';
import type { Browser } from 'wxt/browser';
import type { CommandRequest, Result } from '../../../lib/messages';
import type { SessionInfo } from '../../../lib/model';
import type { RunningServer, ServerOptions } from '../../../server/app';
import { stackPaths } from '../../../lib/stack-auth';
import { STACK_PREFIX } from '../../../server/stack-auth-routes';
import { stackConfig, startTestServer } from '../server/helpers';
import {
  OWN_PAGE,
  bootBackground,
  prepareFakeBrowser,
  type Background,
} from '../../support/fake-extension';

export { DEMO, DEMO_ORG, OTHER, PASSWORD, cleanup, sleep, stackConfig } from '../server/helpers';

/** A unit of the demo organization (site 1, °C). */
export const UNIT = 'unit-nw-1-01';

export { OWN_PAGE, type Background };

/** Resets the fake browser (before every test). */
export function resetBrowser(): void {
  prepareFakeBrowser();
}

/** Short heartbeats so that a dead connection is noticed within a test's time. */
export function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  return startTestServer({
    control: true,
    pingIntervalMs: 1_000,
    pingTimeoutMs: 1_000,
    ...options,
  });
}

const running: Background[] = [];

/** `main()` of the worker: create, listen (synchronously), start. */
export async function startBackground(
  env?: Parameters<typeof bootBackground>[0],
): Promise<Background> {
  const background = await bootBackground(env);
  running.push(background);
  return background;
}

/** Stops every background a test started (a terminated worker). */
export function stopBackgrounds(): void {
  for (const background of running.splice(0)) background.stop();
}

/** Sends a command the way a page's `runtime.sendMessage` reaches the background. */
export async function command<T = unknown>(
  request: CommandRequest | Record<string, unknown>,
  sender: Browser.runtime.MessageSender = OWN_PAGE,
): Promise<Result<T> | undefined> {
  const answers = await fakeBrowser.runtime.onMessage.trigger(request, sender);
  return answers.find((answer) => answer !== undefined) as Result<T> | undefined;
}

/** Where the background renews its access token: the Stack Auth refresh (#10). */
export const STACK_REFRESH = `${STACK_PREFIX}${stackPaths.refresh}`;

/** Signs in through the server's Stack Auth identity API, as the options page does (#10). */
export async function signIn(server: RunningServer, email = 'demo@frostline.test') {
  const result = await command<SessionInfo>({
    type: 'sign-in',
    serverUrl: server.url,
    email,
    password: 'frostline',
    keepSignedIn: true,
    stack: stackConfig(server),
  });
  if (result === undefined || !result.ok) {
    throw new Error(`sign-in failed: ${JSON.stringify(result)}`);
  }
  return result.data;
}

/** The socket owned by the live connection of `background` (the last one started by default, #9). */
export function currentSocket(background: Background | undefined = running.at(-1)) {
  return background?.app.connection.socket() ?? null;
}

/** Polls until `condition` holds; fails with `what` after `timeoutMs`. */
export async function until(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 8_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timeout: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Counts `notifications.create` calls per notification id from now on. */
export function countNotifications(): Map<string, number> {
  const counts = new Map<string, number>();
  const original = fakeBrowser.notifications.create.bind(fakeBrowser.notifications);
  vi.spyOn(fakeBrowser.notifications, 'create').mockImplementation(
    (...args: Parameters<typeof original>) => {
      if (typeof args[0] === 'string') counts.set(args[0], (counts.get(args[0]) ?? 0) + 1);
      return original(...args);
    },
  );
  return counts;
}

export async function notificationIds(): Promise<string[]> {
  return Object.keys(await fakeBrowser.notifications.getAll()).sort();
}

export async function badgeText(): Promise<string> {
  return fakeBrowser.action.getBadgeText({});
}

/** Rooms of every socket the server holds for `email`. */
export function serverRooms(server: RunningServer, email = 'demo@frostline.test'): string[][] {
  return server.control
    .state()
    .sockets.filter((s) => s.email === email)
    .map((s) => [...s.rooms].sort());
}

/** Handshakes the server saw: accepted plus rejected by any message. */
export function handshakes(server: RunningServer): { accepted: number; rejected: number } {
  const { handshakes: h } = server.control.counters();
  return {
    accepted: h.accepted,
    rejected: Object.values(h.rejected).reduce((sum, n) => sum + n, 0),
  };
}

/** HTTP requests the server logged whose URL starts with `path`. */
export function requestsTo(server: RunningServer, path: string): number {
  return server.control.requests().filter((r) => r.kind === 'http' && r.url.startsWith(path))
    .length;
}
