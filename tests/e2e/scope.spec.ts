/**
 * Scope from the options page: a supervisor who watches one site gets no
 * notification and no badge count for another site's alert, while alerts on
 * the watched site still notify and count.
 */
import { test, expect, badgeOf, notificationsOf } from './support/fixtures';
import { OptionsSettings, PopupView } from './support/pages';
import { RestClient } from './support/rest';
import { signInThroughOptions } from './support/session';

test('after saving a one-site scope, an alert on the other site neither notifies nor counts; one on the watched site does', async ({
  server,
  worker,
  openExtensionPage,
}) => {
  const dir = await (await RestClient.login(server.url)).directory();
  const [watched, unwatched] = dir.sites;
  const watchedUnit = dir.units.find((u) => u.siteId === watched!.id)!;
  const unwatchedUnit = dir.units.find((u) => u.siteId === unwatched!.id)!;

  const optionsPage = await signInThroughOptions(openExtensionPage, server);
  await expect.poll(async () => (await badgeOf(worker)).title).toMatch(/live/i);
  await new OptionsSettings(optionsPage).watchOnlySites([watched!.name]);

  const page = await openExtensionPage('popup');
  const popup = new PopupView(page);
  await expect(popup.status()).toHaveText(/^\W*Live\b/);
  // The popup lists only the watched site's units.
  await expect(popup.unitRows()).toHaveCount(
    dir.units.filter((u) => u.siteId === watched!.id).length,
  );
  await expect(page.getByRole('group', { name: unwatched!.name, exact: true })).toHaveCount(0);

  const outside = server.control.injectAlert({
    unitId: unwatchedUnit.id,
    severity: 'critical',
    alertType: 'alarm_active',
    message: 'Outside scope',
    temperature: 9,
    thresholdViolated: 'max',
  });
  const inside = server.control.injectAlert({
    unitId: watchedUnit.id,
    severity: 'warning',
    alertType: 'alarm_active',
    message: 'Inside scope',
    temperature: 6,
    thresholdViolated: 'max',
  });

  // Events arrive in order: once the watched alert has notified, the other one was handled too.
  await expect
    .poll(async () => Object.keys(await notificationsOf(worker)))
    .toContain(`alert:${inside.id}`);
  expect(Object.keys(await notificationsOf(worker))).not.toContain(`alert:${outside.id}`);
  // One alert counts, the watched one, with its (warning) colour — not the other's critical red.
  await expect
    .poll(async () => badgeOf(worker))
    .toMatchObject({
      text: '1',
      color: [245, 158, 11, 255],
    });
  await expect(popup.activeAlertItems()).toHaveCount(1);
  await expect(popup.alert('Warning', watchedUnit.name).item).toContainText('Inside scope');
  await expect(popup.alerts()).not.toContainText('Outside scope');
});
