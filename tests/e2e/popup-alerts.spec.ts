/**
 * Alerts end to end: the server opens alerts, the extension shows them in the
 * popup, on the badge (count and colour of the worst severity) and as system
 * notifications; acknowledging from the popup — by mouse or keyboard —
 * reaches the server and takes the alert off the badge.
 */
import { test, expect, badgeOf, notificationsOf } from './support/fixtures';
import { PopupView } from './support/pages';
import { RestClient } from './support/rest';
import { POPUP_VIEWPORT, signInThroughOptions } from './support/session';

/** `chrome.action.getBadgeBackgroundColor` answers RGBA; these are BADGE_COLORS in lib/badge.ts. */
const RED = [211, 47, 47, 255];
const AMBER = [245, 158, 11, 255];

test('an injected alert shows in the popup, on the badge and as a notification; Acknowledge moves it and the badge drops', async ({
  server,
  worker,
  openExtensionPage,
}) => {
  const rest = await RestClient.login(server.url);
  const dir = await rest.directory();
  // Two units with different names, so each alert card is named unambiguously.
  const [hot, warm] = [dir.units[0]!, dir.units.find((u) => u.name !== dir.units[0]!.name)!];

  await signInThroughOptions(openExtensionPage, server);
  const page = await openExtensionPage('popup');
  await page.setViewportSize(POPUP_VIEWPORT);
  const popup = new PopupView(page);
  await expect(popup.status()).toHaveText(/^\W*Live\b/);
  await expect(popup.alerts()).toContainText('No active alerts.');
  await expect.poll(async () => (await badgeOf(worker)).text).toBe('');

  const warning = server.control.injectAlert({
    unitId: warm.id,
    severity: 'warning',
    alertType: 'alarm_active',
    message: 'Door left open',
    temperature: 6.5,
    thresholdViolated: 'max',
  });
  await expect(popup.alert('Warning', warm.name).item).toBeVisible();
  await expect.poll(async () => badgeOf(worker)).toMatchObject({ text: '1', color: AMBER });

  const critical = server.control.injectAlert({
    unitId: hot.id,
    severity: 'critical',
    alertType: 'alarm_active',
    message: 'Compressor failure',
    temperature: 9,
    thresholdViolated: 'max',
  });
  const card = popup.alert('Critical', hot.name);
  await expect(card.item).toBeVisible();
  await expect(card.item).toContainText('Compressor failure');
  await expect(card.item).toContainText('above max');
  await expect(popup.activeAlertItems()).toHaveCount(2);
  // Worst severity colours the badge; the count is every active alert in scope.
  await expect.poll(async () => badgeOf(worker)).toMatchObject({ text: '2', color: RED });
  await expect
    .poll(async () => Object.keys(await notificationsOf(worker)).sort())
    .toEqual([`alert:${critical.id}`, `alert:${warning.id}`].sort());

  await card.acknowledgeButton().click();

  // Moved from active to the acknowledged group, with who acknowledged it.
  await expect(popup.activeAlertItems()).toHaveCount(1);
  const acked = popup
    .acknowledgedAlerts()
    .getByRole('listitem', { name: `Critical alert: ${hot.name}` });
  await expect(acked).toBeVisible();
  // Our own acknowledge reads "you"; the server names people only by profile id (#10).
  await expect(acked).toContainText(/Acknowledged by you at \d\d:\d\d/);
  await expect(card.acknowledgeButton()).toHaveCount(0);
  // The badge counts only the warning now, and takes its colour.
  await expect.poll(async () => badgeOf(worker)).toMatchObject({ text: '1', color: AMBER });
  // The server agrees.
  const serverSide = (await rest.alerts('acknowledged')).find((a) => a.id === critical.id);
  expect(serverSide).toMatchObject({
    status: 'acknowledged',
    acknowledgedBy: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-/),
  });
  expect((await rest.alerts('active')).map((a) => a.id)).toEqual([warning.id]);
});

test('the popup’s Acknowledge button is reached with Tab and works with Enter; focus then moves on, not back to the top', async ({
  server,
  worker,
  openExtensionPage,
}) => {
  const rest = await RestClient.login(server.url);
  const dir = await rest.directory();
  const [first, second] = [dir.units[0]!, dir.units.find((u) => u.name !== dir.units[0]!.name)!];

  await signInThroughOptions(openExtensionPage, server);
  const page = await openExtensionPage('popup');
  const popup = new PopupView(page);
  await expect(popup.status()).toHaveText(/^\W*Live\b/);
  const critical = server.control.injectAlert({
    unitId: first.id,
    severity: 'critical',
    alertType: 'alarm_active',
    message: 'Too warm',
    temperature: 8.2,
    thresholdViolated: 'max',
  });
  const warning = server.control.injectAlert({
    unitId: second.id,
    severity: 'warning',
    alertType: 'alarm_active',
    message: 'Warming',
    temperature: 6.1,
    thresholdViolated: 'max',
  });
  const criticalCard = popup.alert('Critical', first.name);
  const warningCard = popup.alert('Warning', second.name);
  await expect(popup.activeAlertItems()).toHaveCount(2);
  await expect.poll(async () => (await badgeOf(worker)).text).toBe('2');

  // From the top of the page, Tab reaches the worst alert's Acknowledge first.
  await page.bringToFront();
  await page.locator('body').focus();
  let presses = 0;
  const focused = () =>
    criticalCard.acknowledgeButton().evaluate((b) => b === document.activeElement);
  while (presses < 5 && !(await focused())) {
    await page.keyboard.press('Tab');
    presses += 1;
  }
  await expect(criticalCard.acknowledgeButton()).toBeFocused();
  expect(presses).toBe(1);

  await page.keyboard.press('Enter');
  await expect(
    popup.acknowledgedAlerts().getByRole('listitem', { name: `Critical alert: ${first.name}` }),
  ).toBeVisible();
  await expect.poll(async () => (await badgeOf(worker)).text).toBe('1');
  // The card moved lists; focus goes to the next alert's button, so Enter again acknowledges it.
  await expect(warningCard.acknowledgeButton()).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(popup.activeAlertItems()).toHaveCount(0);
  await expect.poll(async () => (await badgeOf(worker)).text).toBe('');
  // None left: focus lands on the section's heading, still in the alerts region.
  await expect(popup.alerts().getByRole('heading', { name: /^Active alerts/ })).toBeFocused();
  expect((await rest.alerts('acknowledged')).map((a) => a.id).sort()).toEqual(
    [critical.id, warning.id].sort(),
  );
});
