/**
 * Issue #13 helpers: the delivery warnings as a person finds them (by role
 * and name), the offscreen documents as the worker sees them, and a profile
 * whose notification permission for the extension is "denied".
 */
import type { Locator, Page, Worker } from '@playwright/test';
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { attachTarget } from '../../../bench/cdp';
import { OFFSCREEN_PATH } from '../../../lib/sound-player';

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
 * The state of every Web Audio context in the extension's offscreen
 * document ('running' while it can sound, 'closed' once silenced), found on
 * the heap through the DevTools protocol; null when there is no document.
 */
export async function offscreenAudioStates(page: Page): Promise<string[] | null> {
  const cdp = await page.context().newCDPSession(page);
  const { targetInfos } = await cdp.send('Target.getTargets');
  const target = targetInfos.find((t) => t.url.endsWith(OFFSCREEN_PATH));
  if (target === undefined) {
    await cdp.detach();
    return null;
  }
  const session = await attachTarget(cdp, target.targetId);
  try {
    type Remote = { result: { objectId?: string; value?: unknown } };
    const proto = await session.send<Remote>('Runtime.evaluate', {
      expression: 'AudioContext.prototype',
    });
    const { objects } = await session.send<{ objects: { objectId: string } }>(
      'Runtime.queryObjects',
      { prototypeObjectId: proto.result.objectId },
    );
    const states = await session.send<Remote>('Runtime.callFunctionOn', {
      objectId: objects.objectId,
      functionDeclaration: 'function () { return this.map((c) => c.state); }',
      returnByValue: true,
    });
    return states.result.value as string[];
  } finally {
    await session.detach();
  }
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
