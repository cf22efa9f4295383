/**
 * "Since you last looked" (issue #13): the event log records each alert and
 * unit transition once, from the store's transitions, bounded to 200 entries
 * and 7 days, newest first since the popup was last closed, and survives a
 * restart without recording the restored alerts again.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import { createEventLogEffect, EVENT_LOG_PERSIST_MS } from '../../lib/effects/event-log';
import {
  acknowledgerLabel,
  appendEvents,
  EVENT_LOG_LIMIT,
  EVENT_LOG_MAX_AGE_MS,
  eventsSince,
  eventText,
  type LoggedEvent,
} from '../../lib/event-log';
import { DEFAULT_PREFERENCES, DEFAULT_SCOPE, loadEventLog } from '../../lib/storage';
import { createStore, createWorkerView, initialWorkerState } from '../../lib/store';
import { alert, directory, MINUTE, reading, session, T0, triggered } from './fixtures';

const SESSION = session({ organizationId: 'org1', email: 'me@example.test', displayName: 'Me' });
const COLLEAGUE = '3f2b6c1e-8a4d-4e5f-9b7a-1c2d3e4f5a6b';

let clock = T0;

function setup() {
  const store = createStore(
    initialWorkerState(T0, { preferences: DEFAULT_PREFERENCES, scope: DEFAULT_SCOPE }),
  );
  const effect = createEventLogEffect({ store, view: createWorkerView(), now: () => clock });
  store.subscribe(effect.listener);
  store.dispatch({ type: 'session/begun', session: SESSION });
  store.dispatch({ type: 'directory/loaded', directory: directory() });
  store.dispatch({ type: 'connection/live', at: T0, recovered: false });
  return { store, effect };
}

function all(effect: ReturnType<typeof setup>['effect']): LoggedEvent[] {
  return effect.sinceLastLooked().events;
}

function popupPort() {
  const listeners: (() => void)[] = [];
  return {
    sender: { url: 'chrome-extension://abc/popup.html' },
    onDisconnect: { addListener: (cb: () => void) => void listeners.push(cb) },
    close: () => listeners.forEach((cb) => cb()),
  };
}

describe('the event log', () => {
  beforeEach(() => {
    fakeBrowser.reset();
    clock = T0;
  });

  it('records an alert triggered, escalated, acknowledged and resolved, each once, newest first', () => {
    const { store, effect } = setup();
    const a = alert({ id: 'a1', triggeredAt: T0 + MINUTE });
    store.dispatch(triggered(a, T0 + MINUTE));
    store.dispatch(triggered(a, T0 + MINUTE)); // a replay
    clock = T0 + 2 * MINUTE;
    store.dispatch({
      type: 'alert/escalated',
      alertId: 'a1',
      unitId: 'u1',
      level: 1,
      receivedAt: T0,
    });
    clock = T0 + 3 * MINUTE;
    store.dispatch({ type: 'tick', now: clock });
    store.dispatch({
      type: 'alert/acknowledged',
      alertId: 'a1',
      by: SESSION.email,
      at: T0 + 4 * MINUTE,
      receivedAt: clock,
    });
    store.dispatch({
      type: 'alert/resolved',
      alertId: 'a1',
      unitId: 'u1',
      at: T0 + 5 * MINUTE,
      receivedAt: clock,
    });
    store.dispatch({
      type: 'alert/resolved',
      alertId: 'a1',
      unitId: 'u1',
      at: T0 + 6 * MINUTE,
      receivedAt: clock,
    });
    const events = all(effect);
    expect(events.map((e) => e.kind)).toEqual([
      'alert-resolved',
      'alert-acknowledged',
      'alert-escalated',
      'alert-triggered',
    ]);
    expect(events.map(eventText)).toEqual([
      'Critical alert on Walk-in resolved',
      'Critical alert on Walk-in acknowledged by you',
      'Alert on Walk-in escalated to critical',
      'Warning alert on Walk-in triggered',
    ]);
    expect(events[0]?.at).toBe(T0 + 5 * MINUTE);
  });

  it('names who acknowledged: you, a readable name, or "a colleague", never a profile id', () => {
    expect(acknowledgerLabel(SESSION.email, SESSION)).toBe('you');
    expect(acknowledgerLabel(SESSION.userId, SESSION)).toBe('you');
    expect(acknowledgerLabel(COLLEAGUE, SESSION)).toBe('a colleague');
    expect(acknowledgerLabel('Dana (night shift)', SESSION)).toBe('Dana (night shift)');
    expect(acknowledgerLabel(null, SESSION)).toBe('someone');

    const { store, effect } = setup();
    // Acknowledged elsewhere: the REST resync brings it acknowledged by a profile id.
    store.dispatch({
      type: 'alerts/synced',
      at: T0,
      alerts: [
        alert({
          id: 'a2',
          status: 'acknowledged',
          acknowledgedAt: T0 + MINUTE,
          acknowledgedBy: COLLEAGUE,
        }),
      ],
    });
    const texts = all(effect).map(eventText);
    expect(texts).toContain('Warning alert on Walk-in acknowledged by a colleague');
    expect(texts.join('\n')).not.toContain(COLLEAGUE);
  });

  it('a sign-out clears alerts without recording them as resolved', () => {
    const { store, effect } = setup();
    store.dispatch(triggered(alert({ id: 'a1' })));
    store.dispatch({ type: 'session/cleared', at: T0 });
    expect(all(effect).map((e) => e.kind)).toEqual(['alert-triggered']);
  });

  it('records units that stop reporting and come back, only while live, silently at first', () => {
    const { store, effect } = setup();
    store.dispatch({
      type: 'readings',
      batches: [{ unitId: 'u1', readings: [reading({ id: 'x', at: T0 })] }],
      receivedAt: T0,
    });
    store.dispatch({ type: 'tick', now: T0 + 1_000 });
    expect(all(effect)).toEqual([]);
    store.dispatch({
      type: 'unit/state',
      unitId: 'u1',
      state: 'offline',
      at: T0 + 2_000,
      receivedAt: T0 + 2_000,
    });
    store.dispatch({
      type: 'unit/state',
      unitId: 'u1',
      state: 'normal',
      at: T0 + 3_000,
      receivedAt: T0 + 3_000,
    });
    expect(all(effect).map(eventText)).toEqual([
      'Walk-in is reporting again',
      'Walk-in went offline',
    ]);
    // The worker cut off: every unit goes stale, and that is not news about the units.
    store.dispatch({
      type: 'connection/down',
      at: T0 + 4_000,
      offline: false,
      error: { code: 'transport', message: 'gone', at: T0 + 4_000 },
    });
    store.dispatch({ type: 'tick', now: T0 + 60 * MINUTE });
    store.dispatch({ type: 'connection/live', at: T0 + 60 * MINUTE, recovered: false });
    store.dispatch({ type: 'tick', now: T0 + 61 * MINUTE });
    expect(all(effect)).toHaveLength(2);
  });

  it('shows what happened since the popup was last closed, and the options page does not count', () => {
    const { store, effect } = setup();
    expect(effect.sinceLastLooked().since).toBeNull();
    store.dispatch(triggered(alert({ id: 'a1', triggeredAt: T0 + MINUTE })));
    const popup = popupPort();
    effect.watchPort(popup);
    const options = popupPort();
    options.sender.url = 'chrome-extension://abc/options.html';
    effect.watchPort(options);
    clock = T0 + 2 * MINUTE;
    popup.close();
    clock = T0 + 10 * MINUTE;
    options.close();
    store.dispatch(triggered(alert({ id: 'a2', unitId: 'u2', triggeredAt: T0 + 3 * MINUTE })));
    const digest = effect.sinceLastLooked();
    expect(digest.since).toBe(T0 + 2 * MINUTE);
    expect(digest.events.map(eventText)).toEqual(['Warning alert on Freezer 2 triggered']);
  });
});

describe('bounds and order', () => {
  function ev(i: number, at: number): LoggedEvent {
    return { key: `k${i}`, kind: 'unit-back', at, unitId: 'u1', unitName: 'Walk-in' };
  }

  it(`keeps the newest ${EVENT_LOG_LIMIT}, none older than 7 days, each key once`, () => {
    const now = T0 + 10 * 24 * 60 * MINUTE;
    let log: readonly LoggedEvent[] = [];
    log = appendEvents(log, [ev(-1, now - EVENT_LOG_MAX_AGE_MS - 1)], now);
    expect(log).toEqual([]);
    for (let i = 0; i < EVENT_LOG_LIMIT + 50; i += 1)
      log = appendEvents(log, [ev(i, now - 1000 + i)], now);
    expect(log).toHaveLength(EVENT_LOG_LIMIT);
    expect(log[0]?.key).toBe('k50');
    const same = appendEvents(log, [ev(100, now)], now);
    expect(same).toBe(log);
    // A week later the old ones are gone with the next entry.
    const later = appendEvents(
      log,
      [ev(999, now + EVENT_LOG_MAX_AGE_MS)],
      now + EVENT_LOG_MAX_AGE_MS,
    );
    expect(later.map((e) => e.key)).toEqual(['k999']);
  });

  it('orders by when it happened (a late-learned event in its place), newest first after `since`', () => {
    const log = appendEvents([ev(1, T0), ev(3, T0 + 3 * MINUTE)], [ev(2, T0 + MINUTE)], T0);
    expect(log.map((e) => e.key)).toEqual(['k1', 'k2', 'k3']);
    expect(eventsSince(log, T0).map((e) => e.key)).toEqual(['k3', 'k2']);
    expect(eventsSince(log, null).map((e) => e.key)).toEqual(['k3', 'k2', 'k1']);
  });
});

describe('across a worker restart', () => {
  beforeEach(() => {
    fakeBrowser.reset();
    clock = T0;
    vi.useFakeTimers();
  });
  afterEach(() => vi.useRealTimers());

  it('keeps the log and when the popup was closed; restored alerts are not recorded again', async () => {
    const first = setup();
    const a = alert({ id: 'a1', triggeredAt: T0 + MINUTE });
    first.store.dispatch(triggered(a));
    const popup = popupPort();
    first.effect.watchPort(popup);
    clock = T0 + 2 * MINUTE;
    popup.close();
    await vi.advanceTimersByTimeAsync(EVENT_LOG_PERSIST_MS);
    first.effect.dispose();

    // The new worker: the snapshot brings a1 back before the log is restored.
    const second = setup();
    const saved = second.effect.load();
    second.store.dispatch({
      type: 'snapshot/restored',
      at: clock,
      snapshot: { latest: [], alerts: [a], tombstones: [], lastDataAt: null },
    });
    second.effect.restore(await saved);
    expect(second.effect.sinceLastLooked()).toEqual({ since: T0 + 2 * MINUTE, events: [] });
    second.store.dispatch({
      type: 'alert/resolved',
      alertId: 'a1',
      unitId: 'u1',
      at: T0 + 5 * MINUTE,
      receivedAt: clock,
    });
    expect(second.effect.sinceLastLooked().events.map((e) => e.kind)).toEqual(['alert-resolved']);
    await vi.advanceTimersByTimeAsync(EVENT_LOG_PERSIST_MS);
    const stored = await loadEventLog();
    expect(stored?.events.map((e) => e.key)).toEqual(['triggered:a1', 'resolved:a1']);
  });
});
