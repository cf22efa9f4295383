/**
 * Issue #10 on the options page: the per-server "whole degrees" setting
 * (labelled, explained, applied at once) and the Diagnostics warning that
 * names a unit whose readings and limits disagree by about ten times.
 */
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { Options } from '../../components/options/Options';
import { directory, live, reading, snapshot, unit } from './fixtures';
import { renderWithRealtime } from './render';

/** A deployment with whole-degree limits read as tenths: 2..8 °C shows as 0.2..0.8 °C. */
function misreadSnapshot(wholeDegreeLimits = false) {
  const units = [
    unit('fridge-a', { name: 'Fridge A', tempMin: 0.2, tempMax: 0.8, areaId: 'a-1' }),
    unit('fridge-b', { name: 'Fridge B', tempMin: 2, tempMax: 8, areaId: 'a-1' }),
  ];
  return snapshot({
    directory: { ...directory(units), wholeDegreeLimits },
    units: {
      'fridge-a': live('fridge-a', [reading('fridge-a', 4.1)]),
      'fridge-b': live('fridge-b', [reading('fridge-b', 4.3)]),
    },
    alerts: [],
  });
}

describe('options: temperature limits', () => {
  it('offers the whole-degrees setting with its explanation, and applies it at once', async () => {
    const user = userEvent.setup();
    const { bridge } = renderWithRealtime(<Options />);
    const next = misreadSnapshot(true);
    bridge.on('set-whole-degree-limits', () => ({ ok: true, data: next.directory! }));
    await bridge.snapshot(misreadSnapshot());
    const box = screen.getByRole('checkbox', { name: 'Limits on this server are whole degrees' });
    expect(box).not.toBeChecked();
    expect(box).toHaveAccessibleDescription(/tenths of a degree \(45 means 4\.5°\)/);
    await user.click(box);
    expect(bridge.sentOfType('set-whole-degree-limits')).toEqual([
      { type: 'set-whole-degree-limits', enabled: true },
    ]);
    expect(await screen.findByText('Saved: limits are now read as whole degrees.')).toHaveAttribute(
      'role',
      'status',
    );
    // The worker pushes the directory read with the setting: the box follows it.
    await bridge.patch({ directory: next.directory });
    expect(box).toBeChecked();
  });

  it('says why when the setting could not be applied', async () => {
    const user = userEvent.setup();
    const { bridge } = renderWithRealtime(<Options />);
    bridge.on('set-whole-degree-limits', () => ({
      ok: false,
      error: { code: 'server-unreachable', message: 'The server did not answer' },
    }));
    await bridge.snapshot(misreadSnapshot());
    await user.click(
      screen.getByRole('checkbox', { name: 'Limits on this server are whole degrees' }),
    );
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Could not apply the setting: The server did not answer',
    );
    // Nothing changed on the server: the box says so again.
    expect(
      screen.getByRole('checkbox', { name: 'Limits on this server are whole degrees' }),
    ).not.toBeChecked();
  });

  it('Diagnostics names the unit whose readings and limits disagree by ten times', async () => {
    const { bridge } = renderWithRealtime(<Options />);
    await bridge.snapshot(misreadSnapshot());
    const warnings = screen.getByRole('list', { name: 'Scale warnings' });
    const items = within(warnings).getAllByRole('listitem');
    expect(items).toHaveLength(1);
    expect(items[0]).toHaveTextContent(/^Fridge A: readings near 4\.1 °C, limits 0\.2 to 0\.8 °C/);
    expect(items[0]).toHaveTextContent('turn on "Limits on this server are whole degrees"');
  });
});
