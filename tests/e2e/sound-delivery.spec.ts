/**
 * Issue #13 end to end in Chromium: a critical alert opens the offscreen
 * document that plays its sound, and acknowledging it from the popup
 * silences it within a second; the document closes once no sound came for
 * OFFSCREEN_IDLE_CLOSE_MS (#14). A profile where the extension's
 * notifications are turned off shows "Notifications are blocked" in the
 * popup, on the options page and in the badge tooltip.
 */
import { test, expect, badgeOf, EXTENSION_DIR } from './support/fixtures';
import {
  blockNotificationsFor,
  deliveryWarnings,
  offscreenAudioStates,
  offscreenDocuments,
  unpackedExtensionId,
} from './support/delivery';
import { OFFSCREEN_IDLE_CLOSE_MS } from '../../lib/sound-player';
import { PopupView } from './support/pages';
import { RestClient } from './support/rest';
import { POPUP_VIEWPORT, signInThroughOptions } from './support/session';

const BLOCKED = 'Notifications are blocked: alerts will only show on the badge';

test('a critical alert opens the offscreen document; acknowledging it silences it within a second, and it closes when idle', async ({
  server,
  worker,
  openExtensionPage,
}) => {
  const rest = await RestClient.login(server.url);
  const unit = (await rest.directory()).units[0]!;
  await signInThroughOptions(openExtensionPage, server);
  const page = await openExtensionPage('popup');
  await page.setViewportSize(POPUP_VIEWPORT);
  const popup = new PopupView(page);
  await expect(popup.status()).toHaveText(/^\W*Live\b/);
  // Nothing is due: no document.
  expect(await offscreenDocuments(worker)).toBe(0);

  server.control.injectAlert({
    unitId: unit.id,
    severity: 'critical',
    alertType: 'alarm_active',
    message: 'Compressor failure',
    temperature: 9,
    thresholdViolated: 'max',
  });
  const card = popup.alert('Critical', unit.name);
  await expect(card.item).toBeVisible();
  await expect.poll(() => offscreenDocuments(worker)).toBe(1);
  await expect.poll(() => offscreenAudioStates(page)).toContain('running');
  // Critical repeats until acknowledged: the document stays while it is due.
  await page.waitForTimeout(2_000);
  expect(await offscreenDocuments(worker)).toBe(1);

  await card.acknowledgeButton().click();
  const clickedAt = Date.now();
  // Silent: no audio context left that can sound.
  await expect
    .poll(async () => (await offscreenAudioStates(page))?.includes('running'), {
      timeout: 1_000,
      intervals: [50],
    })
    .toBe(false);
  expect(Date.now() - clickedAt).toBeLessThan(1_000);
  // And it does not sound again for the acknowledged alert; the idle document closes.
  await page.waitForTimeout(1_500);
  expect(await offscreenAudioStates(page)).not.toContain('running');
  await expect
    .poll(() => offscreenDocuments(worker), { timeout: OFFSCREEN_IDLE_CLOSE_MS + 5_000 })
    .toBe(0);
});

test('"Test sound" plays in an offscreen document that is silenced when the sound ends, then closes', async ({
  worker,
  openExtensionPage,
}) => {
  const options = await openExtensionPage('options');
  await options.getByRole('button', { name: 'Test sound' }).click();
  await expect(options.getByRole('status').filter({ hasText: 'Test sound played' })).toBeVisible();
  await expect.poll(() => offscreenDocuments(worker)).toBe(1);
  // Nothing else is due: silenced when the tone is over (1.5 s), closed when idle.
  await expect
    .poll(async () => (await offscreenAudioStates(options))?.includes('running'), {
      timeout: 5_000,
    })
    .toBe(false);
  await expect
    .poll(() => offscreenDocuments(worker), { timeout: OFFSCREEN_IDLE_CLOSE_MS + 5_000 })
    .toBe(0);
});

test.describe('notifications turned off for the extension', () => {
  // Chromium's own record of "notifications off for this extension", written
  // into the profile before launch: the browser itself then answers
  // `getPermissionLevel()` with "denied", so nothing in the extension is faked.
  test.use({
    // eslint-disable-next-line no-empty-pattern
    userDataDir: async ({}, use, testInfo) => {
      const dir = testInfo.outputPath('profile');
      await blockNotificationsFor(dir, unpackedExtensionId(EXTENSION_DIR));
      await use(dir);
    },
  });

  test('the popup, the options page and the badge tooltip say notifications are blocked', async ({
    server,
    worker,
    openExtensionPage,
  }) => {
    expect(
      await worker.evaluate(() => chrome.notifications.getPermissionLevel()),
      'the profile preference should make Chromium answer "denied"',
    ).toBe('denied');
    const options = await signInThroughOptions(openExtensionPage, server);
    await expect(deliveryWarnings(options)).toContainText(BLOCKED);

    const page = await openExtensionPage('popup');
    await page.setViewportSize(POPUP_VIEWPORT);
    await expect(deliveryWarnings(page)).toContainText(BLOCKED);
    await expect.poll(async () => (await badgeOf(worker)).title).toContain(BLOCKED);
  });
});
