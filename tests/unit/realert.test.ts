/**
 * Acknowledged is not fixed (issue #13): an acknowledged alert whose unit is
 * still out of range is announced again after `realertMinutes`, once per
 * period, saying so; driven by ticks (the watchdog alarm wakes a stopped
 * worker) and persisted so a restart does not repeat it. Fake timers.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { WxtBrowser } from 'wxt/browser';
import { fakeBrowser } from 'wxt/testing';
import { createNotificationsEffect } from '../../lib/effects/notifications';
import type { Alert, Preferences } from '../../lib/model';
import { planRealerts, realertMessage } from '../../lib/realert-policy';
import { DEFAULT_SCOPE, realertedItem } from '../../lib/storage';
import { createStore, initialWorkerState, type Store } from '../../lib/store';
import {
  alert,
  directory,
  liveState,
  MINUTE,
  prefs,
  reading,
  session,
  T0,
  triggered,
} from './fixtures';

const SESSION = session({ organizationId: 'org1' });

let readingSeq = 0;

/** A fresh reading of u1 (range 2 to 5 °C) at `temperature`. */
function readingOf(store: Store, temperature: number) {
  const at = Date.now();
  readingSeq += 1;
  store.dispatch({
    type: 'readings',
    batches: [{ unitId: 'u1', readings: [reading({ id: `r${readingSeq}`, at, temperature })] }],
    receivedAt: at,
  });
}

function createEffect(store: Store) {
  const effect = createNotificationsEffect({
    notifications: fakeBrowser.notifications as unknown as WxtBrowser['notifications'],
    store,
    supportsButtons: true,
    iconUrl: 'icon.png',
    now: () => Date.now(),
    ready: Promise.resolve(),
    acknowledge: async () => ({ ok: true, data: null }),
    openDashboard: () => undefined,
    openPopup: () => undefined,
    openOptions: () => undefined,
  });
  const unsubscribe = store.subscribe(effect.listener);
  return { effect, unsubscribe };
}

function setup(preferences: Partial<Preferences> = {}) {
  const store = createStore(
    initialWorkerState(T0, { preferences: prefs(preferences), scope: DEFAULT_SCOPE }),
  );
  store.dispatch({ type: 'session/begun', session: SESSION });
  store.dispatch({ type: 'connection/live', at: T0, recovered: false });
  store.dispatch({ type: 'directory/loaded', directory: directory() });
  const { effect, unsubscribe } = createEffect(store);
  const create = vi.spyOn(fakeBrowser.notifications, 'create');
  return { store, effect, unsubscribe, create };
}

const critical = (over: Partial<Alert> = {}) =>
  alert({ id: 'c1', severity: 'critical', severityLabel: 'critical', ...over });

function acknowledgeNow(store: Store, by = 'user-1') {
  store.dispatch({
    type: 'alert/acknowledged',
    alertId: 'c1',
    by,
    at: Date.now(),
    receivedAt: Date.now(),
  });
}

/** Minutes pass with a reading each minute, a tick each 5 s is not needed: one per minute. */
async function minutesPass(store: Store, minutes: number, temperature: number) {
  for (let i = 0; i < minutes; i += 1) {
    await vi.advanceTimersByTimeAsync(MINUTE);
    readingOf(store, temperature);
    store.dispatch({ type: 'tick', now: Date.now() });
  }
  await vi.advanceTimersByTimeAsync(0);
}

type CreateSpy = { mock: { calls: unknown[][] } };
const realerts = (create: CreateSpy) =>
  create.mock.calls.filter((call) =>
    String((call[1] as { message: string }).message).startsWith('Acknowledged'),
  );

