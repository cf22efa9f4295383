/**
 * The persistence effect (issue #14): an alert change is in storage within
 * PERSIST_INTERVAL_MS, so a restarted worker never announces it again, while
 * readings alone rewrite the snapshot at most every PERSIST_READINGS_INTERVAL_MS
 * (writing it every 2 s was the worker's top profile entry).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import {
  createPersistenceEffect,
  PERSIST_INTERVAL_MS,
  PERSIST_READINGS_INTERVAL_MS,
} from '../../lib/effects/persistence';
import {
  alertsSnapshotItem,
  DEFAULT_PREFERENCES,
  DEFAULT_SCOPE,
  loadSnapshot,
  snapshotItem,
} from '../../lib/storage';
import { createStore, initialWorkerState } from '../../lib/store';
import { alert, directory, reading, session, T0, triggered } from './fixtures';

const SESSION = session();

function setup() {
  const store = createStore(
    initialWorkerState(T0, { preferences: DEFAULT_PREFERENCES, scope: DEFAULT_SCOPE }),
  );
  store.dispatch({ type: 'session/begun', session: SESSION });
  store.dispatch({ type: 'directory/loaded', directory: directory() });
  const effect = createPersistenceEffect({ getState: store.getState, now: () => Date.now() });
  store.subscribe(effect.listener);
  const write = vi.spyOn(snapshotItem, 'setValue');
  return { store, effect, write };
}

const readingEvent = (id: string, at: number) => ({
  type: 'readings' as const,
  batches: [{ unitId: 'u1', readings: [reading({ id, at })] }],
  receivedAt: at,
});

describe('persistence effect', () => {
  beforeEach(() => {
    fakeBrowser.reset();
    vi.useFakeTimers({ now: T0 });
  });
  afterEach(() => vi.useRealTimers());

  it('writes the first readings within PERSIST_INTERVAL_MS, then at most every PERSIST_READINGS_INTERVAL_MS', async () => {
    const { store, effect, write } = setup();
    // A worker stopped soon after it started must leave a snapshot behind.
    store.dispatch(readingEvent('r0', T0));
    await vi.advanceTimersByTimeAsync(PERSIST_INTERVAL_MS);
    expect(write).toHaveBeenCalledTimes(1);
    for (let i = 1; i <= 20; i += 1) {
      store.dispatch(readingEvent(`r${i}`, T0 + PERSIST_INTERVAL_MS + i * 1_000));
      await vi.advanceTimersByTimeAsync(1_000);
    }
    // 20 s more of one reading a second: nothing written since.
    expect(write).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(PERSIST_READINGS_INTERVAL_MS);
    expect(write).toHaveBeenCalledTimes(2);
    expect((await loadSnapshot())?.latest.find((l) => l.unitId === 'u1')?.reading?.id).toBe('r20');
    effect.dispose();
  });

  it('writes an alert change within PERSIST_INTERVAL_MS without rewriting the readings, which keep their own interval', async () => {
    const { store, effect, write } = setup();
    const writeAlerts = vi.spyOn(alertsSnapshotItem, 'setValue');
    store.dispatch(readingEvent('r0', T0));
    await vi.advanceTimersByTimeAsync(PERSIST_INTERVAL_MS);
    // The first write stores both halves.
    expect(write).toHaveBeenCalledTimes(1);
    expect(writeAlerts).toHaveBeenCalledTimes(1);
    store.dispatch(readingEvent('r1', T0 + PERSIST_INTERVAL_MS));
    await vi.advanceTimersByTimeAsync(1_000);
    for (let i = 1; i <= 3; i += 1) {
      store.dispatch(
        triggered(alert({ id: `a-${i}`, unitId: 'u1' }), T0 + PERSIST_INTERVAL_MS * (i + 1)),
      );
      await vi.advanceTimersByTimeAsync(PERSIST_INTERVAL_MS);
    }
    // Each alert change is in within PERSIST_INTERVAL_MS; the readings were not written again.
    expect(writeAlerts).toHaveBeenCalledTimes(4);
    expect(write).toHaveBeenCalledTimes(1);
    const restored = await loadSnapshot();
    expect(restored?.alerts.map((a) => a.id)).toEqual(['a-1', 'a-2', 'a-3']);
    expect(restored?.latest.find((l) => l.unitId === 'u1')?.reading?.id).toBe('r0');
    // The waiting readings write comes at its own time.
    await vi.advanceTimersByTimeAsync(PERSIST_READINGS_INTERVAL_MS);
    expect(write).toHaveBeenCalledTimes(2);
    expect(writeAlerts).toHaveBeenCalledTimes(4);
    expect((await loadSnapshot())?.latest.find((l) => l.unitId === 'u1')?.reading?.id).toBe('r1');
    effect.dispose();
  });
});
