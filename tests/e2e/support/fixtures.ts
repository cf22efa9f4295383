/**
 * Playwright fixtures: a reference server per test (127.0.0.1, random port,
 * control interface on), the built extension in the system Chromium, its
 * service worker, and every console line of every page and the worker (so
 * tests can prove no token is ever logged).
 */
import {
  test as base,
  chromium,
  expect,
  type BrowserContext,
  type Page,
  type Worker,
} from '@playwright/test';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, type RunningServer, type ServerOptions } from '../../../server/app';
import { CHROMIUM, extensionArgs, serviceWorkerOf } from '../../../scripts/chromium';

export { CHROMIUM, serviceWorkerOf };

export const EXTENSION_DIR = path.resolve(process.env.FROSTLINE_OUT_DIR ?? '.output', 'chrome-mv3');
export const DEMO = { email: 'demo@frostline.test', password: 'frostline' };

export async function launchExtension(
  userDataDir: string,
  extensionDir = EXTENSION_DIR,
): Promise<BrowserContext> {
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: extensionArgs(extensionDir),
    viewport: { width: 1000, height: 800 },
  });
}

/** Reads the toolbar badge from inside the worker. */
export async function badgeOf(
  worker: Worker,
): Promise<{ text: string; title: string; color: number[] }> {
  return worker.evaluate(async () => ({
    text: await chrome.action.getBadgeText({}),
    title: await chrome.action.getTitle({}),
    color: await chrome.action.getBadgeBackgroundColor({}),
  }));
}

export async function notificationsOf(worker: Worker): Promise<Record<string, unknown>> {
  return worker.evaluate(() => chrome.notifications.getAll());
}

type Fixtures = {
  serverOptions: ServerOptions;
  server: RunningServer;
  userDataDir: string;
  context: BrowserContext;
  worker: Worker;
  extensionId: string;
  consoleLines: string[];
  openExtensionPage: (name: 'popup' | 'options') => Promise<Page>;
};

export const test = base.extend<Fixtures>({
  serverOptions: [{ control: true, simulate: false, sites: 2, unitsPerSite: 4 }, { option: true }],
  server: async ({ serverOptions }, use) => {
    const server = await startServer({ port: 0, host: '127.0.0.1', ...serverOptions });
    await use(server);
    await server.close();
  },
  // eslint-disable-next-line no-empty-pattern
  userDataDir: async ({}, use) => {
    const dir = await mkdtemp(path.join(tmpdir(), 'frostline-e2e-'));
    await use(dir);
    await rm(dir, { recursive: true, force: true });
  },
  // eslint-disable-next-line no-empty-pattern
  consoleLines: async ({}, use) => {
    await use([]);
  },
  context: async ({ userDataDir, consoleLines }, use) => {
    const context = await launchExtension(userDataDir);
    context.on('console', (message) => consoleLines.push(message.text()));
    context.on('weberror', (error) => consoleLines.push(String(error.error())));
    // A browser that exits mid-test fails the next call with "Target page,
    // context or browser has been closed"; say what happened.
    let closing = false;
    context.on('close', () => {
      if (!closing)
        console.error('[e2e] the browser exited during the test (it crashed or was killed)');
    });
    await use(context);
    closing = true;
    await context.close();
  },
  worker: async ({ context, consoleLines }, use) => {
    const worker = await serviceWorkerOf(context);
    worker.on('console', (message) => consoleLines.push(message.text()));
    await use(worker);
  },
  extensionId: async ({ worker }, use) => {
    await use(new URL(worker.url()).host);
  },
  openExtensionPage: async ({ context, extensionId }, use) => {
    await use(async (name) => {
      const page = await context.newPage();
      await page.goto(`chrome-extension://${extensionId}/${name}.html`);
      return page;
    });
  },
});

export { expect };
