/**
 * Notifications outlive the worker that showed them (issue #3). After a
 * REST resync of the open alerts, the notifications effect clears what is on
 * screen for alerts that are no longer open and unacknowledged, whether or
 * not the state changed, and leaves everything else alone.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import type { WxtBrowser } from 'wxt/browser';
import { NOTIFICATION_IDS, alertNotificationId } from '../../lib/notification-policy';
import { realertedItem } from '../../lib/storage';
import { alert, T0 } from './fixtures';
import { liveNotificationsEffect } from './notifications-effect-setup';

const shownIds = async () => Object.keys(await fakeBrowser.notifications.getAll()).sort();

function setup(
  notifications = fakeBrowser.notifications as unknown as WxtBrowser['notifications'],
) {
  return liveNotificationsEffect(notifications).store;
}

/** What an earlier worker left on screen. */
async function leftOnScreen(ids: string[]): Promise<void> {
  for (const id of ids) {
    await fakeBrowser.notifications.create(id, {
      type: 'basic',
      iconUrl: 'icon.png',
      title: id,
      message: id,
    });
  }
}

describe('notifications after a resync', () => {
  beforeEach(() => fakeBrowser.reset());

  it('clears the alerts closed meanwhile, keeps the open ones and the rest', async () => {
    const store = setup();
    await leftOnScreen([
      alertNotificationId('resolved'),
      alertNotificationId('acked'),
      alertNotificationId('open'),
      NOTIFICATION_IDS.group,
      NOTIFICATION_IDS.monitoringStopped,
    ]);
    store.dispatch({
      type: 'alerts/synced',
      alerts: [
        alert({ id: 'open' }),
        alert({ id: 'acked', status: 'acknowledged', acknowledgedAt: T0 }),
      ],
      at: T0,
      sentAt: T0,
    });
    await vi.waitFor(async () =>
      expect(await shownIds()).toEqual(
        [
          alertNotificationId('open'),
          NOTIFICATION_IDS.group,
          NOTIFICATION_IDS.monitoringStopped,
        ].sort(),
      ),
    );
  });

  it('keeps a re-alert: an acknowledged alert shown again on purpose (#13)', async () => {
    await realertedItem.setValue({ realerted: T0 });
    const { store, effect } = liveNotificationsEffect(
      fakeBrowser.notifications as unknown as WxtBrowser['notifications'],
    );
    await effect.hydrate();
    await leftOnScreen([alertNotificationId('realerted'), alertNotificationId('acked')]);
    store.dispatch({
      type: 'alerts/synced',
      alerts: [
        alert({ id: 'realerted', status: 'acknowledged', acknowledgedAt: T0 - 60_000 }),
        alert({ id: 'acked', status: 'acknowledged', acknowledgedAt: T0 }),
      ],
      at: T0,
      sentAt: T0,
    });
    await vi.waitFor(async () =>
      expect(await shownIds()).toEqual([alertNotificationId('realerted')]),
    );
  });

  it('looks even when the resync changed nothing in the state', async () => {
    const store = setup();
    store.dispatch({ type: 'alerts/synced', alerts: [], at: T0, sentAt: T0 });
    const before = store.getState();
    await leftOnScreen([alertNotificationId('gone')]);
    store.dispatch({ type: 'alerts/synced', alerts: [], at: T0 + 1, sentAt: T0 + 1 });
    expect(store.getState().live).toBe(before.live);
    await vi.waitFor(async () => expect(await shownIds()).toEqual([]));
  });

  it('a browser that cannot list its notifications changes nothing and throws nothing', async () => {
    const notifications = {
      ...fakeBrowser.notifications,
      getAll: vi.fn(async () => {
        throw new Error('not available');
      }),
      clear: vi.fn(fakeBrowser.notifications.clear),
    } as unknown as WxtBrowser['notifications'];
    const store = setup(notifications);
    store.dispatch({ type: 'alerts/synced', alerts: [], at: T0, sentAt: T0 });
    await vi.waitFor(() => expect(notifications.getAll).toHaveBeenCalled());
    expect(notifications.clear).not.toHaveBeenCalled();
  });
});
