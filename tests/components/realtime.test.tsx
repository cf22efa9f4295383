import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ProfilerOnRenderCallback } from 'react';
import { describe, expect, it } from 'vitest';
import { Popup } from '../../components/popup/Popup';
import { RowProfilerContext } from '../../components/popup/row-profiler';
import { queryKeys, type HistoriesData, type UnitsData } from '../../components/query-keys';
import { useRealtimeLiveness, useRealtimeStatus } from '../../components/RealtimeProvider';
import type { Reading } from '../../lib/model';
import { alert, NOW, reading, snapshot } from './fixtures';
import { renderWithRealtime } from './render';

type Client = ReturnType<typeof renderWithRealtime>['queryClient'];
/** One unit's part of the whole-list keys (#14: one key for all units). */
const historyOf = (client: Client, unitId: string) =>
  client.getQueryData<HistoriesData>(queryKeys.readings())?.get(unitId);
const statusOf = (client: Client, unitId: string) =>
  client.getQueryData<UnitsData>(queryKeys.units())?.get(unitId)?.status;
const latestOf = (client: Client, unitId: string): Reading | null | undefined =>
  client.getQueryData<UnitsData>(queryKeys.units())?.get(unitId)?.latest;

function unitsRegion() {
  return screen.getByRole('region', { name: 'Units' });
}

/** The popup, with each unit row's renders counted by unit id. */
function renderProfiledPopup() {
  const renders = new Map<string, number>();
  const onRender: ProfilerOnRenderCallback = (id) => renders.set(id, (renders.get(id) ?? 0) + 1);
  const rendered = renderWithRealtime(
    <RowProfilerContext.Provider value={onRender}>
      <Popup />
    </RowProfilerContext.Provider>,
  );
  return { ...rendered, renders };
}

