/**
 * Delivery you can trust (issue #13): one rule (`deliveryNotices`) over the
 * store's delivery state, shown in the badge tooltip; the notifications effect
 * reports the permission level and failed creates into the store.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import type { WxtBrowser } from 'wxt/browser';
import { badgeFor } from '../../lib/badge';
import {
  BLOCKED_TEXT,
  INITIAL_DELIVERY,
  SILENT_AFTER_MS,
  deliveryNotices,
} from '../../lib/delivery';
import { DEFAULT_SCOPE } from '../../lib/storage';
import { initialWorkerState, reduceWorker, type WorkerState } from '../../lib/store';
import { alert, liveState, prefs, T0, triggered } from './fixtures';
import { liveNotificationsEffect } from './notifications-effect-setup';

function worker(): WorkerState {
  return {
    ...initialWorkerState(T0, { preferences: prefs(), scope: DEFAULT_SCOPE }),
    // Live, and the server last heard from at T0.
    live: liveState([{ type: 'event/received', receivedAt: T0 }]),
  };
}

const kinds = (w: WorkerState, now = T0) =>
  deliveryNotices(w.delivery, w.live, now).map((n) => n.kind);

describe('delivery reducer and rule', () => {
  it('says nothing when all is well, and "blocked" when the permission is denied', () => {
    const w = worker();
    expect(kinds(w)).toEqual([]);
    const denied = reduceWorker(w, { type: 'delivery/permission', level: 'denied' });
    expect(deliveryNotices(denied.delivery, denied.live, T0)).toEqual([
      { kind: 'blocked', text: BLOCKED_TEXT },
    ]);
    const granted = reduceWorker(denied, { type: 'delivery/permission', level: 'granted' });
    expect(kinds(granted)).toEqual([]);
    // Unchanged level: the very same state (no re-render, no patch).
    expect(reduceWorker(granted, { type: 'delivery/permission', level: 'granted' })).toBe(granted);
  });

  it('remembers a failed notification until one is shown again', () => {
    const failed = reduceWorker(worker(), {
      type: 'delivery/result',
      at: T0,
      shown: 0,
      failure: 'Unable to create notification',
    });
    expect(deliveryNotices(failed.delivery, failed.live, T0)[0]?.text).toBe(
      'A notification could not be shown (Unable to create notification): alerts may only show on the badge',
    );
    const shown = reduceWorker(failed, {
      type: 'delivery/result',
      at: T0 + 1,
      shown: 1,
      failure: null,
    });
    expect(kinds(shown)).toEqual([]);
  });

  it('blocked says it all: no second line for the failures it causes', () => {
    let w = reduceWorker(worker(), { type: 'delivery/permission', level: 'denied' });
    w = reduceWorker(w, { type: 'delivery/result', at: T0, shown: 0, failure: 'denied' });
    expect(kinds(w)).toEqual(['blocked']);
  });

  it('a "live" server silent beyond the heartbeat is said; a ping answer or an event ends it', () => {
    const w = worker();
    const since = T0; // the last event
    expect(kinds(w, since + SILENT_AFTER_MS)).toEqual([]);
    expect(kinds(w, since + SILENT_AFTER_MS + 1)).toEqual(['silent']);
    const ponged = reduceWorker(w, {
      type: 'connection/rtt',
      rtt: 20,
      serverTime: since + SILENT_AFTER_MS,
      at: since + SILENT_AFTER_MS,
    });
    expect(ponged.delivery.lastPongAt).toBe(since + SILENT_AFTER_MS);
    expect(kinds(ponged, since + SILENT_AFTER_MS + 1)).toEqual([]);
    const evented = reduceWorker(w, triggered(alert({ id: 'a' }), since + SILENT_AFTER_MS));
    expect(kinds(evented, since + SILENT_AFTER_MS + 1)).toEqual([]);
  });

  it('is not silence when the connection is not live (the badge says "off" then)', () => {
    const w = worker();
    const down = reduceWorker(w, {
      type: 'connection/down',
      at: T0,
      offline: false,
      error: { code: 'transport', message: 'lost', at: T0 },
    });
    expect(kinds(down, T0 + 10 * SILENT_AFTER_MS)).toEqual([]);
  });
});

describe('badge tooltip', () => {
  it('carries every delivery notice as a line', () => {
    const live = liveState();
    const plain = badgeFor({ state: live, scope: DEFAULT_SCOPE, staleMs: 15 * 60_000, now: T0 });
    expect(plain.title).not.toMatch(/blocked/);
    const badge = badgeFor({
      state: live,
      scope: DEFAULT_SCOPE,
      staleMs: 15 * 60_000,
      now: T0,
      delivery: deliveryNotices({ ...INITIAL_DELIVERY, permission: 'denied' }, live, T0),
    });
    expect(badge.title.split('\n')).toContain(`⚠ ${BLOCKED_TEXT}`);
    // The badge itself (count, colour) does not change: only what it says.
    expect(badge.text).toBe(plain.text);
  });
});

describe('notifications effect: what it tells the store', () => {
  beforeEach(() => fakeBrowser.reset());

  const setup = liveNotificationsEffect;

  it('a notification that fails to create is a delivery failure in the store', async () => {
    const notifications = {
      ...fakeBrowser.notifications,
      create: vi.fn(async () => {
        throw new Error('Notifications are disabled');
      }),
    } as unknown as WxtBrowser['notifications'];
    const { store } = setup(notifications);
    store.dispatch(triggered(alert({ id: 'a1' })));
    await vi.waitFor(() => expect(store.getState().delivery.failure).not.toBeNull());
    expect(store.getState().delivery.failure?.message).toBe('Notifications are disabled');
  });

  it('reads the permission level and follows its changes where the browser has them', async () => {
    let level = 'denied';
    const listeners = new Set<(level: string) => void>();
    const notifications = {
      ...fakeBrowser.notifications,
      getPermissionLevel: async () => level,
      onPermissionLevelChanged: {
        addListener: (l: (level: string) => void) => listeners.add(l),
        removeListener: (l: (level: string) => void) => listeners.delete(l),
      },
    } as unknown as WxtBrowser['notifications'];
    const { store, effect } = setup(notifications);
    const dispose = effect.listen();
    await effect.checkPermission();
    expect(store.getState().delivery.permission).toBe('denied');
    level = 'granted';
    for (const l of listeners) l('granted');
    expect(store.getState().delivery.permission).toBe('granted');
    dispose();
    expect(listeners.size).toBe(0);
  });

  it('stores what it announced with each alert, and the snoozes only when one begins', async () => {
    const set = vi.spyOn(fakeBrowser.storage.local, 'set');
    const { store, effect } = setup(
      fakeBrowser.notifications as unknown as WxtBrowser['notifications'],
    );
    const keysWritten = () => set.mock.calls.flatMap(([items]) => Object.keys(items));
    store.dispatch(triggered(alert({ id: 'a1' })));
    store.dispatch(triggered(alert({ id: 'a2', unitId: 'u2' })));
    await vi.waitFor(() => expect(keysWritten().filter((k) => k === 'notified')).toHaveLength(2));
    expect(keysWritten()).not.toContain('snoozed');
    expect(await fakeBrowser.storage.local.get('notified')).toEqual({
      notified: { a1: T0, a2: T0 },
    });
    await effect.snooze('a1', 30);
    expect(keysWritten().filter((k) => k === 'snoozed')).toHaveLength(1);
    expect(await fakeBrowser.storage.local.get('snoozed')).toEqual({
      snoozed: { a1: T0 + 30 * 60_000 },
    });
  });

  it('says nothing where the browser cannot tell (Firefox has no getPermissionLevel)', async () => {
    const { store, effect } = setup(
      fakeBrowser.notifications as unknown as WxtBrowser['notifications'],
    );
    await effect.checkPermission();
    expect(store.getState().delivery.permission).toBe('unknown');
  });
});
