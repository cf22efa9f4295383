/**
 * Issue #10 end to end: acknowledge with a note and resolve with what was done
 * from the popup (the server records both and pushes nothing), and a
 * colleague's acknowledge, made through REST with no socket event, clearing
 * the badge once the worker reconciles, here because the popup opens.
 */
import { test, expect, badgeOf, notificationsOf } from './support/fixtures';
import { PopupView } from './support/pages';
import { RestClient } from './support/rest';
import { POPUP_VIEWPORT, signInThroughOptions } from './support/session';

test('acknowledge with a note, then resolve with a resolution, from the popup', async ({
  server,
  worker,
  openExtensionPage,
}) => {
  const rest = await RestClient.login(server.url);
  const dir = await rest.directory();
  const unit = dir.units[0]!;

  await signInThroughOptions(openExtensionPage, server);
  const page = await openExtensionPage('popup');
  await page.setViewportSize(POPUP_VIEWPORT);
  const popup = new PopupView(page);
  await expect(popup.status()).toHaveText(/^\W*Live\b/);

  const alert = server.control.injectAlert({
    unitId: unit.id,
    severity: 'critical',
    alertType: 'door_open',
    message: 'Door open',
  });
  const card = popup.alert('Critical', unit.name);
  await expect(card.item).toBeVisible();
  await expect.poll(async () => (await badgeOf(worker)).text).toBe('1');

  await card.acknowledgeWithNote('Closed the door, moved stock');
  const acked = popup
    .acknowledgedAlerts()
    .getByRole('listitem', { name: `Critical alert: ${unit.name}` });
  await expect(acked).toContainText(/Acknowledged by you at \d\d:\d\d/);
  await expect.poll(async () => (await badgeOf(worker)).text).toBe('');
  await expect.poll(async () => Object.keys(await notificationsOf(worker))).toEqual([]);
  const onServer = (await rest.alerts('acknowledged')).find((a) => a.id === alert.id);
  expect(onServer).toMatchObject({ notes: 'Closed the door, moved stock' });

  // Resolve: the resolution is required, and the form says so.
  const resolvedCard = new PopupView(page).alert('Critical', unit.name);
  await resolvedCard.resolveButton().click();
  const form = resolvedCard.item.getByRole('form', { name: `Resolve alert: ${unit.name}` });
  await form.getByRole('button', { name: 'Resolve', exact: true }).click();
  await expect(form.getByLabel('Resolution (what was done)')).toHaveAccessibleDescription(
    'Say what was done: a resolution is required.',
  );
  await form.getByLabel('Resolution (what was done)').fill('Door seal replaced, 3.5 °C again');
  await form.getByLabel('Corrective action').fill('Door alarm set to 2 minutes');
  await form.getByRole('button', { name: 'Resolve', exact: true }).click();

  await expect(popup.alerts()).not.toContainText(unit.name);
  await expect(popup.alerts()).toContainText('No active alerts.');
  const resolved = (await rest.alerts('resolved')).find((a) => a.id === alert.id);
  expect(resolved).toMatchObject({
    status: 'resolved',
    resolution: 'Door seal replaced, 3.5 °C again',
    correctiveAction: 'Door alarm set to 2 minutes',
    resolvedBy: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-/),
  });
});

test("a colleague's acknowledge, never pushed, clears the badge when the popup opens", async ({
  server,
  worker,
  openExtensionPage,
}) => {
  const rest = await RestClient.login(server.url);
  const unit = (await rest.directory()).units[0]!;
  await signInThroughOptions(openExtensionPage, server);

  const alert = server.control.injectAlert({ unitId: unit.id, severity: 'critical' });
  await expect.poll(async () => (await badgeOf(worker)).text).toBe('1');
  await expect
    .poll(async () => Object.keys(await notificationsOf(worker)))
    .toEqual([`alert:${alert.id}`]);

  // The web dashboard, as another supervisor: a REST acknowledge, no socket event.
  const colleague = await RestClient.login(server.url, 'colleague@frostline.test', 'frostline');
  const org = await colleague.organizationId();
  const res = await fetch(new URL(`/api/orgs/${org}/alerts/${alert.id}/acknowledge`, server.url), {
    method: 'POST',
    headers: {
      authorization: `Bearer ${colleague.token}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ notes: 'On it' }),
  });
  expect(res.status).toBe(200);
  // Pushed nothing: the worker still counts it until it reconciles.
  expect((await badgeOf(worker)).text).toBe('1');

  const page = await openExtensionPage('popup');
  await page.setViewportSize(POPUP_VIEWPORT);
  const popup = new PopupView(page);
  const acked = popup
    .acknowledgedAlerts()
    .getByRole('listitem', { name: `Critical alert: ${unit.name}` });
  await expect(acked).toContainText(/Acknowledged by another supervisor at \d\d:\d\d/);
  await expect(popup.activeAlertItems()).toHaveCount(0);
  await expect.poll(async () => (await badgeOf(worker)).text).toBe('');
  await expect.poll(async () => Object.keys(await notificationsOf(worker))).toEqual([]);
});
