/**
 * Issue #10 end to end: the server stores limits and trigger temperatures in
 * tenths and the last temperature in hundredths; the popup shows degrees
 * (a 4.5 °C and a 40.1 °F limit as such, an alert's trigger temperature
 * right), and a unit that never reported is listed, saying so.
 */
import { test, expect } from './support/fixtures';
import { PopupView } from './support/pages';
import { POPUP_VIEWPORT, signInThroughOptions } from './support/session';

// Three sites: the third (Chicago Depot) reports in Fahrenheit; one spare fridge never reported.
test.use({
  serverOptions: {
    control: true,
    simulate: false,
    sites: 3,
    unitsPerSite: 4,
    neverReportedUnits: 1,
  },
});

const CELSIUS = { id: 'unit-nw-1-01', site: 'Downtown Kitchen', name: 'Fridge 1' };
const FAHRENHEIT = { id: 'unit-nw-3-01', site: 'Chicago Depot', name: 'Fridge 1' };

test('limits and trigger temperatures are shown in degrees; a never-reporting unit says so', async ({
  server,
  openExtensionPage,
}) => {
  // Stored as 20/45 and 350/401 tenths by the server.
  server.control.setUnitLimits({ unitId: CELSIUS.id, tempMin: 2, tempMax: 4.5 });
  server.control.setUnitLimits({ unitId: FAHRENHEIT.id, tempMin: 35, tempMax: 40.1 });
  server.control.injectReadings({ unitId: CELSIUS.id, readings: [{ temperature: 3.5 }] });
  server.control.injectReadings({ unitId: FAHRENHEIT.id, readings: [{ temperature: 38 }] });

  await signInThroughOptions(openExtensionPage, server);
  const page = await openExtensionPage('popup');
  await page.setViewportSize(POPUP_VIEWPORT);
  const popup = new PopupView(page);
  await expect(popup.status()).toHaveText(/^\W*Live\b/);

  const celsius = popup.unitAt(CELSIUS.site, CELSIUS.name);
  await expect(celsius).toHaveAccessibleName(/, 3\.5\u00a0°C, normal$/);
  await expect(celsius).toContainText('2.0 to 4.5\u00a0°C');
  const fahrenheit = popup.unitAt(FAHRENHEIT.site, FAHRENHEIT.name);
  await expect(fahrenheit).toHaveAccessibleName(/, 38\.0\u00a0°F, normal$/);
  await expect(fahrenheit).toContainText('35.0 to 40.1\u00a0°F');

  // The unit that never reported is listed, and says it has no reading.
  const spare = popup.unitAt(CELSIUS.site, 'Spare Fridge 1');
  await expect(spare).toHaveAccessibleName('Spare Fridge 1, no reading yet, no data');
  await expect(spare).toContainText('No reading yet');

  // The server's alert engine opens alerts with trigger temperatures in tenths.
  server.control.injectReadings({ unitId: CELSIUS.id, readings: [{ temperature: 4.6 }] });
  const celsiusAlert = popup.alert('Warning', CELSIUS.name).item.first();
  await expect(celsiusAlert).toContainText(/4\.6\s°C, above max 4\.5\s°C/);
  server.control.injectReadings({ unitId: FAHRENHEIT.id, readings: [{ temperature: 40.3 }] });
  await expect(popup.activeAlertItems()).toHaveCount(2);
  await expect(popup.alerts()).toContainText(/40\.3\s°F, above max 40\.1\s°F/);
  await expect(celsius).toHaveAccessibleName(/, 4\.6\u00a0°C, /);
});

test('the whole-degrees setting applies at once, and Diagnostics names a unit whose limits look ten times off', async ({
  server,
  openExtensionPage,
}) => {
  server.control.injectReadings({ unitId: CELSIUS.id, readings: [{ temperature: 3.5 }] });
  const options = await signInThroughOptions(openExtensionPage, server);
  const page = await openExtensionPage('popup');
  await page.setViewportSize(POPUP_VIEWPORT);
  const popup = new PopupView(page);
  const celsius = popup.unitAt(CELSIUS.site, CELSIUS.name);
  await expect(celsius).toContainText('2.0 to 5.0\u00a0°C');

  const setting = options.getByRole('checkbox', {
    name: 'Limits on this server are whole degrees',
  });
  await expect(setting).not.toBeChecked();
  await setting.check();
  await expect(options.getByRole('status').filter({ hasText: 'whole degrees' })).toBeVisible();
  // The limits 20/50 are now read as degrees: the open popup follows at once.
  await expect(celsius).toContainText('20.0 to 50.0\u00a0°C');
  await expect(celsius).toHaveAccessibleName(/, 3\.5\u00a0°C, out of range low$/);
  const warnings = options.getByRole('list', { name: 'Scale warnings' });
  await expect(
    warnings
      .getByRole('listitem')
      .filter({ hasText: /^Fridge 1: readings near 3\.5 °C/ })
      .first(),
  ).toContainText('turn off "Limits on this server are whole degrees"');

  await setting.uncheck();
  await expect(celsius).toContainText('2.0 to 5.0\u00a0°C');
  await expect(celsius).toHaveAccessibleName(/, 3\.5\u00a0°C, normal$/);
});