describe('re-alert of acknowledged alerts still out of range', () => {
  beforeEach(() => {
    fakeBrowser.reset();
    vi.useFakeTimers({ now: T0 });
  });
  afterEach(() => vi.useRealTimers());

  it('after 30 min, once per period, saying who acknowledged and the reading now', async () => {
    const { store, create } = setup();
    store.dispatch(triggered(critical(), Date.now()));
    readingOf(store, 9.1);
    acknowledgeNow(store);
    await minutesPass(store, 29, 9.1);
    expect(realerts(create)).toHaveLength(0);
    await minutesPass(store, 1, 9.1);
    expect(realerts(create)).toHaveLength(1);
    const [id, options] = realerts(create)[0] as [string, { message: string; buttons?: unknown }];
    expect(id).toBe('alert:c1');
    expect(options.message).toMatch(/^Acknowledged 30 min ago by you, still 9\.1\u00a0°C\n/);
    expect(options.buttons).toBeUndefined();
    await minutesPass(store, 29, 9.1);
    expect(realerts(create)).toHaveLength(1);
    await minutesPass(store, 1, 9.1);
    expect(realerts(create)).toHaveLength(2);
    expect((realerts(create)[1]?.[1] as { message: string }).message).toMatch(
      /^Acknowledged 1 h ago by you/,
    );
  });

  it('says "by a colleague" when someone else acknowledged', async () => {
    const { store, create } = setup();
    store.dispatch(triggered(critical(), Date.now()));
    acknowledgeNow(store, 'someone-else');
    await minutesPass(store, 30, 9.1);
    expect((realerts(create)[0]?.[1] as { message: string }).message).toMatch(/by a colleague/);
  });

  it('not when the unit is back in range, nor when its reading is stale', async () => {
    const { store, create } = setup();
    store.dispatch(triggered(critical(), Date.now()));
    acknowledgeNow(store);
    await minutesPass(store, 31, 4.0);
    expect(realerts(create)).toHaveLength(0);
    // Out of range, but the last reading is older than the stale limit (15 min).
    readingOf(store, 9.1);
    await vi.advanceTimersByTimeAsync(30 * MINUTE);
    store.dispatch({ type: 'tick', now: Date.now() });
    await vi.advanceTimersByTimeAsync(0);
    expect(realerts(create)).toHaveLength(0);
  });

  it('0 turns it off, per severity', async () => {
    const { store, create } = setup({ realertMinutes: { critical: 0, warning: 30, info: 30 } });
    store.dispatch(triggered(critical(), Date.now()));
    acknowledgeNow(store);
    await minutesPass(store, 61, 9.1);
    expect(realerts(create)).toHaveLength(0);
  });

  it('is not repeated after a worker restart, and comes a full period after the last', async () => {
    const first = setup();
    first.store.dispatch(triggered(critical(), Date.now()));
    acknowledgeNow(first.store);
    await minutesPass(first.store, 30, 9.1);
    expect(realerts(first.create)).toHaveLength(1);
    expect(Object.keys(await realertedItem.getValue())).toEqual(['c1']);
    first.unsubscribe();

    const second = createEffect(first.store);
    await second.effect.hydrate();
    await minutesPass(first.store, 29, 9.1);
    expect(realerts(first.create)).toHaveLength(1);
    await minutesPass(first.store, 1, 9.1);
    expect(realerts(first.create)).toHaveLength(2);
  });
});

describe('planRealerts', () => {
  it('quiet hours hold back a warning, not a critical alert', () => {
    const hour = new Date(T0).getHours();
    const hh = (h: number) => String((h + 24) % 24).padStart(2, '0');
    const quiet = { enabled: true, start: `${hh(hour - 1)}:00`, end: `${hh(hour + 1)}:00` };
    const ackAt = T0 - 31 * MINUTE;
    const state = liveState([
      triggered(alert({ id: 'w1', status: 'acknowledged', acknowledgedAt: ackAt })),
      triggered(
        alert({
          id: 'c1',
          severity: 'critical',
          status: 'acknowledged',
          acknowledgedAt: ackAt,
        }),
      ),
      {
        type: 'readings',
        batches: [{ unitId: 'u1', readings: [reading({ id: 'r', at: T0, temperature: 9.1 })] }],
        receivedAt: T0,
      },
    ]);
    const plan = planRealerts({
      state,
      prefs: prefs({ quietHours: quiet }),
      scope: DEFAULT_SCOPE,
      session: SESSION,
      realerted: new Map(),
      snoozedUntil: new Map(),
      now: T0,
    });
    expect(plan.ops.map((op) => ('alertId' in op ? op.alertId : null))).toEqual(['c1']);
  });

  it('realertMessage reads as the issue asks', () => {
    expect(
      realertMessage({ ackAgoMs: 30 * MINUTE, byYou: true, reading: '9.1 °C', headline: 'X' }),
    ).toBe('Acknowledged 30 min ago by you, still 9.1 °C\nX');
  });
});
