/**
 * Issue #13 in the real browser: the time a unit spent out of range is kept
 * across a service-worker stop (the cumulative minutes come back from
 * storage, not from readings), and "Since you last looked" lists an alert
 * that triggered while the popup was closed.
 */
import type { Page } from '@playwright/test';
import { test, expect } from './support/fixtures';
import { PopupView } from './support/pages';
import { RestClient, celsiusUnitOf } from './support/rest';
import { POPUP_VIEWPORT, signInThroughOptions } from './support/session';
import { workerStopper } from './support/workers';

/** When the worker answering `page` started (its diagnostics): a new worker, a new time. */
async function workerStartedAt(page: Page): Promise<number> {
  const result = (await page.evaluate(() => chrome.runtime.sendMessage({ type: 'snapshot' }))) as {
    data: { diagnostics: { startedAt: number } };
  };
  return result.data.diagnostics.startedAt;
}

// One spare fridge that has never reported: a reading from 70 s ago is its newest.
test.use({
  serverOptions: {
    control: true,
    simulate: false,
    sites: 2,
    unitsPerSite: 4,
    neverReportedUnits: 1,
  },
});

test('the minutes a unit spent out of range survive a service-worker stop', async ({
  server,
  worker,
  extensionId,
  openExtensionPage,
}) => {
  const dir = await (await RestClient.login(server.url)).directory();
  const unit = dir.units.find((u) => u.name === 'Spare Fridge 1' && u.tempUnit === 'C')!;
  const siteName = dir.sites.find((s) => s.id === unit.siteId)!.name;
  const options = await signInThroughOptions(openExtensionPage, server);
  const page = await openExtensionPage('popup');
  await page.setViewportSize(POPUP_VIEWPORT);
  const popup = new PopupView(page);
  await expect(popup.status()).toHaveText(/^\W*Live\b/);

  // 9 °C (its range is 2–5 °C), read 70 s ago: the excursion starts at this reading's
  // sensor time, so it has lasted a minute already. (That the minutes then tick in the open
  // popup on its own clock is covered in tests/components/popup-excursions.test.tsx.)
  const readAt = new Date(Date.now() - 70_000).toISOString();
  server.control.injectReadings({
    unitId: unit.id,
    readings: [{ temperature: 9, timestamp: readAt }],
  });
  const row = popup.unitAt(siteName, unit.name);
  await expect(row).toContainText('Out of range for 1 min · 1 min in the last 24 h');
  // Back in range: the excursion ends at this reading's time.
  server.control.injectReadings({ unitId: unit.id, readings: [{ temperature: 4.2 }] });
  await expect(row).toContainText('1 min out of range in the last 24 h');
  await expect(row).not.toContainText('Out of range for');

  // Written to storage (throttled), then the worker is stopped.
  await expect
    .poll(
      () =>
        worker.evaluate(async (id) => {
          // Stored as one JSON string (lib/storage.ts saveExcursions).
          const { excursions } = await chrome.storage.local.get('excursions');
          const saved = (typeof excursions === 'string' ? JSON.parse(excursions) : null) as {
            units: Record<string, { closed: unknown[] }>;
          } | null;
          return saved?.units[id]?.closed.length;
        }, unit.id),
      { timeout: 15_000 },
    )
    .toBe(1);
  const startedAt = await workerStartedAt(options);
  await page.close();
  const stopper = await workerStopper(options, extensionId);
  await stopper.stop();
  await stopper.close();

  // A new popup wakes a new worker: it has only the latest reading (in range), so the
  // minute out of range can only come from what the stopped worker saved.
  const again = await openExtensionPage('popup');
  await again.setViewportSize(POPUP_VIEWPORT);
  // It is a new worker, not the old one still running.
  expect(await workerStartedAt(options)).toBeGreaterThan(startedAt);
  const reopened = new PopupView(again);
  await expect(reopened.status()).toHaveText(/^\W*Live\b/);
  await expect(reopened.unitAt(siteName, unit.name)).toContainText(
    '1 min out of range in the last 24 h',
  );
  await reopened.unitAt(siteName, unit.name).getByRole('button', { name: unit.name }).click();
  await expect(again.getByRole('dialog', { name: unit.name })).toContainText(
    'Out of range in the last 24 h: 1 min (1 excursion)',
  );
});

test('"Since you last looked" lists an alert that triggered while the popup was closed', async ({
  server,
  openExtensionPage,
}) => {
  const dir = await (await RestClient.login(server.url)).directory();
  const unit = celsiusUnitOf(dir);
  const options = await signInThroughOptions(openExtensionPage, server);
  const first = await openExtensionPage('popup');
  await expect(new PopupView(first).status()).toHaveText(/^\W*Live\b/);
  // The first opening has nothing to compare with.
  await expect(first.getByRole('region', { name: /^Since you last looked/ })).toHaveCount(0);
  await first.close();
  // The worker noted when the popup closed.
  await expect
    .poll(async () => {
      const result = (await options.evaluate(() =>
        chrome.runtime.sendMessage({ type: 'since-last-looked' }),
      )) as { ok: boolean; data: { since: number | null } };
      return result.data.since;
    })
    .not.toBeNull();

  // While it is closed: a critical alert, which the worker receives.
  const alert = server.control.injectAlert({
    unitId: unit.id,
    severity: 'critical',
    message: 'Door left open',
  });
  await expect
    .poll(async () => {
      const result = (await options.evaluate(() =>
        chrome.runtime.sendMessage({ type: 'snapshot' }),
      )) as { ok: boolean; data: { alerts: { id: string }[] } };
      return result.data.alerts.map((a) => a.id);
    })
    .toContain(alert.id);

  const page = await openExtensionPage('popup');
  await page.setViewportSize(POPUP_VIEWPORT);
  const section = page.getByRole('region', { name: /^Since you last looked \(\d+\)$/ });
  await expect(section).toBeVisible();
  await expect(section.getByRole('listitem').first()).toContainText(
    `Critical alert on ${unit.name} triggered`,
  );
  // Collapsible from its heading.
  const toggle = section.getByRole('button', { name: /^Since you last looked/ });
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-expanded', 'false');
  await expect(section.getByRole('listitem')).toHaveCount(0);
});
