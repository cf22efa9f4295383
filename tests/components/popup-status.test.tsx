import { screen, within } from '@testing-library/react';
import { Profiler } from 'react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { Popup } from '../../components/popup/Popup';
import { StatusLine } from '../../components/popup/StatusLine';
import { connection, directory, NOW, reading, snapshot } from './fixtures';
import { renderWithRealtime } from './render';

describe('popup status line', () => {
  it('shows a skeleton and "Connecting" until the first snapshot, then paints from it', async () => {
    const { bridge } = renderWithRealtime(<Popup />);
    expect(screen.getByRole('status')).toHaveTextContent('Connecting');
    expect(screen.getByLabelText('Loading units')).toHaveAttribute('aria-busy', 'true');
    expect(screen.queryByRole('region', { name: 'Active alerts' })).not.toBeInTheDocument();

    await bridge.snapshot(snapshot());
    expect(screen.queryByLabelText('Loading units')).not.toBeInTheDocument();
    expect(screen.getByRole('region', { name: 'Active alerts' })).toBeInTheDocument();
    // Painting needs no command round trip: everything came over the port. (The
    // "since you last looked" digest, issue #13, is asked beside it and blocks nothing.)
    expect(bridge.sent.filter((m) => m.type !== 'since-last-looked')).toEqual([]);
  });

  it('says "Live" with the round trip when live', async () => {
    const { bridge } = renderWithRealtime(<Popup />);
    await bridge.snapshot(snapshot({ connection: connection({ status: 'live', rtt: 12 }) }));
    expect(screen.getByRole('status')).toHaveTextContent('Live · 12 ms');
    expect(screen.queryByText(/Last known data/)).not.toBeInTheDocument();
  });

  it('says "Connecting" while the background connects', async () => {
    const { bridge } = renderWithRealtime(<Popup />);
    await bridge.snapshot(
      snapshot({ connection: connection({ status: 'connecting', rtt: null }) }),
    );
    const status = screen.getByRole('status');
    expect(status).toHaveTextContent(/^\W*Connecting$/);
    expect(status).not.toHaveTextContent('Live');
  });

  it('says "Reconnecting" with since and last data age, and labels data as last known', async () => {
    const { bridge } = renderWithRealtime(<Popup />);
    await bridge.snapshot(
      snapshot({
        connection: connection({
          status: 'reconnecting',
          since: NOW - 30_000,
          lastDataAt: NOW - 125_000,
          rtt: 40,
        }),
      }),
    );
    const status = screen.getByRole('status');
    expect(status).toHaveTextContent(/Reconnecting since \d\d:\d\d · last data 2 min ago/);
    expect(status).not.toHaveTextContent('ms');
    expect(screen.getByText(/Last known data, from 2 min ago — not live/)).toBeInTheDocument();
    expect(
      screen.getByRole('listitem', { name: /^Freezer 1, last known −18\.2\s°C/ }),
    ).toBeInTheDocument();
  });

  it('says "Offline" with the last data age', async () => {
    const { bridge } = renderWithRealtime(<Popup />);
    await bridge.snapshot(
      snapshot({ connection: connection({ status: 'offline', lastDataAt: NOW - 5 * 60_000 }) }),
    );
    expect(screen.getByRole('status')).toHaveTextContent(
      /Offline since \d\d:\d\d · last data 5 min ago/,
    );
  });

  it('says "Signed out" and offers "Sign in", which opens the options page', async () => {
    const user = userEvent.setup();
    const { bridge } = renderWithRealtime(<Popup />);
    await bridge.snapshot(
      snapshot({ session: null, connection: connection({ status: 'signed-out' }) }),
    );
    expect(screen.getByRole('status')).toHaveTextContent('Signed out');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(bridge.optionsPageOpened).toBe(1);
    expect(screen.queryByRole('region', { name: 'Active alerts' })).not.toBeInTheDocument();
  });

  it('says "Reconnecting" when its own port to the background drops, and recovers on the next snapshot', async () => {
    const { bridge } = renderWithRealtime(<Popup />);
    await bridge.snapshot(snapshot());
    await bridge.drop();
    expect(screen.getByRole('status')).toHaveTextContent(/^\W*Reconnecting since/);
    await bridge.snapshot(snapshot());
    expect(screen.getByRole('status')).toHaveTextContent('Live · 12 ms');
  });

  it('puts the number of problems and the worst unit at the top', async () => {
    const { bridge } = renderWithRealtime(<Popup />);
    await bridge.snapshot(snapshot());
    // Walk-in 2 in alarm; Bar Fridge has not reported for 40 minutes (issue #9 wording:
    // alerts by severity, then units by condition, then how many are in range).
    expect(
      screen.getByText('1 critical alert · 1 out of range · 1 stale · 2 of 4 units in range'),
    ).toBeInTheDocument();
    expect(screen.getByText('Worst: Walk-in 2 (alarm)')).toBeInTheDocument();
  });

  it('says all units are in range when nothing is wrong', async () => {
    const { bridge } = renderWithRealtime(<Popup />);
    const base = snapshot();
    const units = {
      'freezer-1': base.units['freezer-1']!,
      'dock-chiller': base.units['dock-chiller']!,
    };
    // Units the directory lists are watched even without data (issue #9): list only these two.
    const only = directory(base.directory!.units.filter((u) => u.id in units));
    await bridge.snapshot({ ...base, directory: only, units, alerts: [] });
    expect(screen.getByText('All 2 units in range')).toBeInTheDocument();
    expect(
      within(screen.getByRole('region', { name: 'Active alerts' })).getByText('No active alerts.'),
    ).toBeInTheDocument();
  });
});

