/**
 * The README's screenshots, taken from the built extension against the
 * reference server. Selected only by the `screenshots` project
 * (FROSTLINE_SCREENSHOTS=1, `npm run screenshots`), so `npm test` never
 * rewrites them. Each test still asserts what its picture claims to show.
 */
import path from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect, badgeOf } from './support/fixtures';
import { PopupView } from './support/pages';
import { RestClient } from './support/rest';
import { POPUP_VIEWPORT, signInThroughOptions } from './support/session';

const OUT = path.resolve('docs/screenshots');
/** Simulated seconds before each picture; seed 1 keeps every unit in range over them. */
const STEP_SECONDS = 30;

/** A popup tab the size of the toolbar popup, after a minute of simulated readings. */
async function livePopup(
  server: Parameters<typeof signInThroughOptions>[1],
  openExtensionPage: Parameters<typeof signInThroughOptions>[0],
): Promise<{ page: Page; popup: PopupView; steppedUntil: number }> {
  await signInThroughOptions(openExtensionPage, server);
  const page = await openExtensionPage('popup');
  await page.setViewportSize(POPUP_VIEWPORT);
  const popup = new PopupView(page);
  await expect(popup.status()).toHaveText(/^\W*Live\b/);
  // Half a minute of history, so every row has a sparkline; wait until every row has it.
  server.control.stepSimulation(STEP_SECONDS);
  const steppedUntil = Date.now();
  const trends = page
    .getByRole('region', { name: 'Units' })
    .getByRole('img', { name: /^Temperature trend/ });
  await expect(trends).toHaveCount(await popup.unitRows().count());
  for (const trend of await trends.all()) {
    await expect(trend).toHaveAccessibleName(/^Temperature trend: (3\d|[4-9]\d|\d{3,}) readings/);
  }
  return { page, popup, steppedUntil };
}

/**
 * `count` readings warming from `from` to `to`, spread between `after` and now
 * (after the simulated history, so the sparkline shows a ramp, not a zigzag).
 */
function ramp(count: number, from: number, to: number, after: number) {
  const now = Date.now();
  return Array.from({ length: count }, (_, i) => ({
    temperature: Math.round((from + ((to - from) * i) / (count - 1)) * 10) / 10,
    timestamp: new Date(after + Math.ceil(((now - after) * (i + 1)) / count)).toISOString(),
  }));
}

test('popup.png: every unit live and in range', async ({ server, openExtensionPage }) => {
  const { page, popup } = await livePopup(server, openExtensionPage);
  await expect(page.getByText(/^✓ All \d+ units in range$/)).toBeVisible();
  await expect(popup.alerts()).toContainText('No active alerts.');
  await expect(popup.unitRows().first()).toHaveAccessibleName(/, −?\d+\.\d\u00a0°C, normal$/);
  await page.screenshot({ path: path.join(OUT, 'popup.png') });
});

test('popup-alerts.png: three open alerts, worst first', async ({
  server,
  worker,
  openExtensionPage,
}) => {
  const dir = await (await RestClient.login(server.url)).directory();
  const { page, popup, steppedUntil } = await livePopup(server, openExtensionPage);
  const [site1, site2] = dir.sites;
  const freezer = dir.units.find((u) => u.siteId === site1!.id && u.unitType === 'freezer')!;
  const fridge = dir.units.find((u) => u.siteId === site2!.id && u.unitType === 'fridge')!;
  const display = dir.units.find((u) => u.siteId === site1!.id && u.unitType === 'display_case')!;

  // The alert engine opens these from readings, as in production: ten out-of-range
  // readings escalate to critical, one opens a warning.
  server.control.injectReadings({
    unitId: freezer.id,
    readings: ramp(12, -14.6, -9.5, steppedUntil),
  });
  server.control.injectReadings({ unitId: fridge.id, readings: [{ temperature: 7.4 }] });
  server.control.injectAlert({
    unitId: display.id,
    severity: 'info',
    alertType: 'low_battery',
    message: 'Sensor battery at 14 %',
  });

  await expect(popup.activeAlertItems()).toHaveCount(3);
  await expect(popup.alert('Critical', freezer.name).item).toBeVisible();
  await expect(popup.alert('Warning', fridge.name).item).toBeVisible();
  // The summary line (issue #9): active alerts by severity, then units by condition.
  await expect(
    page.getByText(/1 critical alert · 1 warning alert · 1 info alert · \d+ out of range/),
  ).toBeVisible();
  await expect.poll(async () => (await badgeOf(worker)).text).toBe('3');
  await page.screenshot({ path: path.join(OUT, 'popup-alerts.png') });
});

