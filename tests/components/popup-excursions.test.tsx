/**
 * Time out of range (issue #13) as the popup shows it: on the unit row, the
 * unit detail and the alert card, from the intervals the worker sends with
 * its unit view, ticking with the page's clock and no new message.
 */
import { act, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Popup } from '../../components/popup/Popup';
import { live, NOW, reading, snapshot } from './fixtures';
import { renderWithRealtime } from './render';

const MIN = 60_000;

function row(name: string) {
  return within(screen.getByRole('region', { name: 'Units' })).getByRole('listitem', {
    name: new RegExp(`^${name},`),
  });
}

/** Walk-in 2 (2–5 °C): out of range from 12 min ago, still out. */
function outForTwelveMinutes() {
  const base = snapshot();
  return snapshot({
    units: {
      ...base.units,
      'walk-in-2': live(
        'walk-in-2',
        [
          reading('walk-in-2', 4.2, NOW - 30 * MIN),
          // An earlier excursion, closed: 20 to 14 min ago (6 min).
          reading('walk-in-2', 7.5, NOW - 20 * MIN),
          reading('walk-in-2', 4.5, NOW - 14 * MIN),
          reading('walk-in-2', 8.8, NOW - 12 * MIN),
          reading('walk-in-2', 9.4, NOW - 2_000),
        ],
        'critical',
      ),
    },
  });
}

describe('time out of range', () => {
  afterEach(() => vi.useRealTimers());

  it('the row says how long the unit has been out of range and its total over 24 h', async () => {
    const { bridge } = renderWithRealtime(<Popup />);
    await bridge.snapshot(outForTwelveMinutes());
    expect(row('Walk-in 2')).toHaveTextContent('Out of range for 12 min · 18 min in the last 24 h');
    // A unit in range says nothing about it.
    expect(row('Freezer 1')).not.toHaveTextContent(/out of range/i);
  });

  it('a unit back in range shows only its cumulative time', async () => {
    const { bridge } = renderWithRealtime(<Popup />);
    const base = snapshot();
    await bridge.snapshot(
      snapshot({
        alerts: [],
        units: {
          ...base.units,
          'walk-in-2': live('walk-in-2', [
            reading('walk-in-2', 9.1, NOW - 50 * MIN),
            reading('walk-in-2', 3.9, NOW - 25 * MIN),
          ]),
        },
      }),
    );
    expect(row('Walk-in 2')).toHaveTextContent('25 min out of range in the last 24 h');
    expect(row('Walk-in 2')).not.toHaveTextContent('Out of range for');
  });

  it('ticks with the page’s clock, without a new snapshot or patch', async () => {
    vi.useFakeTimers({ now: NOW, shouldAdvanceTime: true });
    const { bridge } = renderWithRealtime(<Popup />);
    await bridge.snapshot(outForTwelveMinutes());
    expect(row('Walk-in 2')).toHaveTextContent('Out of range for 12 min');
    await act(async () => {
      vi.advanceTimersByTime(3 * MIN);
    });
    expect(row('Walk-in 2')).toHaveTextContent('Out of range for 15 min · 21 min in the last 24 h');
  });

  it('the unit detail gives the start, the 24 h total and how many excursions', async () => {
    const user = userEvent.setup();
    const { bridge } = renderWithRealtime(<Popup />);
    await bridge.snapshot(outForTwelveMinutes());
    await user.click(within(row('Walk-in 2')).getByRole('button', { name: 'Walk-in 2' }));
    const dialog = screen.getByRole('dialog', { name: 'Walk-in 2' });
    const since = new Date(NOW - 12 * MIN);
    const clock = `${String(since.getHours()).padStart(2, '0')}:${String(since.getMinutes()).padStart(2, '0')}`;
    expect(dialog).toHaveTextContent(`Out of range for 12 min, since ${clock}`);
    expect(dialog).toHaveTextContent('Out of range in the last 24 h: 18 min (2 excursions)');
    await user.click(within(dialog).getByRole('button', { name: '← Back' }));
    await user.click(within(row('Freezer 1')).getByRole('button', { name: 'Freezer 1' }));
    expect(screen.getByRole('dialog', { name: 'Freezer 1' })).toHaveTextContent(
      'No time out of range in the last 24 h.',
    );
  });

  it('the alert card of a unit out of range says for how long', async () => {
    const { bridge } = renderWithRealtime(<Popup />);
    await bridge.snapshot(outForTwelveMinutes());
    const card = within(screen.getByRole('region', { name: 'Active alerts' })).getByRole(
      'listitem',
      { name: 'Critical alert: Walk-in 2' },
    );
    expect(card).toHaveTextContent('Out of range for 12 min · 18 min in the last 24 h');
  });
});
