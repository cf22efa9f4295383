import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { Popup } from '../../components/popup/Popup';
import { ALERTS_SHOWN } from '../../components/popup/AlertsSection';
import { alert, preferences, snapshot } from './fixtures';
import { renderWithRealtime } from './render';

function alertsRegion() {
  return screen.getByRole('region', { name: 'Active alerts' });
}

describe('popup alerts', () => {
  it('lists each active alert with severity text, unit, site, type, message, threshold and age', async () => {
    const { bridge } = renderWithRealtime(<Popup />);
    await bridge.snapshot(snapshot());
    const item = within(alertsRegion()).getByRole('listitem', {
      name: 'Critical alert: Walk-in 2',
    });
    expect(item).toHaveTextContent('Critical');
    expect(item).toHaveTextContent('Walk-in 2');
    expect(item).toHaveTextContent('Main Kitchen');
    expect(item).toHaveTextContent('Temperature alarm');
    expect(item).toHaveTextContent('Temperature above limit');
    expect(item).toHaveTextContent(/9\.4\s°C, above max 5\.0\s°C/);
    expect(item).toHaveTextContent('3 min ago');
  });

  it('shows alert temperatures in the preferred scale', async () => {
    const { bridge } = renderWithRealtime(<Popup />);
    await bridge.snapshot(snapshot({ preferences: preferences({ tempScale: 'F' }) }));
    const item = within(alertsRegion()).getByRole('listitem', {
      name: 'Critical alert: Walk-in 2',
    });
    expect(item).toHaveTextContent(/48\.9\s°F, above max 41\.0\s°F/);
  });

  it('acknowledges through the background and moves the alert when the patch arrives', async () => {
    const user = userEvent.setup();
    const { bridge } = renderWithRealtime(<Popup />);
    await bridge.snapshot(snapshot());
    await user.click(screen.getByRole('button', { name: 'Acknowledge alert for Walk-in 2' }));
    expect(bridge.sentOfType('acknowledge')).toEqual([{ type: 'acknowledge', alertId: 'al-1' }]);

    await bridge.patch({
      alerts: {
        upsert: [
          alert('al-1', 'walk-in-2', {
            status: 'acknowledged',
            acknowledgedAt: Date.now(),
            acknowledgedBy: 'Sam',
          }),
        ],
        remove: [],
      },
    });
    expect(within(alertsRegion()).getByText('No active alerts.')).toBeInTheDocument();
    const acked = within(alertsRegion()).getByRole('group', { name: 'Acknowledged alerts' });
    expect(
      within(acked).getByRole('listitem', { name: 'Critical alert: Walk-in 2' }),
    ).toHaveTextContent(/Acknowledged by Sam at \d\d:\d\d/);
    expect(within(acked).queryByRole('button', { name: /Acknowledge/ })).not.toBeInTheDocument();
  });

  it('shows an acknowledge error inline, on that alert', async () => {
    const user = userEvent.setup();
    const { bridge } = renderWithRealtime(<Popup />);
    bridge.on('acknowledge', () => ({
      ok: false,
      error: { code: 'already-acknowledged', message: 'Someone else acknowledged this alert.' },
    }));
    await bridge.snapshot(snapshot());
    await user.click(screen.getByRole('button', { name: 'Acknowledge alert for Walk-in 2' }));
    const item = within(alertsRegion()).getByRole('listitem', {
      name: 'Critical alert: Walk-in 2',
    });
    expect(await within(item).findByRole('alert')).toHaveTextContent(
      'Could not acknowledge: Someone else acknowledged this alert.',
    );
    expect(
      within(item).getByRole('button', { name: 'Acknowledge alert for Walk-in 2' }),
    ).toBeEnabled();
  });

  it('opens the dashboard URL built from the template', async () => {
    const user = userEvent.setup();
    const { bridge } = renderWithRealtime(<Popup />);
    await bridge.snapshot(snapshot());
    await user.click(screen.getByRole('button', { name: 'Open alert for Walk-in 2 in dashboard' }));
    expect(bridge.openedTabs).toEqual([
      'https://cold.example.com/orgs/org-1/sites/s-1/units/walk-in-2?alert=al-1',
    ]);
  });

  it('never opens a template that does not yield an http(s) URL', async () => {
    const { bridge } = renderWithRealtime(<Popup />);
    await bridge.snapshot(
      snapshot({ preferences: preferences({ dashboardUrlTemplate: 'javascript:alert({unit})' }) }),
    );
    expect(
      screen.getByRole('button', { name: 'Open alert for Walk-in 2 in dashboard' }),
    ).toBeDisabled();
  });

  it('orders active alerts worst first and shows unknown severities by their server label', async () => {
    const { bridge } = renderWithRealtime(<Popup />);
    await bridge.snapshot(
      snapshot({
        alerts: [
          alert('al-2', 'freezer-1', {
            severity: 'warning',
            severityLabel: 'warning',
            type: 'door_open',
            triggeredAt: Date.now(),
          }),
          alert('al-3', 'dock-chiller', {
            severity: 'unknown',
            severityLabel: 'urgent',
            type: 'other',
            typeLabel: 'compressor_trip',
          }),
          alert('al-1', 'walk-in-2'),
        ],
      }),
    );
    const items = within(alertsRegion()).getAllByRole('listitem');
    expect(items.map((i) => i.getAttribute('aria-label'))).toEqual([
      'Critical alert: Walk-in 2',
      'urgent alert: Dock Chiller',
      'Warning alert: Freezer 1',
    ]);
    expect(items[1]).toHaveTextContent('compressor_trip');
  });
});

describe('many active alerts', () => {
  it(`shows the worst ${ALERTS_SHOWN} first and the rest on request`, async () => {
    const user = userEvent.setup();
    const { bridge } = renderWithRealtime(<Popup />);
    const many = Array.from({ length: ALERTS_SHOWN + 5 }, (_, i) => alert(`al-${i}`, 'walk-in-2'));
    await bridge.snapshot(snapshot({ alerts: many }));
    const region = screen.getByRole('region', { name: 'Active alerts' });
    expect(within(region).getAllByRole('button', { name: /^Acknowledge/ })).toHaveLength(
      ALERTS_SHOWN,
    );
    await user.click(
      within(region).getByRole('button', { name: `Show all ${ALERTS_SHOWN + 5} active alerts` }),
    );
    expect(within(region).getAllByRole('button', { name: /^Acknowledge/ })).toHaveLength(
      ALERTS_SHOWN + 5,
    );
  });
});
