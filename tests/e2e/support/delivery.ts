/**
 * Issue #13 helpers: the delivery warnings as a person finds them (by role
 * and name), the offscreen documents as the worker sees them, and a profile
 * whose notification permission for the extension is "denied".
 */
import type { Locator, Page, Worker } from '@playwright/test';
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** The popup's and the options page's delivery warnings. */
export function deliveryWarnings(page: Page): Locator {
  return page.getByRole('region', { name: 'Delivery warnings' });
}

/** How many offscreen documents the extension has open, asked in the worker. */
export async function offscreenDocuments(worker: Worker): Promise<number> {
  return worker.evaluate(
    async () =>
      (
        await chrome.runtime.getContexts({
          contextTypes: [chrome.runtime.ContextType.OFFSCREEN_DOCUMENT],
        })
      ).length,
  );
}

/**
 * The id Chromium gives an unpacked extension: the SHA-256 of its absolute
 * path, first 32 hex digits written with the letters a to p.
 */
export function unpackedExtensionId(extensionDir: string): string {
  const hex = createHash('sha256').update(path.resolve(extensionDir)).digest('hex').slice(0, 32);
  return [...hex].map((c) => String.fromCharCode(97 + parseInt(c, 16))).join('');
}

/**
 * Writes the profile preference Chromium keeps when a user turns off an
 * extension's notifications (`message_center.disabled_extension_ids`, read
 * by its NotifierStateTracker, which `notifications.getPermissionLevel`
 * answers from). Call before launching with `userDataDir`.
 */
export async function blockNotificationsFor(userDataDir: string, extensionId: string) {
  const profile = path.join(userDataDir, 'Default');
  await mkdir(profile, { recursive: true });
  await writeFile(
    path.join(profile, 'Preferences'),
    JSON.stringify({ message_center: { disabled_extension_ids: [extensionId] } }),
  );
}