test('popup-since.png: what happened while the popup was closed, and time out of range', async ({
  server,
  worker,
  openExtensionPage,
}) => {
  const rest = await RestClient.login(server.url);
  const dir = await rest.directory();
  const { page, steppedUntil } = await livePopup(server, openExtensionPage);
  const [site1, site2] = dir.sites;
  const freezer = dir.units.find((u) => u.siteId === site1!.id && u.unitType === 'freezer')!;
  const fridge = dir.units.find((u) => u.siteId === site2!.id && u.unitType === 'fridge')!;
  await page.close();
  // The worker notes when the popup closed (saved within 2 s).
  await expect
    .poll(() =>
      worker.evaluate(async () => {
        // Stored as one JSON string (lib/storage.ts saveEventLog).
        const { eventLog } = await chrome.storage.local.get('eventLog');
        const saved = (typeof eventLog === 'string' ? JSON.parse(eventLog) : null) as {
          lookedAt: number | null;
        } | null;
        return saved?.lookedAt ?? null;
      }),
    )
    .not.toBeNull();
  // While the popup is closed: a freezer warms into a critical alert, a fridge
  // into a warning that a colleague acknowledges on the web dashboard.
  server.control.injectReadings({
    unitId: freezer.id,
    readings: ramp(12, -14.6, -9.5, steppedUntil),
  });
  server.control.injectReadings({ unitId: fridge.id, readings: [{ temperature: 7.4 }] });
  await expect.poll(async () => (await badgeOf(worker)).text).toBe('2');
  const warning = (await rest.alerts('active')).find((a) => a.unitId === fridge.id)!;
  server.control.acknowledgeAs({ alertId: warning.id, notes: 'Door closed, product moved' });

  const again = await openExtensionPage('popup');
  await again.setViewportSize(POPUP_VIEWPORT);
  const section = again.getByRole('region', { name: /^Since you last looked \(\d+\)$/ });
  await expect(section).toBeVisible();
  await expect(section).toContainText(`Alert on ${freezer.name} escalated to critical`);
  await expect(section).toContainText('acknowledged by a colleague');
  await expect(again.getByText(/Out of range for (under )?\d+ min/).first()).toBeVisible();
  await again.screenshot({ path: path.join(OUT, 'popup-since.png') });
});

test('popup-offline.png: the backend is down, data shown as last known', async ({
  server,
  openExtensionPage,
}) => {
  const { page, popup } = await livePopup(server, openExtensionPage);
  const outage = server.control.outage({ ms: 6_000 });
  await expect(popup.status()).toHaveText(/Reconnecting|Offline/);
  await expect(page.getByText(/Last known data.*not live/)).toBeVisible();
  await expect(popup.unitRows().first()).toHaveAccessibleName(/, last known /);
  await page.screenshot({ path: path.join(OUT, 'popup-offline.png') });
  await outage;
});

test('options.png: signed in, the whole page', async ({ server, openExtensionPage }) => {
  const page = await signInThroughOptions(openExtensionPage, server);
  await page.setViewportSize({ width: 760, height: 900 });
  await expect(page.getByRole('status').first()).toHaveText(/^\W*Live\b/);
  await expect(page.getByRole('checkbox', { name: 'Whole organization' })).toBeChecked();
  await expect(page.getByRole('combobox', { name: 'Temperature scale' })).toBeVisible();
  await page.screenshot({ path: path.join(OUT, 'options.png'), fullPage: true });
});