describe('realtime patches', () => {
  it('re-renders only the row of the unit that got a reading', async () => {
    const { bridge, renders } = renderProfiledPopup();
    await bridge.snapshot(snapshot());
    expect(renders.get('dock-chiller')).toBeGreaterThan(0);
    renders.clear();

    const r = reading('freezer-1', -17.9, Date.now());
    await bridge.patch({
      readings: { 'freezer-1': [r] },
      units: { 'freezer-1': { latest: r, state: 'normal' } },
    });

    expect(
      within(unitsRegion()).getByRole('listitem', { name: /^Freezer 1, −17\.9\s°C, normal$/ }),
    ).toBeInTheDocument();
    expect(renders.get('freezer-1')).toBeGreaterThanOrEqual(1);
    expect([...renders.keys()]).toEqual(['freezer-1']);
  });

  it('keeps other rows still when a unit’s condition changes and the list re-sorts', async () => {
    const { bridge, renders } = renderProfiledPopup();
    await bridge.snapshot(snapshot());
    renders.clear();

    const r = reading('dock-chiller', 7.5, Date.now());
    await bridge.patch({
      readings: { 'dock-chiller': [r] },
      units: { 'dock-chiller': { latest: r, state: 'critical' } },
    });

    expect(
      screen.getByText('1 critical alert · 2 out of range · 1 stale · 1 of 4 units in range'),
    ).toBeInTheDocument();
    expect(
      within(unitsRegion()).getByRole('listitem', { name: /^Dock Chiller, 7\.5\s°C, alarm$/ }),
    ).toBeInTheDocument();
    expect([...renders.keys()]).toEqual(['dock-chiller']);
  });

  it('observes the live keys once for the whole list, not once per row (#14)', async () => {
    const { bridge, queryClient } = renderWithRealtime(<Popup />);
    await bridge.snapshot(snapshot());
    expect(within(unitsRegion()).getAllByRole('listitem')).toHaveLength(4);
    const observers = (key: readonly unknown[]) =>
      queryClient.getQueryCache().find({ queryKey: key, exact: true })?.getObserversCount();
    expect(observers(queryKeys.units())).toBe(1);
    expect(observers(queryKeys.readings())).toBe(1);
  });

  it('re-renders no row that stays listed while the search is typed (#14)', async () => {
    const user = userEvent.setup();
    const { bridge, renders } = renderProfiledPopup();
    await bridge.snapshot(snapshot());
    renders.clear();
    // "fr" keeps Freezer 1 and Bar Fridge: neither renders again, the others unmount.
    await user.type(screen.getByRole('searchbox', { name: 'Search units' }), 'fr');
    const names = within(unitsRegion())
      .getAllByRole('listitem')
      .map((li) => li.getAttribute('aria-label')?.split(',')[0]);
    expect(names.sort()).toEqual(['Bar Fridge', 'Freezer 1']);
    expect([...renders.keys()]).toEqual([]);
  });

  it('writes only the patched unit’s keys in the cache', async () => {
    const { bridge, queryClient } = renderWithRealtime(<Popup />);
    await bridge.snapshot(snapshot());
    const before = {
      dock: historyOf(queryClient, 'dock-chiller'),
      dockStatus: statusOf(queryClient, 'dock-chiller'),
      freezer: historyOf(queryClient, 'freezer-1'),
    };
    await bridge.patch({ readings: { 'freezer-1': [reading('freezer-1', -18, Date.now())] } });
    expect(historyOf(queryClient, 'dock-chiller')).toBe(before.dock);
    expect(statusOf(queryClient, 'dock-chiller')).toBe(before.dockStatus);
    expect(historyOf(queryClient, 'freezer-1')).not.toBe(before.freezer);
    // Readings alone update the latest reading and the status.
    expect(statusOf(queryClient, 'freezer-1')).toMatchObject({
      lastTemperature: -18,
      state: 'normal',
    });
  });

  it('takes a unit’s latest reading by id from the patch’s readings (#14)', async () => {
    const { bridge, queryClient } = renderWithRealtime(<Popup />);
    await bridge.snapshot(snapshot());
    // Sent by id: the reading the id names, even when a newer one came in the same patch
    // (the worker's word on `latest` wins, as when it is sent in full).
    const named = reading('freezer-1', -17.5, Date.now() - 1_000);
    const newer = reading('freezer-1', -17.0, Date.now());
    await bridge.patch({
      readings: { 'freezer-1': [named, newer] },
      units: { 'freezer-1': { latestId: named.id, state: 'warning' } },
    });
    expect(latestOf(queryClient, 'freezer-1')).toEqual(named);
    expect(statusOf(queryClient, 'freezer-1')).toMatchObject({
      lastTemperature: -17.5,
      state: 'warning',
    });
  });

  it('applies the history backfill after the snapshot’s rows, merged with live readings', async () => {
    const { bridge, queryClient } = renderWithRealtime(<Popup />);
    await bridge.snapshot(snapshot());
    const initial = historyOf(queryClient, 'freezer-1')!;
    const older = reading('freezer-1', -18.2, NOW - 120_000);
    const live = reading('freezer-1', -18.3, Date.now());
    // The chunk the worker sends after a snapshot, then a live reading overtaking it.
    await bridge.patch({ readings: { 'freezer-1': [older] }, backfill: true });
    await bridge.patch({
      readings: { 'freezer-1': [live] },
      units: { 'freezer-1': { latest: live, state: 'normal' } },
    });
    expect(within(unitsRegion()).getAllByRole('listitem').length).toBeGreaterThan(0);
    await waitFor(() =>
      expect(historyOf(queryClient, 'freezer-1')!.map((r) => r.id)).toEqual([
        older.id,
        ...initial.map((r) => r.id),
        live.id,
      ]),
    );
    expect(latestOf(queryClient, 'freezer-1')?.id).toBe(live.id);
  });

  it('appends history deduplicated by id, in sensor-time order, capped at the last 100', async () => {
    const { bridge, queryClient } = renderWithRealtime(<Popup />);
    await bridge.snapshot(snapshot());
    const initial = historyOf(queryClient, 'freezer-1')!;
    expect(initial).toHaveLength(2);

    // The same reading twice, and a repeat of one we already have.
    const r = reading('freezer-1', -18.1, Date.now());
    await bridge.patch({ readings: { 'freezer-1': [r, r, initial[1]!] } });
    expect(historyOf(queryClient, 'freezer-1')!.map((x) => x.id)).toEqual([
      initial[0]!.id,
      initial[1]!.id,
      r.id,
    ]);

    // A late reading lands by sensor time, not arrival.
    const late = reading('freezer-1', -18.4, NOW - 30_000);
    await bridge.patch({ readings: { 'freezer-1': [late] } });
    expect(historyOf(queryClient, 'freezer-1')!.map((x) => x.id)).toEqual([
      initial[0]!.id,
      late.id,
      initial[1]!.id,
      r.id,
    ]);
    // ...and does not become the latest.
    expect(latestOf(queryClient, 'freezer-1')?.id).toBe(r.id);

    const burst = Array.from({ length: 150 }, (_, i) =>
      reading('freezer-1', -18, Date.now() + 1_000 + i),
    );
    await bridge.patch({ readings: { 'freezer-1': burst } });
    const history = historyOf(queryClient, 'freezer-1')!;
    expect(history).toHaveLength(100);
    expect(history[0]!.id).toBe(burst[50]!.id);
    expect(history[99]!.id).toBe(burst[149]!.id);
    expect(new Set(history.map((x) => x.id)).size).toBe(100);
  });

  it('upserts and removes alerts, and keeps closed ones in the unit’s session history', async () => {
    const user = userEvent.setup();
    const { bridge } = renderWithRealtime(<Popup />);
    await bridge.snapshot(snapshot());
    await bridge.patch({
      alerts: {
        upsert: [
          alert('al-9', 'freezer-1', {
            severity: 'warning',
            severityLabel: 'warning',
            type: 'door_open',
          }),
        ],
        remove: ['al-1'],
      },
    });
    const region = screen.getByRole('region', { name: 'Active alerts' });
    expect(
      within(region)
        .getAllByRole('listitem')
        .map((i) => i.getAttribute('aria-label')),
    ).toEqual(['Warning alert: Freezer 1']);
    await user.click(within(unitsRegion()).getByRole('button', { name: 'Walk-in 2' }));
    const dialog = screen.getByRole('dialog', { name: 'Walk-in 2' });
    expect(within(dialog).getByRole('list', { name: 'Alert history' })).toHaveTextContent(
      /Critical · Temperature alarm · \d\d:\d\d · closed/,
    );
  });

  it('reports status through useRealtimeStatus', async () => {
    let seen: ReturnType<typeof useRealtimeStatus> | undefined;
    function Probe() {
      seen = useRealtimeStatus();
      return null;
    }
    const { bridge } = renderWithRealtime(<Probe />);
    expect(seen).toMatchObject({
      status: 'connecting',
      isConnecting: true,
      isConnected: false,
      hasSnapshot: false,
    });
    await bridge.snapshot(snapshot());
    expect(seen).toMatchObject({
      status: 'live',
      isConnected: true,
      isConnecting: false,
      rtt: 12,
      reconnects: 0,
    });
    const error = { code: 'ping-timeout' as const, message: 'No pong in 20 s', at: NOW };
    await bridge.patch({
      connection: {
        ...snapshot().connection,
        status: 'reconnecting',
        reconnects: 1,
        lastError: error,
      },
    });
    expect(seen).toMatchObject({
      status: 'reconnecting',
      isConnecting: true,
      rtt: null,
      reconnects: 1,
      connectionError: error,
    });
  });

  it('says the same as useRealtimeStatus through useRealtimeLiveness, without re-rendering for readings (#14)', async () => {
    let full: ReturnType<typeof useRealtimeStatus> | undefined;
    let narrow: ReturnType<typeof useRealtimeLiveness> | undefined;
    let narrowRenders = 0;
    function Full() {
      full = useRealtimeStatus();
      return null;
    }
    function Narrow() {
      narrow = useRealtimeLiveness();
      narrowRenders += 1;
      return null;
    }
    const agree = () =>
      expect(narrow).toEqual({ hasSnapshot: full?.hasSnapshot, isConnected: full?.isConnected });
    const { bridge } = renderWithRealtime(
      <>
        <Full />
        <Narrow />
      </>,
    );
    agree();
    await bridge.snapshot(snapshot());
    agree();
    expect(narrow).toEqual({ hasSnapshot: true, isConnected: true });
    const rendersBefore = narrowRenders;
    const r = reading('freezer-1', -17.9, Date.now());
    await bridge.patch({
      readings: { 'freezer-1': [r] },
      connection: { ...snapshot().connection, lastDataAt: r.at, lastEventAt: r.at },
    });
    expect(full?.lastDataAt).toBe(r.at);
    expect(narrowRenders).toBe(rendersBefore);
    await bridge.patch({ connection: { ...snapshot().connection, status: 'reconnecting' } });
    agree();
    expect(narrow?.isConnected).toBe(false);
    await bridge.patch({ connection: snapshot().connection });
    await bridge.drop();
    agree();
    expect(narrow).toEqual({ hasSnapshot: true, isConnected: false });
  });

  it('stops listening when unmounted', async () => {
    const { bridge, unmount } = renderWithRealtime(<Popup />);
    expect(bridge.listenerCount).toBe(1);
    unmount();
    expect(bridge.listenerCount).toBe(0);
  });
});

