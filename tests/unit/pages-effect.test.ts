/**
 * The pages effect (issue #9): a page gets the worker's unit view with its
 * snapshot, and a new view in a patch only when some unit's condition, rank
 * or alerts changed, built once per flush; a reading that changes nothing of
 * it sends readings only.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import { createPagesEffect } from '../../lib/effects/pages';
import { LIVE_PORT, type Patch, type PortOut } from '../../lib/messages';
import type { Port } from '../../lib/port-hub';
import { DEFAULT_PREFERENCES, DEFAULT_SCOPE } from '../../lib/storage';
import { createStore, createWorkerView, initialWorkerState } from '../../lib/store';
import { alert, directory, reading, T0 } from './fixtures';

function fakePort() {
  const received: PortOut[] = [];
  const listeners = () => ({ addListener: () => undefined, removeListener: () => undefined });
  const port = {
    name: LIVE_PORT,
    sender: { id: fakeBrowser.runtime.id, url: fakeBrowser.runtime.getURL('/popup.html') },
    postMessage: (message: PortOut) => void received.push(structuredClone(message)),
    disconnect: () => undefined,
    onMessage: listeners(),
    onDisconnect: listeners(),
  };
  const patches = () => received.flatMap((m) => (m.type === 'patch' ? [m.patch] : [])) as Patch[];
  return { port: port as unknown as Port, received, patches };
}

describe('pages effect', () => {
  beforeEach(() => vi.useFakeTimers({ now: T0 }));
  afterEach(() => vi.useRealTimers());

  it('sends the unit view with the snapshot, and again only when it changed', async () => {
    const store = createStore(
      initialWorkerState(T0, { preferences: DEFAULT_PREFERENCES, scope: DEFAULT_SCOPE }),
    );
    store.dispatch({ type: 'directory/loaded', directory: directory() });
    const pages = createPagesEffect({
      getState: store.getState,
      view: createWorkerView(),
      ready: Promise.resolve(),
      isTrusted: () => true,
      onRoomsChanged: () => undefined,
      now: () => Date.now(),
    });
    store.subscribe(pages.listener);
    const page = fakePort();
    pages.hub.accept(page.port);
    await vi.runAllTimersAsync();
    const first = page.received[0];
    expect(first?.type).toBe('snapshot');
    if (first?.type !== 'snapshot') return;
    // Every unit of the directory, none has reported yet.
    expect(first.snapshot.view.entries.map((e) => e.condition)).toEqual([
      'no-data',
      'no-data',
      'no-data',
    ]);

    // A reading in range: u1 is now "ok", the view changes.
    store.dispatch({
      type: 'readings',
      receivedAt: T0,
      batches: [{ unitId: 'u1', readings: [reading({ id: 'r1', at: T0, temperature: 4 })] }],
    });
    await vi.runAllTimersAsync();
    expect(page.patches().at(-1)?.view?.counts).toMatchObject({ inRange: 1, noData: 2 });

    // Another reading in range: readings only, no new view.
    const sent = page.patches().length;
    store.dispatch({
      type: 'readings',
      receivedAt: T0 + 1_000,
      batches: [
        { unitId: 'u1', readings: [reading({ id: 'r2', at: T0 + 1_000, temperature: 4.2 })] },
      ],
    });
    await vi.runAllTimersAsync();
    expect(
      page
        .patches()
        .slice(sent)
        .some((p) => p.readings !== undefined),
    ).toBe(true);
    expect(
      page
        .patches()
        .slice(sent)
        .every((p) => p.view === undefined),
    ).toBe(true);

    // A critical alert on u1: in alarm, first in the list, counted.
    store.dispatch({
      type: 'alert/triggered',
      alert: alert({ id: 'a1', unitId: 'u1', severity: 'critical' }),
      receivedAt: T0 + 2_000,
    });
    await vi.runAllTimersAsync();
    const view = page.patches().at(-1)?.view;
    expect(view?.entries[0]).toMatchObject({ unitId: 'u1', condition: 'alarm', activeAlerts: 1 });
    expect(view?.alerts.critical).toBe(1);
  });
});
