/**
 * The first-view effect (#14): the popup's first view is in storage.session
 * within FIRST_VIEW_INTERVAL_MS of a change, is not written again while
 * nothing changed, and is gone at once at sign-out so no popup paints the
 * old account's units. The view itself comes from the worker's unit view.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import {
  createFirstViewEffect,
  FIRST_VIEW_INTERVAL_MS,
  READINGS_ONLY_INTERVAL_MS,
} from '../../lib/effects/first-view';
import { FIRST_VIEW_KEY, FIRST_VIEW_ROWS, type FirstView } from '../../lib/first-view';
import { summaryLine } from '../../lib/state/unit-view';
import { DEFAULT_PREFERENCES, DEFAULT_SCOPE, firstViewItem } from '../../lib/storage';
import { createStore, createWorkerView, initialWorkerState } from '../../lib/store';
import { alert, directory, reading, session, T0 } from './fixtures';

const SESSION = session();

function setup() {
  const store = createStore(
    initialWorkerState(T0, { preferences: DEFAULT_PREFERENCES, scope: DEFAULT_SCOPE }),
  );
  const view = createWorkerView();
  const writes: (string | null)[] = [];
  const effect = createFirstViewEffect({
    getState: store.getState,
    view,
    now: () => Date.now(),
    async write(json) {
      writes.push(json);
      if (json === null) await firstViewItem.removeValue();
      else await firstViewItem.setValue(json);
    },
  });
  store.subscribe(effect.listener);
  return { store, effect, view, writes };
}

const readingEvent = (id: string, at: number, temperature = 4) => ({
  type: 'readings' as const,
  batches: [{ unitId: 'u1', readings: [reading({ id, at, temperature })] }],
  receivedAt: at,
});

async function stored(): Promise<FirstView | null> {
  const raw = (await fakeBrowser.storage.session.get(FIRST_VIEW_KEY))[FIRST_VIEW_KEY];
  return typeof raw === 'string' ? (JSON.parse(raw) as FirstView) : null;
}

describe('first-view effect', () => {
  beforeEach(() => {
    fakeBrowser.reset();
    vi.useFakeTimers({ now: T0 });
  });
  afterEach(() => vi.useRealTimers());

  it('keeps the stored view while a woken worker restores its units, and writes once they are in', async () => {
    const { store, writes } = setup();
    store.dispatch({
      type: 'settings/hydrated',
      session: SESSION,
      preferences: DEFAULT_PREFERENCES,
      scope: DEFAULT_SCOPE,
      monitoringStopped: false,
    });
    // The directory without its units' readings: every row would say "no data".
    store.dispatch({ type: 'directory/loaded', directory: directory(), seed: false });
    store.dispatch({
      type: 'alert/triggered',
      alert: alert({ id: 'a1', unitId: 'u1' }),
      receivedAt: T0,
    });
    await vi.advanceTimersByTimeAsync(5 * FIRST_VIEW_INTERVAL_MS);
    expect(writes).toEqual([]);
    store.dispatch({
      type: 'snapshot/restored',
      snapshot: {
        latest: [{ unitId: 'u1', reading: reading({ id: 'r1', at: T0 }), state: 'normal' }],
        alerts: [],
        tombstones: [],
        lastDataAt: T0,
      },
      at: T0,
    });
    store.dispatch({ type: 'restore/done' });
    await vi.advanceTimersByTimeAsync(FIRST_VIEW_INTERVAL_MS);
    expect(writes).toHaveLength(1);
    expect((await stored())?.rows.find((r) => r.id === 'u1')?.latest).not.toBeNull();
  });

  it('stores the summary facts and the first rows of the worker view, under the key the popup reads', async () => {
    const { store, view } = setup();
    store.dispatch({ type: 'session/begun', session: SESSION });
    store.dispatch({ type: 'directory/loaded', directory: directory() });
    store.dispatch(readingEvent('r1', T0, 3.5));
    await vi.advanceTimersByTimeAsync(FIRST_VIEW_INTERVAL_MS);
    const first = await stored();
    const unitView = view(store.getState());
    expect(first).not.toBeNull();
    expect(first?.total).toBe(unitView.entries.length);
    expect(first?.rows.map((r) => [r.id, r.condition])).toEqual(
      unitView.entries.slice(0, FIRST_VIEW_ROWS).map((e) => [e.unitId, e.condition]),
    );
    // The summary the popup paints from it is the badge tooltip's line, word for word.
    expect(summaryLine({ ...first!, entries: { length: first!.total } })).toBe(
      summaryLine(unitView),
    );
    expect(first?.rows.find((r) => r.id === 'u1')?.latest?.temperature).toBe(3.5);
    expect(first?.savedAt).toBe(T0 + FIRST_VIEW_INTERVAL_MS);
  });

  it('writes at most once per interval, and not at all while nothing changed', async () => {
    const { store, writes } = setup();
    store.dispatch({ type: 'session/begun', session: SESSION });
    store.dispatch({ type: 'directory/loaded', directory: directory() });
    await vi.advanceTimersByTimeAsync(FIRST_VIEW_INTERVAL_MS);
    expect(writes).toHaveLength(1);
    for (let i = 0; i < 5; i += 1) store.dispatch(readingEvent(`r${i}`, T0 + i, 4 + i));
    await vi.advanceTimersByTimeAsync(FIRST_VIEW_INTERVAL_MS);
    expect(writes).toHaveLength(2);
    // The same reading again changes nothing the first view shows.
    store.dispatch(readingEvent('r4', T0 + 4, 8));
    await vi.advanceTimersByTimeAsync(FIRST_VIEW_INTERVAL_MS);
    expect(writes).toHaveLength(2);
  });

  it('writes a change of readings alone once per readings interval, and anything else within a second', async () => {
    const { store, writes } = setup();
    store.dispatch({ type: 'session/begun', session: SESSION });
    store.dispatch({ type: 'directory/loaded', directory: directory() });
    store.dispatch(readingEvent('r0', T0, 3));
    await vi.advanceTimersByTimeAsync(FIRST_VIEW_INTERVAL_MS);
    expect(writes).toHaveLength(1);
    const writtenAt = Date.now();
    // In range before and after: only the temperature moves, once a second.
    for (let i = 1; Date.now() < writtenAt + READINGS_ONLY_INTERVAL_MS - 1_500; i += 1) {
      store.dispatch(readingEvent(`r${i}`, Date.now(), 3 + (i % 2) / 2));
      await vi.advanceTimersByTimeAsync(FIRST_VIEW_INTERVAL_MS);
    }
    // Readings stop: the last of them still lands when the interval ends, not before.
    const last = (await stored())?.rows.find((r) => r.id === 'u1')?.latest?.temperature;
    await vi.advanceTimersByTimeAsync(writtenAt + READINGS_ONLY_INTERVAL_MS - Date.now() - 1);
    expect(writes).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(writes).toHaveLength(2);
    expect((await stored())?.savedAt).toBe(writtenAt + READINGS_ONLY_INTERVAL_MS);
    const second = (await stored())?.rows.find((r) => r.id === 'u1')?.latest?.temperature;
    expect(second).not.toBe(last);
    expect(second).toBe(store.getState().live.units.get('u1')?.latest?.temperature);

    // A reading changes again (deferred), then an alert: the alert lands within a second.
    store.dispatch(readingEvent('r-late', Date.now(), 4.5));
    await vi.advanceTimersByTimeAsync(FIRST_VIEW_INTERVAL_MS);
    expect(writes).toHaveLength(2);
    store.dispatch({
      type: 'alert/triggered',
      alert: alert({ id: 'a1', unitId: 'u1', severity: 'critical', triggeredAt: Date.now() }),
      receivedAt: Date.now(),
    });
    await vi.advanceTimersByTimeAsync(FIRST_VIEW_INTERVAL_MS);
    expect(writes).toHaveLength(3);
    expect((await stored())?.alerts.critical).toBe(1);
  });

  it('removes the first view at once at sign-out', async () => {
    const { store } = setup();
    store.dispatch({ type: 'session/begun', session: SESSION });
    store.dispatch({ type: 'directory/loaded', directory: directory() });
    await vi.advanceTimersByTimeAsync(FIRST_VIEW_INTERVAL_MS);
    expect(await stored()).not.toBeNull();
    store.dispatch({ type: 'session/ended' });
    await vi.advanceTimersByTimeAsync(0);
    expect(await stored()).toBeNull();
  });

  it('keeps a stored view while a restarted worker has no units yet', async () => {
    await firstViewItem.setValue(JSON.stringify({ rows: [], total: 3 }));
    const { store, writes } = setup();
    store.dispatch({ type: 'session/begun', session: SESSION });
    await vi.advanceTimersByTimeAsync(FIRST_VIEW_INTERVAL_MS);
    expect(writes).toEqual([]);
    expect(await firstViewItem.getValue()).not.toBeNull();
  });
});
