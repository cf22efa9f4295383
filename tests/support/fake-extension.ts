/**
 * The background as `main()` runs it, on WXT's fake browser, for integration
 * tests. The fake lacks `runtime.onConnect` and `runtime.getManifest`; they
 * are filled in here, once for every harness, with the fake's own event shape,
 * so that `listen()` and the `diagnostics-text` command run unmodified.
 */
import type { Browser, WxtBrowser } from 'wxt/browser';
import { fakeBrowser } from 'wxt/testing';
import { createBackground, type BackgroundEnv } from '../../lib/background';

export type Background = ReturnType<typeof createBackground>;

/** The extension's own popup, as `runtime.onMessage` reports it. */
export const OWN_PAGE: Browser.runtime.MessageSender = {
  id: fakeBrowser.runtime.id,
  url: fakeBrowser.runtime.getURL('/popup.html'),
};

/** Resets the fake browser and fills its two gaps. */
export function prepareFakeBrowser(): void {
  fakeBrowser.reset();
  const listeners = new Set<(port: unknown) => void>();
  const runtime = fakeBrowser.runtime as unknown as Record<string, unknown>;
  runtime.onConnect = {
    addListener: (l: (port: unknown) => void) => listeners.add(l),
    removeListener: (l: (port: unknown) => void) => listeners.delete(l),
    hasListener: (l: (port: unknown) => void) => listeners.has(l),
    hasListeners: () => listeners.size > 0,
    trigger: (port: unknown) => [...listeners].map((l) => l(port)),
  };
  runtime.getManifest = () => ({ manifest_version: 3, name: 'Frostline', version: '0.1.0' });
}

/**
 * `main()` of the worker: create, listen (synchronously), start. `stop()` ends
 * it. `env` overrides parts of the environment (a recording `fetch`).
 */
export async function bootBackground(env: Partial<BackgroundEnv> = {}): Promise<Background> {
  const background = createBackground({
    // The fake implements what the background uses; its type is webextension-polyfill's.
    browser: fakeBrowser as unknown as WxtBrowser,
    supportsButtons: true,
    events: new EventTarget(),
    ...env,
  });
  background.listen();
  await background.start();
  return background;
}
