/**
 * The bench's browser and backend: the reference server on 127.0.0.1, the
 * built extension in the system Chromium (as tests/e2e/support/fixtures.ts
 * launches it), signed in through the options page the way a person does,
 * and helpers to open the popup and reach the service worker.
 */
import { chromium, type BrowserContext, type Page, type Worker } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, type RunningServer, type ServerOptions } from '../server/app';
import { OptionsPage } from '../tests/e2e/support/pages';
import { stackSignIn } from '../tests/support/stack';
import { sleep } from './clock';

import { CHROMIUM, extensionArgs, serviceWorkerOf } from '../scripts/chromium';

export { CHROMIUM, serviceWorkerOf };
export const DEMO = { email: 'demo@frostline.test', password: 'frostline' };
export const DEMO_ORG_ID = 'org-northwind';

export function chromiumVersion(): string {
  try {
    return execFileSync(CHROMIUM, ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

export async function startBenchServer(options: ServerOptions): Promise<RunningServer> {
  return startServer({ port: 0, host: '127.0.0.1', control: true, ...options });
}

/** Polls `check` until it returns a value other than undefined/false, or throws after `timeoutMs`. */
export async function waitUntil<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 15_000,
  everyMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

export interface ExtensionSession {
  context: BrowserContext;
  worker: Worker;
  extensionId: string;
  /** A blank page kept open: CDP sessions to the worker are made through it. */
  anchor: Page;
  close(): Promise<void>;
}

export async function launchExtension(extensionDir: string): Promise<ExtensionSession> {
  const userDataDir = await mkdtemp(path.join(tmpdir(), 'frostline-bench-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      ...extensionArgs(extensionDir),
      // Hidden pages must not be throttled: the popup and the baseline are measured side by side.
      '--disable-background-timer-throttling',
      '--disable-renderer-backgrounding',
      '--disable-backgrounding-occluded-windows',
    ],
    viewport: { width: 1000, height: 800 },
  });
  // See NAME_SHIM in lab.ts: evaluated functions may reference esbuild's `__name`.
  await context.addInitScript('globalThis.__name ??= (fn) => fn;');
  const worker = await serviceWorkerOf(context);
  const anchor = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    worker,
    extensionId: new URL(worker.url()).host,
    anchor,
    async close() {
      await context.close().catch(() => undefined);
      await rm(userDataDir, { recursive: true, force: true }).catch(() => undefined);
    },
  };
}

/** The current worker (a stopped and restarted worker is a new `Worker` object). */
export function currentWorker(context: BrowserContext): Worker | undefined {
  const all = context.serviceWorkers().filter((w) => w.url().startsWith('chrome-extension://'));
  return all[all.length - 1];
}

export async function badgeText(worker: Worker): Promise<string> {
  return worker.evaluate(() => chrome.action.getBadgeText({}));
}

/** Signs in through the options page and waits until the worker's socket is in the server. */
export async function signIn(session: ExtensionSession, server: RunningServer): Promise<void> {
  const page = await session.context.newPage();
  await page.goto(`chrome-extension://${session.extensionId}/options.html`);
  const options = new OptionsPage(page);
  await options.signIn(server.url, DEMO.email, DEMO.password, true);
  await options.signedInAs().waitFor({ timeout: 15_000 });
  await page.close();
  await waitUntil('the worker socket', () =>
    server.control.state().sockets.some((s) => s.email === DEMO.email),
  );
  // Live: the badge leaves '!' (signed out) and '...' (starting).
  await waitUntil('a live badge', async () => {
    const text = await badgeText(session.worker);
    return text !== '!' && text !== '...' && text !== 'off';
  });
}

export async function openPopup(session: ExtensionSession): Promise<Page> {
  const page = await session.context.newPage();
  await page.goto(`chrome-extension://${session.extensionId}/popup.html`);
  await page.locator('li.unit-row').first().waitFor({ timeout: 20_000 });
  return page;
}

/**
 * Access token for the demo user (the baseline page signs its own socket
 * with it), through the server's Stack Auth identity API as the web
 * dashboard would (issue #10).
 */
export async function login(serverUrl: string): Promise<string> {
  return (await stackSignIn(serverUrl, DEMO.email, DEMO.password)).accessToken;
}