describe('summary line with alerts but every unit in range', () => {
  // The bug: "All 2 units in range" in green above a critical alert. Since issue #9 the
  // alert's unit is in alarm itself, and a unit without data is counted, not dropped.
  it('leads with the active alert instead of calling everything fine', async () => {
    const { bridge } = renderWithRealtime(<Popup />);
    const base = snapshot();
    const units = {
      'freezer-1': base.units['freezer-1']!,
      'dock-chiller': base.units['dock-chiller']!,
    };
    await bridge.snapshot({ ...base, units });
    const line = screen.getByText(
      '1 critical alert · 1 out of range · 1 without data · 2 of 4 units in range',
    );
    // Never the "all fine" tick beside an alert.
    expect(line.closest('p')).not.toHaveTextContent('✓');
    expect(screen.queryByText('All 2 units in range')).not.toBeInTheDocument();
  });
});

describe('summary line when not live', () => {
  it('says what was last known, never a green "all in range"', async () => {
    const { bridge } = renderWithRealtime(<Popup />);
    const base = snapshot();
    const units = {
      'freezer-1': base.units['freezer-1']!,
      'dock-chiller': base.units['dock-chiller']!,
    };
    await bridge.snapshot({
      ...base,
      directory: directory(base.directory!.units.filter((u) => u.id in units)),
      units,
      alerts: [],
      connection: connection({ status: 'reconnecting', since: NOW - 60_000 }),
    });
    const line = screen.getByText('Last known: all 2 units in range');
    expect(line.closest('p')).not.toHaveTextContent('✓');
    expect(screen.queryByText('All 2 units in range')).not.toBeInTheDocument();
  });

  it('does not re-render for readings while live, and says how old the data is once it is not (#14)', async () => {
    let renders = 0;
    const { bridge } = renderWithRealtime(
      <Profiler id="status" onRender={() => (renders += 1)}>
        <StatusLine />
      </Profiler>,
    );
    await bridge.snapshot(snapshot({ connection: connection({ status: 'live', rtt: 12 }) }));
    expect(screen.getByRole('status')).toHaveTextContent('Live · 12 ms');
    const before = renders;
    const r = reading('freezer-1', -18, NOW);
    await bridge.patch({
      readings: { 'freezer-1': [r] },
      connection: connection({ status: 'live', rtt: 12, lastDataAt: NOW, lastEventAt: NOW }),
    });
    expect(renders).toBe(before);
    await bridge.patch({
      connection: connection({ status: 'reconnecting', rtt: null, lastDataAt: NOW - 120_000 }),
    });
    expect(screen.getByRole('status')).toHaveTextContent(
      /Reconnecting since .* · last data 2 min ago/,
    );
  });
});