describe('unit detail panel', () => {
  it('opens from the row, holds the unit while open, lists readings newest first, and releases on close', async () => {
    const user = userEvent.setup();
    const { bridge } = renderWithRealtime(<Popup />);
    await bridge.snapshot(snapshot());
    expect(bridge.posted).toEqual([]);

    await user.click(within(unitsRegion()).getByRole('button', { name: 'Freezer 1' }));
    const dialog = screen.getByRole('dialog', { name: 'Freezer 1' });
    expect(bridge.posted).toEqual([{ type: 'hold', entity: 'unit', id: 'freezer-1' }]);
    expect(
      within(dialog).getByRole('img', { name: /2 readings, min −18\.6\s°C, max −18\.2\s°C/ }),
    ).toBeInTheDocument();
    const readings = within(
      within(dialog).getByRole('list', { name: 'Readings, newest first' }),
    ).getAllByRole('listitem');
    expect(readings.map((li) => li.textContent)).toEqual([
      expect.stringMatching(/−18\.2\s°C · RH 45\s% · Battery 80\s%$/),
      expect.stringMatching(/−18\.6\s°C$/),
    ]);

    await bridge.patch({ readings: { 'freezer-1': [reading('freezer-1', -17.5, Date.now())] } });
    expect(
      within(within(dialog).getByRole('list', { name: 'Readings, newest first' })).getAllByRole(
        'listitem',
      )[0],
    ).toHaveTextContent(/−17\.5\s°C/);

    await user.click(within(dialog).getByRole('button', { name: 'Open in dashboard' }));
    expect(bridge.openedTabs).toEqual([
      'https://cold.example.com/orgs/org-1/sites/s-1/units/freezer-1?alert=',
    ]);

    await user.click(within(dialog).getByRole('button', { name: '← Back' }));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(bridge.posted).toEqual([
      { type: 'hold', entity: 'unit', id: 'freezer-1' },
      { type: 'release', entity: 'unit', id: 'freezer-1' },
    ]);
    // Focus returns to the row's button.
    expect(within(unitsRegion()).getByRole('button', { name: 'Freezer 1' })).toHaveFocus();
  });

  it('closes with Escape', async () => {
    const user = userEvent.setup();
    const { bridge } = renderWithRealtime(<Popup />);
    await bridge.snapshot(snapshot());
    await user.click(within(unitsRegion()).getByRole('button', { name: 'Dock Chiller' }));
    expect(screen.getByRole('dialog', { name: 'Dock Chiller' })).toBeInTheDocument();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(bridge.posted.at(-1)).toEqual({ type: 'release', entity: 'unit', id: 'dock-chiller' });
  });

  it('re-holds the open unit after the port to the background reconnects', async () => {
    const user = userEvent.setup();
    const { bridge } = renderWithRealtime(<Popup />);
    await bridge.snapshot(snapshot());
    await user.click(within(unitsRegion()).getByRole('button', { name: 'Freezer 1' }));
    await bridge.drop();
    await act(async () => {});
    await bridge.snapshot(snapshot());
    expect(bridge.posted).toEqual([
      { type: 'hold', entity: 'unit', id: 'freezer-1' },
      { type: 'hold', entity: 'unit', id: 'freezer-1' },
    ]);
  });
});
