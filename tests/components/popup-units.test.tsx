import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { Popup } from '../../components/popup/Popup';
import { FIRST_SCREEN_ROWS, PAGE_SIZE } from '../../components/popup/UnitList';
import { alert, live, NOW, preferences, reading, snapshot, unit, directory } from './fixtures';
import { renderWithRealtime } from './render';

function unitsRegion() {
  return screen.getByRole('region', { name: 'Units' });
}

function rowNames() {
  return within(unitsRegion())
    .getAllByRole('listitem')
    .map((li) => li.getAttribute('aria-label')?.split(',')[0]);
}

describe('popup unit rows', () => {
  it('names each row with the unit, its temperature and its condition', async () => {
    const { bridge } = renderWithRealtime(<Popup />);
    await bridge.snapshot(snapshot());
    const row = within(unitsRegion()).getByRole('listitem', {
      name: /^Freezer 1, −18\.2\s°C, normal$/,
    });
    expect(row).toHaveTextContent('−25.0 to −15.0');
    expect(row).toHaveTextContent('RH 45');
    expect(row).toHaveTextContent('Battery 80');
    expect(row).toHaveTextContent('just now');
    expect(
      within(unitsRegion()).getByRole('listitem', { name: /^Walk-in 2, 9\.4\s°C, alarm$/ }),
    ).toHaveTextContent('alarm');
  });

  it('switches between Celsius and Fahrenheit with the preference', async () => {
    const { bridge } = renderWithRealtime(<Popup />);
    await bridge.snapshot(snapshot({ preferences: preferences({ tempScale: 'F' }) }));
    const row = within(unitsRegion()).getByRole('listitem', {
      name: /^Freezer 1, −0\.8\s°F, normal$/,
    });
    expect(row).toHaveTextContent(/−13\.0 to 5\.0\s°F/);
    await bridge.patch({ preferences: preferences({ tempScale: 'C' }) });
    expect(
      within(unitsRegion()).getByRole('listitem', { name: /^Freezer 1, −18\.2\s°C, normal$/ }),
    ).toBeInTheDocument();
  });

  it('marks a unit stale after the configured minutes without a reading', async () => {
    const { bridge } = renderWithRealtime(<Popup />);
    await bridge.snapshot(snapshot());
    const row = within(unitsRegion()).getByRole('listitem', {
      name: /^Bar Fridge, 4\.0\s°C, stale$/,
    });
    expect(row).toHaveTextContent('40 min ago');
    expect(row).toHaveAttribute('data-condition', 'stale');
    // 60 minutes: not stale any more.
    await bridge.patch({ preferences: preferences({ staleMinutes: 60 }) });
    expect(
      within(unitsRegion()).getByRole('listitem', { name: /^Bar Fridge, 4\.0\s°C, normal$/ }),
    ).toBeInTheDocument();
  });

  it('says out of range high or low, and offline, in text', async () => {
    const { bridge } = renderWithRealtime(<Popup />);
    const base = snapshot();
    await bridge.snapshot({
      ...base,
      units: {
        ...base.units,
        'walk-in-2': live('walk-in-2', [reading('walk-in-2', 6.2)], 'warning'),
        'dock-chiller': live('dock-chiller', [reading('dock-chiller', 1.1)]),
        'freezer-1': live('freezer-1', [reading('freezer-1', -18)], 'offline'),
      },
      // Without Walk-in 2's critical alert, which would make it an alarm (issue #9).
      alerts: [],
    });
    expect(
      within(unitsRegion()).getByRole('listitem', {
        name: /^Walk-in 2, 6\.2\s°C, out of range high$/,
      }),
    ).toBeInTheDocument();
    expect(
      within(unitsRegion()).getByRole('listitem', {
        name: /^Dock Chiller, 1\.1\s°C, out of range low$/,
      }),
    ).toBeInTheDocument();
    expect(
      within(unitsRegion()).getByRole('listitem', { name: /^Freezer 1, −18\.0\s°C, offline$/ }),
    ).toBeInTheDocument();
  });

  // Issue #9: a row said "✓ normal" under a red Critical alert on the same unit.
  it('shows a unit with an active critical alert in alarm, whatever its last status said', async () => {
    const { bridge } = renderWithRealtime(<Popup />);
    const base = snapshot();
    await bridge.snapshot({ ...base, alerts: [alert('al-9', 'freezer-1')] });
    expect(
      within(unitsRegion()).getByRole('listitem', { name: /^Freezer 1, −18\.2\s°C, alarm$/ }),
    ).toBeInTheDocument();
    expect(rowNames()[0]).toBe('Freezer 1');
  });

  // Issue #9: units that never reported were missing, even with an active alert.
  it('lists a unit that never reported, with "no data", and keeps it under "Alerts only" when it has an alert', async () => {
    const user = userEvent.setup();
    const { bridge } = renderWithRealtime(<Popup />);
    const base = snapshot();
    const silent = unit('cellar', { name: 'Cellar', areaId: 'a-2' });
    await bridge.snapshot({
      ...base,
      directory: directory([...base.directory!.units, silent]),
      alerts: [...base.alerts, alert('al-2', 'cellar', { severity: 'warning' })],
    });
    expect(
      within(unitsRegion()).getByRole('listitem', { name: /^Cellar, no reading yet, no data$/ }),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        '1 critical alert · 1 warning alert · 1 out of range · 1 stale · 1 without data · 2 of 5 units in range',
      ),
    ).toBeInTheDocument();
    await user.click(screen.getByRole('checkbox', { name: 'Alerts only' }));
    expect(rowNames()).toEqual(['Walk-in 2', 'Cellar']);
  });

  it('groups by site then area and puts the worst first', async () => {
    const { bridge } = renderWithRealtime(<Popup />);
    await bridge.snapshot(snapshot());
    const sites = within(unitsRegion()).getAllByRole('group');
    expect(sites.map((g) => g.getAttribute('aria-label'))).toEqual([
      'Main Kitchen',
      'Harbour Store',
    ]);
    expect(
      within(sites[0]!).getByRole('list', { name: 'Main Kitchen, Cold Room' }),
    ).toBeInTheDocument();
    expect(rowNames()).toEqual(['Walk-in 2', 'Freezer 1', 'Bar Fridge', 'Dock Chiller']);
  });

  it('filters by unit, area or site name', async () => {
    const user = userEvent.setup();
    const { bridge } = renderWithRealtime(<Popup />);
    await bridge.snapshot(snapshot());
    const search = screen.getByRole('searchbox', { name: 'Search units' });
    await user.type(search, 'freezer');
    expect(rowNames()).toEqual(['Freezer 1']);
    await user.clear(search);
    await user.type(search, 'bar');
    expect(rowNames()).toEqual(['Bar Fridge']);
    await user.clear(search);
    await user.type(search, 'harbour');
    expect(rowNames()).toEqual(['Dock Chiller']);
    await user.clear(search);
    await user.type(search, 'nothing like this');
    expect(within(unitsRegion()).getByText('No units match.')).toBeInTheDocument();
  });

  it('filters to alerts only and to stale only', async () => {
    const user = userEvent.setup();
    const { bridge } = renderWithRealtime(<Popup />);
    await bridge.snapshot(snapshot());
    await user.click(screen.getByRole('checkbox', { name: 'Alerts only' }));
    expect(rowNames()).toEqual(['Walk-in 2']);
    await user.click(screen.getByRole('checkbox', { name: 'Alerts only' }));
    await user.click(screen.getByRole('checkbox', { name: 'Stale only' }));
    expect(rowNames()).toEqual(['Bar Fridge']);
  });

  it('renders 1,500 units a page at a time and shows more on request', async () => {
    const user = userEvent.setup();
    const { bridge } = renderWithRealtime(<Popup />);
    const many = Array.from({ length: 1500 }, (_, i) => unit(`u-${i}`, { name: `Unit ${i}` }));
    const units = Object.fromEntries(
      many.map((u) => [u.id, live(u.id, [reading(u.id, 3, NOW - 1_000)])]),
    );
    await bridge.snapshot(snapshot({ directory: directory(many), units, alerts: [] }));
    expect(screen.getByText('All 1500 units in range')).toBeInTheDocument();
    expect(within(unitsRegion()).getAllByRole('listitem')).toHaveLength(PAGE_SIZE);
    await user.click(
      screen.getByRole('button', { name: `Show more units (${1500 - PAGE_SIZE} more)` }),
    );
    expect(within(unitsRegion()).getAllByRole('listitem')).toHaveLength(2 * PAGE_SIZE);
    // Search covers all units, not just the rendered page.
    await user.type(screen.getByRole('searchbox', { name: 'Search units' }), 'Unit 1499');
    expect(rowNames()).toEqual(['Unit 1499']);
  });

  it('shows a query’s first screen of rows at once and the rest of its page right after (#14)', async () => {
    const { bridge } = renderWithRealtime(<Popup />);
    const many = Array.from({ length: 1500 }, (_, i) => unit(`u-${i}`, { name: `Unit ${i}` }));
    const units = Object.fromEntries(
      many.map((u) => [u.id, live(u.id, [reading(u.id, 3, NOW - 1_000)])]),
    );
    await bridge.snapshot(snapshot({ directory: directory(many), units, alerts: [] }));
    // "Unit 1": Unit 1, 10–19, 100–199 and 1000–1499.
    const matches = 1 + 10 + 100 + 500;
    fireEvent.change(screen.getByRole('searchbox', { name: 'Search units' }), {
      target: { value: 'Unit 1' },
    });
    // The keystroke's own render: a screenful, and the count of all the others.
    expect(within(unitsRegion()).getAllByRole('listitem')).toHaveLength(FIRST_SCREEN_ROWS);
    expect(
      screen.getByRole('button', { name: `Show more units (${matches - FIRST_SCREEN_ROWS} more)` }),
    ).toBeInTheDocument();
    expect(rowNames().every((name) => name?.startsWith('Unit 1'))).toBe(true);
    // After that frame, the whole page.
    await waitFor(() =>
      expect(within(unitsRegion()).getAllByRole('listitem')).toHaveLength(PAGE_SIZE),
    );
    expect(
      screen.getByRole('button', { name: `Show more units (${matches - PAGE_SIZE} more)` }),
    ).toBeInTheDocument();
    // A filter change does the same.
    fireEvent.click(screen.getByRole('checkbox', { name: 'Alerts only' }));
    fireEvent.click(screen.getByRole('checkbox', { name: 'Alerts only' }));
    expect(within(unitsRegion()).getAllByRole('listitem')).toHaveLength(FIRST_SCREEN_ROWS);
    await waitFor(() =>
      expect(within(unitsRegion()).getAllByRole('listitem')).toHaveLength(PAGE_SIZE),
    );
  });
});
