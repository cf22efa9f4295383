/**
 * The popup as a supervisor first sees it: sign in on the options page, open
 * the popup, read every unit with its temperature while the status says Live.
 * Also the two display behaviours that depend on the page itself: the
 * Celsius/Fahrenheit switch applied live, and the theme's font size.
 */
import { test, expect } from './support/fixtures';
import { OptionsSettings, PopupView } from './support/pages';
import { RestClient, celsiusUnitOf } from './support/rest';
import { POPUP_VIEWPORT, signInThroughOptions } from './support/session';

test('after signing in through the options page, the popup lists every unit with its temperature and says Live', async ({
  server,
  openExtensionPage,
}) => {
  const dir = await (await RestClient.login(server.url)).directory();
  const unit = celsiusUnitOf(dir);
  const siteName = dir.sites.find((s) => s.id === unit.siteId)!.name;

  await signInThroughOptions(openExtensionPage, server);
  const page = await openExtensionPage('popup');
  await page.setViewportSize(POPUP_VIEWPORT);
  const popup = new PopupView(page);

  await expect(popup.status()).toHaveText(/^\W*Live\b/);
  // One row per unit of the organization, each naming its unit and a temperature.
  await expect(popup.unitRows()).toHaveCount(dir.units.length);
  for (const row of await popup.unitRows().all()) {
    await expect(row).toHaveAccessibleName(/^[\w -]+, −?\d+\.\d\u00a0°[CF], /);
  }

  // A reading sent now shows up in that unit's row, in its site's group.
  server.control.injectReadings({ unitId: unit.id, readings: [{ temperature: 3.7 }] });
  await expect(popup.unitAt(siteName, unit.name)).toHaveAccessibleName(
    `${unit.name}, 3.7\u00a0°C, normal`,
  );
  // The row follows each new reading, not just the first one.
  const before = await popup.unitAt(siteName, unit.name).getAttribute('aria-label');
  server.control.injectReadings({ unitId: unit.id, readings: [{ temperature: 4.4 }] });
  await expect(popup.unitAt(siteName, unit.name)).not.toHaveAccessibleName(before!);
  await expect(popup.unitAt(siteName, unit.name)).toHaveAccessibleName(/, 4\.4\u00a0°C, normal$/);
  await expect(popup.status()).toHaveText(/^\W*Live\b/);
});

test('switching to Fahrenheit in the options page changes an open popup at once', async ({
  server,
  openExtensionPage,
}) => {
  const dir = await (await RestClient.login(server.url)).directory();
  const unit = celsiusUnitOf(dir);
  const siteName = dir.sites.find((s) => s.id === unit.siteId)!.name;

  const optionsPage = await signInThroughOptions(openExtensionPage, server);
  const page = await openExtensionPage('popup');
  const popup = new PopupView(page);
  server.control.injectReadings({ unitId: unit.id, readings: [{ temperature: 4 }] });
  const row = popup.unitAt(siteName, unit.name);
  await expect(row).toHaveAccessibleName(`${unit.name}, 4.0\u00a0°C, normal`);
  await expect(row).toContainText('2.0 to 5.0\u00a0°C');

  await optionsPage.bringToFront();
  const settings = new OptionsSettings(optionsPage);
  await settings.setTemperatureScale('Fahrenheit');

  // The popup was not reloaded: the pushed preferences re-render the row and its range.
  await expect(row).toHaveAccessibleName(`${unit.name}, 39.2\u00a0°F, normal`);
  await expect(row).toContainText('35.6 to 41.0\u00a0°F');

  await settings.setTemperatureScale('Celsius');
  await expect(row).toHaveAccessibleName(`${unit.name}, 4.0\u00a0°C, normal`);
});

test('the popup and options page use the theme font size, not Chrome’s 75 % extension default', async ({
  openExtensionPage,
}) => {
  // Chrome injects `body { font-size: 75% }` into extension pages; the theme sets 13 px on
  // :root and must win on body too, or names (inherited) render smaller than captions (12 px).
  const popup = await openExtensionPage('popup');
  await expect(popup.getByRole('status')).toBeVisible();
  expect(await popup.evaluate(() => getComputedStyle(document.body).fontSize)).toBe('13px');
  const options = await openExtensionPage('options');
  await expect(options.getByRole('textbox', { name: 'Server URL' })).toBeVisible();
  expect(
    await options
      .getByRole('textbox', { name: 'Server URL' })
      .evaluate((el) => getComputedStyle(el).fontSize),
  ).toBe('14px');
});

test('a signed-out popup says so and its Sign in button opens the options page', async ({
  context,
  extensionId,
  openExtensionPage,
}) => {
  const page = await openExtensionPage('popup');
  const popup = new PopupView(page);
  await expect(popup.status()).toHaveText(/Signed out/);
  await expect(page.getByText('Sign in from the options page')).toBeVisible();
  await expect(popup.alerts()).toHaveCount(0);

  const opened = context.waitForEvent('page');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  const options = await opened;
  await options.waitForLoadState();
  expect(options.url()).toBe(`chrome-extension://${extensionId}/options.html`);
  await expect(options.getByRole('textbox', { name: 'Server URL' })).toBeVisible();
});

// Issue #9: the list's sticky search bar was painted over the unit detail, and
// rows off screen were blank in a full-page capture (`content-visibility`).
test('the unit detail covers the list and its search bar; every row is painted', async ({
  server,
  openExtensionPage,
}) => {
  const dir = await (await RestClient.login(server.url)).directory();
  const unit = celsiusUnitOf(dir);
  const siteName = dir.sites.find((s) => s.id === unit.siteId)!.name;
  await signInThroughOptions(openExtensionPage, server);
  const page = await openExtensionPage('popup');
  await page.setViewportSize(POPUP_VIEWPORT);
  const popup = new PopupView(page);
  await expect(popup.unitRows()).toHaveCount(dir.units.length);
  for (const row of await popup.unitRows().all()) {
    expect(await row.evaluate((el) => getComputedStyle(el).contentVisibility)).not.toBe('auto');
  }

  const search = page.getByRole('searchbox', { name: 'Search units' });
  // Scrolled, so that the search bar sticks to the top of the popup.
  await popup.unitRows().last().scrollIntoViewIfNeeded();
  await popup.unitAt(siteName, unit.name).getByRole('button', { name: unit.name }).click();
  const dialog = page.getByRole('dialog', { name: unit.name });
  await expect(dialog).toBeVisible();
  const box = (await search.boundingBox())!;
  const onTop = await page.evaluate(
    ({ x, y }) => document.elementFromPoint(x, y)?.closest('[role="dialog"]') !== null,
    { x: box.x + box.width / 2, y: box.y + box.height / 2 },
  );
  expect(onTop).toBe(true);
});
