/**
 * The system Chromium with the built extension loaded, as the demo, the
 * end-to-end tests and the benchmarks launch it. No browser is downloaded:
 * `CHROMIUM_PATH`, else Debian's /usr/bin/chromium.
 */
import type { BrowserContext, Worker } from '@playwright/test';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Flags for a quiet, sandbox-free (root, CI) Chromium with only our extension:
 * the background-networking flags keep it from calling out of this machine.
 */
export function extensionArgs(extensionDir: string): string[] {
  return [
    `--disable-extensions-except=${extensionDir}`,
    `--load-extension=${extensionDir}`,
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-features=DialMediaRouteProvider',
  ];
}

/** The extension's service worker, once Chromium has started it. */
export async function serviceWorkerOf(context: BrowserContext): Promise<Worker> {
  const isOurs = (w: Worker) => w.url().startsWith('chrome-extension://');
  const existing = context.serviceWorkers().find(isOurs);
  return existing ?? context.waitForEvent('serviceworker', { predicate: isOurs });
}
