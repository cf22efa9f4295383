/**
 * The backend goes away (a deploy, a crash): the open popup stops saying Live
 * at once and shows its data as last known, the badge keeps its last look for
 * the grace period (10 s) and then says `off`; when the server is back the
 * popup is Live again and the badge clears.
 */
import { test, expect, badgeOf } from './support/fixtures';
import { PopupView } from './support/pages';
import { signInThroughOptions } from './support/session';

const OUTAGE_MS = 12_000;

test('while the backend is down the popup leaves Live and the badge turns off after the grace period; both recover', async ({
  server,
  worker,
  openExtensionPage,
}) => {
  await signInThroughOptions(openExtensionPage, server);
  const page = await openExtensionPage('popup');
  const popup = new PopupView(page);
  await expect(popup.status()).toHaveText(/^\W*Live\b/);
  await expect.poll(async () => (await badgeOf(worker)).text).toBe('');

  const startedAt = Date.now();
  const outage = server.control.outage({ ms: OUTAGE_MS });

  // Within a couple of seconds the popup no longer claims to be live...
  await expect(popup.status()).toHaveText(/Reconnecting|Offline/, { timeout: 3_000 });
  await expect(popup.status()).toContainText('last data');
  await expect(page.getByText(/Last known data.*not live/)).toBeVisible();
  await expect(popup.unitRows().first()).toHaveAccessibleName(/, last known /);
  // ...but the badge does not flicker for a short drop: it only says `off` after the grace.
  expect((await badgeOf(worker)).text).toBe('');
  await expect.poll(async () => (await badgeOf(worker)).text, { timeout: OUTAGE_MS }).toBe('off');
  expect(Date.now() - startedAt).toBeGreaterThanOrEqual(9_000);
  expect((await badgeOf(worker)).color).toEqual([107, 114, 128, 255]);

  await outage;
  // Back: Live again (Socket.IO backoff is at most ~5 s plus jitter), and the badge clears.
  await expect(popup.status()).toHaveText(/^\W*Live\b/, { timeout: 10_000 });
  await expect(page.getByText(/Last known data/)).toHaveCount(0);
  await expect.poll(async () => (await badgeOf(worker)).text).toBe('');
});
