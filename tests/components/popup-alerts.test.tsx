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

describe('acknowledge with a note, resolve with what was done (#10)', () => {
  it('sends the note typed into "What did you do?"', async () => {
    const user = userEvent.setup();
    const { bridge } = renderWithRealtime(<Popup />);
    await bridge.snapshot(snapshot());
    const item = within(alertsRegion()).getByRole('listitem', {
      name: 'Critical alert: Walk-in 2',
    });
    const open = within(item).getByRole('button', {
      name: 'Acknowledge alert for Walk-in 2 with a note',
    });
    expect(open).toHaveAttribute('aria-expanded', 'false');
    await user.click(open);
    expect(open).toHaveAttribute('aria-expanded', 'true');
    const form = within(item).getByRole('form', { name: 'Acknowledge with a note: Walk-in 2' });
    const note = within(form).getByLabelText('What did you do?');
    expect(note).toHaveFocus();
    await user.type(note, '  Moved stock to walk-in 1  ');
    await user.click(within(form).getByRole('button', { name: 'Acknowledge with note' }));
    expect(bridge.sentOfType('acknowledge')).toEqual([
      { type: 'acknowledge', alertId: 'al-1', notes: 'Moved stock to walk-in 1' },
    ]);
  });

  it('refuses a note over 1000 characters with a message, and sends nothing', async () => {
    const user = userEvent.setup();
    const { bridge } = renderWithRealtime(<Popup />);
    await bridge.snapshot(snapshot());
    await user.click(
      screen.getByRole('button', { name: 'Acknowledge alert for Walk-in 2 with a note' }),
    );
    const note = screen.getByLabelText('What did you do?');
    await user.click(note);
    await user.paste('x'.repeat(1001));
    await user.click(screen.getByRole('button', { name: 'Acknowledge with note' }));
    expect(note).toHaveAttribute('aria-invalid', 'true');
    expect(note).toHaveAccessibleDescription(/at most 1000 characters \(it has 1001\)/);
    expect(bridge.sentOfType('acknowledge')).toEqual([]);
  });

  it('requires a resolution, then sends it with the corrective action', async () => {
    const user = userEvent.setup();
    const { bridge } = renderWithRealtime(<Popup />);
    await bridge.snapshot(snapshot());
    await user.click(screen.getByRole('button', { name: 'Resolve alert for Walk-in 2' }));
    const form = screen.getByRole('form', { name: 'Resolve alert: Walk-in 2' });
    const resolution = within(form).getByLabelText('Resolution (what was done)');
    await user.click(within(form).getByRole('button', { name: 'Resolve' }));
    expect(resolution).toHaveAttribute('aria-invalid', 'true');
    expect(resolution).toHaveAccessibleDescription('Say what was done: a resolution is required.');
    expect(resolution).toHaveFocus();
    expect(bridge.sentOfType('resolve')).toEqual([]);

    await user.type(resolution, 'Door closed, back to 3 °C');
    await user.type(within(form).getByLabelText('Corrective action'), 'Door alarm fitted');
    await user.click(within(form).getByRole('button', { name: 'Resolve' }));
    expect(bridge.sentOfType('resolve')).toEqual([
      {
        type: 'resolve',
        alertId: 'al-1',
        resolution: 'Door closed, back to 3 °C',
        correctiveAction: 'Door alarm fitted',
      },
    ]);
  });

  it("shows the server's refusal of a resolve inline", async () => {
    const user = userEvent.setup();
    const { bridge } = renderWithRealtime(<Popup />);
    bridge.on('resolve', () => ({
      ok: false,
      error: { code: 'permission-denied', message: 'Resolving alerts needs role staff or above' },
    }));
    await bridge.snapshot(snapshot());
    await user.click(screen.getByRole('button', { name: 'Resolve alert for Walk-in 2' }));
    await user.type(screen.getByLabelText('Resolution (what was done)'), 'checked');
    await user.click(screen.getByRole('button', { name: 'Resolve' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Could not resolve: Resolving alerts needs role staff or above',
    );
  });

  it('says "you" for our own acknowledge and never shows a raw profile id', async () => {
    const { bridge } = renderWithRealtime(<Popup />);
    await bridge.snapshot(
      snapshot({
        alerts: [
          alert('al-1', 'walk-in-2', {
            status: 'acknowledged',
            acknowledgedAt: Date.now(),
            acknowledgedBy: '7d2c5b1e-4a0f-4c3e-9b8a-1f2e3d4c5b6a',
            acknowledgedByYou: true,
          }),
          alert('al-2', 'walk-in-2', {
            severity: 'warning',
            status: 'acknowledged',
            acknowledgedAt: Date.now(),
            acknowledgedBy: '5e8a2b4c-9d1f-4a6e-b3c7-8f0e1d2c3b4a',
          }),
        ],
      }),
    );
    const acked = within(alertsRegion()).getByRole('group', { name: 'Acknowledged alerts' });
    expect(
      within(acked).getByRole('listitem', { name: 'Critical alert: Walk-in 2' }),
    ).toHaveTextContent(/Acknowledged by you at \d\d:\d\d/);
    expect(
      within(acked).getByRole('listitem', { name: 'Warning alert: Walk-in 2' }),
    ).toHaveTextContent(/Acknowledged by another supervisor at \d\d:\d\d/);
    expect(acked).not.toHaveTextContent(/[0-9a-f]{8}-[0-9a-f]{4}/);
    // An acknowledged alert can still be resolved.
    expect(
      within(acked).getAllByRole('button', { name: 'Resolve alert for Walk-in 2' }),
    ).toHaveLength(2);
  });
});

describe('many active alerts', () => {
  it(`shows the worst ${ALERTS_SHOWN} first and the rest on request`, async () => {
    const user = userEvent.setup();
    const { bridge } = renderWithRealtime(<Popup />);
    const many = Array.from({ length: ALERTS_SHOWN + 5 }, (_, i) => alert(`al-${i}`, 'walk-in-2'));
    await bridge.snapshot(snapshot({ alerts: many }));
    const region = screen.getByRole('region', { name: 'Active alerts' });
    // One card per alert: its one-click Acknowledge (the note button is named "… with a note").
    expect(
      within(region).getAllByRole('button', {
        name: /^Acknowledge alert for [^]*(?<!with a note)$/,
      }),
    ).toHaveLength(ALERTS_SHOWN);
    await user.click(
      within(region).getByRole('button', { name: `Show all ${ALERTS_SHOWN + 5} active alerts` }),
    );
    expect(
      within(region).getAllByRole('button', {
        name: /^Acknowledge alert for [^]*(?<!with a note)$/,
      }),
    ).toHaveLength(ALERTS_SHOWN + 5);
  });
});
